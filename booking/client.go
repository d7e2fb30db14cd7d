package booking

import (
	"context"

	"sotepe"
)

// Integration clients booking for residents (sotepe.ClientBookings): a
// booking app of the city or a partner holds system/Appointment.write and
// books, for a resident it names by personal identity code, under the
// rules the resident's own booking keeps; it reads back and cancels only
// what it booked. The context's actor becomes the client, so every row of
// the audit trail these write names it.

var _ sotepe.ClientBookings = (*Service)(nil)

// clientScope checks that c holds scope and returns the context with c as
// its actor.
func clientScope(ctx context.Context, c sotepe.IntegrationClient, scope string) (context.Context, error) {
	if c.ID == 0 || !c.HasScope(scope) {
		return ctx, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.integration_scope", Message: "the token lacks the scope " + scope}
	}
	return sotepe.WithActor(ctx, sotepe.ClientActor(ctx, c)), nil
}

// ClientBook books slot slotID for the resident with personalID on behalf
// of client c, which must hold sotepe.ScopeFHIRAppointmentWrite
// (EForbidden "error.integration_scope"). Finding the resident is audited
// (resident.search, basis client_request) with c as the actor, as is the
// booking; an unknown resident is ENotFound ("error.appt_no_resident"), a
// malformed code EInvalid. The rules are the resident's own booking's: a
// service not booked directly needs the resident's appointment ticket
// (EForbidden "error.appt_ticket_required"), a slot offered to another's
// waiting-list entry or booked is EConflict ("error.appt_taken"), the care
// guarantee counts from the booking. key, when set, makes a retry safe as
// in BookOnce; the bool reports a new booking.
func (s *Service) ClientBook(ctx context.Context, c sotepe.IntegrationClient, slotID int64, service, personalID, key string) (sotepe.Appointment, bool, error) {
	ctx, err := clientScope(ctx, c, sotepe.ScopeFHIRAppointmentWrite)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	if _, err := sotepe.ParsePersonalID(personalID); err != nil {
		return sotepe.Appointment{}, false, err
	}
	sl, err := s.store.Slot(ctx, slotID)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	if service != "" && sl.ServiceID != service {
		return sotepe.Appointment{}, false, sotepe.Invalid("error.appt_wrong_service", "the slot is of another service")
	}
	rules, err := s.store.BookingRules(ctx, sl.ServiceID)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	r, err := s.store.FindResident(ctx, personalID, sotepe.BasisClientRequest)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.Appointment{}, false, &sotepe.Error{Code: sotepe.ENotFound, Key: "error.appt_no_resident", Message: "no resident has the code"}
	} else if err != nil {
		return sotepe.Appointment{}, false, err
	}
	b := sotepe.Booking{SlotID: slotID, ResidentID: r.ID, Service: sl.ServiceID, Lang: r.Lang, Now: s.now(), Client: c.ID,
		RequireTicket: !rules.DirectBooking, CancelLimit: rules.CancelLimit, OfferHold: rules.OfferHold, IdempotencyKey: key}
	if birth, err := sotepe.ParsePersonalID(r.PersonalID); err == nil {
		b.Birth = birth
	}
	a, err := s.store.Book(ctx, b)
	if err != nil {
		return sotepe.Appointment{}, false, err
	}
	if a.Replayed && a.BookedByClient != c.ID {
		// The key found the resident's booking of the slot, but another
		// booked it: a key is not a way to read someone else's booking.
		if _, err := s.store.Appointment(ctx, a.ID, sotepe.AppointmentScope{Client: c.ID}); err != nil {
			return sotepe.Appointment{}, false, &sotepe.Error{Code: sotepe.EConflict, Key: "error.appt_taken", Message: "the slot is taken"}
		}
	}
	return a, !a.Replayed, nil
}

// ClientCancel cancels appointment id, which client c booked (ENotFound
// otherwise), until the service's cancellation limit before its start, as
// the resident would (EConflict "error.appt_cancel_late" after); c must
// hold sotepe.ScopeFHIRAppointmentWrite. The slot goes to the waiting list
// as with any cancellation.
func (s *Service) ClientCancel(ctx context.Context, c sotepe.IntegrationClient, id int64) (sotepe.Appointment, error) {
	ctx, err := clientScope(ctx, c, sotepe.ScopeFHIRAppointmentWrite)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	sc := sotepe.AppointmentScope{Client: c.ID}
	a, limit, err := s.cancelLimit(ctx, id, sc)
	if err != nil {
		return a, err
	}
	return s.store.CancelAppointment(ctx, id, sc, s.now(), max(limit, 0))
}

// ClientGet returns appointment id, which client c booked (ENotFound
// otherwise); c must hold sotepe.ScopeFHIRAppointmentRead. The read is audited with c as the
// actor.
func (s *Service) ClientGet(ctx context.Context, c sotepe.IntegrationClient, id int64) (sotepe.Appointment, error) {
	ctx, err := clientScope(ctx, c, sotepe.ScopeFHIRAppointmentRead)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	return s.store.Appointment(ctx, id, sotepe.AppointmentScope{Client: c.ID})
}

// ClientList returns one page of the appointments client c booked, by
// start, narrowed by f's period and statuses (its resident, units and
// schedule are ignored); c must hold sotepe.ScopeFHIRAppointmentRead.
// Every appointment shown is audited
// with c as the actor. Bounds outside the calendar's years are EInvalid
// ("error.period_range").
func (s *Service) ClientList(ctx context.Context, c sotepe.IntegrationClient, f sotepe.AppointmentFilter) (sotepe.Page[sotepe.Appointment], error) {
	ctx, err := clientScope(ctx, c, sotepe.ScopeFHIRAppointmentRead)
	if err != nil {
		return sotepe.Page[sotepe.Appointment]{}, err
	}
	if err := checkPeriod(f.From, f.To); err != nil {
		return sotepe.Page[sotepe.Appointment]{}, err
	}
	f.ResidentID, f.Units, f.ResourceUser, f.Client = 0, nil, 0, c.ID
	return s.store.ListAppointments(ctx, f)
}
