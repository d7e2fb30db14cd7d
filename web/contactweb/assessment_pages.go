package contactweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// The assessment pages work without JavaScript: one question per page,
// each answer a form post that redirects to the session's page, which shows
// the next question or the outcome. Going back, or changing an answer from
// the summary, is a post too, as it forgets the answers after it.

// assessPage is what the assessment page templates get.
type assessPage struct {
	Info     sotepe.AssessmentInfo
	Infos    []sotepe.AssessmentInfo
	State    sotepe.AssessmentState
	Question *sotepe.Question
	Number   int // the current question's number on its path
	Summary  []view.SummaryLine
	Service  sotepe.Names
	Units    []sotepe.Unit // the units of the recommended service, to choose from
	Error    *kit.FormError
	Resident bool // the viewer is a signed-in resident, who can hand over
}

// sessionPath is the page of a session.
func sessionPath(id string) string { return "/assessment-sessions/" + url.PathEscape(id) }

// AssessListPage lists the assessments: GET /assessments.
func (h *Handlers) AssessListPage(w http.ResponseWriter, r *http.Request) error {
	h.site.Page(w, r, http.StatusOK, "assess_list", h.site.T(kit.Info(r).Lang, "assess.title", nil), assessPage{Infos: h.cfg.Assessments.Definitions()})
	return nil
}

// AssessIntroPage introduces one assessment: GET /assessments/{id}.
func (h *Handlers) AssessIntroPage(w http.ResponseWriter, r *http.Request) error {
	a, _, err := h.cfg.Assessments.Definition(r.PathValue("id"))
	if err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "assess_intro", a.Title.In(kit.Info(r).Lang), assessPage{Info: a})
	return nil
}

// AssessStartForm starts a session and goes to its first question: POST
// /assessments/{id}/start.
func (h *Handlers) AssessStartForm(w http.ResponseWriter, r *http.Request) error {
	in := kit.Info(r)
	st, err := h.cfg.Assessments.Start(r.Context(), in.User, r.PathValue("id"), in.Lang)
	if err != nil {
		return err
	}
	http.Redirect(w, r, sessionPath(st.Session.ID), http.StatusSeeOther)
	return nil
}

// AssessSessionPage shows the session's next question or its outcome: GET
// /assessment-sessions/{sid}.
func (h *Handlers) AssessSessionPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.cfg.Assessments.State(r.Context(), kit.Info(r).User, r.PathValue("sid"))
	if err != nil {
		return err
	}
	return h.showSession(w, r, st, nil, http.StatusOK)
}

// showSession renders the question page or the result page of st, with a
// problem to explain when not nil.
func (h *Handlers) showSession(w http.ResponseWriter, r *http.Request, st sotepe.AssessmentState, problem *kit.FormError, status int) error {
	in := kit.Info(r)
	v := assessPage{Info: st.Info, State: st, Question: st.Question, Number: len(st.Steps) + 1, Error: problem,
		Resident: in.User != nil && in.User.Has(sotepe.RoleResident)}
	for _, step := range st.Steps {
		v.Summary = append(v.Summary, view.SummaryLine{ID: step.Question.ID, Question: step.Question.Text.In(in.Lang), Answer: step.Question.AnswerText(step.Answer, in.Lang)})
	}
	page := "assess_question"
	if st.Outcome != nil {
		page = "assess_result"
		svc, err := h.cfg.Directory.Service(r.Context(), st.Outcome.ServiceID)
		if err != nil {
			return err
		}
		v.Service = svc.Names
		if v.Resident && st.Outcome.Urgency != sotepe.UrgencyEmergency && st.Session.ContactRequestID == 0 {
			units, err := h.cfg.Directory.Units(r.Context(), sotepe.UnitFilter{Service: svc.ID, SortLang: in.Lang, Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}})
			if err != nil {
				return err
			}
			v.Units = units.Items
		}
	}
	h.site.Page(w, r, status, page, st.Info.Title.In(in.Lang), v)
	return nil
}

// AssessAnswerForm answers the current question: POST
// /assessment-sessions/{sid}/answer. A value the question does not take
// shows the question again with the problem; an answer to a question that
// is no longer current (the browser's back button) shows the current one.
func (h *Handlers) AssessAnswerForm(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in, sid := kit.Info(r), r.PathValue("sid")
	st, err := h.cfg.Assessments.State(r.Context(), in.User, sid)
	if err != nil {
		return err
	}
	problem := func(err error) error {
		return h.showSession(w, r, st, kit.FormErrorIn(h.site, in.Lang, kit.AnswerError(st.Question, err), "answer", "answer-value"), sotepe.HTTPStatus(sotepe.ErrorCode(err)))
	}
	if st.Question == nil || r.PostForm.Get("question") != st.Question.ID {
		return problem(&sotepe.Error{Code: sotepe.EConflict, Key: "assess.error.not_current", Message: "not the current question"})
	}
	a, err := kit.FormAnswer(r, *st.Question)
	if err != nil {
		return problem(err)
	}
	if _, err := h.cfg.Assessments.Answer(r.Context(), in.User, sid, a); err != nil {
		if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
			if st2, err2 := h.cfg.Assessments.State(r.Context(), in.User, sid); err2 == nil {
				st = st2
			}
			return problem(err)
		}
		return err
	}
	http.Redirect(w, r, sessionPath(sid), http.StatusSeeOther)
	return nil
}

// AssessBackForm goes back one question, or to the question the form
// names: POST /assessment-sessions/{sid}/back.
func (h *Handlers) AssessBackForm(w http.ResponseWriter, r *http.Request) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	sid := r.PathValue("sid")
	_, err = h.cfg.Assessments.Back(r.Context(), kit.Info(r).User, sid, r.PostForm.Get("question"))
	if err != nil && sotepe.ErrorCode(err) != sotepe.EConflict {
		return err
	}
	http.Redirect(w, r, sessionPath(sid), http.StatusSeeOther)
	return nil
}

// AssessHandOverForm sends the result to the recommended service and
// shows the new contact request: POST /assessment-sessions/{sid}/handover.
// Someone not signed in is sent to sign in and back to the result.
func (h *Handlers) AssessHandOverForm(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	if kit.Info(r).User == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(sessionPath(sid)), http.StatusSeeOther)
		return nil
	}
	u, err := kit.RequireRole(r, sotepe.RoleResident)
	if err != nil {
		return err
	}
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	_, req, err := h.cfg.Assessments.HandOver(r.Context(), u, sid, r.PostForm.Get("unit"))
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		st, err2 := h.cfg.Assessments.State(r.Context(), &u, sid)
		if err2 != nil {
			return err2
		}
		return h.showSession(w, r, st, kit.FormErrorIn(h.site, kit.Info(r).Lang, err, "unit"), sotepe.HTTPStatus(code))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+strconv.FormatInt(req.ID, 10), http.StatusSeeOther)
	return nil
}

// handOverPage is what the professional's page of a hand-over gets.
type handOverPage struct {
	V         handOverView
	Urgencies []sotepe.Urgency
	Service   sotepe.Names
	Error     string
}

// QueueAssessmentPage shows a professional the answers of a handed-over
// assessment with the form to grade its urgency and answer: GET
// /queue/{id}/assessment.
func (h *Handlers) QueueAssessmentPage(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showHandOver(w, r, u, id, "", http.StatusOK)
}

func (h *Handlers) showHandOver(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, problem string, status int) error {
	st, err := h.cfg.Assessments.ForContactRequest(r.Context(), u, id)
	if err != nil {
		return err
	}
	in := kit.Info(r)
	v := handOverPage{V: h.viewHandOver(st, in.Lang), Urgencies: sotepe.Urgencies, Error: problem}
	if svcInfo, err := h.cfg.Directory.Service(r.Context(), st.Session.ServiceID); err == nil {
		v.Service = svcInfo.Names
	}
	h.site.Page(w, r, status, "assess_handover", h.site.T(in.Lang, "assess.handover_title", nil), v)
	return nil
}

// QueueAssessmentForm records the professional's urgency and, when the
// form holds a message, answers the request with it: POST
// /queue/{id}/assessment.
func (h *Handlers) QueueAssessmentForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	err = h.cfg.Assessments.Grade(r.Context(), u, id, sotepe.Urgency(r.PostForm.Get("urgency")))
	if err == nil {
		if msg := strings.TrimSpace(r.PostForm.Get("message")); msg != "" {
			_, err = h.cfg.Contacts.Reply(r.Context(), u, id, sotepe.Reply{Body: msg})
		}
	}
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		return h.showHandOver(w, r, u, id, h.site.ErrText(lang, err), sotepe.HTTPStatus(code))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/queue/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
