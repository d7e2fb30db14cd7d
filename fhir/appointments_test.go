package fhir_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

// appt is the part of an Appointment the tests read.
type appt struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Status       string `json:"status"`
	Start        string `json:"start"`
	Meta         struct {
		VersionID string `json:"versionId"`
	} `json:"meta"`
	Slot []struct {
		Reference string `json:"reference"`
	} `json:"slot"`
	Participant []struct {
		Actor struct {
			Reference string `json:"reference"`
		} `json:"actor"`
	} `json:"participant"`
}

// findSlots runs $find for the nurse's reception at Kallio between the
// days, as who, and returns the proposed appointments.
func (f *fixture) findSlots(who string, fromDay, toDay int) []appt {
	f.t.Helper()
	var b bundle
	f.call(who, "GET", "Appointment/$find?service-type=urn:sotepe:service|health-station-nurse&location=Location/kallio-health-station&start="+
		f.day(fromDay)+"&end="+f.day(toDay), nil).want(f.t, 200).json(f.t, &b)
	var out []appt
	b.resources(f.t, "match", &out)
	if len(out) == 0 {
		f.t.Fatal("$find found nothing")
	}
	return out
}

// bookParams is the $book input of a proposed appointment.
func bookParams(a appt) map[string]any {
	raw, _ := json.Marshal(map[string]any{"resourceType": "Appointment", "status": "pending", "slot": a.Slot,
		"participant": []map[string]any{{"actor": map[string]string{"reference": "Location/kallio-health-station"}, "status": "needs-action"}}})
	return map[string]any{"resourceType": "Parameters", "parameter": []map[string]any{{"name": "appointment-resource", "resource": json.RawMessage(raw)}}}
}

func (f *fixture) book(who string, a appt, headers ...string) (reply, appt) {
	f.t.Helper()
	r := f.call(who, "POST", "Appointment/$book", bookParams(a), headers...)
	if r.status != 200 {
		return r, appt{}
	}
	var b bundle
	r.json(f.t, &b)
	var out []appt
	b.resources(f.t, "match", &out)
	if len(out) != 1 {
		f.t.Fatalf("$book answered %s", r.body)
	}
	return r, out[0]
}

func TestBookReadCancel(t *testing.T) { testenv.Engines(t, testBookReadCancel) }

func testBookReadCancel(t *testing.T) {
	f := newFixture(t)
	proposed := f.findSlots("anna", 2, 9)
	if proposed[0].Status != "proposed" || proposed[0].ID != "" || !strings.HasPrefix(proposed[0].Slot[0].Reference, "Slot/") {
		t.Fatalf("proposed %+v", proposed[0])
	}
	// Nobody books without signing in; a system's token books only with
	// system/Appointment.write (auth_test.go).
	f.wantOutcome(f.call("", "POST", "Appointment/$book", bookParams(proposed[0])), 401, "error.unauthorized", sotepe.Finnish)
	token := f.client("booking-app", sotepe.ScopeFHIRSlotRead)
	f.wantOutcome(f.call("bearer:"+token, "POST", "Appointment/$book", bookParams(proposed[0])), 403, "error.integration_scope", sotepe.Finnish)

	r, booked := f.book("anna", proposed[0], "Idempotency-Key", "fhir-test-1")
	r.want(t, 200)
	if booked.Status != "booked" || booked.Slot[0] != proposed[0].Slot[0] || booked.Participant[0].Actor.Reference != "Patient/"+f.rid("anna") {
		t.Fatalf("booked %+v", booked)
	}
	// A retry under the same key gets the same booking, not "taken".
	if _, again := f.book("anna", proposed[0], "Idempotency-Key", "fhir-test-1"); again.ID != booked.ID {
		t.Errorf("retry booked %s, first %s", again.ID, booked.ID)
	}
	// No double booking: the slot is gone for erik, and from the search.
	f.wantOutcome(f.call("erik", "POST", "Appointment/$book", bookParams(proposed[0])), 409, "error.appt_taken", sotepe.Finnish)
	for _, p := range f.findSlots("", 2, 9) {
		if p.Slot[0] == proposed[0].Slot[0] {
			t.Errorf("booked slot %s still found", p.Slot[0].Reference)
		}
	}

	// Reads: anna and Kallio's nurse (audited) see it; erik, a manager of
	// another unit and systems do not.
	var read appt
	ar := f.call("anna", "GET", "Appointment/"+booked.ID, nil).want(t, 200)
	ar.json(t, &read)
	if read.ID != booked.ID || ar.header.Get("ETag") != `W/"`+read.Meta.VersionID+`"` || ar.header.Get("Cache-Control") != "no-store" {
		t.Errorf("read %+v with %v", read, ar.header)
	}
	f.wantOutcome(f.call("erik", "GET", "Appointment/"+booked.ID, nil), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.call("analyst", "GET", "Appointment/"+booked.ID, nil), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.call("bearer:"+token, "GET", "Appointment/"+booked.ID, nil), 403, "error.integration_scope", sotepe.Finnish)
	before := f.accessCount("anna")
	f.call("nurse", "GET", "Appointment/"+booked.ID, nil).want(t, 200)
	if after := f.accessCount("anna"); after != before+1 {
		t.Errorf("the nurse's read left %d audit rows, want 1", after-before)
	}
	var mine bundle
	f.call("anna", "GET", "Appointment?patient=Patient/"+f.rid("anna")+"&status=booked", nil).want(t, 200).json(t, &mine)
	if len(mine.Entry) != 1 {
		t.Errorf("anna's booked appointments: %d", len(mine.Entry))
	}
	var none bundle
	f.call("anna", "GET", "Appointment?patient=Patient/"+f.rid("erik"), nil).want(t, 200).json(t, &none)
	if len(none.Entry) != 0 {
		t.Errorf("anna sees erik's appointments: %s", none.Entry[0].Resource)
	}

	// Cancelling: erik cannot; a stale If-Match is 412; anna's PATCH cancels.
	cancel := `[{"op":"replace","path":"/status","value":"cancelled"}]`
	f.wantOutcome(f.callPatch("erik", booked.ID, cancel), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.callPatch("anna", booked.ID, `[{"op":"replace","path":"/start","value":"2030-01-01T10:00:00Z"}]`), 422, "error.fhir_cancel_only", sotepe.Finnish)
	f.wantOutcome(f.callPatch("anna", booked.ID, cancel, "If-Match", `W/"stale"`), 412, "error.fhir_version", sotepe.Finnish)
	var cancelled appt
	f.callPatch("anna", booked.ID, cancel, "If-Match", ar.header.Get("ETag")).want(t, 200).json(t, &cancelled)
	if cancelled.Status != "cancelled" || cancelled.Meta.VersionID == read.Meta.VersionID {
		t.Errorf("cancelled %+v", cancelled)
	}
	f.call("anna", "GET", "Appointment/"+booked.ID, nil).want(t, 200).json(t, &read)
	if read.Status != "cancelled" {
		t.Errorf("read back %s", read.Status)
	}
	// The slot is free again for someone else.
	if r, _ := f.book("erik", proposed[0]); r.status != 200 {
		t.Errorf("erik could not book the freed slot: %d %s", r.status, r.body)
	}
}

// callPatch sends a JSON Patch to an appointment.
func (f *fixture) callPatch(who, id, patch string, headers ...string) reply {
	f.t.Helper()
	return f.call(who, "PATCH", "Appointment/"+id, patch, append([]string{"Content-Type", "application/json-patch+json"}, headers...)...)
}

// accessCount is how many staff reads of the resident's data the access
// log shows.
func (f *fixture) accessCount(name string) int {
	f.t.Helper()
	ctx, u := f.env.As(name)
	n := 0
	p := sotepe.PageRequest{Limit: sotepe.MaxPageLimit}
	for {
		page, err := f.res.AccessLog(ctx, u, p)
		if err != nil {
			f.t.Fatal(err)
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		p.Cursor = page.NextCursor
	}
}

func TestCreateAndCancellationLimit(t *testing.T) { testenv.Engines(t, testCreateAndCancellationLimit) }

func testCreateAndCancellationLimit(t *testing.T) {
	f := newFixture(t)
	// A slot starting within the 24-hour cancellation limit: today's.
	soon := f.findSlots("anna", 0, 0)[0]
	start, err := time.Parse(time.RFC3339, soon.Start)
	if err != nil || start.Sub(f.env.Clock.Now()) > 24*time.Hour {
		t.Fatalf("no slot within a day: %+v", soon)
	}
	body := map[string]any{"resourceType": "Appointment", "status": "booked", "slot": soon.Slot,
		"serviceType": []map[string]any{{"coding": []map[string]string{{"system": "urn:sotepe:service", "code": "health-station-nurse"}}}},
		"participant": []map[string]any{{"actor": map[string]string{"reference": "Patient/" + f.rid("anna")}, "status": "accepted"}}}
	// Booking for someone else is refused.
	other := map[string]any{}
	for k, v := range body {
		other[k] = v
	}
	other["participant"] = []map[string]any{{"actor": map[string]string{"reference": "Patient/" + f.rid("erik")}, "status": "accepted"}}
	f.wantOutcome(f.call("anna", "POST", "Appointment", other), 403, "error.fhir_patient_self", sotepe.Finnish)
	r := f.call("anna", "POST", "Appointment", body).want(t, http.StatusCreated)
	var a appt
	r.json(t, &a)
	if r.header.Get("Location") != f.srv.URL+"/fhir/R4/Appointment/"+a.ID || a.Status != "booked" {
		t.Fatalf("created %+v at %q", a, r.header.Get("Location"))
	}
	// PUT with the status cancelled: too late for a resident by the
	// service's rule.
	var full map[string]any
	f.call("anna", "GET", "Appointment/"+a.ID, nil).want(t, 200).json(t, &full)
	full["status"] = "cancelled"
	f.wantOutcome(f.call("anna", "PUT", "Appointment/"+a.ID, full), 409, "error.appt_cancel_late", sotepe.Finnish)
	full["status"] = "noshow"
	f.wantOutcome(f.call("anna", "PUT", "Appointment/"+a.ID, full), 422, "error.fhir_cancel_only", sotepe.Finnish)
	// Staff of the unit may cancel until the start.
	full["status"] = "cancelled"
	var c appt
	f.call("nurse", "PUT", "Appointment/"+a.ID, full).want(t, 200).json(t, &c)
	if c.Status != "cancelled" {
		t.Errorf("nurse's cancel: %+v", c)
	}
}

func TestPatient(t *testing.T) { testenv.Engines(t, testPatient) }

func testPatient(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, err := f.env.Store.Resident(ctx, f.env.Users["anna"].ResidentID)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ID         string `json:"id"`
		Identifier []struct {
			System string `json:"system"`
			Value  string `json:"value"`
		} `json:"identifier"`
		Name []struct {
			Family string   `json:"family"`
			Given  []string `json:"given"`
		} `json:"name"`
		BirthDate string `json:"birthDate"`
		Gender    string `json:"gender"`
	}
	r := f.call("anna", "GET", "Patient/"+f.rid("anna"), nil).want(t, 200)
	r.json(t, &p)
	if p.Identifier[0].System != "urn:oid:1.2.246.21" || p.Identifier[0].Value != anna.PersonalID || p.Name[0].Family != anna.LastName || p.BirthDate == "" || p.Gender == "" {
		t.Errorf("patient %+v of %+v", p, anna)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	f.wantOutcome(f.call("anna", "GET", "Patient/"+f.rid("erik"), nil), 404, "error.not_found", sotepe.Finnish)
	var own bundle
	f.call("anna", "GET", "Patient", nil).want(t, 200).json(t, &own)
	if len(own.Entry) != 1 || !strings.HasSuffix(own.Entry[0].FullURL, "/Patient/"+f.rid("anna")) {
		t.Errorf("anna's Patient search %+v", own)
	}
	// Staff read on a basis, audited; without one, the service refuses.
	f.wantOutcome(f.call("nurse", "GET", "Patient/"+f.rid("anna"), nil), 400, "error.basis", sotepe.Finnish)
	before := f.accessCount("anna")
	f.call("nurse", "GET", "Patient/"+f.rid("anna")+"?basis=care_relationship", nil).want(t, 200)
	if after := f.accessCount("anna"); after != before+1 {
		t.Errorf("the nurse's read left %d audit rows, want 1", after-before)
	}
	f.wantOutcome(f.call("analyst", "GET", "Patient/"+f.rid("anna")+"?basis=care_relationship", nil), 403, "error.forbidden", sotepe.Finnish)
	token := f.client("records", sotepe.ScopeFHIRSlotRead)
	f.wantOutcome(f.call("bearer:"+token, "GET", "Patient/"+f.rid("anna"), nil), 403, "error.fhir_system_personal", sotepe.Finnish)
	// Staff find by identity code only in a form body.
	f.wantOutcome(f.call("nurse", "GET", "Patient?identifier=urn:oid:1.2.246.21|"+anna.PersonalID+"&basis=care_relationship", nil),
		400, "error.fhir_patient_search", sotepe.Finnish)
	var found bundle
	f.call("nurse", "POST", "Patient/_search", "identifier=urn:oid:1.2.246.21|"+anna.PersonalID+"&basis=care_relationship",
		"Content-Type", "application/x-www-form-urlencoded").want(t, 200).json(t, &found)
	if len(found.Entry) != 1 {
		t.Errorf("found %+v", found)
	}
}

func TestSystemScopes(t *testing.T) {
	f := newFixture(t)
	slots := f.client("slot-reader", sotepe.ScopeFHIRSlotRead)
	f.call("bearer:"+slots, "GET", "Slot?service-type=health-station-nurse&_count=3", nil).want(t, 200)
	f.call("bearer:"+slots, "GET", "Appointment/$find?service-type=health-station-nurse&_count=3", nil).want(t, 200)
	f.wantOutcome(f.call("bearer:"+slots, "GET", "Location/kallio-health-station", nil), 403, "error.integration_scope", sotepe.Finnish)
	f.wantOutcome(f.call("bearer:"+slots, "GET", "Schedule?actor=Location/kallio-health-station", nil), 403, "error.integration_scope", sotepe.Finnish)
	events := f.client("events-only", sotepe.ScopeEventsWrite)
	f.wantOutcome(f.call("bearer:"+events, "GET", "Slot?service-type=health-station-nurse", nil), 403, "error.integration_scope", sotepe.Finnish)
	dir := f.client("directory", sotepe.ScopeFHIRLocationRead, sotepe.ScopeFHIROrganizationRead)
	f.call("bearer:"+dir, "GET", "Location/kallio-health-station", nil).want(t, 200)
	f.call("bearer:"+dir, "GET", "Organization", nil).want(t, 200)
	// The capability statement is open to all, any token or none.
	f.call("bearer:nonsense", "GET", "metadata", nil).want(t, 200)
	if err := f.env.Store.RevokeIntegrationClient(context.Background(), "directory", f.env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.wantOutcome(f.call("bearer:"+dir, "GET", "Location/kallio-health-station", nil), 401, "error.integration_token", sotepe.Finnish)
}
