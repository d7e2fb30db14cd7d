// Package ical writes iCalendar (RFC 5545) files of appointments, for
// residents to add them to their own calendars.
package ical

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sotepe"
)

// Event is what the iCalendar file of an appointment tells: no health
// details, only when, where and which service, as a calendar shows them.
type Event struct {
	Appointment sotepe.Appointment
	Summary     string // e.g. the service and the unit, in the resident's language
	Location    string // the unit's street address, or the join link of a video appointment
	URL         string // the appointment's page
	Host        string // the domain that makes the UID unique, e.g. sotepe.example
	Stamp       time.Time
}

// ICS returns the iCalendar (RFC 5545) file of one appointment: a VCALENDAR
// with one VEVENT, lines ending in CRLF and folded at 75 octets, text values
// escaped. A cancelled appointment's event has STATUS:CANCELLED, so that a
// calendar that imported it can drop it.
//
// The few lines are written here rather than with an iCalendar library: one
// event of fixed properties needs only the escaping and folding rules of
// RFC 5545 §3.1 and §3.3.11, which the tests check.
func ICS(e Event) []byte {
	a := e.Appointment
	status := "CONFIRMED"
	if a.Status == sotepe.ApptCancelled {
		status = "CANCELLED"
	}
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//sotepe//appointments//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:appointment-" + strconv.FormatInt(a.ID, 10) + "@" + e.Host,
		"DTSTAMP:" + icsTime(e.Stamp),
		"DTSTART:" + icsTime(a.Start),
		"DTEND:" + icsTime(a.End),
		"SUMMARY:" + icsText(e.Summary),
	}
	if e.Location != "" {
		lines = append(lines, "LOCATION:"+icsText(e.Location))
	}
	if e.URL != "" {
		lines = append(lines, "URL:"+e.URL)
	}
	lines = append(lines, "STATUS:"+status, "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// icsTime writes an instant in UTC form (RFC 5545 §3.3.5, form #2).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and newline.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// fold breaks a content line into lines of at most 75 octets, each
// continuation starting with a space (RFC 5545 §3.1), never inside a UTF-8
// character.
func fold(l string) string {
	if len(l) <= 75 {
		return l
	}
	var b strings.Builder
	limit := 75
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(l)
	return b.String()
}
