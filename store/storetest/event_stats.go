package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sotepe"
)

// volumeFixture is one day's aggregate of the test's events.
type volumeFixture struct {
	day, unit, statistic, producer string
	mode                           sotepe.EventMode
	count                          int64
}

// seedVolumes writes the aggregates of fx as the write paths keep them: the
// daily rows and their monthly sums.
func seedVolumes(t testing.TB, s Store, fx []volumeFixture) {
	t.Helper()
	ctx := context.Background()
	for _, f := range fx {
		_, err := s.DB().ExecContext(ctx, `INSERT INTO event_daily (day, unit_id, statistic, producer_id, mode, count) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (day, unit_id, statistic, producer_id, mode) DO UPDATE SET count = event_daily.count + excluded.count`,
			f.day, f.unit, f.statistic, f.producer, string(f.mode), f.count)
		must(t, err)
		_, err = s.DB().ExecContext(ctx, `INSERT INTO event_monthly (month, unit_id, statistic, producer_id, mode, count) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (month, unit_id, statistic, producer_id, mode) DO UPDATE SET count = event_monthly.count + excluded.count`,
			f.day[:7], f.unit, f.statistic, f.producer, string(f.mode), f.count)
		must(t, err)
	}
}

// volumeFixtures spreads events over three units, two producers (one own,
// one voucher), two areas, three statistics and two modes from December
// 2023 to April 2024, with counts that make every sum distinct.
func volumeFixtures() []volumeFixture {
	var fx []volumeFixture
	units := []struct{ id, producer string }{
		{"kallio-health-station", "city"}, {"kontula-family-centre", "city"}, {"vuosaari-dental", "smile"},
	}
	stats := []string{"health_station_nurse_visits", "dental_visits", "maternity_child_clinic_visits"}
	days := []string{"2023-12-31", "2024-01-01", "2024-01-15", "2024-01-31", "2024-02-01", "2024-02-14", "2024-02-29",
		"2024-03-01", "2024-03-20", "2024-04-02"}
	n := int64(1)
	for _, d := range days {
		for ui, u := range units {
			for si, st := range stats {
				if (ui+si)%3 == 2 {
					continue // not every unit gives every service
				}
				mode := sotepe.EventInPerson
				if (ui+si+len(d))%2 == 1 {
					mode = sotepe.EventPhone
				}
				fx = append(fx, volumeFixture{d, u.id, st, u.producer, mode, n})
				n = n*3%1009 + 1
			}
		}
	}
	// A unit the network does not know.
	fx = append(fx, volumeFixture{"2024-02-10", "gone-unit", "dental_visits", "city", sotepe.EventVideo, 1000})
	return fx
}

// wantVolumes sums fx the way EventVolumes should.
func wantVolumes(fx []volumeFixture, q sotepe.VolumeQuery) map[string]int64 {
	area := map[string]string{}
	for _, u := range testUnits() {
		area[u.ID] = u.AreaID
	}
	kind := map[string]string{"city": "own", "smile": "voucher"}
	keep := func(list []string, v string) bool { return list == nil || slices.Contains(list, v) }
	out := map[string]int64{}
	for _, f := range fx {
		if f.day < q.From || f.day > q.To || !keep(q.Units, f.unit) || !keep(q.Areas, area[f.unit]) ||
			!keep(q.Producers, f.producer) || !keep(q.Statistics, f.statistic) {
			continue
		}
		r := sotepe.VolumeRow{}
		for _, d := range q.GroupBy {
			switch d {
			case sotepe.VolumeYear:
				r.Year = f.day[:4]
			case sotepe.VolumeMonth:
				r.Month = f.day[:7]
			case sotepe.VolumeArea:
				r.Area = area[f.unit]
			case sotepe.VolumeService:
				r.Statistic = f.statistic
			case sotepe.VolumeUnit:
				r.Unit = f.unit
			case sotepe.VolumeProducer:
				r.Producer = f.producer
			case sotepe.VolumeProducerKind:
				r.ProducerKind = kind[f.producer]
			case sotepe.VolumeMode:
				r.Mode = f.mode
			}
		}
		out[volumeKey(r)] += f.count
	}
	return out
}

func volumeKey(r sotepe.VolumeRow) string {
	return strings.Join([]string{r.Year, r.Month, r.Area, r.Statistic, r.Unit, r.Producer, r.ProducerKind, string(r.Mode)}, "|")
}

func testEventVolumes(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	fx := volumeFixtures()
	seedVolumes(t, s, fx)
	all := sotepe.VolumeDims
	queries := []sotepe.VolumeQuery{
		{From: "2024-01-01", To: "2024-12-31", GroupBy: []sotepe.VolumeDim{sotepe.VolumeService}},
		{From: "2024-01-01", To: "2024-12-31", GroupBy: []sotepe.VolumeDim{sotepe.VolumeMonth, sotepe.VolumeArea}},
		{From: "2023-12-01", To: "2024-12-31", GroupBy: []sotepe.VolumeDim{sotepe.VolumeYear}},
		// Cut months at both ends: days of January and March, all of February.
		{From: "2024-01-15", To: "2024-03-01", GroupBy: all},
		{From: "2024-01-16", To: "2024-01-31", GroupBy: []sotepe.VolumeDim{sotepe.VolumeUnit, sotepe.VolumeMode}},
		{From: "2024-02-01", To: "2024-02-29", GroupBy: []sotepe.VolumeDim{sotepe.VolumeProducerKind, sotepe.VolumeProducer}},
		{From: "2023-12-31", To: "2024-04-30", GroupBy: []sotepe.VolumeDim{sotepe.VolumeArea},
			Units: []string{"kallio-health-station", "vuosaari-dental", "gone-unit"}},
		{From: "2024-01-01", To: "2024-06-30", GroupBy: []sotepe.VolumeDim{sotepe.VolumeMonth},
			Areas: []string{"family"}, Statistics: []string{"maternity_child_clinic_visits", "dental_visits"}},
		{From: "2024-01-01", To: "2024-06-30", GroupBy: []sotepe.VolumeDim{sotepe.VolumeService, sotepe.VolumeService},
			Producers: []string{"smile"}},
		// The grand total.
		{From: "2024-01-01", To: "2024-12-31"},
	}
	for i, q := range queries {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, err := s.EventVolumes(ctx, q)
			must(t, err)
			want := wantVolumes(fx, q)
			if len(want) == 0 {
				t.Fatal("the fixture selects nothing: the query tests nothing")
			}
			gotMap := map[string]int64{}
			for _, r := range got {
				k := volumeKey(r)
				if _, dup := gotMap[k]; dup {
					t.Errorf("row %s twice", k)
				}
				gotMap[k] = r.Count
			}
			for k, v := range want {
				if gotMap[k] != v {
					t.Errorf("%s: %d, want %d", k, gotMap[k], v)
				}
			}
			if len(gotMap) != len(want) {
				t.Errorf("%d rows, want %d: %v", len(gotMap), len(want), gotMap)
			}
		})
	}

	// A hand-checked figure: the unknown unit's 1,000 fall in area "".
	rows, err := s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-02-10", To: "2024-02-10", GroupBy: []sotepe.VolumeDim{sotepe.VolumeArea, sotepe.VolumeProducerKind}})
	must(t, err)
	if !slices.Contains(rows, sotepe.VolumeRow{Area: "", ProducerKind: "own", Count: 1000}) {
		t.Errorf("the unknown unit's day: %+v", rows)
	}
	// Nothing selected: no rows, also for the grand total.
	rows, err = s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2025-01-01", To: "2025-12-31"})
	must(t, err)
	if len(rows) != 0 {
		t.Errorf("2025: %+v", rows)
	}
	rows, err = s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-01-01", To: "2024-12-31", Units: []string{}})
	must(t, err)
	if len(rows) != 0 {
		t.Errorf("no units: %+v", rows)
	}
	_, err = s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-01-01", To: "2024-12-31", GroupBy: []sotepe.VolumeDim{"day"}})
	wantKey(t, err, sotepe.EInvalid, "error.volume_group_by")
	_, err = s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-1-1", To: "2024-12-31"})
	wantKey(t, err, sotepe.EInvalid, "error.date")
	_, err = s.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-12-31", To: "2024-01-01"})
	wantKey(t, err, sotepe.EInvalid, "error.stats_period")
}
