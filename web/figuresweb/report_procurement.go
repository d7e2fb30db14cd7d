package figuresweb

import (
	"sotepe"
	"sotepe/report"
	"sotepe/web/view"
)

// procurementLines is the report's purchased services as table lines, in
// the reference file's order and with its keys.
func (h *Handlers) procurementLines(lang sotepe.Lang, p report.Procurement) []reportLine {
	n := func(x int64) string { return view.Count(lang, x) }
	pct := func(x int64) string {
		if !p.HasSocialAndEnvShares {
			return "–"
		}
		return view.Percent(lang, float64(x), 0)
	}
	lines := []struct {
		key, value string
	}{
		{"contracts", n(p.Contracts)},
		{"contract_partners", n(p.Partners)},
		{"contract_value_eur", n(p.ValueEUR)},
		{"service_voucher_types", n(p.VoucherTypes)},
		{"share_with_social_responsibility_criteria_percent", pct(p.SocialPercent)},
		{"share_with_environmental_criteria_percent", pct(p.EnvironmentalPercent)},
	}
	out := make([]reportLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, reportLine{Key: l.key, Label: h.site.T(lang, "procurement.figure."+l.key, nil), Value: l.value})
	}
	return out
}
