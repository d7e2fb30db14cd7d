package store

import (
	"context"
	"database/sql"
	"time"

	"sotepe"
)

// checkClosureDate is EInvalid ("error.closure_day") unless date is a real
// YYYY-MM-DD date.
func checkClosureDate(date string) error {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return sotepe.Invalid("error.closure_day", "a closure day needs a date YYYY-MM-DD")
	}
	return nil
}

func closureObject(date string) string { return "closure:" + date }

// ClosureDays returns every closure day, ordered by date. A failed read is
// EInternal or EUnavailable.
func (s *Store) ClosureDays(ctx context.Context) ([]sotepe.ClosureDay, error) {
	out, err := queryInto(ctx, s.readers, func(d *sotepe.ClosureDay) []any {
		return []any{&d.Date, &d.Names.Fi, &d.Names.Sv, &d.Names.En}
	}, `SELECT date, name_fi, name_sv, name_en FROM closure_days ORDER BY date`)
	return out, s.fail("list closure days", err)
}

// SaveClosureDay adds a closure day, or renames the one on its date, with
// its audit row (calendar.closure, object "closure:<date>"). A date that is
// not a real YYYY-MM-DD date, or names missing in any of the three
// languages, is EInvalid ("error.closure_day"); a date outside the years
// sotepe.ClosureDay.CheckDate allows at the store's now is EInvalid
// ("error.closure_day_range").
func (s *Store) SaveClosureDay(ctx context.Context, d sotepe.ClosureDay) error {
	if err := d.CheckDate(s.now().In(s.zone)); err != nil {
		return err
	}
	if !d.Names.Complete() {
		return sotepe.Invalid("error.closure_day", "a closure day needs names in fi, sv and en")
	}
	return s.inTx(ctx, "save closure day", func(tx *sql.Tx) error {
		if err := upsertNames(ctx, tx, "closure_days", "date", d.Date, d.Names); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, "calendar.closure", closureObject(d.Date), 0)
	})
}

// DeleteClosureDay removes the closure day on date, with its audit row
// (calendar.closure, object "closure:<date>"). A malformed date is EInvalid
// ("error.closure_day"); a date that is no closure day is ENotFound.
func (s *Store) DeleteClosureDay(ctx context.Context, date string) error {
	if err := checkClosureDate(date); err != nil {
		return err
	}
	return s.inTx(ctx, "delete closure day", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("closure day"),
			`DELETE FROM closure_days WHERE date = $1`, date); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, "calendar.closure", closureObject(date), 0)
	})
}
