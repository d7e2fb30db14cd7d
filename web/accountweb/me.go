package accountweb

import (
	"net/http"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// MeView is the signed-in user as GET /api/v1/me shows them.
type MeView struct {
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

// MeOf is u as the API shows them: the signed-in person, and whom they act
// for. While acting, u's services see the principal's resident id, but the
// view keeps the person's own. Package web answers a new session with it.
func MeOf(u sotepe.User) MeView {
	units := u.Units
	if units == nil {
		units = []string{}
	}
	v := MeView{ID: u.ID, Username: u.Username, Name: u.Name, Roles: u.Roles, Units: units, Lang: u.Lang, ResidentID: u.ResidentID}
	if u.Acting != nil {
		p := u.Acting.Principal
		v.ActingFor, v.ResidentID = &p, u.Acting.DelegateResidentID
	}
	return v
}

// meOfRequest is MeOf with the session's level of assurance.
func meOfRequest(r *http.Request, u sotepe.User) MeView {
	v := MeOf(u)
	if in := kit.Info(r); in.Session != nil {
		v.LoA = in.Session.LoA
	}
	return v
}

// mePageView is the user's own page.
type mePageView struct {
	Me       MeView
	Resident *sotepe.Resident
	Net      vocab.Network
	// CanDenyGuardians is set for a minor of 12–17 signed in as themselves,
	// who may forbid their guardians to handle their matters.
	CanDenyGuardians bool
}

// Me shows the signed-in user: GET /me and GET /api/v1/me.
func (h *Handlers) Me(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, meOfRequest(r, u))
		return nil
	}
	v := mePageView{Me: meOfRequest(r, u)}
	if u.ResidentID != 0 {
		res, err := h.cfg.Residents.Own(r.Context(), u)
		if err != nil {
			return err
		}
		v.Resident = &res
		if birth, err := sotepe.ParsePersonalID(res.PersonalID); err == nil && u.Acting == nil {
			age := sotepe.AgeOn(birth, h.site.Now())
			v.CanDenyGuardians = age >= sotepe.ConsentAge && age < sotepe.AdultAge
		}
	}
	v.Net, err = vocab.Read(r.Context(), h.cfg.Directory)
	return kit.ShowPage(h.site, w, r, "me", "me.title", v, err)
}

// accessLogView is a page of a log of accesses: who has read the
// resident's data, or what they did acting for others.
type accessLogView struct {
	Page    sotepe.Page[sotepe.Access]
	NextURL string
}

// AccessLog shows a resident who has viewed their data, as Act 703/2023
// entitles them to: GET /me/access-log and GET /api/v1/me/access-log.
func (h *Handlers) AccessLog(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return h.logPage(w, r, "access_log", func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
		return h.cfg.Residents.AccessLog(r.Context(), u, p)
	})
}

// logPage serves one page of a log of accesses, as JSON or as the page
// tmpl (titled "<tmpl>.title") with a link to the next page.
func (h *Handlers) logPage(w http.ResponseWriter, r *http.Request, tmpl string, read func(sotepe.PageRequest) (sotepe.Page[sotepe.Access], error)) error {
	page, ok, err := kit.ListPage(w, r, read)
	if !ok {
		return err
	}
	v := accessLogView{Page: page, NextURL: kit.NextURL(r, page.NextCursor)}
	return kit.ShowPage(h.site, w, r, tmpl, tmpl+".title", v, nil)
}
