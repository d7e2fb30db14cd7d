package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"sotepe"
)

// ParticipationReference is the reference's population figures and the
// participation figures of its customer-feedback section: the experience
// experts by service area, the resident evenings, the client forums and
// the resident survey, whose share of respondents using e-services is the
// reference's share of residents using the portal.
type ParticipationReference struct {
	Population struct {
		Residents       float64 `json:"residents"`
		NativeLanguages float64 `json:"registered_native_languages"`
		GrowthPercent   int64   `json:"share_of_growth_from_elsewhere_10y_percent"`
	} `json:"population"`
	Feedback struct {
		Experts           map[string]float64 `json:"experience_experts"`
		ResidentEvenings  float64            `json:"resident_evenings"`
		ClientForums      float64            `json:"client_forum_meetings_in_service_centres"`
		SurveyRespondents float64            `json:"resident_survey_respondents_oct_2024"`
	} `json:"customer_feedback"`
	EServices struct {
		PortalUsersPercent int64 `json:"share_of_residents_using_portal_percent"`
	} `json:"e_services"`
}

// LoadParticipationReference reads the participation figures of the
// embedded reference. An error means the embedded file is broken.
func LoadParticipationReference() (ParticipationReference, error) {
	return parseReference[ParticipationReference]("participation reference")
}

// ExpertsByArea returns the reference's experience experts by area id (the
// reference's area key with - for _), without the total.
func (r ParticipationReference) ExpertsByArea() map[string]float64 {
	out := map[string]float64{}
	for key, n := range r.Feedback.Experts {
		if key != "total" {
			out[strings.ReplaceAll(key, "_", "-")] = n
		}
	}
	return out
}

// Participation returns the year's population figures, experience experts
// and participation events: counts are the reference's times the scale,
// the growth share stays. Each area's experts are engaged on some day of
// the year; a fifth as many more ended before it, which the year does not
// count.
func (y Year) Participation(ref ParticipationReference) sotepe.ParticipationRecords {
	r := sotepe.ParticipationRecords{Population: []sotepe.PopulationYear{{Year: y.Year,
		Residents:                  int64(Scaled(ref.Population.Residents, y.Scale)),
		NativeLanguages:            int64(Scaled(ref.Population.NativeLanguages, y.Scale)),
		GrowthFromElsewherePercent: ref.Population.GrowthPercent}}}
	rng := rand.New(rand.NewPCG(uint64(y.Seed), 0x7061727469636970))
	day := func(year, offset int) string {
		return fmt.Sprintf("%04d-%02d-%02d", year, 1+offset/28%12, 1+offset%28)
	}
	areas := ref.ExpertsByArea()
	ids := make([]string, 0, len(areas))
	for id := range areas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, area := range ids {
		n := Scaled(areas[area], y.Scale)
		for i := range n {
			e := sotepe.ExperienceExpert{Key: fmt.Sprintf("xp-%s-%d", area, i+1), AreaID: area, Start: day(y.Year-1-rng.IntN(3), rng.IntN(336))}
			if i%4 == 3 { // a quarter end during the year
				e.End = day(y.Year, rng.IntN(336))
				if e.End < e.Start {
					e.Start, e.End = e.End, e.Start
				}
			}
			r.Experts = append(r.Experts, e)
		}
		for i := range n / 5 {
			r.Experts = append(r.Experts, sotepe.ExperienceExpert{Key: fmt.Sprintf("xp-%s-gone-%d", area, i+1), AreaID: area,
				Start: day(y.Year-4, rng.IntN(336)), End: day(y.Year-1, 300+rng.IntN(36))})
		}
	}
	for _, k := range []struct {
		kind sotepe.ParticipationKind
		n    float64
	}{{sotepe.ResidentEvening, ref.Feedback.ResidentEvenings}, {sotepe.ClientForum, ref.Feedback.ClientForums}} {
		n := Scaled(k.n, y.Scale)
		for i := range n {
			r.Events = append(r.Events, sotepe.ParticipationEvent{ID: fmt.Sprintf("%s-%d-%d", strings.ReplaceAll(string(k.kind), "_", "-"), y.Year, i+1),
				Kind: k.kind, Day: day(y.Year, i*336/max(n, 1))})
		}
	}
	return r
}

// ResidentSurveyDay is the day the generated resident survey's responses
// carry: October, as the reference's survey.
func (y Year) ResidentSurveyDay() string { return fmt.Sprintf("%04d-10-15", y.Year) }

// ResidentSurveyAnswers returns the resident survey's responses of the
// year: the reference's respondents times the scale, of whom the
// reference's share of residents using the portal use e-services (weekly,
// monthly or rarely) and the rest never, and a satisfaction step each. The
// number of users is the one whose share rounds to the reference's when
// any does.
func (y Year) ResidentSurveyAnswers(ref ParticipationReference) [][]sotepe.SurveyValue {
	n := max(1, Scaled(ref.Feedback.SurveyRespondents, y.Scale))
	p := ref.EServices.PortalUsersPercent
	users := int(math.Round(float64(p) * float64(n) / 100))
	for _, k := range []int{users, users - 1, users + 1} {
		if k >= 0 && k <= n && int64(math.Round(float64(k)*100/float64(n))) == p {
			users = k
			break
		}
	}
	rng := rand.New(rand.NewPCG(uint64(y.Seed), 0x7265736964656e74))
	use := []string{"weekly", "monthly", "rarely"}
	out := make([][]sotepe.SurveyValue, n)
	for i, j := range rng.Perm(n) {
		option := sotepe.EServicesNever
		if j < users {
			option = use[rng.IntN(len(use))]
		}
		step := float64(1 + rng.IntN(5))
		out[i] = []sotepe.SurveyValue{{Question: sotepe.EServicesQuestion, Option: option}, {Question: "satisfaction", Number: &step}}
	}
	return out
}
