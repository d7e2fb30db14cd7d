package sotepe_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotepe"
)

func TestParsePersonalID(t *testing.T) {
	for _, tc := range []struct {
		code  string
		birth string // "" when invalid
	}{
		{"131052-308T", "1952-10-13"}, // the Digital and Population Data Services Agency's example
		{"131052Y308T", "1952-10-13"}, // a 2023 century mark for the 1900s
		{"010101A123N", "2001-01-01"},
		{"010101B123N", "2001-01-01"},
		{"010150+9544", "1850-01-01"},
		{"131052-308U", ""}, // wrong check character
		{"311352-308T", ""}, // no month 13
		{"290223-9015", ""}, // 29 February 1923 did not exist
		{"131052Z308T", ""}, // unknown century mark
		{"131052-001T", ""}, // individual numbers start at 002
		{"131052-308", ""},
		{"", ""},
	} {
		got, err := sotepe.ParsePersonalID(tc.code)
		switch {
		case tc.birth == "" && sotepe.ErrorCode(err) != sotepe.EInvalid:
			t.Errorf("%q: accepted (%v, %v)", tc.code, got, err)
		case tc.birth != "" && (err != nil || got.Format(time.DateOnly) != tc.birth):
			t.Errorf("%q: %v, %v; want %s", tc.code, got, err, tc.birth)
		}
	}
}

func TestSyntheticPersonalIDsAreValid(t *testing.T) {
	for _, birth := range []time.Time{
		time.Date(1938, 5, 17, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2012, 2, 29, 0, 0, 0, 0, time.UTC),
	} {
		for n := 900; n <= 999; n += 33 {
			code := sotepe.SyntheticPersonalID(birth, n)
			got, err := sotepe.ParsePersonalID(code)
			if err != nil || !got.Equal(birth) {
				t.Errorf("%s (%s, %d): %v %v", code, birth.Format(time.DateOnly), n, got, err)
			}
		}
	}
}

func TestFoldText(t *testing.T) {
	for in, want := range map[string]string{
		"Gårdsbacka":                 "gardsbacka",
		"  BERGHÄLL   hälsostation ": "berghall halsostation",
		"Töölö\tTölö":                "toolo tolo",
		"":                           "",
	} {
		if got := sotepe.FoldText(in); got != want {
			t.Errorf("FoldText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpeningHours(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	h := sotepe.OpeningHours{
		Regular: []sotepe.DayHours{{Weekday: 1, Open: "08:00", Close: "16:00"}, {Weekday: 1, Open: "17:00", Close: "20:00"}, {Weekday: 7, Open: "10:00", Close: "14:00"}},
		Exceptions: []sotepe.HoursException{{Date: "2026-12-07", Note: sotepe.Names{Fi: "suljettu", Sv: "stängt", En: "closed"}},
			{Date: "2026-11-29", Open: "12:00", Close: "13:00"}},
	}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for s, want := range map[string]bool{
		"2026-11-23 07:59": false, "2026-11-23 08:00": true, "2026-11-23 15:59": true, "2026-11-23 16:00": false,
		"2026-11-23 16:30": false, "2026-11-23 19:59": true, "2026-11-24 10:00": false,
		"2026-12-07 10:00": false,                           // a Monday closed by exception
		"2026-11-29 11:00": false, "2026-11-29 12:30": true, // a Sunday with exceptional hours
	} {
		if got := h.OpenAt(at(s)); got != want {
			t.Errorf("OpenAt(%s) = %v, want %v", s, got, want)
		}
	}
	if !h.HasEvenings() {
		t.Error("hours to 20:00 are evening hours")
	}
	if !(sotepe.OpeningHours{AlwaysOpen: true}).OpenAt(at("2026-12-24 03:00")) {
		t.Error("always open is closed")
	}
	for _, bad := range []sotepe.OpeningHours{
		{Regular: []sotepe.DayHours{{Weekday: 8, Open: "08:00", Close: "16:00"}}},
		{Regular: []sotepe.DayHours{{Weekday: 1, Open: "16:00", Close: "08:00"}}},
		{Regular: []sotepe.DayHours{{Weekday: 1, Open: "8:00", Close: "16:00"}}},
		{Regular: []sotepe.DayHours{{Weekday: 1, Open: "08:00", Close: "24:01"}}},
		{Exceptions: []sotepe.HoursException{{Date: "7.12.2026"}}},
	} {
		if sotepe.ErrorCode(bad.Validate()) != sotepe.EInvalid {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestUnitFilterNormalize(t *testing.T) {
	f, err := sotepe.UnitFilter{Query: " Gårdsbacka ", Language: "SV"}.Normalize()
	if err != nil || f.Query != "gardsbacka" || f.Language != sotepe.Swedish || f.SortLang != sotepe.Finnish || f.Page.Limit != sotepe.DefaultPageLimit {
		t.Errorf("Normalize = %+v, %v", f, err)
	}
	if f, _ := (sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 9999}}).Normalize(); f.Page.Limit != sotepe.MaxPageLimit {
		t.Errorf("limit not capped: %d", f.Page.Limit)
	}
	for _, bad := range []sotepe.UnitFilter{{SortLang: "de"}, {Language: "ru"}, {Page: sotepe.PageRequest{Limit: -1}}} {
		if _, err := bad.Normalize(); sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestErrorModel(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", sotepe.Invalid("error.hours", "bad").With(map[string]any{"X": 1}))
	if sotepe.ErrorCode(err) != sotepe.EInvalid || sotepe.ErrorKey(err) != "error.hours" || sotepe.ErrorArgs(err)["X"] != 1 {
		t.Errorf("wrapped error lost its code, key or args: %v", err)
	}
	if sotepe.ErrorCode(errors.New("boom")) != sotepe.EInternal || sotepe.ErrorKey(errors.New("boom")) != "error.internal" {
		t.Error("a plain error is not internal")
	}
	if sotepe.ErrorCode(nil) != "" {
		t.Error("nil has a code")
	}
	if sotepe.ErrorKey(sotepe.NotFound("unit")) != "error.not_found" {
		t.Error("not found key")
	}
	at := sotepe.Invalid("error.message_empty", "empty").At("message")
	if sotepe.ErrorField(fmt.Errorf("wrapped: %w", at)) != "message" || sotepe.ErrorKey(at) != "error.message_empty" {
		t.Errorf("At lost the field or the key: %+v", at)
	}
	if sotepe.ErrorField(sotepe.Invalid("error.hours", "bad")) != "" || sotepe.ErrorField(errors.New("boom")) != "" {
		t.Error("an error about no field names one")
	}
	if e := sotepe.InvalidField("score", "error.feedback_score", "bad"); e.Field != "score" || e.Code != sotepe.EInvalid {
		t.Errorf("InvalidField: %+v", e)
	}
}

func TestNamesIn(t *testing.T) {
	n := sotepe.Names{Fi: "Kallio", Sv: "Berghäll"}
	if n.In(sotepe.Swedish) != "Berghäll" || n.In(sotepe.English) != "Kallio" || n.Complete() {
		t.Errorf("Names fallbacks wrong: %q %q %v", n.In(sotepe.Swedish), n.In(sotepe.English), n.Complete())
	}
}

func TestRoute(t *testing.T) {
	units := []sotepe.Unit{
		{ID: "kallio-hs", District: "kallio"},
		{ID: "toolo-hs", District: "toolo"},
		{ID: "malmi-hs", District: "malmi"},
	}
	for _, tc := range []struct {
		name, chosen string
		r            sotepe.Resident
		central      string
		want         string
		err          bool
	}{
		{"chosen unit wins", "malmi-hs", sotepe.Resident{HomeUnit: "kallio-hs", District: "toolo"}, "x", "malmi-hs", false},
		{"chosen unit must offer the service", "vallila-hs", sotepe.Resident{}, "x", "", true},
		{"own health station", "", sotepe.Resident{HomeUnit: "kallio-hs", District: "toolo"}, "x", "kallio-hs", false},
		{"own station without the service: the district's unit", "", sotepe.Resident{HomeUnit: "vallila-hs", District: "toolo"}, "x", "toolo-hs", false},
		{"nothing local: the central queue", "", sotepe.Resident{District: "vuosaari"}, "central", "central", false},
		{"nowhere to go", "", sotepe.Resident{District: "vuosaari"}, "", "", true},
	} {
		got, err := sotepe.Route(tc.chosen, tc.r, units, tc.central)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
		if err != nil && sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Errorf("%s: code %s", tc.name, sotepe.ErrorCode(err))
		}
	}
}

func TestNewContactRequestValidate(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ok := sotepe.NewContactRequest{ServiceID: "s", Body: "hei", Channel: sotepe.ChannelPortal, ResidentID: 1, Lang: sotepe.Finnish, ReceivedAt: now}
	if err := ok.Validate(now); err != nil {
		t.Fatal(err)
	}
	for key, mod := range map[string]func(*sotepe.NewContactRequest){
		"error.service_required":  func(n *sotepe.NewContactRequest) { n.ServiceID = "" },
		"error.message_empty":     func(n *sotepe.NewContactRequest) { n.Body = " \n " },
		"error.message_long":      func(n *sotepe.NewContactRequest) { n.Body = strings.Repeat("ä", 5001) },
		"error.channel":           func(n *sotepe.NewContactRequest) { n.Channel = "fax" },
		"error.received_future":   func(n *sotepe.NewContactRequest) { n.ReceivedAt = now.Add(time.Hour) },
		"error.received_old":      func(n *sotepe.NewContactRequest) { n.ReceivedAt = now.Add(-2 * time.Hour) },
		"error.resident_required": func(n *sotepe.NewContactRequest) { n.ResidentID = 0 },
		"error.contact_details":   func(n *sotepe.NewContactRequest) { n.Channel, n.ResidentID = sotepe.ChannelWebsite, 0 },
	} {
		n := ok
		mod(&n)
		if err := n.Validate(now); sotepe.ErrorKey(err) != key {
			t.Errorf("%s: got %v", key, err)
		}
	}
	for field, mod := range map[string]func(*sotepe.NewContactRequest){
		"service":      func(n *sotepe.NewContactRequest) { n.ServiceID = "" },
		"message":      func(n *sotepe.NewContactRequest) { n.Body = "" },
		"received_at":  func(n *sotepe.NewContactRequest) { n.ReceivedAt = now.Add(time.Hour) },
		"contact.name": func(n *sotepe.NewContactRequest) { n.Channel, n.ResidentID = sotepe.ChannelWebsite, 0 },
		"contact.phone": func(n *sotepe.NewContactRequest) {
			n.Channel, n.ResidentID, n.Contact = sotepe.ChannelWebsite, 0, &sotepe.ContactDetails{Name: "Anna"}
		},
		"contact.email": func(n *sotepe.NewContactRequest) {
			n.Channel, n.ResidentID, n.Contact = sotepe.ChannelWebsite, 0, &sotepe.ContactDetails{Name: "Anna", Email: "anna@"}
		},
	} {
		n := ok
		mod(&n)
		if err := n.Validate(now); sotepe.ErrorField(err) != field {
			t.Errorf("%s: the error is at %q: %v", field, sotepe.ErrorField(err), err)
		}
	}
	web := ok
	web.Channel, web.ResidentID = sotepe.ChannelWebsite, 0
	for email, want := range map[string]string{"": "", "anna@example.org": "", "anna@": "error.email", "anna@localhost": "error.email", "Anna <anna@example.org>": "error.email", "a@b.fi, c@d.fi": "error.email"} {
		web.Contact = &sotepe.ContactDetails{Name: "Anna", Phone: "040 123 4567", Email: email}
		err := web.Validate(now)
		if (want == "" && err != nil) || (want != "" && sotepe.ErrorKey(err) != want) {
			t.Errorf("website e-mail %q: got %v, want %q", email, err, want)
		}
	}
	phone := ok
	phone.Channel, phone.ReceivedAt = sotepe.ChannelPhone, now.Add(-29*24*time.Hour)
	if err := phone.Validate(now); err != nil {
		t.Errorf("a phone request 29 days back: %v", err)
	}
	phone.ReceivedAt = now.Add(-31 * 24 * time.Hour)
	if sotepe.ErrorKey(phone.Validate(now)) != "error.received_range" {
		t.Error("a phone request 31 days back was accepted")
	}
	// A time of receipt given as the zero time (0001-01-01) is out of
	// range, not missing.
	phone.ReceivedAt, phone.ReceivedGiven = time.Time{}, true
	if sotepe.ErrorKey(phone.Validate(now)) != "error.received_range" {
		t.Errorf("a phone request received 0001-01-01: %v", phone.Validate(now))
	}
}
