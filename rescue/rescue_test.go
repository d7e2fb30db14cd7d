package rescue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/testenv"
	"sotepe/rescue"
)

// TestWhoMayDoWhat: the rescue officer reads and imports; the analyst reads
// the figures only; professionals, managers and administrators nothing.
func TestWhoMayDoWhat(t *testing.T) {
	testenv.Engines(t, func(t *testing.T) {
		e := testenv.New(t, testenv.EngineOf(t))
		ctx := context.Background()
		svc := rescue.New(e.Store)
		officer := sotepe.User{ID: 1_000_001, Name: "Pelastaja", Roles: []sotepe.Role{sotepe.RoleRescueOfficer}}
		ms, runs, ins := demo.RescueDemo(e.Clock.Now())
		res, err := svc.ImportMissions(ctx, officer, ms)
		if err != nil || res.Added != len(ms) {
			t.Fatalf("import: %+v %v", res, err)
		}
		if _, err := e.Store.AddEmergencyRuns(ctx, runs); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.AddFireInspections(ctx, ins); err != nil {
			t.Fatal(err)
		}
		today := e.Clock.Now().In(e.Location)
		q := sotepe.RescueQuery{From: today.AddDate(0, 0, -100).Format(time.DateOnly), To: today.Format(time.DateOnly), GroupBy: sotepe.RescueByStation}
		for _, name := range []string{"analyst"} {
			f, err := svc.Figures(ctx, e.User(t, name), q)
			if err != nil || f.MissionsTotal.Count != len(ms) || f.RunsTotal.Count != len(runs) {
				t.Errorf("%s figures: %+v %v", name, f.MissionsTotal, err)
			}
			_, err = svc.Missions(ctx, e.User(t, name), sotepe.RescueMissionFilter{}, sotepe.PageRequest{})
			testenv.Code(t, err, sotepe.EForbidden)
			_, err = svc.ImportMissions(ctx, e.User(t, name), ms[:1])
			testenv.Code(t, err, sotepe.EForbidden)
		}
		f, err := svc.Figures(ctx, officer, q)
		if err != nil || len(f.Missions) == 0 || f.MissionsTotal.Count != len(ms) {
			t.Fatalf("officer figures: %+v %v", f, err)
		}
		sum := 0
		for _, g := range f.Missions {
			sum += g.Count
		}
		if sum != len(ms) {
			t.Errorf("the stations' missions add up to %d, not %d", sum, len(ms))
		}
		page, err := svc.Missions(ctx, officer, sotepe.RescueMissionFilter{}, sotepe.PageRequest{Limit: 10})
		if err != nil || len(page.Items) != 10 || page.NextCursor == "" {
			t.Errorf("officer missions: %d %v", len(page.Items), err)
		}
		if _, err := svc.Inspections(ctx, officer, sotepe.InspectionFilter{DueBy: "2100-01-01"}, sotepe.PageRequest{}); err != nil {
			t.Error(err)
		}
		for _, name := range []string{"nurse", "manager", "admin", "anna"} {
			u := e.User(t, name)
			_, err := svc.Figures(ctx, u, q)
			testenv.Code(t, err, sotepe.EForbidden)
			_, err = svc.Inspections(ctx, u, sotepe.InspectionFilter{}, sotepe.PageRequest{})
			testenv.Code(t, err, sotepe.EForbidden)
		}
		_, err = svc.ImportMissions(ctx, officer, nil)
		testenv.Code(t, err, sotepe.EInvalid)
	})
}

// TestParseMissions: a good file reads whole; a bad one names the first
// bad line and its column.
func TestParseMissions(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	head := "external_id,station,type,urgency,risk_class,call_received,alarm,departure,on_scene,cleared\n"
	row := "M1,malmi-rescue-station,building_fire,A,I,2024-05-01 10:00,2024-05-01 10:01,2024-05-01T10:02:00+03:00,2024-05-01 10:06:00,2024-05-01 11:00\n"
	ms, lines, err := rescue.ParseMissions(strings.NewReader(head+row), loc)
	if err != nil || len(ms) != 1 || lines[0] != 2 {
		t.Fatalf("good file: %v %v %v", ms, lines, err)
	}
	if got := ms[0].ResponseTime(); got != 5*time.Minute || !ms[0].CallAt.Equal(time.Date(2024, 5, 1, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("response %v, call %v", got, ms[0].CallAt)
	}
	for _, c := range []struct {
		file, column string
		line         int
	}{
		{head + row + strings.Replace(row, "building_fire", "meteor", 1), "type", 3},
		{head + row + row + strings.Replace(row, "2024-05-01 10:06:00", "yesterday", 1), "on_scene", 4},
		{head + strings.Replace(row, "10:06:00", "09:59:00", 1), "on_scene", 2},
		{strings.Replace(head, "urgency", "hurry", 1) + row, "hurry", 1},
		{strings.Replace(head, ",cleared", "", 1), "cleared", 1},
	} {
		_, _, err := rescue.ParseMissions(strings.NewReader(c.file), loc)
		var le *rescue.LineError
		if !asLine(err, &le) || le.Line != c.line || le.Column != c.column || sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Errorf("want line %d column %s: %v", c.line, c.column, err)
		}
	}
}

func asLine(err error, le **rescue.LineError) bool {
	e, ok := err.(*rescue.LineError)
	*le = e
	return ok
}
