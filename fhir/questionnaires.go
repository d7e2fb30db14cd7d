package fhir

import (
	"encoding/json"
	"strconv"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// assessmentSystem starts the canonical URL of an assessment's
// questionnaire (a URN: nothing is served at it).
const assessmentSystem = "urn:sotepe:assessment:"

// A QuestionnaireResponse is an assessment handed over as a contact
// request, with the contact request's id. It is read through
// sotepe.AssessmentService.ForContactRequest, as the staff page
// /queue/{id}/assessment does: the resident who handed it over, and staff
// who may see the request (audited by the contact service); 404 for
// anybody else; never a system.
var questionnaireResponseType = resourceType{name: "QuestionnaireResponse",
	read: (*Handler).readQuestionnaireResponse, search: (*Handler).searchQuestionnaireResponses,
	params: map[string]bool{}, readOnly: true, optional: func(c Config) bool { return c.Assessments != nil }}

func (h *Handler) readQuestionnaireResponse(q *request, id string) (resource, error) {
	u, err := h.person(q)
	if err != nil {
		return resource{}, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return resource{}, notFound("questionnaire response")
	}
	st, err := h.cfg.Assessments.ForContactRequest(q.ctx, u, n)
	if err != nil {
		return resource{}, err
	}
	return questionnaireResponse(st, q.lang), nil
}

// searchQuestionnaireResponses is not supported beyond reads: the answer
// is 400, so nobody takes an empty Bundle for "none".
func (h *Handler) searchQuestionnaireResponses(q *request, _ searchParams) (searchResult, error) {
	if _, err := h.person(q); err != nil {
		return searchResult{}, err
	}
	return searchResult{}, sotepe.Invalid("error.fhir_search_unsupported", "search is not supported; read by the contact request's id")
}

// questionnaireResponse maps a handed-over session: the questionnaire (the
// assessment and its version), the resident, when it was handed over, and
// the questions in lang with the answers, typed by the kind of question.
func questionnaireResponse(st sotepe.AssessmentState, lang sotepe.Lang) resource {
	s := st.Session
	id := strconv.FormatInt(s.ContactRequestID, 10)
	qr := fhir.QuestionnaireResponse{Id: ptr(id),
		Questionnaire: ptr(assessmentSystem + s.Definition + "|" + strconv.Itoa(s.Version)),
		Status:        fhir.QuestionnaireResponseStatusCompleted,
	}
	if s.ResidentID != 0 {
		qr.Subject = reference("Patient", strconv.FormatInt(s.ResidentID, 10))
		qr.Source = qr.Subject
	}
	if !s.HandedOverAt.IsZero() {
		qr.Authored = ptr(instant(s.HandedOverAt))
	}
	for _, step := range st.Steps {
		it := fhir.QuestionnaireResponseItem{LinkId: step.Question.ID, Text: ptr(step.Question.Text.In(lang))}
		it.Answer = answers(step, lang)
		qr.Item = append(qr.Item, it)
	}
	return resource{typ: "QuestionnaireResponse", id: id, v: qr, private: true}
}

// answers writes one answer as FHIR's typed values: an option as a Coding
// (its id, its text in lang), yes or no as a boolean, a number as a
// decimal, a text as a string; an empty answer has none.
func answers(step sotepe.AssessmentStep, lang sotepe.Lang) []fhir.QuestionnaireResponseItemAnswer {
	q, raw := step.Question, step.Answer.Value
	optionSystem := assessmentSystem + "option:" + q.ID
	option := func(id string) fhir.QuestionnaireResponseItemAnswer {
		display := id
		for _, o := range q.Options {
			if o.ID == id {
				display = o.Text.In(lang)
			}
		}
		c := coding(optionSystem, id, display)
		return fhir.QuestionnaireResponseItemAnswer{ValueCoding: &c}
	}
	switch q.Kind {
	case sotepe.KindSingleChoice:
		var v string
		if json.Unmarshal(raw, &v) == nil && v != "" {
			return []fhir.QuestionnaireResponseItemAnswer{option(v)}
		}
	case sotepe.KindMultiChoice:
		var vs []string
		if json.Unmarshal(raw, &vs) == nil {
			var out []fhir.QuestionnaireResponseItemAnswer
			for _, v := range vs {
				out = append(out, option(v))
			}
			return out
		}
	case sotepe.KindYesNo:
		var v bool
		if json.Unmarshal(raw, &v) == nil {
			return []fhir.QuestionnaireResponseItemAnswer{{ValueBoolean: &v}}
		}
	case sotepe.KindNumber, sotepe.KindScale:
		var v json.Number
		if json.Unmarshal(raw, &v) == nil && v != "" {
			return []fhir.QuestionnaireResponseItemAnswer{{ValueDecimal: &v}}
		}
	case sotepe.KindText:
		var v string
		if json.Unmarshal(raw, &v) == nil && v != "" {
			return []fhir.QuestionnaireResponseItemAnswer{{ValueString: &v}}
		}
	}
	if text := q.AnswerText(step.Answer, lang); text != "" && string(raw) != "null" && string(raw) != `""` && string(raw) != "[]" {
		return []fhir.QuestionnaireResponseItemAnswer{{ValueString: &text}}
	}
	return nil
}
