// Package rescue is the rescue department's service: who may read the
// figures, the missions and the inspections, and import missions. The
// rescue officer reads and writes the rescue department's rows; the
// analyst reads the figures only (they are in the annual report anyway);
// everyone else is refused. It implements sotepe.RescueService.
package rescue

import (
	"context"

	"sotepe"
)

// Service implements sotepe.RescueService over a store.
type Service struct {
	store sotepe.RescueStore
}

var _ sotepe.RescueService = (*Service)(nil)

// New returns a Service over st.
func New(st sotepe.RescueStore) *Service { return &Service{store: st} }

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not a rescue officer"}
}

// MayReadFigures reports whether u may read the rescue figures: rescue
// officers and analysts.
func MayReadFigures(u sotepe.User) bool {
	return u.Has(sotepe.RoleRescueOfficer) || u.Has(sotepe.RoleAnalyst)
}

// MayWork reports whether u may read and write the rescue rows: rescue
// officers only.
func MayWork(u sotepe.User) bool { return u.Has(sotepe.RoleRescueOfficer) }

// Figures returns the missions' and runs' figures of q: counts, the share
// that reached the target of the risk class and the median and 90th
// percentile of the response time, grouped by q.GroupBy. EForbidden for all
// but rescue officers and analysts; a bad query is EInvalid.
func (s *Service) Figures(ctx context.Context, u sotepe.User, q sotepe.RescueQuery) (sotepe.RescueFigures, error) {
	out := sotepe.RescueFigures{GroupBy: q.GroupBy, Missions: []sotepe.RescueFigure{}, Runs: []sotepe.RescueFigure{}}
	if !MayReadFigures(u) {
		return out, forbidden()
	}
	if err := q.Validate(); err != nil {
		return out, err
	}
	missions, err := s.store.RescueResponses(ctx, q, false)
	if err != nil {
		return out, err
	}
	if g, t := sotepe.FigureRescue(missions, q.GroupBy); g != nil {
		out.Missions, out.MissionsTotal = g, t
	} else {
		out.MissionsTotal = t
	}
	// Runs have no risk class or accident type: a query narrowed by
	// either has none.
	if len(q.RiskClasses) == 0 && len(q.Types) == 0 {
		runs, err := s.store.RescueResponses(ctx, q, true)
		if err != nil {
			return out, err
		}
		g, t := sotepe.FigureRescue(runs, q.GroupBy)
		out.RunsTotal = t
		if g != nil && q.GroupBy != sotepe.RescueByRiskClass && q.GroupBy != sotepe.RescueByType && q.GroupBy != sotepe.RescueByDistrict {
			out.Runs = g
		}
	}
	return out, nil
}

// Missions returns a page of the missions f keeps, to rescue officers;
// everyone else is EForbidden.
func (s *Service) Missions(ctx context.Context, u sotepe.User, f sotepe.RescueMissionFilter, p sotepe.PageRequest) (sotepe.Page[sotepe.RescueMission], error) {
	if !MayWork(u) {
		return sotepe.Page[sotepe.RescueMission]{}, forbidden()
	}
	return s.store.RescueMissions(ctx, f, p)
}

// Inspections returns a page of the inspections f keeps, to rescue
// officers; everyone else is EForbidden.
func (s *Service) Inspections(ctx context.Context, u sotepe.User, f sotepe.InspectionFilter, p sotepe.PageRequest) (sotepe.Page[sotepe.FireInspection], error) {
	if !MayWork(u) {
		return sotepe.Page[sotepe.FireInspection]{}, forbidden()
	}
	return s.store.FireInspections(ctx, f, p)
}

// ImportMissions stores a batch of 1 to sotepe.MaxRescueBatch missions
// whole or nothing, for rescue officers (EForbidden for others). An empty
// or too large batch is EInvalid ("error.rescue_batch"); a bad mission is
// the store's EInvalid error with its "Index".
func (s *Service) ImportMissions(ctx context.Context, u sotepe.User, ms []sotepe.RescueMission) (sotepe.EventResult, error) {
	if !MayWork(u) {
		return sotepe.EventResult{}, forbidden()
	}
	if len(ms) == 0 || len(ms) > sotepe.MaxRescueBatch {
		return sotepe.EventResult{}, sotepe.Invalid("error.rescue_batch", "a batch holds 1 to 20000 missions").With(map[string]any{"Max": sotepe.MaxRescueBatch})
	}
	return s.store.AddRescueMissions(ctx, ms)
}
