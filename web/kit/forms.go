package kit

import (
	"errors"
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

// AtField returns err about the input field when err is a *sotepe.Error
// that names no field yet, and err unchanged otherwise.
func AtField(err error, field string) error {
	var e *sotepe.Error
	if errors.As(err, &e) && e.Field == "" {
		return e.At(field)
	}
	return err
}
