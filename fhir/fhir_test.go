package fhir_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestMetadata(t *testing.T) { testenv.Engines(t, testMetadata) }

func testMetadata(t *testing.T) {
	f := newFixture(t)
	r := f.call("", "GET", "metadata", nil).want(t, http.StatusOK)
	var cs struct {
		ResourceType string   `json:"resourceType"`
		FhirVersion  string   `json:"fhirVersion"`
		Format       []string `json:"format"`
		Meta         struct {
			VersionID string `json:"versionId"`
		} `json:"meta"`
		Rest []struct {
			Resource []struct {
				Type        string `json:"type"`
				Interaction []struct {
					Code string `json:"code"`
				} `json:"interaction"`
				Operation []struct {
					Name string `json:"name"`
				} `json:"operation"`
				SearchInclude []string `json:"searchInclude"`
			} `json:"resource"`
		} `json:"rest"`
	}
	r.json(t, &cs)
	if cs.ResourceType != "CapabilityStatement" || cs.FhirVersion != "4.0.1" || !slices.Contains(cs.Format, "application/fhir+json") {
		t.Fatalf("capability statement %+v", cs)
	}
	got := map[string][]string{}
	for _, res := range cs.Rest[0].Resource {
		for _, i := range res.Interaction {
			got[res.Type] = append(got[res.Type], i.Code)
		}
		for _, o := range res.Operation {
			got[res.Type] = append(got[res.Type], "$"+o.Name)
		}
		if res.Type == "Slot" && !slices.Contains(res.SearchInclude, "Slot:schedule") {
			t.Errorf("Slot's searchInclude %v", res.SearchInclude)
		}
	}
	for typ, want := range map[string][]string{
		"Organization": {"read", "search-type"}, "Location": {"read", "search-type"}, "HealthcareService": {"read", "search-type"},
		"Schedule": {"read", "search-type"}, "Slot": {"read", "search-type"}, "Patient": {"read", "search-type"},
		"Appointment":  {"read", "search-type", "create", "update", "patch", "$find", "$book"},
		"Practitioner": {"read", "search-type"}, "PractitionerRole": {"read", "search-type"},
		"QuestionnaireResponse": {"read"},
	} {
		if !slices.Equal(got[typ], want) {
			t.Errorf("%s supports %v, want %v", typ, got[typ], want)
		}
	}
	tag := r.header.Get("ETag")
	if tag != `W/"`+cs.Meta.VersionID+`"` {
		t.Errorf("ETag %q, versionId %q", tag, cs.Meta.VersionID)
	}
	f.call("", "GET", "metadata", nil, "If-None-Match", tag).want(t, http.StatusNotModified)
	f.wantOutcome(f.call("", "POST", "metadata", "{}"), http.StatusMethodNotAllowed, "error.fhir_method", sotepe.Finnish)
}

func TestErrorsAreOutcomes(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		who, method, path string
		status            int
		key               string
		lang              sotepe.Lang
	}{
		{"", "GET", "Observation/1", 404, "error.fhir_path", sotepe.Finnish},
		{"", "GET", "Location/no-such-unit?lang=sv", 404, "error.not_found", sotepe.Swedish},
		{"", "GET", "Location/not_an_id?lang=en", 404, "error.not_found", sotepe.English},
		{"", "DELETE", "Location/kallio-health-station", 405, "error.fhir_method", sotepe.Finnish},
		{"", "GET", "Location?colour=red&lang=en", 400, "error.fhir_param", sotepe.English},
		{"", "GET", "Slot?status=free", 400, "error.fhir_slot_service", sotepe.Finnish},
		{"", "GET", "Slot?service-type=health-station-nurse&status=busy&lang=sv", 400, "error.fhir_slot_status", sotepe.Swedish},
		{"", "GET", "Slot?service-type=health-station-nurse&_count=0", 400, "error.page_limit", sotepe.Finnish},
		{"", "GET", "Slot?service-type=no-such-service", 400, "error.unknown_service", sotepe.Finnish},
		{"", "GET", "Location?_format=xml", 406, "error.fhir_format", sotepe.Finnish},
		{"", "GET", "Appointment/1", 401, "error.unauthorized", sotepe.Finnish},
		{"", "GET", "Patient/1?lang=en", 401, "error.unauthorized", sotepe.English},
		{"bearer:nonsense", "GET", "Slot?service-type=health-station-nurse", 401, "error.integration_token", sotepe.Finnish},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			f.t = t
			r := f.call(c.who, c.method, c.path, nil)
			f.wantOutcome(r, c.status, c.key, c.lang)
			if c.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: %v", r.header)
			}
		})
	}
}

func TestDirectory(t *testing.T) { testenv.Engines(t, testDirectory) }

func testDirectory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	unit, err := f.env.Store.Unit(ctx, "kallio-health-station")
	if err != nil {
		t.Fatal(err)
	}
	var loc struct {
		ID    string   `json:"id"`
		Name  string   `json:"name"`
		Alias []string `json:"alias"`
		Addr  struct {
			Line       []string `json:"line"`
			PostalCode string   `json:"postalCode"`
		} `json:"address"`
		Position struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
		} `json:"position"`
		Hours []struct {
			DaysOfWeek  []string `json:"daysOfWeek"`
			OpeningTime string   `json:"openingTime"`
			ClosingTime string   `json:"closingTime"`
			AllDay      bool     `json:"allDay"`
		} `json:"hoursOfOperation"`
		Org struct {
			Reference string `json:"reference"`
		} `json:"managingOrganization"`
	}
	f.call("", "GET", "Location/kallio-health-station", nil).want(t, 200).json(t, &loc)
	if loc.Name != unit.Names.Fi || !slices.Contains(loc.Alias, unit.Names.Sv) || loc.Addr.PostalCode != unit.Address.PostalCode ||
		loc.Addr.Line[0] != unit.Address.Street.Fi || loc.Position.Latitude != unit.Location.Lat || loc.Org.Reference != "Organization/"+unit.ProducerID {
		t.Errorf("location %+v of unit %+v", loc, unit)
	}
	days := 0
	for _, h := range loc.Hours {
		days += len(h.DaysOfWeek)
		if !h.AllDay && (len(h.OpeningTime) != 8 || len(h.ClosingTime) != 8) {
			t.Errorf("hours %+v", h)
		}
	}
	if days != len(unit.Hours.Regular) {
		t.Errorf("%d days of hours, the unit has %d intervals", days, len(unit.Hours.Regular))
	}

	// Searching by name folds accents and case, as the directory does.
	var b bundle
	f.call("", "GET", "Location?name=KALLIO&_count=2", nil).want(t, 200).json(t, &b)
	if b.Type != "searchset" || len(b.Entry) != 2 || b.next(t) == "" {
		t.Fatalf("first page %+v", b)
	}
	seen := map[string]bool{}
	for path := "Location?name=KALLIO&_count=2"; path != ""; {
		var page bundle
		f.call("", "GET", path, nil).want(t, 200).json(t, &page)
		var locs []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		page.resources(t, "match", &locs)
		for _, l := range locs {
			if seen[l.ID] {
				t.Fatalf("%s twice", l.ID)
			}
			seen[l.ID] = true
		}
		path = page.next(t)
	}
	want, err := f.env.Store.Units(ctx, sotepe.UnitFilter{Query: "kallio", Page: sotepe.PageRequest{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want.Items) || len(seen) < 3 {
		t.Errorf("paged %d units, the directory finds %d", len(seen), len(want.Items))
	}

	var hs struct {
		Type []struct {
			Coding []struct {
				System string `json:"system"`
				Code   string `json:"code"`
			} `json:"coding"`
		} `json:"type"`
		Location []struct {
			Reference string `json:"reference"`
		} `json:"location"`
	}
	f.call("", "GET", "HealthcareService/health-station-nurse", nil).want(t, 200).json(t, &hs)
	if hs.Type[0].Coding[0].Code != "health-station-nurse" || !slices.ContainsFunc(hs.Location, func(r struct {
		Reference string `json:"reference"`
	}) bool {
		return r.Reference == "Location/kallio-health-station"
	}) {
		t.Errorf("healthcare service %+v", hs)
	}
	var orgs bundle
	f.call("", "GET", "Organization?type=own", nil).want(t, 200).json(t, &orgs)
	if len(orgs.Entry) == 0 || orgs.Total == nil || *orgs.Total != len(orgs.Entry) {
		t.Errorf("own producers %+v", orgs)
	}
	var scheds bundle
	f.call("", "GET", "Schedule?actor=Location/kallio-health-station", nil).want(t, 200).json(t, &scheds)
	if len(scheds.Entry) != len(unit.Services) {
		t.Errorf("%d schedules at a unit of %d services", len(scheds.Entry), len(unit.Services))
	}
	f.call("", "GET", "Schedule/kallio-health-station.health-station-nurse", nil).want(t, 200)
	f.wantOutcome(f.call("", "GET", "Schedule/kallio-health-station.no-such", nil), 404, "error.not_found", sotepe.Finnish)
}

func TestSlotSearch(t *testing.T) { testenv.Engines(t, testSlotSearch) }

func testSlotSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	from, to := f.day(1), f.day(15)
	// The same search through the appointment service, as the portal runs it.
	loc := f.env.Location
	fromT, _ := time.ParseInLocation(time.DateOnly, from, loc)
	toT, _ := time.ParseInLocation(time.DateOnly, to, loc)
	want, err := f.appts.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"},
		From: fromT, To: toT, Page: sotepe.PageRequest{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Items) < 20 {
		t.Fatalf("only %d demo slots", len(want.Items))
	}
	var got []string
	includes := 0
	path := "Slot?service-type=health-station-nurse&schedule.actor=Location/kallio-health-station&status=free&start=ge" + from +
		"&start=lt" + to + "&_count=7&_include=Slot:schedule"
	for path != "" {
		var b bundle
		f.call("", "GET", path, nil).want(t, 200).json(t, &b)
		var slots []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Start    string `json:"start"`
			Schedule struct {
				Reference string `json:"reference"`
			} `json:"schedule"`
		}
		b.resources(t, "match", &slots)
		if len(slots) > 7 {
			t.Fatalf("%d slots on a page of 7", len(slots))
		}
		for _, s := range slots {
			if s.Status != "free" || s.Schedule.Reference != "Schedule/kallio-health-station.health-station-nurse" ||
				!strings.HasSuffix(s.Start, "+02:00") {
				t.Errorf("slot %+v", s)
			}
			got = append(got, s.ID)
		}
		var scheds []struct {
			ID string `json:"id"`
		}
		b.resources(t, "include", &scheds)
		if len(slots) > 0 && (len(scheds) != 1 || scheds[0].ID != "kallio-health-station.health-station-nurse") {
			t.Errorf("included schedules %+v", scheds)
		}
		includes += len(scheds)
		path = b.next(t)
	}
	if len(got) != len(want.Items) {
		t.Fatalf("FHIR paged %d slots, the service finds %d", len(got), len(want.Items))
	}
	for i, s := range want.Items {
		if got[i] != itoa(s.ID) {
			t.Fatalf("slot %d: %s, want %d", i, got[i], s.ID)
		}
	}
	// A schedule names the unit and the service at once.
	var b bundle
	f.call("", "GET", "Slot?schedule=Schedule/kallio-health-station.health-station-nurse&start=ge"+from+"&start=lt"+to+"&_count=500", nil).want(t, 200).json(t, &b)
	if len(b.Entry) != len(want.Items) {
		t.Errorf("by schedule %d slots, want %d", len(b.Entry), len(want.Items))
	}
	// A slot is public while it is free and ahead.
	f.call("", "GET", "Slot/"+got[0], nil).want(t, 200)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
