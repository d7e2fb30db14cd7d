package booking

import (
	"context"
	"slices"

	"sotepe"
)

// What staff do for residents beyond the calendar: booking a time on a
// resident's behalf, and changing how a service is booked.

// BookFor books slot slotID, at one of the staff member's units, for the
// resident whose personal identity code is personalID, as when the
// resident asks at the desk or on the phone. Finding the resident is a
// staff read of personal data: it is audited with basis (EInvalid
// "error.basis" when not a valid one) and fails with nothing booked when
// its row cannot be written; the booking's own audit row names the staff
// member as its actor. No appointment ticket is needed: a professional
// booking the time is the decision a ticket stands for. The service's
// cancellation limit and the care guarantee apply as to the resident's own
// booking.
//
// A slot elsewhere or missing is ENotFound ("slot"); an unknown resident
// ENotFound with key "error.appt_no_resident"; a malformed code EInvalid; a taken or past slot
// as in Book. Only professionals and managers book for others (EForbidden).
func (s *Service) BookFor(ctx context.Context, u sotepe.User, slotID int64, personalID string, basis sotepe.Basis) (sotepe.Appointment, error) {
	if !isStaff(u) {
		return sotepe.Appointment{}, forbidden()
	}
	if !basis.Valid() {
		return sotepe.Appointment{}, sotepe.Invalid("error.basis", "a valid basis for the read is required")
	}
	sl, err := s.store.Slot(ctx, slotID)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	if !u.MemberOf(sl.UnitID) {
		return sotepe.Appointment{}, sotepe.NotFound("slot")
	}
	if _, err := sotepe.ParsePersonalID(personalID); err != nil {
		return sotepe.Appointment{}, err
	}
	c, err := s.store.BookingRules(ctx, sl.ServiceID)
	if err != nil {
		return sotepe.Appointment{}, err
	}
	r, err := s.store.FindResident(ctx, personalID, basis)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.Appointment{}, &sotepe.Error{Code: sotepe.ENotFound, Key: "error.appt_no_resident", Message: "no resident has the code"}
	} else if err != nil {
		return sotepe.Appointment{}, err
	}
	b := sotepe.Booking{SlotID: slotID, ResidentID: r.ID, Service: sl.ServiceID, Lang: r.Lang, BookedBy: u.ID, Now: s.now(),
		CancelLimit: c.CancelLimit, OfferHold: c.OfferHold}
	if birth, err := sotepe.ParsePersonalID(r.PersonalID); err == nil {
		b.Birth = birth
	}
	return s.store.Book(ctx, b)
}

// RulesEditable reports whether u may change how serviceID is booked: only
// an administrator may. The rules hold at every unit of the sector that
// offers the service, so one unit's manager does not set them for the
// others. An unknown service is ENotFound.
func (s *Service) RulesEditable(ctx context.Context, u sotepe.User, serviceID string) (bool, error) {
	if _, err := s.dir.Service(ctx, serviceID); err != nil {
		return false, err
	}
	return u.Has(sotepe.RoleAdmin), nil
}

// offered reports whether one of units offers serviceID.
func (s *Service) offered(ctx context.Context, units []string, serviceID string) (bool, error) {
	for _, id := range units {
		unit, err := s.dir.Unit(ctx, id)
		if sotepe.ErrorCode(err) == sotepe.ENotFound {
			continue
		}
		if err != nil {
			return false, err
		}
		if slices.Contains(unit.Services, serviceID) {
			return true, nil
		}
	}
	return false, nil
}

// SaveRules sets how c.ServiceID is booked, for those RulesEditable lets
// (EForbidden for others). Invalid rules are EInvalid, as in
// sotepe.BookingRules.Validate; an unknown service ENotFound.
func (s *Service) SaveRules(ctx context.Context, u sotepe.User, c sotepe.BookingRules) error {
	ok, err := s.RulesEditable(ctx, u, c.ServiceID)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden()
	}
	return s.store.SaveBookingRules(ctx, c)
}
