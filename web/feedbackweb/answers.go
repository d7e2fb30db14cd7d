package feedbackweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Feedback: POST and GET /api/v1/feedback; the public form of a unit
// (GET/POST /units/{id}/feedback, reached from its QR code or the city
// website), the kiosk of a unit's waiting room (GET/POST
// /feedback/kiosk/{token}) and the portal form and own answers of a
// signed-in resident (GET/POST /feedback). The rules are feedback.Service's;
// here are the abuse limits of the anonymous channels. Nothing about an
// answer is logged.

// feedbackLimited uses one of the allowance of an anonymous answer on
// channel: per address on the QR and website channels, per token on a
// kiosk. Signed-in channels are not limited here. Over the limit is
// ETooMany ("error.too_many").
func (h *Handlers) feedbackLimited(r *http.Request, channel sotepe.FeedbackChannel, token string) error {
	var wait time.Duration
	switch channel {
	case sotepe.FeedbackQR, sotepe.FeedbackWebsite:
		wait = h.answerLimit.Take("a:" + kit.ClientAddr(r))
	case sotepe.FeedbackKioskChannel:
		wait = h.kioskLimit.Take("k:" + token)
	}
	if wait > 0 {
		return kit.TooMany("error.too_many", "feedback limit", wait)
	}
	return nil
}

// feedbackBody is the JSON of POST /api/v1/feedback.
type feedbackBody struct {
	Unit          string                 `json:"unit"`
	Score         *int                   `json:"score"`
	Comment       string                 `json:"comment"`
	Channel       sotepe.FeedbackChannel `json:"channel"`
	Lang          sotepe.Lang            `json:"lang"`
	AppointmentID int64                  `json:"appointment_id"`
	KioskToken    string                 `json:"kiosk_token"`
	VisitToken    string                 `json:"visit_token"`
	// Extra is the answers to the unit's extra questions.
	Extra []sotepe.FeedbackExtraAnswer `json:"extra"`
}

// feedbackView is an answer as the API shows it.
type feedbackView struct {
	ID            int64                  `json:"id"`
	Unit          string                 `json:"unit"`
	Score         int                    `json:"score"`
	Comment       string                 `json:"comment,omitempty"`
	Channel       sotepe.FeedbackChannel `json:"channel"`
	Lang          sotepe.Lang            `json:"lang"`
	Service       string                 `json:"service,omitempty"`
	AppointmentID int64                  `json:"appointment_id,omitempty"`
	CreatedAt     time.Time              `json:"created_at"`
}

func (h *Handlers) viewFeedback(f sotepe.Feedback) feedbackView {
	return feedbackView{ID: f.ID, Unit: f.UnitID, Score: f.Score, Comment: f.Comment, Channel: f.Channel, Lang: f.Lang,
		Service: f.ServiceID, AppointmentID: f.AppointmentID, CreatedAt: f.CreatedAt.In(h.cfg.Location)}
}

// feedbackChannel picks the channel an API answer left without one came
// on: a visit when it names an appointment, a kiosk with a token, the
// portal for a signed-in resident, else the website.
func feedbackChannel(b feedbackBody, u *sotepe.User) sotepe.FeedbackChannel {
	switch {
	case b.Channel != "":
		return b.Channel
	case b.AppointmentID != 0 || b.VisitToken != "":
		return sotepe.FeedbackVisit
	case b.KioskToken != "":
		return sotepe.FeedbackKioskChannel
	case u != nil && u.Has(sotepe.RoleResident):
		return sotepe.FeedbackPortal
	}
	return sotepe.FeedbackWebsite
}

// Create takes an answer: POST /api/v1/feedback. 201 with the
// stored answer (its comment screened).
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) error {
	var b feedbackBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	in := kit.Info(r)
	if b.Score == nil {
		return sotepe.Invalid("error.feedback_score", "score is required")
	}
	if b.Lang == "" {
		b.Lang = in.Lang
	}
	ch := feedbackChannel(b, in.User)
	if err := h.feedbackLimited(r, ch, b.KioskToken); err != nil {
		return err
	}
	f, err := h.cfg.Feedback.Submit(r.Context(), in.User, sotepe.FeedbackInput{UnitID: b.Unit, Score: *b.Score, Comment: b.Comment,
		Channel: ch, Lang: b.Lang, AppointmentID: b.AppointmentID, KioskToken: b.KioskToken, VisitToken: b.VisitToken, Extra: b.Extra})
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, h.viewFeedback(f))
	return nil
}

// List lists answers: GET /api/v1/feedback. A resident gets their
// own; a unit manager their units' answers with comments (screened),
// narrowed by unit=.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	page, err := kit.ReadPageRequest(r.URL.Query())
	if err != nil {
		return err
	}
	var units []string
	if unit := r.URL.Query().Get("unit"); unit != "" {
		units = []string{unit}
	}
	p, err := h.cfg.Feedback.List(r.Context(), u, units, page)
	return kit.WritePage(w, p, err, h.viewFeedback)
}

// The pages.

// feedbackFormView is the public, portal and kiosk form.
type feedbackFormView struct {
	Unit     sotepe.Unit
	Units    []sotepe.Unit // the portal's choice of unit
	Action   string
	Via      string // qr or website, for the public form
	Appt     int64  // the visit the portal form answers about
	Scores   []int
	Thanks   bool
	Error    *kit.FormError
	Comment  string
	Own      []feedbackRow // the resident's own answers
	Refresh  int           // seconds before the kiosk returns to its start
	KioskURL string
	// Extra is the unit's extra questions, asked before the score.
	Extra []sotepe.FeedbackQuestion
	// Visit marks the form of a visit's feedback link; Done, that its one
	// answer is stored (the form is not shown again).
	Visit, Done bool
}

type feedbackRow struct {
	Unit, When, Comment string
	Score               int
}

func scores() []int { return []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10} }

// formScore reads the score of a posted form; a missing or malformed one
// is out of range, which the service explains.
func formScore(r *http.Request) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("score")))
	if err != nil {
		return -1
	}
	return n
}

// UnitPage is a unit's public form: GET /units/{id}/feedback, with
// via=qr when reached from the QR code at the door.
func (h *Handlers) UnitPage(w http.ResponseWriter, r *http.Request) error {
	unit, err := h.cfg.Directory.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := feedbackFormView{Unit: unit, Action: "/units/" + unit.ID + "/feedback", Via: publicVia(r.URL.Query().Get("via")), Scores: scores()}
	if v.Extra, err = h.unitQuestions(r.Context(), unit.ID); err != nil {
		return err
	}
	return kit.ShowPage(h.site, w, r, "feedback_form", "feedback.title", v, nil)
}

func publicVia(v string) string {
	if v == string(sotepe.FeedbackQR) {
		return v
	}
	return string(sotepe.FeedbackWebsite)
}

// UnitSubmit takes the public form: POST /units/{id}/feedback.
func (h *Handlers) UnitSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	unit, err := h.cfg.Directory.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	in := kit.Info(r)
	ch := sotepe.FeedbackChannel(publicVia(r.PostForm.Get("via")))
	v := feedbackFormView{Unit: unit, Action: "/units/" + unit.ID + "/feedback", Via: string(ch), Scores: scores()}
	if v.Extra, err = h.cfg.Feedback.Questions(r.Context(), unit.ID); err != nil {
		return err
	}
	if err := h.feedbackLimited(r, ch, ""); err != nil {
		return err
	}
	_, err = h.cfg.Feedback.Submit(r.Context(), nil, sotepe.FeedbackInput{UnitID: unit.ID, Score: formScore(r), Comment: r.PostForm.Get("comment"), Channel: ch, Lang: in.Lang,
		Extra: formExtra(r, v.Extra)})
	return h.feedbackFormResult(w, r, "feedback_form", v, err)
}

// feedbackFormResult shows the form again: thanks after an answer, the
// reason and what was typed after bad input.
func (h *Handlers) feedbackFormResult(w http.ResponseWriter, r *http.Request, page string, v feedbackFormView, err error) error {
	in := kit.Info(r)
	status := http.StatusOK
	switch code := sotepe.ErrorCode(err); code {
	case "":
		v.Thanks = true
	case sotepe.EInvalid, sotepe.EConflict:
		status, v.Error, v.Comment = sotepe.HTTPStatus(code), kit.FormErrorIn(h.site, in.Lang, err, "unit", "comment", "score"), r.PostForm.Get("comment")
	default:
		return err
	}
	title := h.site.T(in.Lang, "feedback.title", nil)
	if page == "feedback_kiosk" {
		h.site.Standalone(w, r, status, page, title, v)
		return nil
	}
	h.site.Page(w, r, status, page, title, v)
	return nil
}

// kioskRefresh is how long a kiosk waits on a page before it returns to
// its start: after an answer, and when an answer was begun and left.
const (
	kioskThanksSeconds = 5
	kioskIdleSeconds   = 90
)

// KioskPage is a unit's kiosk: GET /feedback/kiosk/{token}. The
// token, issued by the unit's manager, is the kiosk's only credential.
func (h *Handlers) KioskPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.kioskView(r, r.PathValue("token"))
	if err != nil {
		return err
	}
	h.site.Standalone(w, r, http.StatusOK, "feedback_kiosk", h.site.T(kit.Info(r).Lang, "feedback.title", nil), v)
	return nil
}

// kioskView is the kiosk form of the unit whose kiosk token is token, with
// the unit's extra questions.
func (h *Handlers) kioskView(r *http.Request, token string) (feedbackFormView, error) {
	unitID, err := h.cfg.Feedback.KioskUnit(r.Context(), token)
	if err != nil {
		return feedbackFormView{}, err
	}
	unit, err := h.cfg.Directory.Unit(r.Context(), unitID)
	if err != nil {
		return feedbackFormView{}, err
	}
	v := feedbackFormView{Unit: unit, Action: "/feedback/kiosk/" + token, Scores: scores(), Refresh: kioskIdleSeconds, KioskURL: kioskStart(r, token)}
	v.Extra, err = h.cfg.Feedback.Questions(r.Context(), unit.ID)
	return v, err
}

// kioskStart is the kiosk's start page in the page's language.
func kioskStart(r *http.Request, token string) string {
	return "/feedback/kiosk/" + token + "?lang=" + string(kit.Info(r).Lang)
}

// KioskSubmit takes a kiosk answer and thanks, returning to the
// start after a few seconds: POST /feedback/kiosk/{token}.
func (h *Handlers) KioskSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	token := r.PathValue("token")
	v, err := h.kioskView(r, token)
	if err != nil {
		return err
	}
	if err := h.feedbackLimited(r, sotepe.FeedbackKioskChannel, token); err != nil {
		return err
	}
	_, err = h.cfg.Feedback.Submit(r.Context(), nil, sotepe.FeedbackInput{UnitID: v.Unit.ID, Score: formScore(r), Comment: r.PostForm.Get("comment"),
		Channel: sotepe.FeedbackKioskChannel, Lang: kit.Info(r).Lang, KioskToken: token, Extra: formExtra(r, v.Extra)})
	if err == nil {
		v.Refresh = kioskThanksSeconds
	}
	return h.feedbackFormResult(w, r, "feedback_kiosk", v, err)
}

// PortalPage is the portal form and the resident's own answers:
// GET /feedback, with appointment= to answer about a completed visit.
func (h *Handlers) PortalPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.portalView(r)
	if err != nil {
		return err
	}
	if a := r.URL.Query().Get("appointment"); a != "" {
		v.Appt, _ = strconv.ParseInt(a, 10, 64)
	}
	return kit.ShowPage(h.site, w, r, "feedback_form", "feedback.title", v, nil)
}

func (h *Handlers) portalView(r *http.Request) (feedbackFormView, error) {
	u, err := kit.RequireRole(r, sotepe.RoleResident)
	if err != nil {
		return feedbackFormView{}, err
	}
	units, err := sotepe.AllUnits(r.Context(), h.cfg.Directory, sotepe.UnitFilter{})
	if err != nil {
		return feedbackFormView{}, err
	}
	v := feedbackFormView{Units: units, Action: "/feedback", Scores: scores()}
	own, err := h.cfg.Feedback.List(r.Context(), u, nil, sotepe.PageRequest{Limit: 20})
	if err != nil {
		return v, err
	}
	names := map[string]sotepe.Names{}
	for _, x := range units {
		names[x.ID] = x.Names
	}
	for _, f := range own.Items {
		v.Own = append(v.Own, feedbackRow{Unit: names[f.UnitID].In(kit.Info(r).Lang), When: h.site.Dates(kit.Info(r).Lang).DateTime(f.CreatedAt),
			Comment: f.Comment, Score: f.Score})
	}
	return v, nil
}

// PortalSubmit takes the portal form: POST /feedback. With
// appointment set it is the answer about that visit.
func (h *Handlers) PortalSubmit(w http.ResponseWriter, r *http.Request) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	fi := sotepe.FeedbackInput{UnitID: r.PostForm.Get("unit"), Score: formScore(r), Comment: r.PostForm.Get("comment"), Channel: sotepe.FeedbackPortal, Lang: in.Lang}
	if a, _ := strconv.ParseInt(r.PostForm.Get("appointment"), 10, 64); a > 0 {
		fi.Channel, fi.AppointmentID = sotepe.FeedbackVisit, a
	}
	_, err = h.cfg.Feedback.Submit(r.Context(), in.User, fi)
	if code := sotepe.ErrorCode(err); code == sotepe.EUnauthorized || code == sotepe.EForbidden {
		return err
	}
	v, verr := h.portalView(r)
	if verr != nil {
		return verr
	}
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		// An unknown unit or someone else's visit: explained on the form.
		err = sotepe.Invalid(sotepe.ErrorKey(err), "not found")
	}
	return h.feedbackFormResult(w, r, "feedback_form", v, err)
}

// VisitPage is the form the feedback link of a completed visit
// opens, without signing in: GET /feedback/visit/{token}. An unknown link
// is 404; a visit answered already 409, each with a page saying so.
func (h *Handlers) VisitPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.visitView(r)
	return kit.ShowPage(h.site, w, r, "feedback_form", "feedback.title", v, err)
}

func (h *Handlers) visitView(r *http.Request) (feedbackFormView, error) {
	token := r.PathValue("token")
	unitID, err := h.cfg.Feedback.VisitUnit(r.Context(), token)
	if err != nil {
		return feedbackFormView{}, err
	}
	unit, err := h.cfg.Directory.Unit(r.Context(), unitID)
	if err != nil {
		return feedbackFormView{}, err
	}
	v := feedbackFormView{Unit: unit, Action: "/feedback/visit/" + token, Scores: scores(), Visit: true}
	v.Extra, err = h.cfg.Feedback.Questions(r.Context(), unit.ID)
	return v, err
}

// VisitSubmit takes the answer of a visit's feedback link: POST
// /feedback/visit/{token}. The link answers once: afterwards it says the
// visit has its answer.
func (h *Handlers) VisitSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	v, err := h.visitView(r)
	if err != nil {
		return err
	}
	_, err = h.cfg.Feedback.Submit(r.Context(), nil, sotepe.FeedbackInput{Score: formScore(r), Comment: r.PostForm.Get("comment"),
		Channel: sotepe.FeedbackVisit, Lang: kit.Info(r).Lang, VisitToken: r.PathValue("token"), Extra: formExtra(r, v.Extra)})
	if err == nil {
		v.Done = true
	}
	return h.feedbackFormResult(w, r, "feedback_form", v, err)
}
