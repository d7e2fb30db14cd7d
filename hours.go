package sotepe

import (
	"fmt"
	"time"
)

// OpeningHours tells when a unit is open: every week the same Regular hours,
// except on the dates Exceptions name. AlwaysOpen units (hospital wards,
// rescue stations) are open around the clock and need neither.
type OpeningHours struct {
	AlwaysOpen bool             `json:"always_open"`
	Regular    []DayHours       `json:"regular"`
	Exceptions []HoursException `json:"exceptions"`
}

// DayHours is one opening interval on a weekday. Weekday runs from 1 (Monday)
// to 7 (Sunday), as in ISO 8601; Open and Close are "HH:MM" in the city's
// time zone, Close after Open. A weekday may have several intervals.
type DayHours struct {
	Weekday int    `json:"weekday"`
	Open    string `json:"open"`
	Close   string `json:"close"`
}

// HoursException replaces the regular hours on one date (YYYY-MM-DD): closed
// when Open is empty, otherwise open from Open to Close. Note says why.
type HoursException struct {
	Date  string `json:"date"`
	Open  string `json:"open,omitempty"`
	Close string `json:"close,omitempty"`
	Note  Names  `json:"note"`
}

// EveningFrom is the hour from which opening counts as evening opening.
const EveningFrom = 18

// Validate checks every interval: weekdays 1–7, times "HH:MM" with Close
// after Open, and exception dates in YYYY-MM-DD.
func (h OpeningHours) Validate() error {
	for _, d := range h.Regular {
		if d.Weekday < 1 || d.Weekday > 7 {
			return Invalid("error.hours", fmt.Sprintf("weekday %d is not 1–7", d.Weekday))
		}
		if err := checkInterval(d.Open, d.Close); err != nil {
			return err
		}
	}
	for _, e := range h.Exceptions {
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			return Invalid("error.hours", "exception date "+e.Date+" is not YYYY-MM-DD")
		}
		if e.Open != "" || e.Close != "" {
			if err := checkInterval(e.Open, e.Close); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkInterval(open, close string) error {
	o, ok1 := MinuteOfDay(open)
	c, ok2 := MinuteOfDay(close)
	if !ok1 || !ok2 || c <= o {
		return Invalid("error.hours", fmt.Sprintf("interval %s–%s is not two HH:MM times in order", open, close))
	}
	return nil
}

// MinuteOfDay parses "HH:MM" (00:00–24:00) into minutes after midnight,
// and reports whether s is such a time. It runs for every unit on every
// directory page ("open now"), so it parses by hand instead of through fmt.
func MinuteOfDay(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Intervals returns the opening intervals on the date of t, in t's location,
// which callers set to the city's time zone: an exception for that date wins
// over the regular hours.
func (h OpeningHours) Intervals(t time.Time) []DayHours {
	date := t.Format(time.DateOnly)
	for _, e := range h.Exceptions {
		if e.Date == date {
			if e.Open == "" {
				return nil
			}
			return []DayHours{{Weekday: isoWeekday(t), Open: e.Open, Close: e.Close}}
		}
	}
	var out []DayHours
	wd := isoWeekday(t)
	for _, d := range h.Regular {
		if d.Weekday == wd {
			out = append(out, d)
		}
	}
	return out
}

// OpenAt reports whether the unit is open at t, read in t's location.
func (h OpeningHours) OpenAt(t time.Time) bool {
	if h.AlwaysOpen {
		return true
	}
	now := t.Hour()*60 + t.Minute()
	for _, d := range h.Intervals(t) {
		o, _ := MinuteOfDay(d.Open)
		c, _ := MinuteOfDay(d.Close)
		if now >= o && now < c {
			return true
		}
	}
	return false
}

// HasEvenings reports whether any regular interval reaches past EveningFrom.
func (h OpeningHours) HasEvenings() bool {
	for _, d := range h.Regular {
		if c, ok := MinuteOfDay(d.Close); ok && c > EveningFrom*60 {
			return true
		}
	}
	return h.AlwaysOpen
}

func isoWeekday(t time.Time) int {
	wd := int(t.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}
