package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// addMissions stores n missions of the central rescue station, an hour
// apart from start: urgency A in risk class I, every other one on the
// scene within 6 minutes of the alarm (5 min) and the rest in 8.
func addMissions(t *testing.T, e *env, prefix string, n int, start time.Time) []sotepe.RescueMission {
	t.Helper()
	var ms []sotepe.RescueMission
	for i := range n {
		call := start.Add(time.Duration(i) * time.Hour)
		alarm := call.Add(time.Minute)
		resp := 5 * time.Minute
		if i%2 == 1 {
			resp = 8 * time.Minute
		}
		ms = append(ms, sotepe.RescueMission{ExternalID: fmt.Sprintf("%s-%d", prefix, i), StationID: "central-rescue-station",
			Type: sotepe.AccidentTraffic, Urgency: "A", RiskClass: "I", District: "kallio", RescueTimes: sotepe.RescueTimes{CallAt: call,
				AlarmAt: alarm, DepartedAt: alarm.Add(time.Minute), OnSceneAt: alarm.Add(resp), ClearedAt: alarm.Add(time.Hour)}})
	}
	if _, err := e.store.AddRescueMissions(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// rescueFiguresJSON is GET /api/v1/rescue/figures as the tests read it.
type rescueFiguresJSON struct {
	ClassIA struct {
		Count, WithTarget, Met int
		MetPercent             *float64 `json:"met_percent"`
	} `json:"class_i_a_missions"`
	Missions []struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	} `json:"missions"`
}

// TestRescueFiguresAndImport: the rescue officer sees the figures (3 of 5
// class I A-missions in time), the mission list and the inspections; the
// analyst only the figures; a bad mission of an import stores nothing and
// names its row and field; a CSV upload lands whole.
func TestRescueFiguresAndImport(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		today := e.clock.Now().UTC()
		addMissions(t, e, "w", 5, today.AddDate(0, 0, -3))
		officer := e.client()
		if r := officer.do("POST", "/api/v1/session", `{"username":"rescue","password":"demo"}`); r.status != http.StatusCreated {
			t.Skip("no demo rescue officer yet: it comes with the sector roles")
		}
		analyst := e.as("analyst")
		var figs rescueFiguresJSON
		r := officer.get("/api/v1/rescue/figures?group_by=type")
		needStatus(t, r, http.StatusOK, "figures")
		r.json(t, &figs)
		if figs.ClassIA.MetPercent == nil || *figs.ClassIA.MetPercent != 60 || len(figs.Missions) != 1 || figs.Missions[0].Key != "traffic_accident" {
			t.Errorf("figures %s", r.body)
		}
		needStatus(t, analyst.get("/api/v1/rescue/figures"), http.StatusOK, "analyst figures")
		needStatus(t, analyst.get("/api/v1/rescue/missions"), http.StatusForbidden, "analyst missions")
		needStatus(t, e.as("admin").get("/api/v1/rescue/figures"), http.StatusForbidden, "admin figures")
		page := officer.get("/rescue?lang=sv")
		needStatus(t, page, http.StatusOK, "figures page")
		if !strings.Contains(page.body, `id="rescue-a6" data-figure="rescue.class_i_a_within_target">60,0`) {
			t.Errorf("the figures page lacks the share 60,0 %%")
		}
		needStatus(t, officer.get("/rescue/missions"), http.StatusOK, "missions page")
		needStatus(t, officer.get("/rescue/inspections?all=1"), http.StatusOK, "inspections page")
		needStatus(t, officer.get("/api/v1/rescue/figures?urgency=E"), http.StatusBadRequest, "a bad urgency")

		good := `{"external_id":"api-1","station":"malmi-rescue-station","type":"other","urgency":"B","risk_class":"II",` +
			`"call_received":"2024-05-01T10:00:00Z","alarm":"2024-05-01T10:01:00Z","departure":"2024-05-01T10:02:00Z","on_scene":"2024-05-01T10:09:00Z","cleared":"2024-05-01T11:00:00Z"}`
		bad := strings.Replace(strings.Replace(good, "api-1", "api-2", 1), `"risk_class":"II"`, `"risk_class":"V"`, 1)
		r = officer.do("POST", "/api/v1/rescue/missions?lang=en", `{"missions":[`+good+`,`+bad+`]}`)
		needStatus(t, r, http.StatusBadRequest, "a bad mission")
		if !strings.Contains(r.body, "Row 2") || !strings.Contains(r.body, `"field":"risk_class"`) {
			t.Errorf("bad mission: %s", r.body)
		}
		r = officer.do("POST", "/api/v1/rescue/missions", `{"missions":[`+good+`]}`)
		needStatus(t, r, http.StatusOK, "a good mission")
		if !strings.Contains(r.body, `"added":1`) {
			t.Errorf("good mission: %s", r.body)
		}

		// The upload: a bad line is named, nothing stored; then the good file.
		csv := "external_id,station,type,urgency,risk_class,call_received,alarm,departure,on_scene,cleared\n" +
			"csv-1,kontula-rescue-station,building_fire,A,I,2024-05-02 10:00,2024-05-02 10:01,2024-05-02 10:02,2024-05-02 10:06,2024-05-02 11:00\n"
		upload := func(body string) response {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			fw, _ := w.CreateFormFile("file", "missions.csv")
			fw.Write([]byte(body))
			w.Close()
			return officer.do("POST", "/rescue/missions/import?lang=fi", b.String(), "Content-Type", w.FormDataContentType())
		}
		r = upload(csv + "csv-2,kontula-rescue-station,building_fire,A,I,2024-05-02 10:00,eilen,2024-05-02 10:02,2024-05-02 10:06,2024-05-02 11:00\n")
		needStatus(t, r, http.StatusBadRequest, "a bad upload")
		if !strings.Contains(r.body, "Rivi 3, sarake alarm") {
			t.Errorf("bad upload: %s", r.body)
		}
		r = upload(csv)
		needStatus(t, r, http.StatusSeeOther, "a good upload")
		var n int
		if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM rescue_missions WHERE external_id LIKE 'csv-%'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d uploaded missions stored, %v", n, err)
		}
	})
}

// rescueRows are the access matrix's rows of the rescue routes: the
// rescue officer reads and writes everything (an empty upload is a 400),
// the analyst reads the figures, no one else anything; a form posted
// without a session is 401.
func rescueRows() []access {
	mission := `{"missions":[{"external_id":"acc-1","station":"central-rescue-station","type":"other","urgency":"A","risk_class":"I",` +
		`"call_received":"2024-05-01T10:00:00Z","alarm":"2024-05-01T10:01:00Z","departure":"2024-05-01T10:02:00Z","on_scene":"2024-05-01T10:06:00Z","cleared":"2024-05-01T11:00:00Z"}]}`
	return []access{
		{route: "GET /rescue", want: want{login, 403, 403, 403, 403, 403, 200, 403, 403, 200, 403, 403}, method: "GET", path: "/rescue"},
		{route: "GET /api/v1/rescue/figures", want: want{401, 403, 403, 403, 403, 403, 200, 403, 403, 200, 403, 403}, method: "GET", path: "/api/v1/rescue/figures?group_by=month"},
		{route: "GET /rescue/missions", want: want{login, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}, method: "GET", path: "/rescue/missions"},
		{route: "GET /api/v1/rescue/missions", want: want{401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}, method: "GET", path: "/api/v1/rescue/missions"},
		{route: "POST /api/v1/rescue/missions", want: want{401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}, method: "POST", path: "/api/v1/rescue/missions", body: mission},
		{route: "POST /rescue/missions/import", want: want{401, 403, 403, 403, 403, 403, 403, 403, 403, 400, 403, 403}, method: "POST", path: "/rescue/missions/import", body: "x=1"},
		{route: "GET /rescue/inspections", want: want{login, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}, method: "GET", path: "/rescue/inspections"},
		{route: "GET /api/v1/rescue/inspections", want: want{401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403}, method: "GET", path: "/api/v1/rescue/inspections?all=1"},
	}
}
