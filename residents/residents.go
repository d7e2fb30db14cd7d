// Package residents serves residents' data: a resident's own data and the
// log of who has read it, and the audited reads by which staff find and
// read a resident. It implements sotepe.ResidentService over the store and
// decides who may ask: a resident only about themselves, staff always on a
// basis that the store records with the read.
package residents

import (
	"context"

	"sotepe"
)

// Store is what the service reads.
type Store interface {
	sotepe.Residents
	sotepe.StaffReads
	sotepe.Audit
	UnitStaff(ctx context.Context, unitID string) ([]sotepe.User, error)
}

// Service implements sotepe.ResidentService.
type Service struct {
	store Store
}

var _ sotepe.ResidentService = (*Service)(nil)

// New returns a Service over st.
func New(st Store) *Service { return &Service{store: st} }

// StaffRoles may read a resident's data, always on a basis and audited.
var StaffRoles = []sotepe.Role{sotepe.RoleProfessional, sotepe.RoleManager, sotepe.RoleAdmin}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
}

func isStaff(u sotepe.User) bool {
	for _, r := range StaffRoles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

func checkBasis(b sotepe.Basis) error {
	if !b.Valid() {
		return sotepe.Invalid("error.basis", "a valid basis for the read is required")
	}
	return nil
}

// Own returns the resident's own data; a user who is not a resident gets
// ENotFound.
func (s *Service) Own(ctx context.Context, u sotepe.User) (sotepe.Resident, error) {
	if u.ResidentID == 0 {
		return sotepe.Resident{}, sotepe.NotFound("resident")
	}
	return s.store.Resident(ctx, u.ResidentID)
}

// Read returns resident id to staff, audited on basis.
func (s *Service) Read(ctx context.Context, u sotepe.User, id int64, basis sotepe.Basis) (sotepe.Resident, error) {
	if !isStaff(u) {
		return sotepe.Resident{}, forbidden()
	}
	if err := checkBasis(basis); err != nil {
		return sotepe.Resident{}, err
	}
	return s.store.ReadResident(ctx, id, basis)
}

// Find returns the resident with personalID to staff, audited on basis.
func (s *Service) Find(ctx context.Context, u sotepe.User, personalID string, basis sotepe.Basis) (sotepe.Resident, error) {
	if !isStaff(u) {
		return sotepe.Resident{}, forbidden()
	}
	if err := checkBasis(basis); err != nil {
		return sotepe.Resident{}, err
	}
	if _, err := sotepe.ParsePersonalID(personalID); err != nil {
		return sotepe.Resident{}, err
	}
	return s.store.FindResident(ctx, personalID, basis)
}

// AccessLog returns the staff reads of the resident's own data.
func (s *Service) AccessLog(ctx context.Context, u sotepe.User, p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
	if !u.Has(sotepe.RoleResident) {
		return sotepe.Page[sotepe.Access]{}, forbidden()
	}
	if u.ResidentID == 0 {
		return sotepe.Page[sotepe.Access]{}, sotepe.NotFound("resident")
	}
	page, err := s.store.AccessLog(ctx, u.ResidentID, p)
	if page.Items == nil {
		page.Items = []sotepe.Access{}
	}
	return page, err
}

// Colleagues returns the staff of unit to its own staff and administrators.
func (s *Service) Colleagues(ctx context.Context, u sotepe.User, unit string) ([]sotepe.User, error) {
	if !u.Has(sotepe.RoleAdmin) && !(u.IsStaff() && u.MemberOf(unit)) {
		return nil, sotepe.NotFound("unit")
	}
	return s.store.UnitStaff(ctx, unit)
}
