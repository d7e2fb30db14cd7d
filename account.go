package sotepe

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do. A user may hold several roles.
type Role string

// The roles of sotepe.
const (
	RoleResident     Role = "resident"
	RoleProfessional Role = "professional"
	RoleManager      Role = "manager"
	RoleAnalyst      Role = "analyst"
	RoleAdmin        Role = "admin"
	// The roles of the rest of the sector (issue 20): each sees only its
	// own part, and none of them is a member of a unit.
	RoleContractManager Role = "contract_manager" // purchased services: producers, contracts, vouchers, supervision
	RoleRescueOfficer   Role = "rescue_officer"   // the rescue department: missions, emergency care runs, inspections
	RoleHR              Role = "hr"               // staff: employments, vacancies, training, the personnel survey
	RoleFinance         Role = "finance"          // economy and sustainability: budget, the change programme, fleet, energy
)

// Roles lists every role.
var Roles = []Role{RoleResident, RoleProfessional, RoleManager, RoleAnalyst, RoleAdmin,
	RoleContractManager, RoleRescueOfficer, RoleHR, RoleFinance}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// NarrowUnits returns the units a staff member's list asks for: asked, or
// every unit of allowed when it asks for none; ok is false when it asks for
// a unit outside allowed.
func NarrowUnits(asked, allowed []string) (units []string, ok bool) {
	if len(asked) == 0 {
		return allowed, true
	}
	for _, unit := range asked {
		if !slices.Contains(allowed, unit) {
			return asked, false
		}
	}
	return asked, true
}

// User is an account. A resident's account links to the Resident whose data
// it owns; staff accounts (professional, manager) are members of units.
type User struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Roles      []Role   `json:"roles"`
	Units      []string `json:"units"`
	Lang       Lang     `json:"lang"`
	ResidentID int64    `json:"resident_id,omitempty"`
	// Email is where notifications to staff go (a resident's address is
	// on their resident record); empty when none was given.
	Email     string    `json:"-"`
	Disabled  bool      `json:"-"`
	CreatedAt time.Time `json:"-"`
	// Acting is set while a resident acts for another person in this
	// request's session: then ResidentID is the principal's and Roles hold
	// only RoleResident, so every service treats the user as the
	// principal; ID and Name stay the signed-in person's.
	Acting *Acting `json:"-"`
}

// Has reports whether the user holds role.
func (u User) Has(role Role) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// IsStaff reports whether the user works in the sector (any role but resident).
func (u User) IsStaff() bool {
	return slices.ContainsFunc(u.Roles, func(r Role) bool { return r != RoleResident })
}

// MemberOf reports whether the user works at unit.
func (u User) MemberOf(unit string) bool {
	for _, id := range u.Units {
		if id == unit {
			return true
		}
	}
	return false
}

// NewUser is what creating an account needs. PasswordHash is an encoded
// argon2id hash, or empty for an account that signs in only through an
// identity provider.
type NewUser struct {
	Username     string
	Name         string
	Roles        []Role
	Units        []string
	Lang         Lang
	ResidentID   int64
	PasswordHash string
	// Email is optional: staff get notifications (a breach at their unit)
	// there.
	Email string
}

// Validate checks the username (3–64 letters, digits, '.', '-' or '_'), a
// name, at least one known role, and that resident accounts link a resident.
func (n NewUser) Validate() error {
	if len(n.Username) < 3 || len(n.Username) > 64 {
		return Invalid("error.username", "username must be 3–64 characters")
	}
	for _, r := range n.Username {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return Invalid("error.username", "username may hold a–z, 0–9, '.', '-' and '_'")
		}
	}
	if n.Name == "" {
		return Invalid("error.name_required", "a name is required")
	}
	if n.Email != "" && !ValidEmail(n.Email) {
		return Invalid("error.email", "not an e-mail address")
	}
	if len(n.Roles) == 0 {
		return Invalid("error.role", "at least one role is required")
	}
	for _, r := range n.Roles {
		if !r.Valid() {
			return Invalid("error.role", "unknown role "+string(r))
		}
		if r == RoleResident && n.ResidentID == 0 {
			return Invalid("error.role", "a resident account must link a resident")
		}
	}
	if _, ok := ParseLang(string(n.Lang)); !ok {
		return Invalid("error.lang", "language must be fi, sv or en")
	}
	return nil
}

// Identity links a user to an outside identity provider, such as the city's
// strong-authentication broker through OpenID Connect: Provider names the
// provider and Subject is its stable id for the person.
type Identity struct {
	Provider string
	Subject  string
	UserID   int64
}

// Session is a signed-in browser or API client. The store keeps only a hash
// of the token the client holds, so a copy of the database signs nobody in.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end; the idle limit is counted from LastSeenAt.
	ExpiresAt time.Time
	// Provider names the identity provider that signed the session in ("" for
	// a password) and LoA the level of assurance it gave ("substantial",
	// "high"; "" for a password).
	Provider string
	LoA      string
	// ActingFor is the resident the session acts for (0: the user
	// themselves), on ActingBasis, until ActingUntil (zero: no end).
	ActingFor   int64
	ActingBasis ActingBasis
	ActingUntil time.Time
}

// Accounts stores users, their identities and sessions.
type Accounts interface {
	// CreateUser validates n and stores it; a taken username is EConflict.
	CreateUser(ctx context.Context, n NewUser) (User, error)
	// User returns one user, or ENotFound.
	User(ctx context.Context, id int64) (User, error)
	// UserByUsername returns a user and its password hash, or ENotFound.
	UserByUsername(ctx context.Context, username string) (User, string, error)
	// LinkIdentity links an outside identity to a user; a linked one is EConflict.
	LinkIdentity(ctx context.Context, id Identity) error
	// UserByIdentity returns the user an outside identity is linked to, or ENotFound.
	UserByIdentity(ctx context.Context, provider, subject string) (User, error)
	// SetPassword replaces a user's password hash and ends the user's
	// sessions.
	SetPassword(ctx context.Context, userID int64, hash string) error
	// UnitStaff returns the enabled professionals and managers of a unit,
	// by name: the colleagues a request of the unit may be assigned to.
	UnitStaff(ctx context.Context, unitID string) ([]User, error)

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the session with tokenHash and its user, or
	// ENotFound when there is none, it has ended, or the user is disabled.
	SessionUser(ctx context.Context, tokenHash []byte) (Session, User, error)
	// TouchSession moves a session's LastSeenAt to at.
	TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error
	// DeleteSession revokes a session; revoking a missing one is no error.
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// DeleteSessionsBefore removes sessions that expired or went idle
	// before the given instants and returns how many went.
	DeleteSessionsBefore(ctx context.Context, expired, idleSince time.Time) (int64, error)

	// LoginFailures counts failed sign-ins for the sign-in throttle.
	LoginFailures
	// Identification signs residents in by outside identities and keeps
	// whom a session acts for.
	Identification
}

// ValidEmail reports whether s is one bare e-mail address (name@domain, no
// display name, no angle brackets) of at most 254 bytes.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && len(s) <= 254 && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}
