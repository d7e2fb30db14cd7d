package report_test

import (
	"encoding/json"
	"testing"

	"sotepe"
	"sotepe/report"
)

// TestExpertsFewerThanFive checks the n < 5 rule on the experience experts:
// an area's count of one to four people is null in the report's JSON (and
// with it the next smallest when it is the only one), a count of five or
// more and the total are shown.
func TestExpertsFewerThanFive(t *testing.T) {
	p := report.Participation{ExpertsTotal: 12, Experts: []sotepe.AreaCount{
		{AreaID: "family-and-social-services", Count: 3},
		{AreaID: "health-and-substance-abuse-services", Count: 5},
		{AreaID: "hospital-rehabilitation-and-care-services", Count: 4},
	}}
	_, _, part := p.JSON()
	raw, err := json.Marshal(part.Experts)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"family_and_social_services":null,"health_and_substance_abuse_services":5,"hospital_rehabilitation_and_care_services":null,"total":12}`
	if string(raw) != want {
		t.Errorf("experience experts %s, want %s", raw, want)
	}
	// One area alone under five: the total less the others would give it
	// away, so the next smallest is hidden too; the largest stays.
	p = report.Participation{ExpertsTotal: 146, Experts: []sotepe.AreaCount{
		{AreaID: "a", Count: 80}, {AreaID: "b", Count: 3}, {AreaID: "c", Count: 63}}}
	got := p.ShownExperts()
	if len(got) != 3 || got[0] == nil || *got[0] != 80 || got[1] != nil || got[2] != nil {
		t.Errorf("one small area: shown %v, want 80, hidden, hidden", got)
	}
	// None under five: all shown.
	p.Experts[1].Count = 5
	if got := p.ShownExperts(); got[0] == nil || got[1] == nil || got[2] == nil {
		t.Errorf("no small area: shown %v", got)
	}
	for n, shown := range map[int64]bool{0: true, 1: false, 4: false, 5: true, 146: true} {
		if got := report.ExpertCount(n); (got != nil) != shown || got != nil && *got != n {
			t.Errorf("ExpertCount(%d) = %v, shown %t", n, got, shown)
		}
	}
}
