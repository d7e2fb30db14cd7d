package kit

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"sotepe"
)

// FormError is an error shown on a form page, as the field of the
// page's view named Error (package web shows it at its field).
type FormError struct {
	// Message is the error in the page's language.
	Message string
	// Field is the id of the form element the error is about, "" when it
	// is about the form as a whole.
	Field string
}

// NewFormError is err, whose text in the page's language is text, for a
// form whose element ids are fields. An entry "api=id" maps the field the
// service names (sotepe.ErrorField) to the form's element id where the two
// differ; "a.b" names match their last part ("contact.email" is the
// element "email"). A field the form does not have leaves the error about
// the whole form, so a summary never links to nothing. A nil err is a nil
// *FormError.
func NewFormError(text string, err error, fields ...string) *FormError {
	if err == nil {
		return nil
	}
	return &FormError{Message: text, Field: formField(sotepe.ErrorField(err), fields)}
}

// formField maps the field an error names to the id of the form element
// among fields, "" when the form has none for it.
func formField(field string, fields []string) string {
	if field == "" {
		return ""
	}
	last := field[strings.LastIndex(field, ".")+1:]
	for _, f := range fields {
		name, id, mapped := strings.Cut(f, "=")
		if !mapped {
			id = name
		}
		if name == field || (!mapped && name == last) {
			return id
		}
	}
	return ""
}

// AnswerError is err about the answer to q, when the answer was refused as
// invalid, on the question pages of assessments and surveys: the element
// is the fieldset "answer" of a choice, or the input "answer-value" of a
// number or a text.
func AnswerError(q *sotepe.Question, err error) error {
	if q == nil || sotepe.ErrorCode(err) != sotepe.EInvalid {
		return err
	}
	if q.Kind == sotepe.KindNumber || q.Kind == sotepe.KindText {
		return AtField(err, "answer-value")
	}
	return AtField(err, "answer")
}

// AtField returns err about the input field when err is a *sotepe.Error
// that names no field yet, and err unchanged otherwise.
func AtField(err error, field string) error {
	var e *sotepe.Error
	if errors.As(err, &e) && e.Field == "" {
		return e.At(field)
	}
	return err
}

// FormAnswer reads the answer form of question q, for the assessments and
// the survey alike: "value" holds an option id, option ids, "true" or
// "false", a number (with a decimal point or comma; a scale's step) or a
// text. Nothing chosen is EInvalid.
func FormAnswer(r *http.Request, q sotepe.Question) (sotepe.AssessmentAnswer, error) {
	a := sotepe.AssessmentAnswer{Question: r.PostForm.Get("question")}
	values := r.PostForm["value"]
	first := strings.TrimSpace(r.PostForm.Get("value"))
	var v any
	switch q.Kind {
	case sotepe.KindMultiChoice:
		v = append([]string{}, values...)
	case sotepe.KindText:
		v = first
	case sotepe.KindYesNo:
		if first != "true" && first != "false" {
			return a, sotepe.Invalid("assess.error.choose", "choose an answer")
		}
		v = first == "true"
	case sotepe.KindNumber, sotepe.KindScale:
		if first == "" && q.Kind == sotepe.KindScale {
			return a, sotepe.Invalid("assess.error.choose", "choose an answer")
		}
		n, err := strconv.ParseFloat(strings.Replace(first, ",", ".", 1), 64)
		if err != nil {
			return a, sotepe.Invalid("assess.error.value", "not a number").With(map[string]any{"Kind": string(q.Kind)})
		}
		v = n
	default:
		if first == "" {
			return a, sotepe.Invalid("assess.error.choose", "choose an answer")
		}
		v = first
	}
	b, err := json.Marshal(v)
	a.Value = b
	return a, err
}
