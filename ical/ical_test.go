package ical

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sotepe"
)

func TestICS(t *testing.T) {
	start := time.Date(2026, 11, 24, 16, 30, 0, 0, time.FixedZone("EET", 2*3600))
	a := sotepe.Appointment{ID: 42, Start: start, End: start.Add(30 * time.Minute), Status: sotepe.AppointmentBooked}
	summary := "Hoitajan vastaanotto, Kallion terveysasema; huone 2\\3\nkerros " + strings.Repeat("ä", 60)
	out := string(ICS(Event{Appointment: a, Summary: summary, Location: "Kallion kirjastotalo, 00530 Helsinki",
		Host: "sotepe.example", Stamp: start.Add(-time.Hour)}))
	if !strings.HasSuffix(out, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatalf("lines do not all end in CRLF: %q", out)
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "UID:appointment-42@sotepe.example\r\n",
		"DTSTART:20261124T143000Z\r\n", "DTEND:20261124T150000Z\r\n", "DTSTAMP:20261124T133000Z\r\n",
		`LOCATION:Kallion kirjastotalo\, 00530 Helsinki`, "STATUS:CONFIRMED\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %q", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("a fold split a character: %q", line)
		}
	}
	// Unfolding gives back the escaped summary.
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	wantSummary := `SUMMARY:Hoitajan vastaanotto\, Kallion terveysasema\; huone 2\\3\nkerros ` + strings.Repeat("ä", 60) + "\r\n"
	if !strings.Contains(unfolded, wantSummary) {
		t.Errorf("summary %q not in %q", wantSummary, unfolded)
	}
	a.Status = sotepe.AppointmentCancelled
	if out := string(ICS(Event{Appointment: a, Summary: "x", Host: "h"})); !strings.Contains(out, "STATUS:CANCELLED\r\n") {
		t.Errorf("cancelled: %q", out)
	}
}
