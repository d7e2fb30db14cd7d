package fhir_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/popreg"
	"sotepe/testidp"
)

// bookFor is the $book input of a system booking proposed appointment a
// for the resident with personal identity code code.
func bookFor(a appt, code string) map[string]any {
	p := bookParams(a)
	p["parameter"] = append(p["parameter"].([]map[string]any), map[string]any{"name": "patient",
		"valueIdentifier": map[string]string{"system": "urn:oid:1.2.246.21", "value": code}})
	return p
}

// cancelParams is the $book input cancelling appointment id.
func cancelParams(id string) map[string]any {
	raw, _ := json.Marshal(map[string]any{"resourceType": "Appointment", "id": id, "status": "cancelled",
		"participant": []map[string]any{{"actor": map[string]string{"reference": "Location/kallio-health-station"}, "status": "declined"}}})
	return map[string]any{"resourceType": "Parameters", "parameter": []map[string]any{{"name": "appointment-resource", "resource": json.RawMessage(raw)}}}
}

// bookedIn reads the one appointment of a $book answer.
func bookedIn(t *testing.T, r reply) appt {
	t.Helper()
	var b bundle
	r.want(t, 200).json(t, &b)
	var out []appt
	b.resources(t, "match", &out)
	if len(out) != 1 {
		t.Fatalf("$book answered %s", r.body)
	}
	return out[0]
}

// auditRows counts the audit rows of action whose actor is integration
// client name.
func (f *fixture) auditRows(name, action string) int {
	f.t.Helper()
	var n int
	if err := f.env.Store.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log
		WHERE action = $1 AND actor_role = 'integration' AND actor_client = (SELECT id FROM integration_clients WHERE name = $2)`,
		action, name).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestResidentAccessToken(t *testing.T) { testenv.Engines(t, testResidentAccessToken) }

func testResidentAccessToken(t *testing.T) {
	f := newFixture(t)
	all := []string{"patient/Slot.read", "patient/Appointment.rs", "patient/Appointment.cud", "patient/Patient.read"}
	anna := f.residentToken("demo-anna", all)
	proposed := f.findSlots(anna, 2, 9)
	if last := proposed[0].Participant[len(proposed[0].Participant)-1]; last.Actor.Reference != "Patient/"+f.rid("anna") {
		t.Errorf("proposed for %+v", proposed[0].Participant)
	}
	booked := bookedIn(t, f.call(anna, "POST", "Appointment/$book", bookParams(proposed[0]), "Idempotency-Key", "bearer-1"))
	if booked.Status != "booked" || booked.Participant[0].Actor.Reference != "Patient/"+f.rid("anna") {
		t.Fatalf("booked %+v", booked)
	}
	// The booking is anna's, as if she had booked in the portal.
	ctx, u := f.env.As("anna")
	if _, err := f.appts.Get(ctx, u, mustInt(t, booked.ID)); err != nil {
		t.Errorf("anna's own read of the booking: %v", err)
	}
	var read appt
	f.call(anna, "GET", "Appointment/"+booked.ID, nil).want(t, 200).json(t, &read)
	var mine bundle
	f.call(anna, "GET", "Appointment?status=booked", nil).want(t, 200).json(t, &mine)
	if read.ID != booked.ID || len(mine.Entry) != 1 {
		t.Errorf("read %+v, search %d", read, len(mine.Entry))
	}
	// Her own Patient, with her municipality; erik's is not hers (404),
	// nor erik's booking.
	var p struct {
		Extension []struct {
			URL         string                        `json:"url"`
			ValueCoding struct{ System, Code string } `json:"valueCoding"`
		} `json:"extension"`
	}
	f.call(anna, "GET", "Patient/"+f.rid("anna"), nil).want(t, 200).json(t, &p)
	if len(p.Extension) != 1 || p.Extension[0].ValueCoding.Code != "091" {
		t.Errorf("anna's Patient extensions %+v", p.Extension)
	}
	f.wantOutcome(f.call(anna, "GET", "Patient/"+f.rid("erik"), nil), 404, "error.not_found", sotepe.Finnish)
	_, eriks := f.book("erik", proposed[1])
	f.wantOutcome(f.call(anna, "GET", "Appointment/"+eriks.ID, nil), 404, "error.not_found", sotepe.Finnish)
	// A token speaks for the request, whatever session is beside it.
	f.wantOutcome(f.call(anna, "GET", "Appointment/"+eriks.ID, nil, "X-Test-User", "erik"), 404, "error.not_found", sotepe.Finnish)

	// Scopes: read-only tokens do not book or cancel; v1 scopes count.
	readOnly := f.residentToken("demo-anna", []string{"patient/Slot.read", "patient/Appointment.read"})
	r := f.call(readOnly, "POST", "Appointment/$book", bookParams(proposed[2]))
	f.wantOutcome(r, 403, "error.fhir_scope", sotepe.Finnish)
	if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="insufficient_scope"`) || !strings.Contains(got, `scope="patient/Appointment.cud"`) {
		t.Errorf("WWW-Authenticate %q", got)
	}
	f.call(readOnly, "GET", "Appointment/"+booked.ID, nil).want(t, 200)
	f.wantOutcome(f.callPatch(readOnly, booked.ID, `[{"op":"replace","path":"/status","value":"cancelled"}]`), 403, "error.fhir_scope", sotepe.Finnish)
	f.wantOutcome(f.call(readOnly, "GET", "Patient/"+f.rid("anna"), nil), 403, "error.fhir_scope", sotepe.Finnish)
	f.wantOutcome(f.call(readOnly, "GET", "Location/kallio-health-station", nil), 403, "error.fhir_scope", sotepe.Finnish)
	v1 := f.residentToken("demo-anna", []string{"patient/Appointment.write", "patient/Appointment.read"})
	var cancelled appt
	f.callPatch(v1, booked.ID, `[{"op":"replace","path":"/status","value":"cancelled"}]`).want(t, 200).json(t, &cancelled)
	if cancelled.Status != "cancelled" {
		t.Errorf("cancelled %+v", cancelled)
	}

	// Bad tokens are 401 invalid_token, in the caller's language.
	for _, tc := range []struct{ name, who, key string }{
		{"expired", f.residentToken("demo-anna", all, func(r *testidp.AccessTokenRequest) { r.Tamper = expire(f) }), "error.oidc_expired"},
		{"another audience", f.residentToken("demo-anna", all, func(r *testidp.AccessTokenRequest) { r.Audience = "https://other.test/fhir" }), "error.oidc_audience"},
		{"not an access token", f.residentToken("demo-anna", all, func(r *testidp.AccessTokenRequest) { r.Type = "dpop+jwt" }), "error.oidc_token"},
		{"a forged JWT", "bearer:eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "error.oidc_token"},
	} {
		name := tc.name
		r := f.call(tc.who, "GET", "Appointment?lang=sv", nil)
		f.wantOutcome(r, 401, tc.key, sotepe.Swedish)
		if got := r.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
			t.Errorf("%s: WWW-Authenticate %q", name, got)
		}
	}
	// Eero never signed in, and this token tells no identity code: it
	// speaks for nobody sotepe knows, 401.
	f.wantOutcome(f.call(f.residentToken("demo-eero", all, func(r *testidp.AccessTokenRequest) {
		r.Tamper = func(c map[string]any) { delete(c, "urn:oid:1.2.246.21") }
	}), "GET", "Patient", nil), 401, "error.fhir_token_person", sotepe.Finnish)
	// A first token of someone never signed in finds them by the code,
	// as sign-in does.
	var eero bundle
	f.call(f.residentToken("demo-eero", all), "GET", "Patient", nil).want(t, 200).json(t, &eero)
	if len(eero.Entry) != 1 {
		t.Errorf("eero's own Patient search: %s", eero.Entry)
	}
}

// expire sets a token's exp two minutes back on the fixture's clock.
func expire(f *fixture) func(map[string]any) {
	return func(c map[string]any) { c["exp"] = f.env.Clock.Now().Add(-2 * time.Minute).Unix() }
}

func TestSystemBooking(t *testing.T) { testenv.Engines(t, testSystemBooking) }

func testSystemBooking(t *testing.T) {
	f := newFixture(t)
	app := f.client("booking-app", sotepe.ScopeFHIRSlotRead, sotepe.ScopeFHIRAppointmentRead, sotepe.ScopeFHIRAppointmentWrite)
	annaCode := demo.Identities()[0].PersonalID
	proposed := f.findSlots("bearer:"+app, 2, 9)
	booked := bookedIn(t, f.call("bearer:"+app, "POST", "Appointment/$book", bookFor(proposed[0], annaCode), "Idempotency-Key", "app-1"))
	if booked.Status != "booked" || booked.Participant[0].Actor.Reference != "Patient/"+f.rid("anna") {
		t.Fatalf("booked %+v", booked)
	}
	// A retry under the key is the same booking.
	if again := bookedIn(t, f.call("bearer:"+app, "POST", "Appointment/$book", bookFor(proposed[0], annaCode), "Idempotency-Key", "app-1")); again.ID != booked.ID {
		t.Errorf("retry booked %s, first %s", again.ID, booked.ID)
	}
	// anna sees it as hers; nobody books the slot twice.
	ctx, u := f.env.As("anna")
	if a, err := f.appts.Get(ctx, u, mustInt(t, booked.ID)); err != nil || a.Status != sotepe.AppointmentBooked {
		t.Errorf("anna's read: %+v %v", a, err)
	}
	f.wantOutcome(f.call("erik", "POST", "Appointment/$book", bookParams(proposed[0])), 409, "error.appt_taken", sotepe.Finnish)
	f.wantOutcome(f.call("bearer:"+app, "POST", "Appointment/$book", bookFor(proposed[0], demo.Identities()[1].PersonalID)), 409, "error.appt_taken", sotepe.Finnish)
	if n := f.auditRows("booking-app", sotepe.ActionAppointmentBook); n != 1 {
		t.Errorf("%d booking rows name the client", n)
	}
	if n := f.auditRows("booking-app", sotepe.ActionResidentSearch); n < 2 {
		t.Errorf("%d resident searches name the client", n)
	}

	// It reads back what it booked, audited; another client does not.
	before := f.auditRows("booking-app", sotepe.ActionAppointmentRead)
	f.call("bearer:"+app, "GET", "Appointment/"+booked.ID, nil).want(t, 200)
	var list bundle
	f.call("bearer:"+app, "GET", "Appointment?status=booked", nil).want(t, 200).json(t, &list)
	if len(list.Entry) != 1 {
		t.Errorf("the client's list: %d", len(list.Entry))
	}
	if after := f.auditRows("booking-app", sotepe.ActionAppointmentRead); after != before+2 {
		t.Errorf("the client's reads left %d rows, want 2", after-before)
	}
	other := f.client("other-app", sotepe.ScopeFHIRAppointmentRead, sotepe.ScopeFHIRAppointmentWrite)
	f.wantOutcome(f.call("bearer:"+other, "GET", "Appointment/"+booked.ID, nil), 404, "error.not_found", sotepe.Finnish)
	f.wantOutcome(f.call("bearer:"+other, "POST", "Appointment/$book", cancelParams(booked.ID)), 404, "error.not_found", sotepe.Finnish)
	writeOnly := f.client("write-only", sotepe.ScopeFHIRAppointmentWrite)
	f.wantOutcome(f.call("bearer:"+writeOnly, "GET", "Appointment/"+booked.ID, nil), 403, "error.integration_scope", sotepe.Finnish)
	readOnly := f.client("read-only", sotepe.ScopeFHIRAppointmentRead)
	f.wantOutcome(f.call("bearer:"+readOnly, "POST", "Appointment/$book", bookFor(proposed[1], annaCode)), 403, "error.integration_scope", sotepe.Finnish)
	// Systems still read no Patient.
	f.wantOutcome(f.call("bearer:"+app, "GET", "Patient/"+f.rid("anna"), nil), 403, "error.fhir_system_personal", sotepe.Finnish)

	// The resident must be named, by code, and known.
	f.wantOutcome(f.call("bearer:"+app, "POST", "Appointment/$book", bookParams(proposed[1])), 400, "error.fhir_book_patient", sotepe.Finnish)
	stranger := sotepe.SyntheticPersonalID(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 990)
	f.wantOutcome(f.call("bearer:"+app, "POST", "Appointment/$book?lang=en", bookFor(proposed[1], stranger)), 404, "error.appt_no_resident", sotepe.English)

	// Cancelling: within the limit, then too late.
	var cancelled appt
	if c := bookedIn(t, f.call("bearer:"+app, "POST", "Appointment/$book", cancelParams(booked.ID))); c.Status != "cancelled" {
		t.Errorf("$book cancelling answered %+v", c)
	}
	f.call("bearer:"+app, "GET", "Appointment/"+booked.ID, nil).want(t, 200).json(t, &cancelled)
	if cancelled.Status != "cancelled" || f.auditRows("booking-app", sotepe.ActionAppointmentCancel) != 1 {
		t.Errorf("cancelled %+v", cancelled)
	}
	soon := f.findSlots("bearer:"+app, 0, 1)
	late := bookedIn(t, f.call("bearer:"+app, "POST", "Appointment/$book", bookFor(soon[0], annaCode)))
	f.wantOutcome(f.call("bearer:"+app, "POST", "Appointment/$book", cancelParams(late.ID)), 409, "error.appt_cancel_late", sotepe.Finnish)
}

func TestPatientMunicipality(t *testing.T) {
	f := newFixture(t)
	municipality := func() string {
		t.Helper()
		var p struct {
			Extension []struct {
				URL         string `json:"url"`
				ValueCoding struct {
					System string `json:"system"`
					Code   string `json:"code"`
				} `json:"valueCoding"`
			} `json:"extension"`
		}
		f.call("anna", "GET", "Patient/"+f.rid("anna"), nil).want(t, 200).json(t, &p)
		if len(p.Extension) == 0 {
			return ""
		}
		e := p.Extension[0]
		if e.URL != "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code" || e.ValueCoding.System != "urn:oid:1.2.246.537.6.21.2003" {
			t.Errorf("extension %+v", e)
		}
		return e.ValueCoding.Code
	}
	if got := municipality(); got != "091" {
		t.Errorf("anna's municipality %q, want 091", got)
	}
	code := demo.Identities()[0].PersonalID
	f.pop.PopulationRegister = popreg.NewFake(nil, popreg.Residence{PersonalID: code, Home: sotepe.Home{Municipality: "049"}})
	if got := municipality(); got != "049" {
		t.Errorf("in Espoo: %q", got)
	}
	// Address protection hides the municipality; so does a register that
	// knows nothing or does not answer.
	f.pop.PopulationRegister = popreg.NewFake(nil, popreg.Residence{PersonalID: code, Home: sotepe.Home{Municipality: "092", Protected: true}})
	if got := municipality(); got != "" {
		t.Errorf("under turvakielto: %q", got)
	}
	f.pop.PopulationRegister = popreg.NewFake(nil)
	if got := municipality(); got != "" {
		t.Errorf("unknown to the register: %q", got)
	}
	down := popreg.NewFake(nil, popreg.Residence{PersonalID: code, Home: sotepe.Home{Municipality: "091"}})
	down.Down = true
	f.pop.PopulationRegister = down
	if got := municipality(); got != "" {
		t.Errorf("register down: %q", got)
	}
}
