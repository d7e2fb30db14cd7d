package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// responseCache keeps the JSON bodies of public directory reads for a short
// time. The directory is the same for everyone and changes rarely, while
// residents' searches repeat ("kallio", "hammashoitola"); serving a repeat
// from memory keeps the search fast under load. Entries live ttl (so "open
// now" is at most that stale); when max entries are held the cache starts
// over, which bounds memory without bookkeeping on the hot path.
type responseCache struct {
	mu  sync.RWMutex
	ttl time.Duration
	max int
	now func() time.Time
	m   map[string]cachedBody
}

type cachedBody struct {
	body    []byte
	expires time.Time
}

func newResponseCache(ttl time.Duration, max int, now func() time.Time) *responseCache {
	return &responseCache{ttl: ttl, max: max, now: now, m: make(map[string]cachedBody, max)}
}

func (c *responseCache) get(key string) ([]byte, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || c.now().After(e.expires) {
		return nil, false
	}
	return e.body, true
}

func (c *responseCache) put(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = cachedBody{body: body, expires: c.now().Add(c.ttl)}
}

// bodyRecorder captures a handler's response so that it can be cached.
type bodyRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bodyRecorder) Header() http.Header { return b.header }

func (b *bodyRecorder) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// cachedJSON serves a public JSON read from the response cache, keyed by the
// language (which orders lists and words errors) and the URL. Only 200
// answers are kept; errors always run the handler.
func (s *Server) cachedJSON(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := string(info(r).Lang) + " " + r.URL.RequestURI()
		if body, ok := s.cache.get(key); ok {
			writeCached(w, body, "hit")
			return nil
		}
		rec := &bodyRecorder{header: http.Header{}}
		if err := h(rec, r); err != nil {
			return err
		}
		if rec.status != http.StatusOK {
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			_, err := w.Write(rec.body.Bytes())
			return err
		}
		body := rec.body.Bytes()
		s.cache.put(key, body)
		writeCached(w, body, "miss")
		return nil
	}
}

func writeCached(w http.ResponseWriter, body []byte, state string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Cache", state)
	_, _ = w.Write(body) // the client went away; nothing to do
}
