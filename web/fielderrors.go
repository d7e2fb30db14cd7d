package web

import (
	"html"
	"html/template"
	"reflect"
	"strings"

	"sotepe"
	"sotepe/web/kit"
)

// Errors at their fields (issue 17). A form page whose view has a field
// `Error *kit.FormError` shows the error in a summary at the top of the form
// ({{template "errors" ($.Summary "form-error")}}), which links to the
// field; the field carries aria-invalid and aria-describedby ({{$.Field
// "message" "message-hint"}}) pointing at the message next to it
// ({{$.FieldError "message"}}); and the page title starts with "Error:".

// formErr explains err in lang for a form whose element ids are fields.
// An entry "api=id" maps the field the service names (sotepe.ErrorField)
// to the form's element id where the two differ; "a.b" names match their
// last part ("contact.email" is the element "email"). A field the form does
// not have leaves the error about the whole form, so a summary never links
// to nothing. A nil err is a nil *kit.FormError.
func (s *Server) formErr(lang sotepe.Lang, err error, fields ...string) *kit.FormError {
	return kit.FormErrorIn(site{s}, lang, err, fields...)
}

// fieldProblem is the *kit.FormError of the page's view: its field named
// Error, when it has that type.
func (p pageData) fieldProblem() *kit.FormError {
	v := reflect.ValueOf(p.Data)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	f := v.FieldByName("Error")
	if !f.IsValid() {
		return nil
	}
	e, _ := f.Interface().(*kit.FormError)
	return e
}

// errorSummary is what the "errors" partial renders.
type errorSummary struct {
	P  pageData
	E  *kit.FormError
	ID string
}

// Summary is the argument of the "errors" partial: the page, its form
// error (if any) and the summary's element id.
func (p pageData) Summary(id string) errorSummary {
	return errorSummary{P: p, E: p.fieldProblem(), ID: id}
}

// Field returns the attributes of the form element id: aria-invalid when
// the page's error is about it, and aria-describedby naming its error
// text and the ids of its hints.
func (p pageData) Field(id string, hints ...string) template.HTMLAttr {
	var b strings.Builder
	described := hints
	if e := p.fieldProblem(); e != nil && e.Field == id {
		b.WriteString(` aria-invalid="true"`)
		described = append([]string{id + "-error"}, hints...)
	}
	if len(described) > 0 {
		b.WriteString(` aria-describedby="` + html.EscapeString(strings.Join(described, " ")) + `"`)
	}
	return template.HTMLAttr(b.String())
}

// FieldError returns the error text shown next to the form element id,
// with the id "<id>-error" its aria-describedby names, or nothing when the
// page's error is not about it.
func (p pageData) FieldError(id string) template.HTML {
	e := p.fieldProblem()
	if e == nil || e.Field != id {
		return ""
	}
	return template.HTML(`<p class="field-error hds-text-input__error-text" id="` + html.EscapeString(id) + `-error">` +
		html.EscapeString(e.Message) + `</p>`)
}
