package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sotepe"
)

// Kinds of database failure that callers see as distinct error codes.
const (
	failOther = iota
	failUnique
	failForeignKey
	failUnavailable
)

// classify tells which kind of failure err is, on either engine.
func classify(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return failUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return failForeignKey
		}
		// The primary code is the low byte of an extended one.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return failUnavailable
		}
		return failOther
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return failUnique
		case pe.Code == "23503":
			return failForeignKey
		// Class 08 is connection exceptions, 53 insufficient resources,
		// 57P01–57P03 a server shutting down or starting.
		case len(pe.Code) == 5 && (pe.Code[:2] == "08" || pe.Code[:2] == "53" || pe.Code[:4] == "57P0"):
			return failUnavailable
		}
		return failOther
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, context.DeadlineExceeded) {
		return failUnavailable
	}
	return failOther
}

// fail turns a database error into a *sotepe.Error whose Message names the
// operation, never the SQL or the data: a unique violation is EConflict, a
// foreign-key violation EInvalid, an unreachable or busy database
// EUnavailable, anything else EInternal. An error that already is a
// *sotepe.Error passes unchanged.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sotepe.Error
	if errors.As(err, &se) {
		return err
	}
	e := &sotepe.Error{Code: sotepe.EInternal, Message: "store: " + op, Err: err}
	switch classify(err) {
	case failUnique:
		e.Code, e.Key = sotepe.EConflict, "error.conflict"
	case failForeignKey:
		e.Code, e.Key = sotepe.EInvalid, "error.reference"
	case failUnavailable:
		e.Code = sotepe.EUnavailable
	}
	return e
}

// conflict is the EConflict error explained by key.
func conflict(key, message string) *sotepe.Error {
	return &sotepe.Error{Code: sotepe.EConflict, Key: key, Message: message}
}

// forbidden is the EForbidden error of a caller who may not do something.
func forbidden(message string) *sotepe.Error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: message}
}
