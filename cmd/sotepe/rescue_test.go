package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/report"
	"sotepe/yeargen"
)

// testMissions returns n valid missions of the demo's central rescue
// station, an hour apart from start, urgency A in risk class I.
func testMissions(n int, start time.Time) []sotepe.RescueMission {
	var ms []sotepe.RescueMission
	for i := range n {
		call := start.Add(time.Duration(i) * time.Hour)
		ms = append(ms, sotepe.RescueMission{ExternalID: fmt.Sprintf("t-%d", i), StationID: "central-rescue-station",
			Type: sotepe.AccidentOther, Urgency: "A", RiskClass: "I", RescueTimes: sotepe.RescueTimes{CallAt: call,
				AlarmAt: call.Add(time.Minute), DepartedAt: call.Add(2 * time.Minute), OnSceneAt: call.Add(6 * time.Minute), ClearedAt: call.Add(time.Hour)}})
	}
	return ms
}

// checkYearRescue checks the rescue section of a generated year's report
// at scale: its counts are the reference's figures scaled, the chemical
// and oil spills among them too, and about two thirds of the class I
// A-missions reached the 6-minute target.
func checkYearRescue(t *testing.T, rep report.AnnualJSON, scale float64) {
	t.Helper()
	ref, err := yeargen.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, v := range ref.ServiceVolumes {
		want[v.Key] = int64(yeargen.Scaled(v.Value, scale))
	}
	r := rep.Rescue
	if r.Missions != want["fire_rescue_missions"] || r.Runs != want["prehospital_emergency_runs"] || r.Inspections != want["accident_prevention_inspections"] {
		t.Errorf("rescue section %+v, want %d, %d and %d", r, want["fire_rescue_missions"], want["prehospital_emergency_runs"], want["accident_prevention_inspections"])
	}
	if spills := int64(yeargen.Scaled(298, scale)); r.SpillsHandled != spills {
		t.Errorf("chemical and oil spills handled: %d, want %d", r.SpillsHandled, spills)
	}
	if scale == 1 && (r.ClassIAWithinTargetPercent == nil || *r.ClassIAWithinTargetPercent < 60 || *r.ClassIAWithinTargetPercent > 75) {
		t.Errorf("class I A-missions within 6 minutes: %v %%, want 60–75", r.ClassIAWithinTargetPercent)
	}
}

// TestImportRescueMissions imports a CSV of missions: a bad line stores
// nothing and is named with its field in the language asked for; the good
// file lands; the same file again adds nothing.
func TestImportRescueMissions(t *testing.T) { testenv.Engines(t, testImportRescueMissions) }

func testImportRescueMissions(t *testing.T) {
	ctx := context.Background()
	db := networkDB(t)
	count := func() (n int) {
		queryDB(t, db, `SELECT COUNT(*) FROM rescue_missions`, &n)
		return n
	}
	var b strings.Builder
	b.WriteString("external_id,station,type,urgency,risk_class,district,call_received,alarm,departure,on_scene,cleared\n")
	for i := range 30 {
		fmt.Fprintf(&b, "PEL-%d,malmi-rescue-station,traffic_accident,A,I,malmi,2024-05-%02d 10:00:00,2024-05-%02d 10:01:10,2024-05-%02d 10:02:20,2024-05-%02d 10:06:00,2024-05-%02d 10:40:00\n",
			i, 1+i, 1+i, 1+i, 1+i, 1+i)
	}
	good := b.String()
	b.WriteString("PEL-bad,malmi-rescue-station,traffic_accident,E,I,malmi,2024-06-01 10:00:00,2024-06-01 10:01:00,2024-06-01 10:02:00,2024-06-01 10:06:00,2024-06-01 10:40:00\n") // line 32
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(ctx, []string{"import", "rescue-missions", "--db", db, "--file", bad, "--lang", "fi"}, env(nil), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "Rivi 32, sarake urgency") || !strings.Contains(err.Error(), "Kiireellisyysluokan") {
		t.Fatalf("a bad line: %v", err)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d missions stored from a bad file", n)
	}
	// A station that is no rescue station is found by the store: its line
	// is named too.
	notStation := strings.Replace(good, "PEL-7,malmi-rescue-station", "PEL-7,kallio-health-station", 1)
	file := filepath.Join(dir, "missions.csv")
	if err := os.WriteFile(file, []byte(notStation), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"import", "rescue-missions", "--db", db, "--file", file, "--lang", "sv"}, env(nil), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "Rad 9, kolumn station") {
		t.Fatalf("not a rescue station: %v", err)
	}
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "rescue-missions", "--db", db, "--file", file}, env(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "30 added") || count() != 30 {
		t.Fatalf("good file: %s, %d stored", out.String(), count())
	}
	out.Reset()
	if err := run(ctx, []string{"import", "rescue-missions", "--db", db, "--file", file}, env(nil), nil, &out, &out); err != nil || !strings.Contains(out.String(), "30 there already") {
		t.Fatalf("again: %v %s", err, out.String())
	}
}
