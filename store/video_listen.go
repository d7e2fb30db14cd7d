package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"sotepe"
)

// Video rooms' events between processes.
//
// On PostgreSQL the events of video rooms travel by NOTIFY on a channel of
// their own per schema ("sotepe_video_" and the schema), beside the chat's.
// A NOTIFY payload must stay under 8000 bytes, and a signal (an SDP offer)
// may be 32 KiB: an event is written as JSON and cut into parts of at most
// videoPart bytes, each behind a header line "origin seq part count", and
// the parts of one publication are notified in one transaction.
// PostgreSQL queues the notifications of one transaction together, in
// order, and delivers them in the order of commit, so a listener reads a
// publication's parts one after another and joins them. The origin lets a
// store skip its own events, as with the chat's signals. On SQLite one
// process owns the database and there is no bus (VideoBus is nil).

// videoPart is the most bytes of an event's JSON one notification carries;
// with its header line it stays well under PostgreSQL's 8000.
const videoPart = 7800

// videoChannel returns the NOTIFY channel of the video rooms of schema.
func videoChannel(schema string) string { return schemaChannel("sotepe_video_", schema) }

// VideoBus returns the store as the bus of video rooms' events between the
// processes sharing its PostgreSQL database, and nil on SQLite, where one
// process owns the database.
func (s *Store) VideoBus() sotepe.VideoBus {
	if s.dialect.name != Postgres {
		return nil
	}
	return s
}

// videoParts cuts payload into parts of at most max bytes, never within a
// UTF-8 sequence.
func videoParts(payload string, max int) []string {
	var parts []string
	for len(payload) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(payload[cut]) {
			cut--
		}
		parts = append(parts, payload[:cut])
		payload = payload[cut:]
	}
	return append(parts, payload)
}

// PublishVideo sends events to the other processes on the database, in
// order, in one transaction (PostgreSQL NOTIFY); on SQLite it does
// nothing. A failure is EUnavailable or EInternal, and nothing was sent.
func (s *Store) PublishVideo(ctx context.Context, events ...sotepe.VideoEvent) error {
	if s.dialect.name != Postgres || len(events) == 0 {
		return nil
	}
	if _, _, err := s.bus(ctx, s.writer); err != nil {
		return s.fail("publish video events", err)
	}
	s.chat.mu.Lock()
	channel, origin := s.chat.video, s.chat.origin
	s.chat.mu.Unlock()
	var payloads []string
	for _, e := range events {
		e.Origin = ""
		b, err := json.Marshal(e)
		if err != nil {
			return s.fail("publish video events", err)
		}
		parts := videoParts(string(b), videoPart)
		seq := strconv.FormatUint(s.videoSeq.Add(1), 10)
		for i, p := range parts {
			payloads = append(payloads, origin+" "+seq+" "+strconv.Itoa(i)+" "+strconv.Itoa(len(parts))+"\n"+p)
		}
	}
	if len(payloads) == 1 {
		_, err := s.writer.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payloads[0])
		return s.fail("publish video events", err)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return s.fail("publish video events", err)
	}
	defer tx.Rollback()
	for _, p := range payloads {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, p); err != nil {
			return s.fail("publish video events", err)
		}
	}
	return s.fail("publish video events", tx.Commit())
}

// ListenVideo calls fn, on one goroutine, with every event another store
// publishes on the database (PostgreSQL LISTEN on a connection of its
// own), its Origin filled in, until ctx ends or the store closes, and
// returns nil then. The store's own events are skipped. After a failure
// it reconnects, waiting longer after each failure in a row; events
// published while it is away are lost. On SQLite it waits for ctx or Close
// and returns nil.
func (s *Store) ListenVideo(ctx context.Context, fn func(sotepe.VideoEvent)) error {
	var a videoAssembler
	return s.listen(ctx, "video events", func(b *chatBus) string { return b.video }, func(payload, origin string) {
		e, ok, err := a.add(payload, origin)
		if err != nil {
			s.log.Warn("video events: unreadable notification skipped", "error", err)
		}
		if ok {
			fn(e)
		}
	})
}

// videoAssembler joins the parts of the events a listener hears.
type videoAssembler struct {
	// pending are the parts read so far of the events not yet whole, by
	// origin and sequence number.
	pending map[string][]string
}

// maxPending bounds the events an assembler waits to complete; a
// publication's parts arrive together, so more than a few are debris of a
// broken connection.
const maxPending = 16

// add takes one notification's payload, and returns the event it
// completes (ok), with its Origin; the store's own (origin) and
// incomplete ones are not returned. An unreadable payload is an error.
func (a *videoAssembler) add(payload, origin string) (e sotepe.VideoEvent, ok bool, err error) {
	head, body, found := strings.Cut(payload, "\n")
	f := strings.Fields(head)
	if !found || len(f) != 4 {
		return e, false, errBadVideoEvent
	}
	from := f[0]
	if from == origin {
		return e, false, nil
	}
	part, err1 := strconv.Atoi(f[2])
	count, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || part < 0 || count < 1 || part >= count {
		return e, false, errBadVideoEvent
	}
	key := from + " " + f[1]
	if count > 1 {
		if a.pending == nil || len(a.pending) > maxPending {
			a.pending = map[string][]string{}
		}
		got := a.pending[key]
		if len(got) != part {
			delete(a.pending, key)
			return e, false, errBadVideoEvent
		}
		got = append(got, body)
		if len(got) < count {
			a.pending[key] = got
			return e, false, nil
		}
		delete(a.pending, key)
		body = strings.Join(got, "")
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Kind == "" {
		return sotepe.VideoEvent{}, false, errBadVideoEvent
	}
	e.Origin = from
	return e, true, nil
}

var errBadVideoEvent = &sotepe.Error{Code: sotepe.EInternal, Message: "store: unreadable video event"}
