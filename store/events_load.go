package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"sotepe"
)

// The bulk path of service events, for imports and the generated year:
// millions of events in one transaction. SQLite takes them in multi-row
// INSERT statements of a few thousand rows; PostgreSQL through COPY on the
// pgx connection under database/sql. Either way the daily and monthly
// aggregates are summed in memory as the events go and written once at the
// end, in the same transaction; a piece that held events the store already
// had is summed from what was really inserted instead.

// loadRowsSQLite is how many events one SQLite INSERT carries: 10 columns,
// under SQLite's limit of 32766 parameters.
const loadRowsSQLite = 3000

// loadRowsPostgres is how many events one COPY carries.
const loadRowsPostgres = 50_000

// EventAdder takes one event of a load. It returns the event's EInvalid
// error when the event is bad (nothing of it is stored and the load goes on
// unless the caller stops it), or the load's database error, after which the
// load fails whatever the caller does.
type EventAdder func(e sotepe.ServiceEvent) error

// LoadEvents stores the events fn gives to its adder, all in one
// transaction with their aggregates: when fn returns an error, or the
// database fails, nothing is stored. Events checks like AddEvents (an unknown
// unit or producer is EInvalid); an event the store already has (the same
// source and external id, also earlier in the same load) counts as a
// duplicate. The result counts what was added.
func (s *Store) LoadEvents(ctx context.Context, fn func(add EventAdder) error) (sotepe.EventResult, error) {
	units, err := loadEventUnits(ctx, s.reads)
	if err != nil {
		return sotepe.EventResult{}, s.fail("load events: units", err)
	}
	l := &loader{eventChecker: newEventChecker(units), sums: eventSums{}}
	if s.dialect.name == Postgres {
		err = s.loadPostgres(ctx, l, fn)
	} else {
		err = s.loadSQLite(ctx, l, fn)
	}
	if err != nil {
		return sotepe.EventResult{}, s.fail("load events", err)
	}
	return sotepe.EventResult{Added: l.added, Duplicates: l.seen - l.added}, nil
}

// loader is the state of one LoadEvents.
type loader struct {
	eventChecker
	sums   eventSums // of the events of the pieces written
	piece  eventSums // of the events buffered
	rows   []any
	n      int // events buffered
	seen   int // events taken
	added  int
	failed error // the first database error
	flush  func() error
}

// eventChecker checks the events of a batch or a load against the units
// and producers of the store, remembering the days it has seen valid.
type eventChecker struct {
	units eventUnits
	days  map[string]bool
	stats map[string]bool
}

func newEventChecker(units eventUnits) eventChecker {
	c := eventChecker{units: units, days: map[string]bool{}, stats: make(map[string]bool, len(sotepe.Statistics))}
	for _, st := range sotepe.Statistics {
		c.stats[st.Key] = true
	}
	return c
}

// check validates e and fills its producer, as eventUnits.check does. The
// common case goes through maps (a unit or producer the store has needs no
// check of its id's form); an event that fails them is checked in full for
// the error to say.
func (l *eventChecker) check(e *sotepe.ServiceEvent) error {
	p, unitOK := l.units.producer[e.UnitID]
	if unitOK && l.stats[e.Statistic] && l.days[e.Day] && e.Count >= 1 && e.Count <= sotepe.MaxEventCount &&
		e.Source != "" && len(e.Source) <= sotepe.MaxEventSource && e.ExternalID != "" && len(e.ExternalID) <= sotepe.MaxEventExternalID &&
		(e.Mode == sotepe.EventInPerson || e.Mode == sotepe.EventPhone || e.Mode == sotepe.EventVideo || e.Mode == sotepe.EventRemote) &&
		(e.ProducerID == "" || l.units.producers[e.ProducerID]) &&
		(e.AgeBand == "" || validAgeBand(e.AgeBand)) && (e.Lang == "" || validEventLang(e.Lang)) {
		if e.ProducerID == "" {
			e.ProducerID = p
		}
		return nil
	}
	if err := l.units.check(e); err != nil {
		return err
	}
	l.days[e.Day] = true
	return nil
}

func validAgeBand(s string) bool {
	switch s {
	case "0-6", "7-17", "18-29", "30-64", "65-74", "75+":
		return true
	}
	return false
}

func validEventLang(s string) bool {
	switch s {
	case "fi", "sv", "en", "other":
		return true
	}
	return false
}

// add is the EventAdder of the load.
func (l *loader) add(per int) EventAdder {
	return func(e sotepe.ServiceEvent) error {
		if l.failed != nil {
			return l.failed
		}
		if err := l.check(&e); err != nil {
			return err
		}
		l.seen++
		l.rows = append(l.rows, e.Source, e.ExternalID, e.Day, e.UnitID, e.Statistic, e.ProducerID, string(e.Mode), e.AgeBand, e.Lang, e.Count)
		l.piece.add(&e)
		l.n++
		if l.n >= per {
			if err := l.flush(); err != nil {
				l.failed = err
				return err
			}
		}
		return nil
	}
}

// merge adds the buffered sums to the load's and empties the buffer.
func (l *loader) merge(sums eventSums) {
	for k, v := range sums {
		l.sums[k] += v
	}
	clear(l.piece)
	l.rows = l.rows[:0]
	l.n = 0
}

// eventPiece is one statement's events on their way to SQLite: their rows
// and sums, and the load's error when writing it or an earlier piece failed.
type eventPiece struct {
	rows []any
	n    int
	sums eventSums
	err  error
}

// loadSQLite writes the load's pieces on a goroutine of its own while the
// caller's goroutine checks and sums the next: two pieces take turns, one
// filled while the other is written, and only the writer touches tx, the
// load's sums and its count of rows added until it has ended.
func (s *Store) loadSQLite(ctx context.Context, l *loader, fn func(add EventAdder) error) error {
	return s.inTx(ctx, "load events", func(tx *sql.Tx) error {
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&last); err != nil {
			return err
		}
		full, err := tx.PrepareContext(ctx, eventInsert(loadRowsSQLite))
		if err != nil {
			return err
		}
		defer full.Close()
		write := func(p *eventPiece) error {
			var res sql.Result
			var err error
			if p.n == loadRowsSQLite {
				res, err = full.ExecContext(ctx, p.rows...)
			} else {
				res, err = tx.ExecContext(ctx, eventInsert(p.n), p.rows...)
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			sums := p.sums
			if int(n) != p.n {
				// Some were there already. SQLite numbers new rows
				// from the largest id up, and this transaction is the
				// only writer, so the rows above last are the ones
				// just inserted.
				if sums, err = sumEventsAbove(ctx, tx, last); err != nil {
					return err
				}
			}
			for k, v := range sums {
				l.sums[k] += v
			}
			l.added += int(n)
			last += n
			return nil
		}
		pieces := make(chan *eventPiece)
		free := make(chan *eventPiece, 2)
		free <- &eventPiece{sums: eventSums{}}
		free <- &eventPiece{sums: eventSums{}}
		written := make(chan error, 1)
		go func() {
			var err error
			for p := range pieces {
				if err == nil {
					err = write(p)
				}
				p.rows, p.n, p.err = p.rows[:0], 0, err
				clear(p.sums)
				free <- p
			}
			written <- err
		}()
		// The writer ends before the transaction does, also when fn fails.
		finish := sync.OnceValue(func() error {
			close(pieces)
			return <-written
		})
		defer finish()
		cur := <-free
		l.rows, l.piece = cur.rows, cur.sums
		l.flush = func() error {
			if l.n == 0 {
				return nil
			}
			cur.rows, cur.n = l.rows, l.n
			pieces <- cur
			cur = <-free
			l.rows, l.piece, l.n = cur.rows, cur.sums, 0
			return cur.err
		}
		if err := fn(l.add(loadRowsSQLite)); err != nil {
			return err
		}
		if l.failed != nil {
			return l.failed
		}
		if err := l.flush(); err != nil {
			return err
		}
		if err := finish(); err != nil {
			return err
		}
		return writeSumsSQL(ctx, s.txq(tx).ExecContext, true, l.sums, 500)
	})
}

// eventInsert is SQLite's INSERT of n events that skips those already
// stored. Its parameters are anonymous: SQLite looks numbered ones ($1) up
// by name, which for thousands of them costs more than the insert.
func eventInsert(n int) string {
	var b strings.Builder
	b.Grow(60 + n*60)
	b.WriteString(`INSERT INTO events (` + eventCols + `) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	b.WriteString(` ON CONFLICT (source, external_id) DO NOTHING`)
	return b.String()
}

// sumEventsAbove sums the events whose id is above last by aggregate key.
func sumEventsAbove(ctx context.Context, tx *sql.Tx, last int64) (eventSums, error) {
	rows, err := tx.QueryContext(ctx, `SELECT day, unit_id, statistic, producer_id, mode, SUM(count) FROM events
		WHERE id > $1 GROUP BY day, unit_id, statistic, producer_id, mode`, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sums := eventSums{}
	for rows.Next() {
		var k eventKey
		var n int64
		if err := rows.Scan(&k.day, &k.unit, &k.statistic, &k.producer, &k.mode, &n); err != nil {
			return nil, err
		}
		sums[k] += n
	}
	return sums, rows.Err()
}

// execFunc runs a statement: *sql.Tx's ExecContext, the writer's cache of
// prepared statements (Store.txq), or an adapter of pgx.
type execFunc func(ctx context.Context, query string, args ...any) (sql.Result, error)

// chunkRows returns how many rows the next statement of a piece of left
// rows carries: per while that many are left, then per/10, per/100 … and
// 1. A piece of any size thus runs through a handful of statement texts,
// which a statement cache keeps prepared, instead of one text for each
// size of remainder.
func chunkRows(left, per int) int {
	for per > 1 && left < per {
		per = max(1, per/10)
	}
	return per
}

// sumsRows are the rows of the aggregate upserts of some sums: six values a
// row (the key and the sum), in key order, for event_daily and, by month,
// event_monthly. In key order the upserts walk a table's B-tree from one
// end to the other instead of all over it, which with a small page cache is
// the difference between writing each page once and many times.
type sumsRows struct {
	daily, monthly []any
}

// rowsOf returns the rows of the upserts of sums.
func rowsOf(sums eventSums) sumsRows {
	months := eventSums{}
	for k, n := range sums {
		m := k
		m.day = k.day[:7]
		months[m] += n
	}
	return sumsRows{daily: sortedRows(sums), monthly: sortedRows(months)}
}

// sortedRows returns the keys of sums and their sums as upsert rows, in key
// order.
func sortedRows(sums eventSums) []any {
	keys := make([]eventKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b eventKey) int {
		if c := cmp.Compare(a.day, b.day); c != 0 {
			return c
		}
		if c := cmp.Compare(a.unit, b.unit); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.statistic, b.statistic), cmp.Compare(a.producer, b.producer), cmp.Compare(a.mode, b.mode))
	})
	rows := make([]any, 0, len(keys)*6)
	for _, k := range keys {
		rows = append(rows, k.day, k.unit, k.statistic, k.producer, k.mode, sums[k])
	}
	return rows
}

// writeSumsSQL adds sums to event_daily and, by month, event_monthly, as
// writeSumsRows does.
func writeSumsSQL(ctx context.Context, exec execFunc, anonymous bool, sums eventSums, per int) error {
	return writeSumsRows(ctx, exec, anonymous, rowsOf(sums), per)
}

// writeSumsRows runs the upserts of rows in statements of at most per rows
// (see chunkRows). With anonymous set (SQLite) they take anonymous
// parameters (?), as SQLite looks numbered ones ($1) up by name; otherwise
// numbered ones. exec should prepare each text once: on SQLite the
// writer's statement cache, on PostgreSQL pgx caches statements itself.
func writeSumsRows(ctx context.Context, exec execFunc, anonymous bool, rows sumsRows, per int) error {
	for _, t := range []struct {
		table, first string
		rows         []any
	}{{"event_daily", "day", rows.daily}, {"event_monthly", "month", rows.monthly}} {
		keys := len(t.rows) / 6
		for start := 0; start < keys; {
			n := chunkRows(keys-start, per)
			if _, err := exec(ctx, sumsUpsert(t.table, t.first, n, anonymous), t.rows[start*6:(start+n)*6]...); err != nil {
				return err
			}
			start += n
		}
	}
	return nil
}

// sumsUpsert is the statement that adds n rows of sums to table, whose
// first key column is first (day or month).
func sumsUpsert(table, first string, n int, anonymous bool) string {
	var b strings.Builder
	b.Grow(200 + n*40)
	b.WriteString(`INSERT INTO ` + table + ` (` + first + `, unit_id, statistic, producer_id, mode, count) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if anonymous {
			b.WriteString("(?, ?, ?, ?, ?, ?)")
		} else {
			b.WriteString("(" + placeholders(i*6+1, 6) + ")")
		}
	}
	b.WriteString(` ON CONFLICT (` + first + `, unit_id, statistic, producer_id, mode) DO UPDATE SET count = ` + table + `.count + excluded.count`)
	return b.String()
}

// copyColumns are the columns COPY writes, as eventCols.
var copyColumns = []string{"source", "external_id", "day", "unit_id", "statistic", "producer_id", "mode", "age_band", "lang", "count"}

// rowsSource feeds COPY from the loader's buffer, ten values a row.
type rowsSource struct {
	rows []any
	i    int
}

func (r *rowsSource) Next() bool             { r.i += 10; return r.i <= len(r.rows) }
func (r *rowsSource) Values() ([]any, error) { return r.rows[r.i-10 : r.i], nil }
func (r *rowsSource) Err() error             { return nil }

func (s *Store) loadPostgres(ctx context.Context, l *loader, fn func(add EventAdder) error) error {
	return s.inPgxTx(ctx, func(tx pgx.Tx) error {
		staged := false
		l.piece = eventSums{}
		l.flush = func() error {
			if l.n == 0 {
				return nil
			}
			// The common case: COPY straight into events, in a
			// savepoint so that a piece holding events the store has
			// already can go again through a staging table.
			sp, err := tx.Begin(ctx)
			if err != nil {
				return err
			}
			n, err := sp.CopyFrom(ctx, pgx.Identifier{"events"}, copyColumns, &rowsSource{rows: l.rows})
			if err == nil {
				if err := sp.Commit(ctx); err != nil {
					return err
				}
				l.added += int(n)
				l.merge(l.piece)
				return nil
			}
			if classify(err) != failUnique {
				return err
			}
			if err := sp.Rollback(ctx); err != nil {
				return err
			}
			if !staged {
				if _, err := tx.Exec(ctx, `CREATE TEMP TABLE events_stage (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP`); err != nil {
					return err
				}
				staged = true
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_stage"}, copyColumns, &rowsSource{rows: l.rows}); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `WITH ins AS (
				INSERT INTO events (`+eventCols+`) SELECT `+eventCols+` FROM events_stage ORDER BY id
				ON CONFLICT (source, external_id) DO NOTHING
				RETURNING day, unit_id, statistic, producer_id, mode, count)
				SELECT day, unit_id, statistic, producer_id, mode, SUM(count), COUNT(*) FROM ins
				GROUP BY day, unit_id, statistic, producer_id, mode`)
			if err != nil {
				return err
			}
			sums := eventSums{}
			for rows.Next() {
				var k eventKey
				var sum, count int64
				if err := rows.Scan(&k.day, &k.unit, &k.statistic, &k.producer, &k.mode, &sum, &count); err != nil {
					rows.Close()
					return err
				}
				sums[k] += sum
				l.added += int(count)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `TRUNCATE events_stage`); err != nil {
				return err
			}
			l.merge(sums)
			return nil
		}
		if err := fn(l.add(loadRowsPostgres)); err != nil {
			return err
		}
		if l.failed != nil {
			return l.failed
		}
		if err := l.flush(); err != nil {
			return err
		}
		exec := func(ctx context.Context, query string, args ...any) (sql.Result, error) {
			_, err := tx.Exec(ctx, query, args...)
			return nil, err
		}
		return writeSumsSQL(ctx, exec, false, l.sums, 2000)
	})
}

// LoadEventsBare inserts the events fn gives, one INSERT statement a row in
// one transaction, with no checks and no aggregates: the baseline the bulk
// path is measured against (docs/benchmarks.md), not a way to store events.
func (s *Store) LoadEventsBare(ctx context.Context, fn func(add func(e sotepe.ServiceEvent) error) error) (int, error) {
	n := 0
	err := s.inTx(ctx, "bare event inserts", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO events (`+eventCols+`) VALUES (`+placeholders(1, 10)+`)`)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(func(e sotepe.ServiceEvent) error {
			n++
			_, err := st.ExecContext(ctx, e.Source, e.ExternalID, e.Day, e.UnitID, e.Statistic, e.ProducerID, string(e.Mode), e.AgeBand, e.Lang, e.Count)
			return err
		})
	})
	return n, err
}
