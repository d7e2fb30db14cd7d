package bare

import (
	"context"
	"fmt"
	"time"
)

// commitsTable is the baseline's own table of durable single-row writes:
// a contact request's columns, with no constraint but the key.
const commitsTable = `CREATE TABLE IF NOT EXISTS bare_commits (
	id          BIGINT PRIMARY KEY,
	resident_id BIGINT NOT NULL,
	service_id  TEXT NOT NULL,
	unit_id     TEXT NOT NULL,
	body        TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	due_at      BIGINT NOT NULL
)`

// PrepareCommits creates the table Commit writes into, if it is not there.
func (d *DB) PrepareCommits(ctx context.Context) error {
	_, err := d.SQL.ExecContext(ctx, commitsTable)
	return err
}

// Commit inserts row id into the table of PrepareCommits in a transaction
// of its own: one durable single-row write, the baseline of a submission.
// On SQLite with synchronous=FULL its commit is a sync of the log.
func (d *DB) Commit(ctx context.Context, id int64) error {
	insert := `INSERT INTO bare_commits (id, resident_id, service_id, unit_id, body, received_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if d.Engine == Postgres {
		insert = `INSERT INTO bare_commits (id, resident_id, service_id, unit_id, body, received_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	}
	now := time.Now().UnixMicro()
	if _, err := d.SQL.ExecContext(ctx, insert, id, 7, "health-station-nurse", "kallio-health-station",
		"Kuumetta kolme päivää.", now, now+48*3600*1e6); err != nil {
		return fmt.Errorf("bare: commit %d: %w", id, err)
	}
	return nil
}
