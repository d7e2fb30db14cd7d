package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// Strong identification and acting on behalf: residents signing in by an
// outside identity, the residents a register names, a minor's refusal of
// their guardians, and sign-ins under way at an identity provider.

// errRace is what a transaction returns when a concurrent one made a row it
// was about to make (the same resident, account or identity): the work is
// then done again, and finds that row.
var errRace = errors.New("store: a concurrent transaction made the same row")

// raceAttempts bounds how often a transaction that lost a race is run. A
// first sign-in may lose twice (making the resident, then linking an
// identity another sign-in linked meanwhile) before it finds what the
// winners made; the fourth run is a margin.
const raceAttempts = 4

// inRacyTx runs fn as inTx does, and runs it again, up to raceAttempts in
// all, while it fails with errRace. A race lost every time is EConflict.
func (s *Store) inRacyTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	var err error
	for range raceAttempts {
		if err = s.inTx(ctx, op, fn); !errors.Is(err, errRace) {
			return err
		}
	}
	return conflict("error.conflict", "store: "+op+": concurrent changes")
}

// raced turns a unique violation into errRace and passes other errors.
func raced(err error) error {
	if classify(err) == failUnique {
		return errRace
	}
	return err
}

// SignInResident returns the resident account linked to the identity
// (provider, subject), with its roles. On a first sign-in, in one
// transaction with the audit rows of what it makes (with the context's
// actor): it finds the resident by r's personal identity code or creates
// them from r (resident.create), finds their resident account or creates one
// (user.create: username "r" and the resident's id, the resident's full
// name, r's language, role resident, no password), and links the identity
// to it (user.identity). Concurrent first sign-ins of one person make one
// resident, one account and one link.
//
// An identity linked to an account that is not a resident's (no resident,
// or no resident role) is EConflict ("error.oidc_staff_account"); a disabled
// account is ENotFound, whether linked already or found by the resident. An
// empty provider or subject is EInvalid ("error.identity"); a resident to be
// created is validated as CreateResident does.
func (s *Store) SignInResident(ctx context.Context, provider, subject string, r sotepe.Resident) (sotepe.User, error) {
	if strings.TrimSpace(provider) == "" || strings.TrimSpace(subject) == "" {
		return sotepe.User{}, sotepe.Invalid("error.identity", "an identity needs a provider and a subject")
	}
	// Most sign-ins are of a linked identity: read on the readers first,
	// without taking the writer.
	u, linked, err := s.linkedUser(ctx, s.readers, provider, subject)
	if linked || err != nil {
		return u, err
	}
	err = s.inRacyTx(ctx, "sign in resident", func(tx *sql.Tx) error {
		var err error
		u, err = s.signInTx(ctx, tx, provider, subject, r)
		return err
	})
	if err != nil {
		return sotepe.User{}, err
	}
	return u, nil
}

// identityUser picks the user an identity ($1 provider, $2 subject) is
// linked to, for userWhere.
const identityUser = `u.id = (SELECT user_id FROM identities WHERE provider = $1 AND subject = $2)`

// linkedUser reads on q the user the identity is linked to and judges the
// account by linkedAccount; linked is false, with no error, when the
// identity is linked to no user.
func (s *Store) linkedUser(ctx context.Context, q querier, provider, subject string) (u sotepe.User, linked bool, err error) {
	u, _, err = s.userWhere(ctx, q, identityUser, provider, subject)
	switch {
	case err == nil:
		if err := linkedAccount(u); err != nil {
			return sotepe.User{}, true, err
		}
		return u, true, nil
	case sotepe.ErrorCode(err) != sotepe.ENotFound:
		return sotepe.User{}, false, err
	}
	return sotepe.User{}, false, nil
}

// linkedAccount judges the account an identity is linked to: a disabled one
// is ENotFound, one that is not a resident's EConflict
// ("error.oidc_staff_account").
func linkedAccount(u sotepe.User) error {
	if u.Disabled {
		return sotepe.NotFound("user")
	}
	if u.ResidentID == 0 || !u.Has(sotepe.RoleResident) {
		return conflict("error.oidc_staff_account", "the identity is linked to an account that is not a resident's")
	}
	return nil
}

// signInTx is one attempt of SignInResident in tx, after the identity was
// not found on the readers.
func (s *Store) signInTx(ctx context.Context, tx *sql.Tx, provider, subject string, r sotepe.Resident) (sotepe.User, error) {
	u, linked, err := s.linkedUser(ctx, tx, provider, subject)
	if linked || err != nil {
		return u, err
	}

	res, err := s.ensureResidentTx(ctx, tx, r)
	if err != nil {
		return sotepe.User{}, err
	}
	u, err = s.residentAccountTx(ctx, tx, res, r.Lang)
	if err != nil {
		return sotepe.User{}, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		provider, subject, u.ID, micros(s.now())); err != nil {
		return sotepe.User{}, raced(err)
	}
	// The subject may be derived from personal data; the row names only
	// the user and the provider, as LinkIdentity's does.
	if err := s.auditChange(ctx, tx, sotepe.ActionIdentityLink, userObject(u.ID)+"/"+provider, 0); err != nil {
		return sotepe.User{}, err
	}
	return u, nil
}

// residentAccountTx returns the resident account of res in tx (the oldest
// account linked to res that has the resident role), or creates one with
// its audit row; a lost race to create it is errRace. A disabled account is
// ENotFound: it is not made anew behind the administrator's back.
func (s *Store) residentAccountTx(ctx context.Context, tx *sql.Tx, res sotepe.Resident, lang sotepe.Lang) (sotepe.User, error) {
	u, _, err := s.userWhere(ctx, tx, `u.id = (
		SELECT MIN(x.id) FROM users x JOIN user_roles xr ON xr.user_id = x.id
		WHERE x.resident_id = $1 AND xr.role = 'resident')`, res.ID)
	switch {
	case err == nil:
		if u.Disabled {
			return sotepe.User{}, sotepe.NotFound("user")
		}
		return u, nil
	case sotepe.ErrorCode(err) != sotepe.ENotFound:
		return sotepe.User{}, err
	}
	if _, ok := sotepe.ParseLang(string(lang)); !ok {
		lang = res.Lang
	}
	u = sotepe.User{
		Username: "r" + strconv.FormatInt(res.ID, 10), Name: res.FullName(), Lang: lang,
		Roles: []sotepe.Role{sotepe.RoleResident}, Units: []string{}, ResidentID: res.ID, CreatedAt: s.now(),
	}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO users (username, name, lang, resident_id, password_hash, disabled, created_at)
		VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING id`,
		u.Username, u.Name, string(u.Lang), u.ResidentID, false, micros(u.CreatedAt)).Scan(&u.ID); err != nil {
		return sotepe.User{}, raced(err)
	}
	if err := insertPositions(ctx, tx, "user_roles", "user_id", "role", u.ID, []string{string(sotepe.RoleResident)}); err != nil {
		return sotepe.User{}, err
	}
	return u, s.auditChange(ctx, tx, sotepe.ActionUserCreate, userObject(u.ID), u.ResidentID)
}

// EnsureResident returns the resident with r's personal identity code
// (matched in any case), or creates them from r with the audit row
// resident.create, as CreateResident validates and stores them. Concurrent
// calls for one person make one resident. A malformed code is EInvalid
// ("error.personal_id") before anything is read.
func (s *Store) EnsureResident(ctx context.Context, r sotepe.Resident) (sotepe.Resident, error) {
	if _, err := sotepe.ParsePersonalID(r.PersonalID); err != nil {
		return sotepe.Resident{}, err
	}
	var out sotepe.Resident
	err := s.inRacyTx(ctx, "ensure resident", func(tx *sql.Tx) error {
		var err error
		out, err = s.ensureResidentTx(ctx, tx, r)
		return err
	})
	if err != nil {
		return sotepe.Resident{}, err
	}
	return out, nil
}

// ensureResidentTx finds the resident with r's personal identity code in tx
// or creates them; a lost race to create them is errRace.
func (s *Store) ensureResidentTx(ctx context.Context, tx *sql.Tx, r sotepe.Resident) (sotepe.Resident, error) {
	if _, err := sotepe.ParsePersonalID(r.PersonalID); err != nil {
		return sotepe.Resident{}, err
	}
	code := normalPersonalID(r.PersonalID)
	found, err := s.residentWhere(ctx, tx, `personal_id = $1`, code)
	if sotepe.ErrorCode(err) != sotepe.ENotFound {
		return found, err
	}
	if err := r.Validate(); err != nil {
		return sotepe.Resident{}, err
	}
	r.PersonalID, r.GuardiansDenied = code, false
	if r.ID, err = s.insertResident(ctx, tx, r); err != nil {
		return sotepe.Resident{}, raced(err)
	}
	return r, nil
}

// SetGuardiansDenied records whether the resident forbids their guardians
// to handle their matters, with the audit row resident.guardians (object
// "resident:<id>/denied" or "resident:<id>/allowed") in the same
// transaction. It does not judge the resident's age. A resident who does not
// exist is ENotFound.
func (s *Store) SetGuardiansDenied(ctx context.Context, residentID int64, denied bool) error {
	return s.inTx(ctx, "set guardians denied", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("resident"),
			`UPDATE residents SET guardians_denied = $1 WHERE id = $2`, denied, residentID); err != nil {
			return err
		}
		what := "/allowed"
		if denied {
			what = "/denied"
		}
		return s.auditChange(ctx, tx, sotepe.ActionGuardiansDenied, residentObject(residentID)+what, residentID)
	})
}

// SaveLoginAttempt stores a sign-in under way, and sweeps the attempts that
// expired by the store's now on the way. An attempt without a state hash,
// provider or expiry is EInvalid ("error.invalid"); a state hash in use is
// EConflict.
func (s *Store) SaveLoginAttempt(ctx context.Context, a sotepe.LoginAttempt) error {
	if len(a.StateHash) == 0 || strings.TrimSpace(a.Provider) == "" || a.ExpiresAt.IsZero() {
		return sotepe.Invalid("error.invalid", "a login attempt needs a state hash, a provider and an expiry")
	}
	return s.inTx(ctx, "save login attempt", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oidc_logins WHERE expires_at <= $1`, micros(s.now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO oidc_logins (state_hash, provider, nonce, verifier, return_to, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			a.StateHash, a.Provider, a.Nonce, a.Verifier, a.ReturnTo, micros(a.ExpiresAt))
		return err
	})
}

// TakeLoginAttempt removes and returns the attempt with stateHash, so that
// each is taken once, and in the same statement removes every attempt
// expired at now. An attempt is expired once now reaches its ExpiresAt. One
// that is missing, taken already or expired is ENotFound.
func (s *Store) TakeLoginAttempt(ctx context.Context, stateHash []byte, now time.Time) (sotepe.LoginAttempt, error) {
	if len(stateHash) == 0 {
		return sotepe.LoginAttempt{}, sotepe.NotFound("login attempt")
	}
	rows, err := s.writer.QueryContext(ctx, `
		DELETE FROM oidc_logins WHERE state_hash = $1 OR expires_at <= $2
		RETURNING state_hash, provider, nonce, verifier, return_to, expires_at`, stateHash, micros(now))
	if err != nil {
		return sotepe.LoginAttempt{}, s.fail("take login attempt", err)
	}
	defer rows.Close()
	var found *sotepe.LoginAttempt
	for rows.Next() {
		var a sotepe.LoginAttempt
		var expires int64
		if err := rows.Scan(&a.StateHash, &a.Provider, &a.Nonce, &a.Verifier, &a.ReturnTo, &expires); err != nil {
			return sotepe.LoginAttempt{}, s.fail("take login attempt", err)
		}
		a.ExpiresAt = fromMicros(expires)
		if bytes.Equal(a.StateHash, stateHash) && now.Before(a.ExpiresAt) {
			found = &a
		}
	}
	if err := rows.Err(); err != nil {
		return sotepe.LoginAttempt{}, s.fail("take login attempt", err)
	}
	if found == nil {
		return sotepe.LoginAttempt{}, sotepe.NotFound("login attempt")
	}
	return *found, nil
}
