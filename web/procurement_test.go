package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
)

// annasVoucherDecision gives anna a home-care voucher decision (the kind
// stored first) and returns its id for the access matrix's {voucher}.
func annasVoucherDecision(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	today := f.e.clock.Now().Format(time.DateOnly)
	if err := f.e.store.SaveVoucherKind(ctx, sotepe.VoucherKind{ID: "home-care", ServiceID: "home-care",
		Names:  sotepe.Names{Fi: "Kotihoito", Sv: "Hemvård", En: "Home care"},
		Values: []sotepe.VoucherValue{{ValidFrom: "2020-01-01", ValidTo: "2099-12-31", BaseCents: 3200, Coefficient: 10000}}}); err != nil {
		t.Fatal(err)
	}
	d, err := f.e.store.AddVoucherDecision(ctx, sotepe.VoucherDecision{ResidentID: f.e.ids.Residents["anna"], KindID: "home-care",
		ProducerID: "esimerkki-hoiva", ValidFrom: today, ValidTo: today, DecidedBy: f.e.ids.Users["nurse"]})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"voucher": itoa(d.ID)}
}

// procurementRows are the access matrix's rows of purchased services: the
// contract manager reads and writes everything (a valid contract is 201, a
// bad one 400), the analyst reads the comparison and the totals, residents
// read their own voucher decisions (another's is 404), no one else
// anything.
func procurementRows() []access {
	// The columns: anon, owner, other, pro, proOther, mgrOther, analyst,
	// admin, contracts, rescue, personnel (HR), finance.
	figPage := want{login, 403, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403}
	figAPI := want{401, 403, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403}
	mgrPage := want{login, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403}
	mgrAPI := want{401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403}
	contract := `{"producer":"esimerkki-hammas","title":"Matrix contract","services":["dental-care"],"value_cents":100,` +
		`"valid_from":"2026-01-01","valid_to":"2026-12-31"}`
	return []access{
		{route: "GET /procurement", want: figPage, method: "GET", path: "/procurement"},
		{route: "GET /api/v1/procurement/comparison", want: figAPI, method: "GET", path: "/api/v1/procurement/comparison?from=2026-01-01&to=2026-12-31"},
		{route: "GET /api/v1/procurement/totals", want: figAPI, method: "GET", path: "/api/v1/procurement/totals?year=2026"},
		{route: "GET /procurement/contracts", want: mgrPage, method: "GET", path: "/procurement/contracts"},
		{route: "GET /api/v1/procurement/contracts", want: mgrAPI, method: "GET", path: "/api/v1/procurement/contracts"},
		{route: "POST /api/v1/procurement/contracts", want: want{401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403},
			method: "POST", path: "/api/v1/procurement/contracts", body: contract},
		{route: "POST /api/v1/procurement/contracts", name: "POST /api/v1/procurement/contracts (no title)",
			want:   want{401, 403, 403, 403, 403, 403, 403, 403, 400, 403, 403, 403},
			method: "POST", path: "/api/v1/procurement/contracts", body: strings.Replace(contract, "Matrix contract", "", 1)},
		{route: "GET /api/v1/procurement/voucher-kinds", want: mgrAPI, method: "GET", path: "/api/v1/procurement/voucher-kinds"},
		{route: "GET /procurement/supervision", want: mgrPage, method: "GET", path: "/procurement/supervision"},
		{route: "GET /api/v1/procurement/supervision", want: mgrAPI, method: "GET", path: "/api/v1/procurement/supervision"},
		{route: "GET /api/v1/me/voucher-decisions", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403},
			method: "GET", path: "/api/v1/me/voucher-decisions"},
		{route: "GET /api/v1/me/voucher-decisions/{id}", want: want{401, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403},
			method: "GET", path: "/api/v1/me/voucher-decisions/{voucher}", fresh: annasVoucherDecision},
	}
}

// comparisonJSON is GET /api/v1/procurement/comparison as the tests read
// it.
type comparisonJSON struct {
	Contracts []struct {
		Contract     int64  `json:"contract"`
		Producer     string `json:"producer"`
		ProducerKind string `json:"producer_kind"`
		Figures      struct {
			Units []string `json:"units"`
		} `json:"producer_figures"`
		Own struct {
			Units []string `json:"units"`
		} `json:"own_figures"`
	} `json:"contracts"`
}

// TestProcurementPagesAndAPI: the contract manager sees the demo's
// contracts compared, in Swedish; a contract without a title is refused
// naming the field in Finnish, a good one stored (201) and listed; the
// supervision page marks the overdue follow-up; the analyst reads the
// comparison and the totals but not the contracts; a resident reads their
// own voucher decisions and not another's.
func TestProcurementPagesAndAPI(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := demo.LoadProcurement(ctx, e.store, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		mgr, analyst := e.as("contracts"), e.as("analyst")
		var cmp comparisonJSON
		r := mgr.get("/api/v1/procurement/comparison?producer=esimerkki-hammas")
		needStatus(t, r, http.StatusOK, "comparison")
		r.json(t, &cmp)
		if len(cmp.Contracts) != 1 || cmp.Contracts[0].ProducerKind != "voucher" || len(cmp.Contracts[0].Figures.Units) != 2 ||
			len(cmp.Contracts[0].Own.Units) == 0 {
			t.Errorf("comparison %s", r.body)
		}
		page := mgr.get("/procurement?lang=sv")
		needStatus(t, page, http.StatusOK, "comparison page")
		for _, want := range []string{"Suun terveydenhuollon palveluseteli", "Kannelmäen terveysaseman ulkoistus", "Egna enheter",
			`<th scope="row">Rekommendationsindex (NPS)</th>`, `id="nav-procurement"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the comparison page lacks %q", want)
			}
		}
		needStatus(t, mgr.get("/procurement?from=2026-13-01"), http.StatusBadRequest, "a bad date on the page")
		needStatus(t, mgr.get("/api/v1/procurement/comparison?from=2026-12-01&to=2026-01-01"), http.StatusBadRequest, "a period backwards")

		r = mgr.do("POST", "/api/v1/procurement/contracts?lang=fi", `{"producer":"esimerkki-hammas","title":"","services":["dental-care"],"valid_from":"2026-01-01","valid_to":"2026-12-31"}`)
		needStatus(t, r, http.StatusBadRequest, "a contract without a title")
		if !strings.Contains(r.body, `"field":"title"`) || !strings.Contains(r.body, "Sopimuksen nimi: Tämä tieto tarvitaan.") {
			t.Errorf("no title: %s", r.body)
		}
		r = mgr.do("POST", "/api/v1/procurement/contracts?lang=en", `{"producer":"no-such","title":"X","services":["dental-care"],"valid_from":"2026-01-01","valid_to":"2026-12-31"}`)
		needStatus(t, r, http.StatusBadRequest, "an unknown producer")
		if !strings.Contains(r.body, `"field":"producer"`) || !strings.Contains(r.body, "Producer: ") {
			t.Errorf("unknown producer: %s", r.body)
		}
		r = mgr.do("POST", "/api/v1/procurement/contracts", `{"producer":"esimerkki-laakarit","title":"Lääkäripalvelut","services":["doctor-appointment"],`+
			`"value_cents":500000,"valid_from":"2026-01-01","valid_to":"2026-12-31","prices":[{"service":"doctor-appointment","measure":"visit","price_cents":9000,"valid_from":"2026-01-01","valid_to":"2026-12-31"}]}`)
		needStatus(t, r, http.StatusCreated, "a good contract")
		list := mgr.get("/procurement/contracts?lang=fi")
		needStatus(t, list, http.StatusOK, "contracts page")
		if !strings.Contains(list.body, "Lääkäripalvelut") || !strings.Contains(list.body, "90,00\u00a0€") {
			t.Errorf("the contracts page lacks the new contract and its price")
		}
		needStatus(t, mgr.get("/api/v1/procurement/voucher-kinds"), http.StatusOK, "voucher kinds")
		sup := mgr.get("/procurement/supervision?lang=en")
		needStatus(t, sup, http.StatusOK, "supervision page")
		if !strings.Contains(sup.body, `class="overdue"`) || !strings.Contains(sup.body, "Follow-ups overdue: 1") {
			t.Errorf("the supervision page does not mark the overdue follow-up")
		}

		needStatus(t, analyst.get("/procurement"), http.StatusOK, "analyst's comparison")
		needStatus(t, analyst.get("/api/v1/procurement/totals?year=2026"), http.StatusOK, "analyst's totals")
		needStatus(t, analyst.get("/api/v1/procurement/contracts"), http.StatusForbidden, "analyst's contracts")
		needStatus(t, e.as("rescue").get("/procurement"), http.StatusForbidden, "rescue officer's comparison")
	})
}
