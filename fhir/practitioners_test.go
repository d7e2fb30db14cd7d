package fhir_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestPractitioners(t *testing.T) { testenv.Engines(t, testPractitioners) }

// practitionerJSON is the part of a Practitioner the test reads; any other
// field in the answer fails it, as only the name may be shown.
type practitionerJSON struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Name         []struct {
		Text string `json:"text"`
	} `json:"name"`
}

type roleJSON struct {
	ID           string `json:"id"`
	Practitioner struct {
		Reference string `json:"reference"`
		Display   string `json:"display"`
	} `json:"practitioner"`
	Location []struct {
		Reference string `json:"reference"`
	} `json:"location"`
	Code []struct {
		Coding []struct {
			Code string `json:"code"`
		} `json:"coding"`
	} `json:"code"`
}

func testPractitioners(t *testing.T) {
	f := newFixture(t)
	nurse := f.env.Users["nurse"]
	nid := strconv.FormatInt(nurse.ID, 10)

	// Nobody signed in: 401, as the names of staff are not public.
	f.wantOutcome(f.call("", "GET", "Practitioner/"+nid, nil), 401, "error.unauthorized", sotepe.Finnish)
	f.wantOutcome(f.call("", "GET", "PractitionerRole?location=Location/kallio-health-station&lang=en", nil), 401, "error.unauthorized", sotepe.English)

	// A resident reads the name, and nothing more.
	r := f.call("anna", "GET", "Practitioner/"+nid, nil).want(t, 200)
	var raw map[string]any
	r.json(t, &raw)
	for k := range raw {
		if !slices.Contains([]string{"resourceType", "id", "meta", "active", "name"}, k) {
			t.Errorf("Practitioner shows %q: %s", k, r.body)
		}
	}
	for _, secret := range []string{nurse.Username, nurse.Email} {
		if secret != "" && strings.Contains(string(r.body), secret) {
			t.Errorf("Practitioner shows %q: %s", secret, r.body)
		}
	}
	var p practitionerJSON
	r.json(t, &p)
	if p.ResourceType != "Practitioner" || p.ID != nid || len(p.Name) != 1 || p.Name[0].Text != "Sanna Nurmi" {
		t.Errorf("practitioner %+v", p)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	// A resident, an analyst without units and a missing id are not
	// practitioners.
	for _, id := range []string{strconv.FormatInt(f.env.Users["anna"].ID, 10), strconv.FormatInt(f.env.Users["analyst"].ID, 10), "999999", "x"} {
		f.wantOutcome(f.call("anna", "GET", "Practitioner/"+id, nil), 404, "error.not_found", sotepe.Finnish)
	}

	// Search by a part of the name, accents and case ignored.
	var found bundle
	f.call("erik", "GET", "Practitioner?name=NURMI", nil).want(t, 200).json(t, &found)
	var ps []practitionerJSON
	found.resources(t, "match", &ps)
	if len(ps) != 1 || ps[0].ID != nid {
		t.Errorf("Practitioner?name=NURMI: %+v", ps)
	}
	var all bundle
	f.call("nurse", "GET", "Practitioner?_count=500", nil).want(t, 200).json(t, &all)
	ps = nil
	all.resources(t, "match", &ps)
	ids := map[string]int{}
	for _, x := range ps {
		ids[x.ID]++
	}
	if ids[nid] != 1 || ids[strconv.FormatInt(f.env.Users["manager"].ID, 10)] != 1 || ids[strconv.FormatInt(f.env.Users["analyst"].ID, 10)] != 0 {
		t.Errorf("every practitioner once, no analyst: %v", ids)
	}

	// The roles at a unit: the nurse and the manager at Kallio.
	var at bundle
	f.call("anna", "GET", "PractitionerRole?location=Location/kallio-health-station", nil).want(t, 200).json(t, &at)
	var roles []roleJSON
	at.resources(t, "match", &roles)
	byWho := map[string]roleJSON{}
	for _, ro := range roles {
		if len(ro.Location) != 1 || ro.Location[0].Reference != "Location/kallio-health-station" {
			t.Errorf("role %+v at another unit", ro)
		}
		byWho[ro.Practitioner.Reference] = ro
	}
	nr, ok := byWho["Practitioner/"+nid]
	if !ok || nr.Practitioner.Display != "Sanna Nurmi" || len(nr.Code) != 1 || nr.Code[0].Coding[0].Code != "professional" {
		t.Errorf("the nurse's role %+v of %+v", nr, roles)
	}
	mgr := byWho["Practitioner/"+strconv.FormatInt(f.env.Users["manager"].ID, 10)]
	if len(mgr.Code) != 1 || mgr.Code[0].Coding[0].Code != "manager" {
		t.Errorf("the manager's role %+v", mgr)
	}
	// One practitioner's units; each role reads back by its id.
	var mine bundle
	f.call("anna", "GET", "PractitionerRole?practitioner=Practitioner/"+nid, nil).want(t, 200).json(t, &mine)
	roles = nil
	mine.resources(t, "match", &roles)
	var units []string
	for _, ro := range roles {
		units = append(units, strings.TrimPrefix(ro.Location[0].Reference, "Location/"))
		var back roleJSON
		f.call("anna", "GET", "PractitionerRole/"+ro.ID, nil).want(t, 200).json(t, &back)
		if back.ID != ro.ID || back.Practitioner.Reference != "Practitioner/"+nid {
			t.Errorf("read back %+v, searched %+v", back, ro)
		}
	}
	slices.Sort(units)
	if want := slices.Sorted(slices.Values(nurse.Units)); !slices.Equal(units, want) {
		t.Errorf("the nurse's units %v, want %v", units, want)
	}
	// A unit the practitioner does not work at, or no unit: 404.
	for _, id := range []string{nid + ".toolo-health-station", nid + ".no-such-unit", nid, strconv.FormatInt(f.env.Users["anna"].ID, 10) + ".kallio-health-station"} {
		f.wantOutcome(f.call("anna", "GET", "PractitionerRole/"+id, nil), 404, "error.not_found", sotepe.Finnish)
	}
	if r := f.call("anna", "GET", "PractitionerRole?service=x", nil).want(t, 400); !strings.Contains(string(r.body), "error.fhir_param") {
		t.Errorf("an unknown parameter: %s", r.body)
	}

	// Systems need system/Practitioner.read.
	slots := f.client("slots-only", sotepe.ScopeFHIRSlotRead)
	f.wantOutcome(f.call("bearer:"+slots, "GET", "Practitioner/"+nid, nil), 403, "error.integration_scope", sotepe.Finnish)
	staff := f.client("staff-directory", sotepe.ScopeFHIRPractitionerRead)
	f.call("bearer:"+staff, "GET", "Practitioner/"+nid, nil).want(t, 200)
	f.call("bearer:"+staff, "GET", "PractitionerRole?location=kallio-health-station", nil).want(t, 200)
	f.wantOutcome(f.call("bearer:"+staff, "GET", "Patient/"+f.rid("anna"), nil), 403, "error.fhir_system_personal", sotepe.Finnish)
	f.wantOutcome(f.call("anna", "POST", "Practitioner", "{}"), http.StatusMethodNotAllowed, "error.fhir_method", sotepe.Finnish)
}
