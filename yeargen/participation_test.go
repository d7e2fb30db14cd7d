package yeargen

import (
	"math"
	"testing"

	"sotepe"
)

// TestParticipationScales checks the generated population, experts,
// events and resident survey at several scales: counts are the
// reference's times the scale, every record is valid, the experts engaged
// in the year are the scaled count, and from scale 0.1 up the survey's
// share of e-service users is the reference's exactly.
func TestParticipationScales(t *testing.T) {
	ref, err := LoadParticipationReference()
	if err != nil {
		t.Fatal(err)
	}
	if ref.Population.Residents != 675000 || ref.Feedback.Experts["total"] != 146 || ref.EServices.PortalUsersPercent != 70 {
		t.Fatalf("reference %+v", ref)
	}
	for _, scale := range []float64{0.005, 0.1, 0.5, 1, 2} {
		y := Year{Year: 2024, Scale: scale, Seed: 1}
		r := y.Participation(ref)
		for i, e := range r.Experts {
			if err := e.Validate(); err != nil {
				t.Fatalf("scale %g: expert %d: %v", scale, i, err)
			}
		}
		engaged := map[string]int{}
		for _, e := range r.Experts {
			if e.Start <= "2024-12-31" && (e.End == "" || e.End >= "2024-01-01") {
				engaged[e.AreaID]++
			}
		}
		for area, n := range ref.ExpertsByArea() {
			if engaged[area] != Scaled(n, scale) {
				t.Errorf("scale %g: %d experts of %s engaged in 2024, want %d", scale, engaged[area], area, Scaled(n, scale))
			}
		}
		kinds := map[sotepe.ParticipationKind]int{}
		for _, e := range r.Events {
			if err := e.Validate(); err != nil || e.Day < "2024-01-01" || e.Day > "2024-12-31" {
				t.Fatalf("scale %g: event %+v: %v", scale, e, err)
			}
			kinds[e.Kind]++
		}
		if kinds[sotepe.ResidentEvening] != Scaled(13, scale) || kinds[sotepe.ClientForum] != Scaled(72, scale) {
			t.Errorf("scale %g: events %v", scale, kinds)
		}
		if p := r.Population[0]; p.Residents != int64(Scaled(675000, scale)) || p.GrowthFromElsewherePercent != 78 || p.Validate() != nil {
			t.Errorf("scale %g: population %+v", scale, p)
		}
		answers := y.ResidentSurveyAnswers(ref)
		users := 0
		for _, a := range answers {
			if a[0].Question == sotepe.EServicesQuestion && a[0].Option != sotepe.EServicesNever {
				users++
			}
		}
		if len(answers) != max(1, Scaled(2604, scale)) {
			t.Errorf("scale %g: %d respondents", scale, len(answers))
		}
		if share := math.Round(float64(users) * 100 / float64(len(answers))); scale >= 0.1 && share != 70 {
			t.Errorf("scale %g: %v %% use e-services, want 70 %%", scale, share)
		}
	}
}
