package web_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"sotepe"
	"sotepe/web/view"
)

// seedStaff stores the employments of four areas: in the rescue
// department 30 stay, 6 leave during 2024 and 4 start; in the family area
// 50 stay and 8 leave; in the common services 20 stay and 3 leave (fewer
// than five: suppressed); in the hospital services 30 stay and 5 leave
// (the next smallest: suppressed with them).
func seedStaff(t *testing.T, e *env) {
	t.Helper()
	var r sotepe.StaffRecords
	add := func(area, profession string, n int, start, end string) {
		for range n {
			em := sotepe.Employment{Key: fmt.Sprintf("s%d", len(r.Employments)), AreaID: area, Profession: profession, Start: start}
			if end != "" {
				em.End, em.EndReason = end, sotepe.LeaveResignation
			}
			r.Employments = append(r.Employments, em)
		}
	}
	add("rescue-department", "firefighter", 30, "2015-04-01", "")
	add("rescue-department", "firefighter", 6, "2016-04-01", "2024-06-30")
	add("rescue-department", "paramedic", 4, "2024-03-01", "")
	add("family-and-social-services", "social-worker", 50, "2010-01-01", "")
	add("family-and-social-services", "social-worker", 8, "2012-01-01", "2024-09-30")
	add("common-services", "administration", 20, "2018-01-01", "")
	add("common-services", "administration", 3, "2019-01-01", "2024-02-29")
	// The smallest area shown beside the common services' three leavers:
	// hidden too, as the total less the other areas would give them away.
	add("hospital-rehabilitation-and-care-services", "nurse", 30, "2014-01-01", "")
	add("hospital-rehabilitation-and-care-services", "nurse", 5, "2014-01-01", "2024-04-30")
	if err := e.store.SaveStaffRecords(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// TestStaffTurnoverInBrowser: HR signs in, opens the staff figures from the
// menu and sees the turnover of 2024 by service area, each equal to the one
// computed here from the stored rows (the leavers of the year over the mean
// of the headcounts on the last days of 2023 and 2024); the common
// services' three leavers read "hidden", as do the five of the hospital
// services, the next smallest.
func TestStaffTurnoverInBrowser(t *testing.T) {
	if os.Getenv("SOTEPE_TEST_CHROMIUM") == "" {
		t.Skip("browser test: set SOTEPE_TEST_CHROMIUM to chromium's path")
	}
	e := newEnv(t)
	seedStaff(t, e)
	ctx := context.Background()
	count := func(cells []sotepe.StaffCell, err error) map[string]int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int64{}
		for _, c := range cells {
			m[c.AreaID] += c.Count
		}
		return m
	}
	before := count(e.store.StaffHeadcount(ctx, "2023-12-31"))
	end := count(e.store.StaffHeadcount(ctx, "2024-12-31"))
	leavers := count(e.store.StaffLeavers(ctx, "2024-01-01", "2024-12-31"))

	b := chatBrowser(t)
	signIn(t, b, e.srv.URL, "personnel", "en")
	browse(t, b, "staff figures", chromedp.Click(chromedp.ID("nav-personnel")), chromedp.WaitVisible(chromedp.ID("year")),
		chromedp.SetValue(chromedp.ID("year"), "2024"), chromedp.Submit(chromedp.ID("year")), chromedp.WaitVisible(chromedp.ID("staff-areas")))
	cell := func(area, figure string) string {
		t.Helper()
		sel := fmt.Sprintf(`#staff-areas tr[data-area=%q] td[data-figure=%q]`, area, figure)
		got, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return got
	}
	for _, area := range []string{"rescue-department", "family-and-social-services"} {
		tv := sotepe.Turnover(leavers[area], before[area], end[area])
		want := view.Decimal(sotepe.English, sotepe.RoundHalfAway(*tv, 1), 1)
		if got := cell(area, "turnover"); got != want {
			t.Errorf("turnover of %s: the page shows %q, the stored rows give %q", area, got, want)
		}
		if got, want := cell(area, "leavers"), view.Count(sotepe.English, leavers[area]); got != want {
			t.Errorf("leavers of %s: %q, want %q", area, got, want)
		}
		if got, want := cell(area, "headcount"), view.Count(sotepe.English, end[area]); got != want {
			t.Errorf("headcount of %s: %q, want %q", area, got, want)
		}
	}
	if leavers["common-services"] != 3 {
		t.Fatalf("common services' leavers %d", leavers["common-services"])
	}
	for _, area := range []string{"common-services", "hospital-rehabilitation-and-care-services"} {
		for _, figure := range []string{"leavers", "turnover"} {
			if got := cell(area, figure); got != "hidden" {
				t.Errorf("%s' %s (%d leavers): %q, want hidden", area, figure, leavers[area], got)
			}
		}
	}
}
