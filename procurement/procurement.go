// Package procurement is the service of purchased services: who may read
// and change contracts, producers' registrations, voucher kinds and
// supervision (the contract manager), who may read the aggregated figures
// (the contract manager and the analyst), and the comparison of purchased
// producers' quality figures with the city's own units', computed from the
// report's facts (report.Gatherer) and the care-guarantee figures, never
// by hand.
package procurement

import (
	"context"
	"slices"
	"time"

	"sotepe"
	"sotepe/report"
	"sotepe/workday"
)

// Store is what the service reads and writes.
type Store interface {
	sotepe.ProcurementStore
	report.Reader
	AppointmentFigures(ctx context.Context, from, to, now time.Time, units []string) ([]sotepe.AppointmentFigures, error)
}

// Service decides who may do what with purchased services.
type Service struct {
	store      Store
	dir        sotepe.Directory
	calendar   *workday.Live
	indicators *report.Indicators
	now        func() time.Time
}

// New returns a Service over st; dir gives the organisation the figures
// are grouped by, cal the working time of the answer promise, now
// (time.Now when nil) today.
func New(st Store, dir sotepe.Directory, cal *workday.Live, inds *report.Indicators, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, dir: dir, calendar: cal, indicators: inds, now: now}
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
}

// manages reports whether u is the contract manager.
func manages(u sotepe.User) error {
	if u.Has(sotepe.RoleContractManager) {
		return nil
	}
	return forbidden()
}

// readsFigures reports whether u may read the aggregated figures.
func readsFigures(u sotepe.User) error {
	if u.Has(sotepe.RoleContractManager) || u.Has(sotepe.RoleAnalyst) {
		return nil
	}
	return forbidden()
}

// Contracts returns every contract to the contract manager.
func (s *Service) Contracts(ctx context.Context, u sotepe.User) ([]sotepe.Contract, error) {
	if err := manages(u); err != nil {
		return nil, err
	}
	return s.store.Contracts(ctx)
}

// SaveContract stores a new contract of the contract manager.
func (s *Service) SaveContract(ctx context.Context, u sotepe.User, c sotepe.Contract) (sotepe.Contract, error) {
	if err := manages(u); err != nil {
		return c, err
	}
	return s.store.SaveContract(ctx, c)
}

// VoucherKinds returns the voucher kinds to the contract manager.
func (s *Service) VoucherKinds(ctx context.Context, u sotepe.User) ([]sotepe.VoucherKind, error) {
	if err := manages(u); err != nil {
		return nil, err
	}
	return s.store.VoucherKinds(ctx)
}

// SaveVoucherKind stores a voucher kind of the contract manager; a bad
// id, names missing in a language, an unknown service and bad or
// overlapping value periods are EInvalid naming the field.
func (s *Service) SaveVoucherKind(ctx context.Context, u sotepe.User, k sotepe.VoucherKind) error {
	if err := manages(u); err != nil {
		return err
	}
	switch {
	case !sotepe.ValidID(k.ID):
		return sotepe.InvalidField("id", "error.id", "bad voucher kind id")
	case k.Names.Fi == "":
		return sotepe.InvalidField("name_fi", "procurement.error.required", "Finnish name missing")
	case k.Names.Sv == "":
		return sotepe.InvalidField("name_sv", "procurement.error.required", "Swedish name missing")
	case k.Names.En == "":
		return sotepe.InvalidField("name_en", "procurement.error.required", "English name missing")
	}
	if k.ServiceID != "" {
		if _, err := s.dir.Service(ctx, k.ServiceID); sotepe.ErrorCode(err) == sotepe.ENotFound {
			return sotepe.InvalidField("service", "error.reference", "unknown service")
		} else if err != nil {
			return err
		}
	}
	return s.store.SaveVoucherKind(ctx, k)
}

// knownUnit returns nil when unit exists, and EInvalid naming the field
// "unit" when it does not.
func (s *Service) knownUnit(ctx context.Context, unit string) error {
	if unit == "" {
		return sotepe.InvalidField("unit", "procurement.error.required", "unit missing")
	}
	if _, err := s.dir.Unit(ctx, unit); sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.InvalidField("unit", "error.reference", "unknown unit")
	} else if err != nil {
		return err
	}
	return nil
}

// AddSelfMonitoringPlan stores a unit's self-monitoring plan of the
// contract manager; a bad plan or an unknown unit is EInvalid naming the
// field.
func (s *Service) AddSelfMonitoringPlan(ctx context.Context, u sotepe.User, p sotepe.SelfMonitoringPlan) (sotepe.SelfMonitoringPlan, error) {
	if err := manages(u); err != nil {
		return p, err
	}
	p.ID = 0
	if err := p.Validate(); err != nil {
		return p, err
	}
	if err := s.knownUnit(ctx, p.UnitID); err != nil {
		return p, err
	}
	return s.store.AddSelfMonitoringPlan(ctx, p)
}

// AddSupervisionVisit stores a supervision visit of the contract manager;
// a bad visit or an unknown unit is EInvalid naming the field.
func (s *Service) AddSupervisionVisit(ctx context.Context, u sotepe.User, v sotepe.SupervisionVisit) (sotepe.SupervisionVisit, error) {
	if err := manages(u); err != nil {
		return v, err
	}
	v.ID = 0
	if err := v.Validate(); err != nil {
		return v, err
	}
	if err := s.knownUnit(ctx, v.UnitID); err != nil {
		return v, err
	}
	return s.store.AddSupervisionVisit(ctx, v)
}

// Registrations returns the producers' registrations to the contract
// manager.
func (s *Service) Registrations(ctx context.Context, u sotepe.User) ([]sotepe.ProducerRegistration, error) {
	if err := manages(u); err != nil {
		return nil, err
	}
	return s.store.Registrations(ctx)
}

// SaveRegistration sets a producer's business id and register id for the
// contract manager; a bad one is EInvalid naming the field, an unknown
// producer ENotFound.
func (s *Service) SaveRegistration(ctx context.Context, u sotepe.User, r sotepe.ProducerRegistration) error {
	if err := manages(u); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return s.store.SaveRegistration(ctx, r)
}

// DecisionKinds returns the voucher kinds, by whose names decisions are
// shown, to professionals and residents.
func (s *Service) DecisionKinds(ctx context.Context, u sotepe.User) ([]sotepe.VoucherKind, error) {
	if !u.Has(sotepe.RoleProfessional) && !u.Has(sotepe.RoleResident) {
		return nil, forbidden()
	}
	return s.store.VoucherKinds(ctx)
}

// DecisionChoices returns the voucher kinds and the voucher producers a
// professional may choose from in a decision.
func (s *Service) DecisionChoices(ctx context.Context, u sotepe.User) ([]sotepe.VoucherKind, []sotepe.Producer, error) {
	if !u.Has(sotepe.RoleProfessional) {
		return nil, nil, forbidden()
	}
	kinds, err := s.store.VoucherKinds(ctx)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.dir.Producers(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []sotepe.Producer
	for _, p := range ps {
		if p.Kind == sotepe.ProducerVoucher {
			out = append(out, p)
		}
	}
	return kinds, out, nil
}

// Supervision returns the plans, the visits and the visits whose follow-up
// is overdue today, to the contract manager.
func (s *Service) Supervision(ctx context.Context, u sotepe.User) (sotepe.Supervision, error) {
	var out sotepe.Supervision
	if err := manages(u); err != nil {
		return out, err
	}
	var err error
	if out.Plans, err = s.store.SelfMonitoringPlans(ctx); err != nil {
		return out, err
	}
	if out.Visits, err = s.store.SupervisionVisits(ctx); err != nil {
		return out, err
	}
	today := s.now().Format(time.DateOnly)
	out.Overdue = []sotepe.SupervisionVisit{}
	for _, v := range out.Visits {
		if v.Overdue(today) {
			out.Overdue = append(out.Overdue, v)
		}
	}
	return out, nil
}

// Totals returns the year's figures to the contract manager and the
// analyst.
func (s *Service) Totals(ctx context.Context, u sotepe.User, year int) (sotepe.ProcurementTotals, error) {
	if err := readsFigures(u); err != nil {
		return sotepe.ProcurementTotals{}, err
	}
	return s.store.ProcurementTotals(ctx, year)
}

// OwnVoucherDecisions returns the resident's own decisions, each with the
// value of its kind in force today.
func (s *Service) OwnVoucherDecisions(ctx context.Context, u sotepe.User) ([]sotepe.VoucherDecision, error) {
	if !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
		return nil, forbidden()
	}
	ds, err := s.store.VoucherDecisions(ctx, u.ResidentID)
	if err != nil {
		return nil, err
	}
	return s.withValues(ctx, ds)
}

// OwnVoucherDecision returns one of the resident's decisions; another's is
// ENotFound, the same as a missing one.
func (s *Service) OwnVoucherDecision(ctx context.Context, u sotepe.User, id int64) (sotepe.VoucherDecision, error) {
	ds, err := s.OwnVoucherDecisions(ctx, u)
	if err != nil {
		return sotepe.VoucherDecision{}, err
	}
	for _, d := range ds {
		if d.ID == id {
			return d, nil
		}
	}
	return sotepe.VoucherDecision{}, sotepe.NotFound("voucher decision")
}

// StaffVoucherDecisions returns a resident's decisions to a professional,
// audited on basis in the read's transaction.
func (s *Service) StaffVoucherDecisions(ctx context.Context, u sotepe.User, residentID int64, basis sotepe.Basis) ([]sotepe.VoucherDecision, error) {
	if !u.Has(sotepe.RoleProfessional) {
		return nil, forbidden()
	}
	ds, err := s.store.StaffVoucherDecisions(ctx, residentID, basis)
	if err != nil {
		return nil, err
	}
	return s.withValues(ctx, ds)
}

// DecideVoucher stores a professional's decision; the kind must exist and
// the producer must be a voucher producer (EInvalid naming the field
// otherwise), the validity dates in order.
func (s *Service) DecideVoucher(ctx context.Context, u sotepe.User, d sotepe.VoucherDecision) (sotepe.VoucherDecision, error) {
	kinds, ps, err := s.DecisionChoices(ctx, u)
	if err != nil {
		return d, err
	}
	if !slices.ContainsFunc(kinds, func(k sotepe.VoucherKind) bool { return k.ID == d.KindID }) {
		return d, sotepe.InvalidField("kind", "error.reference", "unknown voucher kind")
	}
	if !slices.ContainsFunc(ps, func(p sotepe.Producer) bool { return p.ID == d.ProducerID }) {
		return d, sotepe.InvalidField("producer", "error.reference", "not a voucher producer")
	}
	if err := sotepe.CheckDecisionPeriod(d.ValidFrom, d.ValidTo); err != nil {
		return d, err
	}
	d.ID, d.DecidedBy = 0, u.ID
	return s.store.AddVoucherDecision(ctx, d)
}

func (s *Service) withValues(ctx context.Context, ds []sotepe.VoucherDecision) ([]sotepe.VoucherDecision, error) {
	kinds, err := s.store.VoucherKinds(ctx)
	if err != nil {
		return nil, err
	}
	today := s.now().Format(time.DateOnly)
	for i := range ds {
		for _, k := range kinds {
			if k.ID == ds[i].KindID {
				if v, ok := k.ValueOn(today); ok {
					x := v.Value()
					ds[i].ValueCents = &x
				}
			}
		}
	}
	return ds, nil
}
