package booking

import (
	"context"

	"sotepe"
)

// Rules returns how a service is booked.
func (s *Service) Rules(ctx context.Context, serviceID string) (sotepe.BookingRules, error) {
	return s.store.BookingRules(ctx, serviceID)
}

// Slot returns slot id to staff of its unit or to the resident it is
// offered to; for anyone else it is as missing as a slot that does not
// exist.
func (s *Service) Slot(ctx context.Context, u sotepe.User, id int64) (sotepe.Slot, error) {
	missing := sotepe.NotFound("slot")
	if id <= 0 {
		return sotepe.Slot{}, missing
	}
	sl, err := s.store.Slot(ctx, id)
	if err != nil {
		return sotepe.Slot{}, err
	}
	if isStaff(u) && u.MemberOf(sl.UnitID) {
		return sl, nil
	}
	if isResident(u) {
		entries, err := s.store.Waitlist(ctx, u.ResidentID)
		if err != nil {
			return sotepe.Slot{}, err
		}
		for _, e := range entries {
			if e.OfferSlot == id {
				return sl, nil
			}
		}
	}
	return sotepe.Slot{}, missing
}
