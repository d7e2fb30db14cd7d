package bare

import (
	"context"
	"fmt"
	"sync/atomic"
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

// Commits is the baseline of durable submissions: clients goroutines insert
// n rows in all, each row in a transaction of its own (one commit, which on
// SQLite with synchronous=FULL is a sync of the log), as fast as the
// database takes them. Rows are numbered from first. It returns how long
// each commit took, in the order they ended.
func (d *DB) Commits(ctx context.Context, first, n, clients int) ([]time.Duration, error) {
	if _, err := d.SQL.ExecContext(ctx, commitsTable); err != nil {
		return nil, err
	}
	insert := `INSERT INTO bare_commits (id, resident_id, service_id, unit_id, body, received_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if d.Engine == Postgres {
		insert = `INSERT INTO bare_commits (id, resident_id, service_id, unit_id, body, received_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	}
	var next atomic.Int64
	next.Store(int64(first))
	return Round(n, clients, func() error {
		id := next.Add(1) - 1
		now := time.Now().UnixMicro()
		if _, err := d.SQL.ExecContext(ctx, insert, id, 7, "health-station-nurse", "kallio-health-station",
			"Kuumetta kolme päivää.", now, now+48*3600*1e6); err != nil {
			return fmt.Errorf("bare: commit %d: %w", id, err)
		}
		return nil
	})
}
