package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"sotepe"
)

func testOutbox(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := context.Background()
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	// Three answers a minute apart: three notifications, oldest first.
	for i := range 3 {
		s.Clock.Set(f.t0.Add(time.Duration(i) * time.Minute))
		_, err := s.AddMessage(nurseCtx, r.ID, sotepe.Message{FromStaff: true, Body: "vastaus"}, sotepe.StatusAnswered)
		must(t, err)
	}
	now := f.t0.Add(time.Hour)
	pending, err := s.PendingNotifications(ctx, now, 10)
	must(t, err)
	if len(pending) != 3 {
		t.Fatalf("%d pending", len(pending))
	}
	for i, n := range pending {
		want := sotepe.Notification{ID: n.ID, UserID: f.account.ID, Kind: sotepe.NotifyNewMessage, Lang: sotepe.Swedish,
			RequestID: r.ID, CreatedAt: f.t0.Add(time.Duration(i) * time.Minute)}
		if n != want {
			t.Fatalf("pending[%d] = %+v, want %+v", i, n, want)
		}
	}
	first, second, third := pending[0], pending[1], pending[2]
	if p, err := s.PendingNotifications(ctx, now, 2); err != nil || len(p) != 2 || p[0].ID != first.ID {
		t.Fatalf("limit 2 = %+v, %v", p, err)
	}
	// Not yet due before they were made.
	if p, err := s.PendingNotifications(ctx, f.t0.Add(-time.Second), 10); err != nil || len(p) != 0 || p == nil {
		t.Fatalf("pending before = %#v, %v", p, err)
	}

	must(t, s.MarkNotificationSent(ctx, first.ID, now))
	retry := now.Add(10 * time.Minute)
	must(t, s.MarkNotificationFailed(ctx, second.ID, retry))
	pending, err = s.PendingNotifications(ctx, now, 10)
	must(t, err)
	if len(pending) != 1 || pending[0].ID != third.ID {
		t.Fatalf("pending after send and failure = %+v", pending)
	}
	pending, err = s.PendingNotifications(ctx, retry, 10)
	must(t, err)
	if len(pending) != 2 || pending[0].ID != second.ID || pending[0].Attempts != 1 || pending[1].ID != third.ID {
		t.Fatalf("pending at retry = %+v", pending)
	}
	must(t, s.MarkNotificationFailed(ctx, second.ID, retry))
	pending, err = s.PendingNotifications(ctx, retry, 10)
	must(t, err)
	if pending[0].Attempts != 2 {
		t.Fatalf("attempts after two failures = %d", pending[0].Attempts)
	}

	// A delivery is recorded once; a late failure leaves it sent.
	must(t, s.MarkNotificationSent(ctx, first.ID, now.Add(time.Hour)))
	must(t, s.MarkNotificationFailed(ctx, first.ID, retry))
	var sent, next int64
	var attempts int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT sent_at, next_attempt_at, attempts FROM notifications WHERE id = $1`, first.ID).Scan(&sent, &next, &attempts))
	if sent != micros(now) || next != micros(f.t0) || attempts != 1 {
		t.Fatalf("sent notification: sent %d next %d attempts %d", sent, next, attempts)
	}

	wantCode(t, s.MarkNotificationSent(ctx, 999999, now), sotepe.ENotFound)
	wantCode(t, s.MarkNotificationFailed(ctx, 999999, now), sotepe.ENotFound)
	_, err = s.PendingNotifications(ctx, now, -1)
	wantKey(t, err, sotepe.EInvalid, "error.page_limit")

	// A claim takes the due ones, oldest first, until its lease is over:
	// meanwhile no claim gets them, afterwards the next one does.
	claimed, err := s.ClaimNotifications(ctx, retry, time.Minute, 1)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != second.ID || claimed[0].Attempts != 2 {
		t.Fatalf("claimed = %+v", claimed)
	}
	claimed, err = s.ClaimNotifications(ctx, retry, time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != third.ID {
		t.Fatalf("second claim = %+v", claimed)
	}
	if claimed, err = s.ClaimNotifications(ctx, retry.Add(59*time.Second), time.Minute, 10); err != nil || len(claimed) != 0 {
		t.Fatalf("claim within the lease = %+v, %v", claimed, err)
	}
	must(t, s.MarkNotificationSent(ctx, third.ID, retry))
	claimed, err = s.ClaimNotifications(ctx, retry.Add(time.Minute), time.Minute, 10)
	must(t, err)
	if len(claimed) != 1 || claimed[0].ID != second.ID {
		t.Fatalf("claim after the lease = %+v", claimed)
	}
	_, err = s.ClaimNotifications(ctx, now, 0, 10)
	wantCode(t, err, sotepe.EInvalid)
	_, err = s.ClaimNotifications(ctx, now, time.Minute, -1)
	wantKey(t, err, sotepe.EInvalid, "error.page_limit")
}

func testClosureDays(t *testing.T, s Store) {
	ctx := adminCtx()
	days, err := s.ClosureDays(ctx)
	must(t, err)
	if days == nil || len(days) != 0 {
		t.Fatalf("closure days of a new store = %#v", days)
	}
	xmas := sotepe.ClosureDay{Date: "2024-12-27", Names: sotepe.Names{Fi: "Välipäivä", Sv: "Mellandag", En: "Day between holidays"}}
	may := sotepe.ClosureDay{Date: "2024-05-10", Names: sotepe.Names{Fi: "Siltapäivä", Sv: "Klämdag", En: "Bridge day"}}
	must(t, s.SaveClosureDay(ctx, xmas))
	must(t, s.SaveClosureDay(ctx, may))
	xmas.Names.En = "Closed between Christmas and New Year"
	must(t, s.SaveClosureDay(ctx, xmas))
	days, err = s.ClosureDays(ctx)
	must(t, err)
	if !reflect.DeepEqual(days, []sotepe.ClosureDay{may, xmas}) {
		t.Fatalf("closure days = %+v", days)
	}

	for _, d := range []sotepe.ClosureDay{
		{Date: "27.12.2024", Names: may.Names},
		{Date: "2024-02-30", Names: may.Names},
		{Date: "2024-5-10", Names: may.Names},
		{Date: "", Names: may.Names},
		{Date: "2024-06-01", Names: sotepe.Names{Fi: "Vain suomeksi"}},
		{Date: "2024-06-01", Names: sotepe.Names{Fi: "x", Sv: " ", En: "x"}},
	} {
		wantKey(t, s.SaveClosureDay(ctx, d), sotepe.EInvalid, "error.closure_day")
	}
	wantKey(t, s.DeleteClosureDay(ctx, "tomorrow"), sotepe.EInvalid, "error.closure_day")
	wantCode(t, s.DeleteClosureDay(ctx, "2024-06-01"), sotepe.ENotFound)

	must(t, s.DeleteClosureDay(ctx, may.Date))
	days, err = s.ClosureDays(ctx)
	must(t, err)
	if !reflect.DeepEqual(days, []sotepe.ClosureDay{xmas}) {
		t.Fatalf("closure days after delete = %+v", days)
	}
	wantCode(t, s.DeleteClosureDay(ctx, may.Date), sotepe.ENotFound)

	// Three saves and a delete, each with its row; failures leave none.
	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.closure' AND actor_id = 1 AND actor_role = 'admin'`).Scan(&n))
	if n != 4 {
		t.Fatalf("%d calendar.closure rows, want 4", n)
	}
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.closure' AND object = 'closure:2024-05-10'`).Scan(&n))
	if n != 2 {
		t.Fatalf("%d rows for 2024-05-10, want 2", n)
	}
}
