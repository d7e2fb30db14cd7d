// Package acting lets a resident act for another person: a guardian for a
// child in their custody, as the population register tells, and a delegate
// for someone who gave them a mandate in the mandate register (Suomi.fi
// Valtuudet). It implements sotepe.ActingService.
//
// The registers are asked when the resident lists or chooses whom to act
// for; the choice is kept with the session together with the day the right
// ends (the child's 18th birthday, the mandate's end), and every request
// checks that day and a minor's refusal again, so a right never outlives
// itself. A change in the registers themselves takes effect at the next
// choice or sign-in.
package acting

import (
	"context"
	"slices"
	"strings"
	"time"

	"sotepe"
)

// Store is what the service reads and writes.
type Store interface {
	sotepe.Residents
	sotepe.Identification
	sotepe.Audit
}

// Service implements sotepe.ActingService.
type Service struct {
	store      Store
	population sotepe.PopulationRegister
	mandates   sotepe.MandateRegister
	zone       *time.Location
	now        func() time.Time
}

var _ sotepe.ActingService = (*Service)(nil)

// New returns a Service over st that asks population for guardianships and
// mandates (nil: no mandate register) for mandates, with days counted in
// zone and the time from now.
func New(st Store, population sotepe.PopulationRegister, mandates sotepe.MandateRegister, zone *time.Location, now func() time.Time) *Service {
	return &Service{store: st, population: population, mandates: mandates, zone: zone, now: now}
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "only residents act for others"}
}

// delegate returns the signed-in person's resident id: their own, also
// while they act for someone.
func delegate(u sotepe.User) (int64, error) {
	if u.Acting != nil {
		return u.Acting.DelegateResidentID, nil
	}
	if !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
		return 0, forbidden()
	}
	return u.ResidentID, nil
}

// Principals lists whom u may act for, by name.
func (s *Service) Principals(ctx context.Context, u sotepe.User) ([]sotepe.Principal, error) {
	id, err := delegate(u)
	if err != nil {
		return nil, err
	}
	self, err := s.store.Resident(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now().In(s.zone)
	out := []sotepe.Principal{}
	children, err := s.population.Children(ctx, self.PersonalID)
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		birth, err := sotepe.ParsePersonalID(c.PersonalID)
		if err != nil {
			continue // a register row sotepe cannot read names nobody it can serve
		}
		age := sotepe.AgeOn(birth, now)
		if age >= sotepe.AdultAge {
			continue
		}
		r, err := s.store.EnsureResident(ctx, sotepe.Resident{PersonalID: c.PersonalID, FirstName: c.FirstName, LastName: c.LastName, Lang: self.Lang})
		if err != nil {
			return nil, err
		}
		out = append(out, sotepe.Principal{
			ResidentID: r.ID, Name: r.FullName(), Basis: sotepe.ActingGuardian,
			Until:  sotepe.Birthday(birth, sotepe.AdultAge, s.zone),
			Denied: r.GuardiansDenied && age >= sotepe.ConsentAge,
		})
	}
	if s.mandates != nil {
		ms, err := s.mandates.Principals(ctx, self.PersonalID, sotepe.IssueHealthCare)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !m.ValidUntil.IsZero() && !now.Before(m.ValidUntil) {
				continue
			}
			if _, err := sotepe.ParsePersonalID(m.Principal.PersonalID); err != nil {
				continue
			}
			r, err := s.store.EnsureResident(ctx, sotepe.Resident{PersonalID: m.Principal.PersonalID, FirstName: m.Principal.FirstName, LastName: m.Principal.LastName, Lang: self.Lang})
			if err != nil {
				return nil, err
			}
			if r.ID == self.ID || slices.ContainsFunc(out, func(p sotepe.Principal) bool { return p.ResidentID == r.ID }) {
				continue
			}
			out = append(out, sotepe.Principal{ResidentID: r.ID, Name: r.FullName(), Basis: sotepe.ActingMandate, Until: m.ValidUntil})
		}
	}
	slices.SortFunc(out, func(a, b sotepe.Principal) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Choose makes the session act for principalID, or for u when it is 0.
func (s *Service) Choose(ctx context.Context, u sotepe.User, tokenHash []byte, principalID int64) (sotepe.Principal, error) {
	self, err := delegate(u)
	if err != nil {
		return sotepe.Principal{}, err
	}
	var chosen sotepe.Principal
	if principalID != 0 && principalID != self {
		list, err := s.Principals(ctx, u)
		if err != nil {
			return chosen, err
		}
		i := slices.IndexFunc(list, func(p sotepe.Principal) bool { return p.ResidentID == principalID })
		if i < 0 {
			return chosen, sotepe.NotFound("principal")
		}
		chosen = list[i]
		if chosen.Denied {
			return sotepe.Principal{}, &sotepe.Error{Code: sotepe.EForbidden, Key: "error.acting_denied", Message: "the minor has forbidden their guardians to act for them"}
		}
	}
	if err := s.store.SetActing(ctx, tokenHash, chosen); err != nil {
		return sotepe.Principal{}, err
	}
	a := sotepe.ActorFrom(ctx)
	err = s.store.RecordAudit(ctx, sotepe.AuditEntry{
		ActorID: u.ID, ActorRole: sotepe.RoleResident, RequestID: a.RequestID, Action: sotepe.ActionActingChoose,
		ResidentID: chosen.ResidentID, OnBehalfOf: chosen.ResidentID, Object: string(chosen.Basis),
	})
	return chosen, err
}

// Effective returns the user of a request in session sess.
func (s *Service) Effective(ctx context.Context, u sotepe.User, sess sotepe.Session) (sotepe.User, error) {
	if sess.ActingFor == 0 {
		return u, nil
	}
	end := func() (sotepe.User, error) {
		if err := s.store.SetActing(ctx, sess.TokenHash, sotepe.Principal{}); err != nil && sotepe.ErrorCode(err) != sotepe.ENotFound {
			return u, err
		}
		return u, nil
	}
	now := s.now()
	if !sess.ActingUntil.IsZero() && !now.Before(sess.ActingUntil) {
		return end()
	}
	p, err := s.store.Resident(ctx, sess.ActingFor)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return end()
	}
	if err != nil {
		return u, err
	}
	if sess.ActingBasis == sotepe.ActingGuardian {
		birth, err := sotepe.ParsePersonalID(p.PersonalID)
		if err != nil {
			return end()
		}
		age := sotepe.AgeOn(birth, now.In(s.zone))
		if age >= sotepe.AdultAge || p.GuardiansDenied && age >= sotepe.ConsentAge {
			return end()
		}
	}
	eff := u
	eff.ResidentID = p.ID
	eff.Roles = []sotepe.Role{sotepe.RoleResident}
	eff.Units = nil
	eff.Acting = &sotepe.Acting{
		Principal:          sotepe.Principal{ResidentID: p.ID, Name: p.FullName(), Basis: sess.ActingBasis, Until: sess.ActingUntil},
		DelegateResidentID: u.ResidentID,
		DelegateName:       u.Name,
	}
	return eff, nil
}

// SetGuardiansDenied lets a minor of 12–17 forbid their guardians to act.
func (s *Service) SetGuardiansDenied(ctx context.Context, u sotepe.User, denied bool) error {
	if u.Acting != nil || !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
		return forbidden()
	}
	r, err := s.store.Resident(ctx, u.ResidentID)
	if err != nil {
		return err
	}
	birth, err := sotepe.ParsePersonalID(r.PersonalID)
	if err != nil {
		return err
	}
	if age := sotepe.AgeOn(birth, s.now().In(s.zone)); age < sotepe.ConsentAge || age >= sotepe.AdultAge {
		return sotepe.Invalid("error.guardians_age", "only a minor of 12 to 17 may forbid their guardians")
	}
	return s.store.SetGuardiansDenied(ctx, r.ID, denied)
}

// ActingLog returns what u did acting for others.
func (s *Service) ActingLog(ctx context.Context, u sotepe.User, p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
	if _, err := delegate(u); err != nil {
		return sotepe.Page[sotepe.Access]{}, err
	}
	return s.store.ActingLog(ctx, u.ID, p)
}
