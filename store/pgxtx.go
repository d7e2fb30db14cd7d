package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// inPgxTx runs fn in a transaction of pgx's own on a connection of the
// writer on PostgreSQL, and commits it when fn returns nil. It is for what
// database/sql cannot do, such as COPY (the bulk loads of chats and
// events); on failure nothing fn did is kept.
func (s *Store) inPgxTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: not a pgx connection")
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}
