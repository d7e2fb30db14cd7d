package storetest

import (
	"context"
	"reflect"
	"testing"

	"sotepe"
)

// testParticipation stores population years, experience experts and
// participation events: a bad batch stores nothing and names the record,
// a stored one is counted by period, and saving again replaces.
func testParticipation(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	r := sotepe.ParticipationRecords{
		Population: []sotepe.PopulationYear{{Year: 2024, Residents: 675000, NativeLanguages: 144, GrowthFromElsewherePercent: 78}},
		Experts: []sotepe.ExperienceExpert{{Key: "x1", AreaID: "health", Start: "2023-05-01"},
			{Key: "x2", AreaID: "health", Start: "2022-01-01", End: "2023-12-31"},
			{Key: "x3", AreaID: "family", Start: "2024-03-01", End: "2024-09-30"}},
		Events: []sotepe.ParticipationEvent{{ID: "e1", Kind: sotepe.ResidentEvening, Day: "2024-02-01"},
			{ID: "e2", Kind: sotepe.ClientForum, Day: "2024-03-01"}, {ID: "e3", Kind: sotepe.ClientForum, Day: "2025-01-02"}},
	}
	bad := r
	bad.Experts = append([]sotepe.ExperienceExpert{}, r.Experts...)
	bad.Experts[2].AreaID = "nowhere"
	wantKey(t, s.SaveParticipationRecords(ctx, bad), sotepe.EInvalid, "staff.error.area")
	bad = r
	bad.Events = []sotepe.ParticipationEvent{{ID: "e9", Kind: "picnic", Day: "2024-01-01"}}
	err := s.SaveParticipationRecords(ctx, bad)
	if sotepe.ErrorField(err) != "kind" || sotepe.ErrorArgs(err)["Kind"] != "participation_event" || sotepe.ErrorArgs(err)["Index"] != 0 {
		t.Errorf("an unknown kind of event: %v", err)
	}
	if _, err := s.PopulationYear(ctx, 2024); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Fatalf("a bad batch stored the population: %v", err)
	}
	must(t, s.SaveParticipationRecords(ctx, r))
	p, err := s.PopulationYear(ctx, 2024)
	must(t, err)
	if p != r.Population[0] {
		t.Errorf("population %+v, want %+v", p, r.Population[0])
	}
	experts, err := s.ExperienceExperts(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if want := []sotepe.AreaCount{{AreaID: "family", Count: 1}, {AreaID: "health", Count: 1}}; !reflect.DeepEqual(experts, want) {
		t.Errorf("experts of 2024 %+v, want %+v", experts, want)
	}
	events, err := s.ParticipationEvents(ctx, "2024-01-01", "2024-12-31")
	must(t, err)
	if want := map[sotepe.ParticipationKind]int64{sotepe.ResidentEvening: 1, sotepe.ClientForum: 1}; !reflect.DeepEqual(events, want) {
		t.Errorf("events of 2024 %v, want %v", events, want)
	}
	r.Population[0].Residents = 680000
	must(t, s.SaveParticipationRecords(ctx, sotepe.ParticipationRecords{Population: r.Population}))
	if p, err := s.PopulationYear(ctx, 2024); err != nil || p.Residents != 680000 {
		t.Errorf("after saving again: %+v, %v", p, err)
	}
}
