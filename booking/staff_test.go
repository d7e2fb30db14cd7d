package booking_test

import (
	"context"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
)

func TestStaffBookForAndRules(t *testing.T) { testenv.Engines(t, testStaffBookForAndRules) }

func testStaffBookForAndRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, nurse, manager, admin := f.users["anna"], f.users["nurse"], f.users["manager"], f.users["admin"]
	annaRes, err := f.store.Resident(ctx, anna.ResidentID)
	if err != nil {
		t.Fatal(err)
	}
	nurseCtx := sotepe.WithActor(ctx, sotepe.Actor{UserID: nurse.ID, Role: sotepe.RoleProfessional, Unit: "kallio-health-station"})
	// A doctor's time needs a ticket when anna books it, not when the
	// nurse books it for her.
	doc := f.first(t, sotepe.SlotFilter{Service: "doctor-appointment", Units: []string{"kallio-health-station"}})
	_, err = f.svc.Book(ctx, anna, doc.ID, "")
	wantCode(t, err, sotepe.EForbidden, "error.appt_ticket_required")
	toolo := f.first(t, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"toolo-health-station"}})
	_, err = f.svc.BookFor(nurseCtx, nurse, toolo.ID, annaRes.PersonalID, sotepe.BasisCareRelationship)
	wantCode(t, err, sotepe.ENotFound, "")
	_, err = f.svc.BookFor(nurseCtx, anna, doc.ID, annaRes.PersonalID, sotepe.BasisCareRelationship)
	wantCode(t, err, sotepe.EForbidden, "")
	_, err = f.svc.BookFor(nurseCtx, nurse, doc.ID, annaRes.PersonalID, "")
	wantCode(t, err, sotepe.EInvalid, "error.basis")
	_, err = f.svc.BookFor(nurseCtx, nurse, doc.ID, sotepe.SyntheticPersonalID(time.Date(1950, 1, 2, 0, 0, 0, 0, time.UTC), 977), sotepe.BasisCareRelationship)
	wantCode(t, err, sotepe.ENotFound, "error.appt_no_resident")
	a, err := f.svc.BookFor(nurseCtx, nurse, doc.ID, annaRes.PersonalID, sotepe.BasisCareRelationship)
	if err != nil {
		t.Fatal(err)
	}
	if a.ResidentID != anna.ResidentID || a.BookedBy != nurse.ID || a.TicketID != 0 || a.Lang != annaRes.Lang {
		t.Errorf("booked for anna: %+v", a)
	}
	// Anna sees it as her own, and may cancel it by the service's rules.
	if got, err := f.svc.Get(ctx, anna, a.ID); err != nil || got.SlotID != doc.ID {
		t.Fatalf("anna's view: %+v %v", got, err)
	}
	// The read of her data is in her access log in the nurse's name (the
	// booking's own audit row, a change, is not a read and is not listed).
	log, err := f.store.AccessLog(ctx, anna.ResidentID, sotepe.PageRequest{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, e := range log.Items {
		if e.ActorName == nurse.Name {
			actions[e.Action] = true
		}
	}
	if !actions[sotepe.ActionResidentSearch] {
		t.Errorf("anna's access log in the nurse's name: %v", actions)
	}

	// Booking rules hold at every unit offering the service: an
	// administrator sets them, not a unit's manager, nor anyone else.
	rules := sotepe.DefaultBookingRules("doctor-appointment")
	rules.DirectBooking, rules.CancelLimit = true, 48*time.Hour
	wantCode(t, f.svc.SaveRules(ctx, nurse, rules), sotepe.EForbidden, "")
	wantCode(t, f.svc.SaveRules(ctx, anna, rules), sotepe.EForbidden, "")
	wantCode(t, f.svc.SaveRules(ctx, manager, rules), sotepe.EForbidden, "")
	if err := f.svc.SaveRules(ctx, admin, rules); err != nil {
		t.Fatal(err)
	}
	if c, err := f.store.BookingRules(ctx, "doctor-appointment"); err != nil || !c.DirectBooking || c.CancelLimit != 48*time.Hour {
		t.Errorf("saved: %+v %v", c, err)
	}
	dental := sotepe.DefaultBookingRules("dental-care")
	wantCode(t, f.svc.SaveRules(ctx, manager, dental), sotepe.EForbidden, "")
	if err := f.svc.SaveRules(ctx, admin, dental); err != nil {
		t.Fatal(err)
	}
	bad := rules
	bad.OfferHold = 0
	wantCode(t, f.svc.SaveRules(ctx, admin, bad), sotepe.EInvalid, "error.appt_config")
	_, err = f.svc.RulesEditable(ctx, admin, "no-such-service")
	wantCode(t, err, sotepe.ENotFound, "")

	// Tickets only for services the staff member's units offer.
	_, err = f.svc.IssueTicket(nurseCtx, nurse, sotepe.Ticket{ResidentID: anna.ResidentID, ServiceID: "family-counselling"})
	if sotepe.ErrorCode(err) != sotepe.EInvalid {
		t.Errorf("ticket for a service elsewhere: %v", err)
	}
	if _, err := f.svc.IssueTicket(nurseCtx, nurse, sotepe.Ticket{ResidentID: anna.ResidentID, ServiceID: "dental-care"}); err != nil {
		t.Errorf("ticket for the dental clinic the nurse works at: %v", err)
	}
}
