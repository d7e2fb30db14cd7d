package view_test

import (
	"testing"
	"time"

	"sotepe"
	"sotepe/i18n"
	"sotepe/web/view"
)

func datesIn(t *testing.T, lang sotepe.Lang) view.Dates {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return view.NewDates(lang, loc, func(key string, args map[string]any) string { return cat.T(lang, key, args) })
}

func TestDatesInEachLanguage(t *testing.T) {
	// 10.30 UTC is 12.30 in Helsinki in December.
	at := time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)
	fi, sv, en := datesIn(t, sotepe.Finnish), datesIn(t, sotepe.Swedish), datesIn(t, sotepe.English)
	cases := []struct{ what, got, want string }{
		{"fi date", fi.Date(at), "7.12.2026"},
		{"sv date", sv.Date(at), "7.12.2026"},
		{"en date", en.Date(at), "7 Dec 2026"},
		{"fi day", fi.Day(at), "ma 7.12.2026"},
		{"sv day", sv.Day(at), "mån 7.12.2026"},
		{"en day", en.Day(at), "Mon 7 Dec 2026"},
		{"fi date and time", fi.DateTime(at), "ma 7.12.2026 klo 12.30"},
		{"sv date and time", sv.DateTime(at), "mån 7.12.2026 kl.\u00a012.30"},
		{"en date and time", en.DateTime(at), "Mon 7 Dec 2026, 12:30"},
		{"fi time", fi.Time(at), "12.30"},
		{"en time", en.Time(at), "12:30"},
		{"sv opening time", sv.TimeOf("08:00"), "08.00"},
		{"en opening time", en.TimeOf("16:30"), "16:30"},
		{"not a time", fi.TimeOf("noon"), "noon"},
		{"fi month", fi.Month(2026, time.December), "joulukuu 2026"},
		{"sv month", sv.Month(2026, time.December), "december 2026"},
		{"en month", en.Month(2026, time.December), "December 2026"},
		{"fi week", fi.Week(2026, 45), "viikko 45/2026"},
		{"sv week", sv.Week(2026, 45), "vecka 45 2026"},
		{"en week", en.Week(2026, 45), "week 45, 2026"},
		{"fi period month", fi.Period("2024-01"), "tammikuu 2024"},
		{"en period week", en.Period("2026-W05"), "week 5, 2026"},
		{"sv period day", sv.Period("2026-12-07"), "7.12.2026"},
		{"year stays", fi.Period("2026"), "2026"},
		{"other text stays", fi.Period("kallio"), "kallio"},
		{"fi axis month", fi.ShortPeriod("2026-12"), "12/2026"},
		{"en axis month", en.ShortPeriod("2026-12"), "Dec 2026"},
		{"fi long", fi.Long(at), "maanantaina 7. joulukuuta klo 12.30"},
		{"en long", en.Long(at), "Monday 7 December at 12:30"},
		{"Sunday is 7", en.Day(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)), "Sun 6 Dec 2026"},
		// 23.30 UTC on 6 December is already the 7th in Helsinki.
		{"city's time zone", fi.Day(time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)), "ma 7.12.2026"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
}
