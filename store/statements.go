package store

import (
	"context"
	"database/sql"
	"errors"

	"sotepe"
)

// The small helpers that writes and reads share around one statement.

// execAffecting runs query on q and returns none when it changed no row:
// for a statement that must find the row it changes. A failure to run it
// or count its rows is returned as it is, for the caller to wrap.
func execAffecting(ctx context.Context, q querier, none error, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return none
	}
	return nil
}

// rowExists reports whether query, a SELECT 1 on q, finds a row.
func rowExists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// pageOf returns items, read with one more than limit asked for, as a page
// of at most limit; when there was one more, NextCursor is cursor of the
// page's last item.
func pageOf[T any](items []T, limit int, cursor func(last T) string) sotepe.Page[T] {
	p := sotepe.Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextCursor = cursor(p.Items[limit-1])
	}
	return p
}

// inTxValue runs fn as s.inTx does and returns what fn returned, the zero
// value with the error when the transaction failed.
func inTxValue[T any](ctx context.Context, s *Store, op string, fn func(tx *sql.Tx) (T, error)) (T, error) {
	var v T
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}
