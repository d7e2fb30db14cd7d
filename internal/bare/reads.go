package bare

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
)

// residentRequests is the baseline's read of a resident's list: the page's
// rows of contact_requests in due order with each one's subject, the start
// of its first message. It reads the columns package store's list reads,
// by the same index, with the same correlated subquery, and nothing else.
const residentRequests = `SELECT id, resident_id, contact_name, contact_phone, contact_email, service_id, unit_id, channel,
	status, lang, received_at, due_at, first_answered_at, breached, assigned_to, recorded_by, closed_at, resolution,
	COALESCE((SELECT substr(m.body, 1, 160) FROM contact_messages m
		WHERE m.request_id = contact_requests.id ORDER BY m.at, m.id LIMIT 1), '')
	FROM contact_requests WHERE resident_id = $1 ORDER BY due_at, id LIMIT CAST($2 AS INTEGER)`

// Reader is the baseline of a signed-in read that needs the database: one
// prepared query a request, its rows read and dropped, on a pool opened as
// package store opens its readers (on SQLite four read-only connections in
// WAL mode; on PostgreSQL pgx through database/sql).
type Reader struct {
	db   *sql.DB
	list *sql.Stmt
}

// OpenReader opens the database dsn names (as Open reads a dsn) for reads
// and prepares the resident's list on it.
func OpenReader(ctx context.Context, dsn string) (*Reader, error) {
	var db *sql.DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if db, err = sql.Open("pgx", dsn); err == nil {
			db.SetMaxOpenConns(pgConns)
			db.SetMaxIdleConns(pgConns)
			err = db.PingContext(ctx)
		}
	} else {
		q := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "query_only(1)"} {
			q.Add("_pragma", p)
		}
		db, err = openSQLitePool(ctx, dsn+"?"+q.Encode(), 4)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, err
	}
	list, err := db.PrepareContext(ctx, residentRequests)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Reader{db: db, list: list}, nil
}

// Close closes the statement and the pool.
func (r *Reader) Close() error {
	r.list.Close()
	return r.db.Close()
}

// ResidentRequests reads up to limit+1 rows of resident's list, every
// column scanned, and returns how many rows it read.
func (r *Reader) ResidentRequests(ctx context.Context, resident int64, limit int) (int, error) {
	rows, err := r.list.QueryContext(ctx, resident, limit+1)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols := make([]sql.RawBytes, 19)
	dst := make([]any, len(cols))
	for i := range cols {
		dst[i] = &cols[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// SelectOne runs SELECT 1 through the pool: the least a read that needs
// the database costs, one round trip on PostgreSQL.
func (r *Reader) SelectOne(ctx context.Context) error {
	var one int
	return r.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}
