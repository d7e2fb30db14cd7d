package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"sotepe"
)

// UseReplica sends the reads of the figures to the PostgreSQL at dsn,
// typically a standby: the service events' volumes (EventVolumes), the
// staff, economy and sustainability counts, and the answer promise's figures
// (ContactStatsRows). These read large ranges, bear seconds of lag and hold no
// personal data. Everything else stays on the primary: sessions are read
// right after they are written, and staff reads of personal data write
// their audit row in the read's transaction. Give dsn pgx's
// target_session_attrs, e.g. a multi-host
// postgres://standby,primary/sotepe?target_session_attrs=prefer-standby,
// so that the figures fall back to the primary while no standby answers.
// Call it once, before use. On SQLite it is EInvalid; a dsn that cannot be
// reached is EUnavailable.
func (s *Store) UseReplica(ctx context.Context, dsn string) error {
	if s.dialect.name != Postgres || !strings.HasPrefix(dsn, "postgres") {
		return sotepe.Invalid("error.invalid", "store: a replica for the figures needs PostgreSQL on both sides")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.invalid", Message: "store: unusable PostgreSQL URL of the replica", Err: err}
	}
	// The figures are read by few requests at a time (dashboards,
	// reports, open data), each a handful of range reads.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: connect to the replica", Err: err}
	}
	s.replica = db
	return nil
}

// figures is where the figures are read: the replica when there is one,
// else the readers.
func (s *Store) figures() *sql.DB {
	if s.replica != nil {
		return s.replica
	}
	return s.readers
}
