// Package popreg stands in for the population information system
// (väestötietojärjestelmä) of the Digital and Population Data Services Agency
// as sotepe.PopulationRegister: whose guardian a person is, and where a
// person lives (the home municipality and address protection).
//
// Fake answers from a custody list and a list of homes given in code (demo data and tests); a
// client of the real register's interface would be a second implementation of
// the same interface in this package.
package popreg

import (
	"context"
	"strings"
	"time"

	"sotepe"
)

// Custody says that the person with GuardianPersonalID is a guardian of Child.
type Custody struct {
	GuardianPersonalID string
	Child              sotepe.Person
}

// Residence says where the person with PersonalID lives.
type Residence struct {
	PersonalID string
	Home       sotepe.Home
}

// Fake is a population register that knows only the custodies it was given.
// It is safe for concurrent use as long as its fields are not changed.
type Fake struct {
	// Now is the register's clock; a child is a minor until their 18th
	// birthday on Now's calendar day.
	Now func() time.Time
	// Location is the time zone of that calendar day; nil: Now's own.
	// NewFake sets Europe/Helsinki when the time zone database has it.
	Location *time.Location
	// Down makes every answer EUnavailable, as when the register does not
	// answer.
	Down bool

	byGuardian map[string][]sotepe.Person
	homes      map[string]sotepe.Home
}

// NewFake returns a register holding custodies and homes, with the real
// clock. The personal identity codes are compared in upper case without
// surrounding space; the lists are copied.
func NewFake(custodies []Custody, homes ...Residence) *Fake {
	f := &Fake{Now: time.Now, byGuardian: make(map[string][]sotepe.Person), homes: make(map[string]sotepe.Home)}
	for _, h := range homes {
		f.homes[normalize(h.PersonalID)] = h.Home
	}
	if loc, err := time.LoadLocation("Europe/Helsinki"); err == nil {
		f.Location = loc
	}
	for _, c := range custodies {
		g := normalize(c.GuardianPersonalID)
		f.byGuardian[g] = append(f.byGuardian[g], c.Child)
	}
	return f
}

// Children returns the minors in the custody of the person with
// guardianPersonalID, in the order they were given: children who have turned
// 18 by the register's day are left out. Someone who is nobody's guardian has
// none (an empty list, not an error). A child whose personal identity code
// does not parse is an EInternal error, since the register's data is broken;
// the error names no one. When Down is set the answer is EUnavailable with the
// key "error.register_unavailable".
func (f *Fake) Children(ctx context.Context, guardianPersonalID string) ([]sotepe.Person, error) {
	if f.Down {
		return nil, sotepe.RegisterUnavailable("population register", nil)
	}
	if err := ctx.Err(); err != nil {
		return nil, sotepe.RegisterUnavailable("population register", err)
	}
	now := f.Now()
	if f.Location != nil {
		now = now.In(f.Location)
	}
	var minors []sotepe.Person
	for _, child := range f.byGuardian[normalize(guardianPersonalID)] {
		birth, err := sotepe.ParsePersonalID(child.PersonalID)
		if err != nil {
			return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "population register: a child's personal identity code does not parse"}
		}
		if sotepe.AgeOn(birth, now) < sotepe.AdultAge {
			minors = append(minors, child)
		}
	}
	return minors, nil
}

// Home returns where the person with personalID lives, as the homes given
// to NewFake say; a person not among them has a zero Home (no error). When
// Down is set the answer is EUnavailable with the key
// "error.register_unavailable".
func (f *Fake) Home(ctx context.Context, personalID string) (sotepe.Home, error) {
	if f.Down {
		return sotepe.Home{}, sotepe.RegisterUnavailable("population register", nil)
	}
	if err := ctx.Err(); err != nil {
		return sotepe.Home{}, sotepe.RegisterUnavailable("population register", err)
	}
	return f.homes[normalize(personalID)], nil
}

func normalize(personalID string) string { return strings.ToUpper(strings.TrimSpace(personalID)) }

var _ sotepe.PopulationRegister = (*Fake)(nil)
