package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/eventsweb"
	"sotepe/web/kit"
)

// statusWriter remembers the status a handler wrote and, just before the
// headers go out, sets Cache-Control (cacheRule).
type statusWriter struct {
	http.ResponseWriter
	status int
	in     *kit.RequestInfo
	path   string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.cacheRule()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		w.cacheRule()
	}
	return w.ResponseWriter.Write(b)
}

// publicAPI are the API routes whose answers are the same for everyone and
// may be kept by caches: the directory reads and the OpenAPI document.
var publicAPI = map[string]bool{
	"GET /api/v1/openapi.json": true,
	"GET /api/v1/units":        true, "GET /api/v1/units/{id}": true,
	"GET /api/v1/services": true, "GET /api/v1/services/{id}": true,
	"GET /api/v1/areas": true, "GET /api/v1/concepts": true,
	"GET /api/v1/districts": true, "GET /api/v1/producers": true,
}

// cacheRule keeps personal data out of shared and browser caches: every
// response to a signed-in user, and every API response but the public
// directory reads, is Cache-Control: no-store, whatever the handler said.
// Static files keep their own caching.
func (w *statusWriter) cacheRule() {
	if strings.HasPrefix(w.path, "/static/") {
		return
	}
	if w.in.User != nil || strings.HasPrefix(w.path, "/api/") && !publicAPI[w.in.Route] {
		w.Header().Set("Cache-Control", "no-store")
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives the request an id, recovers from panics, sets the security
// headers, limits the body, and logs and counts the request by its route
// pattern once it is served.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		in := &kit.RequestInfo{ID: requestID(r), Lang: sotepe.Finnish, Client: clientIP(r, s.cfg.TrustedProxies)}
		r = r.WithContext(kit.WithInfo(r.Context(), in))
		sw := &statusWriter{ResponseWriter: w, in: in, path: r.URL.Path}
		h := sw.Header()
		if s.cfg.SecureCookies {
			// Secure cookies mean HTTPS in front: browsers should never
			// again try this host over plain HTTP.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("X-Request-Id", in.ID)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if r.Body != nil {
			limit := s.cfg.MaxBody
			if r.URL.Path == "/api/v1/events" || r.URL.Path == "/api/v1/rescue/missions" || r.URL.Path == "/rescue/missions/import" {
				limit = max(limit, eventsweb.MaxBody) // a full batch of service events or rescue missions
			}
			r.Body = http.MaxBytesReader(sw, r.Body, limit)
		}
		defer func() {
			if p := recover(); p != nil {
				s.log.ErrorContext(r.Context(), "panic", "request_id", in.ID, "panic", p)
				if sw.status == 0 {
					s.errorResponse(sw, r, &sotepe.Error{Code: sotepe.EInternal, Message: "panic"})
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := in.Route
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(elapsed.Seconds())
			if s.log.Enabled(r.Context(), slog.LevelInfo) { // spare the attributes when request logs are off
				s.log.InfoContext(r.Context(), "request", append(logAttrs(r, in, status), "ms", float64(elapsed.Microseconds())/1000)...)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// requestID keeps a sane incoming X-Request-Id (from a proxy) or makes one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); len(id) >= 8 && len(id) <= 64 && isToken(id) {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isToken(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// language picks the request's language: ?lang= (remembered in a cookie),
// else the cookie, else Accept-Language, else Finnish.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := kit.Info(r)
		if l, ok := sotepe.ParseLang(r.URL.Query().Get("lang")); ok {
			in.Lang = l
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
		} else if c, err := r.Cookie("lang"); err == nil {
			if l, ok := sotepe.ParseLang(c.Value); ok {
				in.Lang = l
			} else {
				in.Lang = s.cat.Match(r.Header.Get("Accept-Language"))
			}
		} else {
			in.Lang = s.cat.Match(r.Header.Get("Accept-Language"))
		}
		w.Header().Set("Content-Language", string(in.Lang))
		w.Header().Add("Vary", "Accept-Language, Cookie")
		if v := r.URL.Query().Get("lang"); v != "" && kit.IsAPI(r) {
			if _, ok := sotepe.ParseLang(v); !ok {
				// The API says which languages it speaks; a page falls back instead.
				s.errorResponse(w, r, sotepe.Invalid("error.lang", "lang must be fi, sv or en"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address of the client that sent r. The peer (RemoteAddr)
// is the client unless it is one of the trusted proxies; then
// X-Forwarded-For is walked from the right, past the trusted hops, and the
// first address not trusted is the client (the one the outermost trusted
// proxy saw). Entries left of it were written by the client and are never
// believed. When every hop is trusted, the leftmost is the client; an entry
// that is not an address ends the walk at the last trusted hop.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	peer := kit.PeerAddr(r.RemoteAddr)
	if len(trusted) == 0 {
		return peer
	}
	hop, err := netip.ParseAddr(peer)
	if err != nil || !isTrusted(hop, trusted) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		hop = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return hop.String()
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// checkInput refuses, before any handler runs, text sotepe cannot store:
// NUL characters or invalid UTF-8 in the path (and so in every path value),
// in the query string, in the Idempotency-Key header, or in a form body,
// with EInvalid "error.text_invalid" naming the field (sotepe.CheckText) in
// the user's language. It parses form bodies itself, so r.ParseForm in a
// handler only returns what was checked here. JSON bodies are checked by
// kit.DecodeJSON.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestText(r); err != nil {
			s.errorResponse(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkRequestText checks r's path, query, Idempotency-Key and (for a form
// post) body.
func checkRequestText(r *http.Request) error {
	if err := sotepe.CheckText("path", r.URL.Path); err != nil {
		return err
	}
	// Handlers read r.URL.Query(), which skips what does not parse; check
	// what it returns.
	q, _ := url.ParseQuery(r.URL.RawQuery)
	if err := checkValues(q); err != nil {
		return err
	}
	// The one header whose value is stored (HTTP allows any byte above
	// 0x7f in a header).
	if err := sotepe.CheckText("Idempotency-Key", r.Header.Get("Idempotency-Key")); err != nil {
		return err
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &sotepe.Error{Code: sotepe.ETooLarge, Key: "error.too_large", Message: "request body too large"}
		}
		return sotepe.Invalid("error.form", "malformed form")
	}
	return checkValues(r.PostForm)
}

// checkValues checks the names and values of a query or form.
func checkValues(v url.Values) error {
	for k, vs := range v {
		if !sotepe.ValidText(k) {
			return sotepe.CheckText("name", k) // a broken name is no field to name
		}
		for _, x := range vs {
			if err := sotepe.CheckText(k, x); err != nil {
				return err
			}
		}
	}
	return nil
}
