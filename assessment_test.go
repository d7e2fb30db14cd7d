package sotepe

import (
	"encoding/json"
	"testing"
)

func TestHandOverWorkingDays(t *testing.T) {
	for u, want := range map[Urgency]int{UrgencyUrgent: 0, UrgencyNonUrgent: PromiseWorkingDays, UrgencySelfCare: PromiseWorkingDays} {
		if n, ok := u.HandOverWorkingDays(); !ok || n != want {
			t.Errorf("%s: %d %v, want %d", u, n, ok, want)
		}
	}
	for _, u := range []Urgency{UrgencyEmergency, "soon"} {
		if _, ok := u.HandOverWorkingDays(); ok {
			t.Errorf("%s is handed over", u)
		}
	}
}

func TestSummarizeAssessments(t *testing.T) {
	counts := []AssessmentCount{
		{Day: "2026-11-02", Definition: "a", Urgency: "", Started: 4},
		{Day: "2026-11-02", Definition: "a", Urgency: UrgencyUrgent, Started: 3, HandedOver: 2, Graded: 2, Agreed: 1},
		{Day: "2026-11-30", Definition: "b", Urgency: UrgencySelfCare, Started: 1},
		{Day: "2026-12-01", Definition: "a", Urgency: UrgencyNonUrgent, Started: 2, HandedOver: 1},
	}
	figs := SummarizeAssessments(counts, IntervalMonth)
	var got []string
	for _, f := range figs {
		got = append(got, f.Period+"/"+f.Definition)
	}
	want := []string{"2026-11/a", "2026-11/b", "2026-11/", "2026-12/a", "2026-12/", "/"}
	if len(got) != len(want) {
		t.Fatalf("groups %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("groups %v, want %v", got, want)
		}
	}
	nov := figs[2]
	if nov.Started != 8 || nov.Finished != 4 || nov.ByUrgency[UrgencyUrgent] != 3 || nov.ByUrgency[UrgencySelfCare] != 1 ||
		*nov.HandOverShare != 0.5 || *nov.AgreementRate != 0.5 {
		t.Errorf("November: %+v", nov)
	}
	if figs[1].AgreementRate != nil || figs[1].HandOverShare == nil || *figs[1].HandOverShare != 0 {
		t.Errorf("b without grading: %+v", figs[1])
	}
	total := figs[len(figs)-1]
	if total.Started != 10 || total.Finished != 6 || total.HandedOver != 3 || *total.HandOverShare != 0.5 {
		t.Errorf("total: %+v", total)
	}
	if empty := SummarizeAssessments(nil, IntervalDay); len(empty) != 1 || empty[0].HandOverShare != nil || empty[0].ByUrgency == nil {
		t.Errorf("no counts: %+v", empty)
	}
}

func TestAnswerText(t *testing.T) {
	q := Question{Kind: KindNumber, Unit: Names{Fi: "°C", Sv: "°C", En: "°C"}}
	a := AssessmentAnswer{Value: json.RawMessage("38.5")}
	if got := q.AnswerText(a, Swedish); got != "38,5 °C" {
		t.Errorf("sv number = %q", got)
	}
	if got := q.AnswerText(a, English); got != "38.5 °C" {
		t.Errorf("en number = %q", got)
	}
	m := Question{Kind: KindMultiChoice, Options: []QuestionOption{{ID: "x", Text: Names{Fi: "X", Sv: "X", En: "X"}}, {ID: "y", Text: Names{Fi: "Y", Sv: "Y", En: "Y"}}}}
	if got := m.AnswerText(AssessmentAnswer{Value: json.RawMessage(`["x","y"]`)}, Finnish); got != "X, Y" {
		t.Errorf("multi = %q", got)
	}
	if got := m.AnswerText(AssessmentAnswer{Value: json.RawMessage(`[]`)}, Swedish); got != "(inget svar)" {
		t.Errorf("nothing chosen = %q", got)
	}
}
