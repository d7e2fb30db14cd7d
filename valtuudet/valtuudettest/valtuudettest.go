// Package valtuudettest is a fake Suomi.fi Valtuudet Web API for tests and
// the demo: the HPA calls of package valtuudet, answered from a list of
// mandates given in code.
//
// It checks what the real service checks: the X-AsiointivaltuudetAuthorization
// signature of every /service/ call (client id, an HMAC-SHA256 checksum keyed
// with the API key over the path with its query and the timestamp, and a
// timestamp at most five minutes off its clock), the client id and OAuth
// password of the token call, that a code is used once, with its own redirect
// URI and within its lifetime, and that a bearer token belongs to the session
// it is used for and has not expired. It refuses mandates whose end has passed
// (Now after ValidUntil).
//
// Where it differs from the real service: the authorize step redirects at
// once with a code, as if the delegate had signed in and picked every
// principal they hold a mandate from (the real one shows its selection page);
// the delegate answer lists every such principal; the authorization call
// answers for any principal, picked or not; and the answers carry an extra
// "validUntil" (RFC 3339) when the mandate has an end. Refusals are JSON
// {"error": "..."} with 400 or 401.
package valtuudettest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"sotepe"
)

// Lifetimes of what the fake hands out.
const (
	// MaxSkew is how far a signature's timestamp may be from the fake's clock.
	MaxSkew = 5 * time.Minute
	// CodeLifetime is how long a code of the authorize step may be exchanged.
	CodeLifetime = 10 * time.Minute
	// TokenLifetime is an access token's lifetime (expires_in).
	TokenLifetime = 10 * time.Minute
	// SessionLifetime is how long a registered session answers.
	SessionLifetime = time.Hour
)

// Reasons the fake gives for DISALLOWED.
const (
	ReasonNoMandate = "NO_MANDATE"      // no mandate for the issue, ever
	ReasonExpired   = "MANDATE_EXPIRED" // a mandate for the issue whose end has passed
)

// Grant is a mandate: the person with DelegatePersonalID may act for Principal
// in Issues until ValidUntil (zero: no end).
type Grant struct {
	DelegatePersonalID string
	Principal          sotepe.Person
	Issues             []string
	ValidUntil         time.Time
}

// Config is what the fake knows: the one e-service it serves and the mandates.
type Config struct {
	ClientID     string
	ClientSecret string
	ChecksumKey  string
	Mandates     []Grant
	// Now is the fake's clock; nil: time.Now.
	Now func() time.Time
}

// Server is the fake Web API, an http.Handler to mount at the root of a
// server (httptest.NewServer(valtuudettest.New(cfg))). It is safe for
// concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session // by session id
	users    map[string]string   // user id → session id
	codes    map[string]grantCode
	tokens   map[string]accessToken
}

type session struct {
	delegate string
	created  time.Time
}

type grantCode struct {
	sessionID, redirectURI string
	expires                time.Time
}

type accessToken struct {
	sessionID string
	expires   time.Time
}

// New returns the fake serving cfg; the list of mandates is copied.
func New(cfg Config) *Server {
	cfg.Mandates = slices.Clone(cfg.Mandates)
	s := &Server{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		sessions: make(map[string]*session),
		users:    make(map[string]string),
		codes:    make(map[string]grantCode),
		tokens:   make(map[string]accessToken),
	}
	s.mux.HandleFunc("GET /service/hpa/user/register/{clientId}/{personalId}", s.register)
	s.mux.HandleFunc("GET /oauth/authorize", s.authorize)
	s.mux.HandleFunc("POST /oauth/token", s.token)
	s.mux.HandleFunc("GET /service/hpa/api/delegate/{sessionId}", s.delegate)
	s.mux.HandleFunc("GET /service/hpa/api/authorization/{sessionId}/{principalId}", s.authorization)
	return s
}

// ServeHTTP answers the Web API's calls.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	if !s.signed(w, r) {
		return
	}
	if r.PathValue("clientId") != s.cfg.ClientID {
		refuse(w, http.StatusUnauthorized, "unknown client")
		return
	}
	if r.URL.Query().Get("requestId") == "" {
		refuse(w, http.StatusBadRequest, "requestId missing")
		return
	}
	delegate := normalize(r.PathValue("personalId"))
	if _, err := sotepe.ParsePersonalID(delegate); err != nil {
		refuse(w, http.StatusBadRequest, "not a personal identity code")
		return
	}
	now := s.now()
	s.mu.Lock()
	s.prune(now)
	sid, uid := rand.Text(), rand.Text()
	s.sessions[sid] = &session{delegate: delegate, created: now}
	s.users[uid] = sid
	s.mu.Unlock()
	answer(w, map[string]string{"sessionId": sid, "userId": uid})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.cfg.ClientID {
		refuse(w, http.StatusBadRequest, "unknown client")
		return
	}
	if q.Get("response_type") != "code" {
		refuse(w, http.StatusBadRequest, "response_type must be code")
		return
	}
	redirectURI := q.Get("redirect_uri")
	redirect, err := url.Parse(redirectURI)
	if err != nil || !redirect.IsAbs() {
		refuse(w, http.StatusBadRequest, "redirect_uri must be an absolute URL")
		return
	}
	now := s.now()
	s.mu.Lock()
	sid, ok := s.users[q.Get("user")]
	if ok && !s.live(sid, now) {
		ok = false
	}
	code := rand.Text()
	if ok {
		s.codes[code] = grantCode{sessionID: sid, redirectURI: redirectURI, expires: now.Add(CodeLifetime)}
	}
	s.mu.Unlock()
	if !ok {
		refuse(w, http.StatusBadRequest, "unknown user")
		return
	}
	rq := redirect.Query()
	rq.Set("code", code)
	if state := q.Get("state"); state != "" {
		rq.Set("state", state)
	}
	redirect.RawQuery = rq.Encode()
	w.Header().Set("Location", redirect.String())
	w.WriteHeader(http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || !same(id, s.cfg.ClientID) || !same(secret, s.cfg.ClientSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="valtuudet"`)
		refuse(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "authorization_code" {
		refuse(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	now := s.now()
	s.mu.Lock()
	c, ok := s.codes[r.PostForm.Get("code")]
	delete(s.codes, r.PostForm.Get("code")) // a code is used once, right or wrong
	ok = ok && !now.After(c.expires) && c.redirectURI == r.PostForm.Get("redirect_uri") && s.live(c.sessionID, now)
	tok := rand.Text()
	if ok {
		s.tokens[tok] = accessToken{sessionID: c.sessionID, expires: now.Add(TokenLifetime)}
	}
	s.mu.Unlock()
	if !ok {
		refuse(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	answer(w, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(TokenLifetime / time.Second)})
}

type principal struct {
	Name       string    `json:"name"`
	PersonID   string    `json:"personId"`
	ValidUntil time.Time `json:"validUntil,omitzero"`
}

func (s *Server) delegate(w http.ResponseWriter, r *http.Request) {
	delegate, ok := s.api(w, r)
	if !ok {
		return
	}
	now := s.now()
	out := []principal{}
	at := map[string]int{}
	for _, g := range s.cfg.Mandates {
		if normalize(g.DelegatePersonalID) != delegate || !inForce(g, now) {
			continue
		}
		id := normalize(g.Principal.PersonalID)
		i, seen := at[id]
		if !seen {
			at[id] = len(out)
			out = append(out, principal{
				Name:       strings.TrimSpace(g.Principal.FirstName + " " + g.Principal.LastName),
				PersonID:   id,
				ValidUntil: g.ValidUntil,
			})
			continue
		}
		out[i].ValidUntil = later(out[i].ValidUntil, g.ValidUntil)
	}
	answer(w, out)
}

type authorizationAnswer struct {
	Result      string    `json:"result"`
	PrincipalID string    `json:"principalId"`
	Reasons     []string  `json:"reasons"`
	ValidUntil  time.Time `json:"validUntil,omitzero"`
}

func (s *Server) authorization(w http.ResponseWriter, r *http.Request) {
	delegate, ok := s.api(w, r)
	if !ok {
		return
	}
	var issues []string
	for _, v := range r.URL.Query()["issues"] {
		for i := range strings.SplitSeq(v, ",") {
			if i = strings.TrimSpace(i); i != "" {
				issues = append(issues, i)
			}
		}
	}
	if len(issues) == 0 {
		refuse(w, http.StatusBadRequest, "issues missing")
		return
	}
	principalID := normalize(r.PathValue("principalId"))
	now := s.now()
	a := authorizationAnswer{Result: "ALLOWED", PrincipalID: principalID, Reasons: []string{}}
	first := true
	for _, issue := range issues {
		covered, expired := false, false
		var until time.Time
		for _, g := range s.cfg.Mandates {
			if normalize(g.DelegatePersonalID) != delegate || normalize(g.Principal.PersonalID) != principalID || !slices.Contains(g.Issues, issue) {
				continue
			}
			if !inForce(g, now) {
				expired = true
				continue
			}
			if !covered {
				until = g.ValidUntil
			} else {
				until = later(until, g.ValidUntil)
			}
			covered = true
		}
		switch {
		case covered:
			// The answer's end is the earliest of the issues' ends.
			if first || (!until.IsZero() && (a.ValidUntil.IsZero() || until.Before(a.ValidUntil))) {
				a.ValidUntil = until
			}
			first = false
		case expired:
			a.Result, a.Reasons = "DISALLOWED", append(a.Reasons, ReasonExpired)
		default:
			a.Result, a.Reasons = "DISALLOWED", append(a.Reasons, ReasonNoMandate)
		}
	}
	if a.Result != "ALLOWED" {
		a.ValidUntil = time.Time{}
	}
	answer(w, a)
}

// api checks what every /service/hpa/api/ call needs: the signature, a
// request id, and a live bearer token of the session in the path. It returns
// the session's delegate.
func (s *Server) api(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !s.signed(w, r) {
		return "", false
	}
	if r.URL.Query().Get("requestId") == "" {
		refuse(w, http.StatusBadRequest, "requestId missing")
		return "", false
	}
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	sid := r.PathValue("sessionId")
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, known := s.tokens[bearer]
	if !ok || !known || now.After(t.expires) || t.sessionID != sid || !s.live(sid, now) {
		refuse(w, http.StatusUnauthorized, "invalid token for this session")
		return "", false
	}
	return s.sessions[sid].delegate, true
}

// signed checks the X-AsiointivaltuudetAuthorization header and answers 401
// when it does not hold.
func (s *Server) signed(w http.ResponseWriter, r *http.Request) bool {
	if why := s.checkSignature(r); why != "" {
		refuse(w, http.StatusUnauthorized, why)
		return false
	}
	return true
}

func (s *Server) checkSignature(r *http.Request) string {
	h := r.Header.Get("X-AsiointivaltuudetAuthorization")
	client, rest, ok := strings.Cut(h, " ")
	if !ok || client != s.cfg.ClientID {
		return "signature: unknown client"
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "signature: malformed"
	}
	stamp, sum := rest[:i], rest[i+1:]
	at, ok := parseTimestamp(stamp)
	if !ok {
		return "signature: timestamp is not ISO 8601"
	}
	if d := s.now().Sub(at); d > MaxSkew || d < -MaxSkew {
		return "signature: timestamp too far off"
	}
	got, err := base64.StdEncoding.DecodeString(sum)
	if err != nil {
		return "signature: checksum is not Base64"
	}
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	mac := hmac.New(sha256.New, []byte(s.cfg.ChecksumKey))
	mac.Write([]byte(target + " " + stamp))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return "signature: checksum does not match"
	}
	return ""
}

// parseTimestamp reads the ISO 8601 forms the API's documentation shows:
// with or without seconds (and fractions), with an offset or Z.
func parseTimestamp(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// live reports whether the session exists and has not outlived
// SessionLifetime. The caller holds s.mu.
func (s *Server) live(sid string, now time.Time) bool {
	ses, ok := s.sessions[sid]
	return ok && now.Sub(ses.created) <= SessionLifetime
}

// prune forgets sessions, codes and tokens that can no longer be used, so a
// long-running demo does not grow without end. The caller holds s.mu.
func (s *Server) prune(now time.Time) {
	for uid, sid := range s.users {
		if !s.live(sid, now) {
			delete(s.users, uid)
		}
	}
	for sid, ses := range s.sessions {
		if now.Sub(ses.created) > SessionLifetime {
			delete(s.sessions, sid)
		}
	}
	for c, g := range s.codes {
		if now.After(g.expires) {
			delete(s.codes, c)
		}
	}
	for t, a := range s.tokens {
		if now.After(a.expires) {
			delete(s.tokens, t)
		}
	}
}

func inForce(g Grant, now time.Time) bool {
	return g.ValidUntil.IsZero() || !now.After(g.ValidUntil)
}

// later returns the later end of two, where zero (no end) is the latest.
func later(a, b time.Time) time.Time {
	if a.IsZero() || b.IsZero() {
		return time.Time{}
	}
	if b.After(a) {
		return b
	}
	return a
}

func same(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

func normalize(personalID string) string { return strings.ToUpper(strings.TrimSpace(personalID)) }

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, why string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": why})
}
