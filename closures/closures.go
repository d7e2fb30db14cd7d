// Package closures keeps the administrator's closure days, the days beyond
// the public holidays on which the services are closed, and puts the
// working-day calendar that follows from them in force. It implements
// sotepe.ClosureService; only administrators may use it.
package closures

import (
	"context"

	"sotepe"
	"sotepe/workday"
)

// Service implements sotepe.ClosureService.
type Service struct {
	store    sotepe.Closures
	calendar *workday.Live
}

var _ sotepe.ClosureService = (*Service)(nil)

// New returns a Service keeping the closure days in st and rebuilding cal
// after each change.
func New(st sotepe.Closures, cal *workday.Live) *Service {
	return &Service{store: st, calendar: cal}
}

func allowed(u sotepe.User) error {
	if !u.Has(sotepe.RoleAdmin) {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
	}
	return nil
}

// List returns every closure day, ordered by date.
func (s *Service) List(ctx context.Context, u sotepe.User) ([]sotepe.ClosureDay, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	return s.store.ClosureDays(ctx)
}

// Save adds or renames a closure day and puts the new calendar in force.
func (s *Service) Save(ctx context.Context, u sotepe.User, d sotepe.ClosureDay) error {
	if err := allowed(u); err != nil {
		return err
	}
	if err := s.store.SaveClosureDay(ctx, d); err != nil {
		return err
	}
	return s.calendar.Reload(ctx, s.store)
}

// Delete removes a closure day and puts the new calendar in force.
func (s *Service) Delete(ctx context.Context, u sotepe.User, date string) error {
	if err := allowed(u); err != nil {
		return err
	}
	if err := s.store.DeleteClosureDay(ctx, date); err != nil {
		return err
	}
	return s.calendar.Reload(ctx, s.store)
}
