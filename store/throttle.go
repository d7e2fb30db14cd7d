package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"sotepe"
)

// LoginFailureCounts returns the failure counts of keys, in the order of
// keys; a key never counted, or last counted before forgetBefore, is zero.
// A failed read is EInternal or EUnavailable.
func (s *Store) LoginFailureCounts(ctx context.Context, keys [][]byte, forgetBefore time.Time) ([]sotepe.LoginFailureCount, error) {
	out := make([]sotepe.LoginFailureCount, len(keys))
	for i, k := range keys {
		var n, last int64
		err := s.readers.QueryRowContext(ctx, `SELECT failures, last_at FROM login_failures WHERE key_hash = $1`, k).Scan(&n, &last)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, s.fail("read login failures", err)
		}
		if last < micros(forgetBefore) {
			continue
		}
		out[i] = sotepe.LoginFailureCount{Failures: int(n), Last: fromMicros(last)}
	}
	return out, nil
}

// RecordLoginFailure counts one failure at at against every key in one
// transaction, starting a key over when it last failed before forgetBefore,
// and deletes the keys that have not failed since forgetBefore, so the
// table holds at most an hour or so of failures. A failed write is
// EInternal or EUnavailable.
func (s *Store) RecordLoginFailure(ctx context.Context, keys [][]byte, at, forgetBefore time.Time) error {
	// The same order in every process, so two transactions counting the
	// same keys on PostgreSQL cannot wait for each other's rows.
	keys = slices.Clone(keys)
	slices.SortFunc(keys, bytes.Compare)
	keys = slices.CompactFunc(keys, bytes.Equal)
	return s.inTx(ctx, "record login failure", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < $1`, micros(forgetBefore)); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO login_failures (key_hash, failures, last_at) VALUES ($1, 1, $2)
				ON CONFLICT (key_hash) DO UPDATE SET
					failures = CASE WHEN login_failures.last_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
					last_at = excluded.last_at`,
				k, micros(at), micros(forgetBefore)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ClearLoginFailures forgets key's failures; a key never counted is no
// error. A failed write is EInternal or EUnavailable.
func (s *Store) ClearLoginFailures(ctx context.Context, key []byte) error {
	if _, err := s.writer.ExecContext(ctx, `DELETE FROM login_failures WHERE key_hash = $1`, key); err != nil {
		return s.fail("clear login failures", err)
	}
	return nil
}
