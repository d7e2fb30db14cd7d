// Package bare holds the baselines sotepe's hot paths are measured against:
// what the machine and the database driver do with no application around
// them. A benchmark runs a baseline and sotepe's own path side by side, in
// the same run on the same machine, and reports the ratio of the two, as
// absolute figures on a shared two-core machine say little
// (docs/benchmarks.md).
//
// Only benchmarks import this package. It opens its databases with the same
// drivers and the same durability settings as package store: modernc's
// SQLite in WAL mode with synchronous=FULL and one writer connection, and
// PostgreSQL through pgx's database/sql driver.
package bare

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"sotepe"
)

// The engines a baseline runs on, named as store.Dialect names them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// pgConns is the size of package store's PostgreSQL pool, which the
// baselines' pools copy: database/sql's default keeps two connections
// idle, so more clients than that would open and close connections.
const pgConns = 16

// DB is a database opened the way package store opens its writer, with no
// store around it.
type DB struct {
	// SQL is the connection pool: on SQLite one connection.
	SQL *sql.DB
	// Engine is SQLite or Postgres.
	Engine string
}

// Open opens the database dsn names as store.Open reads a dsn: a
// postgres:// or postgresql:// URL is PostgreSQL, anything else the path of
// a SQLite file. The SQLite connection gets the pragmas of the store's
// writer (busy_timeout, foreign_keys, WAL, synchronous=FULL, the write lock
// at BEGIN); it is the only connection, as the store's writer is.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		// The store's pool: 16 connections, all kept when idle.
		db.SetMaxOpenConns(pgConns)
		db.SetMaxIdleConns(pgConns)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, err
		}
		return &DB{SQL: db, Engine: Postgres}, nil
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "wal_autocheckpoint(10000)"} {
		q.Add("_pragma", p)
	}
	db, err := openSQLitePool(ctx, dsn+"?"+q.Encode()+"&_txlock=immediate", 1)
	if err != nil {
		return nil, err
	}
	return &DB{SQL: db, Engine: SQLite}, nil
}

// openSQLitePool opens a pool of conns SQLite connections on dsn, kept
// open for good, and checks that one connects.
func openSQLitePool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (d *DB) Close() error { return d.SQL.Close() }

// eventInsert is the one-row INSERT of the baseline: anonymous parameters
// on SQLite (its fastest kind), numbered ones on PostgreSQL.
func (d *DB) eventInsert() string {
	ps := "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
	if d.Engine == Postgres {
		ps = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10"
	}
	return `INSERT INTO events (source, external_id, day, unit_id, statistic, producer_id, mode, age_band, lang, count) VALUES (` + ps + `)`
}

// InsertEvents is the baseline of storing service events: one transaction,
// one prepared one-row INSERT into the events table run once per event,
// and a commit. It checks nothing, skips no duplicates (a duplicate fails)
// and keeps no aggregates. The table is sotepe's own: the caller creates it
// by migrating a store on the same database first. The producer of an event
// is stored as given.
func (d *DB) InsertEvents(ctx context.Context, events []sotepe.ServiceEvent) error {
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	st, err := tx.PrepareContext(ctx, d.eventInsert())
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range events {
		e := &events[i]
		if _, err := st.ExecContext(ctx, e.Source, e.ExternalID, e.Day, e.UnitID, e.Statistic, e.ProducerID, string(e.Mode), e.AgeBand, e.Lang, e.Count); err != nil {
			return fmt.Errorf("bare: event %d: %w", i, err)
		}
	}
	return tx.Commit()
}
