package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// testEvent is a valid event of the test network numbered i.
func testEvent(source string, i int) sotepe.ServiceEvent {
	units := []string{"kallio-health-station", "kontula-family-centre", "vuosaari-dental"}
	stats := []string{"health_station_nurse_visits", "maternity_child_clinic_visits", "dental_visits", "home_care_visits"}
	modes := []sotepe.EventMode{sotepe.EventInPerson, sotepe.EventPhone, sotepe.EventVideo, sotepe.EventRemote}
	return sotepe.ServiceEvent{
		Source: source, ExternalID: fmt.Sprintf("e-%06d", i),
		Day:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%400).Format(time.DateOnly),
		UnitID: units[i%3], Statistic: stats[i%4], Mode: modes[i/3%4], Count: 1 + i%5,
	}
}

// checkSums fails unless event_daily holds exactly the sums of events by
// day, unit, statistic, producer and mode, and event_monthly those of
// event_daily by month; and returns the total of events.
func checkSums(t *testing.T, s Store) int64 {
	t.Helper()
	for _, q := range []string{
		// every key of events with a different or missing daily sum
		`SELECT COUNT(*) FROM (SELECT day, unit_id, statistic, producer_id, mode, SUM(count) AS n FROM events
			GROUP BY day, unit_id, statistic, producer_id, mode) e
		 LEFT JOIN event_daily d ON d.day = e.day AND d.unit_id = e.unit_id AND d.statistic = e.statistic
			AND d.producer_id = e.producer_id AND d.mode = e.mode
		 WHERE d.count IS NULL OR d.count <> e.n`,
		// daily rows with no events behind them
		`SELECT (SELECT COUNT(*) FROM event_daily) - (SELECT COUNT(*) FROM (SELECT DISTINCT day, unit_id, statistic, producer_id, mode FROM events) k)`,
		`SELECT COUNT(*) FROM (SELECT substr(day, 1, 7) AS month, unit_id, statistic, producer_id, mode, SUM(count) AS n FROM event_daily
			GROUP BY substr(day, 1, 7), unit_id, statistic, producer_id, mode) d
		 LEFT JOIN event_monthly m ON m.month = d.month AND m.unit_id = d.unit_id AND m.statistic = d.statistic
			AND m.producer_id = d.producer_id AND m.mode = d.mode
		 WHERE m.count IS NULL OR m.count <> d.n`,
		`SELECT (SELECT COUNT(*) FROM event_monthly) - (SELECT COUNT(*) FROM (SELECT DISTINCT substr(day, 1, 7), unit_id, statistic, producer_id, mode FROM event_daily) k)`,
	} {
		if n := count(t, s, q); n != 0 {
			t.Errorf("%d aggregate rows disagree with the events: %s", n, q)
		}
	}
	return int64(count(t, s, `SELECT COALESCE(SUM(count), 0) FROM events`))
}

func testAddEventsIdempotent(t *testing.T, s Store) {
	seedUnits(t, s)
	ctx := context.Background()
	var batch []sotepe.ServiceEvent
	want := 0
	for i := range 250 {
		batch = append(batch, testEvent("dispatch", i))
		want += batch[i].Count
	}
	res, err := s.AddEvents(ctx, batch)
	must(t, err)
	if res.Added != 250 || res.Duplicates != 0 {
		t.Fatalf("first batch %+v", res)
	}
	// Again with ten new ones, one of them twice, and one of another
	// source with an id the first source used.
	again := append([]sotepe.ServiceEvent{}, batch...)
	for i := 250; i < 260; i++ {
		again = append(again, testEvent("dispatch", i))
		want += again[len(again)-1].Count
	}
	again = append(again, testEvent("dispatch", 255), testEvent("records", 0))
	want += testEvent("records", 0).Count
	res, err = s.AddEvents(ctx, again)
	must(t, err)
	if res.Added != 11 || res.Duplicates != 251 {
		t.Errorf("second batch %+v, want 11 added and 251 duplicates", res)
	}
	if got := checkSums(t, s); got != int64(want) {
		t.Errorf("events total %d, want %d", got, want)
	}
	// The producer comes from the unit when the event names none.
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE unit_id = 'vuosaari-dental' AND producer_id <> 'smile'`); n != 0 {
		t.Errorf("%d events of vuosaari-dental not produced by its producer", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM event_daily WHERE unit_id = 'vuosaari-dental' AND producer_id = 'smile'`); n == 0 {
		t.Error("no daily rows of vuosaari-dental's producer")
	}
}

func testAddEventsBadRowStoresNothing(t *testing.T, s Store) {
	seedUnits(t, s)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		edit func(*sotepe.ServiceEvent)
		key  string
	}{
		{"unknown unit", func(e *sotepe.ServiceEvent) { e.UnitID = "nowhere" }, "error.event_unit"},
		{"unknown producer", func(e *sotepe.ServiceEvent) { e.ProducerID = "nobody" }, "error.event_producer"},
		{"bad day", func(e *sotepe.ServiceEvent) { e.Day = "2024-13-01" }, "error.event_day"},
		{"zero count", func(e *sotepe.ServiceEvent) { e.Count = 0 }, "error.event_count"},
	} {
		batch := []sotepe.ServiceEvent{testEvent("dispatch", 1), testEvent("dispatch", 2), testEvent("dispatch", 3)}
		tt.edit(&batch[2])
		_, err := s.AddEvents(ctx, batch)
		wantKey(t, err, sotepe.EInvalid, tt.key)
		if i := sotepe.ErrorArgs(err)["Index"]; i != 2 {
			t.Errorf("%s: index %v, want 2", tt.name, i)
		}
	}
	_, err := s.AddEvents(ctx, nil)
	wantKey(t, err, sotepe.EInvalid, "error.event_batch")
	_, err = s.AddEvents(ctx, make([]sotepe.ServiceEvent, sotepe.MaxEventBatch+1))
	wantKey(t, err, sotepe.EInvalid, "error.event_batch")
	if n := count(t, s, `SELECT (SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM event_daily) + (SELECT COUNT(*) FROM event_monthly)`); n != 0 {
		t.Errorf("%d rows stored by failed batches", n)
	}
}

func testLoadEventsMixed(t *testing.T, s Store) {
	seedUnits(t, s)
	ctx := context.Background()
	// Some events through the API first.
	var batch []sotepe.ServiceEvent
	for i := 100; i < 400; i++ {
		batch = append(batch, testEvent("import", i))
	}
	_, err := s.AddEvents(ctx, batch)
	must(t, err)
	// A load of 7,000 events (over two SQLite statements) holding
	// those 300 again, 20 given twice and five bad ones.
	res, err := s.LoadEvents(ctx, func(add store.EventAdder) error {
		for i := range 7000 {
			if err := add(testEvent("import", i)); err != nil {
				return err
			}
			if i%350 == 0 {
				if err := add(testEvent("import", i)); err != nil {
					return err
				}
			}
			if i%1500 == 0 {
				bad := testEvent("import", 100000+i)
				bad.Statistic = "nothing"
				if err := add(bad); sotepe.ErrorKey(err) != "error.event_statistic" {
					t.Errorf("bad event: %v", err)
				}
			}
		}
		return nil
	})
	must(t, err)
	if res.Added != 6700 || res.Duplicates != 320 {
		t.Errorf("load %+v, want 6700 added and 320 duplicates", res)
	}
	want := int64(0)
	for i := range 7000 {
		want += int64(testEvent("import", i).Count)
	}
	if got := checkSums(t, s); got != want {
		t.Errorf("events total %d, want %d", got, want)
	}
	// A second load of new events only, then one that fails: the
	// failed one leaves nothing.
	res, err = s.LoadEvents(ctx, func(add store.EventAdder) error {
		for i := range 4000 {
			must(t, add(testEvent("records", i)))
		}
		return nil
	})
	must(t, err)
	if res.Added != 4000 {
		t.Errorf("second load %+v", res)
	}
	before := count(t, s, `SELECT COUNT(*) FROM events`)
	boom := errors.New("the file ended early")
	_, err = s.LoadEvents(ctx, func(add store.EventAdder) error {
		for i := range 5000 {
			must(t, add(testEvent("late", i)))
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed load: %v", err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events`); n != before {
		t.Errorf("a failed load left %d events", n-before)
	}
	for i := range 4000 {
		want += int64(testEvent("records", i).Count)
	}
	if got := checkSums(t, s); got != want {
		t.Errorf("events total %d, want %d", got, want)
	}
	// A load whose database fails under way (its context ends after
	// the first statement's events): the adder or the load says so,
	// and nothing of it stays.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err = s.LoadEvents(cctx, func(add store.EventAdder) error {
		for i := range 12000 {
			if i == 3500 {
				cancel()
			}
			if err := add(testEvent("cut", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		t.Error("a load whose context ended succeeded")
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events`); n != before {
		t.Errorf("a cut load left %d events", n-before)
	}
	if got := checkSums(t, s); got != want {
		t.Errorf("events total %d after a cut load, want %d", got, want)
	}
}

func testIntegrationClients(t *testing.T, s Store) {
	ctx := adminCtx()
	at := s.Clock.Now()
	c, err := s.CreateIntegrationClient(ctx, "rescue-dispatch", []string{sotepe.ScopeEventsWrite}, at)
	must(t, err)
	if c.Token == "" || !c.HasScope(sotepe.ScopeEventsWrite) {
		t.Fatalf("client %+v", c)
	}
	_, err = s.CreateIntegrationClient(ctx, "rescue-dispatch", []string{sotepe.ScopeEventsWrite}, at)
	wantCode(t, err, sotepe.EConflict)
	_, err = s.CreateIntegrationClient(ctx, "Rescue Dispatch", []string{sotepe.ScopeEventsWrite}, at)
	wantKey(t, err, sotepe.EInvalid, "error.integration_name")
	_, err = s.CreateIntegrationClient(ctx, "records", []string{"events:read"}, at)
	wantKey(t, err, sotepe.EInvalid, "error.integration_scope_unknown")
	got, err := s.IntegrationClientByToken(ctx, c.Token)
	must(t, err)
	if got.Name != "rescue-dispatch" || got.ID != c.ID || !got.HasScope(sotepe.ScopeEventsWrite) || got.Token != "" {
		t.Errorf("by token %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM integration_clients WHERE token_hash = $1`, []byte(c.Token)); n != 0 {
		t.Error("the token is stored in the clear")
	}
	_, err = s.IntegrationClientByToken(ctx, c.Token+"x")
	wantKey(t, err, sotepe.EUnauthorized, "error.integration_token")
	must(t, s.RevokeIntegrationClient(ctx, "rescue-dispatch", at))
	_, err = s.IntegrationClientByToken(ctx, c.Token)
	wantCode(t, err, sotepe.EUnauthorized)
	wantCode(t, s.RevokeIntegrationClient(ctx, "rescue-dispatch", at), sotepe.ENotFound)
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action IN ('integration.create', 'integration.revoke')`); n != 2 {
		t.Errorf("%d audit rows", n)
	}
}

// testFlowsRecordEvents checks that sotepe's own acts record their events in
// their transactions: a completed visit, its feedback answer, and the first
// answer of a contact request (a second answer adds nothing).
func testFlowsRecordEvents(t *testing.T, s Store) {
	t.Run("visit and feedback", func(t *testing.T) {
		ctx := context.Background()
		f := seedAppts(t, s, 1)
		nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
		sl := f.open(t, s, "dental", f.now.Add(-2*time.Hour), sotepe.ModeInPerson)
		a, err := s.Book(ctx, sotepe.Booking{SlotID: sl.ID, ResidentID: f.residents[0].ID, Now: f.now.Add(-3 * time.Hour)})
		must(t, err)
		_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentCompleted, f.now)
		must(t, err)
		fb, err := s.AddFeedback(ctx, sotepe.NewFeedback{Score: 10, Channel: sotepe.FeedbackVisit, Lang: sotepe.Finnish, AppointmentID: a.ID,
			ResidentID: f.residents[0].ID, CreatedAt: f.now})
		must(t, err)
		for _, w := range []struct {
			source    string
			id        int64
			statistic string
		}{{sotepe.SourceAppointment, a.ID, sotepe.StatOtherVisits}, {sotepe.SourceFeedback, fb.ID, sotepe.StatFeedbackAnswers}} {
			if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = $1 AND CAST(external_id AS BIGINT) = $2 AND statistic = $3
				AND unit_id = $4 AND producer_id = 'city'`, w.source, w.id, w.statistic, kallio); n != 1 {
				t.Errorf("%s %d: %d events", w.source, w.id, n)
			}
		}
		checkSums(t, s)
	})
	t.Run("contact request", func(t *testing.T) {
		s := s.fresh(t)
		f := seedContacts(t, s)
		ctx := residentCtx(f.account)
		stored, _, err := s.CreateContactRequest(ctx, portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(48*time.Hour)), "")
		must(t, err)
		nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
		_, err = s.AddMessage(nurseCtx, stored.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Internal: true, Body: "muistiinpano", At: f.t0.Add(time.Hour)}, "")
		must(t, err)
		if n := count(t, s, `SELECT COUNT(*) FROM events`); n != 0 {
			t.Errorf("an internal note recorded %d events", n)
		}
		for i := range 2 {
			_, err = s.AddMessage(nurseCtx, stored.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Soitamme", At: f.t0.Add(time.Duration(2+i) * time.Hour)}, sotepe.StatusAnswered)
			must(t, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = $1 AND statistic = $2 AND unit_id = $3 AND mode = 'remote'`,
			sotepe.SourceContactRequest, sotepe.StatContactRequestsAnswered, kallio); n != 1 {
			t.Errorf("%d answer events", n)
		}
		checkSums(t, s)
	})
}

// testBulkFeedbackRollUps checks that the answers of a generated year keep
// the feedback roll-ups equal to the answers, by month and by day, beside an
// answer stored the usual way.
func testBulkFeedbackRollUps(t *testing.T, s Store) {
	seedUnits(t, s)
	ctx := context.Background()
	_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: kallio, Score: 3, Channel: sotepe.FeedbackWebsite, Lang: sotepe.Finnish, CreatedAt: s.Clock.Now()})
	must(t, err)
	var fs []sotepe.Feedback
	channels := []sotepe.FeedbackChannel{sotepe.FeedbackQR, sotepe.FeedbackKioskChannel, sotepe.FeedbackPortal, sotepe.FeedbackWebsite}
	for i := range 3000 {
		unit := []string{kallio, "kontula-family-centre", "vuosaari-dental"}[i%3]
		service := ""
		if i%5 == 0 {
			service = "dental"
		}
		fs = append(fs, sotepe.Feedback{UnitID: unit, Score: i % 11, Channel: channels[i%4], Lang: sotepe.Langs[i%3], ServiceID: service,
			CreatedAt: time.Date(2024, 1, 1, 21, 30, 0, 0, time.UTC).Add(time.Duration(i) * 3 * time.Hour)})
	}
	must(t, s.BulkFeedback(ctx, fs))
	wantKey(t, s.BulkFeedback(ctx, []sotepe.Feedback{{UnitID: kallio, Channel: sotepe.FeedbackVisit, Lang: sotepe.Finnish}}), sotepe.EInvalid, "error.feedback_channel")
	if n := count(t, s, `SELECT COUNT(*) FROM feedback`); n != 3001 {
		t.Fatalf("%d answers", n)
	}
	classes := `SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END) AS p, SUM(CASE WHEN score BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS pa, SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END) AS d`
	for _, q := range []string{
		`SELECT COUNT(*) FROM (SELECT dim, substr(day, 1, 7) AS month, unit_id, key, ` + classes + ` FROM (
			SELECT 'unit' AS dim, day, unit_id, '' AS key, score FROM feedback
			UNION ALL SELECT 'service', day, unit_id, COALESCE(service_id, ''), score FROM feedback
			UNION ALL SELECT 'channel', day, unit_id, channel, score FROM feedback
			UNION ALL SELECT 'language', day, unit_id, lang, score FROM feedback) f GROUP BY dim, substr(day, 1, 7), unit_id, key) w
		 LEFT JOIN feedback_monthly m ON m.dim = w.dim AND m.month = w.month AND m.unit_id = w.unit_id AND m.key = w.key
		 WHERE m.promoters IS NULL OR m.promoters <> w.p OR m.passives <> w.pa OR m.detractors <> w.d`,
		`SELECT COUNT(*) FROM (SELECT dim, day, unit_id, key, ` + classes + ` FROM (
			SELECT 'unit' AS dim, day, unit_id, unit_id AS key, score FROM feedback
			UNION ALL SELECT 'service', day, unit_id, COALESCE(service_id, ''), score FROM feedback
			UNION ALL SELECT 'channel', day, unit_id, channel, score FROM feedback
			UNION ALL SELECT 'language', day, unit_id, lang, score FROM feedback) f GROUP BY dim, day, unit_id, key) w
		 LEFT JOIN feedback_daily m ON m.dim = w.dim AND m.day = w.day AND m.unit_id = w.unit_id AND m.key = w.key
		 WHERE m.promoters IS NULL OR m.promoters <> w.p OR m.passives <> w.pa OR m.detractors <> w.d`,
	} {
		if n := count(t, s, q); n != 0 {
			t.Errorf("%d roll-up rows differ from the answers", n)
		}
	}
	if a, b := count(t, s, `SELECT SUM(promoters + passives + detractors) FROM feedback_monthly`), count(t, s, `SELECT SUM(promoters + passives + detractors) FROM feedback_daily`); a != 4*3001 || b != 4*3001 {
		t.Errorf("roll-ups hold %d and %d answers, want %d", a, b, 4*3001)
	}
}
