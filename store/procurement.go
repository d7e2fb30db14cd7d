package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"sotepe"
)

// The purchased services (00020): producers' registrations in the
// producers table, contracts with their services, units and prices,
// voucher kinds and value periods, residents' voucher decisions and
// supervision.

var _ sotepe.ProcurementStore = (*Store)(nil)

// Registrations returns the registrations of the producers that have one,
// by producer id.
func (s *Store) Registrations(ctx context.Context) ([]sotepe.ProducerRegistration, error) {
	out, err := queryInto(ctx, s.readers, func(r *sotepe.ProducerRegistration) []any {
		return []any{&r.ProducerID, &r.BusinessID, &r.RegisterID}
	}, `SELECT id, business_id, register_id FROM producers WHERE business_id <> '' OR register_id <> '' ORDER BY id`)
	return out, s.fail("list registrations", err)
}

// SaveRegistration sets a producer's business id and register id, with its
// audit row. A bad registration is EInvalid, an unknown producer ENotFound.
func (s *Store) SaveRegistration(ctx context.Context, r sotepe.ProducerRegistration) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, "save registration", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("producer"),
			`UPDATE producers SET business_id = $1, register_id = $2 WHERE id = $3`,
			r.BusinessID, r.RegisterID, r.ProducerID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionProcurementChange, "producer:"+r.ProducerID, 0)
	})
}

const contractColumns = `id, producer_id, title, value_cents, valid_from, valid_to, social_criteria, environmental_criteria`

func contractDest(c *sotepe.Contract) []any {
	return []any{&c.ID, &c.ProducerID, &c.Title, &c.ValueCents, &c.ValidFrom, &c.ValidTo, &c.SocialCriteria, &c.EnvironmentalCriteria}
}

// Contracts returns every contract with its services, units and price
// list, by id.
func (s *Store) Contracts(ctx context.Context) ([]sotepe.Contract, error) {
	cs, err := queryInto(ctx, s.readers, contractDest, `SELECT `+contractColumns+` FROM contracts ORDER BY id`)
	if err != nil {
		return nil, s.fail("list contracts", err)
	}
	return cs, s.fail("list contracts", s.contractDetails(ctx, s.readers, cs, ""))
}

// Contract returns one contract with its details, or ENotFound.
func (s *Store) Contract(ctx context.Context, id int64) (sotepe.Contract, error) {
	cs, err := queryInto(ctx, s.readers, contractDest, `SELECT `+contractColumns+` FROM contracts WHERE id = $1`, id)
	if err != nil {
		return sotepe.Contract{}, s.fail("read contract", err)
	}
	if len(cs) == 0 {
		return sotepe.Contract{}, sotepe.NotFound("contract")
	}
	err = s.contractDetails(ctx, s.readers, cs, strconv.FormatInt(id, 10))
	return cs[0], s.fail("read contract", err)
}

// contractDetails fills the services, units and prices of cs (all
// contracts, or the one whose id is only).
func (s *Store) contractDetails(ctx context.Context, q querier, cs []sotepe.Contract, only string) error {
	where := ""
	var args []any
	if only != "" {
		where, args = " WHERE contract_id = $1", []any{only}
	}
	idx := map[int64]*sotepe.Contract{}
	for i := range cs {
		cs[i].Services, cs[i].Units, cs[i].Prices = []string{}, []string{}, []sotepe.PriceRow{}
		idx[cs[i].ID] = &cs[i]
	}
	for _, part := range []struct {
		table string
		col   string
		add   func(c *sotepe.Contract, v string)
	}{
		{"contract_services", "service_id", func(c *sotepe.Contract, v string) { c.Services = append(c.Services, v) }},
		{"contract_units", "unit_id", func(c *sotepe.Contract, v string) { c.Units = append(c.Units, v) }},
	} {
		type pair struct {
			id int64
			v  string
		}
		rows, err := queryInto(ctx, q, func(p *pair) []any { return []any{&p.id, &p.v} },
			fmt.Sprintf(`SELECT contract_id, %s FROM %s%s ORDER BY contract_id, %s`, part.col, part.table, where, part.col), args...)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if c := idx[r.id]; c != nil {
				part.add(c, r.v)
			}
		}
	}
	type price struct {
		id int64
		p  sotepe.PriceRow
	}
	prices, err := queryInto(ctx, q, func(p *price) []any {
		return []any{&p.id, &p.p.ServiceID, &p.p.Measure, &p.p.PriceCents, &p.p.ValidFrom, &p.p.ValidTo}
	}, `SELECT contract_id, service_id, measure, price_cents, valid_from, valid_to FROM contract_prices`+where+
		` ORDER BY contract_id, service_id, valid_from, id`, args...)
	if err != nil {
		return err
	}
	for _, p := range prices {
		if c := idx[p.id]; c != nil {
			c.Prices = append(c.Prices, p.p)
		}
	}
	return nil
}

// SaveContract stores a new contract with its services, units and prices,
// and its audit row. A bad contract is EInvalid; an unknown producer,
// service or unit EInvalid ("error.reference").
func (s *Store) SaveContract(ctx context.Context, c sotepe.Contract) (sotepe.Contract, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.inTx(ctx, "save contract", func(tx *sql.Tx) error {
		if err := s.insertContract(ctx, tx, &c); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionProcurementChange, "contract:"+strconv.FormatInt(c.ID, 10), 0)
	})
	return c, err
}

func (s *Store) insertContract(ctx context.Context, tx *sql.Tx, c *sotepe.Contract) error {
	id, err := insertID(ctx, tx, "error.conflict", "contract exists", `
		INSERT INTO contracts (producer_id, title, value_cents, valid_from, valid_to, social_criteria, environmental_criteria, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		c.ProducerID, c.Title, c.ValueCents, c.ValidFrom, c.ValidTo, c.SocialCriteria, c.EnvironmentalCriteria, micros(s.now()))
	if err != nil {
		return err
	}
	c.ID = id
	for _, sv := range c.Services {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_services (contract_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, sv); err != nil {
			return err
		}
	}
	for _, u := range c.Units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_units (contract_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, u); err != nil {
			return err
		}
	}
	for _, p := range c.Prices {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO contract_prices (contract_id, service_id, measure, price_cents, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, p.ServiceID, p.Measure, p.PriceCents, p.ValidFrom, p.ValidTo); err != nil {
			return err
		}
	}
	return nil
}

// VoucherKinds returns every voucher kind with its value periods in order,
// by id.
func (s *Store) VoucherKinds(ctx context.Context) ([]sotepe.VoucherKind, error) {
	kinds, err := queryInto(ctx, s.readers, func(k *sotepe.VoucherKind) []any {
		return []any{&k.ID, &k.ServiceID, &k.Names.Fi, &k.Names.Sv, &k.Names.En}
	}, `SELECT id, COALESCE(service_id, ''), name_fi, name_sv, name_en FROM voucher_kinds ORDER BY id`)
	if err != nil {
		return nil, s.fail("list voucher kinds", err)
	}
	type val struct {
		kind string
		v    sotepe.VoucherValue
	}
	vals, err := queryInto(ctx, s.readers, func(v *val) []any {
		return []any{&v.kind, &v.v.ValidFrom, &v.v.ValidTo, &v.v.BaseCents, &v.v.Coefficient}
	}, `SELECT kind_id, valid_from, valid_to, base_cents, coefficient_bp FROM voucher_values ORDER BY kind_id, valid_from`)
	if err != nil {
		return nil, s.fail("list voucher values", err)
	}
	idx := map[string]*sotepe.VoucherKind{}
	for i := range kinds {
		kinds[i].Values = []sotepe.VoucherValue{}
		idx[kinds[i].ID] = &kinds[i]
	}
	for _, v := range vals {
		if k := idx[v.kind]; k != nil {
			v.v.ValueCents = v.v.Value()
			k.Values = append(k.Values, v.v)
		}
	}
	return kinds, nil
}

// SaveVoucherKind inserts or replaces a voucher kind and its value periods,
// with its audit row. Bad names or overlapping periods are EInvalid.
func (s *Store) SaveVoucherKind(ctx context.Context, k sotepe.VoucherKind) error {
	if err := checkEntity("voucher kind", k.ID, k.Names); err != nil {
		return err
	}
	if err := sotepe.CheckValuePeriods(k.Values); err != nil {
		return err
	}
	return s.inTx(ctx, "save voucher kind", func(tx *sql.Tx) error {
		if err := saveVoucherKind(ctx, tx, k); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionProcurementChange, "voucher_kind:"+k.ID, 0)
	})
}

func saveVoucherKind(ctx context.Context, tx *sql.Tx, k sotepe.VoucherKind) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO voucher_kinds (id, service_id, name_fi, name_sv, name_en) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, name_fi = excluded.name_fi,
			name_sv = excluded.name_sv, name_en = excluded.name_en`,
		k.ID, nullText(k.ServiceID), k.Names.Fi, k.Names.Sv, k.Names.En); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM voucher_values WHERE kind_id = $1`, k.ID); err != nil {
		return err
	}
	for _, v := range k.Values {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO voucher_values (kind_id, valid_from, valid_to, base_cents, coefficient_bp) VALUES ($1, $2, $3, $4, $5)`,
			k.ID, v.ValidFrom, v.ValidTo, v.BaseCents, v.Coefficient); err != nil {
			return err
		}
	}
	return nil
}

const decisionColumns = `id, resident_id, kind_id, producer_id, valid_from, valid_to, decided_by, decided_at`

func scanDecision(rows *sql.Rows) (sotepe.VoucherDecision, error) {
	var d sotepe.VoucherDecision
	var at int64
	err := rows.Scan(&d.ID, &d.ResidentID, &d.KindID, &d.ProducerID, &d.ValidFrom, &d.ValidTo, &d.DecidedBy, &at)
	d.DecidedAt = fromMicros(at)
	return d, err
}

// AddVoucherDecision stores a decision, decided now by the context's actor,
// with its audit row naming the resident. Bad dates are EInvalid, an
// unknown resident, kind or producer EInvalid ("error.reference").
func (s *Store) AddVoucherDecision(ctx context.Context, d sotepe.VoucherDecision) (sotepe.VoucherDecision, error) {
	if err := sotepe.CheckDecisionPeriod(d.ValidFrom, d.ValidTo); err != nil {
		return d, err
	}
	d.DecidedAt = s.now()
	if d.DecidedBy == 0 {
		d.DecidedBy = sotepe.ActorFrom(ctx).UserID
	}
	err := s.inTx(ctx, "add voucher decision", func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, "error.conflict", "decision exists", `
			INSERT INTO voucher_decisions (resident_id, kind_id, producer_id, valid_from, valid_to, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			d.ResidentID, d.KindID, d.ProducerID, d.ValidFrom, d.ValidTo, d.DecidedBy, micros(d.DecidedAt))
		if err != nil {
			return err
		}
		d.ID = id
		return s.auditChange(ctx, tx, sotepe.ActionVoucherDecision, "voucher_decision:"+strconv.FormatInt(id, 10), d.ResidentID)
	})
	return d, err
}

// VoucherDecisions returns a resident's decisions, the newest first, as the
// resident reads them (no audit row).
func (s *Store) VoucherDecisions(ctx context.Context, residentID int64) ([]sotepe.VoucherDecision, error) {
	out, err := queryAll(ctx, s.readers, scanDecision,
		`SELECT `+decisionColumns+` FROM voucher_decisions WHERE resident_id = $1 ORDER BY id DESC`, residentID)
	return out, s.fail("list voucher decisions", err)
}

// StaffVoucherDecisions returns a resident's decisions for staff, writing
// the audited read in the same transaction: if the row cannot be written
// nothing is returned. An unknown basis is EInvalid, an unknown resident
// ENotFound.
func (s *Store) StaffVoucherDecisions(ctx context.Context, residentID int64, basis sotepe.Basis) ([]sotepe.VoucherDecision, error) {
	if !basis.Valid() {
		return nil, sotepe.InvalidField("basis", "error.basis", "unknown basis")
	}
	var out []sotepe.VoucherDecision
	err := s.inTx(ctx, "read voucher decisions", func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM residents WHERE id = $1`, residentID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return sotepe.NotFound("resident")
		} else if err != nil {
			return err
		}
		a := sotepe.ActorFrom(ctx)
		if err := s.insertAudit(ctx, tx, sotepe.AuditEntry{ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID,
			ResidentID: residentID, Action: sotepe.ActionVoucherDecisionRead, Object: "resident:" + strconv.FormatInt(residentID, 10),
			Basis: basis}); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, tx, scanDecision,
			`SELECT `+decisionColumns+` FROM voucher_decisions WHERE resident_id = $1 ORDER BY id DESC`, residentID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SelfMonitoringPlans returns every unit's plans, by unit and date.
func (s *Store) SelfMonitoringPlans(ctx context.Context) ([]sotepe.SelfMonitoringPlan, error) {
	out, err := queryInto(ctx, s.readers, func(p *sotepe.SelfMonitoringPlan) []any {
		return []any{&p.ID, &p.UnitID, &p.Version, &p.Date, &p.Link, &p.Text}
	}, `SELECT id, unit_id, version, plan_date, link, body FROM self_monitoring_plans ORDER BY unit_id, plan_date, id`)
	return out, s.fail("list self-monitoring plans", err)
}

// AddSelfMonitoringPlan stores a plan with its audit row. A plan without a
// version, a date, or both a link and text is EInvalid.
func (s *Store) AddSelfMonitoringPlan(ctx context.Context, p sotepe.SelfMonitoringPlan) (sotepe.SelfMonitoringPlan, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.inTx(ctx, "add self-monitoring plan", func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, "error.conflict", "plan exists", `
			INSERT INTO self_monitoring_plans (unit_id, version, plan_date, link, body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			p.UnitID, p.Version, p.Date, p.Link, p.Text)
		if err != nil {
			return err
		}
		p.ID = id
		return s.auditChange(ctx, tx, sotepe.ActionProcurementChange, "self_monitoring_plan:"+strconv.FormatInt(id, 10), 0)
	})
	return p, err
}

// SupervisionVisits returns every visit, the newest first.
func (s *Store) SupervisionVisits(ctx context.Context) ([]sotepe.SupervisionVisit, error) {
	out, err := queryInto(ctx, s.readers, func(v *sotepe.SupervisionVisit) []any {
		return []any{&v.ID, &v.UnitID, &v.Date, &v.Findings, &v.FollowUpDue, &v.FollowedUpOn}
	}, `SELECT id, unit_id, visit_date, findings, COALESCE(follow_up_due, ''), COALESCE(followed_up_on, '')
		FROM supervision_visits ORDER BY visit_date DESC, id DESC`)
	return out, s.fail("list supervision visits", err)
}

// AddSupervisionVisit stores a visit with its audit row. A bad visit is
// EInvalid.
func (s *Store) AddSupervisionVisit(ctx context.Context, v sotepe.SupervisionVisit) (sotepe.SupervisionVisit, error) {
	if err := v.Validate(); err != nil {
		return v, err
	}
	err := s.inTx(ctx, "add supervision visit", func(tx *sql.Tx) error {
		id, err := insertID(ctx, tx, "error.conflict", "visit exists", `
			INSERT INTO supervision_visits (unit_id, visit_date, findings, follow_up_due, followed_up_on) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			v.UnitID, v.Date, v.Findings, nullText(v.FollowUpDue), nullText(v.FollowedUpOn))
		if err != nil {
			return err
		}
		v.ID = id
		return s.auditChange(ctx, tx, sotepe.ActionProcurementChange, "supervision_visit:"+strconv.FormatInt(id, 10), 0)
	})
	return v, err
}

// ProcurementTotals counts the contracts in force on some day of year,
// their distinct partners, value and criteria, and the voucher kinds with a
// value period in the year.
func (s *Store) ProcurementTotals(ctx context.Context, year int) (sotepe.ProcurementTotals, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	var t sotepe.ProcurementTotals
	err := s.readers.QueryRowContext(ctx, `
		SELECT COUNT(*), COUNT(DISTINCT producer_id), COALESCE(SUM(value_cents), 0),
			COALESCE(SUM(CASE WHEN social_criteria THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN environmental_criteria THEN 1 ELSE 0 END), 0)
		FROM contracts WHERE valid_from <= $2 AND valid_to >= $1`, from, to).
		Scan(&t.Contracts, &t.Partners, &t.ValueCents, &t.Social, &t.Environmental)
	if err != nil {
		return t, s.fail("count contracts", err)
	}
	err = s.readers.QueryRowContext(ctx, `
		SELECT COUNT(DISTINCT kind_id) FROM voucher_values WHERE valid_from <= $2 AND valid_to >= $1`, from, to).Scan(&t.VoucherKinds)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return t, s.fail("count voucher kinds", err)
}

// LoadProcurement stores a generated year's producers (left as they are
// when they exist), registrations, contracts and voucher kinds in one
// transaction, without audit rows: a bulk load, like the generated events.
func (s *Store) LoadProcurement(ctx context.Context, b sotepe.ProcurementBulk) error {
	for _, k := range b.VoucherKinds {
		if err := sotepe.CheckValuePeriods(k.Values); err != nil {
			return err
		}
	}
	for _, c := range b.Contracts {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return s.inTx(ctx, "load procurement", func(tx *sql.Tx) error {
		for _, p := range b.Producers {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO producers (id, name_fi, name_sv, name_en, kind) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
				p.ID, p.Names.Fi, p.Names.Sv, p.Names.En, string(p.Kind)); err != nil {
				return err
			}
		}
		for _, r := range b.Registrations {
			if _, err := tx.ExecContext(ctx, `UPDATE producers SET business_id = $1, register_id = $2 WHERE id = $3`,
				r.BusinessID, r.RegisterID, r.ProducerID); err != nil {
				return err
			}
		}
		for i := range b.Contracts {
			if err := s.insertContract(ctx, tx, &b.Contracts[i]); err != nil {
				return err
			}
		}
		// A kind there already (the demo's) keeps its periods; a generated
		// period is added only where none of them overlaps it.
		for _, k := range b.VoucherKinds {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO voucher_kinds (id, service_id, name_fi, name_sv, name_en) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
				k.ID, nullText(k.ServiceID), k.Names.Fi, k.Names.Sv, k.Names.En); err != nil {
				return err
			}
			for _, v := range k.Values {
				if _, err := tx.ExecContext(ctx, `
					INSERT INTO voucher_values (kind_id, valid_from, valid_to, base_cents, coefficient_bp)
					SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (
						SELECT 1 FROM voucher_values WHERE kind_id = $1 AND valid_from <= $3 AND valid_to >= $2)`,
					k.ID, v.ValidFrom, v.ValidTo, v.BaseCents, v.Coefficient); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
