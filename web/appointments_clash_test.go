package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// TestSlotOpenClash: a professional who opens one time that overlaps a
// time of the same schedule gets 409 with the reason in the language
// asked for, whether the other time is the demo's, their own or the same
// one again; a template over the same times opens nothing and says so
// with 201. A time that only touches another, one on another schedule and
// one over a closed time are opened. The test clock is Monday 23 November
// 2026 10:00 and the demo opens the nurse's own times from 8 to 12 on
// weekdays, back to back, for three weeks.
func TestSlotOpenClash(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		nurse := e.as("nurse")
		open := func(start string, minutes int, extra string, lang string) response {
			return nurse.do("POST", "/api/v1/slots?lang="+lang, fmt.Sprintf(`{"unit":%q,"service":"health-station-nurse","mode":"video","minutes":%d,"start":%q%s}`,
				kallioHS, minutes, start, extra))
		}
		clash := func(r response, lang sotepe.Lang, what string) {
			t.Helper()
			needStatus(t, r, http.StatusConflict, what)
			code, msg := r.errorCode(t)
			if want := e.cat.T(lang, "error.appt_slot_clash", nil); code != sotepe.EConflict || msg != want {
				t.Errorf("%s: %s %q, want %s %q", what, code, msg, sotepe.EConflict, want)
			}
		}
		created := func(r response, want int, what string) {
			t.Helper()
			needStatus(t, r, http.StatusCreated, what)
			if !strings.Contains(r.body, fmt.Sprintf(`"created":%d`, want)) {
				t.Errorf("%s: %s, want %d created", what, r.body, want)
			}
		}

		// Tuesday 1 December: the demo's 10:00–10:30 of the nurse.
		clash(open("2026-12-01T10:05:00+02:00", 20, "", "sv"), sotepe.Swedish, "inside a demo time")
		clash(open("2026-12-01T10:00:00+02:00", 30, "", "fi"), sotepe.Finnish, "a demo time's start")
		tmpl := `{"unit":"` + kallioHS + `","service":"health-station-nurse","mode":"video","minutes":30,
			"template":{"from":"2026-12-01","to":"2026-12-01","periods":[{"weekday":2,"start":"09:00","end":"11:00"}]}}`
		created(nurse.do("POST", "/api/v1/slots", tmpl), 0, "a template over the demo's times")

		created(open("2026-12-01T12:00:00+02:00", 20, "", "en"), 1, "touching the demo's last morning time")
		clash(open("2026-12-01T12:10:00+02:00", 20, "", "en"), sotepe.English, "over the nurse's own new time")
		clash(open("2026-12-01T12:00:00+02:00", 20, "", "en"), sotepe.English, "the same time again")

		// The remote line of Kallio is free at noon.
		ctx := context.Background()
		rs, err := e.store.Resources(ctx, kallioHS)
		if err != nil {
			t.Fatal(err)
		}
		var line, own int64
		for _, r := range rs {
			switch {
			case r.Kind == sotepe.ResourceRemoteLine:
				line = r.ID
			case r.UserID == e.ids.Users["nurse"]:
				own = r.ID
			}
		}
		if line == 0 || own == 0 {
			t.Fatalf("no remote line or no schedule of the nurse at Kallio: %+v", rs)
		}
		created(open("2026-12-01T12:00:00+02:00", 20, fmt.Sprintf(`,"resource":%d`, line), "en"), 1, "another schedule at the same time")

		// Closed, the nurse's noon time holds nothing.
		noon := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		slots, err := e.store.UnitSlots(ctx, []string{kallioHS}, noon, noon.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, sl := range slots {
			if sl.ResourceID == own && sl.Start.Equal(noon) {
				id = sl.ID
			}
		}
		if id == 0 {
			t.Fatalf("the nurse's noon time is missing: %+v", slots)
		}
		wantStatus(t, nurse.do("POST", fmt.Sprintf("/api/v1/slots/%d/close", id), ""), http.StatusNoContent, "close")
		created(open("2026-12-01T12:10:00+02:00", 20, "", "en"), 1, "over a closed time")
	})
}

// TestSlotFormSaysWhyNothingOpened: the calendar's form that opens times
// by a weekly template says how many it opened, and when it opened none,
// because every time overlaps one already on the schedule, it says so and
// why instead of "opened 0 new times".
func TestSlotFormSaysWhyNothingOpened(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		nurse := e.as("nurse")
		// A week in March 2027, past the demo's times, Monday to Friday
		// from 9 to 10 in times of 20 minutes: 15 times.
		form := url.Values{"unit": {kallioHS}, "service": {"health-station-nurse"}, "mode": {"in_person"}, "minutes": {"20"},
			"from": {"2027-03-01"}, "to": {"2027-03-05"}, "start": {"09:00"}, "end": {"10:00"}, "weekday": {"1", "2", "3", "4", "5"}}
		first := nurse.formPost("/staff/slots?lang=en", form)
		needStatus(t, first, http.StatusOK, "opening the week")
		if want := e.cat.T(sotepe.English, "appt.opened", map[string]any{"Count": 15}); !strings.Contains(first.body, want) {
			t.Errorf("the first opening does not say %q", want)
		}
		for _, lang := range []sotepe.Lang{sotepe.Finnish, sotepe.Swedish, sotepe.English} {
			again := nurse.formPost("/staff/slots?lang="+string(lang), form)
			needStatus(t, again, http.StatusOK, "opening the same week again")
			if want := e.cat.T(lang, "appt.opened_none", nil); !strings.Contains(again.body, html.EscapeString(want)) {
				t.Errorf("%s: opening the same week again does not say %q", lang, want)
			}
			if none := e.cat.T(lang, "appt.opened", map[string]any{"Count": 0}); strings.Contains(again.body, none) {
				t.Errorf("%s: opening the same week again says %q", lang, none)
			}
		}
	})
}
