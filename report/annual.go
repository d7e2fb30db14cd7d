package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"sotepe"
)

// Annual is the sector's year: the figures of the annual report, each with
// the previous year's value when that year has data.
type Annual struct {
	Year         int
	PreviousYear int
	// HasPrevious is true when the previous year has service volumes (the
	// reference statistics), so the year-over-year changes mean something.
	HasPrevious bool
	// Groups is the "millions of encounters" table: every reference
	// statistic, in the reference's groups and order.
	Groups []VolumeGroup
	// EServices is the e-service and sotepe's own statistics.
	EServices      []VolumeLine
	Staff          Staff
	Economy        Economy
	Sustainability Sustainability
	Feedback       FeedbackYear
	// Rescue is the rescue department's section; its counts are also the
	// three rescue lines of Groups.
	Rescue Rescue
	// Procurement is the year's purchased services.
	Procurement Procurement
	// Participation is the population, the participation figures and
	// the e-service shares.
	Participation Participation
	// Indicators is the value of each ratio indicator over the year.
	Indicators []IndicatorLine
}

// VolumeGroup is one group of the volumes table.
type VolumeGroup struct {
	Key   string
	Lines []VolumeLine
}

// VolumeLine is one statistic's volume in the year and the year before.
type VolumeLine struct {
	Key      string
	Measure  sotepe.Measure
	Value    int64
	Previous int64
	// Change is the change from the previous year in per cent, one
	// decimal; nil without a previous year or when it was 0.
	Change *float64
}

// Staff is the staff section: the headcount of each service area at the
// end of the year, with its share of the total, counted from the
// employments, and the year's turnover, training, applicants and the
// personnel survey.
type Staff struct {
	Lines         []StaffLine
	Total         int64
	PreviousTotal int64
	// Leavers is the employments that ended in the year; TurnoverPercent
	// is sotepe.Turnover of them in whole per cent.
	Leavers         int64
	TurnoverPercent *float64
	// Courses is the course participations of the year;
	// TrainingDaysPerEmployee the training days ÷ the headcount at the
	// year's end, one decimal.
	Courses                 int64
	TrainingDaysPerEmployee *float64
	// Applicants and ApplicantsPrevious are the applicants to the
	// vacancies published in the year and the year before.
	Applicants, ApplicantsPrevious int64
	// RecommendPercent is the personnel survey's share that would
	// recommend the sector as an employer, whole per cent; nil below five
	// respondents.
	RecommendPercent  *float64
	SurveyRespondents int64
}

// StaffLine is one area's staff.
type StaffLine struct {
	AreaID    string
	Headcount int64
	// Percent is the area's share of the total, in whole per cent.
	Percent  int64
	Previous *int64
}

// FeedbackYear is the year's answers by channel and the NPS, with the
// previous year's.
type FeedbackYear struct {
	NPS, NPSPrevious        *float64
	Responses, PrevResponse int64
	Channels                []ChannelLine
	// Groups is the answers as the annual report counts them: after a
	// visit (the visit link, the unit's QR code and its kiosk), on the
	// city website and in the portal.
	Groups []ChannelGroup
}

// The groups of feedback channels of the annual report.
const (
	FeedbackAfterVisit = "after_visit"
	FeedbackViaWebsite = "via_city_website"
	FeedbackViaPortal  = "via_portal"
)

// feedbackGroups maps the groups of the report to the channels they add up.
var feedbackGroups = []struct {
	key      string
	channels []sotepe.FeedbackChannel
}{
	{FeedbackAfterVisit, []sotepe.FeedbackChannel{sotepe.FeedbackVisit, sotepe.FeedbackQR, sotepe.FeedbackKioskChannel}},
	{FeedbackViaWebsite, []sotepe.FeedbackChannel{sotepe.FeedbackWebsite}},
	{FeedbackViaPortal, []sotepe.FeedbackChannel{sotepe.FeedbackPortal}},
}

// FeedbackGroupChannels returns the channels the report's group key adds
// up, in order, and nil for a key that is no group.
func FeedbackGroupChannels(key string) []sotepe.FeedbackChannel {
	for _, g := range feedbackGroups {
		if g.key == key {
			return slices.Clone(g.channels)
		}
	}
	return nil
}

// ChannelGroup is the answers of a group of channels.
type ChannelGroup struct {
	Key      string
	Answers  int64
	Previous int64
}

// ChannelLine is the answers that came in on one channel.
type ChannelLine struct {
	Channel  sotepe.FeedbackChannel
	Answers  int64
	Previous int64
}

// IndicatorLine is one indicator's value over the year and the year before.
type IndicatorLine struct {
	Indicator Indicator
	Value     Value
	Previous  Value
}

// BuildAnnual reads the sector's year and the year before from the store:
// the volumes of every statistic, the staff, economy and sustainability
// sections, the feedback by channel
// and the indicators whose unit is a share or a score. A year without data
// gives zeros and no values, not an error; the store's failures come back
// as they are.
func BuildAnnual(ctx context.Context, g Gatherer, inds *Indicators, year int) (Annual, error) {
	a := Annual{Year: year, PreviousYear: year - 1}
	yearFilter := func(y int) Filter {
		return Filter{From: fmt.Sprintf("%04d-01-01", y), To: fmt.Sprintf("%04d-12-31", y)}
	}
	facts, err := g.Facts(ctx, yearFilter(year))
	if err != nil {
		return a, err
	}
	prevFacts, err := g.Facts(ctx, yearFilter(year-1))
	if err != nil {
		return a, err
	}
	cur, prev := statisticTotals(facts), statisticTotals(prevFacts)
	if a.Rescue, err = readRescue(ctx, g.Store, year); err != nil {
		return a, err
	}
	rescueVolumes(cur, prev, a.Rescue)
	// A previous year counts when it has service volumes: the feedback
	// answers of a year alone (its events too) make no column of zeros.
	for key := range prev {
		if st, ok := sotepe.StatisticByKey(key); ok && st.Reference {
			a.HasPrevious = true
			break
		}
	}
	line := func(st sotepe.Statistic) VolumeLine {
		l := VolumeLine{Key: st.Key, Measure: st.Measure, Value: cur[st.Key], Previous: prev[st.Key]}
		l.Change = change(l.Value, l.Previous, a.HasPrevious)
		return l
	}
	for _, st := range sotepe.Statistics {
		if st.Reference {
			if n := len(a.Groups); n == 0 || a.Groups[n-1].Key != st.Group {
				a.Groups = append(a.Groups, VolumeGroup{Key: st.Group})
			}
			g := &a.Groups[len(a.Groups)-1]
			g.Lines = append(g.Lines, line(st))
		} else if st.Group == sotepe.GroupEServices {
			a.EServices = append(a.EServices, line(st))
		}
	}

	if a.Staff, err = readStaff(ctx, g.Store, g.Org, year); err != nil {
		return a, err
	}
	if a.Economy, err = readEconomy(ctx, g.Store, year); err != nil {
		return a, err
	}
	if a.Sustainability, err = readSustainability(ctx, g.Store, year); err != nil {
		return a, err
	}
	if a.Feedback, err = readFeedback(ctx, g.Store, year); err != nil {
		return a, err
	}
	if a.Procurement, err = readProcurement(ctx, g.Store, year); err != nil {
		return a, err
	}

	for _, ind := range inds.List {
		if ind.Unit == "count" {
			continue
		}
		a.Indicators = append(a.Indicators, IndicatorLine{Indicator: ind, Value: ind.Total(facts), Previous: ind.Total(prevFacts)})
	}
	if a.Participation, err = readParticipation(ctx, g.Store, g.Org, facts, year); err != nil {
		return a, err
	}
	for _, l := range a.Indicators {
		if l.Indicator.ID == "home_care_remote_share" && l.Value.Value != nil {
			v := math.Round(*l.Value.Value)
			a.Participation.HomeCareRemotePercent = &v
		}
	}
	return a, nil
}

// statisticTotals sums the event facts by statistic.
func statisticTotals(facts []Fact) map[string]int64 {
	out := map[string]int64{}
	for i := range facts {
		if facts[i].Source == SourceEvents {
			out[facts[i].Statistic] += facts[i].Value
		}
	}
	return out
}

// change is the change from previous to value in per cent, one decimal.
func change(value, previous int64, hasPrevious bool) *float64 {
	if !hasPrevious || previous == 0 {
		return nil
	}
	c := math.Round(float64(value-previous)/float64(previous)*1000) / 10
	return &c
}

func readFeedback(ctx context.Context, st Reader, year int) (FeedbackYear, error) {
	var fy FeedbackYear
	count := func(y int) (map[string]int64, sotepe.NPSFigures, error) {
		var tot sotepe.NPSFigures
		rows, err := st.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: fmt.Sprintf("%04d-01-01", y), To: fmt.Sprintf("%04d-12-31", y),
			Dim: sotepe.FeedbackDimChannel})
		if err != nil {
			return nil, tot, err
		}
		by := map[string]int64{}
		for _, r := range rows {
			tot.Add(r)
			by[r.Key] += r.Promoters + r.Passives + r.Detractors
		}
		tot.Finish()
		return by, tot, nil
	}
	cur, curTot, err := count(year)
	if err != nil {
		return fy, err
	}
	prev, prevTot, err := count(year - 1)
	if err != nil {
		return fy, err
	}
	fy.NPS, fy.NPSPrevious = curTot.NPS, prevTot.NPS
	fy.Responses, fy.PrevResponse = curTot.Responses, prevTot.Responses
	for _, c := range sotepe.FeedbackChannels {
		fy.Channels = append(fy.Channels, ChannelLine{Channel: c, Answers: cur[string(c)], Previous: prev[string(c)]})
	}
	for _, g := range feedbackGroups {
		cg := ChannelGroup{Key: g.key}
		for _, c := range g.channels {
			cg.Answers += cur[string(c)]
			cg.Previous += prev[string(c)]
		}
		fy.Groups = append(fy.Groups, cg)
	}
	return fy, nil
}

// ReferenceArea is the reference file's key of a demo area id
// ("family-and-social-services" → "family_and_social_services").
func ReferenceArea(areaID string) string { return strings.ReplaceAll(areaID, "-", "_") }
