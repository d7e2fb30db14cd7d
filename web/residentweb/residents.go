package residentweb

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// residentView is a resident as staff see them.
type residentView struct {
	sotepe.Resident
	BirthDate string `json:"birth_date"`
}

// viewResident is res as staff see it, with the birth date its identity
// code gives.
func viewResident(res sotepe.Resident) residentView {
	v := residentView{Resident: res}
	if b, err := sotepe.ParsePersonalID(res.PersonalID); err == nil {
		v.BirthDate = b.Format(time.DateOnly)
	}
	return v
}

// Read returns one resident to staff: GET
// /api/v1/residents/{id}?basis=…, audited.
func (h *Handlers) Read(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	res, err := h.cfg.Residents.Read(r.Context(), u, id, sotepe.Basis(r.URL.Query().Get("basis")))
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, viewResident(res))
	return nil
}

// residentSearchRequest is the JSON of POST /api/v1/residents/search.
type residentSearchRequest struct {
	PersonalID string `json:"personal_id"`
	Basis      string `json:"basis"`
}

// Search finds a resident by personal identity code for staff: POST
// /api/v1/residents/search, audited. The code travels in the body, never in
// a URL that logs and proxies keep.
func (h *Handlers) Search(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var req residentSearchRequest
	if err := kit.DecodeJSON(r, &req); err != nil {
		return err
	}
	res, err := h.cfg.Residents.Find(r.Context(), u, req.PersonalID, sotepe.Basis(req.Basis))
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, viewResident(res))
	return nil
}

// lookupView is the staff page for finding a resident.
type lookupView struct {
	Bases    []sotepe.Basis
	Basis    sotepe.Basis
	Resident *residentView
	Error    *kit.FormError
}

// LookupPage shows the form by which staff find a resident.
func (h *Handlers) LookupPage(w http.ResponseWriter, r *http.Request, _ sotepe.User) error {
	return kit.ShowPage(h.site, w, r, "resident_lookup", "lookup.title", lookupView{Bases: sotepe.Bases}, nil)
}

// LookupForm finds a resident from the form; the read is audited.
func (h *Handlers) LookupForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	v := lookupView{Bases: sotepe.Bases, Basis: sotepe.Basis(r.PostForm.Get("basis"))}
	status := http.StatusOK
	res, err := h.cfg.Residents.Find(r.Context(), u, r.PostForm.Get("personal_id"), sotepe.Basis(r.PostForm.Get("basis")))
	switch code := sotepe.ErrorCode(err); code {
	case "":
		rv := viewResident(res)
		v.Resident = &rv
	case sotepe.EInvalid, sotepe.ENotFound:
		status = sotepe.HTTPStatus(code)
		if sotepe.ErrorKey(err) == "error.basis" {
			err = kit.AtField(err, "basis")
		}
		v.Error = kit.FormErrorIn(h.site, in.Lang, kit.AtField(err, "personal_id"), "personal_id", "basis")
	default:
		return err
	}
	h.site.Page(w, r, status, "resident_lookup", h.site.T(in.Lang, "lookup.title", nil), v)
	return nil
}

// auditView is the aggregate view of the audit trail.
type auditView struct {
	From, To string
	Counts   []sotepe.AuditCount
}

// AuditSummary shows audit entries per day and action: managers for their
// own units, analysts and administrators for all. It holds no personal data.
// GET /staff/audit and GET /api/v1/audit/summary?from=&to=.
func (h *Handlers) AuditSummary(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	today := h.site.Now()
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if to == "" {
		to = today.Format(time.DateOnly)
	}
	counts, err := h.cfg.Audit.Summary(r.Context(), u, from, to)
	if err != nil {
		return err
	}
	return kit.Respond(h.site, w, r, map[string]any{"from": from, "to": to, "items": counts}, "audit",
		h.site.T(kit.Info(r).Lang, "audit.title", nil), auditView{From: from, To: to, Counts: counts})
}
