package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"

	"sotepe"
)

// checkEntity is the validation every saved network entity shares: an id
// that sotepe.ValidID accepts (EInvalid "error.id") and names in all three
// languages (EInvalid "error.names_incomplete"), as the directory serves
// Finnish, Swedish and English on equal terms.
func checkEntity(kind, id string, names sotepe.Names) error {
	if !sotepe.ValidID(id) {
		return sotepe.Invalid("error.id", kind+" id must be lower-case letters, digits and hyphens")
	}
	if !names.Complete() {
		return sotepe.Invalid("error.names_incomplete", kind+" "+id+" needs names in fi, sv and en")
	}
	return nil
}

// Areas returns every service area, ordered by Order and then id. A failed
// read is EInternal or EUnavailable.
func (s *Store) Areas(ctx context.Context) ([]sotepe.Area, error) {
	out, err := queryInto(ctx, s.readers, func(a *sotepe.Area) []any {
		return []any{&a.ID, &a.Names.Fi, &a.Names.Sv, &a.Names.En, &a.Order}
	}, `SELECT id, name_fi, name_sv, name_en, position FROM areas ORDER BY position, id`)
	return out, s.fail("list areas", err)
}

// Concepts returns every service concept, ordered by id. A failed read is
// EInternal or EUnavailable.
func (s *Store) Concepts(ctx context.Context) ([]sotepe.Concept, error) {
	out, err := queryInto(ctx, s.readers, func(c *sotepe.Concept) []any {
		return []any{&c.ID, &c.Names.Fi, &c.Names.Sv, &c.Names.En}
	}, `SELECT id, name_fi, name_sv, name_en FROM concepts ORDER BY id`)
	return out, s.fail("list concepts", err)
}

// Districts returns every district, ordered by id. A failed read is
// EInternal or EUnavailable.
func (s *Store) Districts(ctx context.Context) ([]sotepe.District, error) {
	out, err := queryInto(ctx, s.readers, func(d *sotepe.District) []any {
		return []any{&d.ID, &d.Names.Fi, &d.Names.Sv, &d.Names.En}
	}, `SELECT id, name_fi, name_sv, name_en FROM districts ORDER BY id`)
	return out, s.fail("list districts", err)
}

// Producers returns every producer, ordered by id. A failed read is
// EInternal or EUnavailable.
func (s *Store) Producers(ctx context.Context) ([]sotepe.Producer, error) {
	out, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (p sotepe.Producer, err error) {
		var kind string
		err = rows.Scan(&p.ID, &p.Names.Fi, &p.Names.Sv, &p.Names.En, &kind)
		p.Kind = sotepe.ProducerKind(kind)
		return
	}, `SELECT id, name_fi, name_sv, name_en, kind FROM producers ORDER BY id`)
	return out, s.fail("list producers", err)
}

const serviceColumns = `id, area_id, name_fi, name_sv, name_en, description_fi, description_sv, description_en, takes_contact_requests, central_unit`

func scanService(sc interface{ Scan(...any) error }) (sotepe.Service, error) {
	var v sotepe.Service
	var central sql.NullString
	err := sc.Scan(&v.ID, &v.AreaID, &v.Names.Fi, &v.Names.Sv, &v.Names.En,
		&v.Descriptions.Fi, &v.Descriptions.Sv, &v.Descriptions.En, &v.TakesContactRequests, &central)
	v.CentralUnit = central.String
	return v, err
}

// Services returns one page of services ordered by id; area narrows to one
// service area when not empty. The cursor is opaque; a malformed one is
// EInvalid ("error.cursor"), as is a negative limit.
func (s *Store) Services(ctx context.Context, area string, page sotepe.PageRequest) (sotepe.Page[sotepe.Service], error) {
	out := sotepe.Page[sotepe.Service]{Items: []sotepe.Service{}}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	var args []any
	where := ` WHERE 1 = 1`
	if area != "" {
		args = append(args, area)
		where += ` AND area_id = $` + strconv.Itoa(len(args))
	}
	if page.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(page.Cursor)
		if err != nil || len(raw) == 0 {
			return out, sotepe.Invalid("error.cursor", "malformed cursor")
		}
		args = append(args, string(raw))
		where += ` AND id > $` + strconv.Itoa(len(args))
	}
	args = append(args, page.Limit+1)
	items, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (sotepe.Service, error) { return scanService(rows) },
		`SELECT `+serviceColumns+` FROM services`+where+` ORDER BY id LIMIT `+limitParam(len(args)), args...)
	if err != nil {
		return out, s.fail("list services", err)
	}
	return pageOf(items, page.Limit, func(last sotepe.Service) string {
		return base64.RawURLEncoding.EncodeToString([]byte(last.ID))
	}), nil
}

// Service returns one service, or ENotFound.
func (s *Store) Service(ctx context.Context, id string) (sotepe.Service, error) {
	v, err := scanService(s.readers.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.Service{}, sotepe.NotFound("service")
	}
	if err != nil {
		return sotepe.Service{}, s.fail("read service", err)
	}
	return v, nil
}

// exists reports whether table has a row with id. table is always a
// constant of this package, never input.
func (s *Store) exists(ctx context.Context, q querier, table, id string) (bool, error) {
	ok, err := rowExists(ctx, q, `SELECT 1 FROM `+table+` WHERE id = $1`, id)
	return ok, s.fail("check "+table, err)
}

// SaveArea inserts or replaces an area by id, with its audit row. A bad id
// or incomplete names are EInvalid.
func (s *Store) SaveArea(ctx context.Context, a sotepe.Area) error {
	if err := checkEntity("area", a.ID, a.Names); err != nil {
		return err
	}
	return s.inTx(ctx, "save area", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO areas (id, name_fi, name_sv, name_en, position) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
				name_en = excluded.name_en, position = excluded.position`,
			a.ID, a.Names.Fi, a.Names.Sv, a.Names.En, a.Order); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "area:"+a.ID, 0)
	})
}

// upsertNames inserts the row of table whose key column col is key with
// names, or renames the one there. Table and col are the store's own
// constants, never input.
func upsertNames(ctx context.Context, tx *sql.Tx, table, col, key string, names sotepe.Names) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO `+table+` (`+col+`, name_fi, name_sv, name_en) VALUES ($1, $2, $3, $4)
		ON CONFLICT (`+col+`) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
			name_en = excluded.name_en`,
		key, names.Fi, names.Sv, names.En)
	return err
}

// SaveConcept inserts or replaces a service concept by id, with its audit
// row. A bad id or incomplete names are EInvalid.
func (s *Store) SaveConcept(ctx context.Context, c sotepe.Concept) error {
	if err := checkEntity("concept", c.ID, c.Names); err != nil {
		return err
	}
	return s.inTx(ctx, "save concept", func(tx *sql.Tx) error {
		if err := upsertNames(ctx, tx, "concepts", "id", c.ID, c.Names); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "concept:"+c.ID, 0)
	})
}

// SaveDistrict inserts or replaces a district by id, with its audit row, and
// refreshes the search text of the units in it, which holds the district's
// names. A bad id or incomplete names are EInvalid.
func (s *Store) SaveDistrict(ctx context.Context, d sotepe.District) error {
	if err := checkEntity("district", d.ID, d.Names); err != nil {
		return err
	}
	return s.inTx(ctx, "save district", func(tx *sql.Tx) error {
		if err := upsertNames(ctx, tx, "districts", "id", d.ID, d.Names); err != nil {
			return err
		}
		if err := s.reindexUnits(ctx, tx, `u.district_id = $1`, d.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "district:"+d.ID, 0)
	})
}

// SaveProducer inserts or replaces a producer by id, with its audit row. A
// bad id, incomplete names or an unknown kind are EInvalid.
func (s *Store) SaveProducer(ctx context.Context, p sotepe.Producer) error {
	if err := checkEntity("producer", p.ID, p.Names); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return sotepe.Invalid("error.producer_kind", "producer "+p.ID+" has an unknown kind "+string(p.Kind))
	}
	return s.inTx(ctx, "save producer", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO producers (id, name_fi, name_sv, name_en, kind) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
				name_en = excluded.name_en, kind = excluded.kind`,
			p.ID, p.Names.Fi, p.Names.Sv, p.Names.En, string(p.Kind)); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "producer:"+p.ID, 0)
	})
}

// SaveService inserts or replaces a service by id, with its audit row, and
// refreshes the search text of the units that offer it, which holds the
// service's names. A bad id or incomplete names are EInvalid, and so is an
// unknown area ("error.unknown_area").
//
// CentralUnit is stored as given ("" as none) and read back as stored: it is
// checked to be a well-formed id (EInvalid "error.id"), not to name an
// existing unit, because the network is saved services first and units
// after. Whoever routes a request to it meets a unit that does not exist
// when storing the request (CreateContactRequest: "error.unknown_unit").
func (s *Store) SaveService(ctx context.Context, v sotepe.Service) error {
	if err := checkEntity("service", v.ID, v.Names); err != nil {
		return err
	}
	if v.CentralUnit != "" && !sotepe.ValidID(v.CentralUnit) {
		return sotepe.Invalid("error.id", "service "+v.ID+" names a malformed central unit id")
	}
	return s.inTx(ctx, "save service", func(tx *sql.Tx) error {
		ok, err := s.exists(ctx, tx, "areas", v.AreaID)
		if err != nil {
			return err
		}
		if !ok {
			return sotepe.Invalid("error.unknown_area", "service "+v.ID+" names an unknown area")
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO services (`+serviceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET area_id = excluded.area_id,
				name_fi = excluded.name_fi, name_sv = excluded.name_sv, name_en = excluded.name_en,
				description_fi = excluded.description_fi, description_sv = excluded.description_sv,
				description_en = excluded.description_en, takes_contact_requests = excluded.takes_contact_requests,
				central_unit = excluded.central_unit`,
			v.ID, v.AreaID, v.Names.Fi, v.Names.Sv, v.Names.En,
			v.Descriptions.Fi, v.Descriptions.Sv, v.Descriptions.En, v.TakesContactRequests,
			nullString(v.CentralUnit)); err != nil {
			return err
		}
		if err := s.reindexUnits(ctx, tx, `u.id IN (SELECT unit_id FROM unit_services WHERE service_id = $1)`, v.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "service:"+v.ID, 0)
	})
}
