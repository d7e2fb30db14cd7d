package web

import (
	"net/http"

	"sotepe"
	"sotepe/web/accountweb"
	"sotepe/web/kit"
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
	kit.WriteJSON(w, http.StatusCreated, accountweb.MeOf(user))
	return nil
}

// sessionDelete signs out through the API: DELETE /api/v1/session.
func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request) error {
	return kit.NoContent(w, s.logout(w, r))
}
