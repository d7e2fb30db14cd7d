// Package ical writes iCalendar (RFC 5545) files of appointments, for
// residents to add them to their own calendars.
package ical

import (
	"strconv"
	"time"

	ics "github.com/arran4/golang-ical"

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
// with one VEVENT, written by github.com/arran4/golang-ical (lines ending in
// CRLF and folded at 75 octets, text values escaped). A cancelled
// appointment's event has STATUS:CANCELLED, so that a calendar that imported
// it can drop it.
func ICS(e Event) []byte {
	a := e.Appointment
	cal := ics.NewCalendar() // VERSION:2.0
	cal.SetProductId("-//sotepe//appointments//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent("appointment-" + strconv.FormatInt(a.ID, 10) + "@" + e.Host)
	ev.SetDtStampTime(e.Stamp.UTC())
	ev.SetStartAt(a.Start.UTC())
	ev.SetEndAt(a.End.UTC())
	ev.SetSummary(e.Summary)
	if e.Location != "" {
		ev.SetLocation(e.Location)
	}
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	status := ics.ObjectStatusConfirmed
	if a.Status == sotepe.AppointmentCancelled {
		status = ics.ObjectStatusCancelled
	}
	ev.SetStatus(status)
	ev.SetTimeTransparency(ics.TransparencyOpaque)
	// RFC 5545 §3.1: CRLF, not the library's default of LF.
	return []byte(cal.Serialize(ics.WithNewLine("\r\n")))
}
