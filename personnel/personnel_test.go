package personnel_test

import (
	"context"
	"fmt"
	"testing"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/personnel"
)

// TestFiguresSuppressSmallCells checks the n < 5 rule: the leavers and the
// turnover of a cell with fewer than five leavers, and the sick-leave days
// of a cell of fewer than five people, are suppressed, while the area's
// totals, made of more people, are shown; the next smallest cell is hidden
// too, as the area's total less the shown cells would give the small one
// away; and only HR and analysts read.
func TestFiguresSuppressSmallCells(t *testing.T) {
	testenv.Engines(t, func(t *testing.T) {
		ctx := context.Background()
		env := testenv.New(t, testenv.EngineOf(t))
		var r sotepe.StaffRecords
		add := func(n int, profession, end string) {
			for range n {
				e := sotepe.Employment{Key: fmt.Sprintf("k%d", len(r.Employments)), AreaID: "rescue-department", Profession: profession, Start: "2020-01-01"}
				if end != "" {
					e.End, e.EndReason = end, sotepe.LeaveResignation
				}
				r.Employments = append(r.Employments, e)
			}
		}
		add(14, "firefighter", "")
		add(6, "firefighter", "2024-05-31")
		add(3, "physician", "")
		add(1, "physician", "2024-08-31")
		add(9, "nurse", "")
		add(5, "nurse", "2024-06-30")
		r.Months = []sotepe.StaffMonth{{AreaID: "rescue-department", Profession: "firefighter", Month: "2024-03", SickDays: 40},
			{AreaID: "rescue-department", Profession: "physician", Month: "2024-03", SickDays: 7},
			{AreaID: "rescue-department", Profession: "nurse", Month: "2024-03", SickDays: 20}}
		hr := sotepe.User{ID: 1, Roles: []sotepe.Role{sotepe.RoleHR}}
		svc := personnel.New(env.Store)
		if err := svc.Save(ctx, hr, r); err != nil {
			t.Fatal(err)
		}
		f, err := svc.Figures(ctx, hr, sotepe.StaffFiguresQuery{Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Cells) != 3 || len(f.Areas) != 1 {
			t.Fatalf("figures %+v", f)
		}
		doc, nurse, fire, area := f.Cells[0], f.Cells[1], f.Cells[2], f.Areas[0]
		if fire.Profession != "firefighter" || fire.Headcount != 14 || fire.Leavers.Value == nil || *fire.Leavers.Value != 6 ||
			fire.TurnoverPercent.Value == nil || *fire.TurnoverPercent.Value != 35.3 || fire.SickLeaveDays.Value == nil {
			t.Errorf("firefighters %+v", fire)
		}
		if doc.Profession != "physician" || doc.Headcount != 3 || !doc.Leavers.Suppressed || doc.Leavers.Value != nil ||
			!doc.TurnoverPercent.Suppressed || doc.TurnoverPercent.Value != nil || !doc.SickLeaveDays.Suppressed || doc.SickLeaveDays.Value != nil {
			t.Errorf("physicians (3 people, 1 leaver) not suppressed: %+v", doc)
		}
		// The nurses (9 people, 5 leavers) would be shown on their own, but
		// the area's 12 leavers and 67 sick days less the firefighters'
		// would then give the physicians' away.
		if nurse.Profession != "nurse" || nurse.Headcount != 9 || !nurse.Leavers.Suppressed || !nurse.TurnoverPercent.Suppressed ||
			!nurse.SickLeaveDays.Suppressed {
			t.Errorf("nurses, the next smallest, not suppressed: %+v", nurse)
		}
		if area.Headcount != 26 || area.Leavers.Value == nil || *area.Leavers.Value != 12 || area.SickLeaveDays.Value == nil || *area.SickLeaveDays.Value != 67 {
			t.Errorf("area %+v", area)
		}
		analyst := sotepe.User{ID: 2, Roles: []sotepe.Role{sotepe.RoleAnalyst}}
		if _, err := svc.Figures(ctx, analyst, sotepe.StaffFiguresQuery{Year: 2024}); err != nil {
			t.Errorf("an analyst: %v", err)
		}
		if err := svc.Save(ctx, analyst, r); sotepe.ErrorCode(err) != sotepe.EForbidden {
			t.Errorf("an analyst saved: %v", err)
		}
		for _, role := range []sotepe.Role{sotepe.RoleAdmin, sotepe.RoleManager, sotepe.RoleFinance, sotepe.RoleResident} {
			if _, err := svc.Figures(ctx, sotepe.User{ID: 3, Roles: []sotepe.Role{role}}, sotepe.StaffFiguresQuery{Year: 2024}); sotepe.ErrorCode(err) != sotepe.EForbidden {
				t.Errorf("%s read the staff figures: %v", role, err)
			}
		}
		_, err = svc.Figures(ctx, hr, sotepe.StaffFiguresQuery{Year: 2024, Day: "2024-02-30"})
		if sotepe.ErrorCode(err) != sotepe.EInvalid || sotepe.ErrorField(err) != "day" {
			t.Errorf("a bad day: %v", err)
		}
	})
}
