package procurementweb

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The contract manager's supervision: GET /procurement/supervision and
// /api/v1/procurement/supervision list the units' self-monitoring plans
// and the supervision visits; the page's forms add a plan (POST
// /procurement/supervision/plans) and a visit with its findings and
// follow-up deadline (POST /procurement/supervision/visits), and the API
// does the same with POST /api/v1/procurement/plans and
// /api/v1/procurement/visits.

// planRow and visitRow are the supervision page's rows.
type planRow struct {
	Unit, Version, Date, Link, Text string
}

type visitRow struct {
	ID                                    int64
	Unit, Date, Findings, Due, FollowedUp string
	Overdue                               bool
}

// supervisionView is the supervision page with its two forms.
type supervisionView struct {
	Plans   []planRow
	Visits  []visitRow
	Overdue int
	Units   []option
	// PlanValues and VisitValues are what was typed into the forms, by
	// input name.
	PlanValues, VisitValues map[string]string
	// Added is "plan" or "visit" after one was stored.
	Added string
	Error *kit.FormError
}

// The forms' element ids that errors may name, with the service's field
// names mapped to them.
var (
	planFields  = []string{"unit=plan-unit", "version=plan-version", "date=plan-date", "link=plan-link", "text=plan-text"}
	visitFields = []string{"unit=visit-unit", "date=visit-date", "findings=visit-findings", "follow_up_due=visit-due"}
)

// Supervision is GET /procurement/supervision and GET
// /api/v1/procurement/supervision: the units' self-monitoring plans and
// the supervision visits, those whose follow-up is overdue marked;
// ?added=plan or visit says one was just stored.
func (h *Handlers) Supervision(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if kit.IsAPI(r) {
		sup, err := h.cfg.Procurement.Supervision(r.Context(), u)
		if err != nil {
			return err
		}
		sup.Plans, sup.Visits, sup.Overdue = nonNil(sup.Plans), nonNil(sup.Visits), nonNil(sup.Overdue)
		kit.WriteJSON(w, http.StatusOK, sup)
		return nil
	}
	v, err := h.supervisionView(r, u, map[string]string{}, map[string]string{}, nil)
	if err != nil {
		return err
	}
	if a := r.URL.Query().Get("added"); a == "plan" || a == "visit" {
		v.Added = a
	}
	h.site.Page(w, r, http.StatusOK, "procurement_supervision", h.site.T(kit.Info(r).Lang, "procurement.supervision.title", nil), v)
	return nil
}

// supervisionView builds the page: the lists, the units to choose from and
// the forms' values.
func (h *Handlers) supervisionView(r *http.Request, u sotepe.User, plan, visit map[string]string, problem *kit.FormError) (supervisionView, error) {
	sup, err := h.cfg.Procurement.Supervision(r.Context(), u)
	if err != nil {
		return supervisionView{}, err
	}
	units, err := sotepe.AllUnits(r.Context(), h.cfg.Directory, sotepe.UnitFilter{})
	if err != nil {
		return supervisionView{}, err
	}
	lang := kit.Info(r).Lang
	dates := h.site.Dates(lang)
	unit := func(id string) string { return vocab.UnitNames(r.Context(), h.cfg.Directory, id).In(lang) }
	v := supervisionView{Overdue: len(sup.Overdue), PlanValues: plan, VisitValues: visit, Error: problem}
	for _, x := range units {
		v.Units = append(v.Units, option{Value: x.ID, Label: x.Names.In(lang)})
	}
	slices.SortFunc(v.Units, func(a, b option) int { return cmp.Compare(a.Label, b.Label) })
	for _, p := range sup.Plans {
		v.Plans = append(v.Plans, planRow{Unit: unit(p.UnitID), Version: p.Version, Date: dates.DateOf(p.Date), Link: p.Link, Text: p.Text})
	}
	for _, x := range sup.Visits {
		row := visitRow{ID: x.ID, Unit: unit(x.UnitID), Date: dates.DateOf(x.Date), Findings: x.Findings, Due: view.Missing,
			FollowedUp: view.Missing, Overdue: slices.ContainsFunc(sup.Overdue, func(o sotepe.SupervisionVisit) bool { return o.ID == x.ID })}
		if x.FollowUpDue != "" {
			row.Due = dates.DateOf(x.FollowUpDue)
		}
		if x.FollowedUpOn != "" {
			row.FollowedUp = dates.DateOf(x.FollowedUpOn)
		}
		v.Visits = append(v.Visits, row)
	}
	return v, nil
}

// supervisionFormDone ends a supervision form: a stored plan or visit
// returns to the page, which says so (303); a problem shows the page again
// with what was typed and the error at its field (400).
func (h *Handlers) supervisionFormDone(w http.ResponseWriter, r *http.Request, u sotepe.User, added string, values map[string]string, err error) error {
	if err == nil {
		http.Redirect(w, r, "/procurement/supervision?added="+added+"#"+added+"-form", http.StatusSeeOther)
		return nil
	}
	if sotepe.ErrorCode(err) != sotepe.EInvalid {
		return err
	}
	lang := kit.Info(r).Lang
	plan, visit, fields := map[string]string{}, map[string]string{}, planFields
	if added == "plan" {
		plan = values
	} else {
		visit, fields = values, visitFields
	}
	v, verr := h.supervisionView(r, u, plan, visit, kit.FormErrorIn(h.site, lang, err, fields...))
	if verr != nil {
		return verr
	}
	h.site.Page(w, r, http.StatusBadRequest, "procurement_supervision", h.site.T(lang, "procurement.supervision.title", nil), v)
	return nil
}

// trimmedValues is the posted values of keys, spaces around them removed.
func trimmedValues(r *http.Request, keys ...string) map[string]string {
	values := kit.FormValues(r, keys...)
	for k, x := range values {
		values[k] = strings.TrimSpace(x)
	}
	return values
}

// SupervisionPlanForm is POST /procurement/supervision/plans: the contract
// manager adds a unit's self-monitoring plan, as a link or as text.
func (h *Handlers) SupervisionPlanForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	values := trimmedValues(r, "unit", "version", "date", "link", "text")
	_, err := h.cfg.Procurement.AddSelfMonitoringPlan(r.Context(), u, sotepe.SelfMonitoringPlan{UnitID: values["unit"],
		Version: values["version"], Date: values["date"], Link: values["link"], Text: values["text"]})
	return h.supervisionFormDone(w, r, u, "plan", values, err)
}

// SupervisionVisitForm is POST /procurement/supervision/visits: the
// contract manager records a supervision visit, its findings and, when
// something must be put right, the follow-up deadline.
func (h *Handlers) SupervisionVisitForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	values := trimmedValues(r, "unit", "date", "findings", "follow_up_due")
	_, err := h.cfg.Procurement.AddSupervisionVisit(r.Context(), u, sotepe.SupervisionVisit{UnitID: values["unit"],
		Date: values["date"], Findings: values["findings"], FollowUpDue: values["follow_up_due"]})
	return h.supervisionFormDone(w, r, u, "visit", values, err)
}

// AddPlan is POST /api/v1/procurement/plans: the contract
// manager adds a self-monitoring plan; 201 with it and its id. A plan that
// breaks a rule is 400 naming the field in the caller's language.
func (h *Handlers) AddPlan(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var p sotepe.SelfMonitoringPlan
	if err := kit.DecodeJSON(r, &p); err != nil {
		return err
	}
	saved, err := h.cfg.Procurement.AddSelfMonitoringPlan(r.Context(), u, p)
	if err != nil {
		return h.fieldError(kit.Info(r).Lang, err)
	}
	kit.WriteJSON(w, http.StatusCreated, saved)
	return nil
}

// AddVisit is POST /api/v1/procurement/visits: the contract
// manager records a supervision visit; 201 with it and its id. A visit
// that breaks a rule is 400 naming the field in the caller's language.
func (h *Handlers) AddVisit(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var v sotepe.SupervisionVisit
	if err := kit.DecodeJSON(r, &v); err != nil {
		return err
	}
	saved, err := h.cfg.Procurement.AddSupervisionVisit(r.Context(), u, v)
	if err != nil {
		return h.fieldError(kit.Info(r).Lang, err)
	}
	kit.WriteJSON(w, http.StatusCreated, saved)
	return nil
}
