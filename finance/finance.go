// Package finance serves the economy and sustainability figures: budget and
// actual by service area and month, the change programme's measures, hired
// labour, the fleet, solar energy by rescue station and sorted plastic.
// Finance reads and stores them; analysts read them. It implements
// sotepe.EconomyService.
package finance

import (
	"context"
	"fmt"

	"sotepe"
)

// Store is what the service reads and writes.
type Store interface {
	sotepe.EconomyStore
}

// Service implements sotepe.EconomyService.
type Service struct {
	store Store
}

var _ sotepe.EconomyService = (*Service)(nil)

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// mayRead checks that u is finance or an analyst (EForbidden otherwise) and
// that year is within 2000–2100 (EInvalid).
func mayRead(u sotepe.User, year int) error {
	if !u.Has(sotepe.RoleFinance) && !u.Has(sotepe.RoleAnalyst) {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "only finance and analysts read these figures"}
	}
	if year < 2000 || year > 2100 {
		return sotepe.InvalidField("year", "staff.error.year", "the year is out of range")
	}
	return nil
}

// Save stores finance's records whole or nothing. Only finance may
// (EForbidden); a bad record is the store's EInvalid naming its field,
// kind and index.
func (s *Service) Save(ctx context.Context, u sotepe.User, r sotepe.EconomyRecords) error {
	if !u.Has(sotepe.RoleFinance) {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "only finance stores economy records"}
	}
	return s.store.SaveEconomyRecords(ctx, r)
}

// Economy returns the economy figures of year: the budget lines of its
// months, every change-programme measure, and hired labour by area and
// month with the year's and the year before's totals.
func (s *Service) Economy(ctx context.Context, u sotepe.User, year int) (sotepe.EconomyFigures, error) {
	out := sotepe.EconomyFigures{Year: year}
	if err := mayRead(u, year); err != nil {
		return out, err
	}
	var err error
	from, to := fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)
	if out.Budget, err = s.store.BudgetMonths(ctx, from, to); err != nil {
		return out, err
	}
	if out.Measures, err = s.store.ChangeMeasures(ctx); err != nil {
		return out, err
	}
	if out.HiredLabour, err = s.store.HiredLabourMonths(ctx, from, to); err != nil {
		return out, err
	}
	for _, h := range out.HiredLabour {
		out.HiredLabourTotal += h.EUR
	}
	prev, err := s.store.HiredLabourMonths(ctx, fmt.Sprintf("%04d-01", year-1), fmt.Sprintf("%04d-12", year-1))
	for _, h := range prev {
		out.HiredLabourPrevious += h.EUR
	}
	return out, err
}

// Sustainability returns the fleet on the last days of year and the year
// before, the solar energy of the year's months by unit, and the sorted
// plastic of the year's and the year before's months.
func (s *Service) Sustainability(ctx context.Context, u sotepe.User, year int) (sotepe.SustainabilityFigures, error) {
	out := sotepe.SustainabilityFigures{Year: year}
	if err := mayRead(u, year); err != nil {
		return out, err
	}
	var err error
	if out.Fleet, err = s.store.FleetOn(ctx, fmt.Sprintf("%04d-12-31", year)); err != nil {
		return out, err
	}
	if out.FleetPrevious, err = s.store.FleetOn(ctx, fmt.Sprintf("%04d-12-31", year-1)); err != nil {
		return out, err
	}
	if out.Solar, err = s.store.SolarMonths(ctx, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)); err != nil {
		return out, err
	}
	if out.Plastic, err = s.store.PlasticMonths(ctx, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)); err != nil {
		return out, err
	}
	out.PlasticPrev, err = s.store.PlasticMonths(ctx, fmt.Sprintf("%04d-01", year-1), fmt.Sprintf("%04d-12", year-1))
	return out, err
}
