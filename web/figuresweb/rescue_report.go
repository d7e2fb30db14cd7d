package figuresweb

import (
	"time"

	"sotepe"
	"sotepe/report"
	"sotepe/web/view"
)

// reportRescue is the rescue section of the report page.
type reportRescue struct {
	Missions, Runs, Inspections, Spills, ClassIA, RunsMedian string
	Classes                                                  []reportRescueClass
}

// reportRescueClass is the urgency A missions of one risk class.
type reportRescueClass struct {
	Key, Label, Target, Count, Share, Median string
}

// reportRescue writes the report's rescue section for lang.
func (h *Handlers) reportRescue(lang sotepe.Lang, r report.Rescue) reportRescue {
	n := func(x int64) string { return view.Count(lang, x) }
	share := func(p *float64) string {
		if p == nil {
			return view.Missing
		}
		return view.Percent(lang, *p, 1)
	}
	out := reportRescue{Missions: n(r.Missions), Runs: n(r.Runs), Inspections: n(r.Inspections), Spills: n(r.SpillsHandled),
		ClassIA: share(r.ClassIA.MetPercent), RunsMedian: view.Minutes(r.RunsTotal.MedianSeconds)}
	for _, f := range r.ByRiskClass {
		c := reportRescueClass{Key: f.Key, Label: h.site.T(lang, "rescue.risk_class", map[string]any{"Class": f.Key}),
			Target: h.site.T(lang, "report.rescue_no_target", nil), Count: n(int64(f.Count)), Share: share(f.MetPercent), Median: view.Minutes(f.MedianSeconds)}
		if t, ok := sotepe.ResponseTarget(sotepe.RiskClass(f.Key)); ok {
			c.Target = n(int64(t / time.Minute))
		}
		out.Classes = append(out.Classes, c)
	}
	return out
}
