package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSchemasAgree migrates a fresh SQLite and a fresh PostgreSQL database
// and compares the two schemas as the engines themselves report them
// (sqlite_schema and its pragmas; information_schema and pg_catalog): the
// tables, their columns (name, type family, nullability), primary keys,
// unique and other indexes (columns in order, whether partial and which
// columns the predicate reads), foreign keys, check constraints (the
// columns each reads) and triggers. Every fact found on one engine only is
// a failure, unless schemaAllowed explains it.
//
// The two migration folders are written by hand, one per engine
// (migrations/README.md); this test is what keeps them in step.
func TestSchemasAgree(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skip(postgresEnv + " is not set: the schema test compares SQLite with PostgreSQL and needs both")
	}
	ctx := context.Background()
	lite := openSQLite(t)
	pg := openPostgres(t)
	must(t, lite.Migrate(ctx))
	must(t, pg.Migrate(ctx))

	ls, err := sqliteSchema(ctx, lite.writer)
	if err != nil {
		t.Fatalf("read the SQLite schema: %v", err)
	}
	ps, err := postgresSchema(ctx, pg.writer)
	if err != nil {
		t.Fatalf("read the PostgreSQL schema: %v", err)
	}
	// A reader that finds nothing would make the schemas agree trivially.
	for name, facts := range map[string][]string{"sqlite": ls, "postgres": ps} {
		kinds := map[string]int{}
		for _, f := range facts {
			kinds[strings.Fields(f)[0]]++
		}
		for _, k := range []string{"table", "column", "primary", "unique", "index", "foreign", "check", "trigger"} {
			if kinds[k] == 0 {
				t.Errorf("%s: no %q facts read: the schema reader is broken", name, k)
			}
		}
	}

	used := map[schemaDiff]bool{}
	report := func(engine string, only []string) {
		for _, f := range only {
			d := schemaDiff{engine, f}
			if _, ok := schemaAllowed[d]; ok {
				used[d] = true
				continue
			}
			t.Errorf("only on %s: %s", engine, f)
		}
	}
	report("sqlite", minus(ls, ps))
	report("postgres", minus(ps, ls))
	for d := range schemaAllowed {
		if !used[d] {
			t.Errorf("allow-list entry no longer needed (the schemas agree there now): only on %s: %s", d.engine, d.fact)
		}
	}
}

// schemaDiff is one fact of a schema that only one engine has.
type schemaDiff struct {
	engine string // "sqlite" or "postgres": the engine that has it
	fact   string
}

// schemaAllowed lists the differences the engines have on purpose, each
// with the reason. Keep it short: a difference that is not a property of
// the engine is a mistake, mended by a migration on both engines.
var schemaAllowed = map[schemaDiff]string{
	// The audit log refuses every change. SQLite has row-level triggers
	// only and no TRUNCATE; PostgreSQL's trigger is statement-level so
	// that an UPDATE or DELETE matching no row, and TRUNCATE, fail too.
	{"sqlite", "trigger on audit_log: before delete, for each row"}:           "SQLite has row-level triggers only",
	{"sqlite", "trigger on audit_log: before update, for each row"}:           "SQLite has row-level triggers only",
	{"postgres", "trigger on audit_log: before delete, for each statement"}:   "statement-level: refuses even a DELETE of no row",
	{"postgres", "trigger on audit_log: before update, for each statement"}:   "statement-level: refuses even an UPDATE of no row",
	{"postgres", "trigger on audit_log: before truncate, for each statement"}: "SQLite has no TRUNCATE",
	// New audit entries are logged for the summary's roll-up (00016): on
	// PostgreSQL once per statement, counted, so that a staff list's
	// multi-row insert logs a few rows instead of one per entry.
	{"sqlite", "trigger on audit_log: after insert, for each row"}:         "SQLite has row-level triggers only",
	{"postgres", "trigger on audit_log: after insert, for each statement"}: "statement-level: a multi-row insert logs its counts",
	// events.id is SQLite's rowid without AUTOINCREMENT: numbered on insert
	// as on PostgreSQL, without the sqlite_sequence write per insert that
	// bulk loads of millions of events would pay. Without AUTOINCREMENT a
	// deleted highest id could be given again, but events are never deleted.
	{"sqlite", "column events.id: integer, not null"}:              "rowid without AUTOINCREMENT; events are never deleted",
	{"postgres", "column events.id: integer, not null, generated"}: "identity, as every generated id on PostgreSQL",
}

// minus returns the facts of a that b lacks, sorted.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, f := range b {
		in[f] = true
	}
	var out []string
	for _, f := range a {
		if !in[f] {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Facts are one line each, in the same words for both engines:
//
//	table T
//	column T.C: FAMILY, null|not null
//	primary key T (C, …)
//	unique T (C, …) [where (C, …)]
//	index NAME on T (C, …) [where (C, …)]
//	foreign key T (C, …) references T2 (C, …) on delete ACTION
//	check T (C, …)
//	trigger on T: TIMING EVENT [of (C, …)], for each row|statement
//
// Unique constraints and unique indexes are the same thing to both engines
// (each constraint is kept as an index) and are named by their columns, as
// the engines name the indexes behind constraints differently. Partial
// predicates are compared by the columns they read, as the engines print
// the same predicate differently (IN (…) against = ANY (ARRAY[…])).

// sqliteFamily maps a SQLite column type (STRICT tables allow INTEGER, INT,
// REAL, TEXT, BLOB and ANY) to the family both engines' facts use.
func sqliteFamily(typ string) string {
	switch strings.ToUpper(typ) {
	case "INTEGER", "INT":
		return "integer"
	case "REAL":
		return "real"
	case "TEXT":
		return "text"
	case "BLOB":
		return "blob"
	}
	return "other " + strings.ToLower(typ)
}

// postgresFamily maps a PostgreSQL data_type to the family both engines'
// facts use.
func postgresFamily(typ string) string {
	switch typ {
	case "bigint", "integer", "smallint":
		return "integer"
	case "boolean":
		// Booleans are INTEGER 0/1 on SQLite, which has no boolean type
		// (see the package documentation): the same family.
		return "integer"
	case "real", "double precision", "numeric":
		return "real"
	case "text", "character varying", "character":
		return "text"
	case "bytea":
		return "blob"
	case "timestamp with time zone", "timestamp without time zone", "date", "time without time zone", "interval":
		// Instants are BIGINT microseconds and dates TEXT on both engines;
		// a native time type is a family SQLite does not have.
		return "timestamp"
	}
	return "other " + typ
}

var (
	identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	// autoincRE finds AUTOINCREMENT in a CREATE TABLE text.
	autoincRE = regexp.MustCompile(`(?i)\bAUTOINCREMENT\b`)
	// castRE finds PostgreSQL's casts in a printed default.
	castRE = regexp.MustCompile(`::[a-z ]+(\[\])?`)
	// triggerRE reads the timing, event and UPDATE OF columns of a
	// CREATE TRIGGER text.
	triggerRE = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:TEMP\w*\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(BEFORE|AFTER|INSTEAD\s+OF)?\s*(DELETE|INSERT|UPDATE)(?:\s+OF\s+(.*?))?\s+ON\s`)
	// checkRE finds the start of a CHECK constraint in a CREATE TABLE text.
	checkRE = regexp.MustCompile(`(?i)\bCHECK\s*\(`)
	// whereRE finds the predicate of a partial CREATE INDEX text.
	whereRE = regexp.MustCompile(`(?is)\bWHERE\b(.*)$`)
)

// defaultFact returns ", default V" for a column default as either engine
// prints it (PostgreSQL adds casts and spells booleans), or "" for none.
func defaultFact(v string) string {
	if v == "" {
		return ""
	}
	v = castRE.ReplaceAllString(v, "")
	v = strings.Trim(v, "()")
	switch strings.ToLower(v) {
	case "false":
		v = "0"
	case "true":
		v = "1"
	}
	return ", default " + v
}

// readsColumns returns the columns of cols that expr names, in the order of
// cols: how predicates and checks are compared across engines.
func readsColumns(expr string, cols []string) string {
	// String literals may hold words that are column names too.
	expr = regexp.MustCompile(`'(?:[^']|'')*'`).ReplaceAllString(expr, "''")
	words := map[string]bool{}
	for _, w := range identRE.FindAllString(expr, -1) {
		words[strings.ToLower(w)] = true
	}
	var out []string
	for _, c := range cols {
		if words[c] {
			out = append(out, c)
		}
	}
	return "(" + strings.Join(out, ", ") + ")"
}

// balanced returns the text inside the parenthesis that opens at s[0].
func balanced(s string) string {
	depth := 0
	inStr := false
	for i, r := range s {
		switch {
		case r == '\'':
			inStr = !inStr
		case inStr:
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth == 0 {
				return s[1:i]
			}
		}
	}
	return s
}

func queryStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([][]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// gooseTable is goose's own version table, which each dialect of goose
// makes in its own way; it is not part of sotepe's schema.
const gooseTable = "goose_db_version"

// sqliteSchema reads the facts of a SQLite database.
func sqliteSchema(ctx context.Context, db *sql.DB) ([]string, error) {
	var facts []string
	tables, err := queryStrings(ctx, db, `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> $1 ORDER BY name`, gooseTable)
	if err != nil {
		return nil, err
	}
	for _, tr := range tables {
		table, create := tr[0], tr[1]
		facts = append(facts, "table "+table)
		cols, err := queryStrings(ctx, db, `SELECT name, type, "notnull", pk, dflt_value FROM pragma_table_info($1) ORDER BY cid`, table)
		if err != nil {
			return nil, err
		}
		var names []string
		pk := map[string]string{}
		for _, c := range cols {
			if c[3] != "0" {
				pk[c[3]] = c[0]
			}
		}
		for _, c := range cols {
			names = append(names, strings.ToLower(c[0]))
			null := "null"
			// Primary key columns of STRICT tables (and INTEGER PRIMARY
			// KEY) never hold NULL, as on PostgreSQL.
			if c[2] == "1" || c[3] != "0" {
				null = "not null"
			}
			extra := defaultFact(c[4])
			// Every INTEGER PRIMARY KEY is the rowid and numbered on
			// insert; AUTOINCREMENT is what makes it PostgreSQL's
			// identity: an id is never given twice.
			if len(pk) == 1 && c[3] == "1" && strings.EqualFold(c[1], "INTEGER") && autoincRE.MatchString(create) {
				extra += ", generated"
			}
			facts = append(facts, fmt.Sprintf("column %s.%s: %s, %s%s", table, c[0], sqliteFamily(c[1]), null, extra))
		}
		if len(pk) > 0 {
			var key []string
			for i := 1; i <= len(pk); i++ {
				key = append(key, pk[fmt.Sprint(i)])
			}
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", table, strings.Join(key, ", ")))
		}

		idx, err := queryStrings(ctx, db, `SELECT l.name, l."unique", l.origin, l.partial, COALESCE(m.sql, '') FROM pragma_index_list($1) AS l LEFT JOIN sqlite_schema AS m ON m.type = 'index' AND m.name = l.name`, table)
		if err != nil {
			return nil, err
		}
		for _, ix := range idx {
			name, unique, origin, partial, sqlText := ix[0], ix[1] == "1", ix[2], ix[3] == "1", ix[4]
			if origin == "pk" {
				continue // the primary key, above
			}
			ic, err := queryStrings(ctx, db, `SELECT cid, COALESCE(name, ''), COALESCE(coll, '') FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno`, name)
			if err != nil {
				return nil, err
			}
			var on []string
			for _, c := range ic {
				col := c[1]
				if c[0] == "-2" {
					col = "<expression>"
				}
				if c[2] != "" && !strings.EqualFold(c[2], "BINARY") {
					col += " collate " + strings.ToLower(c[2])
				}
				on = append(on, col)
			}
			where := ""
			if partial {
				m := whereRE.FindStringSubmatch(sqlText)
				if m == nil {
					return nil, fmt.Errorf("index %s is partial but its text has no WHERE: %s", name, sqlText)
				}
				where = " where " + readsColumns(m[1], names)
			}
			if unique {
				facts = append(facts, fmt.Sprintf("unique %s (%s)%s", table, strings.Join(on, ", "), where))
			} else {
				facts = append(facts, fmt.Sprintf("index %s on %s (%s)%s", name, table, strings.Join(on, ", "), where))
			}
		}

		fks, err := queryStrings(ctx, db, `SELECT id, "table", "from", COALESCE("to", ''), on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq`, table)
		if err != nil {
			return nil, err
		}
		type fk struct{ parent, from, to, del []string }
		byID := map[string]*fk{}
		var ids []string
		for _, f := range fks {
			k, ok := byID[f[0]]
			if !ok {
				k = &fk{parent: []string{f[1]}, del: []string{f[4]}}
				byID[f[0]] = k
				ids = append(ids, f[0])
			}
			k.from = append(k.from, f[2])
			k.to = append(k.to, f[3])
		}
		for _, id := range ids {
			k := byID[id]
			parent := k.parent[0]
			if slices.Contains(k.to, "") {
				// REFERENCES parent without columns: the parent's
				// primary key.
				pkc, err := queryStrings(ctx, db, `SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk`, parent)
				if err != nil {
					return nil, err
				}
				k.to = nil
				for _, c := range pkc {
					k.to = append(k.to, c[0])
				}
			}
			facts = append(facts, fmt.Sprintf("foreign key %s (%s) references %s (%s) on delete %s",
				table, strings.Join(k.from, ", "), parent, strings.Join(k.to, ", "), strings.ToLower(k.del[0])))
		}

		// SQLite keeps check constraints only in the text of CREATE TABLE
		// (ALTER TABLE ADD COLUMN rewrites that text).
		for _, loc := range checkRE.FindAllStringIndex(create, -1) {
			body := balanced(create[loc[1]-1:])
			facts = append(facts, fmt.Sprintf("check %s %s", table, readsColumns(body, names)))
		}
	}

	views, err := queryStrings(ctx, db, `SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		facts = append(facts, "view "+v[0])
	}
	trig, err := queryStrings(ctx, db, `SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trig {
		m := triggerRE.FindStringSubmatch(tr[2])
		if m == nil {
			return nil, fmt.Errorf("trigger %s: cannot read its events from %q", tr[0], tr[2])
		}
		timing := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		if timing == "" {
			timing = "before" // SQLite's default
		}
		event := strings.ToLower(m[2])
		if m[3] != "" {
			var cols []string
			for _, c := range strings.Split(m[3], ",") {
				cols = append(cols, strings.TrimSpace(c))
			}
			event += " of (" + strings.Join(cols, ", ") + ")"
		}
		// SQLite has row-level triggers only.
		facts = append(facts, fmt.Sprintf("trigger on %s: %s %s, for each row", tr[1], timing, event))
	}
	return facts, nil
}

// postgresSchema reads the facts of the current schema of a PostgreSQL
// database.
func postgresSchema(ctx context.Context, db *sql.DB) ([]string, error) {
	var facts []string
	tables, err := queryStrings(ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`, gooseTable)
	if err != nil {
		return nil, err
	}
	columns := map[string][]string{}
	for _, tr := range tables {
		table := tr[0]
		facts = append(facts, "table "+table)
		cols, err := queryStrings(ctx, db, `SELECT column_name, data_type, is_nullable, is_identity, COALESCE(column_default, '') FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			return nil, err
		}
		for _, c := range cols {
			columns[table] = append(columns[table], c[0])
			null := "null"
			if c[2] == "NO" {
				null = "not null"
			}
			extra := ""
			switch {
			case c[3] == "YES" || strings.HasPrefix(c[4], "nextval("):
				extra = ", generated"
			case c[4] != "":
				extra = defaultFact(c[4])
			}
			facts = append(facts, fmt.Sprintf("column %s.%s: %s, %s%s", table, c[0], postgresFamily(c[1]), null, extra))
		}
	}

	// The columns of a key, in key order; 0 in indkey is an expression.
	const keyCols = `COALESCE((SELECT string_agg(CASE WHEN k.attnum = 0 THEN '<expression>' ELSE a.attname END, ', ' ORDER BY k.ord)
		FROM unnest(%s) WITH ORDINALITY AS k(attnum, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.attnum), '')`

	// Index columns also name a collation that does not compare bytes
	// ("default" is the database's, which the cluster chooses), as SQLite
	// orders and compares text by its bytes (BINARY).
	idx, err := queryStrings(ctx, db, `SELECT i.relname, t.relname, x.indisunique, x.indisprimary,
			COALESCE((SELECT string_agg(CASE WHEN k.attnum = 0 THEN '<expression>' ELSE a.attname END
					|| CASE WHEN co.collname IS NULL OR co.collname IN ('C', 'POSIX') THEN '' ELSE ' collate ' || co.collname END,
					', ' ORDER BY k.ord)
				FROM unnest(x.indkey::int2[], x.indcollation::oid[]) WITH ORDINALITY AS k(attnum, coll, ord)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
				LEFT JOIN pg_collation co ON co.oid = k.coll), ''),
			COALESCE(pg_get_expr(x.indpred, x.indrelid), '')
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND t.relname <> $1
		ORDER BY t.relname, i.relname`, gooseTable)
	if err != nil {
		return nil, err
	}
	for _, ix := range idx {
		name, table, unique, primary, on, pred := ix[0], ix[1], ix[2] == "true", ix[3] == "true", ix[4], ix[5]
		where := ""
		if pred != "" {
			where = " where " + readsColumns(pred, columns[table])
		}
		switch {
		case primary:
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", table, on))
		case unique:
			facts = append(facts, fmt.Sprintf("unique %s (%s)%s", table, on, where))
		default:
			facts = append(facts, fmt.Sprintf("index %s on %s (%s)%s", name, table, on, where))
		}
	}

	fks, err := queryStrings(ctx, db, `SELECT t.relname, p.relname,
			`+fmt.Sprintf(keyCols, `c.conkey`, `c.conrelid`)+`,
			`+fmt.Sprintf(keyCols, `c.confkey`, `c.confrelid`)+`,
			CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
				WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_class p ON p.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND c.contype = 'f'`)
	if err != nil {
		return nil, err
	}
	for _, f := range fks {
		facts = append(facts, fmt.Sprintf("foreign key %s (%s) references %s (%s) on delete %s", f[0], f[2], f[1], f[3], f[4]))
	}

	checks, err := queryStrings(ctx, db, `SELECT t.relname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND c.contype = 'c'`)
	if err != nil {
		return nil, err
	}
	for _, c := range checks {
		facts = append(facts, fmt.Sprintf("check %s %s", c[0], readsColumns(c[1], columns[c[0]])))
	}

	views, err := queryStrings(ctx, db, `SELECT table_name FROM information_schema.views WHERE table_schema = current_schema()
		UNION ALL SELECT matviewname FROM pg_matviews WHERE schemaname = current_schema()`)
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		facts = append(facts, "view "+v[0])
	}
	// tgtype's bits: 1 row, 2 before, 4 insert, 8 delete, 16 update,
	// 32 truncate, 64 instead of.
	trig, err := queryStrings(ctx, db, `SELECT t.relname, g.tgtype,
			`+fmt.Sprintf(keyCols, `g.tgattr::int2[]`, `g.tgrelid`)+`
		FROM pg_trigger g
		JOIN pg_class t ON t.oid = g.tgrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND NOT g.tgisinternal`)
	if err != nil {
		return nil, err
	}
	for _, tr := range trig {
		var typ int
		if _, err := fmt.Sscan(tr[1], &typ); err != nil {
			return nil, err
		}
		timing, level := "after", "for each statement"
		switch {
		case typ&64 != 0:
			timing = "instead of"
		case typ&2 != 0:
			timing = "before"
		}
		if typ&1 != 0 {
			level = "for each row"
		}
		// One PostgreSQL trigger may fire on several events; SQLite needs a
		// trigger for each, so triggers are compared by event, not name.
		for _, e := range []struct {
			bit  int
			name string
		}{{4, "insert"}, {8, "delete"}, {16, "update"}, {32, "truncate"}} {
			if typ&e.bit == 0 {
				continue
			}
			event := e.name
			if e.name == "update" && tr[2] != "" {
				event += " of (" + tr[2] + ")"
			}
			facts = append(facts, fmt.Sprintf("trigger on %s: %s %s, %s", tr[0], timing, event, level))
		}
	}
	return facts, nil
}
