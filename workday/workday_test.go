package workday_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickar/cal/v2/fi"

	"sotepe"
	"sotepe/workday"
)

func newCal(t testing.TB, opts ...workday.Option) *workday.Calendar {
	t.Helper()
	c, err := workday.New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func helsinki(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses "YYYY-MM-DD HH:MM" in Helsinki.
func local(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, helsinki(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func date(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// movable lists, per year, the holidays that move, worked out by hand from
// the Easter dates and the Midsummer and All Saints' rules (Friday 19–25
// June, Saturday 31 October–6 November), independently of the cal package.
var movable = map[int]map[string]string{
	2024: {"Pitkäperjantai": "2024-03-29", "Pääsiäispäivä": "2024-03-31", "Toinen pääsiäispäivä": "2024-04-01", "Helatorstai": "2024-05-09", "Helluntaipäivä": "2024-05-19", "Juhannusaatto": "2024-06-21", "Juhannuspäivä": "2024-06-22", "Pyhäinpäivä": "2024-11-02"},
	2025: {"Pitkäperjantai": "2025-04-18", "Pääsiäispäivä": "2025-04-20", "Toinen pääsiäispäivä": "2025-04-21", "Helatorstai": "2025-05-29", "Helluntaipäivä": "2025-06-08", "Juhannusaatto": "2025-06-20", "Juhannuspäivä": "2025-06-21", "Pyhäinpäivä": "2025-11-01"},
	2026: {"Pitkäperjantai": "2026-04-03", "Pääsiäispäivä": "2026-04-05", "Toinen pääsiäispäivä": "2026-04-06", "Helatorstai": "2026-05-14", "Helluntaipäivä": "2026-05-24", "Juhannusaatto": "2026-06-19", "Juhannuspäivä": "2026-06-20", "Pyhäinpäivä": "2026-10-31"},
	2027: {"Pitkäperjantai": "2027-03-26", "Pääsiäispäivä": "2027-03-28", "Toinen pääsiäispäivä": "2027-03-29", "Helatorstai": "2027-05-06", "Helluntaipäivä": "2027-05-16", "Juhannusaatto": "2027-06-25", "Juhannuspäivä": "2027-06-26", "Pyhäinpäivä": "2027-11-06"},
	2028: {"Pitkäperjantai": "2028-04-14", "Pääsiäispäivä": "2028-04-16", "Toinen pääsiäispäivä": "2028-04-17", "Helatorstai": "2028-05-25", "Helluntaipäivä": "2028-06-04", "Juhannusaatto": "2028-06-23", "Juhannuspäivä": "2028-06-24", "Pyhäinpäivä": "2028-11-04"},
	2029: {"Pitkäperjantai": "2029-03-30", "Pääsiäispäivä": "2029-04-01", "Toinen pääsiäispäivä": "2029-04-02", "Helatorstai": "2029-05-10", "Helluntaipäivä": "2029-05-20", "Juhannusaatto": "2029-06-22", "Juhannuspäivä": "2029-06-23", "Pyhäinpäivä": "2029-11-03"},
	2030: {"Pitkäperjantai": "2030-04-19", "Pääsiäispäivä": "2030-04-21", "Toinen pääsiäispäivä": "2030-04-22", "Helatorstai": "2030-05-30", "Helluntaipäivä": "2030-06-09", "Juhannusaatto": "2030-06-21", "Juhannuspäivä": "2030-06-22", "Pyhäinpäivä": "2030-11-02"},
}

// fixed lists the holidays on the same date every year, as MM-DD.
var fixed = map[string]string{
	"Uudenvuodenpäivä": "01-01",
	"Loppiainen":       "01-06",
	"Vappu":            "05-01",
	"Itsenäisyyspäivä": "12-06",
	"Jouluaatto":       "12-24",
	"Joulupäivä":       "12-25",
	"Tapaninpäivä":     "12-26",
}

// holidays returns every holiday of year as date → Finnish name.
func holidays(year int) map[string]string {
	m := make(map[string]string)
	for name, md := range fixed {
		m[fmt.Sprintf("%d-%s", year, md)] = name
	}
	for name, d := range movable[year] {
		m[d] = name
	}
	return m
}

func TestHolidaysOnTheirDates(t *testing.T) {
	c := newCal(t)
	for year := 2024; year <= 2030; year++ {
		want := holidays(year)
		if len(want) != 15 {
			t.Fatalf("%d: table has %d holidays, want 15", year, len(want))
		}
		got := make(map[string]string)
		for _, d := range c.NonWorkingDays(year) {
			if d.Kind != workday.Holiday {
				t.Errorf("%s: kind %q, want holiday", d.Date, d.Kind)
			}
			got[d.Date] = d.Names.Fi
		}
		for d, name := range want {
			if got[d] != name {
				t.Errorf("%d: %s is %q, want %q", year, d, got[d], name)
			}
			if c.IsWorkingDay(date(t, d)) {
				t.Errorf("%d: %s (%s) is a working day", year, d, name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d: %d holidays listed, want %d: %v", year, len(got), len(want), got)
		}
	}
}

// TestEveryDay walks every day of 2024–2030 and checks IsWorkingDay against
// the weekday and the hand-made holiday table, so that no extra day is off
// either (Maundy Thursday and Whit Monday are working days in Finland).
func TestEveryDay(t *testing.T) {
	c := newCal(t)
	working := 0
	for year := 2024; year <= 2030; year++ {
		hol := holidays(year)
		for d := date(t, fmt.Sprintf("%d-01-01", year)); d.Year() == year; d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			wd := d.Weekday()
			want := wd != time.Saturday && wd != time.Sunday && hol[key] == ""
			if got := c.IsWorkingDay(d); got != want {
				t.Errorf("IsWorkingDay(%s %s) = %v, want %v", key, wd, got, want)
			}
			// The same date as an instant late in the Helsinki evening.
			if got := c.IsWorkingDay(local(t, key+" 23:59")); got != want {
				t.Errorf("IsWorkingDay(%s 23:59 Helsinki) = %v, want %v", key, got, want)
			}
			if want {
				working++
			}
		}
	}
	if working < 7*240 || working > 7*255 {
		t.Errorf("%d working days in 2024–2030, not about 250 a year", working)
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := newCal(t, workday.WithClosures(workday.ClosureDay{
		Date:  "2025-03-04",
		Names: sotepe.Names{Fi: "Henkilöstöpäivä", Sv: "Personaldag", En: "Staff day"},
	}))
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"ordinary Monday", date(t, "2025-03-03"), true},
		{"closure day", date(t, "2025-03-04"), false},
		{"closure day 23:59 Helsinki", local(t, "2025-03-04 23:59"), false},
		{"Saturday", date(t, "2025-03-08"), false},
		{"Sunday", date(t, "2025-03-09"), false},
		{"Maundy Thursday", date(t, "2025-04-17"), true},
		{"Good Friday", date(t, "2025-04-18"), false},
		{"Whit Monday", date(t, "2025-06-09"), true},
		{"Midsummer Eve", date(t, "2025-06-20"), false},
		{"Christmas Eve", date(t, "2025-12-24"), false},
		{"Christmas Eve 2027 on a Friday", date(t, "2027-12-24"), false},
		{"27 December 2027", date(t, "2027-12-27"), true},
		// 22:30Z on Monday is already Tuesday in Helsinki.
		{"Monday 22:30Z is Tuesday: closure", time.Date(2025, 3, 3, 22, 30, 0, 0, time.UTC), false},
		{"Friday 22:30Z is Saturday", time.Date(2025, 3, 7, 22, 30, 0, 0, time.UTC), false},
		{"Thursday 21:30Z before Midsummer Eve is Friday", time.Date(2025, 6, 19, 21, 30, 0, 0, time.UTC), false},
		{"Thursday 20:59Z before Midsummer Eve is Thursday", time.Date(2025, 6, 19, 20, 59, 0, 0, time.UTC), true},
		{"far past", date(t, "1850-12-24"), false},
		{"far future", date(t, "2600-12-29"), true},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.at); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%s) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
}

func TestDeadline(t *testing.T) {
	c := newCal(t)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		received time.Time
		n        int
		want     string // RFC 3339 in Helsinki
	}{
		// 2025-03-03 is a Monday.
		{"Monday 00:00", local(t, "2025-03-03 00:00"), 2, "2025-03-05T16:00:00+02:00"},
		{"Monday 12:00", local(t, "2025-03-03 12:00"), 2, "2025-03-05T16:00:00+02:00"},
		{"Monday 15:59", local(t, "2025-03-03 15:59"), 2, "2025-03-05T16:00:00+02:00"},
		{"Monday 16:00", local(t, "2025-03-03 16:00"), 2, "2025-03-05T16:00:00+02:00"},
		{"Monday 23:59", local(t, "2025-03-03 23:59"), 2, "2025-03-05T16:00:00+02:00"},
		{"Friday 12:00", local(t, "2025-03-07 12:00"), 2, "2025-03-11T16:00:00+02:00"},
		{"Saturday", local(t, "2025-03-08 10:00"), 2, "2025-03-11T16:00:00+02:00"},
		{"Sunday", local(t, "2025-03-09 23:00"), 2, "2025-03-11T16:00:00+02:00"},
		{"Epiphany (Monday)", local(t, "2025-01-06 10:00"), 2, "2025-01-08T16:00:00+02:00"},
		{"eve of May Day", local(t, "2025-04-30 12:00"), 2, "2025-05-05T16:00:00+03:00"},
		{"Ascension Day", local(t, "2025-05-29 09:00"), 2, "2025-06-02T16:00:00+03:00"},
		// Good Friday, Saturday, Easter Sunday and Monday are off: Tuesday
		// is the first working day, Wednesday the second.
		{"Maundy Thursday", local(t, "2025-04-17 12:00"), 2, "2025-04-23T16:00:00+03:00"},
		{"Maundy Thursday 2026", local(t, "2026-04-02 08:00"), 2, "2026-04-08T16:00:00+03:00"},
		{"Good Friday", local(t, "2025-04-18 12:00"), 2, "2025-04-23T16:00:00+03:00"},
		{"Thursday before Midsummer", local(t, "2025-06-19 12:00"), 2, "2025-06-24T16:00:00+03:00"},
		{"Midsummer Eve", local(t, "2025-06-20 12:00"), 2, "2025-06-24T16:00:00+03:00"},
		{"before Christmas", local(t, "2025-12-23 12:00"), 2, "2025-12-30T16:00:00+02:00"},
		{"Christmas Eve", local(t, "2025-12-24 12:00"), 2, "2025-12-30T16:00:00+02:00"},
		{"New Year's Eve", local(t, "2025-12-31 12:00"), 2, "2026-01-05T16:00:00+02:00"},
		{"New Year's Eve, 5 days over Epiphany", local(t, "2025-12-31 12:00"), 5, "2026-01-09T16:00:00+02:00"},
		{"Friday before Christmas 2026", local(t, "2026-12-18 12:00"), 5, "2026-12-29T16:00:00+02:00"},
		{"before Independence Day (Friday 2024)", local(t, "2024-12-05 12:00"), 2, "2024-12-10T16:00:00+02:00"},
		{"before Independence Day (Monday 2027)", local(t, "2027-12-03 12:00"), 2, "2027-12-08T16:00:00+02:00"},
		// Summer time begins on Sunday 2025-03-30 at 03:00 (+02:00 → +03:00).
		{"Friday before summer time", local(t, "2025-03-28 12:00"), 2, "2025-04-01T16:00:00+03:00"},
		{"the night summer time begins", utc("2025-03-30T01:30:00Z"), 2, "2025-04-01T16:00:00+03:00"},
		// Summer time ends on Sunday 2025-10-26 at 04:00 (+03:00 → +02:00);
		// 03:30 happens twice.
		{"Friday before winter time", local(t, "2025-10-24 12:00"), 2, "2025-10-28T16:00:00+02:00"},
		{"first 03:30 of the night winter time begins", utc("2025-10-26T00:30:00Z"), 2, "2025-10-28T16:00:00+02:00"},
		{"second 03:30 of the night winter time begins", utc("2025-10-26T01:30:00Z"), 2, "2025-10-28T16:00:00+02:00"},
		// Instants given in UTC that are already the next day in Helsinki.
		{"Monday 22:30Z in winter = Tuesday 00:30", utc("2025-03-03T22:30:00Z"), 2, "2025-03-06T16:00:00+02:00"},
		{"Monday 21:59Z in winter = Monday 23:59", utc("2025-03-03T21:59:00Z"), 2, "2025-03-05T16:00:00+02:00"},
		{"Monday 22:30Z in summer = Tuesday 01:30", utc("2025-06-02T22:30:00Z"), 2, "2025-06-05T16:00:00+03:00"},
		{"Monday 21:30Z in summer = Tuesday 00:30", utc("2025-06-02T21:30:00Z"), 2, "2025-06-05T16:00:00+03:00"},
		{"Monday 20:59Z in summer = Monday 23:59", utc("2025-06-02T20:59:00Z"), 2, "2025-06-04T16:00:00+03:00"},
		{"Friday 22:30Z = Saturday", utc("2025-03-07T22:30:00Z"), 2, "2025-03-11T16:00:00+02:00"},
		// n = 0: the same working day if received before the close.
		{"n=0 Monday 07:00", local(t, "2025-03-03 07:00"), 0, "2025-03-03T16:00:00+02:00"},
		{"n=0 Monday 12:00", local(t, "2025-03-03 12:00"), 0, "2025-03-03T16:00:00+02:00"},
		{"n=0 Monday 15:59", local(t, "2025-03-03 15:59"), 0, "2025-03-03T16:00:00+02:00"},
		{"n=0 Monday 16:00", local(t, "2025-03-03 16:00"), 0, "2025-03-04T16:00:00+02:00"},
		{"n=0 Monday 23:59", local(t, "2025-03-03 23:59"), 0, "2025-03-04T16:00:00+02:00"},
		{"n=0 Friday 17:00", local(t, "2025-03-07 17:00"), 0, "2025-03-10T16:00:00+02:00"},
		{"n=0 Saturday", local(t, "2025-03-08 10:00"), 0, "2025-03-10T16:00:00+02:00"},
		{"n=0 Good Friday", local(t, "2025-04-18 10:00"), 0, "2025-04-22T16:00:00+03:00"},
		{"n=0 Maundy Thursday 17:00", local(t, "2025-04-17 17:00"), 0, "2025-04-22T16:00:00+03:00"},
		// n = 1 and n = 5.
		{"n=1 Monday", local(t, "2025-03-03 12:00"), 1, "2025-03-04T16:00:00+02:00"},
		{"n=1 Friday", local(t, "2025-03-07 12:00"), 1, "2025-03-10T16:00:00+02:00"},
		{"n=1 Saturday", local(t, "2025-03-08 12:00"), 1, "2025-03-10T16:00:00+02:00"},
		{"n=5 Monday", local(t, "2025-03-03 12:00"), 5, "2025-03-10T16:00:00+02:00"},
		{"n=5 Wednesday over Easter", local(t, "2025-04-16 12:00"), 5, "2025-04-25T16:00:00+03:00"},
		{"n=30", local(t, "2025-03-03 12:00"), 30, "2025-04-14T16:00:00+03:00"},
		{"outside the cached years", local(t, "2600-12-23 12:00"), 2, "2600-12-30T16:00:00+02:00"},
	}
	for _, tt := range tests {
		got, err := c.Deadline(tt.received, tt.n)
		if err != nil {
			t.Errorf("%s: Deadline(%s, %d): %v", tt.name, tt.received, tt.n, err)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("%s: Deadline(%s, %d) = %s, want %s", tt.name, tt.received.Format(time.RFC3339), tt.n, s, tt.want)
		}
		if got.Location().String() != "Europe/Helsinki" {
			t.Errorf("%s: deadline in %s, want Europe/Helsinki", tt.name, got.Location())
		}
		if !got.After(tt.received) {
			t.Errorf("%s: deadline %s is not after receipt %s", tt.name, got, tt.received)
		}
	}
}

func TestDeadlineWithClosureAndHours(t *testing.T) {
	c := newCal(t,
		workday.WithServiceHours("09:00", "15:00"),
		workday.WithClosures(workday.ClosureDay{
			Date:  "2025-03-04",
			Names: sotepe.Names{Fi: "Henkilöstöpäivä", Sv: "Personaldag", En: "Staff day"},
		}))
	tests := []struct {
		received string
		n        int
		want     string
	}{
		{"2025-03-03 12:00", 2, "2025-03-06T15:00:00+02:00"}, // Tuesday closed
		{"2025-03-03 12:00", 1, "2025-03-05T15:00:00+02:00"},
		{"2025-03-03 14:59", 0, "2025-03-03T15:00:00+02:00"},
		{"2025-03-03 15:00", 0, "2025-03-05T15:00:00+02:00"},
		{"2025-03-04 10:00", 0, "2025-03-05T15:00:00+02:00"},
		{"2025-03-05 10:00", 2, "2025-03-07T15:00:00+02:00"},
	}
	for _, tt := range tests {
		got, err := c.Deadline(local(t, tt.received), tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("Deadline(%s, %d) = %s, want %s", tt.received, tt.n, s, tt.want)
		}
	}
	if open, close := c.ServiceHours(); open != "09:00" || close != "15:00" {
		t.Errorf("ServiceHours() = %s, %s", open, close)
	}
}

func TestDeadlineInvalid(t *testing.T) {
	c := newCal(t)
	mon := local(t, "2025-03-03 12:00")
	tests := []struct {
		received time.Time
		n        int
		key      string
	}{
		{mon, -1, "error.working_days"},
		{mon, workday.MaxWorkingDays + 1, "error.working_days"},
		{mon, 1000, "error.working_days"},
		{time.Time{}, 2, "error.received"},
	}
	for _, tt := range tests {
		due, err := c.Deadline(tt.received, tt.n)
		var e *sotepe.Error
		if !errors.As(err, &e) {
			t.Errorf("Deadline(%s, %d) = %s, %v; want *sotepe.Error", tt.received, tt.n, due, err)
			continue
		}
		if e.Code != sotepe.EInvalid || e.Key != tt.key {
			t.Errorf("Deadline(%s, %d): code %q key %q, want %q %q", tt.received, tt.n, e.Code, e.Key, sotepe.EInvalid, tt.key)
		}
		if !due.IsZero() {
			t.Errorf("Deadline(%s, %d) = %s with an error", tt.received, tt.n, due)
		}
	}
}

func TestNew(t *testing.T) {
	names := sotepe.Names{Fi: "Suljettu", Sv: "Stängt", En: "Closed"}
	tests := []struct {
		name string
		opts []workday.Option
		key  string // "" for success
	}{
		{"defaults", nil, ""},
		{"24 hours", []workday.Option{workday.WithServiceHours("00:00", "24:00")}, ""},
		{"hours reversed", []workday.Option{workday.WithServiceHours("16:00", "08:00")}, "error.service_hours"},
		{"hours equal", []workday.Option{workday.WithServiceHours("08:00", "08:00")}, "error.service_hours"},
		{"hour one digit", []workday.Option{workday.WithServiceHours("8:00", "16:00")}, "error.service_hours"},
		{"hour 25", []workday.Option{workday.WithServiceHours("08:00", "25:00")}, "error.service_hours"},
		{"minute 60", []workday.Option{workday.WithServiceHours("08:60", "16:00")}, "error.service_hours"},
		{"24:30", []workday.Option{workday.WithServiceHours("08:00", "24:30")}, "error.service_hours"},
		{"sign", []workday.Option{workday.WithServiceHours("-8:00", "16:00")}, "error.service_hours"},
		{"closure", []workday.Option{workday.WithClosures(workday.ClosureDay{Date: "2025-03-04", Names: names})}, ""},
		{"closure bad date", []workday.Option{workday.WithClosures(workday.ClosureDay{Date: "2025-02-30", Names: names})}, "error.closure_day"},
		{"closure not a date", []workday.Option{workday.WithClosures(workday.ClosureDay{Date: "4.3.2025", Names: names})}, "error.closure_day"},
		{"closure without Swedish", []workday.Option{workday.WithClosures(workday.ClosureDay{Date: "2025-03-04", Names: sotepe.Names{Fi: "Suljettu", En: "Closed"}})}, "error.closure_day"},
		{"closure twice", []workday.Option{
			workday.WithClosures(workday.ClosureDay{Date: "2025-03-04", Names: names}),
			workday.WithClosures(workday.ClosureDay{Date: "2025-03-04", Names: names}),
		}, "error.closure_day"},
	}
	for _, tt := range tests {
		c, err := workday.New(tt.opts...)
		if tt.key == "" {
			if err != nil || c == nil {
				t.Errorf("%s: New = %v, %v", tt.name, c, err)
			}
			continue
		}
		if c != nil || sotepe.ErrorCode(err) != sotepe.EInvalid || sotepe.ErrorKey(err) != tt.key {
			t.Errorf("%s: New = %v, %v; want EInvalid %s", tt.name, c, err, tt.key)
		}
	}
}

func TestWorkingHoursBetween(t *testing.T) {
	c := newCal(t, workday.WithClosures(workday.ClosureDay{
		Date:  "2025-03-12",
		Names: sotepe.Names{Fi: "Henkilöstöpäivä", Sv: "Personaldag", En: "Staff day"},
	}))
	h := time.Hour
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"within a morning", local(t, "2025-03-03 09:00"), local(t, "2025-03-03 11:30"), 2*h + 30*time.Minute},
		{"a whole day and more", local(t, "2025-03-03 07:00"), local(t, "2025-03-03 18:00"), 8 * h},
		{"after hours", local(t, "2025-03-03 16:00"), local(t, "2025-03-03 23:00"), 0},
		{"overnight", local(t, "2025-03-03 15:30"), local(t, "2025-03-04 08:45"), 75 * time.Minute},
		{"over a weekend", local(t, "2025-03-07 15:00"), local(t, "2025-03-10 09:00"), 2 * h},
		{"Saturday to Sunday", local(t, "2025-03-08 00:00"), local(t, "2025-03-09 23:59"), 0},
		{"a week", local(t, "2025-03-03 00:00"), local(t, "2025-03-10 00:00"), 40 * h},
		{"a week with a closure day", local(t, "2025-03-10 00:00"), local(t, "2025-03-17 00:00"), 32 * h},
		{"over Easter", local(t, "2025-04-17 15:00"), local(t, "2025-04-22 09:00"), 2 * h},
		{"Christmas", local(t, "2025-12-24 00:00"), local(t, "2025-12-27 00:00"), 0},
		{"over the summer-time weekend", local(t, "2025-03-28 12:00"), local(t, "2025-03-31 12:00"), 8 * h},
		{"over the winter-time weekend", local(t, "2025-10-24 12:00"), local(t, "2025-10-27 12:00"), 8 * h},
		{"given in UTC", time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 14, 0, 0, 0, time.UTC), 8 * h},
		{"UTC summer", time.Date(2025, 6, 2, 5, 0, 0, 0, time.UTC), time.Date(2025, 6, 2, 6, 0, 0, 0, time.UTC), 1 * h},
		{"across New Year", local(t, "2025-12-31 15:00"), local(t, "2026-01-02 09:00"), 2 * h},
		{"a year", local(t, "2025-01-01 00:00"), local(t, "2026-01-01 00:00"), 250 * 8 * h}, // 2025 has 251 working days, one of them a closure
		{"equal", local(t, "2025-03-03 12:00"), local(t, "2025-03-03 12:00"), 0},
		{"to before from", local(t, "2025-03-04 12:00"), local(t, "2025-03-03 12:00"), 0},
	}
	for _, tt := range tests {
		if got := c.WorkingHoursBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: WorkingHoursBetween(%s, %s) = %s, want %s", tt.name, tt.from, tt.to, got, tt.want)
		}
	}
}

// TestWorkingHoursAroundTheClock uses 00:00–24:00 service hours, where the
// close is the next midnight.
func TestWorkingHoursAroundTheClock(t *testing.T) {
	c := newCal(t, workday.WithServiceHours("00:00", "24:00"))
	if got := c.WorkingHoursBetween(local(t, "2025-03-03 00:00"), local(t, "2025-03-04 00:00")); got != 24*time.Hour {
		t.Errorf("Monday 00:00–24:00 = %s, want 24h", got)
	}
	due, err := c.Deadline(local(t, "2025-03-03 12:00"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if s := due.Format(time.RFC3339); s != "2025-03-04T00:00:00+02:00" {
		t.Errorf("n=0 deadline with 24:00 close = %s", s)
	}
}

func TestNonWorkingDays2025(t *testing.T) {
	want := []workday.Day{
		{"2025-01-01", workday.Holiday, sotepe.Names{Fi: "Uudenvuodenpäivä", Sv: "Nyårsdagen", En: "New Year's Day"}},
		{"2025-01-06", workday.Holiday, sotepe.Names{Fi: "Loppiainen", Sv: "Trettondagen", En: "Epiphany"}},
		{"2025-03-04", workday.Closure, sotepe.Names{Fi: "Henkilöstöpäivä", Sv: "Personaldag", En: "Staff day"}},
		{"2025-04-18", workday.Holiday, sotepe.Names{Fi: "Pitkäperjantai", Sv: "Långfredagen", En: "Good Friday"}},
		{"2025-04-20", workday.Holiday, sotepe.Names{Fi: "Pääsiäispäivä", Sv: "Påskdagen", En: "Easter Sunday"}},
		{"2025-04-21", workday.Holiday, sotepe.Names{Fi: "Toinen pääsiäispäivä", Sv: "Annandag påsk", En: "Easter Monday"}},
		{"2025-05-01", workday.Holiday, sotepe.Names{Fi: "Vappu", Sv: "Första maj", En: "May Day"}},
		{"2025-05-29", workday.Holiday, sotepe.Names{Fi: "Helatorstai", Sv: "Kristi himmelsfärdsdag", En: "Ascension Day"}},
		{"2025-06-08", workday.Holiday, sotepe.Names{Fi: "Helluntaipäivä", Sv: "Pingstdagen", En: "Whit Sunday"}},
		{"2025-06-20", workday.Holiday, sotepe.Names{Fi: "Juhannusaatto", Sv: "Midsommarafton", En: "Midsummer Eve"}},
		{"2025-06-21", workday.Holiday, sotepe.Names{Fi: "Juhannuspäivä", Sv: "Midsommardagen", En: "Midsummer Day"}},
		{"2025-11-01", workday.Holiday, sotepe.Names{Fi: "Pyhäinpäivä", Sv: "Alla helgons dag", En: "All Saints' Day"}},
		{"2025-12-06", workday.Holiday, sotepe.Names{Fi: "Itsenäisyyspäivä", Sv: "Självständighetsdagen", En: "Independence Day"}},
		{"2025-12-24", workday.Holiday, sotepe.Names{Fi: "Jouluaatto", Sv: "Julafton", En: "Christmas Eve"}},
		{"2025-12-25", workday.Holiday, sotepe.Names{Fi: "Joulupäivä", Sv: "Juldagen", En: "Christmas Day"}},
		{"2025-12-26", workday.Holiday, sotepe.Names{Fi: "Tapaninpäivä", Sv: "Annandag jul", En: "Boxing Day"}},
	}
	c := newCal(t, workday.WithClosures(
		workday.ClosureDay{Date: "2025-03-04", Names: sotepe.Names{Fi: "Henkilöstöpäivä", Sv: "Personaldag", En: "Staff day"}},
		// A closure on a holiday is not listed twice.
		workday.ClosureDay{Date: "2025-12-24", Names: sotepe.Names{Fi: "Suljettu", Sv: "Stängt", En: "Closed"}},
		// Another year's closure stays in its own year.
		workday.ClosureDay{Date: "2026-03-03", Names: sotepe.Names{Fi: "Suljettu", Sv: "Stängt", En: "Closed"}},
	))
	got := c.NonWorkingDays(2025)
	if len(got) != len(want) {
		t.Fatalf("NonWorkingDays(2025) has %d days, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("day %d = %+v, want %+v", i, got[i], want[i])
		}
		if !got[i].Names.Complete() {
			t.Errorf("%s: names incomplete: %+v", got[i].Date, got[i].Names)
		}
	}
	if n := len(c.NonWorkingDays(2026)); n != 16 {
		t.Errorf("NonWorkingDays(2026) has %d days, want 15 holidays and 1 closure", n)
	}
}

// TestEveryHolidayNamed fails when a new version of cal adds a holiday that
// has no Swedish and English name here.
func TestEveryHolidayNamed(t *testing.T) {
	c := newCal(t)
	for year := 1990; year <= 2100; year++ {
		days := c.NonWorkingDays(year)
		if len(days) < 14 || len(days) > len(fi.Holidays) {
			t.Errorf("%d: %d holidays", year, len(days))
		}
		for i, d := range days {
			if !d.Names.Complete() {
				t.Errorf("%s: names incomplete: %+v", d.Date, d.Names)
			}
			if i > 0 && d.Date <= days[i-1].Date {
				t.Errorf("%d: %s after %s", year, d.Date, days[i-1].Date)
			}
		}
	}
}

// TestTwoHolidaysOneDate: in 2008 Easter was 23 March and Ascension Day fell
// on May Day.
func TestTwoHolidaysOneDate(t *testing.T) {
	c := newCal(t)
	for _, d := range c.NonWorkingDays(2008) {
		if d.Date == "2008-05-01" {
			if want := "Vappu, Helatorstai"; d.Names.Fi != want {
				t.Errorf("2008-05-01 = %q, want %q", d.Names.Fi, want)
			}
			if want := "May Day, Ascension Day"; d.Names.En != want {
				t.Errorf("2008-05-01 = %q, want %q", d.Names.En, want)
			}
			return
		}
	}
	t.Error("2008-05-01 not listed")
}

// TestConcurrent runs Deadline, IsWorkingDay and WorkingHoursBetween from
// many goroutines on a fresh Calendar, whose years are filled in as they
// go, and compares with a Calendar used from one goroutine.
func TestConcurrent(t *testing.T) {
	ref := newCal(t)
	shared := newCal(t)
	start := local(t, "1995-01-01 10:00")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 2000; i++ {
				at := start.Add(time.Duration(i*97+g*13) * 7 * time.Hour)
				want, _ := ref.Deadline(at, 2)
				got, err := shared.Deadline(at, 2)
				if err != nil || !got.Equal(want) {
					t.Errorf("Deadline(%s) = %s, %v; want %s", at, got, err, want)
					return
				}
				if shared.IsWorkingDay(at) != ref.IsWorkingDay(at) {
					t.Errorf("IsWorkingDay(%s) differs", at)
					return
				}
				if a, b := shared.WorkingHoursBetween(at, want), ref.WorkingHoursBetween(at, want); a != b {
					t.Errorf("WorkingHoursBetween(%s, %s) = %s, want %s", at, want, a, b)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestDeadlineProperties checks every hour of 2024–2030: the deadline is a
// working day at 16:00, with exactly n working days after the day of
// receipt up to and including it.
func TestDeadlineProperties(t *testing.T) {
	c := newCal(t)
	loc := helsinki(t)
	for at := local(t, "2024-01-01 00:30"); at.Year() < 2031; at = at.Add(time.Hour) {
		for _, n := range []int{1, 2} {
			due, err := c.Deadline(at, n)
			if err != nil {
				t.Fatal(err)
			}
			if h, m, _ := due.Clock(); h != 16 || m != 0 || !c.IsWorkingDay(due) {
				t.Fatalf("Deadline(%s, %d) = %s", at, n, due)
			}
			y, mo, d := at.In(loc).Date()
			count := 0
			for day := time.Date(y, mo, d+1, 12, 0, 0, 0, loc); day.Before(due); day = day.AddDate(0, 0, 1) {
				if c.IsWorkingDay(day) {
					count++
				}
			}
			if count != n {
				t.Fatalf("Deadline(%s, %d) = %s: %d working days", at, n, due, count)
			}
		}
	}
}

func BenchmarkDeadline(b *testing.B) {
	c := newCal(b)
	// Receipts spread over two years, so holidays and year ends are met.
	start := local(b, "2025-01-01 00:00")
	ats := make([]time.Time, 1024)
	for i := range ats {
		ats[i] = start.Add(time.Duration(i) * 17 * time.Hour)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Deadline(ats[i&1023], 2); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkDeadlineParallel(b *testing.B) {
	c := newCal(b)
	at := local(b, "2025-04-17 12:00")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Deadline(at, 2); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkWorkingHoursBetween(b *testing.B) {
	c := newCal(b)
	from := local(b, "2025-04-16 10:00")
	to := local(b, "2025-04-23 15:00")
	b.ReportAllocs()
	for b.Loop() {
		c.WorkingHoursBetween(from, to)
	}
}
