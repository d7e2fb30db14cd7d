package notify_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/i18n"
	"sotepe/internal/testenv"
	"sotepe/notify"
	"sotepe/store"
)

// counter counts what it is sent, slowly enough that dispatchers running
// at once overlap.
type counter struct{ n atomic.Int64 }

func (c *counter) Send(context.Context, notify.Message) error {
	time.Sleep(200 * time.Microsecond)
	c.n.Add(1)
	return nil
}

// twoProcesses returns two stores on one new database, as two sotepe
// processes have: two pools on one PostgreSQL schema. SQLite has one
// process, so there both are the same store.
func twoProcesses(t *testing.T) (*store.Store, *store.Store, demo.People) {
	t.Helper()
	ctx := context.Background()
	engine := testenv.EngineOf(t)
	dsn := testenv.DSN(t, engine)
	open := func() *store.Store {
		st, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a := open()
	b := a
	if engine == testenv.Postgres {
		b = open()
	}
	if err := demo.LoadNetwork(ctx, a); err != nil {
		t.Fatal(err)
	}
	people, err := demo.LoadPeople(ctx, a, a, testenv.PasswordHash)
	if err != nil {
		t.Fatal(err)
	}
	return a, b, people
}

// TestTwoProcessesDeliverEachNotificationOnce fills the outbox with
// answers to residents and breaches of missed requests, swept by two
// processes at once, and delivers it with two dispatchers on each process
// at once: every notification is sent exactly once, and every breach
// notifies the manager once.
func TestTwoProcessesDeliverEachNotificationOnce(t *testing.T) {
	testenv.Engines(t, testTwoProcessesDeliverEachNotificationOnce)
}

func testTwoProcessesDeliverEachNotificationOnce(t *testing.T) {
	a, b, people := twoProcesses(t)
	ctx := context.Background()
	now := time.Now()
	past := now.Add(-72 * time.Hour)
	const answered, missed = 120, 30
	for i := range answered + missed {
		r, _, err := a.CreateContactRequest(ctx, sotepe.ContactRequest{
			ResidentID: people.Residents["erik"], ServiceID: "health-station-nurse", UnitID: "kallio-health-station",
			Channel: sotepe.ChannelPortal, Status: sotepe.StatusNew, Lang: sotepe.Swedish, ReceivedAt: past, DueAt: past.Add(time.Hour),
			Messages: []sotepe.Message{{Body: "Hej.", At: past}},
		}, "")
		if err != nil {
			t.Fatal(err)
		}
		if i < answered {
			if _, err := a.AddMessage(ctx, r.ID, sotepe.Message{AuthorID: people.Users["nurse"], FromStaff: true, Body: "Svar.", At: now}, sotepe.StatusAnswered); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Both processes sweep the missed requests at once: each is marked
	// once, so its manager is told once.
	var wg sync.WaitGroup
	var marked atomic.Int64
	for _, st := range []*store.Store{a, b, a, b} {
		wg.Go(func() {
			m, err := st.MarkBreached(ctx, now)
			if err != nil {
				t.Error(err)
			}
			marked.Add(int64(len(m)))
		})
	}
	wg.Wait()
	if marked.Load() != missed {
		t.Fatalf("the sweeps marked %d requests breached, want %d", marked.Load(), missed)
	}
	pending, err := a.PendingNotifications(ctx, now.Add(time.Hour), sotepe.MaxPageLimit)
	if err != nil {
		t.Fatal(err)
	}
	breaches := 0
	for _, n := range pending {
		if n.Kind == sotepe.NotifyBreach {
			breaches++
		}
	}
	if breaches != missed {
		t.Fatalf("%d breach notifications for %d missed requests (one manager)", breaches, missed)
	}
	total := len(pending)
	if total != answered+missed {
		t.Fatalf("%d notifications in the outbox, want %d", total, answered+missed)
	}

	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	var sent counter
	for _, st := range []*store.Store{a, b, a, b} {
		d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: &sent, BaseURL: "http://x", Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
		wg.Go(func() {
			for {
				n, err := d.Deliver(ctx, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if got := sent.n.Load(); got != int64(total) {
		t.Errorf("%d sends for %d notifications", got, total)
	}
	if left, err := a.PendingNotifications(ctx, now.Add(time.Hour), 10); err != nil || len(left) != 0 {
		t.Errorf("left undelivered: %d, %v", len(left), err)
	}
}

// TestADeadDispatchersClaimIsDeliveredAfterItsLease claims notifications
// as a dispatcher that then dies: no other dispatcher sends them during
// the lease, and one does after it, once.
func TestADeadDispatchersClaimIsDeliveredAfterItsLease(t *testing.T) {
	testenv.Engines(t, testADeadDispatchersClaimIsDeliveredAfterItsLease)
}

func testADeadDispatchersClaimIsDeliveredAfterItsLease(t *testing.T) {
	st, cat := setup(t)
	ctx := context.Background()
	now := time.Now()
	claimed, err := st.ClaimNotifications(ctx, now, notify.Lease, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim = %v, %v", claimed, err)
	}
	// The dead dispatcher's process never records it.
	var sent counter
	clock := now
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: &sent, BaseURL: "http://x", Now: func() time.Time { return clock }, Logger: slog.New(slog.DiscardHandler)}
	if n, err := d.Deliver(ctx, 10); err != nil || n != 0 {
		t.Fatalf("within the lease another dispatcher sent %d, %v", n, err)
	}
	clock = now.Add(notify.Lease + time.Second)
	if n, err := d.Deliver(ctx, 10); err != nil || n != 1 {
		t.Fatalf("after the lease Deliver = %d, %v", n, err)
	}
	if n, err := d.Deliver(ctx, 10); err != nil || n != 0 || sent.n.Load() != 1 {
		t.Fatalf("sent again: %d, %v (total %d)", n, err, sent.n.Load())
	}
}

// slow is a sender whose every send takes three minutes of the clock.
type slow struct {
	clock *time.Time
	n     int
}

func (s *slow) Send(context.Context, notify.Message) error {
	*s.clock = s.clock.Add(3 * time.Minute)
	s.n++
	return nil
}

// TestASlowBatchStopsBeforeItsLease sends a claimed batch through a
// server that takes three minutes a mail: the dispatcher stops while its
// claim still has a whole send left, and the rest, claimed anew after the
// lease, goes out once.
func TestASlowBatchStopsBeforeItsLease(t *testing.T) {
	testenv.Engines(t, testASlowBatchStopsBeforeItsLease)
}

func testASlowBatchStopsBeforeItsLease(t *testing.T) {
	st, cat := setup(t)
	ctx := context.Background()
	pending, err := st.PendingNotifications(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	nurse, _, err := st.UserByUsername(ctx, "nurse")
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := st.AddMessage(ctx, pending[0].RequestID, sotepe.Message{AuthorID: nurse.ID, FromStaff: true, Body: "Svar.", At: time.Now()}, sotepe.StatusAnswered); err != nil {
			t.Fatal(err)
		}
	}
	clock := time.Now().Add(time.Minute)
	sender := &slow{clock: &clock}
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: sender, BaseURL: "http://x", Now: func() time.Time { return clock }, Logger: slog.New(slog.DiscardHandler)}
	total := 0
	for range 3 {
		n, err := d.Deliver(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		total += n
		if n > 2 {
			t.Fatalf("one claim sent %d at three minutes each, past its lease of %s", n, notify.Lease)
		}
	}
	if left, err := st.PendingNotifications(ctx, clock.Add(time.Hour), 10); err != nil || len(left) != 0 || total != 5 || sender.n != 5 {
		t.Fatalf("sent %d (%d mails), left %d, %v", total, sender.n, len(left), err)
	}
}
