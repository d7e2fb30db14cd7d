package sotepe

import (
	"testing"
	"time"
)

func TestResponseTargetsAndFigures(t *testing.T) {
	for c, want := range map[RiskClass]time.Duration{"I": 6 * time.Minute, "II": 10 * time.Minute, "III": 20 * time.Minute} {
		if got, ok := ResponseTarget(c); !ok || got != want {
			t.Errorf("class %s: %v %v", c, got, ok)
		}
	}
	if _, ok := ResponseTarget("IV"); ok {
		t.Error("class IV has a target")
	}
	rows := []RescueResponse{
		{Station: "a", RiskClass: "I", Urgency: "A", Day: "2024-01-02", Seconds: 300},
		{Station: "a", RiskClass: "I", Urgency: "A", Day: "2024-01-03", Seconds: 361},
		{Station: "b", RiskClass: "IV", Urgency: "B", Day: "2024-02-01", Seconds: 1500},
		{Station: "b", RiskClass: "III", Urgency: "A", Day: "2024-02-05", Seconds: 1200},
	}
	groups, total := FigureRescue(rows, RescueByRiskClass)
	if total.Count != 4 || total.WithTarget != 3 || total.Met != 2 || *total.MetPercent != 66.7 || *total.MedianSeconds != 780.5 {
		t.Errorf("total %+v", total)
	}
	if len(groups) != 3 || groups[0].Key != "I" || groups[1].Key != "III" || groups[2].Key != "IV" || groups[2].MetPercent != nil {
		t.Errorf("groups %+v", groups)
	}
	if g, _ := FigureRescue(rows, RescueByMonth); len(g) != 2 || g[0].Key != "2024-01" || g[1].Count != 2 {
		t.Errorf("months %+v", g)
	}
	m := RescueMission{ExternalID: "x", StationID: "s", Type: AccidentSpill, Urgency: "A", RiskClass: "I"}
	if ErrorField(m.Validate()) != "call_received" {
		t.Errorf("no times: %v", m.Validate())
	}
}
