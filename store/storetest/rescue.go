package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"sotepe"
)

// seedRescueStation saves the test network and a rescue station in it,
// "kallio-rescue-station", and returns its id.
func seedRescueStation(t *testing.T, s Store) string {
	t.Helper()
	seedUnits(t, s)
	u := testUnits()[0]
	u.ID, u.Kind = "kallio-rescue-station", "rescue_station"
	u.Names = sotepe.Names{Fi: "Kallion pelastusasema", Sv: "Berghälls räddningsstation", En: "Kallio rescue station"}
	must(t, s.SaveUnit(adminCtx(), u))
	return u.ID
}

// testMission is mission i of the station: the call at 12:00 UTC on day
// i of 2024, a response of 200 + 60·i seconds, urgency and class in turn.
func testMission(station string, i int) sotepe.RescueMission {
	return missionAt(station, i, time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i))
}

// missionAt is testMission i called in at call.
func missionAt(station string, i int, call time.Time) sotepe.RescueMission {
	alarm := call.Add(70 * time.Second)
	resp := time.Duration(200+60*i) * time.Second
	return sotepe.RescueMission{ExternalID: fmt.Sprintf("m-%04d", i), StationID: station,
		Type: sotepe.AccidentTypes[i%len(sotepe.AccidentTypes)], Urgency: sotepe.RescueUrgencies[i%4],
		RiskClass: sotepe.RiskClasses[i%4], District: "kallio",
		RescueTimes: sotepe.RescueTimes{CallAt: call, AlarmAt: alarm, DepartedAt: alarm.Add(60 * time.Second),
			OnSceneAt: alarm.Add(resp), ClearedAt: alarm.Add(resp + 40*time.Minute)}}
}

func testRescueMissions(t *testing.T, s Store) {
	ctx := context.Background()
	station := seedRescueStation(t, s)
	var ms []sotepe.RescueMission
	for i := range 12 {
		ms = append(ms, testMission(station, i))
	}
	res, err := s.AddRescueMissions(ctx, append(ms, ms[0]))
	must(t, err)
	if res.Added != 12 || res.Duplicates != 1 {
		t.Fatalf("add = %+v, want 12 added and 1 duplicate", res)
	}
	// Again: all duplicates.
	if res, err = s.AddRescueMissions(ctx, ms); err != nil || res.Added != 0 || res.Duplicates != 12 {
		t.Fatalf("again = %+v, %v", res, err)
	}
	// A bad row stores nothing and names its index and field.
	bad := []sotepe.RescueMission{testMission(station, 20), testMission("kallio-health-station", 21)}
	_, err = s.AddRescueMissions(ctx, bad)
	if sotepe.ErrorCode(err) != sotepe.EInvalid || sotepe.ErrorArgs(err)["Index"] != 1 || sotepe.ErrorField(err) != "station" {
		t.Fatalf("not a station: %v %v %q", err, sotepe.ErrorArgs(err), sotepe.ErrorField(err))
	}
	late := testMission(station, 22)
	late.OnSceneAt = late.CallAt.Add(-time.Minute)
	if _, err = s.AddRescueMissions(ctx, []sotepe.RescueMission{testMission(station, 23), late}); sotepe.ErrorField(err) != "on_scene" {
		t.Fatalf("out of order: %v", err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM rescue_missions`); n != 12 {
		t.Fatalf("%d missions stored, want 12", n)
	}

	// Paging: the latest call first, 5 a page.
	var got []sotepe.RescueMission
	p := sotepe.PageRequest{Limit: 5}
	for {
		page, err := s.RescueMissions(ctx, sotepe.RescueMissionFilter{}, p)
		must(t, err)
		got = append(got, page.Items...)
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	if len(got) != 12 || got[0].ExternalID != "m-0011" || got[11].ExternalID != "m-0000" {
		t.Fatalf("paged %d missions, first %+v", len(got), got[0])
	}
	if !got[11].CallAt.Equal(ms[0].CallAt) || got[11].ResponseTime() != 200*time.Second || got[11].District != "kallio" {
		t.Errorf("round trip: %+v", got[11])
	}
	page, err := s.RescueMissions(ctx, sotepe.RescueMissionFilter{RiskClass: "I", Urgency: "A"}, sotepe.PageRequest{})
	must(t, err)
	if len(page.Items) != 3 {
		t.Errorf("class I urgency A: %d missions, want 3", len(page.Items))
	}

	// Figures: class I rows are i = 0, 4, 8 with responses 200, 440, 680 s;
	// two are within 6 minutes.
	rows, err := s.RescueResponses(ctx, sotepe.RescueQuery{From: "2024-01-01", To: "2024-12-31", RiskClasses: []sotepe.RiskClass{"I"}}, false)
	must(t, err)
	groups, total := sotepe.FigureRescue(rows, sotepe.RescueByUrgency)
	if total.Count != 3 || total.Met != 1 || total.WithTarget != 3 || len(groups) != 1 || groups[0].Key != "A" {
		t.Errorf("class I figures = %+v %+v", total, groups)
	}
	if *total.MedianSeconds != 440 {
		t.Errorf("median = %v, want 440", *total.MedianSeconds)
	}
	c, err := s.RescueCounts(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if c.Missions != 12 || c.Spills != 2 {
		t.Errorf("counts = %+v", c)
	}

	// By month: five more missions a month apart from February on.
	var later []sotepe.RescueMission
	for i := range 5 {
		later = append(later, missionAt(station, 100+i, time.Date(2024, time.Month(2+i), 15, 9, 0, 0, 0, time.UTC)))
	}
	_, err = s.AddRescueMissions(ctx, later)
	must(t, err)
	want := map[string]int64{"2024-01": 12, "2024-02": 1, "2024-03": 1, "2024-04": 1, "2024-05": 1, "2024-06": 1}
	if got := checkMonthCounts(t, s, sotepe.RescueQuery{From: "2024-01-01", To: "2024-12-31"}, false); !maps.Equal(got, want) {
		t.Errorf("missions by month %v, want %v", got, want)
	}
	checkMonthCounts(t, s, sotepe.RescueQuery{From: "2024-01-05", To: "2024-04-30", Urgencies: []sotepe.RescueUrgency{"A"}}, false)
	checkMonthCounts(t, s, sotepe.RescueQuery{From: "2024-01-01", To: "2024-12-31", Stations: []string{"kallio-health-station"}}, false)
}

// checkMonthCounts checks that RescueMonthCounts counts by month what
// RescueResponses lists for q, at the one station the tests seed, and
// returns the counts by month.
func checkMonthCounts(t *testing.T, s Store, q sotepe.RescueQuery, runs bool) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	rows, err := s.RescueResponses(ctx, q, runs)
	must(t, err)
	want := map[string]int64{}
	for _, r := range rows {
		want[r.Station+" "+r.Day[:7]]++
	}
	counts, err := s.RescueMonthCounts(ctx, q, runs)
	must(t, err)
	got, byMonth := map[string]int64{}, map[string]int64{}
	for _, c := range counts {
		k := c.Station + " " + c.Month
		if _, twice := got[k]; twice {
			t.Errorf("%+v: %s counted twice", q, k)
		}
		got[k], byMonth[c.Month] = c.Count, byMonth[c.Month]+c.Count
	}
	if !maps.Equal(got, want) {
		t.Errorf("%+v (runs %t): month counts %v, the responses give %v", q, runs, got, want)
	}
	return byMonth
}

func testRescueRunsAndInspections(t *testing.T, s Store) {
	ctx := context.Background()
	station := seedRescueStation(t, s)
	var runs []sotepe.EmergencyRun
	for i := range 7 {
		m := testMission(station, i)
		runs = append(runs, sotepe.EmergencyRun{ExternalID: m.ExternalID, StationID: station, Urgency: m.Urgency, RescueTimes: m.RescueTimes})
	}
	res, err := s.AddEmergencyRuns(ctx, runs)
	must(t, err)
	if res.Added != 7 {
		t.Fatalf("runs added %d", res.Added)
	}
	rows, err := s.RescueResponses(ctx, sotepe.RescueQuery{From: "2024-01-01", To: "2024-01-31", Urgencies: []sotepe.RescueUrgency{"A"}}, true)
	must(t, err)
	if len(rows) != 2 {
		t.Errorf("urgency A runs = %d, want 2", len(rows))
	}
	if got := checkMonthCounts(t, s, sotepe.RescueQuery{From: "2024-01-01", To: "2024-01-31"}, true); got["2024-01"] != 7 || len(got) != 1 {
		t.Errorf("runs by month %v, want 7 in January", got)
	}
	ins := []sotepe.FireInspection{
		{ExternalID: "i-1", StationID: station, Address: "Sturenkatu 8", InspectedOn: "2024-03-01", Findings: 2, ReinspectOn: "2024-05-01"},
		{ExternalID: "i-2", StationID: station, Address: "Sturenkatu 10", InspectedOn: "2024-03-02"},
		{ExternalID: "i-3", StationID: station, Address: "Sturenkatu 12", InspectedOn: "2024-03-03", Findings: 1, ReinspectOn: "2024-04-01"},
	}
	if _, err := s.AddFireInspections(ctx, append(ins, sotepe.FireInspection{ExternalID: "i-4", StationID: station, Address: "x",
		InspectedOn: "2024-03-03", ReinspectOn: "2024-03-01"})); sotepe.ErrorField(err) != "reinspect_on" {
		t.Fatalf("re-inspection before the inspection: %v", err)
	}
	res, err = s.AddFireInspections(ctx, ins)
	must(t, err)
	if res.Added != 3 {
		t.Fatalf("inspections added %d", res.Added)
	}
	due, err := s.FireInspections(ctx, sotepe.InspectionFilter{DueBy: "2024-06-30"}, sotepe.PageRequest{Limit: 1})
	must(t, err)
	if len(due.Items) != 1 || due.Items[0].ExternalID != "i-3" || due.NextCursor == "" {
		t.Fatalf("due = %+v", due)
	}
	due, err = s.FireInspections(ctx, sotepe.InspectionFilter{DueBy: "2024-06-30"}, sotepe.PageRequest{Limit: 1, Cursor: due.NextCursor})
	must(t, err)
	if len(due.Items) != 1 || due.Items[0].ExternalID != "i-1" || due.NextCursor != "" {
		t.Fatalf("due page 2 = %+v", due)
	}
	c, err := s.RescueCounts(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if c.Runs != 7 || c.Inspections != 3 || c.Missions != 0 {
		t.Errorf("counts = %+v", c)
	}
}
