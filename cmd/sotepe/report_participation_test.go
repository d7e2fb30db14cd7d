package main

import (
	"testing"

	"sotepe/report"
	"sotepe/yeargen"
)

// checkParticipation compares the report's population, participation
// figures and e-service shares with the reference's at scale: counts
// scaled with halves away from zero, the growth share as it is, and at
// scale 1 every unit with feedback and the two e-service shares exactly.
// Below scale 1 the shares are only required to exist: a survey of a few
// dozen respondents cannot show 70 % exactly.
func checkParticipation(t *testing.T, rep report.AnnualJSON, scale float64, units int64) {
	t.Helper()
	ref, err := yeargen.LoadParticipationReference()
	if err != nil {
		t.Fatal(err)
	}
	s := func(v float64) int64 { return int64(yeargen.Scaled(v, scale)) }
	pop := rep.Population
	if pop.Residents == nil || *pop.Residents != s(ref.Population.Residents) || pop.NativeLanguages == nil ||
		*pop.NativeLanguages != s(ref.Population.NativeLanguages) || pop.GrowthPercent == nil || *pop.GrowthPercent != ref.Population.GrowthPercent {
		t.Errorf("population %v %v %v, want %d, %d and %d", pop.Residents, pop.NativeLanguages, pop.GrowthPercent,
			s(ref.Population.Residents), s(ref.Population.NativeLanguages), ref.Population.GrowthPercent)
	}
	p := rep.Participation
	// count reads a count of experience experts: 0 for an area without
	// any (no key), and null (-1 here) when it is about fewer than five
	// people, and then want must be so too.
	count := func(key string) int64 {
		v, ok := p.Experts[key]
		switch {
		case !ok:
			return 0
		case v == nil:
			return -1
		}
		return *v
	}
	shown := func(n int64) int64 {
		if n > 0 && n < 5 {
			return -1
		}
		return n
	}
	var total int64
	for area, n := range ref.ExpertsByArea() {
		key := report.ReferenceArea(area)
		if got := count(key); got != shown(s(n)) {
			t.Errorf("experience experts of %s: %d, want %d (-1: fewer than 5, not shown)", key, got, shown(s(n)))
		}
		total += s(n)
	}
	if got := count("total"); got != shown(total) {
		t.Errorf("experience experts in all %d, the areas add up to %d", got, total)
	}
	if p.ResidentEvenings != s(ref.Feedback.ResidentEvenings) || p.ClientForums != s(ref.Feedback.ClientForums) ||
		p.SurveyRespondents != max(1, s(ref.Feedback.SurveyRespondents)) {
		t.Errorf("participation %+v, want %d evenings, %d forums and %d respondents", p, s(ref.Feedback.ResidentEvenings),
			s(ref.Feedback.ClientForums), max(1, s(ref.Feedback.SurveyRespondents)))
	}
	if p.UnitsWithFeedback <= 0 || p.UnitsWithFeedback > units {
		t.Errorf("%d units with feedback of %d", p.UnitsWithFeedback, units)
	}
	sh := rep.EServiceShares
	if sh.PortalUsersPercent == nil || sh.HomeCareRemotePercent == nil {
		t.Fatalf("e-service shares %v and %v", sh.PortalUsersPercent, sh.HomeCareRemotePercent)
	}
	if scale == 1 {
		if float64(count("total")) != ref.Feedback.Experts["total"] {
			t.Errorf("experience experts in all %d, the reference %v", count("total"), ref.Feedback.Experts["total"])
		}
		if p.UnitsWithFeedback != 349 {
			t.Errorf("%d units with feedback, the reference 349", p.UnitsWithFeedback)
		}
		if int64(*sh.PortalUsersPercent) != ref.EServices.PortalUsersPercent || *sh.HomeCareRemotePercent != 18 {
			t.Errorf("e-service shares %v %% and %v %%, the reference %d %% and 18 %%", *sh.PortalUsersPercent, *sh.HomeCareRemotePercent,
				ref.EServices.PortalUsersPercent)
		}
	}
}

// checkEServices compares the report's e-service counts with the
// reference's at scale: the portal's customer contacts and video
// appointments, the symptom assessments and the chat contacts.
func checkEServices(t *testing.T, rep report.AnnualJSON, scale float64) {
	t.Helper()
	ref, err := yeargen.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, e := range rep.EServices {
		got[e.Key] = e.Value
	}
	for key, v := range map[string]float64{"portal_customer_contacts": ref.EServices.PortalCustomerContacts,
		"portal_video_appointments": ref.EServices.PortalVideoAppointments, "symptom_assessments": ref.EServices.SymptomAssessments,
		"chat_contacts": ref.EServices.ChatContacts} {
		if want := int64(yeargen.Scaled(v, scale)); got[key] != want {
			t.Errorf("e-services %s: %d, want %d", key, got[key], want)
		}
	}
}
