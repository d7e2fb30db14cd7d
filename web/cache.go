package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"sotepe/web/kit"
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
	// flights runs one computation of an entry at a time per key:
	// concurrent misses of the key wait for it instead of computing the
	// same entry again.
	flights singleflight.Group
}

// shared runs compute for key, or, when a computation of key is under way,
// waits for it and returns its entry with shared true. compute runs on the
// caller's goroutine when it runs; a waiter gets the entry only if that
// computation succeeded (ran false, err non-nil means it failed, and the
// waiter should compute on its own to say why).
func (c *responseCache) shared(key string, compute func() (cachedBody, error)) (e cachedBody, ran bool, err error) {
	v, err, _ := c.flights.Do(key, func() (any, error) {
		ran = true
		return compute()
	})
	e, _ = v.(cachedBody)
	return e, ran, err
}

// cachedBody is one cached answer, kept plain and gzip-compressed: most
// clients accept gzip, and a fifth of the bytes is what makes a busy
// directory fast on loopback and on the wire alike.
type cachedBody struct {
	body        []byte
	gzipped     []byte
	contentType string
	header      http.Header // the handler's other headers (Cache-Control…)
	expires     time.Time
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

// put compresses body and keeps both forms, with the headers the handler
// set.
func (c *responseCache) put(key string, body []byte, header http.Header) cachedBody {
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
	header = header.Clone()
	ctype := header.Get("Content-Type")
	header.Del("Content-Type")
	header.Del("Content-Length")
	e := cachedBody{body: body, gzipped: gz.Bytes(), contentType: ctype, header: header, expires: c.now().Add(c.ttl)}
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
func (s *Server) cachedJSON(h kit.Handler) kit.Handler {
	return s.cached("json", h)
}

// cachedPage serves a public page to someone not signed in from the
// response cache, as cachedJSON does: the page is the same for everyone
// who is not signed in, by language and URL (the front page rendered its
// templates for each of them, at a seventh of a bare server's rate). A
// signed-in user's page names them, so it always runs h.
func (s *Server) cachedPage(h kit.Handler) kit.Handler {
	c := s.cached("page", h)
	return func(w http.ResponseWriter, r *http.Request) error {
		if kit.Info(r).User != nil {
			return h(w, r)
		}
		return c(w, r)
	}
}

// cached serves h's 200 answers from the response cache under kind, the
// language and the URL. Errors, other statuses and answers that set a
// cookie always run h and are not kept.
func (s *Server) cached(kind string, h kit.Handler) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := kind + " " + string(kit.Info(r).Lang) + " " + r.URL.RequestURI()
		if e, ok := s.cache.get(key); ok {
			writeCached(w, r, e, "hit")
			return nil
		}
		rec := &bodyRecorder{header: http.Header{}}
		if err := h(rec, r); err != nil {
			return err
		}
		// An answer that sets a cookie is someone's own: never kept.
		if rec.status != http.StatusOK || len(rec.header.Values("Set-Cookie")) > 0 {
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
			_, err := w.Write(rec.body.Bytes())
			return err
		}
		writeCached(w, r, s.cache.put(key, rec.body.Bytes(), rec.header), "miss")
		return nil
	}
}

// writeCached answers with the gzip form when the client accepts it.
func writeCached(w http.ResponseWriter, r *http.Request, e cachedBody, state string) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = slices.Clone(v) // the entry is shared: an Add must not reach it
	}
	h.Set("Content-Type", e.contentType)
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

// cachedSlots serves the free-time search from a cache of two seconds: the
// answer is the same for everyone (but for near=true, never cached), and residents looking for times repeat
// the same searches. A time booked meanwhile in another process may show
// for those seconds; booking it then says it was taken. This process
// empties the cache whenever it changes a slot (changesSlots).
func (s *Server) cachedSlots(h kit.Handler) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Query().Has("near") {
			return h(w, r) // the answer depends on who asks
		}
		key := string(kit.Info(r).Lang) + " " + r.URL.RequestURI()
		if e, ok := s.slotCache.get(key); ok {
			writeCached(w, r, e, "hit")
			return nil
		}
		// Concurrent misses of one search wait for the first to run it:
		// when a popular search expires under load, each would otherwise
		// run the same query at once.
		search := func() (cachedBody, error) {
			rec := &bodyRecorder{header: http.Header{}}
			if err := h(rec, r); err != nil {
				return cachedBody{}, err
			}
			return s.slotCache.put(key, rec.body.Bytes(), rec.header), nil
		}
		e, ran, err := s.slotCache.shared(key, search)
		if !ran && err != nil {
			// The first failed (its client may have gone away): this one
			// runs on its own and says why.
			e, err = search()
			ran = true
		}
		if err != nil {
			return err
		}
		state := "shared"
		if ran {
			state = "miss"
		}
		writeCached(w, r, e, state)
		return nil
	}
}

// changesSlots empties the free-time cache after h changed something, so
// that this process never shows a time it has just booked as free.
func (s *Server) changesSlots(h kit.Handler) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		s.slotCache.reset()
		return err
	}
}

// reset empties the cache.
func (c *responseCache) reset() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
