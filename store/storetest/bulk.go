package storetest

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"

	"sotepe"
)

func testBulkContactRequests(t *testing.T, s Store) {
	f := seedContacts(t, s)
	rs := make([]sotepe.ContactRequest, 1000)
	for i := range rs {
		at := f.t0.Add(-time.Duration(i) * time.Minute)
		rs[i] = portal(f.withAccount.ID, "nurse", kallio, at, at.Add(48*time.Hour))
		if i%2 == 0 {
			rs[i].Status, rs[i].FirstAnsweredAt = sotepe.StatusAnswered, at.Add(time.Hour)
			rs[i].Messages = append(rs[i].Messages, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Soitamme.", At: at.Add(time.Hour)})
		}
	}
	must(t, s.BulkContactRequests(adminCtx(), rs))
	if got := count(t, s, `SELECT COUNT(*) FROM contact_requests`); got != 1000 {
		t.Fatalf("%d requests", got)
	}
	if got := count(t, s, `SELECT COUNT(*) FROM contact_messages`); got != 1500 {
		t.Fatalf("%d messages", got)
	}
	// Each answered request counts once among the answered requests, as
	// an answer through AddMessage does.
	if got := count(t, s, `SELECT COUNT(*) FROM events WHERE statistic = 'contact_requests_answered'`); got != 500 {
		t.Errorf("%d contact_requests_answered events for 500 answered requests", got)
	}
	seen := map[int64]bool{}
	for _, r := range rs {
		if r.ID == 0 || seen[r.ID] {
			t.Fatalf("id %d missing or repeated", r.ID)
		}
		seen[r.ID] = true
	}
	got, err := s.ContactRequest(adminCtx(), rs[0].ID, sotepe.ContactScope{Units: []string{kallio}})
	must(t, err)
	if len(got.Messages) != 2 || got.FirstAnsweredAt.IsZero() || got.Status != sotepe.StatusAnswered {
		t.Errorf("bulk request read back as %+v", got)
	}
	// A submission after the bulk load gets the next id, on PostgreSQL
	// too, whose identity sequence the load moved past its ids.
	next, _, err := s.CreateContactRequest(adminCtx(), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	if seen[next.ID] {
		t.Errorf("a new request took the bulk-loaded id %d", next.ID)
	}
}

// testBulkContactRequestsTimed loads answered requests with their working
// times: each stores the value FillAnswerWorkingSeconds gives an untimed
// twin, logs one change for the figures, and the folded figures agree with
// the requests.
func testBulkContactRequestsTimed(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedContacts(t, s)
	// Working time: the wall time between, less a tenth, so that the
	// value is the function's and not the wall clock's.
	wt := func(from, to time.Time) time.Duration { return to.Sub(from) * 9 / 10 }
	batch := func() []sotepe.ContactRequest {
		rs := make([]sotepe.ContactRequest, 40)
		for i := range rs {
			at := f.t0.Add(-time.Duration(i) * 37 * time.Minute)
			rs[i] = portal(f.withAccount.ID, "nurse", kallio, at, at.Add(48*time.Hour))
			if i%4 != 3 {
				answered := at.Add(time.Duration(1+i) * 13 * time.Minute)
				rs[i].Status, rs[i].FirstAnsweredAt = sotepe.StatusAnswered, answered
				rs[i].Messages = append(rs[i].Messages, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Soitamme.", At: answered})
			}
		}
		return rs
	}
	timed, untimed := batch(), batch()
	before := count(t, s, `SELECT COUNT(*) FROM contact_stats_changes`)
	must(t, s.BulkContactRequestsTimed(ctx, timed, wt))
	if got := count(t, s, `SELECT COUNT(*) FROM contact_stats_changes`) - before; got != len(timed) {
		t.Errorf("%d changes logged for %d timed requests", got, len(timed))
	}
	must(t, s.BulkContactRequests(ctx, untimed))
	for {
		n, err := s.FillAnswerWorkingSeconds(ctx, 1000, wt)
		must(t, err)
		if n == 0 {
			break
		}
	}
	seconds := func(id int64) sql.NullInt64 {
		var v sql.NullInt64
		must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT answer_seconds FROM contact_requests WHERE id = $1`, id).Scan(&v))
		return v
	}
	for i := range timed {
		got, want := seconds(timed[i].ID), seconds(untimed[i].ID)
		if got != want || got.Valid != !timed[i].FirstAnsweredAt.IsZero() {
			t.Errorf("request %d: %v seconds timed, %v filled", i, got, want)
		}
	}
	foldAll(t, s)
	q := sotepe.ContactStatsQuery{From: f.t0.AddDate(0, 0, -3).Format(time.DateOnly), To: f.t0.Format(time.DateOnly), Dim: sotepe.DimUnit,
		Interval: sotepe.IntervalDay, Now: f.t0.Add(time.Hour), WorkingTime: wt}
	if got, want := statsRows(t, s, q), statsOracle(t, s, q); !reflect.DeepEqual(got, want) {
		t.Errorf("figures %+v, from the requests %+v", got, want)
	}
}
