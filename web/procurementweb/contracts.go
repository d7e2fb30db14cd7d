package procurementweb

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The contract manager's contracts and voucher kinds: GET
// /procurement/contracts and /api/v1/procurement/contracts (POST stores a
// new contract), GET /api/v1/procurement/voucher-kinds; and the residents'
// own voucher decisions, GET /api/v1/me/voucher-decisions and
// /api/v1/me/voucher-decisions/{id}. Supervision is in
// supervision.go, the voucher kinds' page in
// vouchers.go.

// contractRow is one contract of the contracts page, written for it.
type contractRow struct {
	ID                                   int64
	Title, Producer, Services, Units     string
	Validity, Value, Social, Environment string
	Prices                               []string
}

// voucherKindRow is one voucher kind of the contracts page.
type voucherKindRow struct {
	ID, Name, Service, Base, Coefficient, Value, Validity string
}

// contractsView is the contracts page.
type contractsView struct {
	Contracts []contractRow
	Kinds     []voucherKindRow
}

// Contracts is GET /procurement/contracts and GET
// /api/v1/procurement/contracts; the page shows the voucher kinds too.
func (h *Handlers) Contracts(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	cs, err := h.cfg.Procurement.Contracts(r.Context(), u)
	if err != nil {
		return err
	}
	if kit.IsAPI(r) {
		cs = nonNil(cs)
		for i := range cs {
			cs[i] = contractOut(cs[i])
		}
		kit.WriteJSON(w, http.StatusOK, contractsResponse{Contracts: cs})
		return nil
	}
	kinds, err := h.cfg.Procurement.VoucherKinds(r.Context(), u)
	if err != nil {
		return err
	}
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	dates := h.site.Dates(lang)
	period := func(from, to string) string { return dates.DateOf(from) + "–" + dates.DateOf(to) }
	yes := func(b bool) string {
		if b {
			return h.site.T(lang, "procurement.yes", nil)
		}
		return h.site.T(lang, "procurement.no", nil)
	}
	var v contractsView
	for _, c := range cs {
		row := contractRow{ID: c.ID, Title: c.Title,
			Producer: vocab.In(n.Producers, c.ProducerID, func(p sotepe.Producer) (string, sotepe.Names) { return p.ID, p.Names }).In(lang),
			Services: h.serviceList(lang, n, c.Services), Validity: period(c.ValidFrom, c.ValidTo),
			Value: view.Euros(lang, c.ValueCents/100), Social: yes(c.SocialCriteria), Environment: yes(c.EnvironmentalCriteria)}
		for i, id := range c.Units {
			if i > 0 {
				row.Units += ", "
			}
			row.Units += vocab.UnitNames(r.Context(), h.cfg.Directory, id).In(lang)
		}
		if row.Units == "" {
			row.Units = view.Missing
		}
		for _, p := range c.Prices {
			row.Prices = append(row.Prices, h.site.T(lang, "procurement.contracts.price", map[string]any{
				"Service": h.serviceList(lang, n, []string{p.ServiceID}), "Measure": h.measure(lang, p.Measure),
				"Price": cents(lang, p.PriceCents), "Period": period(p.ValidFrom, p.ValidTo)}))
		}
		v.Contracts = append(v.Contracts, row)
	}
	today := h.site.Now().Format(time.DateOnly)
	for _, k := range kinds {
		row := voucherKindRow{ID: k.ID, Name: k.Names.In(lang), Service: view.Missing, Base: view.Missing, Coefficient: view.Missing,
			Value: view.Missing, Validity: view.Missing}
		if k.ServiceID != "" {
			row.Service = h.serviceList(lang, n, []string{k.ServiceID})
		}
		if val, ok := k.ValueOn(today); ok {
			row.Base, row.Value = cents(lang, val.BaseCents), cents(lang, val.Value())
			row.Coefficient = view.Decimal(lang, float64(val.Coefficient)/sotepe.CoefficientScale, 2)
			row.Validity = period(val.ValidFrom, val.ValidTo)
		}
		v.Kinds = append(v.Kinds, row)
	}
	h.site.Page(w, r, http.StatusOK, "procurement_contracts", h.site.T(lang, "procurement.contracts.title", nil), v)
	return nil
}

// measure names a price list's unit of measure in lang, or gives it as it
// is when the catalog does not know it.
func (h *Handlers) measure(lang sotepe.Lang, m string) string {
	switch m {
	case "visit", "care_day", "hour":
		return h.site.T(lang, "procurement.measure."+m, nil)
	}
	return m
}

// contractsResponse is GET /api/v1/procurement/contracts.
type contractsResponse struct {
	Contracts []sotepe.Contract `json:"contracts"`
}

// nonNil returns xs, or an empty slice for nil, so JSON writes [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// SaveContract is POST /api/v1/procurement/contracts: the
// contract manager stores a new contract; 201 with it and its id. A
// contract that breaks a rule is 400 naming the field in the caller's
// language.
func (h *Handlers) SaveContract(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var c sotepe.Contract
	if err := kit.DecodeJSON(r, &c); err != nil {
		return err
	}
	c.ID = 0
	lang := kit.Info(r).Lang
	if err := c.Validate(); err != nil {
		return h.fieldError(lang, err)
	}
	ps, err := h.cfg.Directory.Producers(r.Context())
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ps, func(p sotepe.Producer) bool { return p.ID == c.ProducerID }) {
		return h.fieldError(lang, sotepe.InvalidField("producer", "error.reference", "unknown producer"))
	}
	saved, err := h.cfg.Procurement.SaveContract(r.Context(), u, c)
	if err != nil {
		return h.fieldError(lang, err)
	}
	kit.WriteJSON(w, http.StatusCreated, contractOut(saved))
	return nil
}

// contractOut is c with empty lists instead of nil ones, so JSON writes [].
func contractOut(c sotepe.Contract) sotepe.Contract {
	c.Services, c.Units, c.Prices = nonNil(c.Services), nonNil(c.Units), nonNil(c.Prices)
	return c
}

// fieldError restates an EInvalid error about a field of a contract, a
// voucher kind, a plan, a visit, a registration or a decision so that its
// message names the field in lang: "Title: this is required."
// Other errors come back as they are.
func (h *Handlers) fieldError(lang sotepe.Lang, err error) error {
	var e *sotepe.Error
	if !errors.As(err, &e) || e.Code != sotepe.EInvalid || e.Field == "" {
		return err
	}
	field := e.Field
	switch field {
	case "producer", "title", "services", "units", "value_cents", "valid_from", "valid_to", "prices",
		"id", "service", "name_fi", "name_sv", "name_en", "base_cents", "coefficient",
		"unit", "version", "date", "link", "text", "findings", "follow_up_due", "followed_up_on",
		"business_id", "register_id", "kind":
		field = h.site.T(lang, "procurement.field."+field, nil)
	}
	return (&sotepe.Error{Code: sotepe.EInvalid, Key: "procurement.error.field", Field: e.Field, Message: e.Message}).
		With(map[string]any{"Field": field, "Problem": h.site.ErrText(lang, err)})
}

// voucherKindsResponse is GET /api/v1/procurement/voucher-kinds.
type voucherKindsResponse struct {
	Kinds []sotepe.VoucherKind `json:"voucher_kinds"`
}

// VoucherKinds is GET /api/v1/procurement/voucher-kinds: every
// kind with its value periods, each period's value (base × coefficient)
// filled in.
func (h *Handlers) VoucherKinds(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	kinds, err := h.cfg.Procurement.VoucherKinds(r.Context(), u)
	if err != nil {
		return err
	}
	for i := range kinds {
		withValues(&kinds[i])
	}
	kit.WriteJSON(w, http.StatusOK, voucherKindsResponse{Kinds: nonNil(kinds)})
	return nil
}

// withValues fills in the value (base × coefficient) of each of k's value
// periods for the API, an empty list rather than null.
func withValues(k *sotepe.VoucherKind) {
	k.Values = nonNil(k.Values)
	for i := range k.Values {
		k.Values[i].ValueCents = k.Values[i].Value()
	}
}

// voucherDecisionsResponse is GET /api/v1/me/voucher-decisions.
type voucherDecisionsResponse struct {
	Decisions []sotepe.VoucherDecision `json:"voucher_decisions"`
}

// OwnVoucherDecisions is GET /api/v1/me/voucher-decisions: the resident's
// own decisions, each with its kind's value in force today.
func (h *Handlers) OwnVoucherDecisions(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	ds, err := h.cfg.Procurement.OwnVoucherDecisions(r.Context(), u)
	return kit.WriteResult(w, http.StatusOK, voucherDecisionsResponse{Decisions: nonNil(ds)}, err)
}

// OwnVoucherDecision is GET /api/v1/me/voucher-decisions/{id}: one of the
// resident's decisions; another's is the same 404 as a missing one.
func (h *Handlers) OwnVoucherDecision(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	d, err := h.cfg.Procurement.OwnVoucherDecision(r.Context(), u, id)
	return kit.WriteResult(w, http.StatusOK, d, err)
}
