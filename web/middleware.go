package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"sotepe"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives the request an id, recovers from panics, sets the security
// headers, limits the body, and logs and counts the request by its route
// pattern once it is served.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		in := &reqInfo{ID: requestID(r), Lang: sotepe.Finnish}
		r = r.WithContext(withInfo(r.Context(), in))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", in.ID)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if r.Body != nil {
			limit := s.cfg.MaxBody
			if r.URL.Path == "/api/v1/events" {
				limit = max(limit, MaxEventsBody) // a full batch of service events
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
		in := info(r)
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
		if v := r.URL.Query().Get("lang"); v != "" && isAPI(r) {
			if _, ok := sotepe.ParseLang(v); !ok {
				// The API says which languages it speaks; a page falls back instead.
				s.errorResponse(w, r, sotepe.Invalid("error.lang", "lang must be fi, sv or en"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
