package sotepe

import (
	"context"
	"strings"
	"time"
)

// Bearer tokens of the FHIR API besides the session: a resident's access
// token from the OpenID provider they sign in with (RFC 9068, SMART-style
// patient scopes), and an integration client booking for a resident
// (system/Appointment.*).

// AccessToken is what a verified access token of an OpenID provider says:
// who it speaks for, with which scopes, until when.
type AccessToken struct {
	// Provider is the configured name of the provider that issued the
	// token, as identities are linked under it (IdentityProvider.Name).
	Provider string
	// Subject is the provider's identifier of the person (sub).
	Subject string
	// PersonalID, GivenName and FamilyName are the person's data when the
	// token carries them (the provider's claim names).
	PersonalID, GivenName, FamilyName string
	// LoA is the level of assurance of the sign-in behind the token
	// (low, substantial, high); empty when the token does not say.
	LoA string
	// ClientID is the application the token was issued to (client_id).
	ClientID string
	// Scopes are the token's scopes (scope, space-separated).
	Scopes []string
	// Expiry is when the token stops being valid.
	Expiry time.Time
}

// AccessTokenVerifier checks an access token: its signature against the
// provider's published keys, issuer, audience and lifetime. A token that
// fails any check is EUnauthorized (key "error.oidc_token" or a more
// precise "error.oidc_…"); a provider that cannot be reached EUnavailable.
type AccessTokenVerifier interface {
	VerifyAccessToken(ctx context.Context, token string) (AccessToken, error)
}

// PatientScope reports whether scopes grant the SMART patient-level access
// to resourceType: reading (read, search: v1 "read", v2 "r", "s" or "rs"
// and more) when write is false, changing (v1 "write", v2 any of "c", "u",
// "d") when it is true. "*" as the type or v1 "*" as the access count.
func PatientScope(scopes []string, resourceType string, write bool) bool {
	for _, s := range scopes {
		rest, ok := strings.CutPrefix(s, "patient/")
		if !ok {
			continue
		}
		typ, access, ok := strings.Cut(rest, ".")
		if !ok || typ != resourceType && typ != "*" {
			continue
		}
		// SMART v2 allows a query after the access letters (?category=…):
		// a narrowed scope is not the whole type's, so it does not count.
		if strings.Contains(access, "?") {
			continue
		}
		switch access {
		case "*":
			return true
		case "read":
			if !write {
				return true
			}
			continue
		case "write":
			if write {
				return true
			}
			continue
		}
		if !v2Access(access) {
			continue
		}
		if write && strings.ContainsAny(access, "cud") || !write && strings.ContainsAny(access, "rs") {
			return true
		}
	}
	return false
}

// v2Access reports whether s is a SMART v2 access string: some of c, r, u,
// d, s, in that order, each at most once.
func v2Access(s string) bool {
	if s == "" {
		return false
	}
	last := -1
	for _, c := range s {
		i := strings.IndexRune("cruds", c)
		if i <= last {
			return false
		}
		last = i
	}
	return true
}

// ActorIntegration is the audit trail's role of an integration client
// acting through the API (Actor.Client names it). It is never a user's
// role: it is not in Roles.
const ActorIntegration Role = "integration"

// ClientActor is the actor of what integration client c does: UserID 0,
// the role ActorIntegration and the client's id, with the request id of
// the context's actor.
func ClientActor(ctx context.Context, c IntegrationClient) Actor {
	return Actor{Role: ActorIntegration, Client: c.ID, RequestID: ActorFrom(ctx).RequestID}
}

// SMART-style system scopes of appointments: an integration client books
// and cancels for residents it names by personal identity code, and reads
// back the appointments it booked.
const (
	ScopeFHIRAppointmentRead  = "system/Appointment.read"
	ScopeFHIRAppointmentWrite = "system/Appointment.write"
)

// ClientBookings carries out appointments for integration clients (package
// booking implements it): a client holding ScopeFHIRAppointmentWrite books
// for a resident sotepe knows and cancels what it booked, under the same
// rules as the resident's own booking in the portal; one holding
// ScopeFHIRAppointmentRead reads the appointments it booked. Every
// booking, cancellation, search of the resident and read is audited with
// the client as the actor (ClientActor). A missing scope is EForbidden
// ("error.integration_scope"); an appointment the client did not book is
// ENotFound, as a missing one.
type ClientBookings interface {
	// ClientBook books slot slotID (of service, when not empty) for the
	// resident with personalID; key, when set, makes a retry safe as in
	// AppointmentService.BookOnce. The bool reports a new booking. An
	// unknown resident is ENotFound ("error.appt_no_resident").
	ClientBook(ctx context.Context, c IntegrationClient, slotID int64, service, personalID, key string) (Appointment, bool, error)
	// ClientCancel cancels an appointment the client booked, until the
	// service's cancellation limit.
	ClientCancel(ctx context.Context, c IntegrationClient, id int64) (Appointment, error)
	// ClientGet returns an appointment the client booked.
	ClientGet(ctx context.Context, c IntegrationClient, id int64) (Appointment, error)
	// ClientList returns one page of the appointments the client booked,
	// narrowed by f's period and statuses.
	ClientList(ctx context.Context, c IntegrationClient, f AppointmentFilter) (Page[Appointment], error)
}
