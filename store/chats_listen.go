package store

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/crc64"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sotepe"
)

// Live signals between processes.
//
// On PostgreSQL a chat's signals travel by NOTIFY on one channel per schema
// (LISTEN/NOTIFY channels are database-wide, and stores in different
// schemas of one database are different sotepe installations, or parallel
// tests). A payload is a ChatSignal with the origin of the store that sent
// it, a random id of the *Store, so that a store's listener skips its own
// signals: the chat service publishes those in-process. pg_notify runs in
// the transaction of the write, so a signal arrives only once the event
// is committed, and readers that follow it find the event. On SQLite one
// process owns the database, and there is nobody to tell.

// chatBus is a store's name on the PostgreSQL channel: the channel and the
// store's origin, made at the first use.
type chatBus struct {
	mu      sync.Mutex
	channel string
	origin  string
}

// chatNotice is the payload of a NOTIFY: the signal and who sent it.
type chatNotice struct {
	sotepe.ChatSignal
	Origin string `json:"origin"`
}

// maxChannel is the longest identifier PostgreSQL keeps (NAMEDATALEN - 1).
const maxChannel = 63

// chatChannel returns the NOTIFY channel of schema: "sotepe_chat_" and the
// schema when that is a plain lower-case identifier that fits, else a hash
// of the schema, so two schemas never share a channel.
func chatChannel(schema string) string {
	const prefix = "sotepe_chat_"
	plain := schema != ""
	for _, r := range schema {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			plain = false
			break
		}
	}
	if plain && len(prefix)+len(schema) <= maxChannel {
		return prefix + schema
	}
	sum := crc64.Checksum([]byte(schema), crc64.MakeTable(crc64.ECMA))
	var b [8]byte
	for i := range b {
		b[i] = byte(sum >> (56 - 8*i))
	}
	return prefix + "h" + hex.EncodeToString(b[:])
}

// bus returns the store's channel and origin, reading the schema through q
// the first time.
func (s *Store) bus(ctx context.Context, q querier) (channel, origin string, err error) {
	s.chat.mu.Lock()
	defer s.chat.mu.Unlock()
	if s.chat.channel == "" {
		var schema *string
		if err := q.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			return "", "", err
		}
		if schema == nil {
			return "", "", &sotepe.Error{Code: sotepe.EInternal, Message: "store: no current schema for chat signals"}
		}
		b := make([]byte, 12)
		rand.Read(b)
		s.chat.channel, s.chat.origin = chatChannel(*schema), hex.EncodeToString(b)
	}
	return s.chat.channel, s.chat.origin, nil
}

// notifyChat signals sig to the other processes through q, on PostgreSQL;
// inside a transaction the signal leaves at commit.
func (s *Store) notifyChat(ctx context.Context, q querier, sig sotepe.ChatSignal) error {
	if s.dialect.name != Postgres {
		return nil
	}
	channel, origin, err := s.bus(ctx, q)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(chatNotice{ChatSignal: sig, Origin: origin})
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, string(payload))
	return err
}

// SignalChat passes s to the other processes sharing the database by
// PostgreSQL's NOTIFY; on SQLite it does nothing. A failure is
// EUnavailable or EInternal.
func (s *Store) SignalChat(ctx context.Context, sig sotepe.ChatSignal) error {
	return s.fail("signal chat", s.notifyChat(ctx, s.writer, sig))
}

// Reconnecting after a failed listen waits listenRetryMin, doubling up to
// listenRetryMax, and starts again from listenRetryMin once a listen works.
const (
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 5 * time.Second
)

// ListenChats calls fn, on one goroutine, with every signal another store
// sends on the database (PostgreSQL LISTEN on a connection of its own that
// the pool does not get back) until ctx ends, and returns nil then. The
// store's own signals are skipped. After a failure it reconnects, waiting
// longer after each failure in a row; signals sent while it is away are
// lost, so a listener reads the logs it follows again after a reconnect.
// On SQLite it waits for ctx and returns nil.
func (s *Store) ListenChats(ctx context.Context, fn func(sotepe.ChatSignal)) error {
	if s.dialect.name != Postgres {
		<-ctx.Done()
		return nil
	}
	wait := listenRetryMin
	for {
		listened, err := s.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			wait = listenRetryMin
		}
		s.log.Warn("chat signals: listen failed; reconnecting", "error", err, "after", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listenOnce listens on one connection until it fails or ctx ends, and
// reports whether LISTEN took effect. The connection is discarded at the
// end, as it still listens.
func (s *Store) listenOnce(ctx context.Context, fn func(sotepe.ChatSignal)) (listened bool, err error) {
	channel, origin, err := s.bus(ctx, s.writer)
	if err != nil {
		return false, err
	}
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var failure error
	_ = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			failure = errors.New("store: the PostgreSQL connection is not pgx's")
			return driver.ErrBadConn
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			failure = err
			return driver.ErrBadConn
		}
		listened = true
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				failure = err
				// ErrBadConn makes database/sql close the connection
				// instead of pooling one that listens.
				return driver.ErrBadConn
			}
			var notice chatNotice
			if err := json.Unmarshal([]byte(n.Payload), &notice); err != nil || notice.ChatID == 0 {
				s.log.Warn("chat signals: unreadable notification skipped", "error", err)
				continue
			}
			if notice.Origin == origin {
				continue
			}
			fn(notice.ChatSignal)
		}
	})
	return listened, failure
}
