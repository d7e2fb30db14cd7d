// Package statistics serves figures that hold no personal data: the figures
// of the answer promise, which managers see for their own units and
// analysts and administrators for all, and the open data of service
// volumes, public to everyone. It implements sotepe.StatisticsService.
package statistics

import (
	"context"
	"time"

	"sotepe"
	"sotepe/workday"
)

// Store is what the service reads.
type Store interface {
	sotepe.ContactStats
	sotepe.EventStats
}

// Service implements sotepe.StatisticsService.
type Service struct {
	store    Store
	calendar *workday.Live
	now      func() time.Time
}

var _ sotepe.StatisticsService = (*Service)(nil)

// New returns a Service over st; cal gives the working time of answers not
// yet measured and now (time.Now when nil) which open requests are late.
func New(st Store, cal *workday.Live, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, calendar: cal, now: now}
}

// ContactUnits returns the units whose figures u may see, nil for all.
func (s *Service) ContactUnits(u sotepe.User) ([]string, error) {
	switch {
	case u.Has(sotepe.RoleAnalyst) || u.Has(sotepe.RoleAdmin):
		return nil, nil
	case u.Has(sotepe.RoleManager):
		return append([]string{}, u.Units...), nil
	}
	return nil, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
}

// ContactFigures returns the figures of q within the units u may see.
func (s *Service) ContactFigures(ctx context.Context, u sotepe.User, q sotepe.ContactStatsQuery) ([]sotepe.ContactStatsRow, error) {
	units, err := s.ContactUnits(u)
	if err != nil {
		return nil, err
	}
	q.Units, q.Now, q.WorkingTime = units, s.now(), s.calendar.Get().WorkingHoursBetween
	return s.store.ContactStatsRows(ctx, q)
}

// Volumes returns the open data of service volumes.
func (s *Service) Volumes(ctx context.Context, q sotepe.VolumeQuery) ([]sotepe.VolumeRow, error) {
	return s.store.EventVolumes(ctx, q)
}
