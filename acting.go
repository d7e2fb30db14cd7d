package sotepe

import (
	"context"
	"time"
)

// Acting on behalf: a resident signed in with strong identification may
// handle the matters of another person, a child in their custody or someone
// who gave them a mandate, after choosing that person explicitly. While they
// act, sotepe treats them as that person (the principal) in every service,
// and the audit trail records both identities.

// ActingBasis is the ground on which a resident acts for another.
type ActingBasis string

// The grounds for acting on behalf.
const (
	// ActingGuardian is a guardian acting for a child in their custody,
	// as the population register tells; the right ends at 18.
	ActingGuardian ActingBasis = "guardian"
	// ActingMandate is a delegate acting with a mandate in force in the
	// mandate register (Suomi.fi Valtuudet); the right ends with it.
	ActingMandate ActingBasis = "mandate"
)

// ConsentAge is the age from which a minor may forbid their guardians to
// handle their health and social care matters; AdultAge (register.go) ends
// a guardian's right.
const ConsentAge = 12

// Principal is a person a signed-in resident may act for.
type Principal struct {
	// ResidentID is the principal as a sotepe resident; sotepe creates the
	// resident the first time a register names them.
	ResidentID int64       `json:"id"`
	Name       string      `json:"name"`
	Basis      ActingBasis `json:"basis"`
	// Until is when the right ends: the child's 18th birthday or the
	// mandate's end; zero when the mandate has no end.
	Until time.Time `json:"until,omitzero"`
	// Denied is set when a minor of ConsentAge or more has forbidden their
	// guardians to handle their matters: the principal is listed, so the
	// guardian knows why, but cannot be chosen.
	Denied bool `json:"denied,omitempty"`
}

// Acting is whom a signed-in user acts for in their session.
type Acting struct {
	Principal Principal
	// DelegateResidentID and DelegateName are the signed-in person.
	DelegateResidentID int64
	DelegateName       string
}

// Birthday returns the day a person born on birth turns age, at midnight in
// loc. A birthday on 29 February falls on 1 March in other years.
func Birthday(birth time.Time, age int, loc *time.Location) time.Time {
	return time.Date(birth.Year()+age, birth.Month(), birth.Day(), 0, 0, 0, 0, loc)
}

// LoginAttempt is a sign-in under way at an identity provider: what the
// relying party must check when the browser returns. StateHash is the
// SHA-256 of the state sent to the provider; the state itself stays in the
// browser's cookie.
type LoginAttempt struct {
	StateHash []byte
	Provider  string
	Nonce     string
	Verifier  string
	// ReturnTo is the local path to go to after signing in.
	ReturnTo  string
	ExpiresAt time.Time
}

// Identification stores what strong identification and acting on behalf
// need: residents signing in by an outside identity, sign-ins under way,
// whom a session acts for, and a minor's refusal of their guardians.
type Identification interface {
	// SignInResident returns the resident account linked to the identity
	// (provider, subject). On a first sign-in it finds the resident by
	// personal identity code or creates them from r, finds or creates
	// their account, and links the identity, all in one transaction with
	// its audit rows. An identity linked to a staff account is EConflict.
	SignInResident(ctx context.Context, provider, subject string, r Resident) (User, error)
	// EnsureResident returns the resident with r's personal identity code,
	// creating them from r when there is none (a child a register names).
	EnsureResident(ctx context.Context, r Resident) (Resident, error)
	// SetGuardiansDenied records whether a minor forbids their guardians
	// to handle their matters. The store does not judge the age.
	SetGuardiansDenied(ctx context.Context, residentID int64, denied bool) error
	// SetActing makes the session with tokenHash act for p until p.Until
	// (zero: no end); a zero p.ResidentID makes it act for the user
	// themselves. ENotFound when the session is gone.
	SetActing(ctx context.Context, tokenHash []byte, p Principal) error

	// SaveLoginAttempt stores a sign-in under way.
	SaveLoginAttempt(ctx context.Context, a LoginAttempt) error
	// TakeLoginAttempt removes and returns the attempt with stateHash:
	// each can be taken once. One that is missing, taken or expired at now
	// is ENotFound. Expired attempts are swept on the way.
	TakeLoginAttempt(ctx context.Context, stateHash []byte, now time.Time) (LoginAttempt, error)
}
