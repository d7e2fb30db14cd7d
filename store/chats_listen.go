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
// store's origin, made at the first use; and the end of its listeners when
// the store closes.
type chatBus struct {
	mu      sync.Mutex
	channel string
	video   string // the channel of video rooms' events (video_listen.go)
	origin  string
	closed  chan struct{} // closed by Store.Close
}

// done returns the channel Store.Close closes.
func (b *chatBus) done() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed == nil {
		b.closed = make(chan struct{})
	}
	return b.closed
}

// close ends the listeners; closing twice is harmless.
func (b *chatBus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed == nil {
		b.closed = make(chan struct{})
	}
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
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
func chatChannel(schema string) string { return schemaChannel("sotepe_chat_", schema) }

// schemaChannel returns the channel named prefix and schema, or prefix and
// a hash of the schema when the schema is not a plain lower-case
// identifier that fits.
func schemaChannel(prefix, schema string) string {
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
		s.chat.video = videoChannel(*schema)
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
// the pool does not get back) until ctx ends or the store closes, and
// returns nil then. The store's own signals are skipped. After a failure it
// reconnects, waiting longer after each failure in a row; signals sent
// while it is away are lost, so a listener reads the logs it follows again
// after a reconnect. On SQLite it waits for ctx or Close and returns nil.
func (s *Store) ListenChats(ctx context.Context, fn func(sotepe.ChatSignal)) error {
	return s.listen(ctx, "chat signals", func(b *chatBus) string { return b.channel }, func(payload, origin string) {
		var notice chatNotice
		if err := json.Unmarshal([]byte(payload), &notice); err != nil || notice.ChatID == 0 {
			s.log.Warn("chat signals: unreadable notification skipped", "error", err)
			return
		}
		if notice.Origin == origin {
			return
		}
		fn(notice.ChatSignal)
	})
}

// listen calls fn with the payload of every notification on the channel
// that channel picks from the store's bus, and the store's own origin,
// until ctx ends or the store closes, reconnecting after a failure (what
// names the listener in the log). On SQLite it waits for ctx or Close.
func (s *Store) listen(ctx context.Context, what string, channel func(*chatBus) string, fn func(payload, origin string)) error {
	closed := s.chat.done()
	if s.dialect.name != Postgres {
		select {
		case <-ctx.Done():
		case <-closed:
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	wait := listenRetryMin
	for {
		listened, err := s.listenOnce(ctx, channel, fn)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			wait = listenRetryMin
		}
		s.log.Warn(what+": listen failed; reconnecting", "error", err, "after", wait)
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
func (s *Store) listenOnce(ctx context.Context, pick func(*chatBus) string, fn func(payload, origin string)) (listened bool, err error) {
	if _, _, err := s.bus(ctx, s.writer); err != nil {
		return false, err
	}
	s.chat.mu.Lock()
	channel, origin := pick(&s.chat), s.chat.origin
	s.chat.mu.Unlock()
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
			fn(n.Payload, origin)
		}
	})
	return listened, failure
}
