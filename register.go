package sotepe

import (
	"context"
	"time"
)

// Person is a person as an outside register knows them.
type Person struct{ PersonalID, FirstName, LastName string }

// PopulationRegister tells whose guardian a person is (huoltajuus), as the
// population information system does.
type PopulationRegister interface {
	// Children returns the minors in the custody of the person with guardianPersonalID
	// (any age under 18 on the register's day; the caller checks age itself too).
	Children(ctx context.Context, guardianPersonalID string) ([]Person, error)
}

// Mandate is a mandate in force (Suomi.fi Valtuudet, person for person): the delegate may act
// for Principal in Issues until ValidUntil (zero: no end date).
type Mandate struct {
	Principal  Person
	Issues     []string
	ValidUntil time.Time
}

// IssueHealthCare is a placeholder until the helper's register.go lands.
const IssueHealthCare = "placeholder"

// MandateRegister asks the mandate register.
type MandateRegister interface {
	// Principals returns the people who have given delegatePersonalID a mandate in force for issue.
	Principals(ctx context.Context, delegatePersonalID, issue string) ([]Mandate, error)
	// Allowed reports whether the delegate may act for the principal in issue now.
	Allowed(ctx context.Context, delegatePersonalID, principalPersonalID, issue string) (bool, error)
}
