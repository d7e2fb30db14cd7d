package e2e

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestContractManagerComparesVoucherProducer: the contract manager signs
// in to the demo, opens purchased services from the menu and compares the
// voucher producer Esimerkki Hammas's NPS and answer promise with the own
// dental clinics'; the page shows, in Finnish, the figures the service
// computes (read from the comparison's JSON). The comparison, the
// contracts and the supervision pages pass axe and reflow in three
// languages.
func TestContractManagerComparesVoucherProducer(t *testing.T) {
	ctx := browser(t)
	url, _ := startOn(t, filepath.Join(t.TempDir(), "demo.db"))

	// The service's figures for the same default period as the page's.
	c := signedInClient(t, url, "contracts")
	res, err := c.Get(url + "/api/v1/procurement/comparison?producer=esimerkki-hammas")
	if err != nil {
		t.Fatal(err)
	}
	type figures struct {
		Responses int64    `json:"feedback_responses"`
		NPS       *float64 `json:"nps"`
		Known     int64    `json:"contact_requests_known_outcome"`
		Answered  *float64 `json:"answered_in_time_percent"`
	}
	var cmp struct {
		Contracts []struct {
			ID       int64   `json:"contract"`
			Kind     string  `json:"producer_kind"`
			Producer figures `json:"producer_figures"`
			Own      figures `json:"own_figures"`
		} `json:"contracts"`
	}
	err = json.NewDecoder(res.Body).Decode(&cmp)
	res.Body.Close()
	if err != nil || len(cmp.Contracts) != 1 || cmp.Contracts[0].Kind != "voucher" {
		t.Fatalf("the comparison of Esimerkki Hammas: %+v, %v", cmp, err)
	}
	row := cmp.Contracts[0]
	for _, f := range []figures{row.Producer, row.Own} {
		if f.NPS == nil || f.Answered == nil || f.Responses < 5 {
			t.Fatalf("the demo's figures lack an NPS or an answer promise: %+v", row)
		}
	}

	id := "contract-" + strconv.FormatInt(row.ID, 10)
	do(t, ctx, "sign in as the contract manager",
		chromedp.Navigate(url+"/login?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "contracts"),
		chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("nav-procurement")),
		chromedp.Click(chromedp.ID("nav-procurement")),
		chromedp.WaitVisible(chromedp.ID(id+"-figures")))

	fi := func(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1) }
	for _, cell := range []struct{ id, want string }{
		{id + "-producer-nps", fi(*row.Producer.NPS)},
		{id + "-own-nps", fi(*row.Own.NPS)},
		{id + "-producer-answered", fi(*row.Producer.Answered) + "\u00a0%"},
		{id + "-own-answered", fi(*row.Own.Answered) + "\u00a0%"},
		{id + "-producer-responses", strconv.FormatInt(row.Producer.Responses, 10)},
		{id + "-own-responses", strconv.FormatInt(row.Own.Responses, 10)},
	} {
		if got := strings.TrimSpace(text(t, ctx, cell.id)); got != cell.want {
			t.Errorf("%s shows %q, the service computes %q", cell.id, got, cell.want)
		}
	}
	t.Logf("Esimerkki Hammas: NPS %.1f of %d answers, answered in time %.1f %%; own units: NPS %.1f of %d, %.1f %%",
		*row.Producer.NPS, row.Producer.Responses, *row.Producer.Answered, *row.Own.NPS, row.Own.Responses, *row.Own.Answered)

	checkPageLangs(t, ctx, "purchased services' comparison")
	do(t, ctx, "the contracts", chromedp.Navigate(url+"/procurement/contracts"), chromedp.WaitVisible(chromedp.ID("procurement-contracts")))
	checkPageLangs(t, ctx, "contracts and vouchers")
	do(t, ctx, "the supervision", chromedp.Navigate(url+"/procurement/supervision"), chromedp.WaitVisible(chromedp.ID("procurement-overdue")))
	checkPageLangs(t, ctx, "supervision")
}
