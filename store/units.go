package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// How units are found and ordered.
//
// Search: units.search_text holds sotepe.Unit.SearchText (names, district,
// street and kind in every language, folded) followed by the folded names of
// the unit's services, so that "hammashoito" finds every unit that offers
// dental care. SaveUnit writes it; SaveDistrict and SaveService rewrite it
// for the units whose district or service they rename. A query is folded with
// sotepe.FoldText and matched as a substring with LIKE, its % and _ escaped.
//
// Order: units.sort_fi, sort_sv and sort_en hold a sort key of the name in
// each language (see sortKey) that compares byte by byte on both engines; the
// list is ordered by the key of the chosen language and then by id, and the
// cursor is the last row's language, key and id (keyset paging).
//
// Reading: a unit's services, concepts and languages live twice, in the join
// tables (for filters and foreign keys) and as space-separated copies in the
// units row (service_ids, concept_ids, langs), so that a page of units, whole,
// is one query. SaveUnit writes both in one transaction.

// nordicOrder is a read-only table: never written after initialisation. It
// puts å, ä and ö after z in this order, as the Finnish and Swedish
// alphabets do; '{', '|' and '}' follow 'z' in ASCII.
var nordicOrder = strings.NewReplacer("å", "{", "ä", "|", "æ", "|", "ö", "}", "ø", "}", "ü", "y")

// sortKey returns the key that orders a name in lang: lower case, spaces
// made one, accents folded, except that Finnish and Swedish keep å, ä and ö
// as the letters after z.
func sortKey(name string, lang sotepe.Lang) string {
	s := strings.ToLower(name)
	if lang != sotepe.English {
		s = nordicOrder.Replace(s)
	}
	return sotepe.FoldText(s)
}

// sortColumn names the sort key column of lang. The result is one of three
// constants, never input.
func sortColumn(lang sotepe.Lang) string {
	switch lang {
	case sotepe.Swedish:
		return "sort_sv"
	case sotepe.English:
		return "sort_en"
	}
	return "sort_fi"
}

// searchText returns what a unit is found by: sotepe.Unit.SearchText and the
// names of its services, folded.
func searchText(u sotepe.Unit, district sotepe.Names, services map[string]sotepe.Names) string {
	parts := []string{u.SearchText(district)}
	for _, id := range u.Services {
		n := services[id]
		parts = append(parts, n.Fi, n.Sv, n.En)
	}
	return sotepe.FoldText(strings.Join(parts, " | "))
}

// likeEscaper is a read-only table: never written after initialisation. It
// makes a user's text match itself in LIKE … ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

const unitColumns = `u.id, u.kind, u.area_id, u.producer_id, u.district_id, u.name_fi, u.name_sv, u.name_en,
	u.street_fi, u.street_sv, u.street_en, u.postal_code, u.city_fi, u.city_sv, u.city_en,
	u.lat, u.lon, u.phone, u.opened, u.hours, u.service_ids, u.concept_ids, u.langs, u.search_text`

// selectUnits reads the units rows that where (with args) picks, in the
// order and limit of tail, together with each one's value of the column
// extra (a sort key) and its search text: each unit whole, with its
// services, concepts, languages and hours, in one query.
func (s *Store) selectUnits(ctx context.Context, q querier, where string, args []any, extra, tail string) (units []sotepe.Unit, extras, texts []string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT `+unitColumns+`, u.`+extra+` FROM units u WHERE `+where+` `+tail, args...)
	if err != nil {
		return nil, nil, nil, s.fail("list units", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u sotepe.Unit
		var hours, services, concepts, langs, text, key string
		if err := rows.Scan(&u.ID, &u.Kind, &u.AreaID, &u.ProducerID, &u.District,
			&u.Names.Fi, &u.Names.Sv, &u.Names.En,
			&u.Address.Street.Fi, &u.Address.Street.Sv, &u.Address.Street.En, &u.Address.PostalCode,
			&u.Address.City.Fi, &u.Address.City.Sv, &u.Address.City.En,
			&u.Location.Lat, &u.Location.Lon, &u.Phone, &u.Opened, &hours, &services, &concepts, &langs,
			&text, &key); err != nil {
			return nil, nil, nil, s.fail("list units", err)
		}
		if err := json.Unmarshal([]byte(hours), &u.Hours); err != nil {
			return nil, nil, nil, s.fail("read unit hours", err)
		}
		if u.Hours.Regular == nil {
			u.Hours.Regular = []sotepe.DayHours{}
		}
		if u.Hours.Exceptions == nil {
			u.Hours.Exceptions = []sotepe.HoursException{}
		}
		u.Services, u.Concepts = strings.Fields(services), strings.Fields(concepts)
		u.Languages = []sotepe.Lang{}
		for _, l := range strings.Fields(langs) {
			u.Languages = append(u.Languages, sotepe.Lang(l))
		}
		units = append(units, u)
		extras = append(extras, key)
		texts = append(texts, text)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, s.fail("list units", err)
	}
	return units, extras, texts, nil
}

// Units returns one page of the units that match every non-empty field of
// f, ordered by name in f.SortLang (Finnish when empty) and then id, each
// with its services, concepts, languages and hours. A malformed cursor, or
// one made for another sort language, is EInvalid ("error.cursor"); an
// unknown SortLang or Language is EInvalid ("error.lang"); a negative limit
// is EInvalid ("error.page_limit").
func (s *Store) Units(ctx context.Context, f sotepe.UnitFilter) (sotepe.Page[sotepe.Unit], error) {
	out := sotepe.Page[sotepe.Unit]{Items: []sotepe.Unit{}}
	f, err := f.Normalize()
	if err != nil {
		return out, err
	}
	page, lang := f.Page, f.SortLang
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	conds := []string{"1 = 1"}
	if q := f.Query; q != "" {
		conds = append(conds, `u.search_text LIKE '%' || `+arg(likeEscaper.Replace(q))+` || '%' ESCAPE '\'`)
	}
	if f.Service != "" {
		conds = append(conds, `u.id IN (SELECT unit_id FROM unit_services WHERE service_id = `+arg(f.Service)+`)`)
	}
	if f.Concept != "" {
		conds = append(conds, `u.id IN (SELECT unit_id FROM unit_concepts WHERE concept_id = `+arg(f.Concept)+`)`)
	}
	if f.Language != "" {
		conds = append(conds, `u.id IN (SELECT unit_id FROM unit_languages WHERE lang = `+arg(string(f.Language))+`)`)
	}
	if f.Area != "" {
		conds = append(conds, `u.area_id = `+arg(f.Area))
	}
	if f.District != "" {
		conds = append(conds, `u.district_id = `+arg(f.District))
	}
	if f.Kind != "" {
		conds = append(conds, `u.kind = `+arg(f.Kind))
	}
	if f.Producer != "" {
		conds = append(conds, `u.producer_id = `+arg(f.Producer))
	}
	col := sortColumn(lang)
	if page.Cursor != "" {
		key, id, err := decodeUnitCursor(page.Cursor, lang)
		if err != nil {
			return out, err
		}
		conds = append(conds, `(u.`+col+`, u.id) > (`+arg(key)+`, `+arg(id)+`)`)
	}
	arg(page.Limit + 1)
	tail := `ORDER BY u.` + col + `, u.id LIMIT ` + limitParam(len(args))
	units, keys, _, err := s.selectUnits(ctx, s.readers, strings.Join(conds, " AND "), args, col, tail)
	if err != nil {
		return out, err
	}
	if len(units) > page.Limit {
		units = units[:page.Limit]
		last := len(units) - 1
		out.NextCursor = encodeUnitCursor(lang, keys[last], units[last].ID)
	}
	if units != nil {
		out.Items = units
	}
	return out, nil
}

func encodeUnitCursor(lang sotepe.Lang, key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(lang) + "\x00" + key + "\x00" + id))
}

func decodeUnitCursor(c string, lang sotepe.Lang) (key, id string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 || sotepe.Lang(parts[0]) != lang || parts[2] == "" {
		return "", "", sotepe.Invalid("error.cursor", "malformed cursor")
	}
	return parts[1], parts[2], nil
}

// Unit returns one unit with its services, concepts, languages and hours, or
// ENotFound.
func (s *Store) Unit(ctx context.Context, id string) (sotepe.Unit, error) {
	units, _, _, err := s.selectUnits(ctx, s.readers, `u.id = $1`, []any{id}, "sort_fi", "")
	if err != nil {
		return sotepe.Unit{}, err
	}
	if len(units) == 0 {
		return sotepe.Unit{}, sotepe.NotFound("unit")
	}
	return units[0], nil
}

// namesByID returns the names of the rows of table (areas, districts,
// services …, a constant of this package) with the given ids; ids that are
// not there are missing from the map.
func (s *Store) namesByID(ctx context.Context, q querier, table string, ids []string) (map[string]sotepe.Names, error) {
	out := make(map[string]sotepe.Names, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name_fi, name_sv, name_en FROM `+table+
		` WHERE id IN (`+placeholders(1, len(ids))+`)`, stringArgs(ids)...)
	if err != nil {
		return nil, s.fail("read "+table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n sotepe.Names
		if err := rows.Scan(&id, &n.Fi, &n.Sv, &n.En); err != nil {
			return nil, s.fail("read "+table, err)
		}
		out[id] = n
	}
	return out, s.fail("read "+table, rows.Err())
}

// SaveUnit validates u (sotepe.Unit.Validate, and Opened as YYYY-MM-DD) and
// inserts or replaces it by id together with its services, concepts and
// languages and its audit row, all in one transaction. Repeated ids in the
// lists are stored once. An unknown area, producer, district, service or
// concept is EInvalid ("error.unknown_area", "error.unknown_producer",
// "error.unknown_district", "error.unknown_service",
// "error.unknown_concept").
func (s *Store) SaveUnit(ctx context.Context, u sotepe.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.Opened != "" {
		if _, err := time.Parse(time.DateOnly, u.Opened); err != nil {
			return sotepe.Invalid("error.date", "unit "+u.ID+" opened date is not YYYY-MM-DD")
		}
	}
	u.Services, u.Concepts, u.Languages = dedupe(u.Services), dedupe(u.Concepts), dedupe(u.Languages)
	hours, err := json.Marshal(u.Hours)
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "store: encode unit hours", Err: err}
	}
	return s.inTx(ctx, "save unit", func(tx *sql.Tx) error {
		for _, ref := range []struct{ table, id, key string }{
			{"areas", u.AreaID, "error.unknown_area"},
			{"producers", u.ProducerID, "error.unknown_producer"},
		} {
			ok, err := s.exists(ctx, tx, ref.table, ref.id)
			if err != nil {
				return err
			}
			if !ok {
				return sotepe.Invalid(ref.key, "unit "+u.ID+" names an unknown "+strings.TrimSuffix(ref.table, "s"))
			}
		}
		districts, err := s.namesByID(ctx, tx, "districts", []string{u.District})
		if err != nil {
			return err
		}
		if _, ok := districts[u.District]; !ok {
			return sotepe.Invalid("error.unknown_district", "unit "+u.ID+" names an unknown district")
		}
		services, err := s.namesByID(ctx, tx, "services", u.Services)
		if err != nil {
			return err
		}
		for _, id := range u.Services {
			if _, ok := services[id]; !ok {
				return sotepe.Invalid("error.unknown_service", "unit "+u.ID+" names an unknown service "+id)
			}
		}
		concepts, err := s.namesByID(ctx, tx, "concepts", u.Concepts)
		if err != nil {
			return err
		}
		for _, id := range u.Concepts {
			if _, ok := concepts[id]; !ok {
				return sotepe.Invalid("error.unknown_concept", "unit "+u.ID+" names an unknown concept "+id)
			}
		}
		langs := make([]string, len(u.Languages))
		for i, l := range u.Languages {
			langs[i] = string(l)
		}
		// The upsert comes first: on PostgreSQL its row lock makes a
		// concurrent save of the same unit wait here rather than clash on
		// the join rows below.
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO units (id, kind, area_id, producer_id, district_id, name_fi, name_sv, name_en,
				sort_fi, sort_sv, sort_en, street_fi, street_sv, street_en, postal_code,
				city_fi, city_sv, city_en, lat, lon, phone, opened, hours, service_ids, concept_ids, langs, search_text)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
				$23, $24, $25, $26, $27)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, area_id = excluded.area_id,
				producer_id = excluded.producer_id, district_id = excluded.district_id,
				name_fi = excluded.name_fi, name_sv = excluded.name_sv, name_en = excluded.name_en,
				sort_fi = excluded.sort_fi, sort_sv = excluded.sort_sv, sort_en = excluded.sort_en,
				street_fi = excluded.street_fi, street_sv = excluded.street_sv, street_en = excluded.street_en,
				postal_code = excluded.postal_code, city_fi = excluded.city_fi, city_sv = excluded.city_sv,
				city_en = excluded.city_en, lat = excluded.lat, lon = excluded.lon, phone = excluded.phone,
				opened = excluded.opened, hours = excluded.hours, service_ids = excluded.service_ids,
				concept_ids = excluded.concept_ids, langs = excluded.langs, search_text = excluded.search_text`,
			u.ID, u.Kind, u.AreaID, u.ProducerID, u.District, u.Names.Fi, u.Names.Sv, u.Names.En,
			sortKey(u.Names.In(sotepe.Finnish), sotepe.Finnish), sortKey(u.Names.In(sotepe.Swedish), sotepe.Swedish),
			sortKey(u.Names.In(sotepe.English), sotepe.English),
			u.Address.Street.Fi, u.Address.Street.Sv, u.Address.Street.En, u.Address.PostalCode,
			u.Address.City.Fi, u.Address.City.Sv, u.Address.City.En, u.Location.Lat, u.Location.Lon,
			u.Phone, u.Opened, string(hours), strings.Join(u.Services, " "), strings.Join(u.Concepts, " "),
			strings.Join(langs, " "), searchText(u, districts[u.District], services)); err != nil {
			return err
		}
		for _, table := range []string{"unit_services", "unit_concepts", "unit_languages"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE unit_id = $1`, u.ID); err != nil {
				return err
			}
		}
		for _, list := range []struct {
			table, column string
			values        []string
		}{
			{"unit_services", "service_id", u.Services},
			{"unit_concepts", "concept_id", u.Concepts},
			{"unit_languages", "lang", langs},
		} {
			if err := insertPositions(ctx, tx, list.table, "unit_id", list.column, u.ID, list.values); err != nil {
				return err
			}
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "unit:"+u.ID, 0)
	})
}

// insertPositions inserts one row (owner, value, position) per value into a
// join table, in one statement. table and the columns are constants of this
// package.
func insertPositions(ctx context.Context, q querier, table, ownerCol, valueCol string, owner any, values []string) error {
	if len(values) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, 1+2*len(values))
	args = append(args, owner)
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, v, i)
		n := len(args)
		b.WriteString("($1, $" + strconv.Itoa(n-1) + ", $" + strconv.Itoa(n) + ")")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO `+table+` (`+ownerCol+`, `+valueCol+`, position) VALUES `+b.String(), args...)
	return err
}

// reindexUnits rewrites the search text of the units that where (with arg)
// picks, after a district or service they name was saved. It reads them all
// at once and writes only the rows whose text changed, so re-saving
// unchanged data costs a few queries.
func (s *Store) reindexUnits(ctx context.Context, tx *sql.Tx, where string, arg any) error {
	units, _, texts, err := s.selectUnits(ctx, tx, where, []any{arg}, "sort_fi", "")
	if err != nil || len(units) == 0 {
		return err
	}
	var districtIDs, serviceIDs []string
	for _, u := range units {
		districtIDs = append(districtIDs, u.District)
		serviceIDs = append(serviceIDs, u.Services...)
	}
	districts, err := s.namesByID(ctx, tx, "districts", dedupe(districtIDs))
	if err != nil {
		return err
	}
	services, err := s.namesByID(ctx, tx, "services", dedupe(serviceIDs))
	if err != nil {
		return err
	}
	for i, u := range units {
		text := searchText(u, districts[u.District], services)
		if text == texts[i] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET search_text = $1 WHERE id = $2`, text, u.ID); err != nil {
			return s.fail("reindex unit", err)
		}
	}
	return nil
}
