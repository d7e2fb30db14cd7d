package procurementweb

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The contract manager's voucher kinds: GET /procurement/voucher-kinds
// lists every kind with all its value periods and has the form that adds a
// kind or, with ?kind=, edits one (POST /procurement/voucher-kinds); the
// API stores one with POST /api/v1/procurement/voucher-kinds.

// voucherPeriodRow is one value period of a kind in the list.
type voucherPeriodRow struct {
	Validity, Base, Coefficient, Value string
	Current                            bool
}

// voucherKindList is one kind of the list with its periods.
type voucherKindList struct {
	ID, Name, Service string
	Periods           []voucherPeriodRow
}

// voucherPeriodInput is one row of value-period inputs in the form, as
// typed: the element ids are period-<Index>-from, -to, -base and
// -coefficient.
type voucherPeriodInput struct {
	Index                       int
	From, To, Base, Coefficient string
}

// Number is the row's number for people, from 1.
func (p voucherPeriodInput) Number() int { return p.Index + 1 }

// voucherKindsView is the voucher kinds page.
type voucherKindsView struct {
	Kinds    []voucherKindList
	Services []option
	// Values are the form's inputs besides the periods: id, service,
	// name_fi, name_sv, name_en.
	Values  map[string]string
	Periods []voucherPeriodInput
	Editing bool
	Saved   string
	Error   *kit.FormError
}

// voucherKindFields are the form's element ids that errors may name, with
// the service's field names mapped to them.
var voucherKindFields = []string{"id=kind-id", "service=kind-service", "name_fi", "name_sv", "name_en"}

// blankPeriods is how many empty period rows the form offers for new
// periods: one, since without JavaScript a further one comes by saving.
const blankPeriods = 1

// VoucherKindsPage is GET /procurement/voucher-kinds: the kinds and the
// form, empty or (?kind=) holding a kind to edit; ?saved= names the kind
// just stored.
func (h *Handlers) VoucherKindsPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	kinds, err := h.cfg.Procurement.VoucherKinds(r.Context(), u)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	values := map[string]string{}
	var periods []voucherPeriodInput
	editing := false
	lang := kit.Info(r).Lang
	for _, k := range kinds {
		if k.ID != q.Get("kind") {
			continue
		}
		editing = true
		values = map[string]string{"id": k.ID, "service": k.ServiceID, "name_fi": k.Names.Fi, "name_sv": k.Names.Sv, "name_en": k.Names.En}
		for i, v := range k.Values {
			periods = append(periods, voucherPeriodInput{Index: i, From: v.ValidFrom, To: v.ValidTo,
				Base: plainCents(lang, v.BaseCents), Coefficient: plainCoefficient(lang, v.Coefficient)})
		}
	}
	v, err := h.voucherKindsView(r, kinds, values, periods, nil)
	if err != nil {
		return err
	}
	v.Editing = editing
	for _, k := range kinds {
		if k.ID == q.Get("saved") {
			v.Saved = k.Names.In(lang)
		}
	}
	h.site.Page(w, r, http.StatusOK, "procurement_vouchers", h.site.T(lang, "procurement.vouchers.title", nil), v)
	return nil
}

// voucherKindsView builds the page around the form's values and periods,
// with blank rows for new periods after them.
func (h *Handlers) voucherKindsView(r *http.Request, kinds []sotepe.VoucherKind, values map[string]string, periods []voucherPeriodInput, problem *kit.FormError) (voucherKindsView, error) {
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return voucherKindsView{}, err
	}
	lang := kit.Info(r).Lang
	dates := h.site.Dates(lang)
	today := h.site.Now().Format(time.DateOnly)
	v := voucherKindsView{Values: values, Error: problem}
	for _, k := range kinds {
		row := voucherKindList{ID: k.ID, Name: k.Names.In(lang), Service: view.Missing}
		if k.ServiceID != "" {
			row.Service = h.serviceList(lang, n, []string{k.ServiceID})
		}
		for _, p := range k.Values {
			row.Periods = append(row.Periods, voucherPeriodRow{Validity: dates.DateOf(p.ValidFrom) + "–" + dates.DateOf(p.ValidTo),
				Base: cents(lang, p.BaseCents), Coefficient: view.Decimal(lang, float64(p.Coefficient)/sotepe.CoefficientScale, 2),
				Value: cents(lang, p.Value()), Current: p.ValidFrom <= today && today <= p.ValidTo})
		}
		v.Kinds = append(v.Kinds, row)
	}
	for _, sv := range n.Services {
		v.Services = append(v.Services, option{Value: sv.ID, Label: sv.Names.In(lang), Selected: sv.ID == values["service"]})
	}
	v.Periods = periods
	for range blankPeriods {
		v.Periods = append(v.Periods, voucherPeriodInput{Index: len(v.Periods)})
	}
	return v, nil
}

// VoucherKindForm is POST /procurement/voucher-kinds: the contract manager
// stores a kind with its value periods (base values in euros, coefficients
// as decimals; a row left empty is no period). A problem shows the form
// again with what was typed and the error at its field (400); a stored
// kind returns to the list, which says so.
func (h *Handlers) VoucherKindForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	values := kit.FormValues(r, "id", "service", "name_fi", "name_sv", "name_en")
	for k, x := range values {
		values[k] = strings.TrimSpace(x)
	}
	k := sotepe.VoucherKind{ID: values["id"], ServiceID: values["service"],
		Names: sotepe.Names{Fi: values["name_fi"], Sv: values["name_sv"], En: values["name_en"]}}
	count, _ := strconv.Atoi(f.Get("periods"))
	count = min(max(count, 0), 100)
	var inputs []voucherPeriodInput
	var rows []int // the index of each period of k.Values among inputs
	var err error
	for i := range count {
		p := "period-" + strconv.Itoa(i) + "-"
		in := voucherPeriodInput{Index: len(inputs), From: strings.TrimSpace(f.Get(p + "from")), To: strings.TrimSpace(f.Get(p + "to")),
			Base: strings.TrimSpace(f.Get(p + "base")), Coefficient: strings.TrimSpace(f.Get(p + "coefficient"))}
		if in.From == "" && in.To == "" && in.Base == "" && in.Coefficient == "" {
			continue
		}
		inputs = append(inputs, in)
		if err != nil {
			continue
		}
		var val sotepe.VoucherValue
		val, err = parsePeriod(in)
		if err == nil {
			err = periodAt(sotepe.CheckValuePeriods([]sotepe.VoucherValue{val}), in.Index)
		}
		k.Values = append(k.Values, val)
		rows = append(rows, in.Index)
	}
	if err == nil {
		err = h.cfg.Procurement.SaveVoucherKind(r.Context(), u, k)
		if from, ok := sotepe.ErrorArgs(err)["From"].(string); ok {
			// An overlap names the later period's start: the error is at
			// that row's first input.
			for i, v := range k.Values {
				if v.ValidFrom == from {
					err = periodAt(err, rows[i])
					break
				}
			}
		}
	}
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid {
		kinds, kerr := h.cfg.Procurement.VoucherKinds(r.Context(), u)
		if kerr != nil {
			return kerr
		}
		lang := kit.Info(r).Lang
		err = h.datedArgs(lang, err)
		fields := append([]string{}, voucherKindFields...)
		for _, in := range inputs {
			p := "period-" + strconv.Itoa(in.Index)
			fields = append(fields, p+"-from", p+"-to", p+"-base", p+"-coefficient")
		}
		v, verr := h.voucherKindsView(r, kinds, values, inputs, kit.FormErrorIn(h.site, lang, err, fields...))
		if verr != nil {
			return verr
		}
		v.Editing = f.Get("editing") == "1"
		h.site.Page(w, r, http.StatusBadRequest, "procurement_vouchers", h.site.T(lang, "procurement.vouchers.title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/procurement/voucher-kinds?saved="+url.QueryEscape(k.ID), http.StatusSeeOther)
	return nil
}

// parsePeriod reads one row of the form: dates as they are, the base value
// in euros ("32,50" or "32.50") and the coefficient as a decimal ("1,25").
// A number that is not one is EInvalid at the row's input.
func parsePeriod(in voucherPeriodInput) (sotepe.VoucherValue, error) {
	v := sotepe.VoucherValue{ValidFrom: in.From, ValidTo: in.To}
	at := "period-" + strconv.Itoa(in.Index) + "-"
	base, ok := parseDecimal(strings.TrimSuffix(strings.TrimSpace(in.Base), "€"))
	if !ok {
		return v, sotepe.InvalidField(at+"base", "procurement.error.number", "base value is not a number")
	}
	coef, ok := parseDecimal(in.Coefficient)
	if !ok {
		return v, sotepe.InvalidField(at+"coefficient", "procurement.error.number", "coefficient is not a number")
	}
	v.BaseCents = int64(math.Round(base * 100))
	v.Coefficient = int64(math.Round(coef * sotepe.CoefficientScale))
	return v, nil
}

// parseDecimal reads a decimal number written with a comma or a point,
// spaces (thousands) allowed; at most ten million.
func parseDecimal(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e7 {
		return 0, false
	}
	return x, true
}

// periodAt moves an error about a value period's field (valid_from,
// valid_to, base_cents, coefficient) to the inputs of the form's row i.
func periodAt(err error, i int) error {
	var e *sotepe.Error
	if !errors.As(err, &e) {
		return err
	}
	suffix := map[string]string{"valid_from": "from", "valid_to": "to", "base_cents": "base", "coefficient": "coefficient"}[e.Field]
	if suffix == "" {
		return err
	}
	c := *e
	c.Field = "period-" + strconv.Itoa(i) + "-" + suffix
	return &c
}

// plainCents writes cents as a number for an input, "32,50" (no grouping,
// no currency).
func plainCents(lang sotepe.Lang, c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return sign + strconv.FormatInt(c/100, 10) + decimalMark(lang) + pad2(c%100)
}

// plainCoefficient writes a coefficient for an input, "1,25", with as many
// decimals as it has.
func plainCoefficient(lang sotepe.Lang, c int64) string {
	s := strconv.FormatFloat(float64(c)/sotepe.CoefficientScale, 'f', -1, 64)
	return strings.Replace(s, ".", decimalMark(lang), 1)
}

// VoucherKindSave is POST /api/v1/procurement/voucher-kinds: the contract
// manager stores a kind with its value periods, replacing the kind of the
// same id; 200 with the kind and each period's value. A kind that breaks
// a rule is 400 naming the field in the caller's language.
func (h *Handlers) VoucherKindSave(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var k sotepe.VoucherKind
	if err := kit.DecodeJSON(r, &k); err != nil {
		return err
	}
	if err := h.cfg.Procurement.SaveVoucherKind(r.Context(), u, k); err != nil {
		return h.fieldError(kit.Info(r).Lang, err)
	}
	withValues(&k)
	kit.WriteJSON(w, http.StatusOK, k)
	return nil
}

// datedArgs returns err with the dates of its arguments From and Other (an
// overlap's) written for people in lang.
func (h *Handlers) datedArgs(lang sotepe.Lang, err error) error {
	var e *sotepe.Error
	if !errors.As(err, &e) || e.Args == nil {
		return err
	}
	c := *e
	c.Args = map[string]any{}
	dates := h.site.Dates(lang)
	for k, v := range e.Args {
		if d, ok := v.(string); ok && (k == "From" || k == "Other") {
			v = dates.DateOf(d)
		}
		c.Args[k] = v
	}
	return &c
}
