package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventSourceClient returns the command line of the npm eventsource client
// (e2e/testdata/eventsource), or skips the test when node or the package is
// missing.
func eventSourceClient(t *testing.T) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH; install Node 20 and run `npm ci --prefix e2e/testdata/eventsource`")
	}
	dir, err = filepath.Abs(filepath.Join("testdata", "eventsource"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "eventsource")); err != nil {
		t.Skip("eventsource is not installed; run `npm ci --prefix e2e/testdata/eventsource`")
	}
	return node, dir
}

// cuttingProxy forwards to target and cuts the first chat stream after
// cutAfter complete events, as a dropped connection would; it records the
// Last-Event-ID of every stream request and closes cut once it has cut.
type cuttingProxy struct {
	target   string
	cutAfter int
	cut      chan struct{}

	mu       sync.Mutex
	streams  int
	lastIDs  []string
	upstream *http.Client
}

func (p *cuttingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	p.mu.Lock()
	p.streams++
	first := p.streams == 1
	p.lastIDs = append(p.lastIDs, r.Header.Get("Last-Event-ID"))
	p.mu.Unlock()
	res, err := p.upstream.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	rc := http.NewResponseController(w)
	sc := bufio.NewScanner(res.Body)
	events, inEvent := 0, false
	for sc.Scan() {
		line := sc.Text()
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return
		}
		if strings.HasPrefix(line, "id: ") {
			inEvent = true
		}
		if line == "" {
			_ = rc.Flush()
			if inEvent {
				events++
				inEvent = false
			}
			if first && events == p.cutAfter {
				close(p.cut)
				return
			}
		}
	}
}

// TestChatStreamResumesWithEventSource reads a chat's live stream with the
// npm eventsource client (4.1.1, which no one here wrote) through a proxy
// that drops the connection after three events. Messages written while
// the client is away and after it is back must each arrive once, in
// order: the client resumes with Last-Event-ID by itself.
func TestChatStreamResumesWithEventSource(t *testing.T) {
	node, dir := eventSourceClient(t)
	a := startApp(t)
	erik := signedInClient(t, a.URL, "erik")
	nurse := signedInClient(t, a.URL, "nurse")
	call := func(c *http.Client, method, path, body string, want int) []byte {
		t.Helper()
		contentType := ""
		if body != "" {
			contentType = "application/json"
		}
		return apiCall(t, c, method, a.URL+path, body, contentType, want)
	}
	call(nurse, "GET", "/api/v1/chats?status=waiting", "", 200)
	var chat struct{ ID int64 }
	if err := json.Unmarshal(call(erik, "POST", "/api/v1/chats", `{"service":"health-advice","message":"Hej, en fråga"}`, 201), &chat); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(chat.ID, 10)
	call(nurse, "POST", "/api/v1/chats/"+id+"/take", "", 200)
	before := len(events(t, call(erik, "GET", "/api/v1/chats/"+id, "", 200)))
	if before < 3 {
		t.Fatalf("%d events before the stream, want at least 3 (notice, message, taken)", before)
	}

	proxy := &cuttingProxy{target: a.URL, cutAfter: 3, cut: make(chan struct{}), upstream: &http.Client{}}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	u, _ := url.Parse(a.URL)
	var cookie string
	for _, c := range erik.Jar.Cookies(u) {
		cookie = c.Name + "=" + c.Value
	}
	const away, after = 4, 2
	want := before + away + after
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs", srv.URL+"/api/v1/chats/"+id+"/events", cookie, strconv.Itoa(want))
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case <-proxy.cut:
	case <-ctx.Done():
		t.Fatalf("the proxy never cut the stream; client: %s", stderr.String())
	}
	// Written while the client is away (it waits the server's retry time).
	for i := range away {
		c, who := nurse, "nurse"
		if i%2 == 1 {
			c, who = erik, "erik"
		}
		call(c, "POST", "/api/v1/chats/"+id+"/messages", `{"message":"away `+who+` `+strconv.Itoa(i)+`"}`, 201)
	}
	// Written once it is back.
	var got []string
	for len(got) < before+away {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the client ended after %d events: %s", len(got), stderr.String())
			}
			got = append(got, l)
		case <-ctx.Done():
			t.Fatalf("%d events before the timeout: %v; client: %s", len(got), got, stderr.String())
		}
	}
	for i := range after {
		call(nurse, "POST", "/api/v1/chats/"+id+"/messages", `{"message":"after `+strconv.Itoa(i)+`"}`, 201)
	}
	for l := range lines {
		got = append(got, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("client: %v: %s", err, stderr.String())
	}
	if len(got) != want {
		t.Fatalf("%d events, want %d: %v", len(got), want, got)
	}
	for i, l := range got {
		var e struct{ ID, Type, Data string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.ID != strconv.Itoa(i+1) {
			t.Fatalf("event %d has id %s: every event once, in order, was wanted: %v", i+1, e.ID, got)
		}
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if len(proxy.lastIDs) < 2 || proxy.lastIDs[0] != "" || proxy.lastIDs[1] != "3" {
		t.Fatalf("Last-Event-ID of the stream requests: %q, want \"\" then \"3\"", proxy.lastIDs)
	}
}

// events returns the events of a chat read through GET /api/v1/chats/{id}.
func events(t *testing.T, body []byte) []json.RawMessage {
	t.Helper()
	var c struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	return c.Events
}
