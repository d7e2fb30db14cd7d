package web_test

import (
	"net/http"
	"strings"
	"testing"

	"sotepe"
)

// TestStaffFiguresAPI reads the staff figures as an analyst: the areas in
// order with their turnover, the common services' three leavers suppressed
// (null and suppressed, never the count) with the next smallest area's
// five, and the sector's total; a bad
// year is 400 naming the field; an analyst may not store employments.
func TestStaffFiguresAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		seedStaff(t, e)
		c := e.as("analyst")
		r := c.get("/api/v1/staff/figures?year=2024")
		needStatus(t, r, http.StatusOK, "staff figures")
		var f sotepe.StaffFigures
		r.json(t, &f)
		byArea := map[string]sotepe.StaffAreaFigures{}
		for _, a := range f.Areas {
			byArea[a.AreaID] = a
		}
		rescue, common := byArea["rescue-department"], byArea["common-services"]
		if rescue.Headcount != 34 || rescue.HeadcountBefore != 36 || rescue.Leavers.Value == nil || *rescue.Leavers.Value != 6 ||
			rescue.TurnoverPercent.Value == nil || *rescue.TurnoverPercent.Value != 17.1 {
			t.Errorf("rescue department %+v", rescue)
		}
		if !common.Leavers.Suppressed || common.Leavers.Value != nil || !common.TurnoverPercent.Suppressed || common.TurnoverPercent.Value != nil {
			t.Errorf("common services' 3 leavers shown: %+v", common)
		}
		// The hospital services' five leavers would be shown on their own;
		// beside the common services' three they are the next smallest.
		if h := byArea["hospital-rehabilitation-and-care-services"]; !h.Leavers.Suppressed || h.Leavers.Value != nil || !h.TurnoverPercent.Suppressed {
			t.Errorf("hospital services' leavers shown: %+v", h)
		}
		if f.Total.Headcount != 134 || f.Total.Leavers.Value == nil || *f.Total.Leavers.Value != 22 || f.Day != "2024-12-31" {
			t.Errorf("total %+v on %s", f.Total, f.Day)
		}
		r = c.get("/api/v1/staff/figures?year=1999")
		needStatus(t, r, http.StatusBadRequest, "a bad year")
		r = c.do("POST", "/api/v1/staff/employments", `{"employments":[]}`)
		needStatus(t, r, http.StatusForbidden, "an analyst storing employments")
		for _, path := range []string{"/api/v1/economy/figures?year=2024", "/api/v1/sustainability/figures?year=2024"} {
			needStatus(t, c.get(path), http.StatusOK, path)
		}
		for _, path := range []string{"/personnel?year=2024", "/economy?year=2024", "/sustainability?year=2024"} {
			needStatus(t, c.get(path), http.StatusOK, path)
		}
		// A bad year shows the page again with the error, in the page's
		// language; the API answers the error.
		for _, path := range []string{"/personnel", "/economy", "/sustainability"} {
			r := c.get(path + "?year=abc&lang=sv")
			needStatus(t, r, http.StatusBadRequest, "a bad year on "+path)
			if !strings.Contains(r.body, "Året är 2000–2100") {
				t.Errorf("%s with a bad year does not show the error in Swedish: %.300s", path, r.body)
			}
		}
		for _, path := range []string{"/api/v1/economy/figures", "/api/v1/sustainability/figures"} {
			needStatus(t, c.get(path+"?year=1999"), http.StatusBadRequest, "a bad year on "+path)
		}
	})
}
