package e2e

import (
	"context"
	"math"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotepe"
	"sotepe/store"
)

// TestRescueOfficerSeesResponseShare: the rescue officer signs in to the
// demo, opens the rescue figures from the menu and sees the share of
// urgency A missions in risk class I on the scene within 6 minutes; the
// share is the one computed from the stored missions. The figures, the
// mission list and the inspections pass axe and reflow in three languages.
func TestRescueOfficerSeesResponseShare(t *testing.T) {
	ctx := browser(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	url, _ := startOn(t, db)
	if r, err := http.Post(url+"/api/v1/session", "application/json", strings.NewReader(`{"username":"rescue","password":"demo"}`)); err != nil {
		t.Fatal(err)
	} else if r.Body.Close(); r.StatusCode != http.StatusCreated {
		t.Skip("no demo rescue officer yet: it comes with the sector roles")
	}

	do(t, ctx, "sign in as the rescue officer", append(loginSteps(url+"/login?lang=fi", "rescue"),
		chromedp.WaitVisible(chromedp.ID("nav-rescue")),
		chromedp.Click(chromedp.ID("nav-rescue")),
		chromedp.WaitVisible(chromedp.ID("rescue-a6")))...)
	shown := strings.TrimSpace(read(t, ctx, chromedp.Text(chromedp.ID("rescue-a6"))))

	// The share from the stored rows: every class I A-mission of the page's
	// period (the last twelve months; the demo's are of the last 90 days).
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	met, n := 0, 0
	p := sotepe.PageRequest{Limit: sotepe.MaxPageLimit}
	since := time.Now().AddDate(-1, 0, 0)
	for {
		page, err := st.RescueMissions(context.Background(), sotepe.RescueMissionFilter{RiskClass: "I", Urgency: "A"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Items {
			if m.CallAt.Before(since) {
				continue
			}
			n++
			if ok, _ := m.TargetMet(); ok {
				met++
			}
		}
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	if n == 0 {
		t.Fatal("the demo has no class I A-missions")
	}
	pct := math.Round(float64(met)*1000/float64(n)) / 10
	want := strings.Replace(strconv.FormatFloat(pct, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
	if shown != want {
		t.Errorf("the page shows %q, the stored missions give %q (%d of %d)", shown, want, met, n)
	}
	t.Logf("class I A-missions within 6 minutes: %s (%d of %d)", shown, met, n)

	checkPageLangs(t, ctx, "rescue figures")
	do(t, ctx, "the mission list", chromedp.Navigate(url+"/rescue/missions"), chromedp.WaitVisible(chromedp.ID("rescue-mission-list")))
	checkPageLangs(t, ctx, "rescue missions")
	do(t, ctx, "the inspections", chromedp.Navigate(url+"/rescue/inspections?all=1"), chromedp.WaitVisible(chromedp.ID("rescue-inspections")))
	checkPageLangs(t, ctx, "rescue inspections")
}
