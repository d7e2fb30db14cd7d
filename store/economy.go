package store

import (
	"cmp"
	"context"
	"database/sql"

	"sotepe"
)

// The economy and sustainability records; see sotepe.EconomyStore.

// SaveEconomyRecords stores r whole or nothing; see sotepe.EconomyStore.
func (s *Store) SaveEconomyRecords(ctx context.Context, r sotepe.EconomyRecords) error {
	if err := cmp.Or(validRecords("budget", r.Budget), validRecords("measure", r.Measures),
		validRecords("hired_labour", r.HiredLabour), validRecords("car", r.Cars), validRecords("solar", r.Solar),
		validRecords("plastic", r.Plastic)); err != nil {
		return err
	}
	return s.inTx(ctx, "save economy records", func(tx *sql.Tx) error {
		areas, err := ids(ctx, tx, "areas")
		if err != nil {
			return err
		}
		if err := cmp.Or(
			knownAreas("budget", r.Budget, func(b sotepe.BudgetMonth) bool { return areas[b.AreaID] }),
			knownAreas("measure", r.Measures, func(m sotepe.ChangeMeasure) bool { return m.AreaID == "" || areas[m.AreaID] }),
			knownAreas("hired_labour", r.HiredLabour, func(h sotepe.HiredLabourMonth) bool { return areas[h.AreaID] })); err != nil {
			return err
		}
		if len(r.Solar) > 0 {
			units, err := ids(ctx, tx, "units")
			if err != nil {
				return err
			}
			for i, m := range r.Solar {
				if !units[m.UnitID] {
					return sotepe.InvalidField("unit", "economy.error.unit", "unknown unit").With(map[string]any{"Kind": "solar", "Index": i})
				}
			}
		}
		if err := upsertRows(ctx, tx, `INSERT INTO budget_months (month, area_id, budget_eur, actual_eur)`,
			`ON CONFLICT (month, area_id) DO UPDATE SET budget_eur = excluded.budget_eur, actual_eur = excluded.actual_eur`,
			4, len(r.Budget), func(i int) []any {
				b := r.Budget[i]
				return []any{b.Month, b.AreaID, b.BudgetEUR, b.ActualEUR}
			}); err != nil {
			return err
		}
		for _, m := range r.Measures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO change_measures (id, name_fi, name_sv, name_en, area_id, target_eur, target_year)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
				name_en = excluded.name_en, area_id = excluded.area_id, target_eur = excluded.target_eur, target_year = excluded.target_year`,
				m.ID, m.Names.Fi, m.Names.Sv, m.Names.En, nullString(m.AreaID), m.TargetEUR, m.TargetYear); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM change_measure_savings WHERE measure_id = $1`, m.ID); err != nil {
				return err
			}
			for _, a := range m.Achieved {
				if _, err := tx.ExecContext(ctx, `INSERT INTO change_measure_savings (measure_id, year, eur) VALUES ($1, $2, $3)
					ON CONFLICT (measure_id, year) DO UPDATE SET eur = excluded.eur`, m.ID, a.Year, a.EUR); err != nil {
					return err
				}
			}
		}
		if err := upsertRows(ctx, tx, `INSERT INTO hired_labour_months (month, area_id, eur)`,
			`ON CONFLICT (month, area_id) DO UPDATE SET eur = excluded.eur`, 3, len(r.HiredLabour), func(i int) []any {
				h := r.HiredLabour[i]
				return []any{h.Month, h.AreaID, h.EUR}
			}); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO fleet_cars (id, electric, in_service, out_of_service)`,
			`ON CONFLICT (id) DO UPDATE SET electric = excluded.electric, in_service = excluded.in_service,
			out_of_service = excluded.out_of_service`, 4, len(r.Cars), func(i int) []any {
				c := r.Cars[i]
				return []any{c.ID, c.Electric, c.InService, nullString(c.OutOfService)}
			}); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO solar_months (month, unit_id, kwh)`,
			`ON CONFLICT (month, unit_id) DO UPDATE SET kwh = excluded.kwh`, 3, len(r.Solar), func(i int) []any {
				m := r.Solar[i]
				return []any{m.Month, m.UnitID, m.KWh}
			}); err != nil {
			return err
		}
		return upsertRows(ctx, tx, `INSERT INTO plastic_months (month, kg)`,
			`ON CONFLICT (month) DO UPDATE SET kg = excluded.kg`, 2, len(r.Plastic), func(i int) []any {
				p := r.Plastic[i]
				return []any{p.Month, p.Kg}
			})
	})
}

// BudgetMonths returns the budget lines of the months from to to.
func (s *Store) BudgetMonths(ctx context.Context, from, to string) ([]sotepe.BudgetMonth, error) {
	out, err := queryInto(ctx, s.figures(), func(b *sotepe.BudgetMonth) []any { return []any{&b.AreaID, &b.Month, &b.BudgetEUR, &b.ActualEUR} },
		`SELECT area_id, month, budget_eur, actual_eur FROM budget_months WHERE month >= $1 AND month <= $2 ORDER BY area_id, month`, from, to)
	return out, s.fail("budget months", err)
}

// ChangeMeasures returns every measure with its savings.
func (s *Store) ChangeMeasures(ctx context.Context) ([]sotepe.ChangeMeasure, error) {
	ms, err := queryAll(ctx, s.figures(), func(rows *sql.Rows) (m sotepe.ChangeMeasure, err error) {
		var area sql.NullString
		err = rows.Scan(&m.ID, &m.Names.Fi, &m.Names.Sv, &m.Names.En, &area, &m.TargetEUR, &m.TargetYear)
		m.AreaID = area.String
		m.Achieved = []sotepe.MeasureSaving{}
		return
	}, `SELECT id, name_fi, name_sv, name_en, area_id, target_eur, target_year FROM change_measures ORDER BY id`)
	if err != nil {
		return nil, s.fail("change measures", err)
	}
	type saving struct {
		id string
		sotepe.MeasureSaving
	}
	sv, err := queryInto(ctx, s.figures(), func(v *saving) []any { return []any{&v.id, &v.Year, &v.EUR} },
		`SELECT measure_id, year, eur FROM change_measure_savings ORDER BY measure_id, year`)
	if err != nil {
		return nil, s.fail("change measure savings", err)
	}
	at := map[string]int{}
	for i, m := range ms {
		at[m.ID] = i
	}
	for _, v := range sv {
		if i, ok := at[v.id]; ok {
			ms[i].Achieved = append(ms[i].Achieved, v.MeasureSaving)
		}
	}
	return ms, nil
}

// HiredLabourMonths returns the hired-labour costs of the months from to to.
func (s *Store) HiredLabourMonths(ctx context.Context, from, to string) ([]sotepe.HiredLabourMonth, error) {
	out, err := queryInto(ctx, s.figures(), func(h *sotepe.HiredLabourMonth) []any { return []any{&h.AreaID, &h.Month, &h.EUR} },
		`SELECT area_id, month, eur FROM hired_labour_months WHERE month >= $1 AND month <= $2 ORDER BY area_id, month`, from, to)
	return out, s.fail("hired labour months", err)
}

// FleetOn counts the cars in service on day.
func (s *Store) FleetOn(ctx context.Context, day string) (sotepe.Fleet, error) {
	var f sotepe.Fleet
	err := s.figures().QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN electric THEN 1 ELSE 0 END), 0) FROM fleet_cars
		WHERE in_service <= $1 AND (out_of_service IS NULL OR out_of_service >= $1)`, day).Scan(&f.Cars, &f.Electric)
	return f, s.fail("fleet", err)
}

// SolarMonths returns the solar energy of the months from to to.
func (s *Store) SolarMonths(ctx context.Context, from, to string) ([]sotepe.SolarMonth, error) {
	out, err := queryInto(ctx, s.figures(), func(m *sotepe.SolarMonth) []any { return []any{&m.UnitID, &m.Month, &m.KWh} },
		`SELECT unit_id, month, kwh FROM solar_months WHERE month >= $1 AND month <= $2 ORDER BY unit_id, month`, from, to)
	return out, s.fail("solar months", err)
}

// PlasticMonths returns the sorted plastic of the months from to to.
func (s *Store) PlasticMonths(ctx context.Context, from, to string) ([]sotepe.PlasticMonth, error) {
	out, err := queryInto(ctx, s.figures(), func(p *sotepe.PlasticMonth) []any { return []any{&p.Month, &p.Kg} },
		`SELECT month, kg FROM plastic_months WHERE month >= $1 AND month <= $2 ORDER BY month`, from, to)
	return out, s.fail("plastic months", err)
}
