package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sotepe"
)

// TestProcurementForms: the contract manager's forms on both engines. A
// voucher kind whose periods overlap comes back in Finnish with the error
// at the later period's start and what was typed kept, and nothing is
// stored; a good one is stored, listed with its value and edited with a
// second period. A plan without a link or text and a visit whose
// follow-up is before it come back in Swedish beside their fields; good
// ones are listed after the redirect. A business id with a wrong check
// digit is refused in English; a right one is listed. The API stores the
// same and names the field.
func TestProcurementForms(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.as("contracts")
		post := func(path, body string) response { return mgr.do("POST", path, body, "Content-Type", form) }

		kind := "id=foot-care&service=dental-care&name_fi=Jalkahoito&name_sv=Fotv%C3%A5rd&name_en=Foot+care&periods=2" +
			"&period-0-from=2026-01-01&period-0-to=2026-12-31&period-0-base=40%2C00&period-0-coefficient=1%2C25" +
			"&period-1-from=2026-06-01&period-1-to=2027-06-30&period-1-base=44&period-1-coefficient=1"
		r := post("/procurement/voucher-kinds?lang=fi", kind)
		needStatus(t, r, http.StatusBadRequest, "overlapping periods")
		for _, want := range []string{`id="period-1-from-error"`, "Arvokaudet menevät päällekkäin", `aria-invalid="true"`,
			`value="Jalkahoito"`, `value="2027-06-30"`, `value="44"`, "<title>Virhe:"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the refused voucher kind lacks %q", want)
			}
		}
		kinds, err := e.store.VoucherKinds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kinds {
			if k.ID == "foot-care" {
				t.Fatalf("a refused voucher kind was stored: %+v", k)
			}
		}
		r = post("/procurement/voucher-kinds?lang=fi", strings.Replace(kind, "period-0-base=40%2C00", "period-0-base=nelj%C3%A4kymment%C3%A4", 1))
		needStatus(t, r, http.StatusBadRequest, "a base value that is no number")
		if !strings.Contains(r.body, `id="period-0-base-error"`) || !strings.Contains(r.body, "Kirjoita luku") {
			t.Errorf("a base value that is no number is not explained at its input")
		}
		r = post("/procurement/voucher-kinds", strings.Replace(kind, "period-1-from=2026-06-01", "period-1-from=2027-01-01", 1))
		needStatus(t, r, http.StatusSeeOther, "a good voucher kind")
		if loc := r.header.Get("Location"); loc != "/procurement/voucher-kinds?saved=foot-care" {
			t.Errorf("redirected to %q", loc)
		}
		page := mgr.get("/procurement/voucher-kinds?saved=foot-care&lang=fi")
		needStatus(t, page, http.StatusOK, "voucher kinds")
		for _, want := range []string{`id="voucher-kind-saved"`, "Jalkahoito", "50,00\u00a0€", "44,00\u00a0€", `id="voucher-kind-foot-care-periods"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the voucher kinds page lacks %q", want)
			}
		}
		edit := mgr.get("/procurement/voucher-kinds?kind=foot-care&lang=fi")
		if !strings.Contains(edit.body, `value="40,00"`) || !strings.Contains(edit.body, `value="1,25"`) || !strings.Contains(edit.body, `id="period-2-from"`) {
			t.Errorf("the edit form does not hold the kind's periods and a blank one")
		}

		// Supervision.
		r = post("/procurement/supervision/plans?lang=sv", "unit=kallio-health-station&version=4&date=2026-02-01")
		needStatus(t, r, http.StatusBadRequest, "a plan without content")
		if !strings.Contains(r.body, `id="plan-link-error"`) || !strings.Contains(r.body, "Ange planens länk eller text.") || !strings.Contains(r.body, `value="4"`) {
			t.Errorf("the refused plan is not explained at its field with what was typed")
		}
		r = post("/procurement/supervision/visits?lang=sv", "unit=kallio-health-station&date=2026-02-01&findings=Hygien+brister&follow_up_due=2026-01-15")
		needStatus(t, r, http.StatusBadRequest, "a follow-up before the visit")
		if !strings.Contains(r.body, `id="visit-due-error"`) || !strings.Contains(r.body, "Hygien brister") {
			t.Errorf("the refused visit is not explained at its field with what was typed")
		}
		needStatus(t, post("/procurement/supervision/plans", "unit=kallio-health-station&version=4&date=2026-02-01&link=javascript:alert(1)"),
			http.StatusBadRequest, "a plan linking to a script")
		needStatus(t, post("/procurement/supervision/plans", "unit=kallio-health-station&version=4&date=2026-02-01&text=Omavalvonta+2026"),
			http.StatusSeeOther, "a good plan")
		r = post("/procurement/supervision/visits", "unit=kallio-health-station&date=2026-02-01&findings=Hygieniapuutteita&follow_up_due=2026-03-01")
		needStatus(t, r, http.StatusSeeOther, "a good visit")
		sup := mgr.get(r.header.Get("Location"))
		for _, want := range []string{`id="supervision-added"`, "Hygieniapuutteita", "Omavalvonta 2026"} {
			if !strings.Contains(sup.body, want) {
				t.Errorf("the supervision page lacks %q", want)
			}
		}

		// Registrations.
		r = post("/procurement/producers?lang=en", "producer=esimerkki-hammas&business_id=0201256-7")
		needStatus(t, r, http.StatusBadRequest, "a wrong check digit")
		if !strings.Contains(r.body, `id="reg-business-id-error"`) || !strings.Contains(r.body, "check digit") || !strings.Contains(r.body, `value="0201256-7"`) {
			t.Errorf("the refused business id is not explained at its field")
		}
		needStatus(t, post("/procurement/producers", "producer=esimerkki-hammas&business_id=0201256-6&register_id=SOTERI-9"), http.StatusSeeOther, "a registration")
		page = mgr.get("/procurement/producers?saved=esimerkki-hammas")
		if !strings.Contains(page.body, `id="registration-saved"`) || !strings.Contains(page.body, "SOTERI-9") {
			t.Errorf("the producers page does not list the registration")
		}

		// The API.
		r = mgr.do("POST", "/api/v1/procurement/voucher-kinds?lang=fi", `{"id":"foot-care","names":{"fi":"Jalkahoito","sv":"Fotvård","en":""},"values":[]}`)
		needStatus(t, r, http.StatusBadRequest, "a kind without an English name")
		if !strings.Contains(r.body, `"field":"name_en"`) || !strings.Contains(r.body, "Nimi englanniksi: Tämä tieto tarvitaan.") {
			t.Errorf("no English name: %s", r.body)
		}
		r = mgr.do("POST", "/api/v1/procurement/visits?lang=en", `{"unit":"no-such","date":"2026-02-01","findings":"x"}`)
		needStatus(t, r, http.StatusBadRequest, "a visit to an unknown unit")
		if !strings.Contains(r.body, `"field":"unit"`) {
			t.Errorf("unknown unit: %s", r.body)
		}
		r = mgr.do("PUT", "/api/v1/procurement/registrations/esimerkki-hammas", `{"business_id":"0201256-6"}`)
		needStatus(t, r, http.StatusOK, "a registration by the API")
		regs, err := e.store.Registrations(ctx)
		if err != nil || !containsReg(regs, sotepe.ProducerRegistration{ProducerID: "esimerkki-hammas", BusinessID: "0201256-6"}) {
			t.Errorf("registrations %+v, %v", regs, err)
		}
	})
}

func containsReg(regs []sotepe.ProducerRegistration, want sotepe.ProducerRegistration) bool {
	for _, r := range regs {
		if r == want {
			return true
		}
	}
	return false
}

// TestVoucherDecisionForms: a professional finds anna, opens her voucher
// decisions on a basis (an audited read), records a decision whose
// producer is not a voucher producer (refused in Swedish at the field,
// nothing stored) and a good one (listed after the redirect); anna sees
// it on her own page and erik does not, on both engines.
func TestVoucherDecisionForms(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.store.SaveVoucherKind(ctx, sotepe.VoucherKind{ID: "home-care", ServiceID: "home-care",
			Names:  sotepe.Names{Fi: "Kotihoidon palveluseteli", Sv: "Servicesedel för hemvård", En: "Home-care voucher"},
			Values: []sotepe.VoucherValue{{ValidFrom: "2020-01-01", ValidTo: "2099-12-31", BaseCents: 3200, Coefficient: 12500}}}); err != nil {
			t.Fatal(err)
		}
		nurse, anna := e.as("nurse"), e.ids.Residents["anna"]
		base := "/staff/residents/" + itoa(anna) + "/vouchers"
		page := nurse.get(base)
		needStatus(t, page, http.StatusOK, "the page without a basis")
		if !strings.Contains(page.body, `id="decision-basis"`) || strings.Contains(page.body, `id="decision-form"`) {
			t.Errorf("without a basis the page should only ask for one")
		}
		page = nurse.get(base + "?basis=care_relationship&lang=sv")
		needStatus(t, page, http.StatusOK, "the page on a basis")
		if !strings.Contains(page.body, `id="staff-decisions-none"`) || !strings.Contains(page.body, "Servicesedel för hemvård") {
			t.Errorf("the page lacks the empty list or the kind to choose")
		}
		body := "basis=care_relationship&kind=home-care&producer=helsinki&valid_from=2026-01-01&valid_to=2026-06-30"
		r := nurse.do("POST", base+"?lang=sv", body, "Content-Type", form)
		needStatus(t, r, http.StatusBadRequest, "a producer that is not a voucher producer")
		if !strings.Contains(r.body, `id="decision-producer-error"`) || !strings.Contains(r.body, `value="2026-06-30"`) {
			t.Errorf("the refused decision is not explained at its field with what was typed")
		}
		if ds, _ := e.store.VoucherDecisions(ctx, anna); len(ds) != 0 {
			t.Fatalf("a refused decision was stored: %+v", ds)
		}
		r = nurse.do("POST", base, strings.Replace(body, "helsinki", "esimerkki-hoiva", 1), "Content-Type", form)
		needStatus(t, r, http.StatusSeeOther, "a good decision")
		page = nurse.get(r.header.Get("Location"))
		if !strings.Contains(page.body, `id="decision-recorded"`) || !strings.Contains(page.body, "40,00\u00a0€") {
			t.Errorf("the recorded decision is not listed with its value")
		}
		own := e.as("anna").get("/me/voucher-decisions?lang=fi")
		needStatus(t, own, http.StatusOK, "anna's own decisions")
		if !strings.Contains(own.body, "Kotihoidon palveluseteli") || !strings.Contains(own.body, "40,00\u00a0€") {
			t.Errorf("anna's page lacks her decision")
		}
		if other := e.as("erik").get("/me/voucher-decisions"); !strings.Contains(other.body, `id="own-decisions-none"`) {
			t.Errorf("erik's page is not empty")
		}
		r = nurse.do("POST", "/api/v1/residents/"+itoa(anna)+"/voucher-decisions?lang=en", `{"kind":"nothing","producer":"esimerkki-hoiva","valid_from":"2026-01-01","valid_to":"2026-01-31"}`)
		needStatus(t, r, http.StatusBadRequest, "an unknown kind")
		if !strings.Contains(r.body, `"field":"kind"`) {
			t.Errorf("unknown kind: %s", r.body)
		}
	})
}
