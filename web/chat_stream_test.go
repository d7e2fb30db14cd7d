package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sseEvent is one event of a stream as a client parses it; retry and
// comment lines come as events named "retry" and "comment".
type sseEvent struct {
	id, event, data string
}

// openStream opens path as c with header and parses what it sends; the
// channel closes when the stream ends. cancel ends the connection.
func (c *client) openStream(t *testing.T, base, path string, header ...string) (*http.Response, <-chan sseEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		var ev sseEvent
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "":
				if ev.event != "" || ev.data != "" {
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ch <- sseEvent{event: "comment", data: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "retry: "):
				ch <- sseEvent{event: "retry", data: strings.TrimPrefix(line, "retry: ")}
			case strings.HasPrefix(line, "id: "):
				ev.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				ev.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return res, ch, cancel
}

// next returns the next event that is not a comment, failing the test
// after a while.
func next(t *testing.T, ch <-chan sseEvent, what string) sseEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("%s: the stream ended", what)
			}
			if ev.event == "comment" {
				continue
			}
			return ev
		case <-timeout:
			t.Fatalf("%s: nothing came", what)
		}
	}
}

// eventIDs reads n events and returns their ids and names.
func eventIDs(t *testing.T, ch <-chan sseEvent, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		ev := next(t, ch, fmt.Sprintf("event %d of %d", i+1, n))
		out = append(out, ev.id+" "+ev.event)
	}
	return out
}

func TestChatStream(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna, erik, nurse := e.as("anna"), e.as("erik"), e.as("nurse")
		pid := nurse.resident(e.ids.Residents["anna"], "care_relationship").PersonalID
		e.present(nurse)
		c := anna.startChat(chatLineA, "Hei, tunnukseni on "+pid, 201) // 1 emergency notice, 2 the message
		path := fmt.Sprintf("/api/v1/chats/%d", c.ID)
		needStatus(t, nurse.do("POST", path+"/take", ""), 200, "take") // 3 taken

		res, ch, cancel := anna.openStream(t, e.srv.URL, path+"/events")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("stream: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		if ev := next(t, ch, "retry"); ev.event != "retry" || ev.data != "2000" {
			t.Fatalf("first: %+v", ev)
		}
		if got := strings.Join(eventIDs(t, ch, 3), ","); got != "1 system,2 message,3 system" {
			t.Fatalf("the log so far: %s", got)
		}
		// Live: the nurse's message comes as it is sent.
		needStatus(t, nurse.do("POST", path+"/messages", `{"message":"Miten voin auttaa?"}`), 201, "nurse writes") // 4
		ev := next(t, ch, "the nurse's message")
		if ev.id != "4" || ev.event != "message" || !strings.Contains(ev.data, `"body":"Miten voin auttaa?"`) || !strings.Contains(ev.data, `"from_staff":true`) {
			t.Fatalf("live message: %+v", ev)
		}
		// Typing comes without an id.
		needStatus(t, nurse.do("POST", path+"/typing", ""), 204, "nurse types")
		ev = next(t, ch, "typing")
		if ev.event != "typing" || ev.id != "" || !strings.Contains(ev.data, `"typing":"staff"`) {
			t.Fatalf("typing: %+v", ev)
		}
		cancel()

		// Resumed at the newest event, there is nothing to send, yet the
		// stream opens at once (its head is flushed, not held until the
		// next event or heartbeat).
		req, _ := http.NewRequest("GET", e.srv.URL+path+"/events", nil)
		req.Header.Set("Last-Event-ID", "4")
		quick := &http.Client{Jar: anna.hc.Jar, Timeout: 5 * time.Second} // the heartbeat comes after 15 s
		res, err := quick.Do(req)
		if err != nil {
			t.Fatalf("resumed at the newest event, the stream did not open: %v", err)
		}
		res.Body.Close()

		// Away, two messages are written; back with Last-Event-ID, anna
		// gets exactly those, once.
		needStatus(t, anna.do("POST", path+"/messages", `{"message":"Kurkku on kipeä."}`), 201, "anna writes") // 5
		needStatus(t, nurse.do("POST", path+"/messages", `{"message":"Onko kuumetta?"}`), 201, "nurse writes") // 6
		_, ch, cancel = anna.openStream(t, e.srv.URL, path+"/events", "Last-Event-ID", "4")
		defer cancel()
		if ev := next(t, ch, "retry"); ev.event != "retry" {
			t.Fatalf("first after reconnecting: %+v", ev)
		}
		if got := strings.Join(eventIDs(t, ch, 2), ","); got != "5 message,6 message" {
			t.Fatalf("after Last-Event-ID 4: %s", got)
		}

		// The nurse's stream from ?last_event_id=1 shows anna's code masked.
		_, nch, ncancel := nurse.openStream(t, e.srv.URL, path+"/events?last_event_id=1")
		defer ncancel()
		next(t, nch, "the nurse's retry")
		ev = next(t, nch, "the nurse's first")
		if ev.id != "2" || strings.Contains(ev.data, pid) || !strings.Contains(ev.data, "[***]") {
			t.Errorf("the nurse's stream shows %+v", ev)
		}
		if got := strings.Join(eventIDs(t, nch, 4), ","); got != "3 system,4 message,5 message,6 message" {
			t.Fatalf("the nurse's stream: %s", got)
		}

		// Another resident's stream is the same 404 as a missing chat's;
		// a bad Last-Event-ID is refused.
		wantStatus(t, erik.get(path+"/events"), 404, "erik's stream of anna's chat")
		wantStatus(t, anna.get(path+"/events", "Last-Event-ID", "x"), 400, "a bad Last-Event-ID")

		// The end: the closing event, then "end", then the stream closes,
		// for both.
		needStatus(t, nurse.do("POST", path+"/close", ""), 200, "close") // 7
		for who, c := range map[string]<-chan sseEvent{"anna": ch, "nurse": nch} {
			if ev := next(t, c, who+"'s close"); ev.id != "7" || ev.event != "system" || !strings.Contains(ev.data, `"status":"closed"`) {
				t.Errorf("%s's close: %+v", who, ev)
			}
			if ev := next(t, c, who+"'s end"); ev.event != "end" || ev.id != "" {
				t.Errorf("%s's end: %+v", who, ev)
			}
			for ev := range c {
				if ev.event != "comment" {
					t.Errorf("%s got %+v after the end", who, ev)
				}
			}
		}
		// Resuming an ended chat tells it has ended at once.
		_, ch, cancel = anna.openStream(t, e.srv.URL, path+"/events", "Last-Event-ID", "7")
		defer cancel()
		next(t, ch, "retry")
		if ev := next(t, ch, "end at once"); ev.event != "end" {
			t.Errorf("resuming an ended chat: %+v", ev)
		}
	})
}

// TestChatStreamOutlivesServerTimeouts serves the stream from a server
// with one-second read and write timeouts, as the program's are (longer):
// the stream must outlive both, and EndStreams must end it.
func TestChatStreamOutlivesServerTimeouts(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		anna, nurse := e.as("anna"), e.as("nurse")
		e.present(nurse)
		c := anna.startChat(chatLineA, "Hei", 201)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: e.srv.Config.Handler, ReadTimeout: time.Second, WriteTimeout: time.Second}
		go func() { _ = hs.Serve(ln) }()
		t.Cleanup(func() { hs.Close(); hs.Handler = nil }) // the test's server is freed with it (setup_free_test.go)
		base := "http://" + ln.Addr().String()
		path := fmt.Sprintf("/api/v1/chats/%d/events", c.ID)
		_, ch, cancel := anna.openStream(t, base, path)
		defer cancel()
		next(t, ch, "retry")
		eventIDs(t, ch, 2)
		time.Sleep(2500 * time.Millisecond) // past both timeouts
		needStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/chats/%d/take", c.ID), ""), 200, "take")
		if ev := next(t, ch, "after the timeouts"); ev.id != "3" {
			t.Fatalf("after the timeouts: %+v", ev)
		}
		e.web.EndStreams()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
			case <-timeout:
				t.Fatal("EndStreams did not end the stream")
			}
		}
	})
}
