package sotepe

import (
	"context"
	"slices"
	"time"
)

// Actor is who does something: a signed-in user acting in one of their roles,
// or the system itself (UserID 0) for demo loading, migrations and jobs.
// Handlers put the actor into the request's context with WithActor; the
// store reads it back to write the audit row of every change in the same
// transaction as the change.
type Actor struct {
	UserID    int64
	Role      Role
	Unit      string
	RequestID string
	// OnBehalfOf is the resident the user acts for (0: for themselves).
	OnBehalfOf int64
	// Client is the integration client acting (Role ActorIntegration,
	// UserID 0); 0 for people and the system itself.
	Client int64
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Basis is the legal ground on which staff read a resident's personal data,
// recorded with every read (Act 703/2023 on client data).
type Basis string

// The bases for reading a resident's data.
const (
	BasisCareRelationship Basis = "care_relationship" // the resident is a client of the reader's unit
	BasisClientRequest    Basis = "client_request"    // the resident contacted the service
	BasisPhoneRequest     Basis = "phone_request"     // recording a request the resident made by phone
	BasisStatutoryTask    Basis = "statutory_task"    // a task the law gives, e.g. an emergency
)

// Bases lists every basis.
var Bases = []Basis{BasisCareRelationship, BasisClientRequest, BasisPhoneRequest, BasisStatutoryTask}

// Valid reports whether b is a known basis.
func (b Basis) Valid() bool { return slices.Contains(Bases, b) }

// Audit actions. Reads of personal data end in ".read" or ".search".
const (
	ActionLogin          = "login"
	ActionLoginFailed    = "login_failed"
	ActionLogout         = "logout"
	ActionUserCreate     = "user.create"
	ActionPasswordSet    = "user.password"
	ActionIdentityLink   = "user.identity"
	ActionResidentCreate = "resident.create"
	ActionResidentRead   = "resident.read"
	ActionResidentSearch = "resident.search"
	ActionNetworkChange  = "network.change"
	ActionContactCreate  = "contact.create"
	ActionContactRead    = "contact.read"
	// ActionContactListRead is a request shown to staff in a list (the
	// queue): who wrote to which service, when.
	ActionContactListRead = "contact_list.read"
	ActionContactMessage  = "contact.message"
	ActionContactAssign   = "contact.assign"
	ActionContactClose    = "contact.close"
	ActionClosureChange   = "calendar.closure"
	// ActionActingChoose is a resident choosing whom they act for; the
	// entry's OnBehalfOf is the principal (none when acting for oneself).
	ActionActingChoose = "acting.choose"
	// ActionActingRead and ActionActingWrite are one request of a resident
	// acting for another: every page and API call while acting records one.
	ActionActingRead  = "acting.read"
	ActionActingWrite = "acting.write"
	// ActionGuardiansDenied is a minor forbidding (or allowing again)
	// their guardians to handle their matters.
	ActionGuardiansDenied = "resident.guardians"
)

// AuditEntry is one row of the append-only audit trail: who did what, to
// whose data, when, and on which basis.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorRole  Role      `json:"actor_role,omitempty"`
	ActorUnit  string    `json:"actor_unit,omitempty"`
	ResidentID int64     `json:"resident_id,omitempty"`
	Action     string    `json:"action"`
	Object     string    `json:"object,omitempty"`
	Basis      Basis     `json:"basis,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	// OnBehalfOf is the resident the actor acted for (0: for themselves).
	OnBehalfOf int64 `json:"on_behalf_of,omitempty"`
	// ActorClient is the integration client that acted (ActorRole
	// ActorIntegration); 0 otherwise.
	ActorClient int64 `json:"actor_client,omitempty"`
}

// Access is one read of a resident's data by staff as the resident sees it:
// who read, at which unit, what, when and on which basis.
type Access struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	ActorRole Role      `json:"actor_role"`
	Unit      string    `json:"unit,omitempty"`
	Action    string    `json:"action"`
	Basis     Basis     `json:"basis"`
	// OnBehalf marks what someone did acting for the resident (a guardian
	// or a delegate): ActorName is that person. In a delegate's own log
	// (ActingLog) Principal names whom they acted for.
	OnBehalf  bool   `json:"on_behalf,omitempty"`
	Principal string `json:"principal,omitempty"`
}

// AuditCount is an aggregate of the audit trail for managers and analysts:
// how many entries of one action fell on one day. It holds no personal data.
type AuditCount struct {
	Day    string `json:"day"`
	Action string `json:"action"`
	Count  int64  `json:"count"`
}

// Audit reads and writes the audit trail. Entries are never changed or
// deleted.
type Audit interface {
	// RecordAudit writes one entry on its own, for events that change
	// nothing else in the database, such as a login.
	RecordAudit(ctx context.Context, e AuditEntry) error
	// AccessLog returns the reads of a resident's data by staff and what
	// others did acting for the resident, newest first.
	AccessLog(ctx context.Context, residentID int64, page PageRequest) (Page[Access], error)
	// ActingLog returns what a user did acting for others, newest first.
	ActingLog(ctx context.Context, userID int64, page PageRequest) (Page[Access], error)
	// AuditCounts returns entries per day and action between from and to
	// (dates YYYY-MM-DD, both included) for the given units, or for all
	// units when units is nil.
	AuditCounts(ctx context.Context, from, to string, units []string) ([]AuditCount, error)
	// FoldAuditCounts adds up to limit logged new entries to the roll-up
	// that AuditCounts reads, and returns how many it added: 0 when there
	// were none or another process is folding. AuditCounts is right with
	// or without folding; folding keeps it fast.
	FoldAuditCounts(ctx context.Context, limit int) (int, error)
}

// StaffReads are the reads by which staff see a resident's personal data.
// Each writes an audit row in the same transaction as the read; when the row
// cannot be written, no data is returned. The actor comes from the context and
// must be staff; basis must be valid (EInvalid otherwise).
type StaffReads interface {
	// ReadResident returns a resident, or ENotFound.
	ReadResident(ctx context.Context, id int64, basis Basis) (Resident, error)
	// FindResident returns the resident with a personal identity code, or
	// ENotFound.
	FindResident(ctx context.Context, personalID string, basis Basis) (Resident, error)
}
