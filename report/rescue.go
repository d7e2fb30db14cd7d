package report

import (
	"context"
	"fmt"
	"time"

	"sotepe"
)

// RescueReader is what the report reads of the rescue department: the
// counts of a period and the missions' response times.
type RescueReader interface {
	RescueCounts(ctx context.Context, from, to string) (sotepe.RescueCounts, error)
	RescueResponses(ctx context.Context, q sotepe.RescueQuery, runs bool) ([]sotepe.RescueResponse, error)
	RescueMonthCounts(ctx context.Context, q sotepe.RescueQuery, runs bool) ([]sotepe.RescueMonthCount, error)
}

// The service_volumes lines the rescue department's own rows give.
const (
	statRescueMissions    = "fire_rescue_missions"
	statEmergencyRuns     = "prehospital_emergency_runs"
	statRescueInspections = "accident_prevention_inspections"
)

// Rescue is the rescue section of the report: the year's missions, runs
// and inspections (the three rescue lines of the volumes table), the
// chemical and oil spills handled, and the response times.
type Rescue struct {
	Missions, Runs, Inspections int64
	// SpillsHandled is the missions of type chemical or oil spill.
	SpillsHandled int64
	// ClassIA is the urgency A missions in risk class I: the share that
	// reached the 6-minute target is the section's headline.
	ClassIA sotepe.RescueFigure
	// ByRiskClass is the urgency A missions by risk class, I to IV
	// (class IV has no target, so no share).
	ByRiskClass []sotepe.RescueFigure
	// RunsTotal is the runs' response times.
	RunsTotal sotepe.RescueFigure
	// Previous is the previous year's counts.
	Previous sotepe.RescueCounts
}

// readRescue reads the rescue section of year.
func readRescue(ctx context.Context, st RescueReader, year int) (Rescue, error) {
	var out Rescue
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	c, err := st.RescueCounts(ctx, from, to)
	if err != nil {
		return out, err
	}
	out.Missions, out.Runs, out.Inspections, out.SpillsHandled = c.Missions, c.Runs, c.Inspections, c.Spills
	if out.Previous, err = st.RescueCounts(ctx, fmt.Sprintf("%04d-01-01", year-1), fmt.Sprintf("%04d-12-31", year-1)); err != nil {
		return out, err
	}
	rows, err := st.RescueResponses(ctx, sotepe.RescueQuery{From: from, To: to, Urgencies: []sotepe.RescueUrgency{"A"}}, false)
	if err != nil {
		return out, err
	}
	groups, _ := sotepe.FigureRescue(rows, sotepe.RescueByRiskClass)
	for _, c := range sotepe.RiskClasses {
		f := sotepe.RescueFigure{Key: string(c)}
		for _, g := range groups {
			if g.Key == string(c) {
				f = g
			}
		}
		out.ByRiskClass = append(out.ByRiskClass, f)
		if c == "I" {
			out.ClassIA = f
		}
	}
	runs, err := st.RescueResponses(ctx, sotepe.RescueQuery{From: from, To: to}, true)
	if err != nil {
		return out, err
	}
	_, out.RunsTotal = sotepe.FigureRescue(runs, "")
	return out, nil
}

// rescueVolumes puts the rescue rows' counts into the volumes of the year
// and the year before in place of any service events of those statistics:
// a count of 0 in the previous year leaves no line there, so that it alone
// does not make a previous year.
func rescueVolumes(cur, prev map[string]int64, r Rescue) {
	cur[statRescueMissions], cur[statEmergencyRuns], cur[statRescueInspections] = r.Missions, r.Runs, r.Inspections
	for key, n := range map[string]int64{statRescueMissions: r.Previous.Missions, statEmergencyRuns: r.Previous.Runs,
		statRescueInspections: r.Previous.Inspections} {
		delete(prev, key)
		if n > 0 {
			prev[key] = n
		}
	}
}

// RescueJSON is the rescue section as data.
type RescueJSON struct {
	Missions      int64 `json:"fire_rescue_missions"`
	Runs          int64 `json:"prehospital_emergency_runs"`
	Inspections   int64 `json:"accident_prevention_inspections"`
	SpillsHandled int64 `json:"chemical_and_oil_spills_handled"`
	// ClassIAWithinTargetPercent is the share of urgency A missions in
	// risk class I on the scene within 6 minutes of the alarm.
	ClassIAWithinTargetPercent *float64           `json:"class_i_a_missions_within_6_min_percent"`
	ResponseByRiskClass        []RescueClassJSON  `json:"a_missions_by_risk_class"`
	EmergencyRunResponse       RescueResponseJSON `json:"emergency_runs_response"`
}

// RescueClassJSON is the urgency A missions of one risk class.
type RescueClassJSON struct {
	RiskClass     string   `json:"risk_class"`
	TargetMinutes *int     `json:"target_minutes"`
	Missions      int      `json:"missions"`
	MetPercent    *float64 `json:"within_target_percent"`
	MedianSeconds *float64 `json:"median_response_seconds"`
	P90Seconds    *float64 `json:"p90_response_seconds"`
}

// RescueResponseJSON is the response time of a group of rows.
type RescueResponseJSON struct {
	Count         int      `json:"count"`
	MedianSeconds *float64 `json:"median_response_seconds"`
	P90Seconds    *float64 `json:"p90_response_seconds"`
}

// JSON returns the section as data.
func (r Rescue) JSON() RescueJSON {
	out := RescueJSON{Missions: r.Missions, Runs: r.Runs, Inspections: r.Inspections, SpillsHandled: r.SpillsHandled,
		ClassIAWithinTargetPercent: r.ClassIA.MetPercent, ResponseByRiskClass: []RescueClassJSON{},
		EmergencyRunResponse: RescueResponseJSON{Count: r.RunsTotal.Count, MedianSeconds: r.RunsTotal.MedianSeconds, P90Seconds: r.RunsTotal.P90Seconds}}
	for _, f := range r.ByRiskClass {
		c := RescueClassJSON{RiskClass: f.Key, Missions: f.Count, MetPercent: f.MetPercent, MedianSeconds: f.MedianSeconds, P90Seconds: f.P90Seconds}
		if t, ok := sotepe.ResponseTarget(sotepe.RiskClass(f.Key)); ok {
			m := int(t / time.Minute)
			c.TargetMinutes = &m
		}
		out.ResponseByRiskClass = append(out.ResponseByRiskClass, c)
	}
	return out
}

// rescueFacts are the facts of the rescue department's missions and runs
// within units (nil for all): one per statistic, station and month, as the
// events of the two statistics would give, so that the dashboard counts
// the rescue rows, not events.
func (g Gatherer) rescueFacts(ctx context.Context, f Filter, units []string) ([]Fact, error) {
	if units != nil && len(units) == 0 {
		return nil, nil
	}
	type key struct{ stat, unit, month string }
	sums := map[key]int64{}
	for _, k := range []struct {
		stat string
		runs bool
	}{{statRescueMissions, false}, {statEmergencyRuns, true}} {
		counts, err := g.Store.RescueMonthCounts(ctx, sotepe.RescueQuery{From: f.From, To: f.To, Stations: units}, k.runs)
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			sums[key{k.stat, c.Station, c.Month}] += c.Count
		}
	}
	out := make([]Fact, 0, len(sums))
	for k, n := range sums {
		fa := Fact{Source: SourceEvents, Statistic: k.stat, Mode: sotepe.EventInPerson, Month: k.month, Unit: k.unit, Value: n}
		if u, ok := g.Org.Unit(k.unit); ok {
			fa.Area, fa.Producer = u.AreaID, u.ProducerID
			if p, ok := g.Org.Producer(u.ProducerID); ok {
				fa.ProducerKind = string(p.Kind)
			}
		}
		out = append(out, fa)
	}
	return out, nil
}
