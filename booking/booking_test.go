package booking_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"sotepe"
	"sotepe/booking"
	"sotepe/internal/testenv"
	"sotepe/store"
)

// fixture is the booking service over a real store (SQLite, or PostgreSQL
// inside testenv.Engines) with the demo network, people and times, and a
// settable clock starting on Monday 23 November 2026 at 10:00 in Helsinki.
type fixture struct {
	svc   *booking.Service
	store *store.Store
	users map[string]sotepe.User
	loc   *time.Location
	mu    sync.Mutex
	now   time.Time
}

func (f *fixture) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	env := testenv.New(t, testenv.EngineOf(t))
	f := &fixture{store: env.Store, users: env.Users, loc: env.Location, now: env.Clock.Now()}
	env.Store.Now = f.Now
	env.LoadAppointments(t)
	var err error
	if f.svc, err = booking.New(booking.Config{Store: env.Store, Location: env.Location, Now: f.Now}); err != nil {
		t.Fatal(err)
	}
	return f
}

func wantCode(t *testing.T, err error, code, key string) {
	t.Helper()
	if sotepe.ErrorCode(err) != code || (key != "" && sotepe.ErrorKey(err) != key) {
		t.Fatalf("error %v, want %s %s", err, code, key)
	}
}

func (f *fixture) first(t *testing.T, filter sotepe.SlotFilter) sotepe.Slot {
	t.Helper()
	page, err := f.svc.Search(context.Background(), nil, filter)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("search %+v: %v", filter, err)
	}
	return page.Items[0]
}

func TestWhoMayDoWhat(t *testing.T) { testenv.Engines(t, testWhoMayDoWhat) }

func testWhoMayDoWhat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, erik, nurse, manager, analyst := f.users["anna"], f.users["erik"], f.users["nurse"], f.users["manager"], f.users["analyst"]
	sl := f.first(t, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"}})

	_, err := f.svc.Book(ctx, nurse, sl.ID, "")
	wantCode(t, err, sotepe.EForbidden, "")
	a, err := f.svc.Book(ctx, anna, sl.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Young || !a.WaitingFrom.Equal(f.now) {
		t.Errorf("anna (born 1988) booked %+v", a)
	}
	_, err = f.svc.Get(ctx, erik, a.ID)
	wantCode(t, err, sotepe.ENotFound, "")
	_, err = f.svc.Reschedule(ctx, erik, a.ID, sl.ID)
	wantCode(t, err, sotepe.ENotFound, "")
	_, err = f.svc.Mark(ctx, anna, a.ID, sotepe.AppointmentCompleted)
	wantCode(t, err, sotepe.ENotFound, "")
	_, err = f.svc.List(ctx, nurse, sotepe.AppointmentFilter{Units: []string{"toolo-health-station"}})
	wantCode(t, err, sotepe.EForbidden, "")
	_, err = f.svc.List(ctx, analyst, sotepe.AppointmentFilter{})
	wantCode(t, err, sotepe.EForbidden, "")

	// Staff open only at their units, only services the unit offers, only ahead.
	o := sotepe.SlotOpening{UnitID: "kallio-health-station", ServiceID: "dental-care", Mode: sotepe.ModeInPerson, Length: 30 * time.Minute, Start: f.now.Add(48 * time.Hour)}
	_, err = f.svc.OpenSlots(ctx, nurse, o)
	wantCode(t, err, sotepe.EInvalid, "error.unit_service")
	o.ServiceID, o.Start = "diabetes-care", f.now.Add(-time.Hour)
	_, err = f.svc.OpenSlots(ctx, nurse, o)
	wantCode(t, err, sotepe.EInvalid, "error.appt_past")
	o.UnitID, o.ServiceID, o.Start = "toolo-health-station", "health-station-nurse", f.now.Add(48*time.Hour)
	_, err = f.svc.OpenSlots(ctx, nurse, o)
	wantCode(t, err, sotepe.EForbidden, "")
	_, err = f.svc.OpenSlots(ctx, anna, o)
	wantCode(t, err, sotepe.EForbidden, "")

	// The calendar: own units, at most 31 days.
	_, err = f.svc.Calendar(ctx, nurse, "toolo-health-station", f.now, f.now.Add(24*time.Hour), false)
	wantCode(t, err, sotepe.EForbidden, "")
	_, err = f.svc.Calendar(ctx, nurse, "", f.now, f.now.Add(40*24*time.Hour), false)
	wantCode(t, err, sotepe.EInvalid, "error.appt_period")
	cal, err := f.svc.Calendar(ctx, nurse, "", f.now, f.now.Add(24*time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cal.Appointments[sl.ID]; !ok || len(cal.Slots) == 0 {
		t.Errorf("nurse's own day: %d slots, appointment %v", len(cal.Slots), ok)
	}
	for _, s := range cal.Slots {
		if s.UnitID != "kallio-health-station" || s.ServiceID != "health-station-nurse" || s.Mode != sotepe.ModeInPerson {
			t.Fatalf("not the nurse's own slot: %+v", s)
		}
	}

	// Figures: managers their units', analysts all, professionals none.
	_, err = f.svc.Figures(ctx, nurse, f.now, f.now.Add(time.Hour), "")
	wantCode(t, err, sotepe.EForbidden, "")
	_, err = f.svc.Figures(ctx, manager, f.now, f.now.Add(time.Hour), "toolo-health-station")
	wantCode(t, err, sotepe.EForbidden, "")
	all, err := f.svc.Figures(ctx, analyst, f.now.Add(-time.Hour), f.now.Add(30*24*time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]bool{}
	for _, x := range all {
		units[x.UnitID] = true
	}
	if len(units) < 5 {
		t.Errorf("analyst sees %d units", len(units))
	}

	// Searches are bounded.
	_, err = f.svc.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", To: f.now.Add(100 * 24 * time.Hour)})
	wantCode(t, err, sotepe.EInvalid, "error.appt_period")
	_, err = f.svc.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Mode: "teleport"})
	wantCode(t, err, sotepe.EInvalid, "error.appt_mode")
}

func TestVideoRemindersAndOffers(t *testing.T) { testenv.Engines(t, testVideoRemindersAndOffers) }

func testVideoRemindersAndOffers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, erik, nurse := f.users["anna"], f.users["erik"], f.users["nurse"]
	video := f.first(t, sotepe.SlotFilter{Service: "health-station-nurse", Mode: sotepe.ModeVideo, From: f.now.Add(48 * time.Hour)})
	a, err := f.svc.Book(ctx, anna, video.ID, "health-station-nurse")
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.svc.JoinVideo(ctx, anna, a.ID)
	if err != nil || in.JoinedAt.IsZero() || in.VideoRoom == "" {
		t.Fatalf("join: %+v %v", in, err)
	}
	// Staff reads are audited with the actor the request carries.
	nurseCtx := sotepe.WithActor(ctx, sotepe.Actor{UserID: nurse.ID, Role: sotepe.RoleProfessional, Unit: "kallio-health-station"})
	seen, err := f.svc.JoinVideo(nurseCtx, nurse, a.ID)
	if err != nil || seen.JoinedAt.IsZero() || seen.ResidentName != "Anna Virtanen" {
		t.Fatalf("nurse sees the room: %+v %v", seen, err)
	}
	_, err = f.svc.JoinVideo(ctx, erik, a.ID)
	wantCode(t, err, sotepe.ENotFound, "")

	// Erik books a later time and asks for an earlier one; Anna cancels
	// hers a day and more ahead, and the freed time is offered to Erik.
	late := f.first(t, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{video.UnitID}, From: f.now.Add(10 * 24 * time.Hour)})
	b, err := f.svc.Book(ctx, erik, late.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.JoinWaitlist(ctx, erik, sotepe.WaitEntry{AppointmentID: b.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Cancel(ctx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	w, err := f.svc.Waitlist(ctx, erik)
	if err != nil || len(w) != 1 || w[0].OfferSlot != video.ID {
		t.Fatalf("erik's offers %+v %v", w, err)
	}
	taken, err := f.svc.Book(ctx, erik, video.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.svc.Get(ctx, erik, b.ID)
	if err != nil || old.Status != sotepe.AppointmentCancelled || !taken.WaitingFrom.Equal(b.WaitingFrom) {
		t.Fatalf("accepting the offer: old %s, waits from %v vs %v", old.Status, taken.WaitingFrom, b.WaitingFrom)
	}
	// Reminders go out a day ahead, once.
	f.mu.Lock()
	f.now = taken.Start.Add(-23 * time.Hour)
	f.mu.Unlock()
	if err := f.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	pending, err := f.store.PendingNotifications(ctx, f.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[sotepe.NotificationKind]int{}
	for _, n := range pending {
		if n.UserID == erik.ID {
			kinds[n.Kind]++
		}
	}
	if kinds[sotepe.NotifyApptReminder] != 1 || kinds[sotepe.NotifyApptOffer] != 1 {
		t.Errorf("erik's notifications %v", kinds)
	}
}

func TestCallMeInstead(t *testing.T) { testenv.Engines(t, testCallMeInstead) }

// testCallMeInstead turns video appointments into phone appointments: the
// resident their own, the unit's professional theirs, nobody else's.
func testCallMeInstead(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, erik, nurse, analyst := f.users["anna"], f.users["erik"], f.users["nurse"], f.users["analyst"]
	page, err := f.svc.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"}, Mode: sotepe.ModeVideo})
	if err != nil || len(page.Items) < 2 {
		t.Fatalf("video slots: %d, %v", len(page.Items), err)
	}
	a, err := f.svc.Book(ctx, anna, page.Items[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []sotepe.User{erik, analyst} {
		_, err = f.svc.SwitchToPhone(ctx, u, a.ID)
		wantCode(t, err, sotepe.ENotFound, "")
	}
	p, err := f.svc.SwitchToPhone(ctx, anna, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != sotepe.ModePhone || p.VideoRoom != "" {
		t.Fatalf("after the switch %+v", p)
	}
	// No room any more.
	_, err = f.svc.JoinVideo(ctx, anna, a.ID)
	wantCode(t, err, sotepe.ENotFound, "")
	_, err = f.svc.SwitchToPhone(ctx, anna, a.ID)
	wantCode(t, err, sotepe.EConflict, "video.error.not_video")

	b, err := f.svc.Book(ctx, anna, page.Items[1].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err = f.svc.SwitchToPhone(ctx, nurse, b.ID)
	if err != nil || p.Mode != sotepe.ModePhone {
		t.Fatalf("the nurse's switch: %+v, %v", p, err)
	}
}
