package survey

import (
	"strings"
	"testing"
)

func TestLoadChecksTheShippedSurveys(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d := set.Definition("resident-2025")
	if d == nil || len(d.Questions) < 5 || d.Question("satisfaction") == nil || d.Question("nope") != nil {
		t.Fatalf("resident-2025: %+v", d)
	}
}

func TestParseRefusesBrokenSurveys(t *testing.T) {
	names := `{"fi":"a","sv":"b","en":"c"}`
	ok := `{"id":"s","version":1,"title":` + names + `,"description":` + names + `,"questions":[%s]}`
	q := func(body string) string { return strings.Replace(ok, "%s", body, 1) }
	if _, err := Parse([]byte(q(`{"id":"a","kind":"scale","text":` + names + `,"min":1,"max":5}`))); err != nil {
		t.Fatalf("a good survey: %v", err)
	}
	for name, c := range map[string]struct{ json, want string }{
		"missing Swedish":   {q(`{"id":"a","kind":"yes_no","text":{"fi":"a","en":"c"}}`), "fi, sv and en"},
		"fractional scale":  {q(`{"id":"a","kind":"scale","text":` + names + `,"min":1.5,"max":5}`), "whole-number ends"},
		"scale too long":    {q(`{"id":"a","kind":"scale","text":` + names + `,"min":0,"max":20}`), "at most 11 steps"},
		"scored option":     {q(`{"id":"a","kind":"single_choice","text":` + names + `,"options":[{"id":"x","text":` + names + `,"score":2},{"id":"y","text":` + names + `}]}`), "no score"},
		"repeated question": {q(`{"id":"a","kind":"yes_no","text":` + names + `},{"id":"a","kind":"text","text":` + names + `}`), "repeated"},
		"unknown kind":      {q(`{"id":"a","kind":"slider","text":` + names + `}`), "not taken"},
		"unknown field":     {q(`{"id":"a","kind":"yes_no","text":` + names + `,"next":[]}`), "unknown field"},
		"no questions":      {strings.Replace(ok, "%s", "", 1), "1–60 questions"},
		"low on a choice":   {q(`{"id":"a","kind":"yes_no","text":` + names + `,"low":` + names + `}`), "only scales"},
	} {
		_, err := Parse([]byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
