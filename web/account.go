package web

import (
	"net/http"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// errCrossOrigin answers a state-changing request that a browser sent from
// another site.
var errCrossOrigin = &sotepe.Error{Code: sotepe.EForbidden, Key: "error.cross_origin", Message: "cross-origin request refused"}

// loginView is the login page.
type loginView struct {
	Next     string
	Username string
	Error    *kit.FormError
	// Providers are the identity providers' sign-in buttons.
	Providers []providerLink
}

// loginPage shows the sign-in form.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	s.html(w, r, http.StatusOK, "login", pageData{Title: s.cat.T(kit.Info(r).Lang, "login.title", nil),
		Data: s.loginView(loginView{Next: kit.SafeNext(r.URL.Query().Get("next"))})})
	return nil
}

// loginForm signs in from the HTML form and redirects to next; a failure
// shows the form again with the reason.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	c := credentials{Username: r.PostForm.Get("username"), Password: r.PostForm.Get("password")}
	next := kit.SafeNext(r.PostForm.Get("next"))
	_, token, err := s.login(r, c)
	if err != nil {
		code := sotepe.ErrorCode(err)
		if code != sotepe.EUnauthorized && code != sotepe.ETooMany {
			return err
		}
		in := kit.Info(r)
		s.html(w, r, sotepe.HTTPStatus(code), "login", pageData{Title: s.cat.T(in.Lang, "login.title", nil),
			Data: s.loginView(loginView{Next: next, Username: c.Username, Error: s.loginErr(in.Lang, err)})})
		return nil
	}
	s.setSessionCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// loginErr explains a failed sign-in at the form: wrong credentials are
// about the username and password together, so the summary links to the
// first of them.
func (s *Server) loginErr(lang sotepe.Lang, err error) *kit.FormError {
	if sotepe.ErrorCode(err) == sotepe.EUnauthorized {
		err = kit.AtField(err, "username")
	}
	return s.formErr(lang, err, "username", "password")
}

// logoutForm signs out and returns to the front page, through the
// provider's end-session endpoint when a provider signed the session in.
func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) error {
	provider := ""
	if in := kit.Info(r); in.Session != nil {
		provider = in.Session.Provider
	}
	if err := s.logout(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, s.endSessionURL(r.Context(), provider), http.StatusSeeOther)
	return nil
}

// sessionCreate signs in through the API: POST /api/v1/session with
// {"username","password"} sets the session cookie and returns the user.
func (s *Server) sessionCreate(w http.ResponseWriter, r *http.Request) error {
	var c credentials
	if err := kit.DecodeJSON(r, &c); err != nil {
		return err
	}
	if c.Username == "" || c.Password == "" {
		return sotepe.Invalid("error.credentials_required", "username and password are required")
	}
	user, token, err := s.login(r, c)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	kit.WriteJSON(w, http.StatusCreated, meOf(user))
	return nil
}

// sessionDelete signs out through the API: DELETE /api/v1/session.
func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request) error {
	return kit.NoContent(w, s.logout(w, r))
}

// meView is the signed-in user as GET /api/v1/me shows them.
type meView struct {
	ID         int64         `json:"id"`
	Username   string        `json:"username"`
	Name       string        `json:"name"`
	Roles      []sotepe.Role `json:"roles"`
	Units      []string      `json:"units"`
	Lang       sotepe.Lang   `json:"lang"`
	ResidentID int64         `json:"resident_id,omitempty"`
	// ActingFor is whom the user acts for; null when for themselves.
	ActingFor *sotepe.Principal `json:"acting_for"`
	// LoA is the level of assurance of a strong identification; empty for
	// a password.
	LoA string `json:"loa,omitempty"`
}

// meOf is u as the API shows them: the signed-in person, and whom they act
// for. While acting, u's services see the principal's resident id, but the
// view keeps the person's own.
func meOf(u sotepe.User) meView {
	units := u.Units
	if units == nil {
		units = []string{}
	}
	v := meView{ID: u.ID, Username: u.Username, Name: u.Name, Roles: u.Roles, Units: units, Lang: u.Lang, ResidentID: u.ResidentID}
	if u.Acting != nil {
		p := u.Acting.Principal
		v.ActingFor, v.ResidentID = &p, u.Acting.DelegateResidentID
	}
	return v
}

// meOfRequest is meOf with the session's level of assurance.
func meOfRequest(r *http.Request, u sotepe.User) meView {
	v := meOf(u)
	if in := kit.Info(r); in.Session != nil {
		v.LoA = in.Session.LoA
	}
	return v
}

// mePageView is the user's own page.
type mePageView struct {
	Me       meView
	Resident *sotepe.Resident
	Net      vocab.Network
	// CanDenyGuardians is set for a minor of 12–17 signed in as themselves,
	// who may forbid their guardians to handle their matters.
	CanDenyGuardians bool
}

// me shows the signed-in user: GET /me and GET /api/v1/me.
func (s *Server) me(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, meOfRequest(r, u))
		return nil
	}
	v := mePageView{Me: meOfRequest(r, u)}
	if u.ResidentID != 0 {
		res, err := s.cfg.Residents.Own(r.Context(), u)
		if err != nil {
			return err
		}
		v.Resident = &res
		if birth, err := sotepe.ParsePersonalID(res.PersonalID); err == nil && u.Acting == nil {
			age := sotepe.AgeOn(birth, s.now().In(s.cfg.Location))
			v.CanDenyGuardians = age >= sotepe.ConsentAge && age < sotepe.AdultAge
		}
	}
	if v.Net, err = s.network(r.Context()); err != nil {
		return err
	}
	s.html(w, r, http.StatusOK, "me", pageData{Title: s.cat.T(kit.Info(r).Lang, "me.title", nil), Data: v})
	return nil
}

// accessLogView is the resident's page of who has read their data.
type accessLogView struct {
	Page    sotepe.Page[sotepe.Access]
	NextURL string
}

// accessLog shows a resident who has viewed their data, as Act 703/2023
// entitles them to: GET /me/access-log and GET /api/v1/me/access-log.
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return s.logPage(w, r, "access_log", func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
		return s.cfg.Residents.AccessLog(r.Context(), u, p)
	})
}

// logPage serves one page of a log of accesses, as JSON or as the page
// tmpl (titled "<tmpl>.title") with a link to the next page.
func (s *Server) logPage(w http.ResponseWriter, r *http.Request, tmpl string, read func(sotepe.PageRequest) (sotepe.Page[sotepe.Access], error)) error {
	page, ok, err := kit.ListPage(w, r, read)
	if !ok {
		return err
	}
	v := accessLogView{Page: page, NextURL: kit.NextURL(r, page.NextCursor)}
	s.html(w, r, http.StatusOK, tmpl, pageData{Title: s.cat.T(kit.Info(r).Lang, tmpl+".title", nil), Data: v})
	return nil
}
