package main

import (
	"testing"

	"sotepe/report"
	"sotepe/yeargen"
)

// checkProcurement checks the report's procurement section of a year
// generated at scale: the partners and value scaled, the contracts scaled
// (or yeargen.ContractCount's count where the shares need more), the 28
// voucher kinds and both shares as the reference has them.
func checkProcurement(t *testing.T, rep report.AnnualJSON, scale float64) {
	t.Helper()
	ref, err := yeargen.LoadProcurementReference()
	if err != nil {
		t.Fatal(err)
	}
	want := report.ProcurementJSON{
		Contracts:            int64(yeargen.ContractCount(ref, scale)),
		Partners:             int64(yeargen.Scaled(ref.Partners, scale)),
		ValueEUR:             int64(yeargen.Scaled(ref.ValueEUR, scale)),
		VoucherTypes:         int64(ref.VoucherTypes),
		SocialPercent:        ref.SocialPercent,
		EnvironmentalPercent: ref.EnvironmentalPct,
	}
	if scale == 1 && (want.Contracts != 1300 || want.Partners != 830 || want.ValueEUR != 1_200_000_000) {
		t.Errorf("the reference's counts at scale 1: %+v", want)
	}
	if rep.Procurement != want {
		t.Errorf("procurement %+v, want %+v", rep.Procurement, want)
	}
}
