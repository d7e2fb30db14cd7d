package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"sotepe"
)

// A contact request's idempotency key belongs to its sender: the
// professional who recorded it, else the resident, else (the website form)
// the key alone. One sender's key never finds another's request, and
// concurrent retries of one sender store one request.
func testContactIdempotencyKeyIsTheSenders(t *testing.T, s Store) {
	f := seedContacts(t, s)
	resident := f.withAccount.ID
	const key = "same-key"
	due := f.t0.Add(48 * time.Hour)
	own, created, err := s.CreateContactRequest(residentCtx(f.account), portal(resident, "nurse", kallio, f.t0, due), key)
	must(t, err)
	if !created {
		t.Fatal("the resident's first request was not created")
	}

	// A professional records a phone request for the same resident
	// with the same key: a request of their own, not the resident's.
	nurseCtx := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: f.dentist.ID, Role: sotepe.RoleProfessional, Unit: vuosaari})
	phone := portal(resident, "dental", vuosaari, f.t0, due)
	phone.Channel, phone.RecordedBy = sotepe.ChannelPhone, f.dentist.ID
	var wg sync.WaitGroup
	got := make([]sotepe.ContactRequest, 8)
	news := make([]bool, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], news[i], errs[i] = s.CreateContactRequest(nurseCtx, phone, key) })
	}
	wg.Wait()
	createdN := 0
	for i := range got {
		must(t, errs[i])
		if got[i].ID == own.ID || got[i].UnitID != vuosaari {
			t.Fatalf("the professional's key found %+v", got[i])
		}
		if got[i].ID != got[0].ID {
			t.Fatalf("concurrent retries stored requests %d and %d", got[0].ID, got[i].ID)
		}
		if news[i] {
			createdN++
		}
	}
	if createdN != 1 {
		t.Fatalf("%d of the concurrent submissions created a request, want 1", createdN)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_requests WHERE idempotency_key = $1`, key); n != 2 {
		t.Fatalf("%d requests under the key, want the resident's and the professional's", n)
	}
	// Another professional's same key is theirs again.
	otherCtx := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: f.nurse.ID, Role: sotepe.RoleProfessional, Unit: kallio})
	phone.RecordedBy, phone.UnitID, phone.ServiceID = f.nurse.ID, kallio, "nurse"
	third, created, err := s.CreateContactRequest(otherCtx, phone, key)
	must(t, err)
	if !created || third.ID == own.ID || third.ID == got[0].ID {
		t.Fatalf("another professional's key found %d (created %v)", third.ID, created)
	}
	// The resident's retry still finds hers.
	again, created, err := s.CreateContactRequest(residentCtx(f.account), portal(resident, "nurse", kallio, f.t0, due), key)
	must(t, err)
	if created || again.ID != own.ID {
		t.Fatalf("the resident's retry: %d (created %v), want %d", again.ID, created, own.ID)
	}
}

// A booking under an idempotency key is stored with the key in its
// transaction: retries by the resident, even concurrent ones, get the one
// booking; another slot under the key is a conflict; another resident's
// same key is theirs.
func testBookingIdempotencyKey(t *testing.T, s Store) {
	f := seedAppts(t, s, 2)
	first := f.open(t, s, "nurse", f.now.Add(48*time.Hour), sotepe.ModeInPerson)
	second := f.open(t, s, "nurse", f.now.Add(72*time.Hour), sotepe.ModeInPerson)
	ctx := context.Background()
	b := sotepe.Booking{SlotID: first.ID, ResidentID: f.residents[0].ID, Service: "nurse", Now: f.now, IdempotencyKey: "retry-me"}
	var wg sync.WaitGroup
	got := make([]sotepe.Appointment, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = s.Book(ctx, b) })
	}
	wg.Wait()
	fresh := 0
	for i := range got {
		must(t, errs[i])
		if got[i].ID != got[0].ID || got[i].SlotID != first.ID || got[i].Status != sotepe.AppointmentBooked {
			t.Fatalf("retry %d got %+v, want booking %d", i, got[i], got[0].ID)
		}
		if !got[i].Replayed {
			fresh++
		}
	}
	if fresh != 1 {
		t.Fatalf("%d bookings made, want 1", fresh)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM appointments WHERE resident_id = $1 AND idempotency_key = $2`, f.residents[0].ID, "retry-me"); n != 1 {
		t.Fatalf("%d appointments stored with the key", n)
	}
	// One key, one booking.
	other := b
	other.SlotID = second.ID
	_, err := s.Book(ctx, other)
	wantKey(t, err, sotepe.EConflict, "error.idempotency_key_used")
	// Another resident's same key finds nothing of the first's: the
	// slot is simply taken.
	erik := b
	erik.ResidentID = f.residents[1].ID
	_, err = s.Book(ctx, erik)
	wantKey(t, err, sotepe.EConflict, "error.appt_taken")
	erik.SlotID = second.ID
	a, err := s.Book(ctx, erik)
	must(t, err)
	if a.Replayed || a.ResidentID != f.residents[1].ID {
		t.Fatalf("another resident's booking under the same key: %+v", a)
	}
	// One key racing for several slots at once books one of them;
	// the others are told the key is used, never a failure.
	slots := make([]sotepe.Slot, 6)
	for i := range slots {
		slots[i] = f.open(t, s, "nurse", f.now.Add(time.Duration(100+i)*time.Hour), sotepe.ModeInPerson)
	}
	race := make([]error, len(slots))
	for i := range slots {
		wg.Go(func() {
			rb := b
			rb.SlotID, rb.IdempotencyKey = slots[i].ID, "racing"
			_, race[i] = s.Book(ctx, rb)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range race {
		if err == nil {
			won++
		} else if sotepe.ErrorKey(err) != "error.idempotency_key_used" {
			t.Fatalf("a racing booking under one key: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d bookings under one key won, want 1", won)
	}
	long := b
	long.IdempotencyKey = string(make([]byte, 201))
	_, err = s.Book(ctx, long)
	wantKey(t, err, sotepe.EInvalid, "error.idempotency_key")
}

// Staff answers that carry a resident's data write their access-log rows
// in the transaction of the answer: the list of requests (one row per
// request shown), a ticket, a mark and a staff cancellation. Residents'
// own reads write none.
func testStaffAnswersWriteAccessRows(t *testing.T, s Store) {
	f := seedAppts(t, s, 1)
	resident := f.residents[0].ID
	nurseCtx := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: f.nurse.ID, Role: sotepe.RoleProfessional, Unit: kallio})
	rows := func(action string) int {
		return count(t, s, `SELECT COUNT(*) FROM audit_log WHERE resident_id = $1 AND action = $2`, resident, action)
	}
	for i := range 3 {
		_, _, err := s.CreateContactRequest(context.Background(),
			portal(resident, "nurse", kallio, f.now.Add(time.Duration(i)*time.Minute), f.now.Add(48*time.Hour)), "")
		must(t, err)
	}
	page, err := s.ContactRequests(nurseCtx, sotepe.ContactFilter{Units: []string{kallio}, Page: sotepe.PageRequest{Limit: 2}})
	must(t, err)
	if len(page.Items) != 2 || rows(sotepe.ActionContactListRead) != 2 {
		t.Fatalf("a page of 2 wrote %d rows", rows(sotepe.ActionContactListRead))
	}
	if _, err := s.ContactRequests(context.Background(), sotepe.ContactFilter{ResidentID: resident}); err != nil || rows(sotepe.ActionContactListRead) != 2 {
		t.Fatalf("a resident's own list wrote rows: %v", err)
	}

	if _, err := s.IssueTicket(nurseCtx, sotepe.Ticket{ResidentID: resident, ServiceID: "dental", IssuedBy: f.nurse.ID}); err != nil {
		t.Fatal(err)
	}
	if rows(sotepe.ActionAppointmentTicketRead) != 1 {
		t.Fatalf("the ticket wrote %d read rows", rows(sotepe.ActionAppointmentTicketRead))
	}

	sl := f.open(t, s, "nurse", f.now.Add(48*time.Hour), sotepe.ModeInPerson)
	sl2 := f.open(t, s, "nurse", f.now.Add(50*time.Hour), sotepe.ModeInPerson)
	a, err := s.Book(context.Background(), sotepe.Booking{SlotID: sl.ID, ResidentID: resident, Now: f.now})
	must(t, err)
	b, err := s.Book(context.Background(), sotepe.Booking{SlotID: sl2.ID, ResidentID: resident, Now: f.now})
	must(t, err)
	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentArrived, f.now)
	must(t, err)
	if rows(sotepe.ActionAppointmentRead) != 1 {
		t.Fatalf("the mark wrote %d read rows", rows(sotepe.ActionAppointmentRead))
	}
	_, err = s.CancelAppointment(nurseCtx, b.ID, sotepe.AppointmentScope{Units: []string{kallio}}, f.now, -1)
	must(t, err)
	if rows(sotepe.ActionAppointmentRead) != 2 {
		t.Fatalf("the staff cancellation wrote %d read rows in all, want 2", rows(sotepe.ActionAppointmentRead))
	}
}
