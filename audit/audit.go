// Package audit reads the audit trail for the people who oversee it: entries
// per day and action, never who read whose data. It implements
// sotepe.AuditService and decides who sees which units: a manager their own
// units, analysts and administrators every unit.
package audit

import (
	"context"
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
