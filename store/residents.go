package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"sotepe"
)

const residentColumns = `id, personal_id, first_name, last_name, lang, district_id, home_unit, phone, email, guardians_denied`

// normalPersonalID is the stored form of a personal identity code: upper
// case, no surrounding space, so that a search finds it however typed.
func normalPersonalID(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// residentWhere reads the resident that where (with args) picks, or
// ENotFound.
func (s *Store) residentWhere(ctx context.Context, q querier, where string, args ...any) (sotepe.Resident, error) {
	var r sotepe.Resident
	var lang string
	var district, home sql.NullString
	err := q.QueryRowContext(ctx, `SELECT `+residentColumns+` FROM residents WHERE `+where, args...).Scan(
		&r.ID, &r.PersonalID, &r.FirstName, &r.LastName, &lang, &district, &home, &r.Phone, &r.Email, &r.GuardiansDenied)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.Resident{}, sotepe.NotFound("resident")
	}
	if err != nil {
		return sotepe.Resident{}, s.fail("read resident", err)
	}
	r.Lang, r.District, r.HomeUnit = sotepe.Lang(lang), district.String, home.String
	return r, nil
}

// CreateResident validates r (sotepe.Resident.Validate) and stores it with
// its audit row; the personal identity code is stored in upper case. A taken
// code is EConflict ("error.personal_id_taken"); an unknown district or home
// unit is EInvalid ("error.unknown_district", "error.unknown_unit"). A new
// resident's guardians are not denied, whatever r says.
func (s *Store) CreateResident(ctx context.Context, r sotepe.Resident) (sotepe.Resident, error) {
	if err := r.Validate(); err != nil {
		return sotepe.Resident{}, err
	}
	r.ID, r.GuardiansDenied = 0, false
	r.PersonalID = normalPersonalID(r.PersonalID)
	err := s.inTx(ctx, "create resident", func(tx *sql.Tx) error {
		if taken, err := rowExists(ctx, tx, `SELECT 1 FROM residents WHERE personal_id = $1`, r.PersonalID); err != nil {
			return err
		} else if taken {
			return conflict("error.personal_id_taken", "a resident with this personal identity code exists")
		}
		var err error
		r.ID, err = s.insertResident(ctx, tx, r)
		if classify(err) == failUnique {
			return conflict("error.personal_id_taken", "a resident with this personal identity code exists")
		}
		return err
	})
	if err != nil {
		return sotepe.Resident{}, err
	}
	return r, nil
}

// insertResident stores r, validated and with its code normalised, in tx
// with its audit row (resident.create) and returns its id. An unknown
// district or home unit is EInvalid; a taken code is the database's unique
// violation, for the caller to judge.
func (s *Store) insertResident(ctx context.Context, tx *sql.Tx, r sotepe.Resident) (int64, error) {
	for _, ref := range []struct{ table, id, key string }{
		{"districts", r.District, "error.unknown_district"},
		{"units", r.HomeUnit, "error.unknown_unit"},
	} {
		if ref.id == "" {
			continue
		}
		ok, err := s.exists(ctx, tx, ref.table, ref.id)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, sotepe.Invalid(ref.key, "the resident names an unknown "+strings.TrimSuffix(ref.table, "s"))
		}
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO residents (personal_id, first_name, last_name, lang, district_id, home_unit, phone, email, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		r.PersonalID, r.FirstName, r.LastName, string(r.Lang), nullString(r.District), nullString(r.HomeUnit),
		r.Phone, r.Email, micros(s.now())).Scan(&id); err != nil {
		return 0, err
	}
	return id, s.auditChange(ctx, tx, sotepe.ActionResidentCreate, residentObject(id), id)
}

func residentObject(id int64) string { return "resident:" + strconv.FormatInt(id, 10) }

// Resident returns a resident's own data, for the resident themselves; it
// writes no audit row, so staff never read through it. A missing resident
// is ENotFound.
func (s *Store) Resident(ctx context.Context, id int64) (sotepe.Resident, error) {
	// Every submission reads its resident to route it: on SQLite through
	// the prepared statements.
	return s.residentWhere(ctx, s.reads, `id = $1`, id)
}

// staffActor returns the context's actor when it may read residents' data
// on a basis: a signed-in user acting as a professional, a manager or an
// admin. Analysts work with figures, never personal data. Anyone else is
// EForbidden; an unknown basis is EInvalid ("error.basis").
func staffActor(ctx context.Context, basis sotepe.Basis) (sotepe.Actor, error) {
	a := sotepe.ActorFrom(ctx)
	switch a.Role {
	case sotepe.RoleProfessional, sotepe.RoleManager, sotepe.RoleAdmin:
	default:
		return a, forbidden("reading residents' data needs a staff role")
	}
	if a.UserID == 0 {
		return a, forbidden("reading residents' data needs a signed-in user")
	}
	if !basis.Valid() {
		return a, sotepe.Invalid("error.basis", "unknown basis "+string(basis))
	}
	return a, nil
}

// ReadResident returns a resident to staff, or ENotFound. The actor comes
// from the context and must act as a professional, manager or admin
// (EForbidden otherwise); basis must be valid (EInvalid "error.basis"). The
// read and its audit row (resident.read, object "resident:<id>") share one
// write transaction: when the row cannot be written, nothing is returned.
// A read of an id that is nobody's is recorded too, without a resident.
func (s *Store) ReadResident(ctx context.Context, id int64, basis sotepe.Basis) (sotepe.Resident, error) {
	a, err := staffActor(ctx, basis)
	if err != nil {
		return sotepe.Resident{}, err
	}
	var r sotepe.Resident
	err = s.auditedRead(ctx, "read resident", sotepe.AuditEntry{
		ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID,
		Action: sotepe.ActionResidentRead, Object: residentObject(id), Basis: basis,
	}, func(tx *sql.Tx) (int64, error) {
		var err error
		r, err = s.residentWhere(ctx, tx, `id = $1`, id)
		return r.ID, err
	})
	if err != nil {
		return sotepe.Resident{}, err
	}
	return r, nil
}

// FindResident returns to staff, or to an integration client (the
// context's actor is sotepe.ClientActor), the resident with a personal
// identity code, or ENotFound; the code is matched in any case. Actor and basis are checked
// as in ReadResident, and a malformed code is EInvalid
// ("error.personal_id") before anything is read. The search and its audit
// row (resident.search, object "resident") share one write transaction.
//
// A search that finds nobody is recorded as well, without a resident and
// without the code: the trail then shows who searched, when and on which
// basis (repeated misses are a sign of probing), yet it keeps no personal
// data of someone the city does not know, and no resident's access log shows
// it, since nobody's data was seen.
func (s *Store) FindResident(ctx context.Context, personalID string, basis sotepe.Basis) (sotepe.Resident, error) {
	a, err := staffActor(ctx, basis)
	if a.Role == sotepe.ActorIntegration && a.Client != 0 && basis.Valid() {
		// An integration client booking for a resident finds them by
		// code (booking.ClientBook); the audit row names the client.
		err = nil
	}
	if err != nil {
		return sotepe.Resident{}, err
	}
	if _, err := sotepe.ParsePersonalID(personalID); err != nil {
		return sotepe.Resident{}, err
	}
	var r sotepe.Resident
	err = s.auditedRead(ctx, "find resident", sotepe.AuditEntry{
		ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID,
		Action: sotepe.ActionResidentSearch, Object: "resident", Basis: basis,
	}, func(tx *sql.Tx) (int64, error) {
		var err error
		r, err = s.residentWhere(ctx, tx, `personal_id = $1`, normalPersonalID(personalID))
		return r.ID, err
	})
	if err != nil {
		return sotepe.Resident{}, err
	}
	return r, nil
}
