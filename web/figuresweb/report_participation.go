package figuresweb

import (
	"sotepe"
	"sotepe/report"
	"sotepe/web/view"
)

// participationLines is the report's residents-and-participation section
// as table lines with the report JSON's keys; areaName names a service
// area in lang.
func (h *Handlers) participationLines(lang sotepe.Lang, p report.Participation, areaName func(string) string) []reportLine {
	n := func(x int64) string { return view.Count(lang, x) }
	// A count of experience experts the n < 5 rule hides, or one that
	// would give a hidden one away, reads "hidden"
	// (report.Participation.ShownExperts).
	experts := func(c *int64) string {
		if c != nil {
			return n(*c)
		}
		return h.site.T(lang, "staff.suppressed", nil)
	}
	pct := func(x *float64) string {
		if x == nil {
			return view.Missing
		}
		return view.Percent(lang, *x, 0)
	}
	label := func(key string) string { return h.site.T(lang, "participation.figure."+key, nil) }
	var out []reportLine
	if pop := p.Population; pop != nil {
		growth := float64(pop.GrowthFromElsewherePercent)
		out = append(out,
			reportLine{Key: "population.residents", Label: label("residents"), Value: n(pop.Residents)},
			reportLine{Key: "population.registered_native_languages", Label: label("registered_native_languages"), Value: n(pop.NativeLanguages)},
			reportLine{Key: "population.share_of_growth_from_elsewhere_10y_percent", Label: label("share_of_growth_from_elsewhere_10y_percent"),
				Value: pct(&growth)})
	}
	out = append(out,
		reportLine{Key: "e_service_shares.share_of_residents_using_portal_percent", Label: label("share_of_residents_using_portal_percent"),
			Value: pct(p.PortalUsersPercent)},
		reportLine{Key: "e_service_shares.share_of_home_care_clients_with_remote_services_percent",
			Label: label("share_of_home_care_clients_with_remote_services_percent"), Value: pct(p.HomeCareRemotePercent)},
		reportLine{Key: "participation.units_with_feedback", Label: label("units_with_feedback"), Value: n(p.UnitsWithFeedback)},
		reportLine{Key: "participation.experience_experts.total", Label: label("experience_experts"), Value: experts(report.ExpertCount(p.ExpertsTotal))})
	for i, shown := range p.ShownExperts() {
		e := p.Experts[i]
		out = append(out, reportLine{Key: "participation.experience_experts." + report.ReferenceArea(e.AreaID),
			Label: h.site.T(lang, "participation.figure.experience_experts_area", map[string]any{"Area": areaName(e.AreaID)}), Value: experts(shown)})
	}
	return append(out,
		reportLine{Key: "participation.resident_evenings", Label: label("resident_evenings"), Value: n(p.ResidentEvenings)},
		reportLine{Key: "participation.client_forum_meetings_in_service_centres", Label: label("client_forum_meetings_in_service_centres"),
			Value: n(p.ClientForums)},
		reportLine{Key: "participation.resident_survey_respondents", Label: label("resident_survey_respondents"), Value: n(p.SurveyRespondents)})
}
