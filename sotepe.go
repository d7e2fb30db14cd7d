// Package sotepe holds the domain of the sotepe platform for a city's social,
// health and rescue services: the service network and its directory, residents,
// accounts and roles, the audit trail, and the error model every other package
// speaks. It imports only the standard library; storage, HTTP and the other
// outside dependencies live in their own packages and are wired together in
// cmd/sotepe.
package sotepe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Each maps to one HTTP status (HTTPStatus) and to one
// translated message ("error.<code>") in the message catalogs.
const (
	EInvalid      = "invalid"      // the input breaks a rule; Key says which
	ENotFound     = "not_found"    // nothing there, or nothing the caller may see
	EUnauthorized = "unauthorized" // no valid session or credentials
	EForbidden    = "forbidden"    // signed in but not allowed
	EConflict     = "conflict"     // the state changed or the thing exists already
	ETooLarge     = "too_large"    // the request body is over the limit
	ETooMany      = "too_many"     // slowed down: too many attempts
	EUnavailable  = "unavailable"  // a dependency such as the database is down
	EInternal     = "internal"     // a bug or an unexpected failure; details are logged, not shown
)

// HTTPStatus returns the HTTP status of an error code, the one mapping the
// JSON API, the pages and the FHIR API share; an unknown code is 500.
func HTTPStatus(code string) int {
	switch code {
	case EInvalid:
		return http.StatusBadRequest
	case EUnauthorized:
		return http.StatusUnauthorized
	case EForbidden:
		return http.StatusForbidden
	case ENotFound:
		return http.StatusNotFound
	case EConflict:
		return http.StatusConflict
	case ETooLarge:
		return http.StatusRequestEntityTooLarge
	case ETooMany:
		return http.StatusTooManyRequests
	case EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is the one error type the domain returns to its callers. Code decides
// the HTTP status; Key names the message in the catalogs that explains the
// error to a person in their language, with Args filling its placeholders.
// Message is an English sentence for logs and developers; it never holds
// personal data. Field, when set, names the input the error is about, as the
// JSON API and the forms call it ("message", "service", "contact.email"), so
// a form can show the error at its field. Err, when set, is the underlying
// cause and is never shown.
type Error struct {
	Code    string
	Key     string
	Args    map[string]any
	Message string
	Field   string
	Err     error
}

// Error returns the English developer message with the code.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Key
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and catalog key, and an English
// message formatted from format and args.
func Errorf(code, key string, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(format, args...)}
}

// With returns a copy of e whose catalog placeholders are set to args.
func (e *Error) With(args map[string]any) *Error {
	c := *e
	c.Args = args
	return &c
}

// At returns a copy of e that is about the input named field.
func (e *Error) At(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// ErrorField returns the input the first *Error in err's chain is about, ""
// when it names none.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// InvalidField returns an EInvalid error about the input named field,
// explained by the catalog message key.
func InvalidField(field, key, message string) *Error {
	return &Error{Code: EInvalid, Key: key, Message: message, Field: field}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil
// error and EInternal for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorKey returns the catalog key that explains err to a person: the Key of
// the first *Error in err's chain, or "error.<code>" when it has none.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Key != "" {
		return e.Key
	}
	return "error." + ErrorCode(err)
}

// ErrorArgs returns the catalog placeholders of the first *Error in err's chain.
func ErrorArgs(err error) map[string]any {
	var e *Error
	if errors.As(err, &e) {
		return e.Args
	}
	return nil
}

// NotFound returns the error for a missing thing, or one the caller may not
// see: both look the same from outside.
func NotFound(what string) *Error {
	return &Error{Code: ENotFound, Key: "error.not_found", Message: what + " not found"}
}

// Invalid returns an EInvalid error explained by the catalog message key.
func Invalid(key, message string) *Error {
	return &Error{Code: EInvalid, Key: key, Message: message}
}

// Store is everything sotepe keeps: the service network, accounts and
// sessions, residents, the audit trail, contact requests with their
// notification outbox, closure days, appointments, assessment sessions,
// feedback, resident surveys, service events and integration clients. The
// store package implements it on SQLite and PostgreSQL.
type Store interface {
	Directory
	Network
	Accounts
	Residents
	StaffReads
	Audit
	ContactStore
	Outbox
	Closures
	ContactStats
	Appointments
	AssessmentStore
	FeedbackStore
	SurveyStore
	Events
	EventStats
	FigureStamps
	RescueStore
	StaffStore
	EconomyStore
	ParticipationStore
	IntegrationClients
	ChatStore
	VideoStore
	ProcurementStore
	// Ping reports whether the database answers; EUnavailable if not.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}
