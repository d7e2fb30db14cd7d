package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"

	"sotepe"
)

// The population figures and the participation records; see
// sotepe.ParticipationStore.

// SaveParticipationRecords stores r whole or nothing; see
// sotepe.ParticipationStore.
func (s *Store) SaveParticipationRecords(ctx context.Context, r sotepe.ParticipationRecords) error {
	if err := cmp.Or(validRecords("population", r.Population), validRecords("experience_expert", r.Experts),
		validRecords("participation_event", r.Events)); err != nil {
		return err
	}
	return s.inTx(ctx, "save participation records", func(tx *sql.Tx) error {
		areas, err := ids(ctx, tx, "areas")
		if err != nil {
			return err
		}
		if err := knownAreas("experience_expert", r.Experts, func(e sotepe.ExperienceExpert) bool { return areas[e.AreaID] }); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO population_years (year, residents, native_languages, growth_from_elsewhere_percent)`,
			`ON CONFLICT (year) DO UPDATE SET residents = excluded.residents, native_languages = excluded.native_languages,
			growth_from_elsewhere_percent = excluded.growth_from_elsewhere_percent`, 4, len(r.Population), func(i int) []any {
				p := r.Population[i]
				return []any{p.Year, p.Residents, p.NativeLanguages, p.GrowthFromElsewherePercent}
			}); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO experience_experts (expert_key, start_date, area_id, end_date)`,
			`ON CONFLICT (expert_key, start_date) DO UPDATE SET area_id = excluded.area_id, end_date = excluded.end_date`,
			4, len(r.Experts), func(i int) []any {
				e := r.Experts[i]
				return []any{e.Key, e.Start, e.AreaID, nullString(e.End)}
			}); err != nil {
			return err
		}
		return upsertRows(ctx, tx, `INSERT INTO participation_events (id, kind, day)`,
			`ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, day = excluded.day`, 3, len(r.Events), func(i int) []any {
				e := r.Events[i]
				return []any{e.ID, string(e.Kind), e.Day}
			})
	})
}

// PopulationYear returns the population figures of year, or ENotFound.
func (s *Store) PopulationYear(ctx context.Context, year int) (sotepe.PopulationYear, error) {
	p := sotepe.PopulationYear{Year: year}
	err := s.figures().QueryRowContext(ctx, `SELECT residents, native_languages, growth_from_elsewhere_percent
		FROM population_years WHERE year = $1`, year).Scan(&p.Residents, &p.NativeLanguages, &p.GrowthFromElsewherePercent)
	if errors.Is(err, sql.ErrNoRows) {
		return p, sotepe.NotFound("population year")
	}
	return p, s.fail("population year", err)
}

// ExperienceExperts counts by area the experience experts engaged on some
// day from from to to.
func (s *Store) ExperienceExperts(ctx context.Context, from, to string) ([]sotepe.AreaCount, error) {
	out, err := queryInto(ctx, s.figures(), func(c *sotepe.AreaCount) []any { return []any{&c.AreaID, &c.Count} },
		`SELECT area_id, COUNT(DISTINCT expert_key) FROM experience_experts
		WHERE start_date <= $2 AND (end_date IS NULL OR end_date >= $1) GROUP BY area_id ORDER BY area_id`, from, to)
	return out, s.fail("experience experts", err)
}

// ParticipationEvents counts by kind the events held from from to to.
func (s *Store) ParticipationEvents(ctx context.Context, from, to string) (map[sotepe.ParticipationKind]int64, error) {
	type row struct {
		kind string
		n    int64
	}
	rows, err := queryInto(ctx, s.figures(), func(r *row) []any { return []any{&r.kind, &r.n} },
		`SELECT kind, COUNT(*) FROM participation_events WHERE day >= $1 AND day <= $2 GROUP BY kind`, from, to)
	if err != nil {
		return nil, s.fail("participation events", err)
	}
	out := map[sotepe.ParticipationKind]int64{}
	for _, r := range rows {
		out[sotepe.ParticipationKind(r.kind)] = r.n
	}
	return out, nil
}
