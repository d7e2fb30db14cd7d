package sotepe

import (
	"context"
	"slices"
	"time"
)

// This file holds the outside registers that tell whether a person may act on
// behalf of another: the population information system (väestötietojärjestelmä)
// for a guardian's custody of minors, and Suomi.fi Valtuudet (e-Authorizations)
// for mandates one adult gives another. The popreg and valtuudet packages
// implement them.

// Person is a person as an outside register knows them.
type Person struct{ PersonalID, FirstName, LastName string }

// PopulationRegister tells whose guardian a person is (huoltajuus) and
// where a person lives, as the population information system does.
type PopulationRegister interface {
	// Children returns the minors in the custody of the person with guardianPersonalID
	// (any age under 18 on the register's day; the caller checks age itself too).
	// A register that does not answer is EUnavailable ("error.register_unavailable").
	Children(ctx context.Context, guardianPersonalID string) ([]Person, error)
	// Home returns the home municipality of the person with personalID
	// and whether their address is protected (turvakielto); a person the
	// register does not know has a zero Home, which is no error. A
	// register that does not answer is EUnavailable
	// ("error.register_unavailable").
	Home(ctx context.Context, personalID string) (Home, error)
}

// Home is where a person lives as the population register tells it.
type Home struct {
	// Municipality is the home municipality's code in the municipality
	// code system (Kuntakoodisto, urn:oid:1.2.246.537.6.21.2003): three
	// digits, e.g. 091 Helsinki; empty when unknown.
	Municipality string
	// Protected marks address protection (turvakielto): the address and
	// the home municipality are not to be shown to anyone who has no
	// statutory need of them.
	Protected bool
}

// Mandate is a mandate in force (Suomi.fi Valtuudet, person for person): the delegate may act
// for Principal in Issues until ValidUntil (zero: no end date).
type Mandate struct {
	Principal  Person
	Issues     []string
	ValidUntil time.Time
}

// InForce reports whether the mandate is in force at now: it has no end date,
// or now is not after ValidUntil.
func (m Mandate) InForce(now time.Time) bool {
	return m.ValidUntil.IsZero() || !now.After(m.ValidUntil)
}

// Covers reports whether the mandate is given for issue.
func (m Mandate) Covers(issue string) bool { return slices.Contains(m.Issues, issue) }

// IssueHealthCare is the Valtuudet issue code (valtuuskoodi) for health and
// social care matters: booking and cancelling appointments, contact requests,
// assessments and their answers on the principal's behalf. Valtuudet issue
// codes are agreed per e-service when it is taken into use; this is the code
// sotepe registers, in the lower-case, hyphenated Finnish form the register's
// codes take.
const IssueHealthCare = "terveys-ja-sosiaalipalvelujen-asiointi"

// MandateRegister asks the mandate register.
type MandateRegister interface {
	// Principals returns the people who have given delegatePersonalID a mandate in force for issue.
	// A register that does not answer is EUnavailable ("error.register_unavailable").
	Principals(ctx context.Context, delegatePersonalID, issue string) ([]Mandate, error)
	// Allowed reports whether the delegate may act for the principal in issue now.
	// A register that does not answer is EUnavailable ("error.register_unavailable").
	Allowed(ctx context.Context, delegatePersonalID, principalPersonalID, issue string) (bool, error)
}

// RegisterUnavailable returns the error for an outside register that does
// not answer, or answers nonsense: EUnavailable with the catalog key
// "error.register_unavailable". register names it in English for the logs
// ("population register", "Suomi.fi Valtuudet"); err, the cause, is never
// shown and must not carry personal data.
func RegisterUnavailable(register string, err error) *Error {
	return &Error{
		Code:    EUnavailable,
		Key:     "error.register_unavailable",
		Message: register + " does not answer",
		Err:     err,
	}
}

// AdultAge is the age of majority in Finland: a guardian acts for a child
// until the child turns 18.
const AdultAge = 18

// AgeOn returns a person's age in full years on the calendar day of on (in
// on's own location; pass a time in Europe/Helsinki), for a person born on
// the calendar day of birth (as ParsePersonalID returns it). Someone born on
// 29 February has their birthday on 28 February in common years, as Finnish
// law counts periods that end on a day the month lacks.
func AgeOn(birth, on time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := on.Date()
	age := y - by
	if bm == time.February && bd == 29 && !leapYear(y) {
		bd = 28
	}
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

func leapYear(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
