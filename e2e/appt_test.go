package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe"
)

// findTimesSteps open the search for free times from the navigation and
// choose service, in person.
func findTimesSteps(service string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.ID("nav-appointments")),
		chromedp.WaitVisible(chromedp.ID("find-times")),
		chromedp.Click(chromedp.ID("find-times")),
		chromedp.WaitVisible(chromedp.ID("service")),
		chromedp.SetValue(chromedp.ID("service"), service),
		chromedp.SetValue(chromedp.ID("mode"), "in_person"),
	}
}

// TestAnnaBooksAnEveningTimeAndNurseCompletesIt is the browser test of
// appointments: anna finds and books an evening time in Finnish, receives
// its calendar file, cancels it and books another; the nurse sees it in her
// own week and marks it completed.
func TestAnnaBooksAnEveningTimeAndNurseCompletesIt(t *testing.T) {
	a := startApp(t)
	anna := browser(t)
	signIn(t, anna, a, "anna")
	// Times from three days on: one within a day of its start could no
	// longer be cancelled online, and the test runs at any hour.
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Now().In(helsinki).AddDate(0, 0, 3).Format(time.DateOnly)
	search := func(what string) {
		t.Helper()
		do(t, anna, what, append(findTimesSteps("health-station-nurse"),
			chromedp.SetValue(chromedp.ID("from"), from),
			chromedp.Click(chromedp.ID("evening")),
			chromedp.Click(chromedp.ID("search-times")),
			chromedp.WaitVisible(chromedp.ID("unit")),
			// The units that offer the service appear once it is chosen.
			chromedp.SetValue(chromedp.ID("unit"), "kallio-health-station"),
			chromedp.Click(chromedp.ID("search-times")),
			chromedp.WaitReady(chromedp.CSS(`#unit option[value="kallio-health-station"][selected]`)),
			chromedp.WaitVisible(chromedp.ID("free-times")),
		)...)
	}
	search("anna looks for an evening time")
	shot(t, anna, "anna-free-times")
	times := text(t, anna, "free-times")
	if !strings.Contains(times, "ilta-aika") || !strings.Contains(times, "Varaa") {
		t.Fatalf("the free times are not evening times in Finnish: %.300q", times)
	}
	do(t, anna, "book the first", chromedp.Click(chromedp.CSS("#free-times button.book")), chromedp.WaitVisible(chromedp.ID("booked")))
	shot(t, anna, "anna-booked")
	first := read(t, anna, chromedp.Location())
	booked := text(t, anna, "booked")
	status := text(t, anna, "appt-status")
	if !strings.HasPrefix(booked, "Aika on varattu") || status != "varattu" {
		t.Fatalf("after booking: %q, status %q", booked, status)
	}
	// The calendar file, fetched as the browser would download it.
	ics := read(t, anna, chromedp.Evaluate[string](`(() => {
		const x = new XMLHttpRequest();
		x.open("GET", document.getElementById("ics").href, false);
		x.send();
		return x.status + "|" + x.getResponseHeader("Content-Type") + "|" + x.responseText;
	})()`))
	if !strings.HasPrefix(ics, "200|text/calendar") || !strings.Contains(ics, "BEGIN:VEVENT\r\n") || !strings.Contains(ics, "Kallion terveysasema") {
		t.Fatalf("the .ics: %.400q", ics)
	}
	do(t, anna, "cancel it",
		chromedp.Click(chromedp.ID("cancel")),
		// Only the page after cancelling has no cancel button.
		chromedp.WaitNotPresent(chromedp.ID("cancel")),
		chromedp.WaitVisible(chromedp.ID("appt-status")),
	)
	if s := text(t, anna, "appt-status"); s != "peruttu" {
		t.Fatalf("after cancelling the status is %q", s)
	}
	search("anna looks again")
	do(t, anna, "book another", chromedp.Click(chromedp.CSS("#free-times button.book")), chromedp.WaitVisible(chromedp.ID("booked")))
	second := read(t, anna, chromedp.Location())
	if strings.SplitN(second, "?", 2)[0] == strings.SplitN(first, "?", 2)[0] {
		t.Fatalf("the second booking is the first: %s", second)
	}
	date := read(t, anna, chromedp.AttributeValue(chromedp.ID("appt-when"), "data-date")).Value
	id := strings.TrimPrefix(strings.SplitN(second, "?", 2)[0], a.URL+"/appointments/")

	nurse := browser(t)
	signIn(t, nurse, a, "nurse")
	do(t, nurse, "nurse opens her week",
		chromedp.Click(chromedp.ID("nav-calendar")),
		chromedp.WaitVisible(chromedp.ID("open-slots")),
		chromedp.Navigate(a.URL+"/staff/calendar?view=week&mine=true&date="+date),
		chromedp.WaitVisible(chromedp.ID("complete-"+id)),
	)
	shot(t, nurse, "nurse-calendar")
	row := read(t, nurse, chromedp.Text(chromedp.CSS(`a.calendar-appt[href="/appointments/`+id+`"]`)))
	if row != "Anna Virtanen" {
		t.Fatalf("the nurse's calendar shows %q for the appointment", row)
	}
	do(t, nurse, "mark completed",
		chromedp.Click(chromedp.ID("complete-"+id)),
		chromedp.WaitNotPresent(chromedp.ID("complete-"+id)),
		chromedp.WaitVisible(chromedp.ID("status-"+id)),
	)
	if s := read(t, nurse, chromedp.Text(chromedp.ID("status-"+id))); s != "käynti tehty" {
		t.Errorf("after marking the status is %q", s)
	}
	shot(t, nurse, "nurse-completed")

	// The nurse books a time of her week for Anna, as at the desk: Anna
	// is found by her personal identity code (an audited read).
	annaID := sotepe.SyntheticPersonalID(time.Date(1988, 3, 14, 0, 0, 0, 0, time.UTC), 901)
	do(t, nurse, "nurse books a time for anna",
		chromedp.Click(chromedp.CSS("a.book-for")),
		chromedp.WaitVisible(chromedp.ID("book-for")),
	)
	checkPageLangs(t, nurse, "booking a time for a resident (professional)")
	do(t, nurse, "the resident and the basis",
		chromedp.SetValue(chromedp.ID("personal_id"), annaID),
		chromedp.SetValue(chromedp.ID("basis"), "care_relationship"), // the basis of the read is chosen, never preselected
		chromedp.Click(chromedp.ID("book-for-submit")),
		chromedp.WaitVisible(chromedp.ID("appt-status")),
	)
	shot(t, nurse, "nurse-booked-for-anna")
	if s := text(t, nurse, "appt-status"); s != "varattu" {
		t.Errorf("after booking for anna the status is %q", s)
	}
	if page := text(t, nurse, "main"); !strings.Contains(page, "Anna Virtanen") {
		t.Errorf("the booked appointment does not name anna: %.300q", page)
	}
}
