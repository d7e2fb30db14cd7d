// Package store keeps everything sotepe stores in one database/sql store that
// runs on SQLite (modernc.org/sqlite, pure Go) and on PostgreSQL (pgx through
// its database/sql driver). It implements sotepe.Store.
//
// The SQL is written once: both engines accept $N placeholders, RETURNING,
// ON CONFLICT upserts, row-value comparisons and LIKE … ESCAPE. What differs
// lives in a small dialect value (driver, migration folder, migration lock)
// and in the per-engine migrations under migrations/sqlite and
// migrations/postgres.
//
// Representations shared by both engines: instants are BIGINT unix
// microseconds in UTC and come back as time.Time in UTC; dates are TEXT
// YYYY-MM-DD; booleans are BOOLEAN on PostgreSQL and INTEGER 0/1 on SQLite;
// text ids and sort keys compare byte by byte (the "C" collation on
// PostgreSQL, SQLite's default BINARY), so lists page the same way on both.
//
// Every change writes its audit row in the same transaction as the change,
// with the actor that sotepe.ActorFrom finds in the context.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Helsinki must resolve even where the system has no zoneinfo.

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"sotepe"
)

// The names Dialect returns.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// dialect is the seam between the engines: the few things that differ. The
// SQL of the queries themselves is shared.
type dialect struct {
	name       string
	goose      goose.Dialect
	migrations string // folder inside the embedded migrations
}

// rowParams returns the parameters of one row of a multi-row VALUES list
// whose first parameter is number from: "$from, $from+1, …" on PostgreSQL
// and "?, ?, …" on SQLite. SQLite looks numbered parameters up by name in a
// list, so a bulk statement of thousands of them spent half its time there;
// anonymous ones are numbered in the order they stand, so a statement that
// uses them must use no numbered one.
func (d dialect) rowParams(from, n int) string {
	if d.name == Postgres {
		return placeholders(from, n)
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

var (
	sqliteDialect   = dialect{name: SQLite, goose: goose.DialectSQLite3, migrations: "migrations/sqlite"}
	postgresDialect = dialect{name: Postgres, goose: goose.DialectPostgres, migrations: "migrations/postgres"}
)

// Store is the sotepe.Store on SQLite or PostgreSQL. Create it with Open,
// bring its schema up to date with Migrate, and Close it when done. It is
// safe for concurrent use.
type Store struct {
	// Now returns the current instant; it stamps audit rows and creation
	// times. Open sets it to time.Now; tests may replace it before use.
	Now func() time.Time

	writer  *sql.DB // the writer: one connection on SQLite
	readers *sql.DB // the readers: a query-only pool on SQLite, the writer on PostgreSQL
	replica *sql.DB // where the figures are read, when not the readers (UseReplica)
	dialect dialect
	log     *slog.Logger
	zone    *time.Location // the city's time zone, for the audit day
	// batch shares commits between concurrent submissions on SQLite; nil
	// on PostgreSQL (see batch.go).
	batch *batcher
	// reads is what reads run on: on SQLite the reader pool through a cache
	// of prepared statements (readStmts), on PostgreSQL the pool itself, as pgx
	// keeps a statement cache per connection of its own.
	reads      querier
	readStmts  *stmtCache // prepared on the readers; on PostgreSQL only for the session reads
	writeStmts *stmtCache // prepared on the writer (SQLite only), for txq
	// checkpoints runs SQLite's write-ahead log checkpoints in the background (see
	// checkpoint.go); nil on PostgreSQL.
	checkpoints *checkpointer
	// chat names the store on PostgreSQL's chat signal channel (see
	// chats_listen.go).
	chat chatBus
	// videoSeq numbers the events the store publishes on the video
	// channel (video_listen.go).
	videoSeq atomic.Uint64
	// sessions keeps SessionUser's answers for a moment (sessioncache.go).
	sessions *sessionCache
	// bulk is set on a store for a batch load (OpenBulk).
	bulk bool
}

var _ sotepe.Store = (*Store)(nil)

// Open connects to the database that dsn names and returns the store. A dsn
// that starts with postgres:// or postgresql:// is a PostgreSQL URL (its
// query may set any run-time parameter, such as search_path); anything else
// is the path of a SQLite database file, created when missing; the path may
// not hold '?', which starts DSN parameters (a "file:" URI is accepted too;
// an in-memory database is not, since the writer and the readers are
// separate connections).
//
// Open does not create or change the schema: callers run Migrate after it.
// A nil logger discards. A database that cannot be reached is EUnavailable,
// an unusable dsn EInvalid.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*Store, error) {
	return open(ctx, dsn, logger, false)
}

// OpenBulk opens the store as Open does, for a batch load that runs alone
// on its database (`sotepe generate` writing a new file): on SQLite the
// writer keeps a rollback journal instead of the write-ahead log, so that
// every page the load adds is written once; in WAL mode it is written to
// the log and again into the database at the checkpoint. A commit is as
// durable (synchronous=FULL), and a crash rolls back the transaction under
// way, but readers of other processes block the writer's commits, and the
// database cannot be opened while another process has it open in WAL mode
// (EUnavailable). The next Open turns the file back to WAL. On PostgreSQL
// OpenBulk is Open.
func OpenBulk(ctx context.Context, dsn string, logger *slog.Logger) (*Store, error) {
	return open(ctx, dsn, logger, true)
}

func open(ctx context.Context, dsn string, logger *slog.Logger, bulk bool) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "store: load time zone", Err: err}
	}
	s := &Store{Now: time.Now, log: logger, zone: zone, sessions: newSessionCache()}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = s.openPostgres(ctx, dsn)
	} else {
		err = s.openSQLite(ctx, dsn, bulk)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	s.dialect = postgresDialect
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.invalid", Message: "store: unusable PostgreSQL URL", Err: err}
	}
	// Two cores serve many requests; a modest pool keeps PostgreSQL's
	// per-connection memory in check when several processes share it.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: connect to PostgreSQL", Err: err}
	}
	s.writer, s.readers = db, db
	s.readStmts = newStmtCache(db)
	s.reads = db
	return nil
}

// sqliteDSN returns the DSN of one SQLite pool: path with the pragmas every
// connection of the pool gets. The pragmas are DSN parameters, not
// statements run once, because database/sql opens connections at will.
func sqliteDSN(path string, pragmas []string, extra string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	dsn := path
	if strings.Contains(path, "?") {
		dsn += "&"
	} else {
		dsn += "?"
	}
	dsn += q.Encode()
	if extra != "" {
		dsn += "&" + extra
	}
	return dsn
}

// openSQLite opens the writer, the readers and the checkpointer of the
// SQLite database dsn names; with bulk, the writer keeps a rollback journal
// and there is no checkpointer (see OpenBulk).
func (s *Store) openSQLite(ctx context.Context, dsn string, bulk bool) error {
	s.dialect = sqliteDialect
	path := strings.TrimPrefix(dsn, "sqlite://")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return sotepe.Invalid("error.invalid", "store: SQLite needs a database file, not memory")
	}
	// synchronous=FULL makes every acknowledged commit survive a crash or
	// power loss, also in WAL mode.
	common := []string{"busy_timeout(10000)", "foreign_keys(1)"}
	// _txlock=immediate takes the write lock at BEGIN, so a transaction
	// that reads before it writes waits for another process's writer under
	// busy_timeout instead of failing with SQLITE_BUSY at its first write.
	// The writer checkpoints the log itself only when it has grown past
	// 40 MB (wal_autocheckpoint counts 4 KiB pages): normally the
	// checkpointer has done it in the background (see checkpoint.go).
	journal := []string{"journal_mode(WAL)", "synchronous(FULL)", "wal_autocheckpoint(10000)"}
	if bulk {
		// A rollback journal must be synced before a page the cache
		// spills overwrites the database: a larger cache spills less. The
		// statement journals of the multi-row INSERTs stay in memory.
		journal = []string{"journal_mode(DELETE)", "synchronous(FULL)", "cache_size(-65536)", "temp_store(MEMORY)"}
		s.bulk = true
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, append(common, journal...), "_txlock=immediate"))
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.invalid", Message: "store: unusable SQLite path", Err: err}
	}
	// SQLite has one writer at a time; one connection makes the writers of
	// this process queue in database/sql instead of failing with SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// The writer connects first so that the file exists in WAL mode before
	// any reader opens it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: open SQLite database", Err: err}
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, append(common, "query_only(1)"), ""))
	if err != nil {
		w.Close()
		return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.invalid", Message: "store: unusable SQLite path", Err: err}
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	r.SetConnMaxLifetime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: open SQLite database", Err: err}
	}
	var ck *sql.DB
	if !bulk {
		if ck, err = sql.Open("sqlite", sqliteDSN(path, common, "")); err != nil {
			w.Close()
			r.Close()
			return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.invalid", Message: "store: unusable SQLite path", Err: err}
		}
		ck.SetMaxOpenConns(1)
	}
	s.writer, s.readers = w, r
	s.readStmts, s.writeStmts = newStmtCache(r), newStmtCache(w)
	s.reads = s.readStmts
	s.batch = newBatcher(s)
	if ck != nil {
		s.checkpoints = startCheckpointer(ck, time.Second, s.log)
	}
	return nil
}

// Dialect returns the engine the store runs on: SQLite ("sqlite") or
// Postgres ("postgres").
func (s *Store) Dialect() string { return s.dialect.name }

// Migrate brings the schema up to the newest embedded migration; a schema
// that is up to date is left as it is, so Migrate may run at every start. On
// PostgreSQL a session advisory lock, keyed by database and schema, lets
// several processes start at once. goose's version table lives in the same
// schema as the rest (the first of search_path on PostgreSQL). A failed
// migration is EInternal (EUnavailable when the database cannot be reached);
// nothing of it stays applied, as each runs in a transaction.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrations(ctx)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	return s.migrated(results, err)
}

// MigrateTo brings the schema up or down to version, the number of an
// embedded migration, under the same lock as Migrate: for an operator who
// rolls a release back, and for tests of a migration over data stored before
// it. A version newer than the newest migration is the newest.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.migrations(ctx)
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return s.fail("migrate: read the version", err)
	}
	var results []*goose.MigrationResult
	if version < current {
		results, err = p.DownTo(ctx, version)
	} else {
		results, err = p.UpTo(ctx, version)
	}
	return s.migrated(results, err)
}

// migrated logs the migrations applied and turns a failure into the
// store's error.
func (s *Store) migrated(results []*goose.MigrationResult, err error) error {
	if err != nil {
		return s.fail("migrate", err)
	}
	for _, r := range results {
		s.log.Info("migration applied", "dialect", s.dialect.name, "version", r.Source.Version, "direction", r.Direction, "duration", r.Duration)
	}
	return nil
}

// migrations returns the goose provider of the embedded migrations, with
// PostgreSQL's lock (see Migrate).
func (s *Store) migrations(ctx context.Context) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, s.dialect.migrations)
	if err != nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "store: migrations folder", Err: err}
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect.name == Postgres {
		var where string
		if err := s.writer.QueryRowContext(ctx, `SELECT current_database() || '.' || COALESCE(current_schema(), '')`).Scan(&where); err != nil {
			return nil, s.fail("find the current schema", err)
		}
		// The lock key is per database and schema, so that stores in
		// different schemas (tests, tenants) migrate without waiting on
		// each other.
		id := int64(crc64.Checksum([]byte("sotepe.migrate:"+where), crc64.MakeTable(crc64.ECMA)) >> 1)
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "store: migration lock", Err: err}
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(s.dialect.goose, s.writer, fsys, opts...)
	if err != nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "store: prepare migrations", Err: err}
	}
	return p, nil
}

// DB returns the writer pool (on PostgreSQL the only pool) for metrics, such
// as Prometheus's DBStatsCollector. It is not a way around the store: the
// schema and the audit trail are the store's to write.
func (s *Store) DB() *sql.DB { return s.writer }

// ReaderDB returns the pool reads go through, for metrics: SQLite's
// query-only reader pool, or on PostgreSQL the same pool as DB.
func (s *Store) ReaderDB() *sql.DB { return s.readers }

// Ping reports whether the database answers; EUnavailable if not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: database does not answer", Err: err}
	}
	if s.readers != s.writer {
		if err := s.readers.PingContext(ctx); err != nil {
			return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: database does not answer", Err: err}
		}
	}
	return nil
}

// Close ends the chat listeners (ListenChats) and releases the database
// connections. It returns the first error of closing them, wrapped as
// EInternal.
func (s *Store) Close() error {
	s.chat.close()
	if s.batch != nil {
		s.batch.stop()
	}
	var errs []error
	if s.checkpoints != nil {
		errs = append(errs, s.checkpoints.stop())
	}
	for _, c := range []*stmtCache{s.readStmts, s.writeStmts} {
		if c != nil {
			errs = append(errs, c.close())
		}
	}
	if s.readers != s.writer {
		errs = append(errs, s.readers.Close())
	}
	if s.replica != nil {
		errs = append(errs, s.replica.Close())
	}
	errs = append(errs, s.writer.Close())
	if err := errors.Join(errs...); err != nil {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "store: close", Err: err}
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share, so helpers run inside a
// transaction or on a pool alike.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// insertID runs an INSERT … RETURNING id in tx and returns the id; a
// duplicate key is EConflict with the catalog key and message given.
func insertID(ctx context.Context, tx *sql.Tx, key, message, query string, args ...any) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&id); err != nil {
		if classify(err) == failUnique {
			return 0, conflict(key, message)
		}
		return 0, err
	}
	return id, nil
}

// queryInto runs query on q and returns every row scanned into the
// columns dest names of a new T, as queryAll does.
func queryInto[T any](ctx context.Context, q querier, dest func(*T) []any, query string, args ...any) ([]T, error) {
	return queryAll(ctx, q, func(rows *sql.Rows) (v T, err error) {
		err = rows.Scan(dest(&v)...)
		return
	}, query, args...)
}

// queryAll runs query on q and returns every row as scan reads it, an
// empty slice for none. On a failed scan it returns nil; on a failed
// iteration, the rows read so far with the error.
func queryAll[T any](ctx context.Context, q querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// inTx runs fn in a transaction on the writer and commits it when fn
// returns nil. fn returns errors already made by s.fail or sotepe.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op+": begin", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op+": commit", err)
	}
	return nil
}

// now returns the store's clock in UTC at the precision instants are stored
// in, so what is returned equals what is read back.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// micros is the stored form of an instant.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros reads a stored instant back in UTC.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// limitParam returns the LIMIT of a query as the parameter $n, written
// CAST($n AS INTEGER). SQLite (since 3.47) reads a bare parameter's bound
// value while planning and marks the statement to be planned again whenever
// it is bound anew, so a prepared paged query was parsed and planned on
// every run (three quarters of a resident's request list); through the cast
// SQLite plans once, as it did before. PostgreSQL reads it the same.
func limitParam(n int) string { return "CAST($" + strconv.Itoa(n) + " AS INTEGER)" }

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// stringArgs converts ids to query arguments.
func stringArgs(ids []string) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// dedupe returns ids without repeats, in the order of first appearance.
func dedupe[T comparable](ids []T) []T {
	seen := make(map[T]bool, len(ids))
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// nullString stores "" as NULL, for optional foreign keys.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullInt stores 0 as NULL, for optional foreign keys.
func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }
