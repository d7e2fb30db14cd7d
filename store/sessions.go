package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sotepe"
)

// Sessions are not audited here: the web layer records sign-in and sign-out
// with RecordAudit. Expiry is the caller's to judge from the timestamps,
// against its own clock; the store only forgets sessions when told to
// (DeleteSession, DeleteSessionsBefore) and never returns the session of a
// disabled user.

// CreateSession stores a new session with the provider and level of
// assurance that signed it in and, when ActingFor is set, whom it acts for
// (without ActingFor, ActingBasis and ActingUntil are ignored). A zero
// CreatedAt or LastSeenAt is the store's now. An empty token hash is
// EInvalid ("error.session"), as is acting for someone on an unknown basis
// ("error.acting_basis"); a user that does not exist or is disabled is
// ENotFound; a token hash in use is EConflict; acting for a resident who
// does not exist is EInvalid ("error.reference").
func (s *Store) CreateSession(ctx context.Context, ses sotepe.Session) error {
	if len(ses.TokenHash) == 0 {
		return sotepe.Invalid("error.session", "a session needs a token hash")
	}
	if ses.ActingFor == 0 {
		ses.ActingBasis, ses.ActingUntil = "", time.Time{}
	} else if err := validBasis(ses.ActingBasis); err != nil {
		return err
	}
	now := s.now()
	if ses.CreatedAt.IsZero() {
		ses.CreatedAt = now
	}
	if ses.LastSeenAt.IsZero() {
		ses.LastSeenAt = now
	}
	return s.inTx(ctx, "create session", func(tx *sql.Tx) error {
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = $1`, ses.UserID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) || err == nil && disabled {
			return sotepe.NotFound("user")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,
				provider, loa, acting_for, acting_basis, acting_until)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			ses.TokenHash, ses.UserID, micros(ses.CreatedAt), micros(ses.LastSeenAt), micros(ses.ExpiresAt),
			ses.Provider, ses.LoA, nullInt(ses.ActingFor), string(ses.ActingBasis), nullMicros(ses.ActingUntil))
		return err
	})
}

// SessionUser returns the session with tokenHash, with its provider, level
// of assurance and whom it acts for, and its user with roles and units, or
// ENotFound when there is no such session (never made, revoked or swept) or
// its user is disabled. It does not judge expiry: the caller compares
// ExpiresAt, LastSeenAt and ActingUntil with its clock, and fills
// User.Acting, which the store leaves nil.
//
// A session found is kept for at most a second (sessioncache.go): a change
// through this store (signing out, acting, touching, a new password) shows
// in the next read, one made by another process or outside the store (an
// account disabled) within that second.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (sotepe.Session, sotepe.User, error) {
	ses, u, ok, gen := s.sessions.get(tokenHash)
	if ok {
		return ses, u, nil
	}
	ses, u, err := s.sessionUser(ctx, tokenHash)
	if err == nil {
		s.sessions.put(gen, ses, u)
	}
	return ses, u, err
}

// sessionUser reads SessionUser's answer from the database.
func (s *Store) sessionUser(ctx context.Context, tokenHash []byte) (sotepe.Session, sotepe.User, error) {
	var ses sotepe.Session
	var created, seen, expires int64
	var provider, loa, basis string
	var actingFor, actingUntil sql.NullInt64
	var roles, units string
	// Every signed-in request makes this read: one query, prepared once
	// (s.readStmts), with the user's roles and units in order as lists
	// joined by commas (neither a role nor a unit id holds one), so that
	// on PostgreSQL it is one round trip.
	u, _, err := scanUser(s.readStmts.QueryRowContext(ctx, `
		SELECT `+userColumns+`, s.created_at, s.last_seen_at, s.expires_at,
			s.provider, s.loa, s.acting_for, s.acting_basis, s.acting_until,
			COALESCE((SELECT string_agg(r.role, ',' ORDER BY r.position) FROM user_roles r WHERE r.user_id = u.id), ''),
			COALESCE((SELECT string_agg(x.unit_id, ',' ORDER BY x.position) FROM user_units x WHERE x.user_id = u.id), '')
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND NOT u.disabled`, tokenHash),
		&created, &seen, &expires, &provider, &loa, &actingFor, &basis, &actingUntil, &roles, &units)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, sotepe.User{}, sotepe.NotFound("session")
	}
	if err != nil {
		return ses, sotepe.User{}, s.fail("read session", err)
	}
	u.Roles, u.Units = []sotepe.Role{}, []string{}
	for r := range strings.SplitSeq(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, sotepe.Role(r))
		}
	}
	for x := range strings.SplitSeq(units, ",") {
		if x != "" {
			u.Units = append(u.Units, x)
		}
	}
	ses = sotepe.Session{
		TokenHash: append([]byte(nil), tokenHash...), UserID: u.ID,
		CreatedAt: fromMicros(created), LastSeenAt: fromMicros(seen), ExpiresAt: fromMicros(expires),
		Provider: provider, LoA: loa, ActingFor: actingFor.Int64, ActingBasis: sotepe.ActingBasis(basis),
	}
	ses.ActingUntil = timeOf(actingUntil)
	return ses, u, nil
}

// SetActing makes the session with tokenHash act for p.ResidentID on
// p.Basis until p.Until (zero: no end), or for the user themselves when
// p.ResidentID is 0. Whether the user may act for p is the caller's to
// judge, and the caller records the choice (sotepe.ActionActingChoose) in
// the audit trail; the store keeps only the session's state. A session that
// is not there is ENotFound; an unknown basis is EInvalid
// ("error.acting_basis"), a resident who does not exist EInvalid
// ("error.reference").
func (s *Store) SetActing(ctx context.Context, tokenHash []byte, p sotepe.Principal) error {
	if p.ResidentID == 0 {
		p.Basis, p.Until = "", time.Time{}
	} else if err := validBasis(p.Basis); err != nil {
		return err
	}
	err := execAffecting(ctx, s.writer, sotepe.NotFound("session"), `
		UPDATE sessions SET acting_for = $1, acting_basis = $2, acting_until = $3 WHERE token_hash = $4`,
		nullInt(p.ResidentID), string(p.Basis), nullMicros(p.Until), tokenHash)
	s.sessions.forget(tokenHash)
	return s.fail("set acting", err)
}

// validBasis reports an acting basis that is neither guardian nor mandate
// as EInvalid ("error.acting_basis").
func validBasis(b sotepe.ActingBasis) error {
	switch b {
	case sotepe.ActingGuardian, sotepe.ActingMandate:
		return nil
	}
	return sotepe.Invalid("error.acting_basis", "acting for another needs a basis: guardian or mandate")
}

// TouchSession moves a session's LastSeenAt to at. A session that is not
// there (revoked or swept meanwhile) is ENotFound. Each touch is a write;
// on SQLite callers do well to touch at most every minute or so.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	err := execAffecting(ctx, s.writer, sotepe.NotFound("session"),
		`UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, micros(at), tokenHash)
	s.sessions.forget(tokenHash)
	return s.fail("touch session", err)
}

// DeleteSession revokes a session; revoking a missing one is no error. A
// failed write is EInternal or EUnavailable.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	s.sessions.forget(tokenHash)
	if err != nil {
		return s.fail("delete session", err)
	}
	return nil
}

// DeleteSessionsBefore removes the sessions that expired before expired or
// were last seen before idleSince, and returns how many went. A failed write
// is EInternal or EUnavailable.
func (s *Store) DeleteSessionsBefore(ctx context.Context, expired, idleSince time.Time) (int64, error) {
	res, err := s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`,
		micros(expired), micros(idleSince))
	s.sessions.forgetAll()
	if err != nil {
		return 0, s.fail("delete sessions", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail("delete sessions", err)
	}
	return n, nil
}
