package storetest

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// apptFixture is the test network with a nurse's schedule at kallio, a few
// residents with accounts, and the test clock's now.
type apptFixture struct {
	nurse     sotepe.User
	schedule  sotepe.Resource
	residents []sotepe.Resident
	users     []sotepe.User
	now       time.Time
}

func seedAppts(t testing.TB, s Store, residents int) apptFixture {
	t.Helper()
	ctx := adminCtx()
	seedUnits(t, s)
	f := apptFixture{now: s.Clock.Now()}
	var err error
	f.nurse, err = s.CreateUser(ctx, sotepe.NewUser{Username: "nurse", Name: "Hanna Hoitaja", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{kallio}})
	must(t, err)
	f.schedule, err = s.SaveResource(ctx, sotepe.Resource{UnitID: kallio, Kind: sotepe.ResourceProfessional, Name: "Hanna", UserID: f.nurse.ID})
	must(t, err)
	for i := range residents {
		r, err := s.CreateResident(ctx, newResident(40+i))
		must(t, err)
		f.residents = append(f.residents, r)
		if i < 3 {
			u, err := s.CreateUser(ctx, sotepe.NewUser{Username: "res" + string(rune('a'+i)), Name: "R", Lang: "sv",
				Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: r.ID})
			must(t, err)
			f.users = append(f.users, u)
		}
	}
	return f
}

// open opens one slot of service at start on the fixture's schedule and
// returns it.
func (f apptFixture) open(t testing.TB, s Store, service string, start time.Time, mode sotepe.AppointmentMode) sotepe.Slot {
	t.Helper()
	n, err := s.OpenSlots(adminCtx(), []sotepe.Slot{{ServiceID: service, UnitID: kallio, ResourceID: f.schedule.ID,
		Start: start, End: start.Add(30 * time.Minute), Mode: mode}})
	must(t, err)
	if n != 1 {
		t.Fatalf("opened %d slots", n)
	}
	var id int64
	must(t, s.ReaderDB().QueryRowContext(context.Background(), `SELECT id FROM slots WHERE resource_id = $1 AND start_at = $2`,
		f.schedule.ID, micros(start)).Scan(&id))
	sl, err := s.Slot(context.Background(), id)
	must(t, err)
	return sl
}

func testBookingRace(t *testing.T, s Store) {
	f := seedAppts(t, s, 100)
	sl := f.open(t, s, "nurse", f.now.Add(48*time.Hour), sotepe.ModeInPerson)
	var wg sync.WaitGroup
	results := make([]error, 100)
	start := make(chan struct{})
	for i := range 100 {
		wg.Go(func() {
			<-start
			_, results[i] = s.Book(context.Background(), sotepe.Booking{SlotID: sl.ID, ResidentID: f.residents[i].ID, Service: "nurse", Now: f.now})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range results {
		switch code := sotepe.ErrorCode(err); code {
		case "":
			won++
		case sotepe.EConflict:
			if sotepe.ErrorKey(err) != "error.appt_taken" {
				t.Errorf("loser's key %q", sotepe.ErrorKey(err))
			}
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d bookings won, want exactly 1", won)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM appointments WHERE slot_id = $1`, sl.ID); n != 1 {
		t.Fatalf("%d appointments of the slot", n)
	}
	// The index holds even when the state check is bypassed.
	_, err := s.DB().ExecContext(context.Background(), `
		INSERT INTO appointments (slot_id, resident_id, service_id, unit_id, resource_id, start_at, end_at, mode, status, lang, booked_at, waiting_from)
		SELECT id, $2, service_id, unit_id, resource_id, start_at, end_at, mode, 'booked', 'fi', 0, 0 FROM slots WHERE id = $1`,
		sl.ID, f.residents[0].ID)
	if !uniqueViolation(err) {
		t.Fatalf("a second active appointment of a slot: %v", err)
	}
}

func testBookingRules(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 3)
	anna, bo := f.residents[0], f.residents[1]
	later := f.open(t, s, "nurse", f.now.Add(72*time.Hour), sotepe.ModeVideo)
	soon := f.open(t, s, "nurse", f.now.Add(2*time.Hour), sotepe.ModeInPerson)
	past := f.open(t, s, "nurse", f.now.Add(-time.Hour), sotepe.ModeInPerson)
	dental := f.open(t, s, "dental", f.now.Add(96*time.Hour), sotepe.ModeInPerson)

	_, err := s.Book(ctx, sotepe.Booking{SlotID: past.ID, ResidentID: anna.ID, Service: "nurse", Now: f.now})
	wantKey(t, err, sotepe.EInvalid, "error.appt_past")
	_, err = s.Book(ctx, sotepe.Booking{SlotID: dental.ID, ResidentID: anna.ID, Service: "nurse", Now: f.now})
	wantKey(t, err, sotepe.EInvalid, "error.appt_wrong_service")
	_, err = s.Book(ctx, sotepe.Booking{SlotID: 99999, ResidentID: anna.ID, Now: f.now})
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.Book(ctx, sotepe.Booking{SlotID: dental.ID, ResidentID: anna.ID, Now: f.now, RequireTicket: true})
	wantKey(t, err, sotepe.EForbidden, "error.appt_ticket_required")

	a, err := s.Book(ctx, sotepe.Booking{SlotID: later.ID, ResidentID: anna.ID, Service: "nurse", Lang: "sv", Now: f.now})
	must(t, err)
	if a.Status != sotepe.AppointmentBooked || a.VideoRoom == "" || !a.WaitingFrom.Equal(f.now) || a.Lang != sotepe.Swedish {
		t.Fatalf("booked %+v", a)
	}
	// Another resident sees nothing of it; a resident reads it without names.
	_, err = s.Appointment(ctx, a.ID, sotepe.AppointmentScope{ResidentID: bo.ID})
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.CancelAppointment(ctx, a.ID, sotepe.AppointmentScope{ResidentID: bo.ID}, f.now, 24*time.Hour)
	wantCode(t, err, sotepe.ENotFound)
	got, err := s.Appointment(ctx, a.ID, sotepe.AppointmentScope{ResidentID: anna.ID})
	must(t, err)
	if got.ResidentName != "" || got.ID != a.ID {
		t.Fatalf("resident's read %+v", got)
	}
	// A staff read at the unit is audited and names the resident.
	before := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.read' AND resident_id = $1`, anna.ID)
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	got, err = s.Appointment(nurseCtx, a.ID, sotepe.AppointmentScope{Units: []string{kallio}})
	must(t, err)
	if got.ResidentName != "Maija Meikäläinen" {
		t.Errorf("staff read name %q", got.ResidentName)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.read' AND resident_id = $1 AND basis = 'care_relationship'`, anna.ID); n != before+1 {
		t.Errorf("audit rows %d, want %d", n, before+1)
	}
	_, err = s.Appointment(nurseCtx, a.ID, sotepe.AppointmentScope{Units: []string{"vuosaari-dental"}})
	wantCode(t, err, sotepe.ENotFound)

	// Booking a taken slot; rebooking to a slot of the same service.
	_, err = s.Book(ctx, sotepe.Booking{SlotID: later.ID, ResidentID: bo.ID, Now: f.now})
	wantKey(t, err, sotepe.EConflict, "error.appt_taken")
	other := f.open(t, s, "nurse", f.now.Add(100*time.Hour), sotepe.ModePhone)
	moved, err := s.Book(ctx, sotepe.Booking{SlotID: other.ID, ResidentID: anna.ID, Replaces: a.ID, CancelLimit: 24 * time.Hour, Now: f.now})
	must(t, err)
	if moved.SlotID != other.ID || !moved.WaitingFrom.Equal(a.WaitingFrom) {
		t.Fatalf("moved %+v", moved)
	}
	old, err := s.Appointment(ctx, a.ID, sotepe.AppointmentScope{ResidentID: anna.ID})
	must(t, err)
	if old.Status != sotepe.AppointmentCancelled {
		t.Fatalf("old appointment %s", old.Status)
	}
	if sl, _ := s.Slot(ctx, later.ID); sl.State != sotepe.SlotOpen {
		t.Fatalf("freed slot %s", sl.State)
	}
	_, err = s.Book(ctx, sotepe.Booking{SlotID: dental.ID, ResidentID: anna.ID, Replaces: moved.ID, Now: f.now})
	wantKey(t, err, sotepe.EInvalid, "error.appt_wrong_service")

	// Cancelling: too late within the limit, fine before it.
	near, err := s.Book(ctx, sotepe.Booking{SlotID: soon.ID, ResidentID: bo.ID, Now: f.now})
	must(t, err)
	_, err = s.CancelAppointment(ctx, near.ID, sotepe.AppointmentScope{ResidentID: bo.ID}, f.now, 24*time.Hour)
	wantKey(t, err, sotepe.EConflict, "error.appt_cancel_late")
	// Staff may cancel until the start.
	_, err = s.CancelAppointment(nurseCtx, near.ID, sotepe.AppointmentScope{Units: []string{kallio}}, f.now, -1)
	must(t, err)
	c, err := s.CancelAppointment(ctx, moved.ID, sotepe.AppointmentScope{ResidentID: anna.ID}, f.now, 24*time.Hour)
	must(t, err)
	if c.Status != sotepe.AppointmentCancelled {
		t.Fatalf("cancelled %+v", c)
	}
	_, err = s.CancelAppointment(ctx, moved.ID, sotepe.AppointmentScope{ResidentID: anna.ID}, f.now, 24*time.Hour)
	wantKey(t, err, sotepe.EConflict, "error.appt_not_active")

	// The free-time search sees open future slots only, by filter.
	page, err := s.FreeSlots(ctx, sotepe.SlotFilter{Service: "nurse", From: f.now, Page: sotepe.PageRequest{Limit: 2}})
	must(t, err)
	if len(page.Items) != 2 || page.Items[0].ID != soon.ID || page.Items[1].ID != later.ID || page.NextCursor == "" {
		t.Fatalf("search page 1 %+v", page)
	}
	page, err = s.FreeSlots(ctx, sotepe.SlotFilter{Service: "nurse", From: f.now, Page: sotepe.PageRequest{Limit: 2, Cursor: page.NextCursor}})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].ID != other.ID || page.NextCursor != "" {
		t.Fatalf("search page 2 %+v", page)
	}
	yes := true
	page, err = s.FreeSlots(ctx, sotepe.SlotFilter{Service: "nurse", From: f.now, Mode: sotepe.ModeVideo, Units: []string{kallio}, Evening: &yes})
	must(t, err)
	wantEvening := sotepe.IsEvening(later.Start, helsinki)
	if (len(page.Items) == 1) != wantEvening {
		t.Fatalf("evening video search %+v (evening %v)", page.Items, wantEvening)
	}
}

func testTicketsMarksAndFigures(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 2)
	anna := f.residents[0]
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	sl := f.open(t, s, "dental", f.now.Add(10*24*time.Hour), sotepe.ModeInPerson)
	tk, err := s.IssueTicket(nurseCtx, sotepe.Ticket{ResidentID: anna.ID, ServiceID: "dental", IssuedBy: f.nurse.ID})
	must(t, err)
	tickets, err := s.Tickets(ctx, anna.ID)
	must(t, err)
	if len(tickets) != 1 || tickets[0].ID != tk.ID {
		t.Fatalf("tickets %+v", tickets)
	}
	a, err := s.Book(ctx, sotepe.Booking{SlotID: sl.ID, ResidentID: anna.ID, RequireTicket: true, Now: f.now})
	must(t, err)
	if a.TicketID != tk.ID {
		t.Fatalf("ticket %d used, want %d", a.TicketID, tk.ID)
	}
	if tickets, _ := s.Tickets(ctx, anna.ID); len(tickets) != 0 {
		t.Fatalf("ticket left unused")
	}

	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{"vuosaari-dental"}, sotepe.AppointmentCompleted, f.now)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentCancelled, f.now)
	wantKey(t, err, sotepe.EInvalid, "error.appt_status")
	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentArrived, f.now)
	must(t, err)
	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentNoShow, f.now)
	wantKey(t, err, sotepe.EConflict, "error.appt_not_active")
	done, err := s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentCompleted, f.now)
	must(t, err)
	if done.Status != sotepe.AppointmentCompleted {
		t.Fatalf("status %s", done.Status)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.appointment' AND CAST(external_id AS BIGINT) = $1 AND unit_id = $2`, a.ID, kallio); n != 1 {
		t.Errorf("%d service events", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'appt_feedback' AND user_id = $1`, f.users[0].ID); n != 1 {
		t.Errorf("%d feedback requests", n)
	}

	// Figures: one appointment waited 10 days, within the dental guarantee.
	for i := range 3 {
		f.open(t, s, "nurse", f.now.Add(time.Duration(i+1)*24*time.Hour), sotepe.ModeInPerson)
	}
	figs, err := s.AppointmentFigures(ctx, f.now, f.now.Add(30*24*time.Hour), f.now, nil)
	must(t, err)
	if len(figs) != 2 {
		t.Fatalf("figures %+v", figs)
	}
	d := figs[0]
	if d.ServiceID != "dental" || d.Count != 1 || d.Within != 1 || *d.Share != 1 || *d.Median != 10 || *d.P90 != 10 || d.T3 != nil {
		t.Errorf("dental figures %+v", d)
	}
	n := figs[1]
	if n.ServiceID != "nurse" || n.Count != 0 || n.Share != nil || n.T3 == nil || *n.T3 != 3 {
		t.Errorf("nurse figures %+v", n)
	}
	figs, err = s.AppointmentFigures(ctx, f.now, f.now.Add(30*24*time.Hour), f.now, []string{"vuosaari-dental"})
	must(t, err)
	if len(figs) != 0 {
		t.Errorf("figures of another unit %+v", figs)
	}
}

func testWaitlistOffersAndReminders(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 3)
	anna, bo, cai := f.residents[0], f.residents[1], f.residents[2]
	early := f.open(t, s, "nurse", f.now.Add(48*time.Hour), sotepe.ModeInPerson)
	late := f.open(t, s, "nurse", f.now.Add(20*24*time.Hour), sotepe.ModeInPerson)
	late2 := f.open(t, s, "nurse", f.now.Add(21*24*time.Hour), sotepe.ModeInPerson)
	a, err := s.Book(ctx, sotepe.Booking{SlotID: early.ID, ResidentID: anna.ID, Now: f.now})
	must(t, err)
	bLate, err := s.Book(ctx, sotepe.Booking{SlotID: late.ID, ResidentID: bo.ID, Now: f.now})
	must(t, err)
	_, err = s.Book(ctx, sotepe.Booking{SlotID: late2.ID, ResidentID: cai.ID, Now: f.now})
	must(t, err)
	// Bo and then Cai want an earlier time.
	eb, err := s.JoinWaitlist(ctx, sotepe.WaitEntry{ResidentID: bo.ID, AppointmentID: bLate.ID})
	must(t, err)
	if eb.ServiceID != "nurse" || !eb.Before.Equal(late.Start) {
		t.Fatalf("entry %+v", eb)
	}
	_, err = s.JoinWaitlist(ctx, sotepe.WaitEntry{ResidentID: bo.ID, ServiceID: "nurse", Before: late.Start})
	wantKey(t, err, sotepe.EConflict, "error.appt_waitlist_twice")
	s.Clock.Set(f.now.Add(time.Minute))
	_, err = s.JoinWaitlist(ctx, sotepe.WaitEntry{ResidentID: cai.ID, ServiceID: "nurse", Before: f.now.Add(30 * 24 * time.Hour)})
	must(t, err)

	// Anna cancels: the slot is offered to Bo, not free to others.
	_, err = s.CancelAppointment(ctx, a.ID, sotepe.AppointmentScope{ResidentID: anna.ID}, f.now, 24*time.Hour)
	must(t, err)
	sl, _ := s.Slot(ctx, early.ID)
	if sl.State != sotepe.SlotOffered || !sl.OfferExpires.Equal(f.now.Add(15*time.Hour)) {
		t.Fatalf("slot after cancel %+v", sl)
	}
	_, err = s.Book(ctx, sotepe.Booking{SlotID: early.ID, ResidentID: anna.ID, Now: f.now})
	wantKey(t, err, sotepe.EConflict, "error.appt_taken")
	w, err := s.Waitlist(ctx, bo.ID)
	must(t, err)
	if len(w) != 1 || w[0].Status != sotepe.WaitOffered || w[0].OfferSlot != early.ID {
		t.Fatalf("bo's waiting list %+v", w)
	}
	// Bo lets the offer lapse; it passes on to Cai.
	n, err := s.SweepOffers(ctx, f.now.Add(14*time.Hour), 15*time.Hour)
	must(t, err)
	if n != 0 {
		t.Fatalf("swept %d offers early", n)
	}
	n, err = s.SweepOffers(ctx, f.now.Add(15*time.Hour), 15*time.Hour)
	must(t, err)
	if n != 1 {
		t.Fatalf("swept %d offers", n)
	}
	w, err = s.Waitlist(ctx, cai.ID)
	must(t, err)
	if len(w) != 1 || w[0].OfferSlot != early.ID {
		t.Fatalf("cai's waiting list %+v", w)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'appt_offer' AND user_id IN ($1, $2)`, f.users[1].ID, f.users[2].ID); n != 2 {
		t.Errorf("%d offer notifications", n)
	}
	// Cai accepts by booking the offered slot.
	c, err := s.Book(ctx, sotepe.Booking{SlotID: early.ID, ResidentID: cai.ID, Now: f.now.Add(16 * time.Hour)})
	must(t, err)
	if c.SlotID != early.ID {
		t.Fatalf("cai booked %+v", c)
	}
	if w, _ := s.Waitlist(ctx, cai.ID); len(w) != 0 {
		t.Fatalf("cai still waits %+v", w)
	}

	// Reminders: once per appointment within the next 24 hours.
	n, err = s.SweepReminders(ctx, f.now.Add(25*time.Hour), 24*time.Hour)
	must(t, err)
	if n != 1 {
		t.Fatalf("%d reminders", n)
	}
	n, err = s.SweepReminders(ctx, f.now.Add(26*time.Hour), 24*time.Hour)
	must(t, err)
	if n != 0 {
		t.Fatalf("%d reminders again", n)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM notifications WHERE kind = 'appt_reminder' AND user_id = $1`, f.users[2].ID); k != 1 {
		t.Errorf("%d reminder rows for cai", k)
	}
}

func testOpenSlotsByTemplateAndClose(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 1)
	tmpl := sotepe.WeeklyTemplate{From: "2024-06-10", To: "2024-06-16", Length: 30 * time.Minute,
		Periods: []sotepe.WeeklyPeriod{{Weekday: 1, Start: "08:00", End: "10:00"}, {Weekday: 3, Start: "16:00", End: "17:15"}}}
	starts, err := tmpl.Starts(helsinki)
	must(t, err)
	if len(starts) != 6 {
		t.Fatalf("%d starts", len(starts))
	}
	var slots []sotepe.Slot
	for _, st := range starts {
		slots = append(slots, sotepe.Slot{ServiceID: "nurse", UnitID: kallio, ResourceID: f.schedule.ID, Start: st, End: st.Add(30 * time.Minute), Mode: sotepe.ModeInPerson})
	}
	n, err := s.OpenSlots(adminCtx(), slots)
	must(t, err)
	if n != 6 {
		t.Fatalf("opened %d", n)
	}
	n, err = s.OpenSlots(adminCtx(), slots)
	must(t, err)
	if n != 0 {
		t.Fatalf("opened %d twice", n)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM slots WHERE evening = $1`, true); k != 2 {
		t.Errorf("%d evening slots, want 2", k)
	}
	bad := slots[0]
	bad.UnitID = "vuosaari-dental"
	_, err = s.OpenSlots(adminCtx(), []sotepe.Slot{bad})
	wantKey(t, err, sotepe.EInvalid, "error.appt_resource")
	all, err := s.UnitSlots(ctx, []string{kallio}, starts[0], starts[5].Add(time.Hour))
	must(t, err)
	if len(all) != 6 {
		t.Fatalf("calendar %d slots", len(all))
	}
	s.Clock.Set(starts[0].Add(-72 * time.Hour))
	_, err = s.Book(ctx, sotepe.Booking{SlotID: all[1].ID, ResidentID: f.residents[0].ID, Now: s.Clock.Now()})
	must(t, err)
	wantKey(t, s.CloseSlot(adminCtx(), all[1].ID, []string{kallio}), sotepe.EConflict, "error.appt_slot_booked")
	wantCode(t, s.CloseSlot(adminCtx(), all[0].ID, []string{"vuosaari-dental"}), sotepe.ENotFound)
	must(t, s.CloseSlot(adminCtx(), all[0].ID, []string{kallio}))
	if sl, _ := s.Slot(ctx, all[0].ID); sl.State != sotepe.SlotClosed {
		t.Fatalf("closed slot %s", sl.State)
	}
	list, err := s.ListAppointments(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), sotepe.AppointmentFilter{Units: []string{kallio}, ResourceUser: f.nurse.ID})
	must(t, err)
	if len(list.Items) != 1 || list.Items[0].ResidentName == "" {
		t.Fatalf("nurse's list %+v", list)
	}
	list, err = s.ListAppointments(ctx, sotepe.AppointmentFilter{ResidentID: f.residents[0].ID})
	must(t, err)
	if len(list.Items) != 1 || list.Items[0].ResidentName != "" {
		t.Fatalf("resident's list %+v", list)
	}
}

// slotAt is a slot of the nurse's service on schedule res at kallio from
// from to to minutes after base.
func slotAt(res int64, base time.Time, from, to int, mode sotepe.AppointmentMode) sotepe.Slot {
	return sotepe.Slot{ServiceID: "nurse", UnitID: kallio, ResourceID: res, Mode: mode,
		Start: base.Add(time.Duration(from) * time.Minute), End: base.Add(time.Duration(to) * time.Minute)}
}

// overlapping counts the pairs of slots of one schedule, neither closed,
// whose times overlap: none may exist.
func overlapping(t testing.TB, s Store) int {
	t.Helper()
	return count(t, s, `SELECT COUNT(*) FROM slots a JOIN slots b ON b.resource_id = a.resource_id AND b.id > a.id
		AND b.start_at < a.end_at AND a.start_at < b.end_at
		WHERE a.state <> 'closed' AND b.state <> 'closed'`)
}

// testOpenSlotsOverlap: a schedule holds no two times that overlap. A slot
// that overlaps an open or booked one of its schedule at either end, lies
// inside it or contains it is not opened, nor is one that overlaps an
// earlier slot of the same opening; slots that touch, a slot of another
// schedule at the same time and one over a closed slot are.
func testOpenSlotsOverlap(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 1)
	room, err := s.SaveResource(adminCtx(), sotepe.Resource{UnitID: kallio, Kind: sotepe.ResourceRoom, Name: "Huone 1"})
	must(t, err)
	nurse := f.schedule.ID
	base := f.now.Add(72 * time.Hour).Truncate(time.Hour)
	open := func(what string, want int, slots ...sotepe.Slot) {
		t.Helper()
		n, err := s.OpenSlots(adminCtx(), slots)
		must(t, err)
		if n != want {
			t.Errorf("%s: opened %d, want %d", what, n, want)
		}
	}
	slotID := func(res int64, from int) int64 {
		t.Helper()
		var id int64
		must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT id FROM slots WHERE resource_id = $1 AND start_at = $2 AND state <> 'closed'`,
			res, micros(base.Add(time.Duration(from)*time.Minute))).Scan(&id))
		return id
	}

	open("10:00–10:30", 1, slotAt(nurse, base, 0, 30, sotepe.ModeInPerson))
	for _, c := range []struct {
		name     string
		from, to int
	}{
		{"the same time", 0, 30},
		{"the same start, shorter", 0, 10},
		{"over its end", 20, 50},
		{"over its start", -10, 10},
		{"inside it", 5, 25},
		{"around it", -10, 40},
	} {
		open(c.name, 0, slotAt(nurse, base, c.from, c.to, sotepe.ModeVideo))
	}
	open("touching its end", 1, slotAt(nurse, base, 30, 60, sotepe.ModeVideo))
	open("touching its start", 1, slotAt(nurse, base, -30, 0, sotepe.ModeVideo))
	open("another schedule at the same time", 1, slotAt(room.ID, base, 0, 30, sotepe.ModeInPerson))

	// A booked time holds the schedule; a closed one does not, even at
	// the same start.
	_, err = s.Book(ctx, sotepe.Booking{SlotID: slotID(nurse, 30), ResidentID: f.residents[0].ID, Service: "nurse", Now: f.now})
	must(t, err)
	open("over a booked time", 0, slotAt(nurse, base, 40, 50, sotepe.ModeInPerson))
	must(t, s.CloseSlot(adminCtx(), slotID(nurse, 0), []string{kallio}))
	open("over a closed time", 1, slotAt(nurse, base, 5, 25, sotepe.ModeVideo))
	must(t, s.CloseSlot(adminCtx(), slotID(nurse, -30), []string{kallio}))
	open("a closed time again", 1, slotAt(nurse, base, -30, 0, sotepe.ModeInPerson))

	// In one opening, a slot that overlaps an earlier one is skipped, the
	// rest opened; of two with the same start the first given wins.
	open("an opening overlapping itself", 3,
		slotAt(nurse, base, 130, 160, sotepe.ModeInPerson), // overlaps 120–150, which starts before it
		slotAt(nurse, base, 120, 150, sotepe.ModeInPerson),
		slotAt(nurse, base, 150, 180, sotepe.ModeInPerson), // touches 120–150
		slotAt(nurse, base, 180, 190, sotepe.ModeVideo),
		slotAt(nurse, base, 180, 210, sotepe.ModeInPerson), // the same start as 180–190
	)
	var length int64
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT end_at - start_at FROM slots WHERE id = $1`, slotID(nurse, 180)).Scan(&length))
	if length != (10 * time.Minute).Microseconds() {
		t.Errorf("of two with one start the later given was kept (%d µs)", length)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM slots WHERE resource_id = $1 AND start_at = $2`, nurse, micros(base.Add(130*time.Minute))); k != 0 {
		t.Errorf("the slot overlapping an earlier one of its opening was opened")
	}
	// A weekly template whose periods overlap opens every other start.
	day := base.AddDate(0, 0, 7).In(helsinki)
	wd := int(day.Weekday())
	if wd == 0 {
		wd = 7
	}
	tmpl := sotepe.WeeklyTemplate{From: day.Format(time.DateOnly), To: day.Format(time.DateOnly), Length: 30 * time.Minute,
		Periods: []sotepe.WeeklyPeriod{{Weekday: wd, Start: "08:00", End: "09:00"}, {Weekday: wd, Start: "08:15", End: "09:15"}}}
	starts, err := tmpl.Starts(helsinki)
	must(t, err)
	var slots []sotepe.Slot
	for _, st := range starts {
		slots = append(slots, sotepe.Slot{ServiceID: "nurse", UnitID: kallio, ResourceID: nurse, Start: st, End: st.Add(tmpl.Length), Mode: sotepe.ModeInPerson})
	}
	if len(slots) != 4 {
		t.Fatalf("the template has %d starts, want 4", len(slots))
	}
	open("a template over itself", 2, slots...)
	open("the template again", 0, slots...)
	if n := overlapping(t, s); n != 0 {
		t.Fatalf("%d pairs of overlapping slots", n)
	}
}

// testOpenSlotsRace: openings at once of overlapping times on one schedule
// open exactly one of them, on PostgreSQL too, where each transaction
// would otherwise find no other time and insert its own. Each opening is a
// day of back-to-back times, one minute later than the one before, so
// that every time of one overlaps a time of each other and the
// transactions last long enough to run at once.
func testOpenSlotsRace(t *testing.T, s Store) {
	f := seedAppts(t, s, 0)
	base := f.now.Add(96 * time.Hour).Truncate(time.Hour)
	const n, times = 8, 48
	if s.Dialect() == store.Postgres {
		// Connections opened ahead, so that the openings do not queue
		// behind the pool's dialling.
		var conns []*sql.Conn
		for range n {
			c, err := s.DB().Conn(context.Background())
			must(t, err)
			conns = append(conns, c)
		}
		for _, c := range conns {
			must(t, c.Close())
		}
	}
	created := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			var slots []sotepe.Slot
			for k := range times {
				slots = append(slots, slotAt(f.schedule.ID, base, i+30*k, i+30*k+30, sotepe.ModeVideo))
			}
			<-start
			created[i], errs[i] = s.OpenSlots(adminCtx(), slots)
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range n {
		must(t, errs[i])
		switch created[i] {
		case times:
			winners++
		case 0:
		default:
			t.Errorf("opening %d opened %d of its %d times", i, created[i], times)
		}
	}
	if winners != 1 {
		t.Fatalf("%d openings won, want exactly 1 (opened %v)", winners, created)
	}
	if k := overlapping(t, s); k != 0 {
		t.Fatalf("%d pairs of overlapping slots", k)
	}
}
