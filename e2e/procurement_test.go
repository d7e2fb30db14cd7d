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
	do(t, ctx, "sign in as the contract manager", append(loginSteps(url+"/login?lang=fi", "contracts"),
		chromedp.WaitVisible(chromedp.ID("nav-procurement")),
		chromedp.Click(chromedp.ID("nav-procurement")),
		chromedp.WaitVisible(chromedp.ID(id+"-figures")))...)

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

// TestContractManagerAddsVoucherKindAndVisit: the contract manager adds a
// voucher kind through its form in chromium; two overlapping value periods
// come back with the error beside the later period's start and what was
// typed kept; moved apart, the kind is stored and listed with its value. A
// supervision visit with its findings and follow-up deadline is listed
// after its form. The voucher kinds page (with and without the error), the
// supervision page and the producers page pass axe and reflow in three
// languages.
func TestContractManagerAddsVoucherKindAndVisit(t *testing.T) {
	ctx := browser(t)
	url, _ := startOn(t, filepath.Join(t.TempDir(), "demo.db"))
	do(t, ctx, "sign in as the contract manager", append(loginSteps(url+"/login?lang=fi", "contracts"),
		chromedp.WaitVisible(chromedp.ID("nav-procurement")),
		chromedp.Click(chromedp.ID("nav-procurement")),
		chromedp.WaitVisible(chromedp.ID("procurement-voucher-kinds-link")),
		chromedp.Click(chromedp.ID("procurement-voucher-kinds-link")),
		chromedp.WaitVisible(chromedp.ID("voucher-kind-form")))...)
	checkPageLangs(t, ctx, "voucher kinds")

	do(t, ctx, "a voucher kind whose periods overlap",
		chromedp.SendKeys(chromedp.ID("kind-id"), "foot-care"),
		chromedp.SetValue(chromedp.ID("kind-service"), "dental-care"),
		chromedp.SendKeys(chromedp.ID("name_fi"), "Jalkahoito"),
		chromedp.SendKeys(chromedp.ID("name_sv"), "Fotvård"),
		chromedp.SendKeys(chromedp.ID("name_en"), "Foot care"),
		chromedp.SetValue(chromedp.ID("period-0-from"), "2026-01-01"),
		chromedp.SetValue(chromedp.ID("period-0-to"), "2027-12-31"),
		chromedp.SendKeys(chromedp.ID("period-0-base"), "40,00"),
		chromedp.SendKeys(chromedp.ID("period-0-coefficient"), "1,25"),
		chromedp.Click(chromedp.ID("voucher-kind-submit")),
		chromedp.WaitVisible(chromedp.ID("voucher-kind-saved")),
		chromedp.Click(chromedp.ID("voucher-kind-foot-care-edit")),
		chromedp.WaitVisible(chromedp.ID("period-1-from")),
		chromedp.SetValue(chromedp.ID("period-1-from"), "2027-06-01"),
		chromedp.SetValue(chromedp.ID("period-1-to"), "2028-12-31"),
		chromedp.SendKeys(chromedp.ID("period-1-base"), "44"),
		chromedp.SendKeys(chromedp.ID("period-1-coefficient"), "1"),
		chromedp.Click(chromedp.ID("voucher-kind-submit")),
		chromedp.WaitVisible(chromedp.ID("period-1-from-error")))
	if got := text(t, ctx, "period-1-from-error"); !strings.Contains(got, "päällekkäin") {
		t.Errorf("the overlap reads %q", got)
	}
	if got := read(t, ctx, chromedp.Evaluate[string](`document.getElementById("period-1-base").value`)); got != "44" {
		t.Errorf("the typed base value is not kept: %q", got)
	}
	checkPage(t, ctx, "voucher kinds with an error")
	do(t, ctx, "the periods moved apart",
		chromedp.SetValue(chromedp.ID("period-1-from"), "2028-01-01"),
		chromedp.Click(chromedp.ID("voucher-kind-submit")),
		chromedp.WaitVisible(chromedp.ID("voucher-kind-saved")),
		chromedp.WaitVisible(chromedp.ID("voucher-kind-foot-care-periods")))
	if got := text(t, ctx, "voucher-kind-foot-care-periods"); !strings.Contains(got, "50,00\u00a0€") || !strings.Contains(got, "44,00\u00a0€") {
		t.Errorf("the stored kind's periods read %q", got)
	}

	do(t, ctx, "a supervision visit",
		chromedp.Navigate(url+"/procurement/supervision"),
		chromedp.WaitVisible(chromedp.ID("visit-form")),
		chromedp.SetValue(chromedp.ID("visit-unit"), "kallio-health-station"),
		chromedp.SetValue(chromedp.ID("visit-date"), "2026-03-02"),
		chromedp.SendKeys(chromedp.ID("visit-findings"), "Lääkehoitosuunnitelma päivittämättä"),
		chromedp.SetValue(chromedp.ID("visit-due"), "2026-04-30"),
		chromedp.Click(chromedp.ID("visit-submit")),
		chromedp.WaitVisible(chromedp.ID("supervision-added")))
	if got := text(t, ctx, "procurement-visits"); !strings.Contains(got, "Lääkehoitosuunnitelma päivittämättä") {
		t.Errorf("the visits list lacks the new visit: %q", got)
	}
	checkPageLangs(t, ctx, "supervision with its forms")
	do(t, ctx, "the producers", chromedp.Navigate(url+"/procurement/producers"), chromedp.WaitVisible(chromedp.ID("registration-form")))
	checkPageLangs(t, ctx, "producers' registrations")
}
