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
	proPage := want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}
	proAPI := want{401, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}
	proBad := want{401, 403, 403, 400, 400, 400, 403, 403, 403, 403, 403, 403}
	decision := "kind=home-care&producer=esimerkki-hoiva&valid_from=2026-01-01&valid_to=2026-12-31"
	mgrBad := want{401, 403, 403, 403, 403, 403, 403, 403, 400, 403, 403, 403}
	mgrCreated := want{401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403}
	mgrForm := want{401, 403, 403, 403, 403, 403, 403, 403, 303, 403, 403, 403}
	mgrFormBad := mgrBad
	kind := `{"id":"matrix-kind","service":"dental-care","names":{"fi":"Matriisi","sv":"Matris","en":"Matrix"},` +
		`"values":[{"valid_from":"2026-01-01","valid_to":"2026-12-31","base_cents":3200,"coefficient":12500}]}`
	kindForm := "id=matrix-form-kind&service=dental-care&name_fi=Matriisi&name_sv=Matris&name_en=Matrix&periods=2" +
		"&period-0-from=2026-01-01&period-0-to=2026-12-31&period-0-base=32&period-0-coefficient=1%2C25"
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
		{route: "POST /api/v1/procurement/voucher-kinds", want: mgrAPI, method: "POST", path: "/api/v1/procurement/voucher-kinds", body: kind},
		{route: "POST /api/v1/procurement/voucher-kinds", name: "POST /api/v1/procurement/voucher-kinds (overlap)", want: mgrBad,
			method: "POST", path: "/api/v1/procurement/voucher-kinds", body: strings.Replace(kind, `]}`, `,{"valid_from":"2026-06-01","valid_to":"2027-12-31","base_cents":100,"coefficient":10000}]}`, 1)},
		{route: "GET /procurement/voucher-kinds", want: mgrPage, method: "GET", path: "/procurement/voucher-kinds"},
		{route: "POST /procurement/voucher-kinds", want: mgrForm, method: "POST", path: "/procurement/voucher-kinds", body: kindForm},
		{route: "POST /procurement/voucher-kinds", name: "POST /procurement/voucher-kinds (bad base)", want: mgrFormBad,
			method: "POST", path: "/procurement/voucher-kinds", body: strings.Replace(kindForm, "base=32", "base=x", 1)},
		{route: "GET /procurement/supervision", want: mgrPage, method: "GET", path: "/procurement/supervision"},
		{route: "GET /api/v1/procurement/supervision", want: mgrAPI, method: "GET", path: "/api/v1/procurement/supervision"},
		{route: "POST /procurement/supervision/plans", want: mgrForm, method: "POST", path: "/procurement/supervision/plans",
			body: "unit=kallio-health-station&version=3&date=2026-02-01&link=https%3A%2F%2Fexample.org%2Fplan.pdf"},
		{route: "POST /procurement/supervision/plans", name: "POST /procurement/supervision/plans (no content)", want: mgrFormBad,
			method: "POST", path: "/procurement/supervision/plans", body: "unit=kallio-health-station&version=3&date=2026-02-01"},
		{route: "POST /procurement/supervision/visits", want: mgrForm, method: "POST", path: "/procurement/supervision/visits",
			body: "unit=kallio-health-station&date=2026-02-01&findings=Hygiene&follow_up_due=2026-03-01"},
		{route: "POST /procurement/supervision/visits", name: "POST /procurement/supervision/visits (due before)", want: mgrFormBad,
			method: "POST", path: "/procurement/supervision/visits", body: "unit=kallio-health-station&date=2026-02-01&findings=Hygiene&follow_up_due=2026-01-01"},
		{route: "POST /api/v1/procurement/plans", want: mgrCreated, method: "POST", path: "/api/v1/procurement/plans",
			body: `{"unit":"kallio-health-station","version":"3","date":"2026-02-01","text":"Omavalvonta"}`},
		{route: "POST /api/v1/procurement/plans", name: "POST /api/v1/procurement/plans (unknown unit)", want: mgrBad,
			method: "POST", path: "/api/v1/procurement/plans", body: `{"unit":"no-such-unit","version":"3","date":"2026-02-01","text":"Omavalvonta"}`},
		{route: "POST /api/v1/procurement/visits", want: mgrCreated, method: "POST", path: "/api/v1/procurement/visits",
			body: `{"unit":"kallio-health-station","date":"2026-02-01","findings":"Hygiene","follow_up_due":"2026-03-01"}`},
		{route: "POST /api/v1/procurement/visits", name: "POST /api/v1/procurement/visits (no findings)", want: mgrBad,
			method: "POST", path: "/api/v1/procurement/visits", body: `{"unit":"kallio-health-station","date":"2026-02-01","findings":""}`},
		{route: "GET /procurement/producers", want: mgrPage, method: "GET", path: "/procurement/producers"},
		{route: "POST /procurement/producers", want: mgrForm, method: "POST", path: "/procurement/producers",
			body: "producer=esimerkki-hammas&business_id=0201256-6&register_id=SOTERI-1"},
		{route: "POST /procurement/producers", name: "POST /procurement/producers (check digit)", want: mgrFormBad,
			method: "POST", path: "/procurement/producers", body: "producer=esimerkki-hammas&business_id=0201256-7"},
		{route: "GET /api/v1/procurement/registrations", want: mgrAPI, method: "GET", path: "/api/v1/procurement/registrations"},
		{route: "PUT /api/v1/procurement/registrations/{producer}", want: mgrAPI, method: "PUT",
			path: "/api/v1/procurement/registrations/esimerkki-hammas", body: `{"business_id":"0201256-6","register_id":"SOTERI-1"}`},
		{route: "PUT /api/v1/procurement/registrations/{producer}", name: "PUT /api/v1/procurement/registrations/{producer} (unknown)",
			want: want{401, 403, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403}, method: "PUT",
			path: "/api/v1/procurement/registrations/no-such-producer", body: `{"business_id":"0201256-6"}`},
		{route: "GET /staff/residents/{id}/vouchers", want: proPage, method: "GET", path: "/staff/residents/{resident}/vouchers?basis=care_relationship",
			sees: []actor{proOther, mgrOther}},
		{route: "GET /staff/residents/{id}/vouchers", name: "GET /staff/residents/{id}/vouchers (no basis)", want: proPage, method: "GET",
			path: "/staff/residents/{resident}/vouchers"},
		{route: "POST /staff/residents/{id}/vouchers", want: want{401, 403, 403, 303, 303, 303, 403, 403, 403, 403, 403, 403}, method: "POST",
			path: "/staff/residents/{resident}/vouchers", body: "basis=care_relationship&" + decision, fresh: annasVoucherDecision},
		{route: "POST /staff/residents/{id}/vouchers", name: "POST /staff/residents/{id}/vouchers (own producer)", want: proBad, method: "POST",
			path: "/staff/residents/{resident}/vouchers", body: "basis=care_relationship&" + strings.Replace(decision, "esimerkki-hoiva", "helsinki", 1),
			fresh: annasVoucherDecision, sees: []actor{proOther, mgrOther}},
		{route: "GET /api/v1/residents/{id}/voucher-decisions", want: proAPI, method: "GET",
			path: "/api/v1/residents/{resident}/voucher-decisions?basis=care_relationship", fresh: annasVoucherDecision, sees: []actor{proOther, mgrOther}},
		{route: "GET /api/v1/residents/{id}/voucher-decisions", name: "GET /api/v1/residents/{id}/voucher-decisions (no basis)", want: proBad,
			method: "GET", path: "/api/v1/residents/{resident}/voucher-decisions"},
		{route: "POST /api/v1/residents/{id}/voucher-decisions", want: want{401, 403, 403, 201, 201, 201, 403, 403, 403, 403, 403, 403}, method: "POST",
			path: "/api/v1/residents/{resident}/voucher-decisions", body: `{"kind":"home-care","producer":"esimerkki-hoiva","valid_from":"2026-01-01","valid_to":"2026-12-31"}`,
			fresh: annasVoucherDecision},
		{route: "GET /me/voucher-decisions", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403},
			method: "GET", path: "/me/voucher-decisions", fresh: annasVoucherDecision},
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
