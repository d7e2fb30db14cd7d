package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"sotepe"
)

// The demo's rescue stations, from the hand-written network.
var rescueStations = []struct{ id, district string }{
	{"central-rescue-station", "kallio"}, {"erottaja-rescue-station", "kaartinkaupunki"}, {"kapyla-rescue-station", "kapyla"},
	{"malmi-rescue-station", "malmi"}, {"haaga-rescue-station", "haaga"}, {"herttoniemi-rescue-station", "herttoniemi"},
	{"kontula-rescue-station", "kontula"}, {"vuosaari-rescue-station", "vuosaari"},
}

// RescueDemo returns the demo's rescue rows: 120 missions, 300 emergency
// care runs and 40 fire inspections of the 90 days before now, seeded, so
// that the rescue officer's pages have something to show.
func RescueDemo(now time.Time) ([]sotepe.RescueMission, []sotepe.EmergencyRun, []sotepe.FireInspection) {
	r := rand.New(rand.NewPCG(20, 24))
	start := now.UTC().Truncate(time.Hour).AddDate(0, 0, -90)
	logNormal := func(median, sigma float64) time.Duration {
		return time.Duration(median*math.Exp(sigma*r.NormFloat64())) * time.Second
	}
	times := func(travel float64) sotepe.RescueTimes {
		t := sotepe.RescueTimes{CallAt: start.Add(time.Duration(r.IntN(89*24*3600)) * time.Second)}
		t.AlarmAt = t.CallAt.Add(logNormal(75, 0.3))
		t.DepartedAt = t.AlarmAt.Add(time.Duration(60+r.IntN(50)) * time.Second)
		t.OnSceneAt = t.DepartedAt.Add(logNormal(travel, 0.35))
		t.ClearedAt = t.OnSceneAt.Add(logNormal(1500, 0.5))
		return t
	}
	travel := []float64{235, 390, 700, 1300}
	var ms []sotepe.RescueMission
	for i := range 120 {
		st := rescueStations[r.IntN(len(rescueStations))]
		class := r.IntN(4)
		ms = append(ms, sotepe.RescueMission{ExternalID: fmt.Sprintf("demo-M-%04d", i+1), StationID: st.id,
			Type: sotepe.AccidentTypes[r.IntN(len(sotepe.AccidentTypes))], Urgency: sotepe.RescueUrgencies[r.IntN(4)],
			RiskClass: sotepe.RiskClasses[class], District: st.district, RescueTimes: times(travel[class])})
	}
	var runs []sotepe.EmergencyRun
	for i := range 300 {
		st := rescueStations[r.IntN(len(rescueStations))]
		runs = append(runs, sotepe.EmergencyRun{ExternalID: fmt.Sprintf("demo-R-%04d", i+1), StationID: st.id,
			Urgency: sotepe.RescueUrgencies[r.IntN(4)], RescueTimes: times(420)})
	}
	streets := []string{"Hämeentie", "Sturenkatu", "Mäkelänkatu", "Fredrikinkatu", "Kontulantie", "Vuotie"}
	var ins []sotepe.FireInspection
	for i := range 40 {
		st := rescueStations[r.IntN(len(rescueStations))]
		day := start.AddDate(0, 0, r.IntN(89))
		f := sotepe.FireInspection{ExternalID: fmt.Sprintf("demo-I-%04d", i+1), StationID: st.id,
			Address: fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(80)), InspectedOn: day.Format(time.DateOnly)}
		if r.IntN(2) == 0 {
			f.Findings = 1 + r.IntN(4)
			f.Notes = "Poistumistie tukossa / Utrymningsväg blockerad / Exit route blocked"
			f.ReinspectOn = day.AddDate(0, 1, 0).Format(time.DateOnly)
		}
		ins = append(ins, f)
	}
	return ms, runs, ins
}

// LoadRescue stores the demo's rescue rows (RescueDemo) in st; rows there
// already are left as they are.
func LoadRescue(ctx context.Context, st sotepe.RescueStore, now time.Time) error {
	ms, runs, ins := RescueDemo(now)
	if _, err := st.AddRescueMissions(ctx, ms); err != nil {
		return fmt.Errorf("demo: rescue missions: %w", err)
	}
	if _, err := st.AddEmergencyRuns(ctx, runs); err != nil {
		return fmt.Errorf("demo: emergency runs: %w", err)
	}
	if _, err := st.AddFireInspections(ctx, ins); err != nil {
		return fmt.Errorf("demo: fire inspections: %w", err)
	}
	return nil
}
