package web_test

import (
	"fmt"
	"strings"
	"testing"
)

type accessPage struct {
	Items []struct {
		ActorName string `json:"actor_name"`
		Action    string `json:"action"`
		Basis     string `json:"basis"`
		Unit      string `json:"unit"`
	} `json:"items"`
}

func TestStaffReadsAreAuditedAndShownToTheResident(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaMe := anna.me()
		var log accessPage
		anna.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) != 0 {
			t.Fatalf("fresh access log has %d rows", len(log.Items))
		}

		nurse := e.as("nurse")
		nurseMe := nurse.me()
		path := fmt.Sprintf("/api/v1/residents/%d", annaMe.ResidentID)
		needStatus(t, nurse.get(path), 400, "read without basis")
		r := nurse.get(path + "?basis=care_relationship")
		needStatus(t, r, 200, "nurse reads anna")
		var res residentJSON
		r.json(t, &res)
		if res.ID != annaMe.ResidentID || res.PersonalID == "" || res.BirthDate == "" {
			t.Fatalf("resident = %+v", res)
		}
		r = nurse.do("POST", "/api/v1/residents/search", fmt.Sprintf(`{"personal_id":%q,"basis":"phone_request"}`, res.PersonalID))
		needStatus(t, r, 200, "search")
		anna.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) != 2 {
			t.Fatalf("access log has %d rows, want 2: %+v", len(log.Items), log.Items)
		}
		if log.Items[0].Action != "resident.search" || log.Items[0].Basis != "phone_request" || log.Items[1].Action != "resident.read" {
			t.Errorf("access log newest first: %+v", log.Items)
		}
		if log.Items[0].ActorName != nurseMe.Name {
			t.Errorf("actor %q, want %q", log.Items[0].ActorName, nurseMe.Name)
		}
		page := anna.get("/me/access-log?lang=sv")
		if !strings.Contains(page.body, nurseMe.Name) || !strings.Contains(page.body, "kontaktförfrågan per telefon") {
			t.Errorf("access log page lacks the nurse or the Swedish basis")
		}
		// Another resident's log stays empty: logs are per resident.
		erik := e.as("erik")
		erik.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) != 0 {
			t.Errorf("erik sees %d rows of anna's log", len(log.Items))
		}
	})
}

func TestResidentEndpointsRefuseTheWrongPeople(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaMe := anna.me()
		erik := e.as("erik")
		path := fmt.Sprintf("/api/v1/residents/%d?basis=care_relationship", annaMe.ResidentID)
		for _, tc := range []struct {
			who    *client
			name   string
			status int
		}{
			{e.client(), "nobody", 401},
			{erik, "another resident", 403},
			{anna, "the resident herself through the staff API", 403},
		} {
			if r := tc.who.get(path); r.status != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, r.status, tc.status)
			}
		}
		analyst := e.as("analyst")
		wantStatus(t, analyst.get(path), 403, "analyst reads personal data")
		wantStatus(t, analyst.get("/api/v1/me/access-log"), 403, "analyst access log")
		nurse := e.as("nurse")
		wantStatus(t, nurse.get("/api/v1/residents/999999?basis=care_relationship"), 404, "missing resident")
		wantStatus(t, nurse.do("POST", "/api/v1/residents/search", `{"personal_id":"010101-123X","basis":"care_relationship"}`), 400, "malformed personal id")
		wantStatus(t, nurse.get("/api/v1/audit/summary"), 403, "nurse audit summary")
	})
}

func TestAuditSummaryHasNoPersonalData(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		nurse := e.as("nurse")
		anna := e.as("anna")
		annaMe := anna.me()
		nurse.get(fmt.Sprintf("/api/v1/residents/%d?basis=care_relationship", annaMe.ResidentID))
		manager := e.as("manager")
		r := manager.get("/api/v1/audit/summary")
		needStatus(t, r, 200, "manager summary")
		var sum struct {
			Items []struct {
				Day, Action string
				Count       int
			}
		}
		r.json(t, &sum)
		reads := 0
		for _, it := range sum.Items {
			if it.Action == "resident.read" {
				reads += it.Count
			}
		}
		if reads != 1 {
			t.Errorf("manager sees %d reads at the unit, want 1: %+v", reads, sum.Items)
		}
		if strings.Contains(r.body, "Anna") || strings.Contains(r.body, fmt.Sprint(annaMe.ResidentID)+`,`) {
			t.Errorf("summary carries personal data: %s", r.body)
		}
		wantStatus(t, manager.get("/api/v1/audit/summary?from=2026-13-01"), 400, "bad date")
	})
}

func TestLookupFormShowsTheResidentAndAuditsIt(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna := e.as("anna")
		annaMe := anna.me()
		nurse := e.as("nurse")
		res := nurse.resident(annaMe.ResidentID, "client_request")
		form := "Content-Type"
		r := nurse.do("POST", "/staff/residents?lang=en", "personal_id="+res.PersonalID+"&basis=care_relationship", form, "application/x-www-form-urlencoded")
		if r.status != 200 || !strings.Contains(r.body, res.FirstName) || !strings.Contains(r.body, "This view has been logged.") {
			t.Fatalf("lookup form: %d, name shown %v", r.status, strings.Contains(r.body, res.FirstName))
		}
		r = nurse.do("POST", "/staff/residents?lang=sv", "personal_id=nonsense&basis=care_relationship", form, "application/x-www-form-urlencoded")
		if r.status != 400 || !strings.Contains(r.body, "Personbeteckningen är inte giltig.") {
			t.Errorf("bad code in the form: %d", r.status)
		}
		var log accessPage
		anna.get("/api/v1/me/access-log").json(t, &log)
		if len(log.Items) != 2 {
			t.Errorf("access log has %d rows, want 2 (API read and form search)", len(log.Items))
		}
		wantStatus(t, anna.do("POST", "/staff/residents", "personal_id="+res.PersonalID+"&basis=care_relationship", form, "application/x-www-form-urlencoded"), 403, "a resident posts the staff lookup form")
	})
}
