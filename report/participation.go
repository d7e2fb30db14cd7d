package report

import (
	"context"
	"fmt"
	"math"
	"slices"

	"sotepe"
)

// ParticipationReader is what the report reads of the population and the
// participation records.
type ParticipationReader interface {
	PopulationYear(ctx context.Context, year int) (sotepe.PopulationYear, error)
	ExperienceExperts(ctx context.Context, from, to string) ([]sotepe.AreaCount, error)
	ParticipationEvents(ctx context.Context, from, to string) (map[sotepe.ParticipationKind]int64, error)
}

// Participation is the report's residents-and-participation section: the
// population figures of the year, the units that got feedback answers,
// the experience experts by area, the participation events, the resident
// survey and the two e-service shares the reference gives in whole per
// cent.
type Participation struct {
	// Population is the year's population figures; nil when none is
	// stored.
	Population *sotepe.PopulationYear
	// UnitsWithFeedback is how many units got feedback answers in the
	// year.
	UnitsWithFeedback int64
	// Experts is the experience experts engaged in the year by area, in
	// the organisation's area order; ExpertsTotal their sum.
	Experts      []sotepe.AreaCount
	ExpertsTotal int64
	// ResidentEvenings and ClientForums are the events held in the year.
	ResidentEvenings, ClientForums int64
	// SurveyRespondents is the resident survey's respondents;
	// PortalUsersPercent the share of those who answered the e-services
	// question and use e-services, in whole per cent (nil without answers).
	SurveyRespondents  int64
	PortalUsersPercent *float64
	// HomeCareRemotePercent is the share of home-care clients with remote
	// services (the indicator home_care_remote_share) in whole per cent.
	HomeCareRemotePercent *float64
}

// readParticipation reads the participation section of year; facts are the
// year's facts, whose feedback facts name the units with answers.
func readParticipation(ctx context.Context, st Reader, org *Org, facts []Fact, year int) (Participation, error) {
	var p Participation
	pop, err := st.PopulationYear(ctx, year)
	switch {
	case err == nil:
		p.Population = &pop
	case sotepe.ErrorCode(err) != sotepe.ENotFound:
		return p, err
	}
	units := map[string]bool{}
	for i := range facts {
		if f := &facts[i]; f.Source == SourceFeedback && f.Field == FieldResponses && f.Value > 0 && f.Unit != "" {
			units[f.Unit] = true
		}
	}
	p.UnitsWithFeedback = int64(len(units))
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	experts, err := st.ExperienceExperts(ctx, from, to)
	if err != nil {
		return p, err
	}
	// In the organisation's area order; areas the network no longer has
	// last.
	rank := map[string]int{}
	for i, a := range org.Areas {
		rank[a.ID] = i + 1
	}
	at := func(id string) int {
		if r, ok := rank[id]; ok {
			return r
		}
		return len(org.Areas) + 1
	}
	slices.SortStableFunc(experts, func(a, b sotepe.AreaCount) int { return at(a.AreaID) - at(b.AreaID) })
	p.Experts = experts
	for _, e := range experts {
		p.ExpertsTotal += e.Count
	}
	events, err := st.ParticipationEvents(ctx, from, to)
	if err != nil {
		return p, err
	}
	p.ResidentEvenings, p.ClientForums = events[sotepe.ResidentEvening], events[sotepe.ClientForum]
	tally, err := st.SurveyTally(ctx, sotepe.ResidentSurvey(year))
	if err != nil && sotepe.ErrorCode(err) != sotepe.ENotFound {
		return p, err
	}
	p.SurveyRespondents = tally.Responses
	var users, answered int64
	for _, c := range tally.Counts {
		if c.Question == sotepe.EServicesQuestion && c.Option != "" {
			answered += c.Count
			if c.Option != sotepe.EServicesNever {
				users += c.Count
			}
		}
	}
	if answered > 0 {
		v := math.Round(float64(users) * 100 / float64(answered))
		p.PortalUsersPercent = &v
	}
	return p, nil
}

// PopulationJSON is the population section of the report's JSON, with
// the reference file's keys.
type PopulationJSON struct {
	Residents       *int64 `json:"residents"`
	NativeLanguages *int64 `json:"registered_native_languages"`
	GrowthPercent   *int64 `json:"share_of_growth_from_elsewhere_10y_percent"`
}

// EServiceSharesJSON is the e-service shares of the reference file in
// whole per cent, null without data.
type EServiceSharesJSON struct {
	PortalUsersPercent    *float64 `json:"share_of_residents_using_portal_percent"`
	HomeCareRemotePercent *float64 `json:"share_of_home_care_clients_with_remote_services_percent"`
}

// ParticipationJSON is the participation figures the reference file keeps
// with the customer feedback, with its keys; experience_experts holds the
// total and the count of each area by the reference's area key, null for
// a count of fewer than sotepe.MinCellSize people (see ExpertCount).
type ParticipationJSON struct {
	UnitsWithFeedback int64             `json:"units_with_feedback"`
	Experts           map[string]*int64 `json:"experience_experts"`
	ResidentEvenings  int64             `json:"resident_evenings"`
	ClientForums      int64             `json:"client_forum_meetings_in_service_centres"`
	SurveyRespondents int64             `json:"resident_survey_respondents"`
}

// JSON returns the population, the e-service shares and the participation
// figures as data.
func (p Participation) JSON() (PopulationJSON, EServiceSharesJSON, ParticipationJSON) {
	var pop PopulationJSON
	if p.Population != nil {
		pop = PopulationJSON{Residents: &p.Population.Residents, NativeLanguages: &p.Population.NativeLanguages,
			GrowthPercent: &p.Population.GrowthFromElsewherePercent}
	}
	part := ParticipationJSON{UnitsWithFeedback: p.UnitsWithFeedback, Experts: map[string]*int64{"total": ExpertCount(p.ExpertsTotal)},
		ResidentEvenings: p.ResidentEvenings, ClientForums: p.ClientForums, SurveyRespondents: p.SurveyRespondents}
	shown := p.ShownExperts()
	for i, e := range p.Experts {
		part.Experts[ReferenceArea(e.AreaID)] = shown[i]
	}
	return pop, EServiceSharesJSON{PortalUsersPercent: p.PortalUsersPercent, HomeCareRemotePercent: p.HomeCareRemotePercent}, part
}

// ExpertCount returns a count of experience experts to show, nil when it
// is about fewer than sotepe.MinCellSize people: that someone is an
// experience expert of an area tells that they have used its services, so
// a small count could identify them, as the staff figures' cells could.
func ExpertCount(n int64) *int64 {
	if n > 0 && sotepe.Suppressed(n) {
		return nil
	}
	return &n
}

// ShownExperts returns the count of each area of p.Experts to show, nil
// where the n < 5 rule hides it (ExpertCount), and where the total less
// the shown areas would give a hidden one away (sotepe.SuppressComplement).
func (p Participation) ShownExperts() []*int64 {
	values := make([]int64, len(p.Experts))
	hidden := make([]bool, len(p.Experts))
	for i, e := range p.Experts {
		values[i], hidden[i] = e.Count, ExpertCount(e.Count) == nil
	}
	hidden = sotepe.SuppressComplement(values, hidden, ExpertCount(p.ExpertsTotal) != nil)
	out := make([]*int64, len(p.Experts))
	for i, e := range p.Experts {
		if !hidden[i] {
			out[i] = &e.Count
		}
	}
	return out
}
