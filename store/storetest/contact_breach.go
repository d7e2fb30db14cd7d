package storetest

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"sotepe"
)

func testMarkBreached(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	create := func(unit, service string, due time.Time) sotepe.ContactRequest {
		r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, service, unit, f.t0, due), "")
		must(t, err)
		return r
	}
	late := create(kallio, "nurse", f.t0.Add(2*time.Hour))
	lateToo := create(vuosaari, "dental", f.t0.Add(time.Hour))
	waiting := create(kallio, "nurse", f.t0.Add(90*time.Minute))
	// Not breached: answered in time, answered late, closed unanswered,
	// due later, an internal note only (still breached).
	answered := create(kallio, "nurse", f.t0.Add(time.Hour))
	_, err := s.AddMessage(ctx, answered.ID, sotepe.Message{FromStaff: true, Body: "vastaus", At: f.t0.Add(30 * time.Minute)}, sotepe.StatusAnswered)
	must(t, err)
	asked := create(kallio, "nurse", f.t0.Add(time.Hour))
	_, err = s.AddMessage(ctx, asked.ID, sotepe.Message{FromStaff: true, Body: "kysymys"}, sotepe.StatusWaiting)
	must(t, err)
	closed := create(kallio, "nurse", f.t0.Add(time.Hour))
	must(t, s.CloseContactRequest(ctx, closed.ID, sotepe.ResolutionNoAction, f.t0))
	create(kallio, "nurse", f.t0.Add(5*time.Hour))
	_, err = s.AddMessage(ctx, waiting.ID, sotepe.Message{FromStaff: true, Internal: true, Body: "muistio"}, sotepe.StatusWaiting)
	must(t, err)
	notified := count(t, s, `SELECT COUNT(*) FROM notifications`)

	now := f.t0.Add(3 * time.Hour)
	got, err := s.MarkBreached(context.Background(), now)
	must(t, err)
	var ids []int64
	for _, r := range got {
		if !r.Breached || r.Messages == nil || len(r.Messages) != 0 {
			t.Fatalf("breached = %+v", r)
		}
		ids = append(ids, r.ID)
	}
	if want := []int64{lateToo.ID, waiting.ID, late.ID}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("breached %v, want %v (due order)", ids, want)
	}
	// kallio has two enabled managers; vuosaari one.
	rows, err := s.ReaderDB().QueryContext(context.Background(), `SELECT user_id, request_id, lang FROM notifications WHERE kind = 'breach' ORDER BY request_id, user_id`)
	must(t, err)
	type note struct {
		user, request int64
		lang          string
	}
	var notes []note
	for rows.Next() {
		var n note
		must(t, rows.Scan(&n.user, &n.request, &n.lang))
		notes = append(notes, n)
	}
	must(t, rows.Err())
	rows.Close()
	want := []note{
		{f.manager.ID, late.ID, "en"}, {f.bothManager.ID, late.ID, "fi"},
		{f.bothManager.ID, lateToo.ID, "fi"},
		{f.manager.ID, waiting.ID, "en"}, {f.bothManager.ID, waiting.ID, "fi"},
	}
	slices.SortFunc(want, func(a, b note) int { return cmp.Or(cmp.Compare(a.request, b.request), cmp.Compare(a.user, b.user)) })
	if !reflect.DeepEqual(notes, want) {
		t.Fatalf("breach notifications %+v, want %+v", notes, want)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM notifications`); n != notified+len(want) {
		t.Fatalf("%d notifications, want %d", n, notified+len(want))
	}

	// Once only.
	again, err := s.MarkBreached(context.Background(), now)
	must(t, err)
	if again == nil || len(again) != 0 {
		t.Fatalf("second sweep = %#v", again)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'breach'`); n != len(want) {
		t.Fatalf("%d breach notifications after a second sweep", n)
	}
	p, err := s.ContactRequests(context.Background(), sotepe.ContactFilter{Breached: new(true)})
	must(t, err)
	if len(p.Items) != 3 {
		t.Fatalf("%d breached in the list", len(p.Items))
	}

	// Concurrent sweeps notify each breach once.
	for i := range 5 {
		create(kallio, "nurse", now.Add(time.Duration(i)*time.Minute))
	}
	later := now.Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			got, err := s.MarkBreached(context.Background(), later)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			total += len(got)
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != 5 {
		t.Fatalf("concurrent sweeps marked %d, want 5", total)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'breach'`); n != len(want)+5*2 {
		t.Fatalf("%d breach notifications after concurrent sweeps, want %d", n, len(want)+10)
	}
}
