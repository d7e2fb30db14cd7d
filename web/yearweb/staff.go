package yearweb

import (
	"context"
	"net/http"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// HR's staff figures: GET /personnel (the page) and GET
// /api/v1/staff/figures (JSON), the headcount by area and profession on a
// day, the year's starts, leavers, turnover, sick leave, training,
// vacancies and applicants, and the personnel survey's share that would
// recommend the sector as an employer; POST /api/v1/staff/employments
// stores HR's employments. HR and analysts read (aggregates only; a cell
// about fewer than five people, or one that would give such a figure
// away, reads "hidden"); only HR writes.

// yearFigures reads the figures of the year the query names (see
// kit.FigureYear) through read. The API gets them, or the error, as JSON. A
// page that asked for a wrong year or the like (EInvalid) is shown again
// as page, status 400, with invalid(year, the error's text) as its data.
// ok reports that the figures are read and the caller is still to show
// its page.
func yearFigures[F any](h *Handlers, w http.ResponseWriter, r *http.Request, page, titleKey string, read func(year int) (F, error), invalid func(year int, msg string) any) (f F, ok bool, err error) {
	year, err := kit.FigureYear(r, h.site.Now())
	if err == nil {
		f, err = read(year)
	}
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid || kit.IsAPI(r) {
			return f, false, err
		}
		lang := kit.Info(r).Lang
		h.site.Page(w, r, http.StatusBadRequest, page, h.site.T(lang, titleKey, nil), invalid(year, h.site.ErrText(lang, err)))
		return f, false, nil
	}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, f)
		return f, false, nil
	}
	return f, true, nil
}

// areaNames returns the names of the service areas by id.
func (h *Handlers) areaNames(ctx context.Context) (map[string]sotepe.Names, error) {
	areas, err := h.cfg.Directory.Areas(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]sotepe.Names, len(areas))
	for _, a := range areas {
		out[a.ID] = a.Names
	}
	return out, nil
}

// staffView is the personnel page.
type staffView struct {
	Year     int
	Day      string
	Error    string
	Shown    bool
	Areas    []staffRow
	Total    staffRow
	Cells    []staffRow
	Survey   string
	Answered string
}

// staffRow is one line of the staff tables, its figures written for the
// page's language; a suppressed figure reads "hidden".
type staffRow struct {
	Key, Area, Profession                        string
	Headcount, Before, Starts, Leavers, Turnover string
	Sick, Courses, TrainingDays                  string
	Vacancies, Applicants                        string
}

// StaffFigures serves the staff figures: the page and its JSON.
func (h *Handlers) StaffFigures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	day := r.URL.Query().Get("day")
	var names map[string]sotepe.Names
	f, ok, err := yearFigures(h, w, r, "staff_figures", "staff.title", func(year int) (sotepe.StaffFigures, error) {
		f, err := h.cfg.Staff.Figures(r.Context(), u, sotepe.StaffFiguresQuery{Year: year, Day: day})
		if err == nil {
			names, err = h.areaNames(r.Context())
		}
		return f, err
	}, func(year int, msg string) any { return staffView{Year: year, Day: day, Error: msg} })
	if !ok {
		return err
	}
	lang := kit.Info(r).Lang
	h.site.Page(w, r, http.StatusOK, "staff_figures", h.site.T(lang, "staff.title", nil), h.staffView(lang, f, names))
	return nil
}

func (h *Handlers) staffView(lang sotepe.Lang, f sotepe.StaffFigures, names map[string]sotepe.Names) staffView {
	few := h.site.T(lang, "staff.suppressed", nil)
	n := func(v int64) string { return view.Count(lang, v) }
	cell := func(c sotepe.Cell, decimals int) string {
		switch {
		case c.Suppressed:
			return few
		case c.Value == nil:
			return view.Missing
		case decimals > 0:
			return view.Decimal(lang, *c.Value, decimals)
		}
		return view.Count(lang, int64(*c.Value))
	}
	row := func(a sotepe.StaffAreaFigures) staffRow {
		area := a.AreaID
		if nm, ok := names[a.AreaID]; ok {
			area = nm.In(lang)
		}
		prof := ""
		if p, ok := sotepe.ProfessionByID(a.Profession); ok {
			prof = p.Names.In(lang)
		}
		return staffRow{Key: a.AreaID, Area: area, Profession: prof, Headcount: n(a.Headcount), Before: n(a.HeadcountBefore),
			Starts: cell(a.Starts, 0), Leavers: cell(a.Leavers, 0), Turnover: cell(a.TurnoverPercent, 1), Sick: cell(a.SickLeaveDays, 0),
			Courses: n(a.Courses), TrainingDays: n(a.TrainingDays), Vacancies: n(a.Vacancies), Applicants: n(a.Applicants)}
	}
	v := staffView{Year: f.Year, Day: f.Day, Shown: true, Survey: view.Missing, Answered: n(f.Survey.Respondents)}
	for _, a := range f.Areas {
		v.Areas = append(v.Areas, row(a))
	}
	v.Total = row(f.Total)
	v.Total.Area = h.site.T(lang, "stats.total", nil)
	for _, c := range f.Cells {
		v.Cells = append(v.Cells, row(c))
	}
	if f.Survey.Recommend != nil {
		v.Survey = view.Percent(lang, *f.Survey.Recommend, 0)
	} else if f.Survey.Respondents > 0 {
		v.Survey = few
	}
	return v
}

// employmentsRequest is the body of POST /api/v1/staff/employments.
type employmentsRequest struct {
	Employments []sotepe.Employment `json:"employments"`
}

// savedResponse tells how many records were stored.
type savedResponse struct {
	Saved int `json:"saved"`
}

// StaffEmployments stores HR's employments, all or none: a bad one is 400
// naming its field and index.
func (h *Handlers) StaffEmployments(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var req employmentsRequest
	if err := kit.DecodeJSON(r, &req); err != nil {
		return err
	}
	err := h.cfg.Staff.Save(r.Context(), u, sotepe.StaffRecords{Employments: req.Employments})
	return kit.WriteResult(w, http.StatusOK, savedResponse{Saved: len(req.Employments)}, err)
}
