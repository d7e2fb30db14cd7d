package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"sotepe"
)

const userColumns = `u.id, u.username, u.name, u.lang, u.resident_id, u.disabled, u.created_at, u.password_hash, u.email`

// scanUser reads the userColumns of one row and returns the user and its
// password hash.
func scanUser(sc interface{ Scan(...any) error }, extra ...any) (sotepe.User, string, error) {
	var u sotepe.User
	var lang, hash string
	var resident sql.NullInt64
	var email sql.NullString
	var created int64
	dest := append([]any{&u.ID, &u.Username, &u.Name, &lang, &resident, &u.Disabled, &created, &hash, &email}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return u, "", err
	}
	u.Lang, u.ResidentID, u.CreatedAt, u.Email = sotepe.Lang(lang), resident.Int64, fromMicros(created), email.String
	return u, hash, nil
}

// fillUserLists adds a user's roles and units, in the order they were given.
func (s *Store) fillUserLists(ctx context.Context, q querier, u *sotepe.User) error {
	u.Roles, u.Units = []sotepe.Role{}, []string{}
	const query = `
		SELECT 1, role, position FROM user_roles WHERE user_id = $1
		UNION ALL
		SELECT 2, unit_id, position FROM user_units WHERE user_id = $1
		ORDER BY 1, 3`
	if q == querier(s.readers) {
		// Every signed-in request reads its user's lists: prepared once.
		q = s.readStmts
	}
	rows, err := q.QueryContext(ctx, query, u.ID)
	if err != nil {
		return s.fail("read user roles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var list, pos int
		var value string
		if err := rows.Scan(&list, &value, &pos); err != nil {
			return s.fail("read user roles", err)
		}
		if list == 1 {
			u.Roles = append(u.Roles, sotepe.Role(value))
		} else {
			u.Units = append(u.Units, value)
		}
	}
	return s.fail("read user roles", rows.Err())
}

// userWhere returns the user that where (with args) picks and its password
// hash, or ENotFound.
func (s *Store) userWhere(ctx context.Context, q querier, where string, args ...any) (sotepe.User, string, error) {
	u, hash, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.User{}, "", sotepe.NotFound("user")
	}
	if err != nil {
		return sotepe.User{}, "", s.fail("read user", err)
	}
	if err := s.fillUserLists(ctx, q, &u); err != nil {
		return sotepe.User{}, "", err
	}
	return u, hash, nil
}

// CreateUser validates n (sotepe.NewUser.Validate) and stores the account
// with its roles, units and audit row in one transaction. A taken username
// is EConflict ("error.username_taken"); an unknown resident or unit is
// EInvalid ("error.unknown_resident", "error.unknown_unit"). Repeated roles
// or units are stored once.
func (s *Store) CreateUser(ctx context.Context, n sotepe.NewUser) (sotepe.User, error) {
	if err := n.Validate(); err != nil {
		return sotepe.User{}, err
	}
	u := sotepe.User{
		Username: n.Username, Name: n.Name, Roles: dedupe(n.Roles), Units: dedupe(n.Units),
		Lang: n.Lang, ResidentID: n.ResidentID, Email: n.Email, CreatedAt: s.now(),
	}
	err := s.inTx(ctx, "create user", func(tx *sql.Tx) error {
		if taken, err := rowExists(ctx, tx, `SELECT 1 FROM users WHERE username = $1`, u.Username); err != nil {
			return err
		} else if taken {
			return conflict("error.username_taken", "username is taken")
		}
		if u.ResidentID != 0 {
			if ok, err := rowExists(ctx, tx, `SELECT 1 FROM residents WHERE id = $1`, u.ResidentID); err != nil {
				return err
			} else if !ok {
				return sotepe.Invalid("error.unknown_resident", "the account links an unknown resident")
			}
		}
		units, err := s.namesByID(ctx, tx, "units", u.Units)
		if err != nil {
			return err
		}
		for _, id := range u.Units {
			if _, ok := units[id]; !ok {
				return sotepe.Invalid("error.unknown_unit", "the account names an unknown unit "+id)
			}
		}
		// Two transactions on PostgreSQL may both pass the check above;
		// the unique index then refuses one, which fail reports as
		// EConflict too.
		if u.ID, err = insertID(ctx, tx, "error.username_taken", "username is taken", `
			INSERT INTO users (username, name, lang, resident_id, password_hash, disabled, created_at, email)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.Username, u.Name, string(u.Lang), nullInt(u.ResidentID), n.PasswordHash, false, micros(u.CreatedAt), nullString(n.Email),
		); err != nil {
			return err
		}
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		if err := insertPositions(ctx, tx, "user_roles", "user_id", "role", u.ID, roles); err != nil {
			return err
		}
		if err := insertPositions(ctx, tx, "user_units", "user_id", "unit_id", u.ID, u.Units); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionUserCreate, userObject(u.ID), u.ResidentID)
	})
	if err != nil {
		return sotepe.User{}, err
	}
	return u, nil
}

func userObject(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// User returns one user with its roles and units, disabled or not, or
// ENotFound.
func (s *Store) User(ctx context.Context, id int64) (sotepe.User, error) {
	u, _, err := s.userWhere(ctx, s.readers, `u.id = $1`, id)
	return u, err
}

// UnitStaff returns the enabled professionals and managers of unitID, by
// name, with their roles and units; an unknown unit has none.
func (s *Store) UnitStaff(ctx context.Context, unitID string) ([]sotepe.User, error) {
	rows, err := s.readers.QueryContext(ctx, `
		SELECT `+userColumns+` FROM users u JOIN user_units uu ON uu.user_id = u.id
		WHERE uu.unit_id = $1 AND u.disabled = $2
			AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('professional', 'manager'))
		ORDER BY u.name, u.id`, unitID, false)
	if err != nil {
		return nil, s.fail("read unit staff", err)
	}
	var out []sotepe.User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, s.fail("read unit staff", err)
		}
		out = append(out, u)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, s.fail("read unit staff", err)
	}
	for i := range out {
		if err := s.fillUserLists(ctx, s.readers, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UserByUsername returns a user and its password hash ("" for an account
// without a password), or ENotFound. It returns disabled users too, with
// Disabled set: signing them in is the caller's to refuse.
func (s *Store) UserByUsername(ctx context.Context, username string) (sotepe.User, string, error) {
	return s.userWhere(ctx, s.readers, `u.username = $1`, username)
}

// LinkIdentity links an outside identity to a user, with its audit row. An
// identity linked already (to this user or another) is EConflict
// ("error.identity_linked"); an unknown user is ENotFound; an empty provider
// or subject is EInvalid ("error.identity").
func (s *Store) LinkIdentity(ctx context.Context, id sotepe.Identity) error {
	if strings.TrimSpace(id.Provider) == "" || strings.TrimSpace(id.Subject) == "" {
		return sotepe.Invalid("error.identity", "an identity needs a provider and a subject")
	}
	return s.inTx(ctx, "link identity", func(tx *sql.Tx) error {
		if ok, err := rowExists(ctx, tx, `SELECT 1 FROM users WHERE id = $1`, id.UserID); err != nil {
			return err
		} else if !ok {
			return sotepe.NotFound("user")
		}
		if err := execAffecting(ctx, tx, conflict("error.identity_linked", "the identity is linked already"), `
			INSERT INTO identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (provider, subject) DO NOTHING`,
			id.Provider, id.Subject, id.UserID, micros(s.now())); err != nil {
			return err
		}
		// The subject may be derived from personal data; the row names
		// only the user and the provider.
		return s.auditChange(ctx, tx, sotepe.ActionIdentityLink, userObject(id.UserID)+"/"+id.Provider, 0)
	})
}

// UserByIdentity returns the user an outside identity is linked to,
// disabled or not, or ENotFound.
func (s *Store) UserByIdentity(ctx context.Context, provider, subject string) (sotepe.User, error) {
	u, _, err := s.userWhere(ctx, s.readers,
		`u.id = (SELECT user_id FROM identities WHERE provider = $1 AND subject = $2)`, provider, subject)
	return u, err
}

// SetPassword replaces a user's password hash ("" removes the password),
// with its audit row, and ends every session of the user in the same
// transaction: whoever signed in with the old password is signed out. There
// is no route by which users change their own password, so no session is
// kept. An unknown user is ENotFound.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	// The kept sessions are forgotten after the commit (sessioncache.go).
	defer s.sessions.forgetAll()
	return s.inTx(ctx, "set password", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("user"),
			`UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionPasswordSet, userObject(userID), 0)
	})
}
