package feedbackweb

import (
	"encoding/json"
	"net/http"
	"net/url"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// The resident survey. A resident follows an invitation link
// (/survey/{token}) and answers one question per page without signing in
// and without JavaScript, each answer a form post that redirects back to
// the link, as the assessments do; the answers are sent once at the end.
// The API answers a whole response at once (POST /api/v1/survey-responses),
// administrators create invitations, analysts and administrators read the
// figures. Tokens are never logged: the logs name routes by pattern.

// surveyPath is the page of an invitation.
func surveyPath(token string) string { return "/survey/" + url.PathEscape(token) }

// surveyPage is what the survey templates get.
type surveyPage struct {
	Info     sotepe.SurveyInfo
	Token    string
	Question *sotepe.Question
	Number   int
	Total    int
	Summary  []view.SummaryLine
	Error    *kit.FormError
}

// SurveyInvitationPage shows the next question of an invitation, or the
// answers to send when every question has one: GET /survey/{token}. An
// unknown link is 404 and a used one 409, each with a page saying so.
func (h *Handlers) SurveyInvitationPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.cfg.Surveys.State(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.showSurvey(w, r, st, nil, http.StatusOK)
}

func (h *Handlers) showSurvey(w http.ResponseWriter, r *http.Request, st sotepe.SurveyState, problem *kit.FormError, status int) error {
	lang := kit.Info(r).Lang
	v := surveyPage{Info: st.Info, Token: r.PathValue("token"), Question: st.Question, Number: st.Number, Total: st.Total, Error: problem}
	for _, step := range st.Steps {
		answer := h.site.T(lang, "survey.skipped", nil)
		if string(step.Answer.Value) != "null" {
			answer = step.Question.AnswerText(step.Answer, lang)
		}
		v.Summary = append(v.Summary, view.SummaryLine{ID: step.Question.ID, Question: step.Question.Text.In(lang), Answer: answer})
	}
	page := "survey_question"
	if st.Question == nil {
		page = "survey_review"
	}
	h.site.Page(w, r, status, page, st.Info.Title.In(lang), v)
	return nil
}

// SurveyAnswerForm answers the next question: POST /survey/{token}/answer.
// "skip" skips an optional question. A value the question does not take
// shows the question again with the problem.
func (h *Handlers) SurveyAnswerForm(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in, token := kit.Info(r), r.PathValue("token")
	st, err := h.cfg.Surveys.State(r.Context(), token)
	if err != nil {
		return err
	}
	problem := func(err error) error {
		err = kit.AnswerError(st.Question, err)
		return h.showSurvey(w, r, st, kit.FormErrorIn(h.site, in.Lang, err, "answer", "answer-value"), sotepe.HTTPStatus(sotepe.ErrorCode(err)))
	}
	if st.Question == nil || r.PostForm.Get("question") != st.Question.ID {
		return problem(&sotepe.Error{Code: sotepe.EConflict, Key: "assess.error.not_current", Message: "not the current question"})
	}
	a := sotepe.AssessmentAnswer{Question: st.Question.ID, Value: json.RawMessage("null")}
	if r.PostForm.Get("skip") == "" {
		if a, err = kit.FormAnswer(r, *st.Question); err != nil {
			return problem(err)
		}
	}
	if _, err := h.cfg.Surveys.Answer(r.Context(), token, a); err != nil {
		if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
			return problem(err)
		}
		return err
	}
	http.Redirect(w, r, surveyPath(token), http.StatusSeeOther)
	return nil
}

// SurveyBackForm forgets the last answer: POST /survey/{token}/back.
func (h *Handlers) SurveyBackForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if _, err := h.cfg.Surveys.Back(r.Context(), token); err != nil && sotepe.ErrorCode(err) != sotepe.EConflict {
		return err
	}
	http.Redirect(w, r, surveyPath(token), http.StatusSeeOther)
	return nil
}

// SurveySendForm sends the answers as the invitation's one response and
// thanks the resident, after the response is stored: POST
// /survey/{token}/send.
func (h *Handlers) SurveySendForm(w http.ResponseWriter, r *http.Request) error {
	in, token := kit.Info(r), r.PathValue("token")
	st, err := h.cfg.Surveys.State(r.Context(), token)
	if err != nil {
		return err
	}
	if err := h.cfg.Surveys.Send(r.Context(), token, in.Lang); err != nil {
		if sotepe.ErrorCode(err) == sotepe.EConflict && st.Question != nil {
			return h.showSurvey(w, r, st, kit.FormErrorIn(h.site, in.Lang, err), http.StatusConflict)
		}
		return err
	}
	h.site.Page(w, r, http.StatusOK, "survey_thanks", st.Info.Title.In(in.Lang), surveyPage{Info: st.Info})
	return nil
}

// SurveyList lists the surveys: GET /api/v1/surveys.
func (h *Handlers) SurveyList(w http.ResponseWriter, r *http.Request) error {
	list := h.cfg.Surveys.Surveys()
	if list == nil {
		list = []sotepe.SurveyInfo{}
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// SurveyGet returns one survey with its questions: GET /api/v1/surveys/{id}.
func (h *Handlers) SurveyGet(w http.ResponseWriter, r *http.Request) error {
	info, qs, err := h.cfg.Surveys.Survey(r.PathValue("id"))
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, struct {
		sotepe.SurveyInfo
		Questions []sotepe.Question `json:"questions"`
	}{info, qs})
	return nil
}

// SurveyRespond stores a whole response: POST /api/v1/survey-responses
// with {"token", "lang", "answers": [{"question", "value"}]}; a skipped
// optional question is left out or null. 201 once it is stored; a used
// invitation is 409, an unknown one 404, a missing or unfit answer 400.
func (h *Handlers) SurveyRespond(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Token   string                    `json:"token"`
		Lang    sotepe.Lang               `json:"lang"`
		Answers []sotepe.AssessmentAnswer `json:"answers"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Lang == "" {
		b.Lang = kit.Info(r).Lang
	}
	if err := h.cfg.Surveys.Respond(r.Context(), b.Token, b.Lang, b.Answers); err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, map[string]string{"status": "stored"})
	return nil
}

// SurveyInvite creates invitations for an administrator: POST
// /api/v1/surveys/{id}/invitations with {"count": N}. 201 with the tokens
// and the paths of their links, shown only this once.
func (h *Handlers) SurveyInvite(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b struct {
		Count int `json:"count"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	tokens, err := h.cfg.Surveys.Invite(r.Context(), u, id, b.Count)
	if err != nil {
		return err
	}
	links := make([]string, len(tokens))
	for i, t := range tokens {
		links[i] = surveyPath(t)
	}
	kit.WriteJSON(w, http.StatusCreated, map[string]any{"survey": id, "tokens": tokens, "links": links})
	return nil
}

// surveyResultRow is one line of a question's figures on the page.
type surveyResultRow struct {
	Label, Count, Share string
}

// surveyResultView is one question's figures on the page.
type surveyResultView struct {
	Question, Answered, Mean, Note string
	Rows                           []surveyResultRow
}

// SurveyResults serves the figures of a survey to analysts and
// administrators: GET /surveys/{id}/results and its JSON.
func (h *Handlers) SurveyResults(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	res, err := h.cfg.Surveys.Results(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	var views []surveyResultView
	for _, q := range res.Questions {
		views = append(views, h.surveyResultView(lang, q))
	}
	return kit.Respond(h.site, w, r, res, "survey_results", res.Survey.Title.In(lang), struct {
		Results   sotepe.SurveyResults
		Responses string
		Questions []surveyResultView
	}{res, view.Count(lang, res.Responses), views})
}

// surveyResultView formats one question's figures (a survey's or an extra
// feedback question's) for a page.
func (h *Handlers) surveyResultView(lang sotepe.Lang, q sotepe.SurveyQuestionResult) surveyResultView {
	v := surveyResultView{Question: q.Question.Text.In(lang), Answered: view.Count(lang, q.Answered)}
	if q.Withheld != "" {
		v.Note = h.site.T(lang, "feedback.withheld", map[string]any{"Min": sotepe.MinSurveyAnswers})
	}
	if q.Mean != nil {
		v.Mean = view.Decimal(lang, *q.Mean, 2)
	}
	for _, o := range q.Options {
		row := surveyResultRow{Label: o.Text.In(lang), Count: view.Count(lang, o.Count), Share: "–"}
		if o.Share != nil {
			row.Share = view.Decimal(lang, *o.Share*100, 1) + " %"
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
