package feedback_test

import (
	"context"
	"testing"
	"time"

	"sotepe"
	"sotepe/feedback"
	"sotepe/internal/testenv"
)

const (
	kallio = "kallio-health-station"
	toolo  = "toolo-health-station"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// fixture is the feedback service over a real store (SQLite, or PostgreSQL
// inside testenv.Engines) with the demo network and people: anna
// (resident), nurse and manager (Kallio), analyst.
type fixture struct {
	svc   *feedback.Service
	users map[string]*sotepe.User
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	env := testenv.New(t, testenv.EngineOf(t))
	env.Clock.Set(now)
	f := fixture{svc: feedback.New(feedback.Config{Store: env.Store, Now: env.Clock.Now}), users: map[string]*sotepe.User{}}
	for name, u := range env.Users {
		f.users[name] = &u
	}
	return f
}

// count returns how many answers the analyst's figures hold over the year.
func (f fixture) count(t *testing.T) int64 {
	t.Helper()
	counts, err := f.svc.Counts(context.Background(), *f.users["analyst"], sotepe.FeedbackCountsQuery{From: "2026-01-01", To: "2026-12-31", Dim: sotepe.FeedbackDimUnit})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c.Promoters + c.Passives + c.Detractors
	}
	return n
}

func TestSubmitRules(t *testing.T) { testenv.Engines(t, testSubmitRules) }

func testSubmitRules(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	anna, nurse, manager := f.users["anna"], f.users["nurse"], f.users["manager"]
	cases := []struct {
		user *sotepe.User
		in   sotepe.FeedbackInput
		code string
	}{
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackVisit, AppointmentID: 5, Score: 9}, sotepe.EUnauthorized},
		{nurse, sotepe.FeedbackInput{Channel: sotepe.FeedbackVisit, AppointmentID: 5, Score: 9}, sotepe.EForbidden},
		{anna, sotepe.FeedbackInput{Channel: sotepe.FeedbackVisit, Score: 9}, sotepe.EInvalid},
		{anna, sotepe.FeedbackInput{Channel: sotepe.FeedbackVisit, AppointmentID: 5, Score: 9}, sotepe.ENotFound}, // no such visit of hers
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackPortal, UnitID: kallio, Score: 9}, sotepe.EUnauthorized},
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackKioskChannel, Score: 9}, sotepe.ENotFound},
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackKioskChannel, KioskToken: "unknown", Score: 9}, sotepe.ENotFound},
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackQR, UnitID: kallio, Score: 11}, sotepe.EInvalid},
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackQR, Score: 5}, sotepe.EInvalid},
		{nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackQR, UnitID: "no-such-unit", Score: 5}, sotepe.ENotFound},
		{nil, sotepe.FeedbackInput{Channel: "fax", UnitID: kallio, Score: 5}, sotepe.EInvalid},
	}
	for _, c := range cases {
		if _, err := f.svc.Submit(ctx, c.user, c.in); sotepe.ErrorCode(err) != c.code {
			t.Errorf("%+v: %v, want %s", c.in, err, c.code)
		}
	}
	if n := f.count(t); n != 0 {
		t.Fatalf("refused answers were stored: %d", n)
	}

	// A public answer stays anonymous even when signed in; the comment is
	// screened and the original kept for 30 days only when something was
	// masked.
	fb, err := f.svc.Submit(ctx, anna, sotepe.FeedbackInput{Channel: sotepe.FeedbackQR, UnitID: kallio, Score: 3, Comment: " soita 040 123 4567 "})
	if err != nil {
		t.Fatal(err)
	}
	if fb.ResidentID != 0 || fb.Comment != "soita [***]" || fb.Original != " soita 040 123 4567 " ||
		!fb.OriginalUntil.Equal(now.AddDate(0, 0, 30)) || fb.Lang != sotepe.Finnish {
		t.Fatalf("qr %+v", fb)
	}
	fb, err = f.svc.Submit(ctx, nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackWebsite, UnitID: kallio, Score: 10, Comment: "Kiitos!"})
	if err != nil {
		t.Fatal(err)
	}
	if fb.Comment != "Kiitos!" || fb.Original != "" || !fb.OriginalUntil.IsZero() {
		t.Fatalf("nothing to mask, yet an original is kept: %+v", fb)
	}
	// The portal: the signed-in resident's own answer.
	fb, err = f.svc.Submit(ctx, anna, sotepe.FeedbackInput{Channel: sotepe.FeedbackPortal, UnitID: kallio, Score: 9, Lang: sotepe.Swedish})
	if err != nil {
		t.Fatal(err)
	}
	if fb.ResidentID != anna.ResidentID || fb.Lang != sotepe.Swedish || !fb.CreatedAt.Equal(now) {
		t.Fatalf("portal %+v", fb)
	}
	// A kiosk: the token names the unit.
	k, err := f.svc.CreateKiosk(ctx, *manager, kallio)
	if err != nil || len(k.Token) < 20 {
		t.Fatalf("kiosk %+v, %v", k, err)
	}
	if _, err := f.svc.Submit(ctx, nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackKioskChannel, KioskToken: k.Token, UnitID: toolo, Score: 8}); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Fatalf("Kallio's kiosk token for Töölö: %v", err)
	}
	fb, err = f.svc.Submit(ctx, nil, sotepe.FeedbackInput{Channel: sotepe.FeedbackKioskChannel, KioskToken: k.Token, Score: 8})
	if err != nil {
		t.Fatal(err)
	}
	if fb.UnitID != kallio || fb.Channel != sotepe.FeedbackKioskChannel {
		t.Fatalf("kiosk answer %+v, want Kallio's", fb)
	}
	if n := f.count(t); n != 4 {
		t.Fatalf("%d answers stored, want 4", n)
	}
}

func TestWhoReadsWhat(t *testing.T) { testenv.Engines(t, testWhoReadsWhat) }

func testWhoReadsWhat(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	anna, nurse, manager, analyst := f.users["anna"], f.users["nurse"], f.users["manager"], f.users["analyst"]
	for _, in := range []sotepe.FeedbackInput{
		{Channel: sotepe.FeedbackQR, UnitID: kallio, Score: 2, Comment: "Jonotin tunnin."},
		{Channel: sotepe.FeedbackQR, UnitID: toolo, Score: 10, Comment: "Hyvä palvelu."},
		{Channel: sotepe.FeedbackQR, UnitID: toolo, Score: 9},
	} {
		if _, err := f.svc.Submit(ctx, nil, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.Submit(ctx, anna, sotepe.FeedbackInput{Channel: sotepe.FeedbackPortal, UnitID: toolo, Score: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateKiosk(ctx, *manager, toolo); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("kiosk at another unit: %v", err)
	}
	if _, err := f.svc.CreateKiosk(ctx, *nurse, kallio); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("kiosk by a professional: %v", err)
	}
	// The resident: her own answer only.
	if p, err := f.svc.List(ctx, *anna, nil, sotepe.PageRequest{}); err != nil || len(p.Items) != 1 || p.Items[0].Score != 7 {
		t.Errorf("resident's list: %v %+v", err, p.Items)
	}
	// The manager: her units' answers with a comment.
	if p, err := f.svc.List(ctx, *manager, nil, sotepe.PageRequest{}); err != nil || len(p.Items) != 1 || p.Items[0].UnitID != kallio || p.Items[0].Comment == "" {
		t.Errorf("manager's list: %v %+v", err, p.Items)
	}
	if _, err := f.svc.List(ctx, *manager, []string{toolo}, sotepe.PageRequest{}); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("another unit's comments: %v", err)
	}
	for _, u := range []*sotepe.User{nurse, analyst} {
		if _, err := f.svc.List(ctx, *u, nil, sotepe.PageRequest{}); sotepe.ErrorCode(err) != sotepe.EForbidden {
			t.Errorf("%v lists comments: %v", u.Roles, err)
		}
	}
	// Figures: managers their own units, whatever they ask; analysts all.
	units := func(u *sotepe.User, ask []string) map[string]bool {
		counts, err := f.svc.Counts(ctx, *u, sotepe.FeedbackCountsQuery{From: "2026-01-01", To: "2026-12-31", Dim: sotepe.FeedbackDimUnit, Units: ask})
		if err != nil {
			t.Fatalf("%v's figures: %v", u.Roles, err)
		}
		seen := map[string]bool{}
		for _, c := range counts {
			seen[c.Key] = true
		}
		return seen
	}
	if got := units(manager, []string{kallio, toolo}); len(got) != 1 || !got[kallio] {
		t.Errorf("manager's figures cover %v", got)
	}
	if got := units(manager, nil); len(got) != 1 || !got[kallio] {
		t.Errorf("manager's figures cover %v", got)
	}
	if got := units(analyst, nil); len(got) != 2 {
		t.Errorf("analyst's figures cover %v", got)
	}
	for _, u := range []*sotepe.User{nurse, anna} {
		if _, err := f.svc.Counts(ctx, *u, sotepe.FeedbackCountsQuery{}); sotepe.ErrorCode(err) != sotepe.EForbidden {
			t.Errorf("%v reads figures: %v", u.Roles, err)
		}
	}
}
