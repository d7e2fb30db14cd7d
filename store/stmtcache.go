package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// maxCachedStmts bounds the statements one cache prepares. Queries built
// from a filter (a list of units, optional conditions) come in a bounded
// number of shapes in practice; past the bound a query runs unprepared, as
// it did before there was a cache, so a caller that makes ever new texts
// cannot grow the cache without end.
const maxCachedStmts = 512

// stmtCache prepares each query text once on a pool and keeps the
// statement for as long as the store is open. SQLite parses the text of a
// statement on every unprepared run, which for a short indexed read is a
// large part of its cost (about 15 % of a free-time search, more of a
// session read). database/sql prepares a cached statement again on each
// connection of the pool the first time it runs there.
//
// A stmtCache is a querier: reads on SQLite go through it instead of the
// reader pool. It is safe for concurrent use.
type stmtCache struct {
	db *sql.DB
	m  sync.Map // query text → *sql.Stmt
	n  atomic.Int64
	// pending holds the texts being prepared in the background.
	pending sync.Map
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db} }

// get returns the statement of query, preparing it at its first use. Past
// maxCachedStmts it returns nil and no error: the caller runs the query
// unprepared.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if c.n.Load() >= maxCachedStmts {
		return nil, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	c.n.Add(1)
	return st, nil
}

// QueryContext runs query through its prepared statement.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs query through its prepared statement. A query that
// cannot be prepared runs unprepared, so that its error comes back from
// Scan as it would without the cache.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.get(ctx, query)
	if err != nil || st == nil {
		return c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// ExecContext runs query through its prepared statement.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.db.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// prepareLater prepares query in the background, once, when the pool has a
// connection free. A failure is forgotten: the query runs unprepared and
// is tried again at a later use.
func (c *stmtCache) prepareLater(query string) {
	if c.n.Load() >= maxCachedStmts {
		return
	}
	if _, busy := c.pending.LoadOrStore(query, true); busy {
		return
	}
	go func() {
		defer c.pending.Delete(query)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = c.get(ctx, query)
	}()
}

// close closes every statement of the cache and returns the first error.
func (c *stmtCache) close() error {
	var errs []error
	c.m.Range(func(k, v any) bool {
		errs = append(errs, v.(*sql.Stmt).Close())
		c.m.Delete(k)
		return true
	})
	return errors.Join(errs...)
}

// txStmts runs the queries of a transaction on the writer through the
// statements the writer's cache prepared: on SQLite's one writer
// connection tx.StmtContext finds the statement already prepared there.
type txStmts struct {
	tx *sql.Tx
	c  *stmtCache
}

// txq returns what the queries of tx run on: on SQLite the writer's
// prepared statements, on PostgreSQL tx itself (pgx caches per connection).
func (s *Store) txq(tx *sql.Tx) querier {
	if s.writeStmts == nil {
		return tx
	}
	return txStmts{tx: tx, c: s.writeStmts}
}

// stmt returns query's statement bound to the transaction, or nil when the
// writer has not prepared it yet. Preparing on the writer pool needs its
// one connection, which the transaction holds: it is prepared after the
// transaction, in the background, and this run goes unprepared.
func (t txStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	v, ok := t.c.m.Load(query)
	if !ok {
		t.c.prepareLater(query)
		return nil
	}
	return t.tx.StmtContext(ctx, v.(*sql.Stmt))
}

// QueryContext runs query in the transaction through its prepared statement.
func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction through its prepared
// statement.
func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs query in the transaction through its prepared statement.
func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}
