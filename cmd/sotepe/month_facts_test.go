package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/report"
	"sotepe/store"
	"sotepe/workday"
)

// monthFactsPeriods are periods of a year that the kept months must put
// together as the direct read gives them: whole months, a year, days cut
// at both ends, single days, across the start and the end of summer time,
// across the year's turn, and random ones.
func monthFactsPeriods(year int, n int, seed uint64) [][2]string {
	d := func(m, day int) string {
		return time.Date(year, time.Month(m), day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	ps := [][2]string{{d(1, 1), d(12, 31)}, {d(3, 1), d(3, 31)}, {d(2, 1), d(4, 30)}, {d(1, 15), d(7, 14)},
		{d(3, 30), d(4, 1)}, {d(10, 26), d(10, 28)}, {d(3, 31), d(3, 31)}, {d(10, 27), d(11, 30)}, {d(2, 29), d(2, 29)},
		{d(12, 20), time.Date(year+1, 1, 10, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}, {d(6, 2), d(6, 29)}}
	r := rand.New(rand.NewPCG(seed, 19))
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	for range n {
		a := start.AddDate(0, 0, r.IntN(366))
		b := a.AddDate(0, 0, r.IntN(200))
		ps = append(ps, [2]string{a.Format(time.DateOnly), b.Format(time.DateOnly)})
	}
	return ps
}

// compareMonthFacts checks that mf gives the facts g.Facts reads directly
// for each period, as sets.
func compareMonthFacts(t *testing.T, g report.Gatherer, mf *report.MonthFacts, periods [][2]string, when string) {
	t.Helper()
	ctx := context.Background()
	sortFacts := func(fs []report.Fact) {
		slices.SortFunc(fs, func(a, b report.Fact) int { return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	}
	for _, p := range periods {
		want, err := g.Facts(ctx, report.Filter{From: p[0], To: p[1]})
		if err != nil {
			t.Fatal(err)
		}
		kept, err := mf.Facts(ctx, g, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(kept) // the kept slice is not the caller's to sort
		sortFacts(want)
		sortFacts(got)
		if !slices.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			var g1, w1 report.Fact
			if i < len(got) {
				g1 = got[i]
			}
			if i < len(want) {
				w1 = want[i]
			}
			t.Errorf("%s, %s–%s: %d kept facts, %d read; first difference %+v, read %+v", when, p[0], p[1], len(got), len(want), g1, w1)
		}
	}
}

// checkMonthFacts checks the dashboard's kept months against the direct
// read of the generated year in db: for random periods, then again after
// new events, feedback answers, contact requests and rescue missions
// arrive in months already kept, with the clock a year on so that only
// the store's stamps can tell the months changed, and as an open request
// passes its due time.
func checkMonthFacts(t *testing.T, db string) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	st, org, g, _ := monthFactsOn(t, db, func() time.Time { return now })
	periods := monthFactsPeriods(2024, 12, 7)
	// The year warmed first, as a server does when it starts: a warm-up
	// whose context has ended reads nothing; then every period within the
	// year reads no month's days again.
	reads := &dayReads{MonthReader: st}
	mf := report.NewMonthFacts(reads, time.Minute, 27)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if err := mf.Warm(ended, g, "2024-01-01", "2024-12-31"); err == nil || len(reads.months()) != 0 {
		t.Errorf("a cancelled warm-up: %v, the days of %v read", err, reads.months())
	}
	if err := mf.Warm(context.Background(), g, "2024-01-01", "2024-12-31"); err != nil {
		t.Fatal(err)
	}
	if got := reads.months(); len(got) != 12 || got[0] != "2024-01" || got[11] != "2024-12" {
		t.Errorf("the warm-up read the days of %v, want each month of 2024", got)
	}
	compareMonthFacts(t, g, mf, periods, "warmed")
	compareMonthFacts(t, g, mf, periods, "kept")
	for _, m := range reads.months()[12:] {
		if strings.HasPrefix(m, "2024-") {
			t.Errorf("the days of %s read again after the warm-up", m)
		}
	}

	// Each kind of new data in months of their own, so that each part of
	// the stamp must tell its months changed: cut and whole.
	later := [][2]string{{"2024-01-01", "2024-12-31"}, {"2024-05-10", "2024-06-20"}, {"2024-06-01", "2024-06-30"},
		{"2024-07-15", "2024-09-03"}, {"2024-10-26", "2024-11-30"}, {"2024-03-01", "2024-03-31"}, {"2024-03-20", "2024-03-21"},
		{"2024-02-01", "2024-02-29"}, {"2024-02-10", "2024-02-20"}}
	compareMonthFacts(t, g, mf, later, "kept")
	for _, step := range monthFactsData(t, st, org) {
		step.add()
		// Past the age of stamps taken without reading them again.
		now = now.Add(2 * time.Minute)
		compareMonthFacts(t, g, mf, later, "after "+step.what)
	}
	// The open request of March passes its due time: the stamp changes
	// with the clock.
	now = time.Date(2024, 3, 22, 12, 0, 0, 0, time.UTC)
	compareMonthFacts(t, g, mf, periods[:8], "before its due time")
	now = time.Date(2024, 3, 29, 12, 0, 0, 0, time.UTC)
	compareMonthFacts(t, g, mf, periods[:8], "past its due time")
}

// unseenChange is the store, with one request more received in the row of
// the answer promise's figures with the least key and period, once more is
// set.
type unseenChange struct {
	report.Reader
	more atomic.Bool
}

func (u *unseenChange) ContactStatsRows(ctx context.Context, q sotepe.ContactStatsQuery) ([]sotepe.ContactStatsRow, error) {
	rows, err := u.Reader.ContactStatsRows(ctx, q)
	if err == nil && u.more.Load() && len(rows) > 0 {
		rows = slices.Clone(rows)
		least := 0
		for i, r := range rows {
			if cmp.Or(strings.Compare(r.Key, rows[least].Key), strings.Compare(r.Period, rows[least].Period)) < 0 {
				least = i
			}
		}
		rows[least].Received++
	}
	return rows, err
}

// dayReads counts the months whose days MonthFacts reads.
type dayReads struct {
	report.MonthReader
	mu   sync.Mutex
	read []string
}

func (r *dayReads) EventDayVolumes(ctx context.Context, from, to string) ([]sotepe.VolumeRow, error) {
	r.mu.Lock()
	r.read = append(r.read, from[:7])
	r.mu.Unlock()
	return r.MonthReader.EventDayVolumes(ctx, from, to)
}

// months returns the months whose days were read, in the order read.
func (r *dayReads) months() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.read)
}

// monthFactsOn opens the store db (closed when the test ends) and returns
// it, its organisation, a gatherer of its facts at the clock now, and an
// empty keeper of months over it.
func monthFactsOn(t *testing.T, db string, now func() time.Time) (*store.Store, *report.Org, report.Gatherer, *report.MonthFacts) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org, err := report.LoadOrg(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workday.New()
	if err != nil {
		t.Fatal(err)
	}
	g := report.Gatherer{Store: st, Org: org, Now: now, WorkingTime: cal.WorkingHoursBetween}
	return st, org, g, report.NewMonthFacts(st, time.Minute, 27)
}

// compareYearMonthFacts checks the kept months against the direct read of
// the year in db for a few periods, twice (the second time from the kept
// months), without changing it.
func compareYearMonthFacts(t *testing.T, db string) {
	now := time.Now()
	_, _, g, mf := monthFactsOn(t, db, func() time.Time { return now })
	periods := monthFactsPeriods(2024, 4, 11)
	compareMonthFacts(t, g, mf, periods, "first")
	compareMonthFacts(t, g, mf, periods, "kept")
}

// monthFactsData returns steps that add events (May and the end of
// summer time in October), a feedback answer (June), contact requests
// (August answered, March open), a rescue mission (November) and an
// emergency run (February) to 2024.
func monthFactsData(t *testing.T, st *store.Store, org *report.Org) []struct {
	what string
	add  func()
} {
	ctx := context.Background()
	var unit sotepe.Unit
	for _, u := range org.Units {
		if unit.ID == "" && u.ProducerID != "" && u.AreaID != "" {
			unit = u
		}
	}
	stations, err := st.RescueMonthCounts(ctx, sotepe.RescueQuery{From: "2024-01-01", To: "2024-12-31"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(stations) == 0 {
		t.Fatal("no rescue missions in the generated year")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	request := func(at time.Time, answered bool) sotepe.ContactRequest {
		r := sotepe.ContactRequest{Contact: &sotepe.ContactDetails{Name: "Kuukausi Testi", Phone: "0401234567"}, ServiceID: "dental-care",
			UnitID: unit.ID, Channel: sotepe.ChannelWebsite, Status: sotepe.StatusNew, Lang: sotepe.Finnish, ReceivedAt: at,
			DueAt: at.Add(6 * 24 * time.Hour), Messages: []sotepe.Message{{Body: "Voisitteko soittaa?", At: at}}}
		if answered {
			r.Status, r.FirstAnsweredAt = sotepe.StatusAnswered, at.Add(time.Hour)
			r.Messages = append(r.Messages, sotepe.Message{FromStaff: true, Body: "Soitimme.", At: at.Add(time.Hour)})
		}
		return r
	}
	return []struct {
		what string
		add  func()
	}{
		{"events", func() {
			var events []sotepe.ServiceEvent
			for i, day := range []string{"2024-05-15", "2024-05-31", "2024-10-27", "2024-10-03"} {
				events = append(events, sotepe.ServiceEvent{Source: "month-facts-test", ExternalID: fmt.Sprint("e", i), Day: day, UnitID: unit.ID,
					Statistic: "health_station_doctor_visits", ProducerID: unit.ProducerID, Mode: sotepe.EventRemote, Count: 3})
			}
			_, err := st.AddEvents(ctx, events)
			must(err)
		}},
		{"feedback", func() {
			_, err := st.AddFeedback(ctx, sotepe.NewFeedback{UnitID: unit.ID, Score: 3, Channel: sotepe.FeedbackWebsite, Lang: sotepe.Finnish,
				CreatedAt: time.Date(2024, 6, 12, 9, 0, 0, 0, time.UTC)})
			must(err)
		}},
		{"contact requests", func() {
			must(st.BulkContactRequests(ctx, []sotepe.ContactRequest{request(time.Date(2024, 8, 20, 21, 30, 0, 0, time.UTC), true),
				request(time.Date(2024, 3, 21, 9, 0, 0, 0, time.UTC), false)}))
		}},
		{"a rescue mission", func() {
			call := time.Date(2024, 11, 3, 1, 30, 0, 0, time.UTC)
			m := sotepe.RescueMission{ExternalID: "month-facts-test", StationID: stations[0].Station, Type: "building_fire", Urgency: "A",
				RiskClass: "I", RescueTimes: sotepe.RescueTimes{CallAt: call, AlarmAt: call.Add(time.Minute), DepartedAt: call.Add(2 * time.Minute),
					OnSceneAt: call.Add(7 * time.Minute), ClearedAt: call.Add(time.Hour)}}
			_, err := st.AddRescueMissions(ctx, []sotepe.RescueMission{m})
			must(err)
		}},
		{"an emergency run", func() {
			call := time.Date(2024, 2, 14, 10, 0, 0, 0, time.UTC)
			r := sotepe.EmergencyRun{ExternalID: "month-facts-test", StationID: stations[0].Station, Urgency: "A",
				RescueTimes: sotepe.RescueTimes{CallAt: call, AlarmAt: call.Add(time.Minute), DepartedAt: call.Add(2 * time.Minute),
					OnSceneAt: call.Add(9 * time.Minute), ClearedAt: call.Add(40 * time.Minute)}}
			_, err := st.AddEmergencyRuns(ctx, []sotepe.EmergencyRun{r})
			must(err)
		}},
	}
}

// checkUnsettledMonth checks a month not settled past the kept months'
// ttl: answered from what is kept while it is read again in the
// background, then from the new reading, the same facts as the direct
// read, when the month's facts changed in a way its stamp cannot see;
// still the same facts, the same
// slice, when the reading again found them unchanged; and read before the
// answer once it is older than staleMax (ten minutes).
func checkUnsettledMonth(t *testing.T, db string) {
	ctx := context.Background()
	clock := testenv.NewClock(time.Date(2024, 12, 20, 12, 0, 0, 0, time.UTC))
	st, _, g, _ := monthFactsOn(t, db, clock.Now)
	unseen := &unseenChange{Reader: st}
	g.Store = unseen
	reads := &dayReads{MonthReader: st}
	mf := report.NewMonthFacts(reads, time.Minute, 27)
	facts := func() []report.Fact {
		t.Helper()
		f, err := mf.Facts(ctx, g, "2024-12-01", "2024-12-15") // cut: the month's days are read
		if err != nil {
			t.Fatal(err)
		}
		if len(f) == 0 {
			t.Fatal("no facts for the first half of December 2024")
		}
		return f
	}
	first := facts()
	if got := reads.months(); !slices.Equal(got, []string{"2024-12"}) {
		t.Fatalf("the first request read the days of %v, want 2024-12", got)
	}
	// The store counts one request more from now on: a change of the
	// month's facts that its stamp does not see, as a request moved to
	// another unit of the same month, or the passing time's share.
	unseen.more.Store(true)
	clock.Add(2 * time.Minute) // past the ttl of a minute
	if again := facts(); &again[0] != &first[0] {
		t.Error("past the ttl, the answer was not the kept facts")
	}
	mf.Wait()
	if got := reads.months(); len(got) != 2 {
		t.Errorf("past the ttl, the days were read %d times, want once more in the background", len(got))
	}
	changed := facts()
	if &changed[0] == &first[0] {
		t.Error("after the read in the background, the answer was still the old facts, though they had changed")
	}
	compareMonthFacts(t, g, mf, [][2]string{{"2024-12-01", "2024-12-15"}}, "read again in the background")
	clock.Add(2 * time.Minute) // past the ttl again, with nothing changed
	facts()
	mf.Wait()
	if got := reads.months(); len(got) != 3 {
		t.Errorf("past the ttl again, the days were read %d times, want once more in the background", len(got))
	}
	if same := facts(); &same[0] != &changed[0] {
		t.Error("read again and found the same, the month's facts were put together anew: the kept periods and figures were let go")
	}
	compareMonthFacts(t, g, mf, [][2]string{{"2024-12-01", "2024-12-15"}}, "read again unchanged")
	n := len(reads.months())
	clock.Add(11 * time.Minute) // past staleMax: read before the answer
	facts()
	if got := reads.months(); len(got) != n+1 {
		t.Errorf("past ten minutes, the days were read %d times more before the answer, want once", len(got)-n)
	}
	mf.Wait()
	if got := reads.months(); len(got) != n+1 {
		t.Errorf("past ten minutes, the days were read %d times more in all, want once", len(got)-n)
	}
}
