package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// seedYear stores a few events of 2024 and 2023, six website answers about
// Kallio health station and the staff table of 2024.
func seedYear(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	ev := func(id, day, unit, stat string, mode sotepe.EventMode, n int) sotepe.ServiceEvent {
		return sotepe.ServiceEvent{Source: "test", ExternalID: id, Day: day, UnitID: unit, Statistic: stat, Mode: mode, Count: n}
	}
	_, err := e.store.AddEvents(ctx, []sotepe.ServiceEvent{
		ev("1", "2024-03-05", "kallio-health-station", "health_station_nurse_visits", sotepe.EventInPerson, 100),
		ev("2", "2024-03-06", "kallio-health-station", "health_station_nurse_visits", sotepe.EventVideo, 20),
		ev("3", "2024-07-01", "kannelmaki-health-station", "health_station_doctor_visits", sotepe.EventInPerson, 50),
		ev("4", "2024-01-31", "kallio-home-care-1", sotepe.StatHomeCareClients, sotepe.EventInPerson, 40),
		ev("5", "2024-01-31", "kallio-home-care-1", sotepe.StatHomeCareClientsRemote, sotepe.EventRemote, 8),
		ev("6", "2024-12-31", "central-rescue-station", "fire_rescue_missions", sotepe.EventInPerson, 7),
		ev("7", "2023-03-05", "kallio-health-station", "health_station_nurse_visits", sotepe.EventInPerson, 80),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The report's rescue lines come from the rescue department's rows
	// (the event above is only in the open data of volumes).
	addMissions(t, e, "y", 7, time.Date(2024, 12, 31, 8, 0, 0, 0, time.UTC))
	for i, score := range []int{10, 10, 9, 10, 9, 3} {
		_, err := e.store.AddFeedback(ctx, sotepe.NewFeedback{UnitID: "kallio-health-station", Score: score, Channel: sotepe.FeedbackWebsite,
			Lang: sotepe.Finnish, CreatedAt: time.Date(2024, 5, 2, 10, i, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var staff sotepe.StaffRecords
	for i := range 5846 + 798 {
		area := "hospital-rehabilitation-and-care-services"
		if i >= 5846 {
			area = "rescue-department"
		}
		staff.Employments = append(staff.Employments, sotepe.Employment{Key: fmt.Sprintf("e%d", i), AreaID: area, Profession: "nurse", Start: "2020-01-01"})
	}
	if err := e.store.SaveStaffRecords(ctx, staff); err != nil {
		t.Fatal(err)
	}
}

func TestVolumesOpenData(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		seedYear(t, e)
		c := e.client() // not signed in: open data is public
		var resp struct {
			Year    int    `json:"year"`
			GroupBy string `json:"group_by"`
			Items   []struct {
				Group struct {
					ID    string            `json:"id"`
					Names map[string]string `json:"names"`
				} `json:"group"`
				Statistic string `json:"statistic"`
				Measure   string `json:"measure"`
				Value     int64  `json:"value"`
			} `json:"items"`
		}
		r := c.get("/api/v1/stats/volumes?year=2024&group_by=area")
		needStatus(t, r, http.StatusOK, "volumes")
		r.json(t, &resp)
		got := map[string]int64{}
		for _, it := range resp.Items {
			got[it.Group.ID+"/"+it.Statistic] = it.Value
		}
		want := map[string]int64{
			"health-and-substance-abuse-services/health_station_nurse_visits":               120,
			"health-and-substance-abuse-services/health_station_doctor_visits":              50,
			"hospital-rehabilitation-and-care-services/" + sotepe.StatHomeCareClients:       40,
			"hospital-rehabilitation-and-care-services/" + sotepe.StatHomeCareClientsRemote: 8,
			"rescue-department/fire_rescue_missions":                                        7,
			// The six website answers count as events of their unit.
			"health-and-substance-abuse-services/" + sotepe.StatFeedbackAnswers: 6,
		}
		if len(got) != len(want) {
			t.Errorf("items %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %d, want %d", k, got[k], v)
			}
		}
		// Areas in the network's order: family (none), hospital, health… so the
		// hospital's lines come first.
		if resp.Items[0].Group.ID != "hospital-rehabilitation-and-care-services" || resp.Items[0].Group.Names["sv"] == "" {
			t.Errorf("first item %+v", resp.Items[0])
		}

		r = c.get("/api/v1/stats/volumes?year=2024&group_by=month&format=csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 7 || strings.Join(recs[0], ",") != "year,group_id,group_fi,group_sv,group_en,statistic,measure,value" {
			t.Fatalf("csv %v", recs)
		}
		if strings.Join(recs[1], ",") != "2024,2024-01,2024-01,2024-01,2024-01,home_care_clients,client,40" {
			t.Errorf("first line %v", recs[1])
		}
		r = c.get("/api/v1/stats/volumes?year=2023&group_by=service")
		r.json(t, &resp)
		if len(resp.Items) != 1 || resp.Items[0].Value != 80 || resp.Items[0].Group.Names["sv"] != "Hälsovårdsmottagning" {
			t.Errorf("2023 %+v", resp.Items)
		}
		for _, bad := range []string{"?group_by=day", "?year=abc", "?year=1999", "?format=xml"} {
			r := c.get("/api/v1/stats/volumes" + bad)
			if code, _ := r.errorCode(t); r.status != http.StatusBadRequest || code != sotepe.EInvalid {
				t.Errorf("%s: %d %s", bad, r.status, r.body)
			}
		}
	})
}

func TestAnnualReport(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		seedYear(t, e)
		c := e.client() // the published report is public
		var rep struct {
			ServiceVolumes []struct {
				Key   string `json:"key"`
				Value int64  `json:"value"`
			} `json:"service_volumes"`
			Feedback struct {
				NPS         *float64         `json:"nps"`
				NPSPrevious *float64         `json:"nps_previous_year"`
				Answers     map[string]int64 `json:"answers"`
				ViaWebsite  int64            `json:"feedback_via_city_website"`
				AfterVisit  int64            `json:"feedback_after_visit"`
			} `json:"feedback"`
			Staff struct {
				Lines []struct {
					Area    string `json:"area"`
					Value   int64  `json:"value"`
					Percent int64  `json:"percent"`
				} `json:"headcount_at_year_end"`
				Total int64 `json:"headcount_total"`
			} `json:"staff"`
			Indicators []struct {
				ID    string   `json:"id"`
				Value *float64 `json:"value"`
			} `json:"indicators"`
			Changes []struct {
				Key           string   `json:"key"`
				ChangePercent *float64 `json:"change_percent"`
			} `json:"changes"`
		}
		r := c.get("/api/v1/reports/2024")
		needStatus(t, r, http.StatusOK, "report")
		r.json(t, &rep)
		var refs []string
		for _, st := range sotepe.Statistics {
			if st.Reference {
				refs = append(refs, st.Key)
			}
		}
		if len(rep.ServiceVolumes) != len(refs) {
			t.Fatalf("%d volumes, want every reference line (%d)", len(rep.ServiceVolumes), len(refs))
		}
		values := map[string]int64{}
		for i, v := range rep.ServiceVolumes {
			if v.Key != refs[i] {
				t.Errorf("line %d is %s, want %s", i, v.Key, refs[i])
			}
			values[v.Key] = v.Value
		}
		if values["health_station_nurse_visits"] != 120 || values["health_station_doctor_visits"] != 50 || values["fire_rescue_missions"] != 7 ||
			values["dental_visits"] != 0 {
			t.Errorf("volumes %v", values)
		}
		if rep.Feedback.NPS == nil || *rep.Feedback.NPS != 66.7 || rep.Feedback.NPSPrevious != nil || rep.Feedback.Answers["website"] != 6 ||
			rep.Feedback.ViaWebsite != 6 || rep.Feedback.AfterVisit != 0 ||
			rep.Feedback.Answers["visit"] != 0 {
			t.Errorf("feedback %+v", rep.Feedback)
		}
		if rep.Staff.Total != 6644 || len(rep.Staff.Lines) != 2 || rep.Staff.Lines[0].Area != "hospital_rehabilitation_and_care_services" ||
			rep.Staff.Lines[0].Value != 5846 || rep.Staff.Lines[0].Percent != 88 {
			t.Errorf("staff %+v", rep.Staff)
		}
		ind := map[string]*float64{}
		for _, i := range rep.Indicators {
			ind[i.ID] = i.Value
		}
		// 8 of 40 home-care clients; 20 video visits of 170.
		if v := ind["home_care_remote_share"]; v == nil || *v != 20 {
			t.Errorf("remote share %v", v)
		}
		if v := ind["e_service_share"]; v == nil || *v != 11.8 {
			t.Errorf("e-service share %v", v)
		}
		if v := ind["nps"]; v == nil || *v != 66.7 {
			t.Errorf("nps indicator %v", v)
		}
		// 2023 has data, so the changes are there: 80 → 120 nurse visits.
		if len(rep.Changes) != len(refs) || rep.Changes[0].Key != "health_station_nurse_visits" || rep.Changes[0].ChangePercent == nil ||
			*rep.Changes[0].ChangePercent != 50 {
			t.Errorf("changes %+v", rep.Changes)
		}

		// The report is kept for a minute: a late mission shows after that.
		addMissions(t, e, "late", 3, time.Date(2024, 12, 30, 8, 0, 0, 0, time.UTC))
		missions := func() int64 {
			var again struct {
				ServiceVolumes []struct {
					Key   string `json:"key"`
					Value int64  `json:"value"`
				} `json:"service_volumes"`
			}
			c.get("/api/v1/reports/2024").json(t, &again)
			for _, v := range again.ServiceVolumes {
				if v.Key == "fire_rescue_missions" {
					return v.Value
				}
			}
			return -1
		}
		if n := missions(); n != 7 {
			t.Errorf("within the minute: %d missions, want the kept 7", n)
		}
		e.clock.Add(61 * time.Second)
		if n := missions(); n != 10 {
			t.Errorf("after the minute: %d missions, want 10", n)
		}

		r = c.get("/report/2024?lang=sv")
		needStatus(t, r, http.StatusOK, "report page")
		for _, want := range []string{"Sektorns år 2024", "Hälsovårdsmottagning", `<td class="num" data-figure="volumes.health_station_nurse_visits">120</td>`, "5\u00a0846", "&#43;50,0\u00a0%",
			"Miljontals kundmöten", `href="/static/report.css"`, `Rekommendationsindex (NPS) <strong data-figure="indicator.nps">66,7</strong>`,
			`id="report-contents"`, `href="#report-feedback"`, `id="report-published"`, `href="/report/2024/print.css?lang=sv"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the Swedish report lacks %q", want)
			}
		}
		// The printed pages' footer: title, date of publication and page
		// numbers, in the page's language.
		r = c.get("/report/2024/print.css?lang=sv")
		needStatus(t, r, http.StatusOK, "print rules")
		for _, want := range []string{"@bottom-left", `"Sektorns år 2024 · `, `"Sida " counter(page) " / " counter(pages)`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the print rules lack %q: %s", want, r.body)
			}
		}
		for _, path := range []string{"/report/abc", "/report/1999", "/api/v1/reports/2101", "/report/1999/print.css"} {
			if r := c.get(path); r.status != http.StatusNotFound {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
}

// A previous year with feedback answers but no service volumes makes no
// year-over-year columns: its zeros would read as a year without visits.
func TestAnnualReportWithoutPreviousVolumes(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, err := e.store.AddEvents(ctx, []sotepe.ServiceEvent{
			{Source: "test", ExternalID: "1", Day: "2024-03-05", UnitID: "kallio-health-station", Statistic: "health_station_nurse_visits", Mode: sotepe.EventInPerson, Count: 100},
			{Source: "test", ExternalID: "2", Day: "2023-03-05", UnitID: "kallio-health-station", Statistic: sotepe.StatFeedbackAnswers, Mode: sotepe.EventRemote, Count: 4},
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		var rep struct {
			Changes []any `json:"changes"`
		}
		c.get("/api/v1/reports/2024").json(t, &rep)
		if len(rep.Changes) != 0 {
			t.Errorf("changes from a year without volumes: %d", len(rep.Changes))
		}
		r := c.get("/report/2024?lang=en")
		if r.status != http.StatusOK || strings.Contains(r.body, `<th scope="col">2023</th><th scope="col">`) {
			t.Errorf("the report has a 2023 volume column: %d", r.status)
		}
	})
}

func TestDashboard(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		seedYear(t, e)
		const year = "/dashboard?from=2024-01-01&to=2024-12-31"
		if r := e.client().get(year); r.status == http.StatusOK {
			t.Fatalf("anonymous dashboard: %d", r.status)
		}
		resident := e.as("anna")
		if r := resident.get(year); r.status == http.StatusOK {
			t.Fatalf("a resident's dashboard: %d", r.status)
		}

		analyst := e.as("analyst")
		r := analyst.get(year + "&lang=en")
		needStatus(t, r, http.StatusOK, "analyst")
		for _, want := range []string{`id="tile-visits"`, "<strong class=\"tile-value\">170</strong>", "20.0%", "11.8%", "66.7",
			`id="chart-visits-month"`, `<th scope="row">March 2024</th><td class="num">120</td>`, `id="chart-nps-table"`, "<svg"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the analyst's dashboard lacks %q", want)
			}
		}
		// The indicators roll up to the areas: the hospital area's remote share.
		if i := strings.Index(r.body, `id="dashboard-area-indicators"`); i < 0 ||
			!regexp.MustCompile(`Hospital, Rehabilitation and Care Services</th>(<td class="num">[^<]*</td>){3}<td class="num">20.0%</td>`).MatchString(r.body[i:]) {
			t.Error("the area indicators lack the hospital area's remote share of 20.0%")
		}
		// One service area: the rescue department's missions, no visits.
		r = analyst.get(year + "&lang=en&area=rescue-department")
		if !strings.Contains(r.body, "<strong class=\"tile-value\">0</strong>") || !strings.Contains(r.body, `<td class="num">7</td>`) {
			t.Errorf("the rescue department's dashboard: %s", r.body)
		}
		// The contract partner's unit only.
		r = analyst.get(year + "&lang=en&producer=kuvitteellinen-terveys")
		if !strings.Contains(r.body, "<strong class=\"tile-value\">50</strong>") {
			t.Error("the contract producer's visits are not 50")
		}
		// Without a period the dashboard opens on the latest year with data
		// (2024; the current year 2026 and 2025 have none), and the scale of a
		// count chart is distinct whole numbers.
		r = analyst.get("/dashboard?lang=en")
		for _, want := range []string{`id="from" name="from" type="date" value="2024-01-01"`, `value="2024-12-31"`, `<th scope="row">March 2024</th>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the dashboard without a period lacks %q", want)
			}
		}
		if strings.Contains(r.body, "November 2026") {
			t.Error("the dashboard without a period shows the empty current year")
		}
		// The rescue department has missions but no visits: its visits chart
		// was the axis "0, 0, 1, 1, 1".
		r = analyst.get(year + "&lang=en&area=rescue-department")
		ticks := regexp.MustCompile(`<text x="[0-9.]+" y="[0-9.]+" text-anchor="end" dominant-baseline="middle" fill="#4a4a4a">([^<]*)</text>`).FindAllStringSubmatch(r.body, 5)
		if len(ticks) != 5 || ticks[0][1] != "0" || ticks[1][1] != "1" || ticks[4][1] != "4" {
			t.Errorf("the empty year's count axis: %q", ticks)
		}
		r = analyst.get("/dashboard?from=2020-01-01&to=2024-12-31")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="dashboard-error"`) {
			t.Errorf("a five-year period: %d", r.status)
		}

		// The manager of Kallio health station sees that unit only.
		manager := e.as("manager")
		r = manager.get(year + "&lang=en")
		if r.status != http.StatusOK || !strings.Contains(r.body, "<strong class=\"tile-value\">120</strong>") {
			t.Errorf("the manager's dashboard: %d", r.status)
		}
		r = manager.get(year + "&lang=en&unit=kannelmaki-health-station")
		if !strings.Contains(r.body, `id="dashboard-none"`) {
			t.Error("the manager saw another unit's figures")
		}
	})
}

// TestDashboardWarmedWhileAsked: the dashboard's warm-up and requests for
// the months it reads run at once (run with -race), the pages as without
// it and the same again from the warmed months; Warmed tells when it is
// done, and a warm-up whose context has ended stops.
func TestDashboardWarmedWhileAsked(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		seedYear(t, e)
		e.clock.Add(time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC).Sub(e.clock.Now())) // 2024 is the year the dashboard opens on
		analyst := e.as("analyst")
		paths := []string{"/dashboard?from=2024-01-01&to=2024-12-31&lang=en", "/dashboard?from=2024-02-10&to=2024-11-20&lang=en"}

		done := make(chan error, 1)
		go func() { done <- e.web.WarmDashboard(context.Background()) }()
		var while []string
		for _, p := range paths {
			r := analyst.get(p)
			needStatus(t, r, http.StatusOK, p)
			while = append(while, r.body)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		select {
		case <-e.web.Warmed():
		default:
			t.Error("Warmed open after the warm-up returned")
		}
		if want := `<th scope="row">March 2024</th><td class="num">120</td>`; !strings.Contains(while[0], want) {
			t.Errorf("the year's dashboard while warming lacks %q", want)
		}
		e.clock.Add(2 * time.Minute) // past the kept periods: from the kept months
		for i, p := range paths {
			if r := analyst.get(p); r.body != while[i] {
				t.Errorf("%s from the warmed months differs from the page while warming", p)
			}
		}
		// New events of March: both pages show them after the kept periods'
		// minute, from the stamps (the clock a year past them).
		if _, err := e.store.AddEvents(context.Background(), []sotepe.ServiceEvent{{Source: "test", ExternalID: "warm", Day: "2024-03-20",
			UnitID: "kallio-health-station", Statistic: "health_station_nurse_visits", Mode: sotepe.EventInPerson, Count: 5}}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(2 * time.Minute)
		for _, p := range paths {
			if r := analyst.get(p); !strings.Contains(r.body, `<th scope="row">March 2024</th><td class="num">125</td>`) {
				t.Errorf("%s after new events of March lacks them", p)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := e.web.WarmDashboard(ctx); err == nil {
			t.Error("a warm-up whose context had ended returned no error")
		}
	})
}
