package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"sotepe"
	"sotepe/web/kit"
)

// actingView is the page on which a resident chooses whom they act for.
type actingView struct {
	Principals []sotepe.Principal
	// Current is the principal chosen now, 0 when acting for oneself.
	Current int64
	Self    string
	Next    string
}

// actingPage lets a resident choose whom they act for: GET /acting.
func (s *Server) actingPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	list, err := s.cfg.Acting.Principals(r.Context(), u)
	if err != nil {
		return err
	}
	v := actingView{Principals: list, Self: u.Name, Next: kit.SafeNext(r.URL.Query().Get("next"))}
	if u.Acting != nil {
		v.Current = u.Acting.Principal.ResidentID
	}
	s.html(w, r, http.StatusOK, "acting", pageData{Title: s.cat.T(kit.Info(r).Lang, "acting.title", nil), Data: v})
	return nil
}

// actingForm makes the choice of the acting page: POST /acting with
// principal (empty: oneself).
func (s *Server) actingForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	id, err := principalID(r.PostForm.Get("principal"))
	if err != nil {
		return err
	}
	if _, err := s.cfg.Acting.Choose(r.Context(), u, kit.Info(r).TokenHash, id); err != nil {
		return err
	}
	http.Redirect(w, r, kit.SafeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// principalID reads a principal's id from a form; empty or "self" is 0.
func principalID(v string) (int64, error) {
	if v == "" || v == "self" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, sotepe.NotFound("principal")
	}
	return id, nil
}

// principals lists whom the user may act for: GET /api/v1/me/principals.
func (s *Server) principals(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	list, err := s.cfg.Acting.Principals(r.Context(), u)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// actingFor chooses whom the session acts for: POST
// /api/v1/session/acting-for {"principal": id} or {"principal": null} for
// oneself. It answers the user as GET /api/v1/me would after the choice.
func (s *Server) actingFor(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var body struct {
		Principal json.RawMessage `json:"principal"`
	}
	if err := kit.DecodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Principal) == 0 {
		return sotepe.Invalid("error.invalid", "principal is required (null for oneself)")
	}
	var p *int64
	if err := json.Unmarshal(body.Principal, &p); err != nil {
		return sotepe.Invalid("error.invalid", "principal must be an id or null")
	}
	var id int64
	if p != nil {
		if id = *p; id <= 0 {
			return sotepe.NotFound("principal")
		}
	}
	chosen, err := s.cfg.Acting.Choose(r.Context(), u, kit.Info(r).TokenHash, id)
	if err != nil {
		return err
	}
	self := u
	if u.Acting != nil {
		self.ResidentID, self.Acting = u.Acting.DelegateResidentID, nil
	}
	if chosen.ResidentID != 0 {
		self.Acting = &sotepe.Acting{Principal: chosen, DelegateResidentID: self.ResidentID, DelegateName: self.Name}
		self.ResidentID = chosen.ResidentID
	}
	kit.WriteJSON(w, http.StatusOK, meOfRequest(r, self))
	return nil
}

// guardiansForm lets a minor of 12–17 forbid their guardians to handle their
// matters, or allow it again: POST /me/guardians with denied=on or off.
func (s *Server) guardiansForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	if err := s.cfg.Acting.SetGuardiansDenied(r.Context(), u, r.PostForm.Get("denied") == "on"); err != nil {
		return err
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}

// guardiansPut is the API of the same: PUT /api/v1/me/guardians
// {"denied": true|false}.
func (s *Server) guardiansPut(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var body struct {
		Denied *bool `json:"denied"`
	}
	if err := kit.DecodeJSON(r, &body); err != nil {
		return err
	}
	if body.Denied == nil {
		return sotepe.Invalid("error.invalid", "denied is required")
	}
	return kit.NoContent(w, s.cfg.Acting.SetGuardiansDenied(r.Context(), u, *body.Denied))
}

// actingLog shows what the user did acting for others: GET /me/acting-log
// and GET /api/v1/me/acting-log.
func (s *Server) actingLog(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return s.logPage(w, r, "acting_log", func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
		return s.cfg.Acting.ActingLog(r.Context(), u, p)
	})
}
