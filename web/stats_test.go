package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// figuresJSON is the figures of one group and period, or of a selection.
type figuresJSON struct {
	Received       int64    `json:"received"`
	Answered       int64    `json:"answered"`
	AnsweredInTime int64    `json:"answered_in_time"`
	Missed         int64    `json:"missed"`
	ShareInTime    *float64 `json:"share_in_time"`
	MedianHours    *float64 `json:"median_hours"`
	P90Hours       *float64 `json:"p90_hours"`
	OpenBacklog    int64    `json:"open_backlog"`
}

type statsJSON struct {
	From     string `json:"from"`
	To       string `json:"to"`
	GroupBy  string `json:"group_by"`
	Interval string `json:"interval"`
	Items    []struct {
		Group struct {
			ID    string            `json:"id"`
			Names map[string]string `json:"names"`
		} `json:"group"`
		Period string `json:"period"`
		figuresJSON
	} `json:"items"`
	Periods []struct {
		Period string `json:"period"`
		figuresJSON
	} `json:"periods"`
	Totals figuresJSON `json:"totals"`
}

// fig builds expected figures, the share rounded to four decimals as the
// API rounds it; a negative share or hours stands for null.
func fig(received, answered, inTime, missed int64, share, median, p90 float64, open int64) figuresJSON {
	opt := func(v float64) *float64 {
		if v < 0 {
			return nil
		}
		return &v
	}
	return figuresJSON{Received: received, Answered: answered, AnsweredInTime: inTime, Missed: missed,
		ShareInTime: opt(math.Round(share*1e4) / 1e4), MedianHours: opt(median), P90Hours: opt(p90), OpenBacklog: open}
}

func (f figuresJSON) String() string {
	opt := func(v *float64) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("received %d, answered %d, in time %d, missed %d, share %s, median %s, p90 %s, open %d",
		f.Received, f.Answered, f.AnsweredInTime, f.Missed, opt(f.ShareInTime), opt(f.MedianHours), opt(f.P90Hours), f.OpenBacklog)
}

func sameFigures(a, b figuresJSON) bool {
	eq := func(x, y *float64) bool {
		return x == nil && y == nil || x != nil && y != nil && math.Abs(*x-*y) < 1e-9
	}
	return a.Received == b.Received && a.Answered == b.Answered && a.AnsweredInTime == b.AnsweredInTime && a.Missed == b.Missed &&
		a.OpenBacklog == b.OpenBacklog && eq(a.ShareInTime, b.ShareInTime) && eq(a.MedianHours, b.MedianHours) && eq(a.P90Hours, b.P90Hours)
}

// statsScenario writes into e ten requests from Monday 23 November to Tuesday 1 December
// 2026 at four units, answered in time, late and never, with the clock left
// at Wednesday 2 December 10:00. Working time counts 08–16 on working days.
//
//	R1  Mon 23.11 10:00 kallio, portal (anna)     answered Mon 11:00: 1 h, in time
//	R2  Mon 23.11 10:00 kallio, portal (erik)     answered Mon 12:00: 2 h, in time
//	R3  Mon 23.11 10:00 kallio, phone (for anna)  answered Tue 12:00: 10 h, in time
//	R4  Mon 23.11 10:00 kallio, portal (erik)     never answered: missed, open
//	R5  Fri 27.11 10:00 kallio, portal (anna)     answered Wed 2.12 09:00: 23 h, late
//	R6  Mon 30.11 10:00 kallio, portal (erik)     open, due Wed 16:00: no outcome yet
//	R7  Tue  1.12 10:00 kallio, portal (anna)     asked back 10:30: 0.5 h, in time, waiting
//	R8  Mon 23.11 10:00 malmi family centre, portal (erik)  closed unanswered 11:00: no outcome
//	R9  Mon 23.11 10:00 kalasatama, website form  never answered: missed, open
//	R10 Mon 23.11 10:00 ruoholahti (contract producer), portal (anna)  answered 14:00: 4 h
func statsScenario(t *testing.T, e *env) {
	t.Helper()
	hash, err := demoHash()
	if err != nil {
		t.Fatal(err)
	}
	for name, unit := range map[string]string{"malmi": "malmi-family-centre", "ruoholahti": "ruoholahti-health-station"} {
		if _, err := e.store.CreateUser(context.Background(), sotepe.NewUser{Username: name, Name: "Staff " + name,
			Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{unit}, Lang: sotepe.Finnish, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	// Sessions end after 30 idle minutes: each step signs in afresh.
	as := e.as
	write := func(c *client, body string) int64 {
		t.Helper()
		r := c.do("POST", "/api/v1/contact-requests", body)
		if r.status != http.StatusCreated {
			t.Fatalf("submit %s: %d %s", body, r.status, r.body)
		}
		var cr contactJSON
		r.json(t, &cr)
		return cr.ID
	}
	reply := func(c *client, id int64, ask bool) {
		t.Helper()
		r := c.do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/messages", id), fmt.Sprintf(`{"message":"Soitamme teille.","ask":%v}`, ask))
		if r.status != http.StatusCreated {
			t.Fatalf("answer %d: %d %s", id, r.status, r.body)
		}
	}
	at := func(month time.Month, day, hour, minute int) {
		t.Helper()
		to := time.Date(2026, month, day, hour, minute, 0, 0, e.clock.Now().Location())
		e.clock.Add(to.Sub(e.clock.Now()))
	}
	const nurse = `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Voisitteko soittaa?"}`
	var annaMe me
	anna, erik := as("anna"), as("erik")
	anna.get("/api/v1/me").json(t, &annaMe)
	r1, r2 := write(anna, nurse), write(erik, nurse)
	r3 := write(as("nurse"), fmt.Sprintf(`{"service":"health-station-nurse","message":"Soitti: kurkkukipu.","channel":"phone","resident":%d,"received_at":%q}`,
		annaMe.ResidentID, e.clock.Now().Format(time.RFC3339)))
	write(erik, nurse) // R4
	r8 := write(erik, `{"service":"maternity-child-clinic","unit":"malmi-family-centre","message":"Neuvola-aika?"}`)
	write(e.client(), `{"service":"senior-info","unit":"kalasatama-health-and-wellbeing-centre","message":"Kotihoidosta.","channel":"website","contact":{"name":"Maja Mäkelä","phone":"040 123 4567"}}`)
	r10 := write(anna, `{"service":"health-station-nurse","unit":"ruoholahti-health-station","message":"Reseptin uusinta."}`)

	at(time.November, 23, 11, 0)
	reply(as("nurse"), r1, false)
	needStatus(t, as("malmi").do("POST", fmt.Sprintf("/api/v1/contact-requests/%d/close", r8), `{"resolution":"appointment"}`), 200, "close R8")
	at(time.November, 23, 12, 0)
	reply(as("nurse"), r2, false)
	at(time.November, 23, 14, 0)
	reply(as("ruoholahti"), r10, false)
	at(time.November, 24, 12, 0)
	reply(as("nurse"), r3, false)
	at(time.November, 25, 17, 0)
	if n, err := e.contacts.SweepBreaches(t.Context()); err != nil || n != 2 {
		t.Fatalf("sweep on Wednesday: %d, %v; want R4 and R9", n, err)
	}
	at(time.November, 27, 10, 0)
	r5 := write(as("anna"), nurse)
	at(time.November, 30, 10, 0)
	write(as("erik"), nurse) // R6
	at(time.December, 1, 10, 0)
	r7 := write(as("anna"), nurse)
	at(time.December, 1, 10, 30)
	reply(as("nurse"), r7, true)
	at(time.December, 1, 17, 0)
	if n, err := e.contacts.SweepBreaches(t.Context()); err != nil || n != 1 {
		t.Fatalf("sweep on Tuesday: %d, %v; want R5", n, err)
	}
	at(time.December, 2, 9, 0)
	reply(as("nurse"), r5, false)
	at(time.December, 2, 10, 0)
}

// statsGet reads the figures as JSON and fails the test on an error.
func statsGet(t *testing.T, c *client, query string) statsJSON {
	t.Helper()
	r := c.get("/api/v1/stats/contact-requests?" + query)
	if r.status != http.StatusOK {
		t.Fatalf("stats %s: %d %s", query, r.status, r.body)
	}
	var s statsJSON
	r.json(t, &s)
	return s
}

// items returns the figures of a response by "group period".
func items(s statsJSON) map[string]figuresJSON {
	out := map[string]figuresJSON{}
	for _, it := range s.Items {
		out[it.Group.ID+" "+it.Period] = it.figuresJSON
	}
	return out
}

func checkItems(t *testing.T, what string, got statsJSON, want map[string]figuresJSON) {
	t.Helper()
	have := items(got)
	for k, w := range want {
		if g, ok := have[k]; !ok || !sameFigures(g, w) {
			t.Errorf("%s, %s:\n got %v\nwant %v", what, k, g, w)
		}
	}
	if len(have) != len(want) {
		t.Errorf("%s: %d items, want %d: %v", what, len(have), len(want), have)
	}
}

const (
	kallio     = "kallio-health-station"
	malmi      = "malmi-family-centre"
	kalasatama = "kalasatama-health-and-wellbeing-centre"
	ruoholahti = "ruoholahti-health-station"
)

func TestStatsFigures(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		statsScenario(t, e)
		analyst := e.as("analyst")
		const sel = "from=2026-11-23&to=2026-12-01"

		// The hand-computed example: kallio's Monday, answers after 1, 2 and
		// 10 working hours and one never: median 2 h, 90th percentile
		// 2 + 0.8 × (10 − 2) = 8.4 h, three in time of four known.
		s := statsGet(t, analyst, "from=2026-11-23&to=2026-11-23&group_by=unit&interval=day")
		checkItems(t, "Monday by unit", s, map[string]figuresJSON{
			kallio + " 2026-11-23":     fig(4, 3, 3, 1, 0.75, 2, 8.4, 1),
			malmi + " 2026-11-23":      fig(1, 0, 0, 0, -1, -1, -1, 0),
			kalasatama + " 2026-11-23": fig(1, 0, 0, 1, 0, -1, -1, 1),
			ruoholahti + " 2026-11-23": fig(1, 1, 1, 0, 1, 4, 4, 0),
		})

		// By unit and week, across the turn of the month: week 49 holds
		// Monday 30 November and Tuesday 1 December.
		s = statsGet(t, analyst, sel+"&group_by=unit&interval=week")
		if s.From != "2026-11-23" || s.To != "2026-12-01" || s.GroupBy != "unit" || s.Interval != "week" {
			t.Errorf("selection echoed as %s–%s %s %s", s.From, s.To, s.GroupBy, s.Interval)
		}
		checkItems(t, "by unit and week", s, map[string]figuresJSON{
			// {1, 2, 10, 23} h: median 6, p90 10 + 0.7 × 13 = 19.1; R4 and
			// R5 missed; 3 in time of 5 known.
			kallio + " 2026-W48":     fig(5, 4, 3, 2, 0.6, 6, 19.1, 1),
			kallio + " 2026-W49":     fig(2, 1, 1, 0, 1, 0.5, 0.5, 2),
			malmi + " 2026-W48":      fig(1, 0, 0, 0, -1, -1, -1, 0),
			kalasatama + " 2026-W48": fig(1, 0, 0, 1, 0, -1, -1, 1),
			ruoholahti + " 2026-W48": fig(1, 1, 1, 0, 1, 4, 4, 0),
		})
		// Everything: {0.5, 1, 2, 4, 10, 23} h: median 3, p90 10 + 0.5 × 13 =
		// 16.5; 5 in time of 6 answered and 2 missed unanswered.
		total := fig(10, 6, 5, 3, 0.625, 3, 16.5, 4)
		if !sameFigures(s.Totals, total) {
			t.Errorf("totals:\n got %v\nwant %v", s.Totals, total)
		}
		if len(s.Periods) != 2 || s.Periods[0].Period != "2026-W48" || s.Periods[1].Period != "2026-W49" ||
			s.Periods[0].Received != 8 || s.Periods[1].Received != 2 {
			t.Errorf("periods: %+v", s.Periods)
		}
		for _, it := range s.Items {
			if it.Group.ID == kallio && (it.Group.Names["fi"] != "Kallion terveysasema" || it.Group.Names["sv"] != "Berghälls hälsostation") {
				t.Errorf("kallio's names: %v", it.Group.Names)
			}
		}

		// By month: November and December part there.
		s = statsGet(t, analyst, sel+"&group_by=unit&interval=month")
		have := items(s)
		if !sameFigures(have[kallio+" 2026-11"], fig(6, 4, 3, 2, 0.6, 6, 19.1, 2)) || !sameFigures(have[kallio+" 2026-12"], fig(1, 1, 1, 0, 1, 0.5, 0.5, 1)) {
			t.Errorf("kallio by month: %v / %v", have[kallio+" 2026-11"], have[kallio+" 2026-12"])
		}

		// By area, producer, service and channel, over November: everything
		// but R7 (1 December), one item per group.
		for _, tc := range []struct {
			groupBy string
			want    map[string]figuresJSON
		}{
			{"area", map[string]figuresJSON{
				// kallio, kalasatama and ruoholahti: {1, 2, 4, 10, 23} h.
				"health-and-substance-abuse-services 2026-11": fig(8, 5, 4, 3, 4.0/7, 4, 17.8, 3),
				"family-and-social-services 2026-11":          fig(1, 0, 0, 0, -1, -1, -1, 0), // malmi
			}},
			{"producer", map[string]figuresJSON{
				// kallio, malmi and kalasatama: {1, 2, 10, 23} h.
				"helsinki 2026-11":           fig(8, 4, 3, 3, 3.0/6, 6, 19.1, 3),
				"esimerkki-laakarit 2026-11": fig(1, 1, 1, 0, 1, 4, 4, 0),
			}},
			{"service", map[string]figuresJSON{
				"health-station-nurse 2026-11":   fig(7, 5, 4, 2, 4.0/6, 4, 17.8, 2),
				"maternity-child-clinic 2026-11": fig(1, 0, 0, 0, -1, -1, -1, 0),
				"senior-info 2026-11":            fig(1, 0, 0, 1, 0, -1, -1, 1),
			}},
			{"channel", map[string]figuresJSON{
				// {1, 2, 4, 23} h: median 3, p90 4 + 0.7 × 19 = 17.3.
				"portal 2026-11":  fig(7, 4, 3, 2, 3.0/5, 3, 17.3, 2),
				"phone 2026-11":   fig(1, 1, 1, 0, 1, 10, 10, 0),
				"website 2026-11": fig(1, 0, 0, 1, 0, -1, -1, 1),
			}},
		} {
			s := statsGet(t, analyst, "from=2026-11-01&to=2026-11-30&interval=month&group_by="+tc.groupBy)
			checkItems(t, "by "+tc.groupBy, s, tc.want)
		}
	})
}

func TestStatsManagerSeesOwnUnitsOnly(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		statsScenario(t, e)
		manager := e.as("manager")
		s := statsGet(t, manager, "from=2026-11-23&to=2026-12-01&group_by=unit&interval=month")
		checkItems(t, "manager by unit", s, map[string]figuresJSON{
			kallio + " 2026-11": fig(6, 4, 3, 2, 0.6, 6, 19.1, 2),
			kallio + " 2026-12": fig(1, 1, 1, 0, 1, 0.5, 0.5, 1),
		})
		// {0.5, 1, 2, 10, 23} h: median 2, p90 10 + 0.6 × 13 = 17.8.
		if want := fig(7, 5, 4, 2, 4.0/6, 2, 17.8, 3); !sameFigures(s.Totals, want) {
			t.Errorf("manager's totals:\n got %v\nwant %v", s.Totals, want)
		}
		// Another grouping stays within kallio.
		s = statsGet(t, manager, "from=2026-11-23&to=2026-12-01&group_by=channel&interval=month")
		checkItems(t, "manager by channel", s, map[string]figuresJSON{
			"portal 2026-11": fig(5, 3, 2, 2, 2.0/4, 2, 18.8, 2), // {1, 2, 23} h: 2 + 0.8 × 21
			"phone 2026-11":  fig(1, 1, 1, 0, 1, 10, 10, 0),
			"portal 2026-12": fig(1, 1, 1, 0, 1, 0.5, 0.5, 1),
		})
		s = statsGet(t, manager, "from=2026-11-23&to=2026-12-01&group_by=area&interval=month")
		if s.Totals.Received != 7 || len(s.Items) != 2 || s.Items[0].Group.ID != "health-and-substance-abuse-services" {
			t.Errorf("manager by area: %+v", s)
		}

		// The administrator sees all, as the analyst.
		admin := e.as("admin")
		if s := statsGet(t, admin, "from=2026-11-23&to=2026-12-01"); s.Totals.Received != 10 {
			t.Errorf("admin sees %d requests", s.Totals.Received)
		}
	})
}

func TestStatsAccess(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		for _, who := range []string{"anna", "nurse"} {
			c := e.client()
			c.login(who)
			for _, path := range []string{"/api/v1/stats/contact-requests", "/stats/contact-requests"} {
				if r := c.get(path); r.status != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403", who, path, r.status)
				}
			}
			if r := c.get("/"); strings.Contains(r.body, "nav-stats") {
				t.Errorf("%s sees the link to the figures", who)
			}
		}
		wantStatus(t, e.client().get("/api/v1/stats/contact-requests"), http.StatusUnauthorized, "anonymous")
		if r := e.client().get("/stats/contact-requests"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous page: %d, want a redirect to sign in", r.status)
		}
		for _, who := range []string{"manager", "analyst"} {
			c := e.client()
			c.login(who)
			if r := c.get("/"); !strings.Contains(r.body, `href="/stats/contact-requests"`) {
				t.Errorf("%s has no link to the figures", who)
			}
		}
	})
}

func TestStatsDefaultsAndBadParameters(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) { // Monday 23 November 2026
		analyst := e.as("analyst")
		s := statsGet(t, analyst, "")
		if s.From != "2026-10-24" || s.To != "2026-11-23" || s.GroupBy != "unit" || s.Interval != "week" {
			t.Errorf("defaults: %s–%s %s %s", s.From, s.To, s.GroupBy, s.Interval)
		}
		// 24 October is in week 43; every week to 48 is there, empty.
		if len(s.Periods) != 6 || s.Periods[0].Period != "2026-W43" || s.Items == nil || len(s.Items) != 0 || s.Totals.ShareInTime != nil {
			t.Errorf("an empty selection: %+v", s)
		}
		for _, tc := range []struct{ query, lang, code, want string }{
			{"group_by=district", "sv", "invalid", "Gruppera efter verksamhetsställe"},
			{"interval=year", "fi", "invalid", "Jakso on päivä, viikko tai kuukausi."},
			{"from=2026-12-01&to=2026-11-01", "en", "invalid", "The start date is after the end date."},
			{"from=1.11.2026", "fi", "invalid", "VVVV-KK-PP"},
			{"format=xml", "en", "invalid", "json or csv"},
			// 102 units × 365 days.
			{"from=2026-01-01&to=2026-12-31&group_by=unit&interval=day", "en", "invalid", "37230 groups × periods, but at most 5000"},
		} {
			r := analyst.get("/api/v1/stats/contact-requests?" + tc.query + "&lang=" + tc.lang)
			code, msg := r.errorCode(t)
			if r.status != http.StatusBadRequest || code != tc.code || !strings.Contains(msg, tc.want) {
				t.Errorf("%s (%s): %d %s %q, want %q", tc.query, tc.lang, r.status, code, msg, tc.want)
			}
		}
		// The page shows the form again with the reason.
		r := analyst.get("/stats/contact-requests?interval=year&lang=sv")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Perioden är dag, vecka eller månad.") || !strings.Contains(r.body, `<form method="get" action="/stats/contact-requests"`) {
			t.Errorf("page with a bad interval: %d", r.status)
		}
		// A year by unit and month fits (102 × 12).
		wantStatus(t, analyst.get("/api/v1/stats/contact-requests?from=2026-01-01&to=2026-12-31&interval=month"), http.StatusOK, "a year by unit and month")
	})
}

func TestStatsCSV(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		statsScenario(t, e)
		analyst := e.as("analyst")
		r := analyst.get("/api/v1/stats/contact-requests?from=2026-11-23&to=2026-12-01&group_by=unit&interval=week&format=csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), "contact-requests-2026-11-23-2026-12-01-unit-week.csv") {
			t.Fatalf("csv: %d %v", r.status, r.header)
		}
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := "group_id,group_fi,group_sv,group_en,period,received,answered,answered_in_time,missed,share_in_time,median_hours,p90_hours,open_backlog"
		if len(records) != 6 || strings.Join(records[0], ",") != header {
			t.Fatalf("csv has %d lines, header %v", len(records), records[0])
		}
		var kallioW48, malmiW48 string
		for _, rec := range records[1:] {
			switch rec[0] + " " + rec[4] {
			case kallio + " 2026-W48":
				kallioW48 = strings.Join(rec, ",")
			case malmi + " 2026-W48":
				malmiW48 = strings.Join(rec, ",")
			}
		}
		if want := kallio + ",Kallion terveysasema,Berghälls hälsostation,Kallio health station,2026-W48,5,4,3,2,0.6,6,19.1,1"; kallioW48 != want {
			t.Errorf("kallio's line %q, want %q", kallioW48, want)
		}
		if !strings.HasSuffix(malmiW48, ",2026-W48,1,0,0,0,,,,0") {
			t.Errorf("malmi's line %q: nulls are empty cells", malmiW48)
		}
	})
}

func TestStatsHoldNoPersonalData(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		statsScenario(t, e)
		analyst := e.as("analyst")
		for _, q := range []string{"group_by=unit&interval=day", "group_by=channel&interval=week", "group_by=service&interval=month&format=csv"} {
			r := analyst.get("/api/v1/stats/contact-requests?from=2026-11-23&to=2026-12-01&" + q)
			page := analyst.get("/stats/contact-requests?from=2026-11-23&to=2026-12-01&" + q)
			for _, secret := range []string{"Anna", "Virtanen", "Erik", "Lindqvist", "Maja", "040 123", "Voisitteko", "kurkkukipu",
				"Soitamme", "Neuvola-aika", "Kotihoidosta", "resident", "Sanna", "Nurmi"} {
				if strings.Contains(r.body, secret) || strings.Contains(page.body, secret) && secret != "resident" {
					t.Errorf("%s: the figures hold %q", q, secret)
				}
			}
		}
	})
}

func TestStatsPage(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		statsScenario(t, e)
		manager := e.as("manager")
		for _, tc := range []struct{ lang, title, caption, share string }{
			{"fi", "Ajoissa vastattujen osuus jaksoittain (viikko)", "Kaavion luvut jaksoittain", "66,7\u00a0%"},
			{"sv", "Andelen besvarade i tid per period (vecka)", "Diagrammets siffror per period", "66,7\u00a0%"},
			{"en", "Share answered in time per period (week)", "The chart&#39;s figures per period", "66.7%"},
		} {
			r := manager.get("/stats/contact-requests?from=2026-11-23&to=2026-12-01&group_by=unit&interval=week&lang=" + tc.lang)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", tc.lang, r.status)
			}
			for _, want := range []string{
				`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img" aria-labelledby="stats-chart-title stats-chart-desc"`,
				`<title id="stats-chart-title">` + tc.title + `</title>`, `<desc id="stats-chart-desc">`,
				`<table id="stats-periods">`, `<caption id="stats-periods-caption">` + tc.caption, `<table id="stats-items">`, tc.share,
				`<th scope="row">` + map[string]string{"fi": "viikko 48/2026", "sv": "vecka 48 2026", "en": "week 48, 2026"}[tc.lang] + `</th>`, `href="/api/v1/stats/contact-requests?`, `<html lang="` + tc.lang + `">`,
			} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s page lacks %q", tc.lang, want)
				}
			}
			// Two periods, two bars with the share as their tooltip.
			if n := strings.Count(r.body, "<rect "); n != 2 {
				t.Errorf("%s: %d bars, want 2", tc.lang, n)
			}
			if strings.Contains(r.body, "<script") {
				t.Errorf("%s: the page needs JavaScript", tc.lang)
			}
		}
		// The CSV link keeps the selection.
		r := manager.get("/stats/contact-requests?from=2026-11-23&to=2026-12-01&group_by=channel&interval=month")
		want := "/api/v1/stats/contact-requests?" + url.Values{"format": {"csv"}, "from": {"2026-11-23"}, "group_by": {"channel"}, "interval": {"month"}, "to": {"2026-12-01"}}.Encode()
		if !strings.Contains(r.body, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("the page does not link %s", want)
		}
		// An empty selection says so instead of drawing.
		r = manager.get("/stats/contact-requests?from=2025-01-01&to=2025-01-31&lang=en")
		if !strings.Contains(r.body, "No contact requests came in during the period.") || strings.Contains(r.body, "<svg") {
			t.Errorf("an empty selection draws a chart")
		}
	})
}
