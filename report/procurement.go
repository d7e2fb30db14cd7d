package report

import (
	"context"
	"math"
)

// Procurement is the year's purchased services as the annual report counts
// them from the stored contracts, producers and voucher kinds: the
// contracts in force in the year, their distinct partners and value in
// euros, the voucher kinds with a value in the year, and the shares of the
// contracts with social-responsibility and environmental criteria in whole
// per cent (halves away from zero).
type Procurement struct {
	Contracts             int64
	Partners              int64
	ValueEUR              int64
	VoucherTypes          int64
	SocialPercent         int64
	EnvironmentalPercent  int64
	HasSocialAndEnvShares bool
}

// ProcurementJSON is the procurement section of the report's JSON, with
// the reference file's keys.
type ProcurementJSON struct {
	Contracts            int64 `json:"contracts"`
	Partners             int64 `json:"contract_partners"`
	ValueEUR             int64 `json:"contract_value_eur"`
	VoucherTypes         int64 `json:"service_voucher_types"`
	SocialPercent        int64 `json:"share_with_social_responsibility_criteria_percent"`
	EnvironmentalPercent int64 `json:"share_with_environmental_criteria_percent"`
}

// JSON returns the section as data.
func (p Procurement) JSON() ProcurementJSON {
	return ProcurementJSON{Contracts: p.Contracts, Partners: p.Partners, ValueEUR: p.ValueEUR, VoucherTypes: p.VoucherTypes,
		SocialPercent: p.SocialPercent, EnvironmentalPercent: p.EnvironmentalPercent}
}

// readProcurement counts the year's purchased services.
func readProcurement(ctx context.Context, st Reader, year int) (Procurement, error) {
	t, err := st.ProcurementTotals(ctx, year)
	if err != nil {
		return Procurement{}, err
	}
	p := Procurement{Contracts: t.Contracts, Partners: t.Partners, ValueEUR: int64(math.Round(float64(t.ValueCents) / 100)),
		VoucherTypes: t.VoucherKinds}
	if t.Contracts > 0 {
		p.HasSocialAndEnvShares = true
		p.SocialPercent = int64(math.Round(float64(t.Social) * 100 / float64(t.Contracts)))
		p.EnvironmentalPercent = int64(math.Round(float64(t.Environmental) * 100 / float64(t.Contracts)))
	}
	return p, nil
}
