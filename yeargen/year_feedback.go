package yeargen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"sotepe"
)

// FeedbackCounts are a year's feedback answers by the reference's channels
// and the year's NPS.
type FeedbackCounts struct {
	Year       int
	AfterVisit int // through the unit's QR code or kiosk after a visit
	Website    int
	Portal     int
	NPS        int
}

// Total is the number of answers.
func (c FeedbackCounts) Total() int { return c.AfterVisit + c.Website + c.Portal }

// previousYearShare is the previous year's answers per channel relative to
// the reference year's: the reference gives only the previous NPS.
const previousYearShare = 0.93

// FeedbackYears returns the answers the generator writes: the reference
// year's counts per channel, each round(value × Scale), with the
// reference's NPS, and the previous year's (previousYearShare of them) with
// the previous NPS.
func (y Year) FeedbackYears() []FeedbackCounts {
	f := y.Reference.CustomerFeedback
	cur := FeedbackCounts{Year: y.Year, AfterVisit: Scaled(f.AfterVisit, y.Scale), Website: Scaled(f.Website, y.Scale),
		Portal: Scaled(f.Portal, y.Scale), NPS: f.NPS}
	prev := FeedbackCounts{Year: y.Year - 1, AfterVisit: Scaled(f.AfterVisit*previousYearShare, y.Scale),
		Website: Scaled(f.Website*previousYearShare, y.Scale), Portal: Scaled(f.Portal*previousYearShare, y.Scale), NPS: f.NPSPreviousYear}
	return []FeedbackCounts{prev, cur}
}

// NPSClasses returns how many of total answers are promoters, passives and
// detractors for an NPS of nps: promoters − detractors is round(nps % of
// total), so that the NPS of the answers rounds to nps, with about 8 % of
// detractors.
func NPSClasses(total, nps int) (promoters, passives, detractors int) {
	diff := int(math.Round(float64(total) * float64(nps) / 100))
	detractors = int(math.Round(float64(total) * 0.08))
	promoters = diff + detractors
	if promoters > total {
		promoters, detractors = total, total-diff
	}
	passives = total - promoters - detractors
	return promoters, passives, detractors
}

// Feedback returns the answers of c's year over the network's units: a score
// for each, of the classes NPSClasses gives, in the order of a seeded
// shuffle; answers after a visit by QR code or kiosk, the others through the
// portal and the city website; on the days of clinic work, in Finnish,
// Swedish or English, about the unit's first service.
func (y Year) Feedback(c FeedbackCounts) []sotepe.Feedback {
	r := rand.New(rand.NewPCG(uint64(y.Seed)+uint64(c.Year), 0xfeedbac4))
	total := c.Total()
	p, pa, d := NPSClasses(total, c.NPS)
	scores := make([]int, 0, total)
	for range p {
		scores = append(scores, 9+r.IntN(2))
	}
	for range pa {
		scores = append(scores, 7+r.IntN(2))
	}
	for range d {
		scores = append(scores, []int{0, 2, 3, 4, 5, 5, 6, 6, 6}[r.IntN(9)])
	}
	r.Shuffle(len(scores), func(i, j int) { scores[i], scores[j] = scores[j], scores[i] })

	cy := y
	cy.Year = c.Year
	days := cy.days()
	weights := make([]float64, len(days))
	for i, d := range days {
		weights[i] = cy.weight(patClinic, d)
	}
	// Each unit gets answers, the busier kinds more.
	units := y.Network.Units
	unitWeights := make([]float64, len(units))
	for i, u := range units {
		unitWeights[i] = 0.3 + r.Float64()
		switch u.Kind {
		case "health_station", "dental_clinic", "child_clinic", "wellbeing_centre":
			unitWeights[i] *= 3
		}
	}
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		zone = time.UTC
	}
	out := make([]sotepe.Feedback, 0, total)
	channels := make([]sotepe.FeedbackChannel, 0, total)
	for range c.AfterVisit {
		ch := sotepe.FeedbackQR
		if r.IntN(100) < 45 {
			ch = sotepe.FeedbackKioskChannel
		}
		channels = append(channels, ch)
	}
	for range c.Website {
		channels = append(channels, sotepe.FeedbackWebsite)
	}
	for range c.Portal {
		channels = append(channels, sotepe.FeedbackPortal)
	}
	// The year's answers go to the units first and then over each unit's
	// days, so that every unit with a share of one answer or more gets
	// answers (a split of each day's few answers over many units would
	// give the same heaviest units every day).
	perUnit := apportion(total, unitWeights, r)
	k := 0
	for ui, n := range perUnit {
		if n == 0 {
			continue
		}
		u := &units[ui]
		for di, m := range apportion(n, weights, r) {
			for range m {
				lang := sotepe.Finnish
				switch x := r.IntN(100); {
				case x < 9:
					lang = sotepe.Swedish
				case x < 14:
					lang = sotepe.English
				}
				service := ""
				if len(u.Services) > 0 {
					service = u.Services[0]
				}
				d := days[di]
				at := time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(12), r.IntN(60), r.IntN(60), 0, zone)
				out = append(out, sotepe.Feedback{UnitID: u.ID, Score: scores[k], Channel: channels[k], Lang: lang, ServiceID: service, CreatedAt: at})
				k++
			}
		}
	}
	// The channels were in order; shuffle them over the answers, keeping
	// the counts.
	r.Shuffle(len(out), func(i, j int) { out[i].Channel, out[j].Channel = out[j].Channel, out[i].Channel })
	return out
}

// FeedbackEvents returns the feedback_answers events of answers: one per
// unit and day with the day's count, numbered after the answers' year.
func FeedbackEvents(answers []sotepe.Feedback, producerOf map[string]string) []sotepe.ServiceEvent {
	type key struct{ day, unit string }
	counts := map[key]int{}
	var order []key
	for _, f := range answers {
		k := key{f.CreatedAt.Format(time.DateOnly), f.UnitID}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	out := make([]sotepe.ServiceEvent, 0, len(order))
	for i, k := range order {
		out = append(out, sotepe.ServiceEvent{Source: sotepe.SourceYear + ".feedback", ExternalID: k.day[:4] + "-" + strconv.Itoa(i+1),
			Day: k.day, UnitID: k.unit, Statistic: sotepe.StatFeedbackAnswers, ProducerID: producerOf[k.unit],
			Mode: sotepe.EventRemote, Count: counts[k]})
	}
	return out
}
