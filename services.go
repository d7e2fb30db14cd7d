package sotepe

import "context"

// The services in this file decide, like ContactService and the others, who
// may do what: each method takes the acting user and answers with an *Error
// code. A user without the role a method needs gets EForbidden; an object the
// user may not see is ENotFound, the same as a missing one. Package web calls
// them and never the store for domain data.

// ResidentService serves residents' data: a resident's own, and audited reads
// by staff (package residents implements it).
type ResidentService interface {
	// Own returns the signed-in resident's own data; a user who is not a
	// resident gets ENotFound.
	Own(ctx context.Context, u User) (Resident, error)
	// Read returns resident id to staff (professionals, managers and
	// administrators) on basis, writing the audit row in the same
	// transaction. Others get EForbidden; a bad basis is EInvalid
	// ("error.basis"); a missing resident ENotFound.
	Read(ctx context.Context, u User, id int64, basis Basis) (Resident, error)
	// Find returns the resident with a personal identity code to staff on
	// basis, audited like Read. A malformed code is EInvalid
	// ("error.personal_id").
	Find(ctx context.Context, u User, personalID string, basis Basis) (Resident, error)
	// AccessLog returns the reads of the resident's own data by staff,
	// newest first; only a resident may ask (EForbidden otherwise).
	AccessLog(ctx context.Context, u User, p PageRequest) (Page[Access], error)
	// Colleagues returns the professionals and managers of unit to staff of
	// that unit (and administrators); for anyone else the unit's staff is
	// ENotFound.
	Colleagues(ctx context.Context, u User, unit string) ([]User, error)
}

// ActingService decides whom a signed-in resident may act for and what the
// user of a request is while they act (package acting implements it).
type ActingService interface {
	// Principals lists whom u may act for: children in u's custody under
	// AdultAge and people who gave u a mandate in force. Only residents may
	// ask (EForbidden otherwise); while acting, u's own list is given.
	Principals(ctx context.Context, u User) ([]Principal, error)
	// Choose makes the session with tokenHash act for the principal with
	// resident id principalID, or for u themselves when it is 0, and
	// audits the choice. Someone not on u's list is ENotFound; a minor who
	// forbade their guardians is EForbidden ("error.acting_denied").
	Choose(ctx context.Context, u User, tokenHash []byte, principalID int64) (Principal, error)
	// Effective returns the user of a request in session sess: u itself,
	// or, while the session acts for someone, u as that principal
	// (User.Acting set). A right that has ended meanwhile (18th birthday,
	// mandate end, a minor's refusal) ends the acting and returns u.
	Effective(ctx context.Context, u User, sess Session) (User, error)
	// SetGuardiansDenied lets a minor of ConsentAge or more, signed in as
	// themselves, forbid (or allow again) their guardians to handle their
	// matters. Others get EForbidden; an age outside 12–17 is EInvalid
	// ("error.guardians_age").
	SetGuardiansDenied(ctx context.Context, u User, denied bool) error
	// ActingLog returns what u did acting for others, newest first.
	ActingLog(ctx context.Context, u User, p PageRequest) (Page[Access], error)
}

// AuditService reads the audit trail as aggregates (package audit
// implements it).
type AuditService interface {
	// Summary returns entries per day and action between from and to
	// (YYYY-MM-DD, both included, else EInvalid "error.date"): a manager's
	// own units, every unit for analysts and administrators, EForbidden for
	// anyone else.
	Summary(ctx context.Context, u User, from, to string) ([]AuditCount, error)
}

// ClosureService keeps the administrator's closure days and puts the
// working-day calendar that follows from them in force (package closures
// implements it). Only administrators may use it (EForbidden otherwise).
type ClosureService interface {
	// List returns every closure day, ordered by date.
	List(ctx context.Context, u User) ([]ClosureDay, error)
	// Save adds or renames a closure day; a malformed date or incomplete
	// names are EInvalid.
	Save(ctx context.Context, u User, d ClosureDay) error
	// Delete removes a closure day, or returns ENotFound.
	Delete(ctx context.Context, u User, date string) error
}

// StatisticsService serves the figures of the answer promise and the open
// data of service volumes (package statistics implements it). Figures hold
// no personal data.
type StatisticsService interface {
	// ContactUnits returns the units whose contact figures u may see: nil
	// for every unit (analysts and administrators), a manager's own units,
	// and EForbidden for everyone else.
	ContactUnits(u User) ([]string, error)
	// ContactFigures returns the figures q asks for within the units u may
	// see (q.Units, Now and WorkingTime are set by the service); errors as
	// ContactStats.ContactStatsRows and ContactUnits.
	ContactFigures(ctx context.Context, u User, q ContactStatsQuery) ([]ContactStatsRow, error)
	// Volumes returns the open data of service volumes, public to all;
	// errors as EventStats.EventVolumes.
	Volumes(ctx context.Context, q VolumeQuery) ([]VolumeRow, error)
}

// EventService takes service events from integration clients (package
// events implements it).
type EventService interface {
	// Client returns the client holding token if it has scope: an unknown
	// or revoked token is EUnauthorized ("error.integration_token"), a
	// missing scope EForbidden ("error.integration_scope").
	Client(ctx context.Context, token, scope string) (IntegrationClient, error)
	// Add stores a batch of events as client c (it must hold
	// ScopeEventsWrite, EForbidden otherwise); each event's Source is set
	// to the client's name, so a client cannot write another's events.
	// Errors as Events.AddEvents.
	Add(ctx context.Context, c IntegrationClient, events []ServiceEvent) (EventResult, error)
}
