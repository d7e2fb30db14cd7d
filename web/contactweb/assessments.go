package contactweb

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Assessments over the JSON API: the definitions, sessions that anyone may
// run without signing in (a session is found by its secret id, and once a
// resident owns it nobody else can see it), the hand-over into the
// professional's queue, the professional's own grading, and the figures.
// The HTML pages of the same are in assessment_pages.go.

// assessmentView is one definition in the request's language.
type assessmentView struct {
	ID          string `json:"id"`
	Version     int    `json:"version"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Demo        bool   `json:"demo"`
}

func viewAssessment(a sotepe.AssessmentInfo, lang sotepe.Lang) assessmentView {
	return assessmentView{ID: a.ID, Version: a.Version, Title: a.Title.In(lang), Description: a.Description.In(lang), Demo: a.Demo}
}

type optionView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// questionView is a question in the request's language. Min, Max and
// Unit are given for number questions only.
type questionView struct {
	ID      string              `json:"id"`
	Kind    sotepe.QuestionKind `json:"kind"`
	Text    string              `json:"text"`
	Help    string              `json:"help,omitempty"`
	Options []optionView        `json:"options"`
	Min     *float64            `json:"min,omitempty"`
	Max     *float64            `json:"max,omitempty"`
	Unit    string              `json:"unit,omitempty"`
}

func viewQuestion(q sotepe.Question, lang sotepe.Lang) questionView {
	v := questionView{ID: q.ID, Kind: q.Kind, Text: q.Text.In(lang), Help: q.Help.In(lang), Options: []optionView{}}
	for _, o := range q.Options {
		v.Options = append(v.Options, optionView{ID: o.ID, Text: o.Text.In(lang)})
	}
	if q.Kind == sotepe.KindNumber {
		v.Min, v.Max, v.Unit = &q.Min, &q.Max, q.Unit.In(lang)
	}
	return v
}

type outcomeView struct {
	Urgency sotepe.Urgency `json:"urgency"`
	Service string         `json:"service"`
	Text    string         `json:"text"`
}

// sessionView is a session as the API shows it: either the question to
// answer next or the outcome.
type sessionView struct {
	ID             string                    `json:"id"`
	Assessment     string                    `json:"assessment"`
	Version        int                       `json:"version"`
	Demo           bool                      `json:"demo"`
	Status         string                    `json:"status"` // in_progress, finished or handed_over
	Answers        []sotepe.AssessmentAnswer `json:"answers"`
	Question       *questionView             `json:"question,omitempty"`
	Outcome        *outcomeView              `json:"outcome,omitempty"`
	ContactRequest int64                     `json:"contact_request,omitempty"`
}

// writeSession writes session state st in the caller's language with
// status 200, or returns err when it is not nil.
func writeSession(w http.ResponseWriter, r *http.Request, st sotepe.AssessmentState, err error) error {
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, viewSession(st, kit.Info(r).Lang))
	return nil
}

func viewSession(st sotepe.AssessmentState, lang sotepe.Lang) sessionView {
	v := sessionView{ID: st.Session.ID, Assessment: st.Info.ID, Version: st.Info.Version, Demo: st.Info.Demo,
		Status: "in_progress", Answers: []sotepe.AssessmentAnswer{}, ContactRequest: st.Session.ContactRequestID}
	for _, step := range st.Steps {
		v.Answers = append(v.Answers, step.Answer)
	}
	if st.Question != nil {
		q := viewQuestion(*st.Question, lang)
		v.Question = &q
	}
	if o := st.Outcome; o != nil {
		v.Status = "finished"
		v.Outcome = &outcomeView{Urgency: o.Urgency, Service: o.ServiceID, Text: o.Text.In(lang)}
	}
	if st.Session.ContactRequestID != 0 {
		v.Status = "handed_over"
	}
	return v
}

// AssessmentList lists the assessments: GET /api/v1/assessments.
func (h *Handlers) AssessmentList(w http.ResponseWriter, r *http.Request) error {
	lang := kit.Info(r).Lang
	out := sotepe.Page[assessmentView]{Items: []assessmentView{}}
	for _, a := range h.cfg.Assessments.Definitions() {
		out.Items = append(out.Items, viewAssessment(a, lang))
	}
	kit.WriteJSON(w, http.StatusOK, out)
	return nil
}

// AssessmentGet returns one assessment with its questions: GET
// /api/v1/assessments/{id}.
func (h *Handlers) AssessmentGet(w http.ResponseWriter, r *http.Request) error {
	a, qs, err := h.cfg.Assessments.Definition(r.PathValue("id"))
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	out := struct {
		assessmentView
		Questions []questionView `json:"questions"`
	}{assessmentView: viewAssessment(a, lang), Questions: []questionView{}}
	for _, q := range qs {
		out.Questions = append(out.Questions, viewQuestion(q, lang))
	}
	kit.WriteJSON(w, http.StatusOK, out)
	return nil
}

// AssessmentStart starts a session: POST /api/v1/assessments/{id}/sessions,
// with no body or an empty object. The answer holds the session's secret id.
func (h *Handlers) AssessmentStart(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength != 0 {
		var empty struct{}
		if err := kit.DecodeJSON(r, &empty); err != nil {
			return err
		}
	}
	in := kit.Info(r)
	st, err := h.cfg.Assessments.Start(r.Context(), in.User, r.PathValue("id"), in.Lang)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assessment-sessions/"+st.Session.ID)
	kit.WriteJSON(w, http.StatusCreated, viewSession(st, in.Lang))
	return nil
}

// AssessmentSession returns a session with its next question or outcome:
// GET /api/v1/assessment-sessions/{sid}.
func (h *Handlers) AssessmentSession(w http.ResponseWriter, r *http.Request) error {
	in := kit.Info(r)
	st, err := h.cfg.Assessments.State(r.Context(), in.User, r.PathValue("sid"))
	return writeSession(w, r, st, err)
}

// AssessmentAnswer answers the current question: POST
// /api/v1/assessment-sessions/{sid}/answers with {"question", "value"}.
// Another question than the current one is 409, an unknown option 400.
func (h *Handlers) AssessmentAnswer(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Question string          `json:"question"`
		Value    json.RawMessage `json:"value"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	in := kit.Info(r)
	st, err := h.cfg.Assessments.Answer(r.Context(), in.User, r.PathValue("sid"), sotepe.AssessmentAnswer{Question: b.Question, Value: b.Value})
	return writeSession(w, r, st, err)
}

// AssessmentBack goes back to change an answer: POST
// /api/v1/assessment-sessions/{sid}/back with {"question": id} to return
// to that question, or {} for one question back.
func (h *Handlers) AssessmentBack(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Question string `json:"question"`
	}
	if r.ContentLength != 0 {
		if err := kit.DecodeJSON(r, &b); err != nil {
			return err
		}
	}
	in := kit.Info(r)
	st, err := h.cfg.Assessments.Back(r.Context(), in.User, r.PathValue("sid"), b.Question)
	return writeSession(w, r, st, err)
}

// AssessmentHandOver sends a finished session to the recommended service
// as the signed-in resident's contact request: POST
// /api/v1/assessment-sessions/{sid}/handover, optionally with {"unit"}
// to choose the unit. It answers 201 with the contact request; a repeat
// gives the same request.
func (h *Handlers) AssessmentHandOver(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b struct {
		Unit string `json:"unit"`
	}
	if r.ContentLength != 0 {
		if err := kit.DecodeJSON(r, &b); err != nil {
			return err
		}
	}
	_, req, err := h.cfg.Assessments.HandOver(r.Context(), u, r.PathValue("sid"), b.Unit)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contact-requests/"+strconv.FormatInt(req.ID, 10))
	kit.WriteJSON(w, http.StatusCreated, h.View(req))
	return nil
}

// handOverAnswer is one question and answer of a hand-over.
type handOverAnswer struct {
	Question string          `json:"question"`
	Text     string          `json:"text"`
	Value    json.RawMessage `json:"value"`
	Answer   string          `json:"answer"`
}

// handOverView is what staff see of a handed-over assessment.
type handOverView struct {
	ContactRequest int64            `json:"contact_request"`
	Assessment     string           `json:"assessment"`
	Title          string           `json:"title"`
	Demo           bool             `json:"demo"`
	Urgency        sotepe.Urgency   `json:"urgency"`
	Service        string           `json:"service"`
	Answers        []handOverAnswer `json:"answers"`
	StaffUrgency   sotepe.Urgency   `json:"staff_urgency,omitempty"`
	GradedAt       *time.Time       `json:"graded_at,omitempty"`
}

func (h *Handlers) viewHandOver(st sotepe.AssessmentState, lang sotepe.Lang) handOverView {
	v := handOverView{ContactRequest: st.Session.ContactRequestID, Assessment: st.Info.ID, Title: st.Info.Title.In(lang), Demo: st.Info.Demo,
		Urgency: st.Session.Urgency, Service: st.Session.ServiceID, Answers: []handOverAnswer{}, StaffUrgency: st.Session.StaffUrgency}
	for _, step := range st.Steps {
		v.Answers = append(v.Answers, handOverAnswer{Question: step.Question.ID, Text: step.Question.Text.In(lang),
			Value: step.Answer.Value, Answer: step.Question.AnswerText(step.Answer, lang)})
	}
	if !st.Session.GradedAt.IsZero() {
		t := st.Session.GradedAt.In(h.cfg.Location)
		v.GradedAt = &t
	}
	return v
}

// RequestAssessment returns the assessment handed over as a contact
// request: GET /api/v1/contact-requests/{id}/assessment. Whoever may see
// the request may see it (staff reads are audited); anyone else gets 404.
func (h *Handlers) RequestAssessment(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	st, err := h.cfg.Assessments.ForContactRequest(r.Context(), u, id)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, h.viewHandOver(st, kit.Info(r).Lang))
	return nil
}

// RequestAssessmentGrade records the professional's own urgency: POST
// /api/v1/contact-requests/{id}/assessment/grading with {"urgency"}.
func (h *Handlers) RequestAssessmentGrade(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Urgency sotepe.Urgency `json:"urgency"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if err := h.cfg.Assessments.Grade(r.Context(), u, id, b.Urgency); err != nil {
		return err
	}
	return h.RequestAssessment(w, r, u, id)
}

// assessStatsView is the figures as the page shows them.
type assessStatsView struct {
	From, To  string
	Interval  sotepe.StatsInterval
	Intervals []sotepe.StatsInterval
	Total     assessStatsRow
	Items     []assessStatsRow
	Urgencies []sotepe.Urgency
}

// assessStatsRow is one row of the figures with the definition's names
// and the shares as whole percentages ("–" without a base).
type assessStatsRow struct {
	sotepe.AssessmentFigures
	Title            sotepe.Names
	Share, Agreement string
}

func assessStatsRowOf(f sotepe.AssessmentFigures, title sotepe.Names) assessStatsRow {
	pct := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return strconv.FormatFloat(*v*100, 'f', 0, 64) + " %"
	}
	return assessStatsRow{AssessmentFigures: f, Title: title, Share: pct(f.HandOverShare), Agreement: pct(f.AgreementRate)}
}

// AssessmentFigures are the figures of assessments for managers, analysts
// and administrators: GET /stats/assessments (a page with a table) and GET
// /api/v1/stats/assessments?from=&to=&interval=, by definition and period
// with the outcomes, the hand-over share and the agreement rate between
// the tool and the professionals. Aggregates only; nothing is logged.
func (h *Handlers) AssessmentFigures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	q := r.URL.Query()
	today := h.site.Now().In(h.cfg.Location)
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if to == "" {
		to = today.Format(time.DateOnly)
	}
	interval := sotepe.StatsInterval(q.Get("interval"))
	if interval == "" {
		interval = sotepe.IntervalMonth
	}
	if !interval.Valid() {
		return sotepe.Invalid("error.stats_interval", "interval is day, week or month")
	}
	counts, err := h.cfg.Assessments.Counts(r.Context(), u, from, to)
	if err != nil {
		return err
	}
	figs := sotepe.SummarizeAssessments(counts, interval)
	total, items := figs[len(figs)-1], figs[:len(figs)-1]
	titles := map[string]sotepe.Names{}
	for _, a := range h.cfg.Assessments.Definitions() {
		titles[a.ID] = a.Title
	}
	v := assessStatsView{From: from, To: to, Interval: interval, Intervals: sotepe.StatsIntervals, Total: assessStatsRowOf(total, sotepe.Names{}), Urgencies: sotepe.Urgencies}
	for _, f := range items {
		v.Items = append(v.Items, assessStatsRowOf(f, titles[f.Definition]))
	}
	return kit.Respond(h.site, w, r, struct {
		From     string                     `json:"from"`
		To       string                     `json:"to"`
		Interval sotepe.StatsInterval       `json:"interval"`
		Total    sotepe.AssessmentFigures   `json:"total"`
		Items    []sotepe.AssessmentFigures `json:"items"`
	}{From: from, To: to, Interval: interval, Total: total, Items: items},
		"assess_stats", h.site.T(kit.Info(r).Lang, "assess.stats_title", nil), v)
}
