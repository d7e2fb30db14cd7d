package accountweb

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

// ActingPage lets a resident choose whom they act for: GET /acting.
func (h *Handlers) ActingPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	list, err := h.cfg.Acting.Principals(r.Context(), u)
	if err != nil {
		return err
	}
	v := actingView{Principals: list, Self: u.Name, Next: kit.SafeNext(r.URL.Query().Get("next"))}
	if u.Acting != nil {
		v.Current = u.Acting.Principal.ResidentID
	}
	return kit.ShowPage(h.site, w, r, "acting", "acting.title", v, nil)
}

// ActingForm makes the choice of the acting page: POST /acting with
// principal (empty: oneself).
func (h *Handlers) ActingForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	id, err := principalID(r.PostForm.Get("principal"))
	if err != nil {
		return err
	}
	if _, err := h.cfg.Acting.Choose(r.Context(), u, kit.Info(r).TokenHash, id); err != nil {
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

// Principals lists whom the user may act for: GET /api/v1/me/principals.
func (h *Handlers) Principals(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	list, err := h.cfg.Acting.Principals(r.Context(), u)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// ActingFor chooses whom the session acts for: POST
// /api/v1/session/acting-for {"principal": id} or {"principal": null} for
// oneself. It answers the user as GET /api/v1/me would after the choice.
func (h *Handlers) ActingFor(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
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
	chosen, err := h.cfg.Acting.Choose(r.Context(), u, kit.Info(r).TokenHash, id)
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

// GuardiansForm lets a minor of 12–17 forbid their guardians to handle their
// matters, or allow it again: POST /me/guardians with denied=on or off.
func (h *Handlers) GuardiansForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	if err := h.cfg.Acting.SetGuardiansDenied(r.Context(), u, r.PostForm.Get("denied") == "on"); err != nil {
		return err
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}

// GuardiansPut is the API of the same: PUT /api/v1/me/guardians
// {"denied": true|false}.
func (h *Handlers) GuardiansPut(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var body struct {
		Denied *bool `json:"denied"`
	}
	if err := kit.DecodeJSON(r, &body); err != nil {
		return err
	}
	if body.Denied == nil {
		return sotepe.Invalid("error.invalid", "denied is required")
	}
	return kit.NoContent(w, h.cfg.Acting.SetGuardiansDenied(r.Context(), u, *body.Denied))
}

// ActingLog shows what the user did acting for others: GET /me/acting-log
// and GET /api/v1/me/acting-log.
func (h *Handlers) ActingLog(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return h.logPage(w, r, "acting_log", func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
		return h.cfg.Acting.ActingLog(r.Context(), u, p)
	})
}
