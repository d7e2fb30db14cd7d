package procurementweb

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// Purchased services' pages and API (contracts.go has the
// rest): the comparison of the producers' quality figures with the own
// units' (GET /procurement and /api/v1/procurement/comparison, for the
// contract manager and the analyst) and the year's totals (GET
// /api/v1/procurement/totals). sotepe.ProcurementService decides who may
// do what.

// procurementParams are the comparison's period and producer.
type procurementParams struct {
	From, To, Producer string
}

// parseProcurementParams reads the comparison's filters; the period
// defaults to the last twelve months to today, as the rescue figures do:
// the contracts in force now are the ones a contract manager looks at.
func (h *Handlers) parseProcurementParams(r *http.Request) (procurementParams, error) {
	q := r.URL.Query()
	today := h.site.Now()
	p := procurementParams{From: q.Get("from"), To: q.Get("to"), Producer: q.Get("producer")}
	if p.From == "" {
		p.From = today.AddDate(-1, 0, 1).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	_, _, err := sotepe.ParseStatsPeriod(p.From, p.To)
	return p, err
}

// procurementFigure is one row of a contract's comparison table: the
// figure's name and the producer's and the own units' values, written
// for the page. ID names the row's cells for tests and links.
type procurementFigure struct {
	ID, Label, Producer, Own string
}

// procurementContractView is one contract of the comparison page.
type procurementContractView struct {
	ID                      int64
	Title, Producer, Kind   string
	Services                string
	ProducerUnits, OwnUnits string
	Figures                 []procurementFigure
}

// procurementCompareView is the comparison page.
type procurementCompareView struct {
	P         procurementParams
	Error     string
	Producers []option
	Contracts []procurementContractView
	Manages   bool
}

// Compare is GET /procurement and GET
// /api/v1/procurement/comparison.
func (h *Handlers) Compare(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	lang := kit.Info(r).Lang
	title := h.site.T(lang, "procurement.compare.title", nil)
	p, err := h.parseProcurementParams(r)
	var c sotepe.ProcurementComparison
	if err == nil {
		c, err = h.cfg.Procurement.Compare(r.Context(), u, p.From, p.To, p.Producer)
	}
	if kit.IsAPI(r) {
		return kit.WriteResult(w, http.StatusOK, c, err)
	}
	n, nerr := vocab.Read(r.Context(), h.cfg.Directory)
	if nerr != nil {
		return nerr
	}
	v := procurementCompareView{P: p, Manages: u.Has(sotepe.RoleContractManager)}
	v.Producers = []option{{Value: "", Label: h.site.T(lang, "procurement.all_producers", nil)}}
	for _, pr := range n.Producers {
		if pr.Kind != sotepe.ProducerOwn {
			v.Producers = append(v.Producers, option{Value: pr.ID, Label: pr.Names.In(lang), Selected: pr.ID == p.Producer})
		}
	}
	slices.SortFunc(v.Producers[1:], func(a, b option) int { return cmp.Compare(a.Label, b.Label) })
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid {
			return err
		}
		v.Error = h.site.ErrText(lang, err)
		h.site.Page(w, r, http.StatusBadRequest, "procurement_compare", title, v)
		return nil
	}
	for _, cc := range c.Contracts {
		v.Contracts = append(v.Contracts, h.procurementContractView(lang, n, cc))
	}
	h.site.Page(w, r, http.StatusOK, "procurement_compare", title, v)
	return nil
}

// procurementContractView writes one contract's comparison for the page.
func (h *Handlers) procurementContractView(lang sotepe.Lang, n vocab.Network, cc sotepe.ContractComparison) procurementContractView {
	producer := vocab.In(n.Producers, cc.ProducerID, func(p sotepe.Producer) (string, sotepe.Names) { return p.ID, p.Names })
	v := procurementContractView{ID: cc.ContractID, Title: cc.Title, Producer: producer.In(lang),
		Kind:          h.site.T(lang, "producer."+string(cc.ProducerKind), nil),
		Services:      h.serviceList(lang, n, cc.Services),
		ProducerUnits: h.site.T(lang, "procurement.compare.units", map[string]any{"Count": len(cc.Producer.Units)}),
		OwnUnits:      h.site.T(lang, "procurement.compare.units", map[string]any{"Count": len(cc.Own.Units)})}
	count := func(x int64) string { return view.Count(lang, x) }
	score := func(x *float64) string {
		if x == nil {
			return view.Missing
		}
		return view.Decimal(lang, *x, 1)
	}
	pct := func(x *float64) string {
		if x == nil {
			return view.Missing
		}
		return view.Percent(lang, *x, 1)
	}
	pr, own := cc.Producer, cc.Own
	v.Figures = []procurementFigure{
		{"nps", h.site.T(lang, "procurement.compare.nps", nil), score(pr.NPS), score(own.NPS)},
		{"responses", h.site.T(lang, "procurement.compare.responses", nil), count(pr.FeedbackResponses), count(own.FeedbackResponses)},
		{"answered", h.site.T(lang, "procurement.compare.answered", nil), pct(pr.AnsweredInTimeShare), pct(own.AnsweredInTimeShare)},
		{"known", h.site.T(lang, "procurement.compare.known", nil), count(pr.ContactKnownOutcome), count(own.ContactKnownOutcome)},
		{"guarantee", h.site.T(lang, "procurement.compare.guarantee", nil), pct(pr.WithinGuaranteePct), pct(own.WithinGuaranteePct)},
		{"appointments", h.site.T(lang, "procurement.compare.appointments", nil), count(pr.Appointments), count(own.Appointments)},
	}
	return v
}

// serviceList names services in lang, separated by commas.
func (h *Handlers) serviceList(lang sotepe.Lang, n vocab.Network, ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", "
		}
		out += vocab.In(n.Services, id, func(sv sotepe.Service) (string, sotepe.Names) { return sv.ID, sv.Names }).In(lang)
	}
	return out
}

// Totals is GET /api/v1/procurement/totals?year=: the year's
// contracts, partners, value, criteria and voucher kinds, by default of
// the last whole year.
func (h *Handlers) Totals(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	year, err := kit.FigureYear(r, h.site.Now())
	if err != nil {
		return err
	}
	t, err := h.cfg.Procurement.Totals(r.Context(), u, year)
	return kit.WriteResult(w, http.StatusOK, procurementTotalsResponse{Year: year, ProcurementTotals: t}, err)
}

// procurementTotalsResponse is GET /api/v1/procurement/totals.
type procurementTotalsResponse struct {
	Year int `json:"year"`
	sotepe.ProcurementTotals
}

// cents writes an amount of cents as euros with two decimals, "62,00 €".
func cents(lang sotepe.Lang, c int64) string {
	return view.Count(lang, c/100) + decimalMark(lang) + pad2(c%100) + "\u00a0€"
}

func decimalMark(lang sotepe.Lang) string {
	if lang == sotepe.English {
		return "."
	}
	return ","
}

func pad2(v int64) string {
	if v < 0 {
		v = -v
	}
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}
