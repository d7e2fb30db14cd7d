package fhir

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// StaffReader reads the professionals and managers of the units (the store
// is one). Package fhir shows of them only the name and the units they work
// at, never a username, e-mail address or identity code.
type StaffReader interface {
	// User returns one account, or ENotFound.
	User(ctx context.Context, id int64) (sotepe.User, error)
	// UnitStaff returns the enabled professionals and managers of a unit.
	UnitStaff(ctx context.Context, unitID string) ([]sotepe.User, error)
}

// roleSystem is the code system of a staff member's role at a unit.
const roleSystem = "urn:sotepe:role"

// Practitioners and their roles at units. No existing public rule shows
// the names of a unit's staff (the portal shows them only to colleagues),
// so these are not public: a signed-in person reads them, and a system
// with system/Practitioner.read; anybody else gets 401.
var (
	practitionerType = resourceType{name: "Practitioner", scope: sotepe.ScopeFHIRPractitionerRead,
		read: (*Handler).readPractitioner, search: (*Handler).searchPractitioners,
		params: map[string]bool{"_id": true, "name": true}}
	practitionerRoleType = resourceType{name: "PractitionerRole", scope: sotepe.ScopeFHIRPractitionerRead,
		read: (*Handler).readPractitionerRole, search: (*Handler).searchPractitionerRoles,
		params: map[string]bool{"_id": true, "location": true, "practitioner": true}}
)

// staffAccess lets a signed-in person or a system (whose scope the routing
// already checked) through, and nobody else.
func (h *Handler) staffAccess(q *request) error {
	if q.token == "" && q.user == nil {
		return &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.unauthorized", Message: "sign in first"}
	}
	return nil
}

// isPractitioner reports whether an account is an enabled professional or
// manager with a unit: the accounts served as Practitioners.
func isPractitioner(u sotepe.User) bool {
	return !u.Disabled && len(u.Units) > 0 && (u.Has(sotepe.RoleProfessional) || u.Has(sotepe.RoleManager))
}

// practitioner maps a staff member: the id and the name, nothing else.
func practitioner(u sotepe.User) resource {
	id := strconv.FormatInt(u.ID, 10)
	p := fhir.Practitioner{Id: ptr(id), Active: ptr(true),
		Name: []fhir.HumanName{{Use: ptr(fhir.NameUseUsual), Text: ptr(u.Name)}}}
	return resource{typ: "Practitioner", id: id, v: p, private: true}
}

// practitionerRole maps a staff member's work at a unit.
func practitionerRole(u sotepe.User, unit sotepe.Unit) resource {
	id := strconv.FormatInt(u.ID, 10) + "." + unit.ID
	role := sotepe.RoleProfessional
	if u.Has(sotepe.RoleManager) {
		role = sotepe.RoleManager
	}
	pr := fhir.PractitionerRole{Id: ptr(id), Active: ptr(true),
		Practitioner: &fhir.Reference{Reference: ptr("Practitioner/" + strconv.FormatInt(u.ID, 10)), Display: ptr(u.Name)},
		Organization: reference("Organization", unit.ProducerID),
		Location:     []fhir.Reference{*reference("Location", unit.ID)},
		Code:         []fhir.CodeableConcept{{Coding: []fhir.Coding{coding(roleSystem, string(role), "")}}}}
	return resource{typ: "PractitionerRole", id: id, v: pr, private: true}
}

// staffMember reads a practitioner by FHIR id: 404 for anything but an
// enabled professional or manager.
func (h *Handler) staffMember(q *request, id string) (sotepe.User, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return sotepe.User{}, notFound("practitioner")
	}
	u, err := h.cfg.Staff.User(q.ctx, n)
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && !isPractitioner(u) {
		return sotepe.User{}, notFound("practitioner")
	}
	return u, err
}

func (h *Handler) readPractitioner(q *request, id string) (resource, error) {
	if err := h.staffAccess(q); err != nil {
		return resource{}, err
	}
	u, err := h.staffMember(q, id)
	if err != nil {
		return resource{}, err
	}
	return practitioner(u), nil
}

// allUnits lists every unit of the directory, by Finnish name.
func (h *Handler) allUnits(q *request) ([]sotepe.Unit, error) {
	var out []sotepe.Unit
	err := h.eachUnit(q, "", func(u sotepe.Unit) bool {
		out = append(out, u)
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// searchPractitioners lists the staff of every unit, once each, by name
// and id, narrowed by _id or a part of the name (accents ignored).
func (h *Handler) searchPractitioners(q *request, p searchParams) (searchResult, error) {
	if err := h.staffAccess(q); err != nil {
		return searchResult{}, err
	}
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readPractitioner)
	}
	name, err := p.one("name")
	if err != nil {
		return searchResult{}, err
	}
	name = sotepe.FoldText(name)
	units, err := h.allUnits(q)
	if err != nil {
		return searchResult{}, err
	}
	seen := map[int64]bool{}
	var staff []sotepe.User
	for _, unit := range units {
		us, err := h.cfg.Staff.UnitStaff(q.ctx, unit.ID)
		if err != nil {
			return searchResult{}, err
		}
		for _, u := range us {
			if seen[u.ID] || name != "" && !strings.Contains(sotepe.FoldText(u.Name), name) {
				continue
			}
			seen[u.ID] = true
			staff = append(staff, u)
		}
	}
	slices.SortFunc(staff, func(a, b sotepe.User) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return offsetResult(staff, p.page, practitioner)
}

func (h *Handler) readPractitionerRole(q *request, id string) (resource, error) {
	if err := h.staffAccess(q); err != nil {
		return resource{}, err
	}
	userID, unitID, ok := strings.Cut(id, ".")
	if !ok {
		return resource{}, notFound("practitioner role")
	}
	u, err := h.staffMember(q, userID)
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && !u.MemberOf(unitID) {
		return resource{}, notFound("practitioner role")
	} else if err != nil {
		return resource{}, err
	}
	unit, err := h.cfg.Directory.Unit(q.ctx, unitID)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return resource{}, notFound("practitioner role")
	} else if err != nil {
		return resource{}, err
	}
	return practitionerRole(u, unit), nil
}

// searchPractitionerRoles lists who works where: at one unit (location),
// one practitioner's units (practitioner), or everyone's, by unit and
// then name.
func (h *Handler) searchPractitionerRoles(q *request, p searchParams) (searchResult, error) {
	if err := h.staffAccess(q); err != nil {
		return searchResult{}, err
	}
	if id, err := p.one("_id"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		return h.searchByID(q, id, p, h.readPractitionerRole)
	}
	at, err := h.locationUnit(q, p)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return searchResult{}, nil
	} else if err != nil {
		return searchResult{}, err
	}
	var units []sotepe.Unit
	if at != nil {
		units = []sotepe.Unit{*at}
	} else if units, err = h.allUnits(q); err != nil {
		return searchResult{}, err
	}
	var who int64
	if id, err := p.ref("practitioner", "Practitioner"); err != nil {
		return searchResult{}, err
	} else if id != "" {
		if who, err = strconv.ParseInt(id, 10, 64); err != nil || who <= 0 {
			return searchResult{}, nil
		}
	}
	type role struct {
		u    sotepe.User
		unit sotepe.Unit
	}
	var roles []role
	for _, unit := range units {
		us, err := h.cfg.Staff.UnitStaff(q.ctx, unit.ID)
		if err != nil {
			return searchResult{}, err
		}
		for _, u := range us {
			if who == 0 || u.ID == who {
				roles = append(roles, role{u, unit})
			}
		}
	}
	return offsetResult(roles, p.page, func(r role) resource { return practitionerRole(r.u, r.unit) })
}
