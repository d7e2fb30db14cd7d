package storetest

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"sotepe"
)

func testFeedbackChannelsAndRules(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 2)
	anna, bob := f.residents[0], f.residents[1]
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	sl := f.open(t, s, "dental", f.now.Add(-2*time.Hour), sotepe.ModeInPerson)
	a, err := s.Book(ctx, sotepe.Booking{SlotID: sl.ID, ResidentID: anna.ID, Now: f.now.Add(-3 * time.Hour)})
	must(t, err)
	visit := sotepe.NewFeedback{Score: 9, Channel: sotepe.FeedbackVisit, Lang: sotepe.Swedish, AppointmentID: a.ID, ResidentID: anna.ID, CreatedAt: f.now}

	// Not completed yet: nothing to answer about.
	_, err = s.AddFeedback(ctx, visit)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentCompleted, f.now)
	must(t, err)
	// Someone else's visit is not found either.
	other := visit
	other.ResidentID = bob.ID
	_, err = s.AddFeedback(ctx, other)
	wantCode(t, err, sotepe.ENotFound)
	got, err := s.AddFeedback(ctx, visit)
	must(t, err)
	if got.UnitID != kallio || got.ServiceID != "dental" || got.Score != 9 || got.Channel != sotepe.FeedbackVisit || got.AppointmentID != a.ID {
		t.Fatalf("visit answer %+v", got)
	}
	_, err = s.AddFeedback(ctx, visit)
	wantKey(t, err, sotepe.EConflict, "error.feedback_used")

	// Public channels: the unit must exist; the score must be 0–10.
	_, err = s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: "no-such-unit", Score: 5, Channel: sotepe.FeedbackQR, Lang: "fi", CreatedAt: f.now})
	wantKey(t, err, sotepe.ENotFound, "error.feedback_unit_unknown")
	_, err = s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: kallio, Score: 11, Channel: sotepe.FeedbackQR, Lang: "fi", CreatedAt: f.now})
	wantKey(t, err, sotepe.EInvalid, "error.feedback_score")
	_, err = s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: kallio, Score: -1, Channel: sotepe.FeedbackWebsite, Lang: "fi", CreatedAt: f.now})
	wantKey(t, err, sotepe.EInvalid, "error.feedback_score")
	if n := count(t, s, `SELECT COUNT(*) FROM feedback`); n != 1 {
		t.Fatalf("%d answers stored, want 1", n)
	}

	// A kiosk answer needs a live token of its unit.
	hash := sha256.Sum256([]byte("kiosk-token"))
	_, err = s.CreateFeedbackKiosk(ctx, kallio, hash[:], f.now)
	must(t, err)
	unit, err := s.FeedbackKioskUnit(ctx, hash[:])
	must(t, err)
	if unit != kallio {
		t.Fatalf("kiosk unit %q", unit)
	}
	wrong := sha256.Sum256([]byte("other"))
	_, err = s.FeedbackKioskUnit(ctx, wrong[:])
	wantKey(t, err, sotepe.ENotFound, "error.feedback_kiosk")
	kiosk := sotepe.NewFeedback{UnitID: kallio, Score: 3, Channel: sotepe.FeedbackKioskChannel, Lang: "sv", KioskTokenHash: hash[:],
		Comment: "ring [***]", Original: "ring 040 123 4567", OriginalUntil: f.now.Add(24 * time.Hour), CreatedAt: f.now.Add(time.Minute)}
	_, err = s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: "vuosaari-dental", Score: 3, Channel: sotepe.FeedbackKioskChannel, Lang: "sv",
		KioskTokenHash: hash[:], CreatedAt: f.now})
	wantKey(t, err, sotepe.ENotFound, "error.feedback_kiosk")
	k, err := s.AddFeedback(ctx, kiosk)
	must(t, err)
	if k.Comment != "ring [***]" || k.Original != "ring 040 123 4567" {
		t.Fatalf("kiosk answer %+v", k)
	}
	_, err = s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: "vuosaari-dental", Score: 7, Channel: sotepe.FeedbackPortal, Lang: "en",
		ResidentID: bob.ID, CreatedAt: f.now.Add(2 * time.Minute)})
	must(t, err)

	// Lists: a resident's own; a unit's with comments only.
	own, err := s.ListFeedback(ctx, sotepe.FeedbackScope{ResidentID: anna.ID}, sotepe.PageRequest{})
	must(t, err)
	if len(own.Items) != 1 || own.Items[0].ID != got.ID {
		t.Fatalf("anna's answers %+v", own.Items)
	}
	unitPage, err := s.ListFeedback(ctx, sotepe.FeedbackScope{Units: []string{kallio}, WithComment: true}, sotepe.PageRequest{})
	must(t, err)
	if len(unitPage.Items) != 1 || unitPage.Items[0].ID != k.ID {
		t.Fatalf("kallio's comments %+v", unitPage.Items)
	}
	all, err := s.ListFeedback(ctx, sotepe.FeedbackScope{Units: []string{kallio, "vuosaari-dental"}}, sotepe.PageRequest{Limit: 2})
	must(t, err)
	if len(all.Items) != 2 || all.NextCursor == "" || all.Items[0].UnitID != "vuosaari-dental" {
		t.Fatalf("first page %+v", all)
	}
	rest, err := s.ListFeedback(ctx, sotepe.FeedbackScope{Units: []string{kallio, "vuosaari-dental"}}, sotepe.PageRequest{Limit: 2, Cursor: all.NextCursor})
	must(t, err)
	if len(rest.Items) != 1 || rest.Items[0].ID != got.ID || rest.NextCursor != "" {
		t.Fatalf("second page %+v", rest)
	}
	if none, _ := s.ListFeedback(ctx, sotepe.FeedbackScope{}, sotepe.PageRequest{}); len(none.Items) != 0 {
		t.Fatalf("empty scope listed %+v", none.Items)
	}

	// The original is forgotten when its time is up.
	n, err := s.PurgeFeedbackOriginals(ctx, f.now.Add(12*time.Hour))
	must(t, err)
	if n != 0 {
		t.Fatalf("purged %d early", n)
	}
	n, err = s.PurgeFeedbackOriginals(ctx, f.now.Add(25*time.Hour))
	must(t, err)
	if n != 1 || count(t, s, `SELECT COUNT(*) FROM feedback WHERE original IS NOT NULL`) != 0 {
		t.Fatalf("purged %d", n)
	}
}

func testFeedbackCounts(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	// 2024-06-03 09:30 UTC; the second answer falls on the next day in
	// Helsinki (22:30 UTC is 01:30 there).
	day0 := time.Date(2024, 6, 3, 9, 30, 0, 0, time.UTC)
	scores := []struct {
		unit  string
		score int
		at    time.Time
		lang  sotepe.Lang
	}{
		{kallio, 10, day0, "fi"}, {kallio, 9, day0.Add(13 * time.Hour), "sv"}, {kallio, 8, day0, "fi"},
		{kallio, 6, day0, "fi"}, {kallio, 0, day0, "en"}, {"vuosaari-dental", 7, day0, "fi"},
		{"vuosaari-dental", 10, day0.AddDate(0, 1, 0), "fi"},
	}
	for _, sc := range scores {
		_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: sc.unit, Score: sc.score, Channel: sotepe.FeedbackQR, Lang: sc.lang, CreatedAt: sc.at})
		must(t, err)
	}
	counts, err := s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: "2024-06-01", To: "2024-06-30", Dim: sotepe.FeedbackDimUnit})
	must(t, err)
	byKey := map[string]sotepe.FeedbackCount{}
	for _, c := range counts {
		byKey[c.Key+"/"+c.Day] = c
	}
	if c := byKey[kallio+"/"]; len(counts) != 2 || c.Promoters != 2 || c.Passives != 1 || c.Detractors != 2 {
		t.Fatalf("by unit %+v", counts)
	}
	if c := byKey["vuosaari-dental/"]; c.Passives != 1 || c.Promoters != 0 {
		t.Fatalf("vuosaari %+v", c)
	}
	counts, err = s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: "2024-06-01", To: "2024-07-31", Dim: sotepe.FeedbackDimLang, ByDay: true, Units: []string{kallio}})
	must(t, err)
	byKey = map[string]sotepe.FeedbackCount{}
	for _, c := range counts {
		byKey[c.Key+"/"+c.Day] = c
	}
	if len(counts) != 3 || byKey["sv/2024-06-04"].Promoters != 1 || byKey["fi/2024-06-03"].Promoters != 1 || byKey["fi/2024-06-03"].Detractors != 1 {
		t.Fatalf("by language and day %+v", counts)
	}
	if counts, _ := s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: "2024-06-01", To: "2024-07-31", Dim: sotepe.FeedbackDimUnit, Units: []string{}}); len(counts) != 0 {
		t.Fatalf("no units gave %+v", counts)
	}
	_, err = s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: "2024-06-01", To: "2024-07-31", Dim: "producer"})
	wantCode(t, err, sotepe.EInvalid)
}

// testFeedbackMonthsAgreeWithDays checks the monthly roll-up: counts of every
// dimension over any period (whole months, cut months, within one month) equal the
// answers' own days added up.
func testFeedbackMonthsAgreeWithDays(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	units := []string{kallio, "vuosaari-dental", "kontula-family-centre"}
	start := time.Date(2024, 12, 20, 10, 0, 0, 0, time.UTC)
	for i := range 300 {
		// Every 7 h 13 min: some answers fall near midnight, where the
		// Helsinki day differs from the UTC one.
		at := start.Add(time.Duration(i) * (7*time.Hour + 13*time.Minute))
		ch := []sotepe.FeedbackChannel{sotepe.FeedbackWebsite, sotepe.FeedbackQR, sotepe.FeedbackPortal}[i%3]
		_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: units[i%3], Score: (i * 7) % 11, Channel: ch, Lang: sotepe.Langs[i%5%3], CreatedAt: at})
		must(t, err)
	}
	// At the turns of months: in Helsinki already February, in UTC
	// still January; and the last minute of February in Helsinki.
	for i, at := range []time.Time{time.Date(2025, 1, 31, 22, 30, 0, 0, time.UTC), time.Date(2025, 2, 28, 21, 59, 0, 0, time.UTC)} {
		_, err := s.AddFeedback(ctx, sotepe.NewFeedback{UnitID: units[i], Score: 10, Channel: sotepe.FeedbackQR, Lang: "sv", CreatedAt: at})
		must(t, err)
	}
	for _, dim := range []sotepe.FeedbackDim{sotepe.FeedbackDimUnit, sotepe.FeedbackDimService, sotepe.FeedbackDimChannel, sotepe.FeedbackDimLang} {
		for _, p := range [][2]string{{"2024-12-01", "2025-03-31"}, {"2024-12-25", "2025-02-10"}, {"2025-01-01", "2025-01-31"},
			{"2025-01-05", "2025-01-20"}, {"2025-01-31", "2025-02-01"}, {"2024-12-20", "2025-04-30"}} {
			got, err := s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: p[0], To: p[1], Dim: dim, Units: units[:2]})
			must(t, err)
			days, err := s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: p[0], To: p[1], Dim: dim, ByDay: true, Units: units[:2]})
			must(t, err)
			want := map[string]sotepe.FeedbackCount{}
			for _, c := range days {
				w := want[c.Key]
				w.Key, w.Promoters, w.Passives, w.Detractors = c.Key, w.Promoters+c.Promoters, w.Passives+c.Passives, w.Detractors+c.Detractors
				want[c.Key] = w
			}
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%v: %d groups, want %d", p, len(got), len(want))
			}
			for _, c := range got {
				if c != want[c.Key] {
					t.Errorf("%v: %+v, want %+v", p, c, want[c.Key])
				}
			}
			// By month: the days added up by month.
			months, err := s.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: p[0], To: p[1], Dim: dim, ByMonth: true, Units: units[:2]})
			must(t, err)
			wantM := map[[2]string]sotepe.FeedbackCount{}
			for _, c := range days {
				k := [2]string{c.Key, c.Day[:7]}
				w := wantM[k]
				w.Key, w.Day, w.Promoters, w.Passives, w.Detractors = c.Key, c.Day[:7], w.Promoters+c.Promoters, w.Passives+c.Passives, w.Detractors+c.Detractors
				wantM[k] = w
			}
			if len(months) != len(wantM) {
				t.Fatalf("%v: %d key-months, want %d", p, len(months), len(wantM))
			}
			for _, c := range months {
				if c != wantM[[2]string{c.Key, c.Day}] {
					t.Errorf("%v by month: %+v, want %+v", p, c, wantM[[2]string{c.Key, c.Day}])
				}
			}
		}
	}
}

// testFeedbackKioskRevoke lists a unit's live kiosk tokens and revokes one:
// its address stops taking answers at once, only at its own unit, once,
// and both the issue and the revocation leave an audit row.
func testFeedbackKioskRevoke(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	now := s.Clock.Now()
	hash := sha256.Sum256([]byte("tablet-1"))
	k, err := s.CreateFeedbackKiosk(ctx, kallio, hash[:], now)
	must(t, err)
	other := sha256.Sum256([]byte("tablet-2"))
	_, err = s.CreateFeedbackKiosk(ctx, kallio, other[:], now)
	must(t, err)
	live, err := s.FeedbackKiosks(ctx, kallio)
	must(t, err)
	if len(live) != 2 || live[0].ID != k.ID {
		t.Fatalf("live kiosks %+v", live)
	}
	wantKey(t, s.RevokeFeedbackKiosk(ctx, "vuosaari-dental", k.ID, now), sotepe.ENotFound, "error.feedback_kiosk")
	must(t, s.RevokeFeedbackKiosk(ctx, kallio, k.ID, now))
	wantKey(t, s.RevokeFeedbackKiosk(ctx, kallio, k.ID, now), sotepe.ENotFound, "error.feedback_kiosk")
	_, err = s.FeedbackKioskUnit(ctx, hash[:])
	wantKey(t, err, sotepe.ENotFound, "error.feedback_kiosk")
	if unit, err := s.FeedbackKioskUnit(ctx, other[:]); err != nil || unit != kallio {
		t.Fatalf("the other tablet: %q %v", unit, err)
	}
	live, err = s.FeedbackKiosks(ctx, kallio)
	must(t, err)
	if len(live) != 1 || live[0].ID == k.ID {
		t.Fatalf("live kiosks after revoking %d: %+v", k.ID, live)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1`, sotepe.ActionFeedbackKiosk); n != 2 {
		t.Errorf("%d audit rows of issued kiosks, want 2", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object = $2`, sotepe.ActionFeedbackKioskRevoke, kioskObject(k.ID)); n != 1 {
		t.Errorf("%d audit rows of the revocation, want 1", n)
	}
}
