package feedbackweb

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"sotepe"
	"sotepe/web/kit"
)

// Units' extra feedback questions: the forms ask them (all optional), the
// manager adds and retires them on the manager's page and reads their
// figures there; the API: GET/POST /api/v1/units/{id}/feedback-questions,
// DELETE …/{qid}, GET …/results.

// formExtra reads the answers to extra questions qs from a posted form:
// "extra-<id>" holds an option id or a scale's step; a question left
// unanswered is left out.
func formExtra(r *http.Request, qs []sotepe.FeedbackQuestion) []sotepe.FeedbackExtraAnswer {
	var out []sotepe.FeedbackExtraAnswer
	for _, q := range qs {
		v := strings.TrimSpace(r.PostForm.Get("extra-" + strconv.FormatInt(q.ID, 10)))
		if v == "" {
			continue
		}
		var raw []byte
		if q.Question.Kind == sotepe.KindScale {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1 // out of range: the service explains
			}
			raw, _ = json.Marshal(n)
		} else {
			raw, _ = json.Marshal(v)
		}
		out = append(out, sotepe.FeedbackExtraAnswer{QuestionID: q.ID, Value: raw})
	}
	return out
}

// unitQuestions returns the extra questions unit asks, for its forms.
func (h *Handlers) unitQuestions(ctx context.Context, unit string) ([]sotepe.FeedbackQuestion, error) {
	return h.cfg.Feedback.Questions(ctx, unit)
}

// QuestionList lists the extra questions a unit asks: GET
// /api/v1/units/{id}/feedback-questions, for anyone.
func (h *Handlers) QuestionList(w http.ResponseWriter, r *http.Request) error {
	unit, err := h.cfg.Directory.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	qs, err := h.unitQuestions(r.Context(), unit.ID)
	return kit.WriteItems(w, qs, err)
}

// QuestionCreate adds an extra question to a unit its manager
// manages: POST /api/v1/units/{id}/feedback-questions with {"kind":
// "scale"|"single_choice", "text", "low", "high", "options"}, 201.
func (h *Handlers) QuestionCreate(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b sotepe.NewFeedbackQuestion
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	q, err := h.cfg.Feedback.AddQuestion(r.Context(), u, r.PathValue("id"), b)
	return kit.WriteResult(w, http.StatusCreated, q, err)
}

// QuestionRetire stops asking an extra question: DELETE
// /api/v1/units/{id}/feedback-questions/{qid} (204) and POST
// /staff/feedback/questions/{qid}/retire (the manager's page).
func (h *Handlers) QuestionRetire(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	unit, err := staffFeedbackUnit(r)
	if err != nil {
		return err
	}
	id, err := kit.PathID(r, "qid", "feedback question")
	if err != nil {
		return err
	}
	return staffFeedbackDone(w, r, h.cfg.Feedback.RetireQuestion(r.Context(), u, unit, id))
}

// QuestionResults returns the figures of a unit's extra questions
// for its manager, analysts and administrators: GET
// /api/v1/units/{id}/feedback-questions/results.
func (h *Handlers) QuestionResults(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	res, err := h.cfg.Feedback.QuestionResults(r.Context(), u, r.PathValue("id"))
	return kit.WriteItems(w, res, err)
}

// extraResultView is an extra question's figures on the manager's page.
type extraResultView struct {
	ID      int64
	Retired bool
	surveyResultView
}

// extraResults formats the figures of a unit's extra questions.
func (h *Handlers) extraResults(lang sotepe.Lang, res []sotepe.FeedbackQuestionResult) []extraResultView {
	out := make([]extraResultView, 0, len(res))
	for _, q := range res {
		out = append(out, extraResultView{ID: q.ID, Retired: q.Retired, surveyResultView: h.surveyResultView(lang, q.SurveyQuestionResult)})
	}
	return out
}

// QuestionForm adds an extra question from the manager's page:
// POST /staff/feedback/questions. The options of a choice are written one
// a line in each language. A problem shows the page again with it.
func (h *Handlers) QuestionForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	names := func(prefix string) sotepe.Names {
		return sotepe.Names{Fi: f.Get(prefix + "_fi"), Sv: f.Get(prefix + "_sv"), En: f.Get(prefix + "_en")}
	}
	n := sotepe.NewFeedbackQuestion{Kind: sotepe.QuestionKind(f.Get("kind")), Text: names("text"), Low: names("low"), High: names("high")}
	if n.Kind == sotepe.KindSingleChoice {
		lines := func(lang string) []string {
			var out []string
			for _, l := range strings.Split(f.Get("options_"+lang), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
			return out
		}
		fi, sv, en := lines("fi"), lines("sv"), lines("en")
		for i := range max(len(fi), len(sv), len(en)) {
			at := func(l []string) string {
				if i < len(l) {
					return l[i]
				}
				return ""
			}
			n.Options = append(n.Options, sotepe.Names{Fi: at(fi), Sv: at(sv), En: at(en)})
		}
	}
	_, err = h.cfg.Feedback.AddQuestion(r.Context(), u, f.Get("unit"), n)
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		v, verr := h.feedbackStaffView(r)
		if verr != nil {
			return verr
		}
		lang := kit.Info(r).Lang
		v.QuestionError = h.site.ErrText(lang, err)
		h.site.Page(w, r, sotepe.HTTPStatus(code), "feedback_staff", h.site.T(lang, "feedback.staff_title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/feedback", http.StatusSeeOther)
	return nil
}
