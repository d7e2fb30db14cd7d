// Package audit reads the audit trail for the people who oversee it: entries
// per day and action, never who read whose data. It implements
// sotepe.AuditService and decides who sees which units: a manager their own
// units, analysts and administrators every unit.
package audit

import (
	"context"
	"log/slog"
	"time"

	"sotepe"
)

// Service implements sotepe.AuditService over the store's audit trail.
type Service struct {
	store sotepe.Audit
}

var _ sotepe.AuditService = (*Service)(nil)

// New returns a Service over st.
func New(st sotepe.Audit) *Service { return &Service{store: st} }

// Summary returns the entries per day and action between from and to that u
// may see.
func (s *Service) Summary(ctx context.Context, u sotepe.User, from, to string) ([]sotepe.AuditCount, error) {
	var units []string // nil: every unit
	switch {
	case u.Has(sotepe.RoleAnalyst) || u.Has(sotepe.RoleAdmin):
	case u.Has(sotepe.RoleManager):
		units = append([]string{}, u.Units...)
	default:
		return nil, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
	}
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, sotepe.Invalid("error.date", "dates are YYYY-MM-DD")
		}
	}
	counts, err := s.store.AuditCounts(ctx, from, to, units)
	if counts == nil && err == nil {
		counts = []sotepe.AuditCount{}
	}
	return counts, err
}

// foldRows is how many logged entries one transaction of Fold adds to the
// roll-up: on SQLite, some milliseconds of the one writer.
const foldRows = 2000

// maxFoldRounds bounds one call of Fold, so that a burst of entries does
// not hold the loop.
const maxFoldRounds = 50

// Fold adds the audit trail's logged new entries to the roll-up that the
// summary reads, in short transactions, until the log is empty, another
// process is folding, or 50 rounds have run; it returns how many entries it
// added. The summary is right without it; folding keeps it fast.
func (s *Service) Fold(ctx context.Context) (int, error) {
	return sotepe.FoldRounds(ctx, maxFoldRounds, foldRows, s.store.FoldAuditCounts)
}

// RunFolds folds (see Fold) every interval until ctx ends. A failed fold is
// logged to log and tried again at the next tick.
func (s *Service) RunFolds(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Fold(ctx); err != nil && ctx.Err() == nil {
			log.Warn("folding the audit summary's log failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
