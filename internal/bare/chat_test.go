package bare_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotepe/internal/bare"
	"sotepe/internal/testenv"
)

// newChatServer starts a ChatServer on dsn behind an httptest server.
func newChatServer(t *testing.T, dsn string) *httptest.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := bare.NewChat(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	listened := make(chan error, 1)
	go func() { listened <- s.ListenChats(ctx) }()
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		cancel()
		if err := <-listened; err != nil {
			t.Errorf("ListenChats: %v", err)
		}
		s.Close()
	})
	return srv
}

// chatSession signs in on srv and returns the cookie header.
func chatSession(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	res, err := srv.Client().Post(srv.URL+"/sessions", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || len(res.Cookies()) != 1 || res.Cookies()[0].Name != bare.ChatCookie {
		t.Fatalf("POST /sessions: %d %v", res.StatusCode, res.Cookies())
	}
	return bare.ChatCookie + "=" + res.Cookies()[0].Value
}

func chatRequest(t *testing.T, ctx context.Context, srv *httptest.Server, cookie, method, path, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// openStream opens chat id's stream on srv, with query after the path,
// and returns its lines.
func openStream(t *testing.T, ctx context.Context, srv *httptest.Server, cookie, id, query string) <-chan string {
	t.Helper()
	res := chatRequest(t, ctx, srv, cookie, "GET", "/chats/"+id+"/events"+query, "")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer res.Body.Close()
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// nextEvent reads the next event from lines, failing after five seconds.
func nextEvent(t *testing.T, lines <-chan string) []string {
	t.Helper()
	var ev []string
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the stream ended after %q", ev)
			}
			if l == "" {
				return ev
			}
			ev = append(ev, l)
		case <-timeout:
			t.Fatalf("no event within 5 s (have %q)", ev)
		}
	}
}

func post(t *testing.T, srv *httptest.Server, cookie, id, body string) int {
	t.Helper()
	res := chatRequest(t, context.Background(), srv, cookie, "POST", "/chats/"+id+"/messages", body)
	res.Body.Close()
	return res.StatusCode
}

func TestChatMessageReachesSubscriber(t *testing.T) {
	t.Run(bare.SQLite, func(t *testing.T) {
		srv := newChatServer(t, filepath.Join(t.TempDir(), "bare.db"))
		testChatDelivery(t, srv, srv)
	})
	t.Run(bare.Postgres, func(t *testing.T) {
		dsn := testenv.PostgresDSN(t)
		// Two processes' worth of servers on one database: the message
		// posted to one reaches the other's stream by NOTIFY.
		a := newChatServer(t, dsn)
		b := newChatServer(t, dsn)
		testChatDelivery(t, a, b)
	})
}

// testChatDelivery posts to from and reads the streams of both from and
// to.
func testChatDelivery(t *testing.T, from, to *httptest.Server) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cf, ct := chatSession(t, from), chatSession(t, to)

	if code := post(t, from, "", "7", `{"message":"hei"}`); code != http.StatusUnauthorized {
		t.Errorf("post without a session: %d, want 401", code)
	}
	if code := post(t, from, "bare_session=guess", "7", `{"message":"hei"}`); code != http.StatusUnauthorized {
		t.Errorf("post with an unknown session: %d, want 401", code)
	}
	if code := post(t, from, cf, "7", `{"message":""}`); code != http.StatusBadRequest {
		t.Errorf("empty message: %d, want 400", code)
	}

	mine := openStream(t, ctx, from, cf, "7", "")
	theirs := openStream(t, ctx, to, ct, "7", "")
	other := openStream(t, ctx, to, ct, "8", "")
	if code := post(t, from, cf, "7", `{"message":"hei \"sinä\""}`); code != http.StatusCreated {
		t.Fatalf("post: %d, want 201", code)
	}
	var firstID string
	for name, lines := range map[string]<-chan string{"own server": mine, "other server": theirs} {
		ev := nextEvent(t, lines)
		if len(ev) != 3 || !strings.HasPrefix(ev[0], "id: ") || ev[1] != "event: message" || ev[2] != `data: {"body":"hei \"sinä\""}` {
			t.Fatalf("%s's stream: %q", name, ev)
		}
		firstID = strings.TrimPrefix(ev[0], "id: ")
	}
	if code := post(t, to, ct, "8", `{"message":"toinen"}`); code != http.StatusCreated {
		t.Fatalf("post: %d, want 201", code)
	}
	if ev := nextEvent(t, other); len(ev) != 3 || ev[2] != `data: {"body":"toinen"}` {
		t.Errorf("chat 8's stream: %q", ev)
	}
	if code := post(t, to, ct, "7", `{"message":"kolmas"}`); code != http.StatusCreated {
		t.Fatalf("post: %d, want 201", code)
	}
	// Chat 7's stream gets its own next message, not chat 8's.
	if ev := nextEvent(t, mine); len(ev) != 3 || ev[2] != `data: {"body":"kolmas"}` {
		t.Errorf("chat 7's stream after chat 8's message: %q", ev)
	}
	// A stream resumed after the first message starts with the third.
	resumed := openStream(t, ctx, to, ct, "7", "?last_event_id="+firstID)
	if ev := nextEvent(t, resumed); len(ev) != 3 || ev[2] != `data: {"body":"kolmas"}` {
		t.Errorf("resumed stream: %q", ev)
	}
}
