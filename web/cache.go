package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
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
	// zw keeps gzip writers for reuse: a new one allocates and clears
	// about a megabyte, which cost more than compressing a search's answer.
	zw sync.Pool
	// flights are the entries being computed, for join and land.
	fmu     sync.Mutex
	flights map[string]*flight
}

// flight is one computation of an entry, which concurrent misses of the
// same key wait for instead of computing it again.
type flight struct {
	done chan struct{} // closed when the entry is computed, or failed
	e    cachedBody
	ok   bool
}

// join returns the computation of key under way, or starts one and returns
// it with leader true: the leader computes the entry and must land it,
// whatever happens.
func (c *responseCache) join(key string) (f *flight, leader bool) {
	c.fmu.Lock()
	defer c.fmu.Unlock()
	if f, ok := c.flights[key]; ok {
		return f, false
	}
	if c.flights == nil {
		c.flights = map[string]*flight{}
	}
	f = &flight{done: make(chan struct{})}
	c.flights[key] = f
	return f, true
}

// land ends the leader's computation f of key with entry e, or with ok
// false when it failed, and wakes those who wait for it.
func (c *responseCache) land(key string, f *flight, e cachedBody, ok bool) {
	c.fmu.Lock()
	delete(c.flights, key)
	c.fmu.Unlock()
	f.e, f.ok = e, ok
	close(f.done)
}

// cachedBody is one cached answer, kept plain and gzip-compressed: most
// clients accept gzip, and a fifth of the bytes is what makes a busy
// directory fast on loopback and on the wire alike.
type cachedBody struct {
	body    []byte
	gzipped []byte
	expires time.Time
}

func newResponseCache(ttl time.Duration, max int, now func() time.Time) *responseCache {
	return &responseCache{ttl: ttl, max: max, now: now, m: make(map[string]cachedBody, max)}
}

func (c *responseCache) get(key string) (cachedBody, bool) {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || c.now().After(e.expires) {
		return cachedBody{}, false
	}
	return e, true
}

// put compresses body and keeps both forms.
func (c *responseCache) put(key string, body []byte) cachedBody {
	var gz bytes.Buffer
	zw, _ := c.zw.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(&gz)
	} else {
		zw.Reset(&gz)
	}
	_, _ = zw.Write(body) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	c.zw.Put(zw)
	e := cachedBody{body: body, gzipped: gz.Bytes(), expires: c.now().Add(c.ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = e
	return e
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
		if e, ok := s.cache.get(key); ok {
			writeCached(w, r, e, "hit")
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
		writeCached(w, r, s.cache.put(key, rec.body.Bytes()), "miss")
		return nil
	}
}

// writeCached answers with the gzip form when the client accepts it.
func writeCached(w http.ResponseWriter, r *http.Request, e cachedBody, state string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Add("Vary", "Accept-Encoding")
	h.Set("X-Cache", state)
	body := e.body
	if acceptsGzip(r) {
		body = e.gzipped
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body) // the client went away; nothing to do
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
