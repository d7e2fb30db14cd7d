package sotepe_test

import (
	"math"
	"testing"

	"sotepe"
)

func TestNPSFigures(t *testing.T) {
	var f sotepe.NPSFigures
	f.Add(sotepe.FeedbackCount{Promoters: 60, Passives: 20, Detractors: 20})
	f.Finish()
	// p = 0.6, d = 0.2: NPS 40; Var = (0.8 − 0.16)/100 = 0.0064, half-width
	// 1.96 × 0.08 = 0.1568.
	if f.Responses != 100 || *f.NPS != 40 || math.Abs(*f.CILow-24.3) > 0.05 || math.Abs(*f.CIHigh-55.7) > 0.05 || f.Withheld != "" {
		t.Fatalf("figures %+v (%v, %v)", f, *f.CILow, *f.CIHigh)
	}
	// All promoters: the interval does not pass +100.
	all := sotepe.NPSFigures{}
	all.Add(sotepe.FeedbackCount{Promoters: 5})
	all.Finish()
	if *all.NPS != 100 || *all.CIHigh != 100 || *all.CILow != 100 {
		t.Fatalf("all promoters %+v", all)
	}
	small := sotepe.NPSFigures{}
	small.Add(sotepe.FeedbackCount{Promoters: 3, Detractors: 1})
	small.Finish()
	if small.NPS != nil || small.CILow != nil || small.Withheld != "too_few_responses" || small.Responses != 4 {
		t.Fatalf("small group %+v", small)
	}
}

func TestSummarizeFeedback(t *testing.T) {
	counts := []sotepe.FeedbackCount{
		{Key: "a", Day: "2026-01-05", Promoters: 3, Detractors: 1},
		{Key: "a", Day: "2026-02-01", Promoters: 2, Passives: 1},
		{Key: "b", Day: "2026-01-20", Detractors: 5},
	}
	// Unit a is in two concepts, b in none.
	groups := map[string][]string{"a": {"x", "y"}, "b": nil}
	sum := sotepe.SummarizeFeedback(counts, func(d string) string { return d[:7] }, func(k string) []string { return groups[k] })
	if len(sum.Items) != 4 || sum.Items[0].Group != "x" || sum.Items[0].Period != "2026-01" || sum.Items[0].Responses != 4 || sum.Items[0].NPS != nil {
		t.Fatalf("items %+v", sum.Items)
	}
	if sum.Totals.Responses != 12 || *sum.Totals.NPS != math.Round((5.0-6.0)/12*1000)/10 {
		t.Fatalf("totals %+v", sum.Totals)
	}
	if len(sum.Periods) != 2 || sum.Periods[0].Responses != 9 || *sum.Periods[0].NPS != -33.3 {
		t.Fatalf("periods %+v", sum.Periods)
	}
	whole := sotepe.SummarizeFeedback(counts, nil, func(k string) []string { return []string{k} })
	if len(whole.Items) != 2 || whole.Items[0].Period != "" || whole.Items[0].Responses != 7 || *whole.Items[0].NPS != 57.1 {
		t.Fatalf("whole %+v", whole.Items)
	}
}
