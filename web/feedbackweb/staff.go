package feedbackweb

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The staff side of feedback: the unit manager's page (NPS of their units
// this year, the screened comments, kiosk tokens), the comparison of own
// units with contract partners and voucher producers offering the same
// service, and a unit's QR code for its door.

// feedbackStaffView is the manager's page.
type feedbackStaffView struct {
	Year     string
	Rows     []npsRow
	Comments []feedbackRow
	Units    []sotepe.Unit // the manager's units, for kiosks and QR codes
	Kiosk    *sotepe.FeedbackKiosk
	KioskURL string
	// Kiosks holds the live kiosk tokens of each unit, to revoke.
	Kiosks map[string][]sotepe.FeedbackKiosk
	// Extra holds the figures of each unit's extra questions.
	Extra         map[string][]extraResultView
	QuestionError string
	MaxQuestions  int
}

// StaffPage is the manager's page: GET /staff/feedback.
func (h *Handlers) StaffPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.feedbackStaffView(r)
	return kit.ShowPage(h.site, w, r, "feedback_staff", "feedback.staff_title", v, err)
}

func (h *Handlers) feedbackStaffView(r *http.Request) (feedbackStaffView, error) {
	u, err := kit.RequireRole(r, sotepe.RoleManager)
	if err != nil {
		return feedbackStaffView{}, err
	}
	lang := kit.Info(r).Lang
	today := h.site.Now().In(h.cfg.Location)
	v := feedbackStaffView{Year: today.Format("2006"), MaxQuestions: sotepe.MaxFeedbackQuestions}
	counts, err := h.cfg.Feedback.Counts(r.Context(), u, sotepe.FeedbackCountsQuery{From: v.Year + "-01-01", To: today.Format(time.DateOnly), Dim: sotepe.FeedbackDimUnit})
	if err != nil {
		return v, err
	}
	sum := sotepe.SummarizeFeedback(counts, nil, func(k string) []string { return []string{k} })
	names := map[string]sotepe.Names{}
	for _, id := range u.Units {
		unit, err := h.cfg.Directory.Unit(r.Context(), id)
		if err != nil {
			continue // a unit since removed
		}
		names[id] = unit.Names
		v.Units = append(v.Units, unit)
		kiosks, err := h.cfg.Feedback.Kiosks(r.Context(), u, id)
		if err != nil {
			return v, err
		}
		if v.Kiosks == nil {
			v.Kiosks = map[string][]sotepe.FeedbackKiosk{}
		}
		v.Kiosks[id] = kiosks
		extra, err := h.cfg.Feedback.QuestionResults(r.Context(), u, id)
		if err != nil {
			return v, err
		}
		if v.Extra == nil {
			v.Extra = map[string][]extraResultView{}
		}
		v.Extra[id] = h.extraResults(lang, extra)
	}
	seen := map[string]bool{}
	for _, c := range sum.Items {
		seen[c.Group] = true
		nps, ci, note := h.npsCells(lang, c.NPSFigures)
		v.Rows = append(v.Rows, npsRow{Group: names[c.Group].In(lang), Responses: view.Count(lang, c.Responses), NPS: nps, CI: ci, Note: note})
	}
	for _, unit := range v.Units {
		if !seen[unit.ID] {
			nps, ci, note := h.npsCells(lang, sotepe.NPSFigures{})
			v.Rows = append(v.Rows, npsRow{Group: unit.Names.In(lang), Responses: "0", NPS: nps, CI: ci, Note: note})
		}
	}
	comments, err := h.cfg.Feedback.List(r.Context(), u, nil, sotepe.PageRequest{Limit: 50})
	if err != nil {
		return v, err
	}
	for _, f := range comments.Items {
		v.Comments = append(v.Comments, feedbackRow{Unit: names[f.UnitID].In(lang), When: h.site.Dates(kit.Info(r).Lang).DateTime(f.CreatedAt),
			Comment: f.Comment, Score: f.Score})
	}
	return v, nil
}

// KioskCreate issues a kiosk token for a unit the manager manages:
// POST /api/v1/units/{id}/feedback-kiosks (201 with the token, shown once)
// and POST /staff/feedback/kiosks (the manager's page, showing the kiosk's
// address).
func (h *Handlers) KioskCreate(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	unit, err := staffFeedbackUnit(r)
	if err != nil {
		return err
	}
	k, err := h.cfg.Feedback.CreateKiosk(r.Context(), u, unit)
	if err != nil {
		return err
	}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusCreated, k)
		return nil
	}
	v, err := h.feedbackStaffView(r)
	if err != nil {
		return err
	}
	v.Kiosk, v.KioskURL = &k, siteURL(r)+"/feedback/kiosk/"+k.Token
	return kit.ShowPage(h.site, w, r, "feedback_staff", "feedback.staff_title", v, nil)
}

// Kiosks lists a unit's live kiosk tokens for its manager:
// GET /api/v1/units/{id}/feedback-kiosks.
func (h *Handlers) Kiosks(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	kiosks, err := h.cfg.Feedback.Kiosks(r.Context(), u, r.PathValue("id"))
	return kit.WriteItems(w, kiosks, err)
}

// KioskRevoke ends a kiosk token of a unit the manager manages, for
// a tablet lost or replaced: DELETE /api/v1/units/{id}/feedback-kiosks/{kiosk}
// (204) and POST /staff/feedback/kiosks/{kiosk}/revoke (the form names the
// unit; back to the manager's page).
func (h *Handlers) KioskRevoke(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	id, err := kit.PathID(r, "kiosk", "kiosk")
	if err != nil {
		return err
	}
	unit, err := staffFeedbackUnit(r)
	if err != nil {
		return err
	}
	return staffFeedbackDone(w, r, h.cfg.Feedback.RevokeKiosk(r.Context(), u, unit, id))
}

// staffFeedbackUnit is the unit a manager's feedback action names: the
// path's id in the API, the form's unit on the manager's page.
func staffFeedbackUnit(r *http.Request) (string, error) {
	if kit.IsAPI(r) {
		return r.PathValue("id"), nil
	}
	if err := kit.ParseForm(r); err != nil {
		return "", err
	}
	return r.PostForm.Get("unit"), nil
}

// staffFeedbackDone ends a manager's feedback action that returned err:
// 204 in the API, back to the manager's page otherwise.
func staffFeedbackDone(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil {
		return err
	}
	if kit.IsAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/staff/feedback", http.StatusSeeOther)
	return nil
}

// siteURL is this site's address as the request reached it, for links
// printed on paper.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// QR draws the QR code of a unit's public feedback form for its
// door: GET /units/{id}/feedback-qr, a PNG, or SVG with format=svg. The
// code is github.com/skip2/go-qrcode's; the SVG draws its modules.
func (h *Handlers) QR(w http.ResponseWriter, r *http.Request) error {
	unit, err := h.cfg.Directory.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	q, err := qrcode.New(siteURL(r)+"/units/"+unit.ID+"/feedback?via=qr", qrcode.Medium)
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "qr code", Err: err}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	switch r.URL.Query().Get("format") {
	case "", "png":
		png, err := q.PNG(512)
		if err != nil {
			return &sotepe.Error{Code: sotepe.EInternal, Message: "qr code", Err: err}
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png)
	case "svg":
		w.Header().Set("Content-Type", "image/svg+xml")
		_, _ = w.Write([]byte(qrSVG(q.Bitmap(), h.site.T(kit.Info(r).Lang, "feedback.qr_title", map[string]any{"Unit": unit.Names.In(kit.Info(r).Lang)}))))
	default:
		return sotepe.Invalid("error.feedback_qr_format", "format is png or svg")
	}
	return nil
}

// qrSVG draws a QR bitmap (quiet zone included) as SVG, one path of unit
// squares, titled for screen readers.
func qrSVG(bits [][]bool, title string) string {
	var b strings.Builder
	n := len(bits)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img">`, n, n, n*8, n*8)
	b.WriteString(`<title>` + html.EscapeString(title) + `</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bits {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// compareRow is one service in the comparison: the figures of its own
// units, contract partners and voucher producers.
type compareRow struct {
	Service kit.Group                                 `json:"service"`
	Kinds   map[sotepe.ProducerKind]sotepe.NPSFigures `json:"producer_types"`
}

type compareResponse struct {
	From     string       `json:"from"`
	To       string       `json:"to"`
	Services []compareRow `json:"services"`
}

type compareViewRow struct {
	Service string
	Cells   []npsRow // own, contract, voucher
}

// Compare compares own production with contract partners and
// voucher producers service by service: GET /stats/feedback/compare and
// /api/v1/stats/feedback/compare. A unit's answers count for every service
// it offers; services that only one kind of producer offers are left out.
func (h *Handlers) Compare(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	p, err := h.parseFeedbackParams(r)
	if err != nil {
		return err
	}
	in := kit.Info(r)
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	all, err := sotepe.AllUnits(r.Context(), h.cfg.Directory, sotepe.UnitFilter{})
	if err != nil {
		return err
	}
	counts, err := h.cfg.Feedback.Counts(r.Context(), u, sotepe.FeedbackCountsQuery{From: p.From, To: p.To, Dim: sotepe.FeedbackDimUnit})
	if err != nil {
		return err
	}
	kinds := map[string]sotepe.ProducerKind{}
	for _, pr := range n.Producers {
		kinds[pr.ID] = pr.Kind
	}
	// service → kind → the units' counts
	type key struct {
		service string
		kind    sotepe.ProducerKind
	}
	figs := map[key]*sotepe.NPSFigures{}
	units := map[string]sotepe.Unit{}
	for _, x := range all {
		units[x.ID] = x
	}
	for _, c := range counts {
		x, ok := units[c.Key]
		if !ok {
			continue
		}
		for _, sv := range x.Services {
			k := key{sv, kinds[x.ProducerID]}
			if figs[k] == nil {
				figs[k] = &sotepe.NPSFigures{}
			}
			figs[k].Add(c)
		}
	}
	order := sotepe.ProducerKinds
	resp := compareResponse{From: p.From, To: p.To, Services: []compareRow{}}
	var rows []compareViewRow
	for _, sv := range n.Services {
		row := compareRow{Service: kit.Group{ID: sv.ID, Names: sv.Names}, Kinds: map[sotepe.ProducerKind]sotepe.NPSFigures{}}
		for _, k := range order {
			if f := figs[key{sv.ID, k}]; f != nil {
				f.Finish()
				row.Kinds[k] = *f
			}
		}
		if len(row.Kinds) < 2 {
			continue
		}
		resp.Services = append(resp.Services, row)
		vr := compareViewRow{Service: sv.Names.In(in.Lang)}
		for _, k := range order {
			f, ok := row.Kinds[k]
			if !ok {
				vr.Cells = append(vr.Cells, npsRow{Responses: "0", NPS: "–", CI: "–"})
				continue
			}
			nps, ci, note := h.npsCells(in.Lang, f)
			vr.Cells = append(vr.Cells, npsRow{Responses: view.Count(in.Lang, f.Responses), NPS: nps, CI: ci, Note: note})
		}
		rows = append(rows, vr)
	}
	slices.SortFunc(rows, func(a, b compareViewRow) int { return strings.Compare(a.Service, b.Service) })
	return kit.Respond(h.site, w, r, resp, "feedback_compare", h.site.T(in.Lang, "feedback.compare_title", nil),
		struct {
			P    feedbackParams
			Rows []compareViewRow
		}{p, rows})
}
