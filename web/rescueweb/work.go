package rescueweb

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/rescue"
	"sotepe/web/kit"
)

// importRequest is the body of POST /api/v1/rescue/missions.
type importRequest struct {
	Missions []sotepe.RescueMission `json:"missions"`
}

// rowError is the error of the mission at index i of a batch, in
// the request's language: "Row n: …", about the mission's field.
func (h *Handlers) rowError(r *http.Request, err error) error {
	i, ok := sotepe.ErrorArgs(err)["Index"].(int)
	if !ok || sotepe.ErrorCode(err) != sotepe.EInvalid {
		return err
	}
	return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.rescue_row", Field: sotepe.ErrorField(err), Message: err.Error(),
		Args: map[string]any{"Row": i + 1, "Reason": h.site.ErrText(kit.Info(r).Lang, err)}}
}

// ImportJSON is POST /api/v1/rescue/missions: a rescue officer sends
// 1 to sotepe.MaxRescueBatch missions, stored whole or not at all; missions
// sent before (the same external id) count as duplicates. A bad mission is
// 400 naming its row (from 1) and field.
func (h *Handlers) ImportJSON(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var req importRequest
	if err := kit.DecodeJSON(r, &req); err != nil {
		return err
	}
	res, err := h.cfg.Rescue.ImportMissions(r.Context(), u, req.Missions)
	if err != nil {
		return h.rowError(r, err)
	}
	kit.WriteJSON(w, http.StatusOK, res)
	return nil
}

// ImportForm is POST /rescue/missions/import: a rescue officer
// uploads a missions CSV file (rescue.MissionColumns). The file lands
// whole or not at all: a bad file is 400 naming the line and the column in
// the person's language; a good one returns to the mission list, which
// tells how many were added.
func (h *Handlers) ImportForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if !rescue.MayWork(u) {
		return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not a rescue officer"}
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &sotepe.Error{Code: sotepe.ETooLarge, Key: "error.too_large", Message: "upload too large"}
		}
		return sotepe.InvalidField("file", "error.rescue_file", "choose a CSV file")
	}
	defer file.Close()
	lang := kit.Info(r).Lang
	fail := func(err error) error {
		if sotepe.ErrorCode(err) != sotepe.EInvalid {
			return err
		}
		return &sotepe.Error{Code: sotepe.EInvalid, Key: "error.rescue_import", Field: "file", Message: err.Error(),
			Args: map[string]any{"Detail": rescue.Explain(h.site.T, lang, err)}}
	}
	ms, lines, err := rescue.ParseMissions(file, h.site.Now().Location())
	if err != nil {
		return fail(err)
	}
	res, err := h.cfg.Rescue.ImportMissions(r.Context(), u, ms)
	if err != nil {
		return fail(rescue.LineOf(err, lines))
	}
	http.Redirect(w, r, "/rescue/missions?imported="+strconv.Itoa(res.Added), http.StatusSeeOther)
	return nil
}

// inspectionRow is one inspection of the list, written for the page.
type inspectionRow struct {
	ExternalID, Station, Address, Inspected, Findings, Notes, Reinspect string
	Overdue                                                             bool
}

// inspectionsView is the inspection list.
type inspectionsView struct {
	Station, DueBy string
	All            bool
	Stations       []option
	Rows           []inspectionRow
	Next           string
}

// Inspections is GET /rescue/inspections and GET
// /api/v1/rescue/inspections: the inspections whose re-inspection is due
// by due_by (default 30 days from today), soonest first, or with all=1
// every inspection, the latest first; optionally of one station.
func (h *Handlers) Inspections(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	q := r.URL.Query()
	today := h.site.Now().Format(time.DateOnly)
	f := sotepe.InspectionFilter{Station: q.Get("station"), DueBy: q.Get("due_by")}
	all := q.Get("all") == "1"
	if all {
		f.DueBy = ""
	} else if f.DueBy == "" {
		f.DueBy = h.site.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	} else if _, err := time.Parse(time.DateOnly, f.DueBy); err != nil {
		return sotepe.InvalidField("due_by", "error.date", "dates must be YYYY-MM-DD")
	}
	page, ok, err := kit.ListPage(w, r, func(pr sotepe.PageRequest) (sotepe.Page[sotepe.FireInspection], error) {
		return h.cfg.Rescue.Inspections(r.Context(), u, f, pr)
	})
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	names, err := h.readNames(r)
	if err != nil {
		return err
	}
	v := inspectionsView{Station: f.Station, DueBy: f.DueBy, All: all}
	v.Stations, _, _, _ = h.options(lang, names, filters{Station: f.Station})
	dates := h.site.Dates(lang)
	for _, in := range page.Items {
		row := inspectionRow{ExternalID: in.ExternalID, Station: h.label(lang, names, sotepe.RescueByStation, in.StationID),
			Address: in.Address, Inspected: dates.DateOf(in.InspectedOn), Findings: strconv.Itoa(in.Findings), Notes: in.Notes,
			Reinspect: "–", Overdue: in.ReinspectOn != "" && in.ReinspectOn < today}
		if in.ReinspectOn != "" {
			row.Reinspect = dates.DateOf(in.ReinspectOn)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Next = kit.NextURL(r, page.NextCursor)
	h.site.Page(w, r, http.StatusOK, "rescue_inspections", h.site.T(lang, "rescue.inspections.title", nil), v)
	return nil
}
