package chatweb

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"sotepe"
)

// The live stream of one chat: GET /api/v1/chats/{id}/events answers
// Server-Sent Events (text/event-stream) with the standard library only.
//
// The chat's log is durable and numbered (sotepe.ChatEvent.Seq from 1
// without gaps); the stream sends each event with its number as the SSE id,
// so a client that reconnects with Last-Event-ID (or ?last_event_id= where
// it cannot set headers) gets every later event once, in order, and nothing
// twice. Signals from the chat service only say that the log grew; the
// stream then reads the log after the last number it sent. It also reads
// every few seconds without a signal, in case one was lost between
// processes. Typing signals go out as "typing" events without an id, so
// they never move Last-Event-ID.

const (
	// streamRetry is how long a client waits before reconnecting, in ms.
	streamRetry = 2000
	// streamHeartbeat is how often a comment line keeps proxies and
	// clients from taking a quiet stream for a dead one.
	streamHeartbeat = 15 * time.Second
	// streamReread is how often the log is read without a signal.
	streamReread = 5 * time.Second
	// streamMax ends a stream after a while; the client reconnects, and
	// the session and the right to see the chat are checked again.
	streamMax = 10 * time.Minute
	// streamWriteWait is the deadline of each write: the server's
	// WriteTimeout must not end a long stream, a stuck client must.
	streamWriteWait = 30 * time.Second
)

// lastEventID reads where a client resumes: the Last-Event-ID header, else
// ?last_event_id=, else from the start; anything but a number of 0 or
// more is EInvalid ("chat.error.last_event_id").
func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, sotepe.Invalid("chat.error.last_event_id", "Last-Event-ID is the number of an event")
	}
	return n, nil
}

// Stream serves the live stream of a chat the user may see (404
// otherwise, like a missing chat). It ends when the chat has ended and
// every event is sent (an "end" event tells the client not to reconnect),
// when the client goes away, after streamMax, or when the server shuts
// down (EndStreams). A resident's open stream counts as them being there
// (the chat service's Listen and Events), so a waiting chat is not
// abandoned while its page is open.
func (h *Handlers) Stream(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	after, err := lastEventID(r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), streamMax)
	defer cancel()
	// Listen before the first read of the log: an event appended after
	// that read then always comes with a signal.
	signals, stop, err := h.cfg.Chats.Listen(ctx, u, id)
	if err != nil {
		return err
	}
	defer stop()
	// The read starts one before the resume point: the event there is not
	// sent again, but tells the chat's status, so an ended chat is told
	// to end without another read.
	cs := &chatStreamState{h: h, u: u, id: id, last: after}
	events, err := cs.fetch(ctx, max(after-1, 0))
	if err != nil {
		return err
	}
	if len(events) == 0 {
		c, err := h.cfg.Chats.Get(ctx, u, id)
		if err != nil {
			return err
		}
		cs.status = c.Status
	}

	// From here on the answer is a stream: a failure ends it, and the
	// client reconnects.
	st := &sseStream{w: w, rc: http.NewResponseController(w)}
	cs.st = st
	// The server's ReadTimeout would otherwise cancel the request's
	// context while the stream runs (net/http's background read).
	_ = st.rc.SetReadDeadline(time.Time{})
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-store")
	header.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	st.write([]byte("retry: " + strconv.Itoa(streamRetry) + "\n\n"))
	cs.send(events)
	// Flushed even with nothing to send, so the client knows the stream
	// is open (a resume at the newest event has nothing to send yet).
	st.flush()

	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	// The safety net reads the log when no signal made it read for
	// streamReread: reads of staff are audited, so a busy chat is not
	// read twice as often.
	reread := time.NewTimer(streamReread)
	defer reread.Stop()
	for st.err == nil && cs.status.Open() {
		select {
		case <-ctx.Done():
			return nil
		case <-h.cfg.Closing:
			return nil
		case sig, ok := <-signals:
			if !ok {
				return nil
			}
			if sig.Typing != "" {
				if typingVisible(u, sig) {
					data, _ := json.Marshal(sig)
					st.event(0, "typing", data)
					st.flush()
				}
				continue
			}
			cs.read(ctx)
			reread.Reset(streamReread)
		case <-reread.C:
			cs.read(ctx)
			reread.Reset(streamReread)
		case <-heartbeat.C:
			st.write([]byte(": ping\n\n"))
			st.flush()
		}
	}
	if st.err == nil && !cs.status.Open() {
		data, _ := json.Marshal(map[string]any{"status": cs.status, "last_event": cs.last})
		st.event(0, "end", data)
		st.flush()
	}
	return nil
}

// typingVisible reports whether viewer u is told of a typing signal: a
// resident of the professional's, staff of the resident's and of other
// professionals'.
func typingVisible(u sotepe.User, sig sotepe.ChatSignal) bool {
	if u.IsStaff() {
		return sig.Typing == "resident" || sig.Typing == "staff" && sig.Name != u.Name
	}
	return sig.Typing == "staff"
}

// chatStreamState is where one stream stands: the last event sent and the
// chat's status after it.
type chatStreamState struct {
	h      *Handlers
	u      sotepe.User
	id     int64
	last   int64
	status sotepe.ChatStatus
	st     *sseStream
}

// chatEventsPage is the most events one read of the chat service returns
// (sotepe.ChatService.Events in package chat); a full page is followed by
// another read at once. Were the service's page smaller, the rest would
// come with the next signal or the safety net, later but complete.
const chatEventsPage = 500

// fetch reads the events after seq after, all of them, page by page.
func (cs *chatStreamState) fetch(ctx context.Context, after int64) ([]sotepe.ChatEvent, error) {
	var all []sotepe.ChatEvent
	for {
		events, err := cs.h.cfg.Chats.Events(ctx, cs.u, cs.id, after)
		if err != nil {
			return all, err
		}
		all = append(all, events...)
		if len(events) < chatEventsPage {
			return all, nil
		}
		after = events[len(events)-1].Seq
	}
}

// read sends the events after the last one sent; a failed read is tried
// again at the next signal or by the safety net.
func (cs *chatStreamState) read(ctx context.Context) {
	events, err := cs.fetch(ctx, cs.last)
	cs.send(events)
	if err != nil && ctx.Err() == nil {
		cs.h.cfg.Log.WarnContext(ctx, "chat stream read failed", "code", sotepe.ErrorCode(err))
	}
}

// send writes events in order, skipping any at or before the last sent
// (whose status it still takes), and flushes them.
func (cs *chatStreamState) send(events []sotepe.ChatEvent) {
	n := 0
	for _, e := range events {
		if e.Seq <= cs.last {
			cs.status = e.Status
			continue
		}
		data, err := json.Marshal(cs.h.viewChatEvent(e))
		if err != nil {
			cs.st.err = err
			return
		}
		cs.st.event(e.Seq, string(e.Kind), data)
		cs.last, cs.status = e.Seq, e.Status
		n++
	}
	if n > 0 {
		cs.st.flush()
	}
}

// sseStream writes Server-Sent Events, each write under its own deadline;
// the first failure sticks and ends the stream.
type sseStream struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

func (st *sseStream) write(b []byte) {
	if st.err != nil {
		return
	}
	_ = st.rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
	_, st.err = st.w.Write(b)
}

// event writes one event: its id when id > 0, its name and one line of
// data (JSON never holds a raw line break).
func (st *sseStream) event(id int64, name string, data []byte) {
	b := make([]byte, 0, len(data)+48)
	if id > 0 {
		b = append(b, "id: "...)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, '\n')
	}
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	b = append(b, "\n\n"...)
	st.write(b)
}

func (st *sseStream) flush() {
	if st.err == nil {
		st.err = st.rc.Flush()
	}
}
