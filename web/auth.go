package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"sotepe"
	"sotepe/password"
	"sotepe/web/kit"
)

// sessionCookie names the session cookie; with Secure cookies it carries the
// __Host- prefix so no subdomain or plain-HTTP page can set it.
func (s *Server) sessionCookie() string {
	if s.cfg.SecureCookies {
		return "__Host-sotepe_session"
	}
	return "sotepe_session"
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// sessionEnded reports whether the session of tokenHash has ended (signed
// out, idle or too old), for a live call's check of its participant; a
// live session it touches when due, so that a call keeps it alive.
func (s *Server) sessionEnded(ctx context.Context, tokenHash []byte) bool {
	sess, _, err := s.store.SessionUser(ctx, tokenHash)
	now := s.now()
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && (now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle) {
		return true
	}
	if err == nil && now.Sub(sess.LastSeenAt) > touchEvery {
		_ = s.store.TouchSession(ctx, tokenHash, now) // tried again at the next check
	}
	return false
}

// authenticate loads the session named by the cookie, if any, ends it when
// it is idle or too old, and puts the user and the actor into the request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.sessionCookie())
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		hash := hashToken(c.Value)
		sess, user, err := s.store.SessionUser(r.Context(), hash)
		now := s.now()
		switch {
		case sotepe.ErrorCode(err) == sotepe.ENotFound:
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		case err != nil:
			s.errorResponse(w, r, err)
			return
		case now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle:
			_ = s.store.DeleteSession(r.Context(), hash) // ended anyway; a failed delete is swept later
			s.clearSessionCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(sess.LastSeenAt) > touchEvery {
			if err := s.store.TouchSession(r.Context(), hash, now); err != nil {
				s.log.WarnContext(r.Context(), "session touch failed", "request_id", kit.Info(r).ID, "err", err.Error())
			}
		}
		user, err = s.cfg.Acting.Effective(r.Context(), user, sess)
		if err != nil {
			s.errorResponse(w, r, err)
			return
		}
		in := kit.Info(r)
		in.User = &user
		in.TokenHash = hash
		in.Session = &sess
		if c, err := r.Cookie("lang"); (err != nil || c.Value == "") && r.URL.Query().Get("lang") == "" {
			in.Lang = user.Lang // a signed-in user's own language wins over the browser's guess
		}
		ctx := sotepe.WithActor(r.Context(), actorOf(user, in.ID))
		if user.Acting != nil && !strings.HasPrefix(r.URL.Path, "/static/") {
			if err := s.recordActing(ctx, r, user); err != nil {
				s.errorResponse(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// recordActing writes the audit row of one request of a user acting for
// another, before the request is served: a read or a write of the
// principal's matters by the delegate, with both identities. The object is
// the method and path, which hold ids but no personal data.
func (s *Server) recordActing(ctx context.Context, r *http.Request, u sotepe.User) error {
	action := sotepe.ActionActingWrite
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		action = sotepe.ActionActingRead
	}
	p := u.Acting.Principal.ResidentID
	return s.store.RecordAudit(ctx, sotepe.AuditEntry{ActorID: u.ID, ActorRole: sotepe.RoleResident,
		ResidentID: p, OnBehalfOf: p, Action: action, Object: r.Method + " " + r.URL.Path})
}

// actorOf is the user as the audit trail records them: their strongest role
// and, for staff, their first unit; while acting for someone, a resident
// acting on behalf of that principal.
func actorOf(u sotepe.User, requestID string) sotepe.Actor {
	a := sotepe.Actor{UserID: u.ID, RequestID: requestID}
	if u.Acting != nil {
		a.Role, a.OnBehalfOf = sotepe.RoleResident, u.Acting.Principal.ResidentID
		return a
	}
	for _, role := range []sotepe.Role{sotepe.RoleAdmin, sotepe.RoleManager, sotepe.RoleProfessional, sotepe.RoleAnalyst,
		sotepe.RoleContractManager, sotepe.RoleRescueOfficer, sotepe.RoleHR, sotepe.RoleFinance, sotepe.RoleResident} {
		if u.Has(role) {
			a.Role = role
			break
		}
	}
	if len(u.Units) > 0 {
		a.Unit = u.Units[0]
	}
	return a
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// errStrongIdentification refuses a resident's password outside the demo:
// residents sign in with strong identification only.
var errStrongIdentification = &sotepe.Error{Code: sotepe.EForbidden, Key: "error.strong_identification", Message: "residents sign in with strong identification"}

var errBadLogin = &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.login_failed", Message: "wrong username or password"}

// login checks credentials, slowing repeated failures per account and
// client and per client (throttle.go), and starts a new session with a fresh
// token. Every attempt is audited. A correct password from a client that has
// not failed is never refused, whoever else failed for the account.
func (s *Server) login(r *http.Request, c credentials) (sotepe.User, string, error) {
	username := strings.ToLower(strings.TrimSpace(c.Username))
	if err := sotepe.CheckText("username", username); err != nil {
		return sotepe.User{}, "", err
	}
	addr := kit.ClientAddr(r)
	wait, err := s.throttle.wait(r.Context(), username, addr)
	if err != nil {
		return sotepe.User{}, "", err
	}
	if wait > 0 {
		return sotepe.User{}, "", kit.TooMany("error.too_many_logins", "too many failed logins", wait)
	}
	user, hash, err := s.store.UserByUsername(r.Context(), username)
	if err != nil && sotepe.ErrorCode(err) != sotepe.ENotFound {
		return sotepe.User{}, "", err
	}
	ok := false
	if err == nil && hash != "" && !user.Disabled {
		ok, err = s.verifyPassword(r.Context(), c.Password, hash)
		if cerr := r.Context().Err(); err != nil && cerr != nil {
			return sotepe.User{}, "", cerr // the client went while waiting its turn
		}
		if err != nil {
			return sotepe.User{}, "", &sotepe.Error{Code: sotepe.EInternal, Message: "stored password hash unreadable", Err: err}
		}
	} else {
		// Spend the same time on unknown accounts, so timing does not tell
		// which usernames exist.
		_, _ = s.verifyPassword(r.Context(), c.Password, s.dummyHash)
	}
	if !ok {
		if terr := s.throttle.fail(r.Context(), username, addr); terr != nil {
			return sotepe.User{}, "", terr
		}
		if aerr := s.store.RecordAudit(r.Context(), sotepe.AuditEntry{ActorID: user.ID, Action: sotepe.ActionLoginFailed, RequestID: kit.Info(r).ID}); aerr != nil {
			return sotepe.User{}, "", aerr
		}
		return sotepe.User{}, "", errBadLogin
	}
	if err := s.throttle.succeed(r.Context(), username, addr); err != nil {
		return sotepe.User{}, "", err
	}
	if user.Has(sotepe.RoleResident) && !s.cfg.ResidentPasswords {
		return sotepe.User{}, "", errStrongIdentification
	}
	token, err := s.startSession(r, user, "", "")
	if err != nil {
		return sotepe.User{}, "", err
	}
	return user, token, nil
}

func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", &sotepe.Error{Code: sotepe.EInternal, Message: "token", Err: err}
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", MaxAge: int(s.cfg.SessionMax.Seconds()),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// logout revokes the request's session, if any, and audits it.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	in := kit.Info(r)
	if in.User != nil {
		if err := s.store.DeleteSession(r.Context(), in.TokenHash); err != nil {
			return err
		}
		a := actorOf(*in.User, in.ID)
		if err := s.store.RecordAudit(r.Context(), sotepe.AuditEntry{ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, Action: sotepe.ActionLogout, RequestID: in.ID}); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return nil
}

// verifyPassword checks pw against hash, at most GOMAXPROCS verifications
// at a time; the others wait their turn (or until ctx ends, which is its
// error). Each argon2id verification holds 19 MiB for its tens of
// milliseconds of one CPU, so more of them at once add memory, not speed:
// a burst of sign-ins in the morning load carried a server past 200 MB of
// resident memory.
func (s *Server) verifyPassword(ctx context.Context, pw, hash string) (bool, error) {
	select {
	case s.verifying <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.verifying }()
	return password.Verify(pw, hash)
}
