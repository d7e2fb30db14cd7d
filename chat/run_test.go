package chat

import (
	"context"
	"reflect"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestSweeps(t *testing.T) { testenv.Engines(t, testSweeps) }

func testSweeps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.present(t, "nurse")
	gone := f.start(t, "anna", "nurse", "Hei")
	stays := f.start(t, "erik", "nurse", "Hej")
	listens := f.start(t, "anna", "dental", "Hei")
	ectx, erik := f.as("erik")
	actx, anna := f.as("anna")
	_, stop, err := f.svc.Listen(actx, anna, listens.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	f.env.Clock.Add(6 * time.Minute)
	if _, err := f.svc.Get(ectx, erik, stays.ID); err != nil { // erik is back
		t.Fatal(err)
	}
	f.svc.keepPresent(ctx) // Run does this every minute for open streams
	f.env.Clock.Add(5 * time.Minute)
	f.svc.keepPresent(ctx)
	n, err := f.svc.SweepAbandoned(ctx)
	if err != nil || n != 1 {
		t.Fatalf("abandoned %d (%v), want anna's first chat only", n, err)
	}
	got, err := f.svc.Get(actx, anna, gone.ID)
	if err != nil || got.Status != sotepe.ChatAbandoned {
		t.Errorf("anna's chat after 11 minutes away: %+v %v", got, err)
	}
	if e := lastOf(f.events(t, "anna", gone.ID)); e.Key != KeyAbandoned || e.Text != "Keskustelu päättyi, koska et ollut paikalla." {
		t.Errorf("abandon event: %+v", e)
	}
	if c, err := f.svc.Get(ectx, erik, stays.ID); err != nil || c.Status != sotepe.ChatWaiting {
		t.Errorf("erik's chat, seen 5 minutes ago: %+v %v", c, err)
	}
	if c, err := f.svc.Get(actx, anna, listens.ID); err != nil || c.Status != sotepe.ChatWaiting {
		t.Errorf("a chat whose stream was open: %+v %v", c, err)
	}

	// Transcripts go after the line's retention; the chat and its figures
	// stay.
	nctx, nurse := f.as("nurse")
	f.present(t, "nurse")
	if _, err := f.svc.Take(nctx, nurse, stays.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Close(nctx, nurse, stays.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(29 * 24 * time.Hour)
	if n, err := f.svc.SweepTranscripts(ctx); err != nil || n != 0 {
		t.Errorf("before the retention: %d %v", n, err)
	}
	f.env.Clock.Add(2 * 24 * time.Hour)
	if n, err := f.svc.SweepTranscripts(ctx); err != nil || n < 1 {
		t.Errorf("after the retention: %d %v", n, err)
	}
	for _, e := range f.events(t, "erik", stays.ID) {
		if e.Kind == sotepe.ChatMessage && e.Body != "" {
			t.Errorf("a message outlived its retention: %+v", e)
		}
	}
	if c, err := f.svc.Get(ectx, erik, stays.ID); err != nil || c.Status != sotepe.ChatClosed {
		t.Errorf("the chat itself: %+v %v", c, err)
	}
}

func TestLinesClosed(t *testing.T) { testenv.Engines(t, testLinesClosed) }

func testLinesClosed(t *testing.T) {
	f := newFixture(t)
	loc := f.env.Location
	actx, anna := f.as("anna")
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); !l.Open {
		t.Fatalf("Monday 10:00 with the nurse present: %+v", l)
	}
	// In the evening the weekday line is closed by its hours, the dental
	// line open around the clock.
	f.env.Clock.Set(time.Date(2026, 11, 23, 18, 0, 0, 0, loc))
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); l.Open || l.Closed != sotepe.ChatClosedHours {
		t.Errorf("Monday 18:00: %+v", l)
	}
	if l := lineStatus(t, f.svc, "dental"); !l.Open {
		t.Errorf("the dental line at 18:00: %+v", l)
	}
	_, _, err := f.svc.Start(actx, anna, "nurse", "Hei")
	if sotepe.ErrorKey(err) != "chat.error.closed" {
		t.Errorf("start outside hours: %v", err)
	}
	// Christmas Eve is a Thursday and a day off.
	f.env.Clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, loc))
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); l.Open || l.Closed != sotepe.ChatClosedHours {
		t.Errorf("Christmas Eve: %+v", l)
	}
	if l := lineStatus(t, f.svc, "dental"); !l.Open {
		t.Errorf("the dental line on Christmas Eve: %+v", l)
	}
	// A professional counts as present for a minute after their queue
	// was last open.
	f.env.Clock.Add(sotepe.ChatPresenceWindow + time.Second)
	if l := lineStatus(t, f.svc, "dental"); l.Open || l.Closed != sotepe.ChatClosedUnstaffed {
		t.Errorf("a minute after the nurse left: %+v", l)
	}
}

func TestFiguresOnStore(t *testing.T) { testenv.Engines(t, testFiguresService) }

func testFiguresService(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.present(t, "nurse")
	nctx, nurse := f.as("nurse")
	a := f.start(t, "anna", "nurse", "Hei")
	f.start(t, "erik", "nurse", "Hej")
	f.start(t, "anna", "dental", "Hei")
	f.env.Clock.Add(2 * time.Minute)
	if _, err := f.svc.Take(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(5 * time.Minute)
	if _, err := f.svc.Close(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(10 * time.Minute)
	if n, err := f.svc.SweepAbandoned(ctx); err != nil || n != 2 {
		t.Fatalf("abandoned %d %v", n, err)
	}
	loc := f.env.Location
	q := sotepe.ChatFigureQuery{From: time.Date(2026, 11, 23, 0, 0, 0, 0, loc), To: time.Date(2026, 11, 24, 0, 0, 0, 0, loc), By: ByLine}
	mctx, manager := f.as("manager")
	figs, err := f.svc.Figures(mctx, manager, q)
	if err != nil || len(figs) != 1 || figs[0].Key != "nurse" {
		t.Fatalf("the manager's figures: %+v %v", figs, err)
	}
	n := figs[0]
	if n.Started != 2 || n.Answered != 1 || n.Abandoned != 1 || n.WaitP50 == nil || *n.WaitP50 != 120 || n.DurationP90 == nil || *n.DurationP90 != 300 {
		t.Errorf("nurse line: %+v", n)
	}
	actx, analyst := f.as("analyst")
	all, err := f.svc.Figures(actx, analyst, q)
	if err != nil || len(all) != 2 || all[0].Key != "dental" || all[0].Abandoned != 1 {
		t.Errorf("the analyst's figures: %+v %v", all, err)
	}
	// Folded into the roll-up, the figures stay as they were.
	if n, err := f.svc.FoldStats(ctx); err != nil || n == 0 {
		t.Fatalf("folded %d changes: %v", n, err)
	}
	if again, err := f.svc.Figures(actx, analyst, q); err != nil || !reflect.DeepEqual(again, all) {
		t.Errorf("the analyst's figures folded: %+v %v, want %+v", again, err, all)
	}
	q.By = ByHour
	if h, err := f.svc.Figures(actx, analyst, q); err != nil || len(h) != 1 || h[0].Key != "10" || h[0].Started != 3 {
		t.Errorf("by hour: %+v %v", h, err)
	}
	q.By = ByUnit
	if u, err := f.svc.Figures(mctx, manager, q); err != nil || len(u) != 2 || u[1].Key != "kallio-health-station" || u[1].Answered != 1 {
		t.Errorf("by unit: %+v %v", u, err)
	}
	q.Lines = []string{"dental"}
	_, err = f.svc.Figures(mctx, manager, q)
	testenv.Code(t, err, sotepe.EForbidden)
	q.Lines, q.By = nil, "week"
	_, err = f.svc.Figures(actx, analyst, q)
	if sotepe.ErrorKey(err) != "chat.error.group" {
		t.Errorf("bad grouping: %v", err)
	}
	q.By, q.To = ByLine, q.From
	_, err = f.svc.Figures(actx, analyst, q)
	if sotepe.ErrorKey(err) != "chat.error.period" {
		t.Errorf("empty period: %v", err)
	}
	for _, name := range []string{"anna", "nurse"} {
		ctx, u := f.as(name)
		_, err := f.svc.Figures(ctx, u, q)
		testenv.Code(t, err, sotepe.EForbidden)
	}
}

// receive waits up to d for a signal on ch.
func receive(t *testing.T, ch <-chan sotepe.ChatSignal, d time.Duration) (sotepe.ChatSignal, bool) {
	t.Helper()
	select {
	case s, ok := <-ch:
		return s, ok
	case <-time.After(d):
		return sotepe.ChatSignal{}, false
	}
}

func TestHubDelivery(t *testing.T) { testenv.Engines(t, testHubDelivery) }

func testHubDelivery(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse")
	a := f.start(t, "anna", "nurse", "Hei")
	actx, anna := f.as("anna")
	nctx, nurse := f.as("nurse")
	ectx, erik := f.as("erik")
	if _, err := f.svc.Take(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.svc.Listen(ectx, erik, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	lctx, endStream := context.WithCancel(context.Background())
	toAnna, stopAnna, err := f.svc.Listen(lctx, anna, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer stopAnna()
	toNurse, stopNurse, err := f.svc.Listen(nctx, nurse, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(actx, anna, a.ID, "Oletko siellä?"); err != nil {
		t.Fatal(err)
	}
	for who, ch := range map[string]<-chan sotepe.ChatSignal{"anna": toAnna, "nurse": toNurse} {
		if s, ok := receive(t, ch, time.Second); !ok || s.ChatID != a.ID || s.Typing != "" {
			t.Errorf("%s got %+v %v after a message", who, s, ok)
		}
	}
	// Typing: the other side learns who; more than once a second is
	// dropped.
	if err := f.svc.Typing(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Typing(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	if s, ok := receive(t, toAnna, time.Second); !ok || s.Typing != TypingStaff || s.Name != "Sanna Nurmi" {
		t.Errorf("anna got %+v %v while the nurse typed", s, ok)
	}
	// Publishing is synchronous: what Typing signalled is in the channel
	// when it returns.
	if len(toAnna) != 0 {
		t.Errorf("a second typing signal within the second: %+v", <-toAnna)
	}
	f.env.Clock.Add(time.Second)
	if err := f.svc.Typing(actx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	heard := false
	for len(toNurse) > 0 {
		if s := <-toNurse; s.Typing == TypingResident && s.Name == "" {
			heard = true
		}
	}
	if !heard {
		t.Error("the nurse did not learn that anna types")
	}
	stopNurse()
	if _, ok := <-toNurse; ok {
		t.Error("the nurse's channel is open after cancel")
	}
	// The end of the stream's context ends the subscription and closes
	// the channel.
	endStream()
	closed := make(chan struct{})
	go func() {
		for range toAnna {
		}
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("anna's channel stayed open after her stream's context ended")
	}
	if n := f.svc.Hub().Listeners(a.ID); n != 0 {
		t.Errorf("%d listeners after the streams ended", n)
	}
}
