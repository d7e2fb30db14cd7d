package kit_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// TestNewFormErrorFindsTheField: the field a service names becomes the
// form element's id, directly, through an "api=id" entry or by its last
// part; a field the form lacks leaves the error about the whole form.
func TestNewFormErrorFindsTheField(t *testing.T) {
	cases := []struct {
		field  string
		fields []string
		want   string
	}{
		{"message", []string{"message"}, "message"},
		{"contact.email", []string{"email"}, "email"},
		{"service", []string{"service=service-select"}, "service-select"},
		{"contact.email", []string{"contact.email=mail"}, "mail"},
		{"unit", []string{"message"}, ""},
		{"", []string{"message"}, ""},
	}
	for _, c := range cases {
		err := sotepe.InvalidField(c.field, "error.invalid", "x")
		if c.field == "" {
			err = sotepe.Invalid("error.invalid", "x")
		}
		got := kit.NewFormError("text", err, c.fields...)
		if got == nil || got.Field != c.want || got.Message != "text" {
			t.Errorf("%q in %v: %+v, want field %q", c.field, c.fields, got, c.want)
		}
	}
	if kit.NewFormError("text", nil, "message") != nil {
		t.Error("a nil error is a form error")
	}
}

// TestFigureYear: the last whole year by default, ?year= within 2000–2100,
// anything else EInvalid about the field year.
func TestFigureYear(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC)
	for q, want := range map[string]int{"": 2025, "?year=2024": 2024, "?year=2100": 2100} {
		if got, err := kit.FigureYear(httptest.NewRequest("GET", "/x"+q, nil), now); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", q, got, err, want)
		}
	}
	for _, q := range []string{"?year=1999", "?year=x", "?year=2101"} {
		_, err := kit.FigureYear(httptest.NewRequest("GET", "/x"+q, nil), now)
		if sotepe.ErrorCode(err) != sotepe.EInvalid || sotepe.ErrorField(err) != "year" {
			t.Errorf("%q: %v", q, err)
		}
	}
}
