package procurementweb

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// Voucher decisions: a professional reads a resident's decisions on a
// basis (audited) and records a new one at GET and POST
// /staff/residents/{id}/vouchers, reached from the resident lookup; the
// API: GET and POST /api/v1/residents/{id}/voucher-decisions. A resident
// reads their own at GET /me/voucher-decisions.

// decisionRow is one decision written for a page.
type decisionRow struct {
	ID                                   int64
	Kind, Producer, Validity, Value, Day string
}

// decisionRows writes decisions for the pages in lang, kinds and producers
// by name.
func (h *Handlers) decisionRows(ctx context.Context, lang sotepe.Lang, ds []sotepe.VoucherDecision, kinds []sotepe.VoucherKind) ([]decisionRow, error) {
	ps, err := h.cfg.Directory.Producers(ctx)
	if err != nil {
		return nil, err
	}
	dates := h.site.Dates(lang)
	var out []decisionRow
	for _, d := range ds {
		row := decisionRow{ID: d.ID, Kind: d.KindID, Validity: dates.DateOf(d.ValidFrom) + "–" + dates.DateOf(d.ValidTo),
			Value: view.Missing, Day: dates.Date(d.DecidedAt),
			Producer: vocab.In(ps, d.ProducerID, func(p sotepe.Producer) (string, sotepe.Names) { return p.ID, p.Names }).In(lang)}
		for _, k := range kinds {
			if k.ID == d.KindID {
				row.Kind = k.Names.In(lang)
			}
		}
		if d.ValueCents != nil {
			row.Value = cents(lang, *d.ValueCents)
		}
		out = append(out, row)
	}
	return out, nil
}

// staffVouchersView is the professional's page of a resident's decisions.
type staffVouchersView struct {
	ResidentID int64
	Name       string
	Bases      []sotepe.Basis
	Basis      sotepe.Basis
	// Read is set when the decisions were read on a basis.
	Read      bool
	Decisions []decisionRow
	Kinds     []option
	Producers []option
	Values    map[string]string
	Decided   bool
	Error     *kit.FormError
}

// decisionFields are the decision form's element ids that errors may name.
var decisionFields = []string{"kind=decision-kind", "producer=decision-producer", "valid_from=decision-from", "valid_to=decision-to", "basis=decision-basis"}

// staffVouchersView reads the resident and their decisions on basis (both
// audited) and builds the page with the form holding values. Without a
// basis the page only asks for one.
func (h *Handlers) staffVouchersView(r *http.Request, u sotepe.User, id int64, basis sotepe.Basis, values map[string]string, problem *kit.FormError) (staffVouchersView, error) {
	v := staffVouchersView{ResidentID: id, Bases: sotepe.Bases, Basis: basis, Values: values, Error: problem}
	if basis == "" {
		return v, nil
	}
	ctx, lang := r.Context(), kit.Info(r).Lang
	res, err := h.cfg.Residents.Read(ctx, u, id, basis)
	if err != nil {
		return v, err
	}
	v.Name = res.FirstName + " " + res.LastName
	ds, err := h.cfg.Procurement.StaffVoucherDecisions(ctx, u, id, basis)
	if err != nil {
		return v, err
	}
	kinds, producers, err := h.cfg.Procurement.DecisionChoices(ctx, u)
	if err != nil {
		return v, err
	}
	if v.Decisions, err = h.decisionRows(ctx, lang, ds, kinds); err != nil {
		return v, err
	}
	v.Read = true
	for _, k := range kinds {
		v.Kinds = append(v.Kinds, option{Value: k.ID, Label: k.Names.In(lang), Selected: k.ID == values["kind"]})
	}
	for _, p := range producers {
		v.Producers = append(v.Producers, option{Value: p.ID, Label: p.Names.In(lang), Selected: p.ID == values["producer"]})
	}
	return v, nil
}

// StaffVouchersPage is GET /staff/residents/{id}/vouchers?basis=: a
// resident's voucher decisions, read on the basis and audited, and the
// form for a new decision; ?decided=1 says one was just recorded. Without
// a basis the page asks for one; an unknown basis is 400.
func (h *Handlers) StaffVouchersPage(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	q := r.URL.Query()
	v, err := h.staffVouchersView(r, u, id, sotepe.Basis(q.Get("basis")), map[string]string{}, nil)
	if err != nil {
		return err
	}
	v.Decided = q.Get("decided") == "1"
	h.site.Page(w, r, http.StatusOK, "staff_vouchers", h.site.T(kit.Info(r).Lang, "vouchers.staff.title", nil), v)
	return nil
}

// StaffVoucherForm is POST /staff/residents/{id}/vouchers: a professional
// records a voucher decision for the resident. A problem shows the page
// again with what was chosen and the error at its field (400); a recorded
// decision returns to the page on the same basis, which says so.
func (h *Handlers) StaffVoucherForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	values := trimmedValues(r, "kind", "producer", "valid_from", "valid_to")
	basis := sotepe.Basis(r.PostForm.Get("basis"))
	var err error
	if !basis.Valid() {
		err = sotepe.InvalidField("basis", "error.basis", "unknown basis")
	} else {
		_, err = h.cfg.Procurement.DecideVoucher(r.Context(), u, sotepe.VoucherDecision{ResidentID: id, KindID: values["kind"],
			ProducerID: values["producer"], ValidFrom: values["valid_from"], ValidTo: values["valid_to"]})
	}
	if sotepe.ErrorCode(err) == sotepe.EInvalid {
		if !basis.Valid() {
			basis = ""
		}
		v, verr := h.staffVouchersView(r, u, id, basis, values, kit.FormErrorIn(h.site, kit.Info(r).Lang, err, decisionFields...))
		if verr != nil {
			return verr
		}
		h.site.Page(w, r, http.StatusBadRequest, "staff_vouchers", h.site.T(kit.Info(r).Lang, "vouchers.staff.title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/residents/"+strconv.FormatInt(id, 10)+"/vouchers?basis="+url.QueryEscape(string(basis))+"&decided=1", http.StatusSeeOther)
	return nil
}

// StaffVoucherDecisions is GET /api/v1/residents/{id}/voucher-decisions
// ?basis=: a resident's decisions to a professional, audited on the basis.
func (h *Handlers) StaffVoucherDecisions(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	ds, err := h.cfg.Procurement.StaffVoucherDecisions(r.Context(), u, id, sotepe.Basis(r.URL.Query().Get("basis")))
	return kit.WriteResult(w, http.StatusOK, voucherDecisionsResponse{Decisions: nonNil(ds)}, err)
}

// decisionInput is the body of POST /api/v1/residents/{id}/voucher-decisions.
type decisionInput struct {
	Kind      string `json:"kind"`
	Producer  string `json:"producer"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
}

// StaffDecideVoucher is POST /api/v1/residents/{id}/voucher-decisions: a
// professional records a voucher decision for the resident; 201 with it.
// A bad one is 400 naming the field in the caller's language.
func (h *Handlers) StaffDecideVoucher(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var in decisionInput
	if err := kit.DecodeJSON(r, &in); err != nil {
		return err
	}
	d, err := h.cfg.Procurement.DecideVoucher(r.Context(), u, sotepe.VoucherDecision{ResidentID: id, KindID: in.Kind,
		ProducerID: in.Producer, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo})
	if err != nil {
		return h.fieldError(kit.Info(r).Lang, err)
	}
	kit.WriteJSON(w, http.StatusCreated, d)
	return nil
}

// ownVouchersView is the resident's page of their own decisions.
type ownVouchersView struct {
	Decisions []decisionRow
}

// OwnVouchersPage is GET /me/voucher-decisions: the resident's own voucher
// decisions, each with its kind's value in force today.
func (h *Handlers) OwnVouchersPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	ds, err := h.cfg.Procurement.OwnVoucherDecisions(r.Context(), u)
	if err != nil {
		return err
	}
	lang := kit.Info(r).Lang
	kinds, err := h.cfg.Procurement.DecisionKinds(r.Context(), u)
	if err != nil {
		return err
	}
	rows, err := h.decisionRows(r.Context(), lang, ds, kinds)
	if err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "me_vouchers", h.site.T(lang, "vouchers.own.title", nil), ownVouchersView{Decisions: rows})
	return nil
}
