package web

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"sync"
	"time"

	"sotepe"
	"sotepe/oidc"
	"sotepe/web/kit"
)

// IdentityProvider is an OpenID provider people sign in with: the city's
// strong-identification broker for residents (Suomi.fi e-Identification),
// or an organisation's provider for its staff.
type IdentityProvider struct {
	// Name is the provider's name in paths (/login/{name}) and in the
	// identities it links; letters, digits and '-'.
	Name string
	// Label is the sign-in button's text in fi, sv and en.
	Label sotepe.Names
	// Staff providers sign in existing staff accounts, matched by the
	// subject linked to them (sotepe admin link-identity); the others sign
	// in residents by personal identity code at a level of assurance of
	// substantial or high, creating them on a first sign-in.
	Staff bool
	// OIDC configures the relying party.
	OIDC oidc.Config
}

// loginAttemptTTL is how long a sign-in at a provider may take.
const loginAttemptTTL = 10 * time.Minute

// identityProvider is a configured provider whose discovery runs on first
// use and again after a failure, so a provider that is down at start does
// not stop sotepe from starting.
type identityProvider struct {
	IdentityProvider
	mu sync.Mutex
	rp *oidc.Provider
}

// relyingParty returns the provider's relying party, discovering it first.
func (p *identityProvider) relyingParty(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rp != nil {
		return p.rp, nil
	}
	rp, err := oidc.New(ctx, p.OIDC)
	if err != nil {
		return nil, err
	}
	p.rp = rp
	return rp, nil
}

// provider returns the configured provider called name, or ENotFound.
func (s *Server) provider(name string) (*identityProvider, error) {
	for _, p := range s.idps {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, sotepe.NotFound("identity provider")
}

// loginCookie holds the state of a sign-in under way, binding the provider's
// answer to the browser that asked.
func (s *Server) loginCookie() string {
	if s.cfg.SecureCookies {
		return "__Host-sotepe_login"
	}
	return "sotepe_login"
}

func (s *Server) setLoginCookie(w http.ResponseWriter, state string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.loginCookie(), Value: state, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// oidcBegin sends the browser to the provider: GET /login/{provider}.
func (s *Server) oidcBegin(w http.ResponseWriter, r *http.Request) error {
	p, err := s.provider(r.PathValue("provider"))
	if err != nil {
		return err
	}
	rp, err := p.relyingParty(r.Context())
	if err != nil {
		return err
	}
	authURL, pending, err := rp.Begin()
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(pending.State))
	if err := s.store.SaveLoginAttempt(r.Context(), sotepe.LoginAttempt{
		StateHash: h[:], Provider: p.Name, Nonce: pending.Nonce, Verifier: pending.Verifier,
		ReturnTo: kit.SafeNext(r.URL.Query().Get("next")), ExpiresAt: s.now().Add(loginAttemptTTL),
	}); err != nil {
		return err
	}
	s.setLoginCookie(w, pending.State, int(loginAttemptTTL.Seconds()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

var errLoginState = &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.oidc_state", Message: "the sign-in is unknown, used or expired"}

// oidcCallback finishes a sign-in when the provider sends the browser back:
// GET /login/{provider}/callback. Any failure shows the sign-in page with the
// reason and stores nothing but the audit row of the failure.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	user, next, err := s.finishSignIn(w, r)
	if err != nil {
		code := sotepe.ErrorCode(err)
		if code != sotepe.EUnauthorized && code != sotepe.EForbidden && code != sotepe.EInvalid && code != sotepe.EConflict {
			return err
		}
		_ = s.store.RecordAudit(r.Context(), sotepe.AuditEntry{Action: sotepe.ActionLoginFailed, Object: r.PathValue("provider"), RequestID: kit.Info(r).ID})
		in := kit.Info(r)
		s.html(w, r, sotepe.HTTPStatus(code), "login", pageData{Title: s.cat.T(in.Lang, "login.title", nil),
			Data: s.loginView(loginView{Next: "/", Error: s.formErr(in.Lang, err)})})
		return nil
	}
	if user.Has(sotepe.RoleResident) {
		principals, err := s.cfg.Acting.Principals(r.Context(), user)
		if err != nil {
			return err
		}
		if len(principals) > 0 {
			// Never straight to a principal: the resident chooses first.
			next = "/acting?next=" + url.QueryEscape(next)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// finishSignIn checks the provider's answer and starts the session; it
// returns the signed-in user and where to go next.
func (s *Server) finishSignIn(w http.ResponseWriter, r *http.Request) (sotepe.User, string, error) {
	q := r.URL.Query()
	p, err := s.provider(r.PathValue("provider"))
	if err != nil {
		return sotepe.User{}, "", err
	}
	state := q.Get("state")
	c, cerr := r.Cookie(s.loginCookie())
	if cerr != nil || state == "" || oidc.CheckState(oidc.Pending{State: c.Value}, state) != nil {
		return sotepe.User{}, "", errLoginState
	}
	h := sha256.Sum256([]byte(state))
	attempt, err := s.store.TakeLoginAttempt(r.Context(), h[:], s.now())
	s.setLoginCookie(w, "", -1)
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && attempt.Provider != p.Name {
		return sotepe.User{}, "", errLoginState
	}
	if err != nil {
		return sotepe.User{}, "", err
	}
	if q.Get("error") != "" {
		return sotepe.User{}, "", &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.oidc_cancelled", Message: "the provider did not sign the person in"}
	}
	rp, err := p.relyingParty(r.Context())
	if err != nil {
		return sotepe.User{}, "", err
	}
	claims, err := rp.Finish(r.Context(), q.Get("code"), oidc.Pending{State: state, Nonce: attempt.Nonce, Verifier: attempt.Verifier})
	if err != nil {
		return sotepe.User{}, "", err
	}
	var user sotepe.User
	if p.Staff {
		user, err = s.store.UserByIdentity(r.Context(), p.Name, claims.Subject)
		if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && (!user.IsStaff() || user.Disabled) {
			return sotepe.User{}, "", &sotepe.Error{Code: sotepe.EForbidden, Key: "error.oidc_no_account", Message: "no staff account is linked to this identity"}
		}
	} else {
		if claims.LoA != "substantial" && claims.LoA != "high" {
			return sotepe.User{}, "", &sotepe.Error{Code: sotepe.EForbidden, Key: "error.oidc_loa", Message: "the level of assurance is too low"}
		}
		user, err = s.store.SignInResident(r.Context(), p.Name, claims.Subject, sotepe.Resident{
			PersonalID: claims.PersonalID, FirstName: claims.GivenName, LastName: claims.FamilyName, Lang: kit.Info(r).Lang,
		})
	}
	if err != nil {
		return sotepe.User{}, "", err
	}
	token, err := s.startSession(r, user, p.Name, claims.LoA)
	if err != nil {
		return sotepe.User{}, "", err
	}
	s.setSessionCookie(w, token)
	return user, attempt.ReturnTo, nil
}

// startSession stores a new session of user signed in by provider ("" for
// a password) at level of assurance loa, audits the sign-in and returns the
// token for the cookie.
func (s *Server) startSession(r *http.Request, user sotepe.User, provider, loa string) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	now := s.now()
	if err := s.store.CreateSession(r.Context(), sotepe.Session{TokenHash: hashToken(token), UserID: user.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), Provider: provider, LoA: loa}); err != nil {
		return "", err
	}
	a := actorOf(user, kit.Info(r).ID)
	if err := s.store.RecordAudit(r.Context(), sotepe.AuditEntry{ActorID: user.ID, ActorRole: a.Role, ActorUnit: a.Unit, Action: sotepe.ActionLogin, Object: provider, RequestID: a.RequestID}); err != nil {
		return "", err
	}
	return token, nil
}

// endSessionURL is where the browser goes after signing out of a session
// that provider signed in: the provider's end-session endpoint, which
// returns it to the front page; "/" when there is none.
func (s *Server) endSessionURL(ctx context.Context, provider string) string {
	if provider == "" {
		return "/"
	}
	p, err := s.provider(provider)
	if err != nil {
		return "/"
	}
	rp, err := p.relyingParty(ctx)
	if err != nil {
		return "/"
	}
	if u := rp.EndSessionURL("", s.cfg.BaseURL+"/", ""); u != "" {
		return u
	}
	return "/"
}

// providerLink is a sign-in button of the login page.
type providerLink struct {
	Name  string
	Label sotepe.Names
	Staff bool
}

// loginView fills the providers of the login page into v.
func (s *Server) loginView(v loginView) loginView {
	for _, p := range s.idps {
		v.Providers = append(v.Providers, providerLink{Name: p.Name, Label: p.Label, Staff: p.Staff})
	}
	return v
}
