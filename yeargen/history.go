package yeargen

import (
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/workday"
)

// History describes a generated year of contact requests: Count requests
// received in Year, spread over the units of Network that offer each
// service, written by Residents, answered by Staff (user ids, any unit).
// Backlog adds, on top, open requests received in the year's last days to
// one unit each (unit id → count), for measuring a long queue.
type History struct {
	Year      int
	Count     int
	Seed      int64
	Network   demo.Network
	Residents []int64
	Staff     []int64
	Backlog   map[string]int
	Calendar  *workday.Calendar
}

// serviceWeights says how often each service is written to, relative to the
// others; services not named weigh 1.
var serviceWeights = map[string]float64{
	"health-station-nurse": 30, "doctor-appointment": 15, "dental-care": 12, "maternity-child-clinic": 8,
	"home-care": 6, "senior-info": 6, "adult-social-work": 5, "family-social-work": 5, "psychiatric-outpatient": 4,
	"substance-abuse": 2, "disability-services": 3, "school-student-health": 3,
}

// messageBodies are what generated residents write, by language; no real
// person's words.
var messageBodies = map[sotepe.Lang][]string{
	sotepe.Finnish: {"Voisitteko soittaa minulle?", "Tarvitsen ajan lääkärille.", "Lapsella on ollut kuumetta kaksi päivää.", "Reseptini pitäisi uusia.", "Kysyisin kotihoidon palveluista."},
	sotepe.Swedish: {"Kan ni ringa mig?", "Jag behöver en läkartid.", "Barnet har haft feber i två dagar.", "Mitt recept behöver förnyas.", "Jag undrar över hemvården."},
	sotepe.English: {"Could you call me?", "I need a doctor's appointment.", "My child has had a fever for two days.", "My prescription needs renewing.", "I have a question about home care."},
}

var answerBodies = map[sotepe.Lang]string{
	sotepe.Finnish: "Kiitos viestistäsi. Soitamme sinulle.",
	sotepe.Swedish: "Tack för ditt meddelande. Vi ringer dig.",
	sotepe.English: "Thank you for your message. We will call you.",
}

// Generate writes the history in batches of up to batch requests to emit,
// in order of receipt, and returns how many it wrote. The same History
// always gives the same requests. About 92 % are answered in time; the last
// two weeks' requests are partly still open; late answers are marked
// breached, as the sweep would have marked them.
func (h History) Generate(batch int, emit func([]sotepe.ContactRequest) error) (int, error) {
	rng := rand.New(rand.NewPCG(uint64(h.Seed), uint64(h.Year)))
	cal := h.Calendar
	loc := cal.Location()
	days, weights := h.dayWeights()
	services, serviceCum := h.servicePicks()
	offering := map[string][]string{}
	for _, u := range h.Network.Units {
		for _, s := range u.Services {
			offering[s] = append(offering[s], u.ID)
		}
	}
	yearEnd := time.Date(h.Year+1, 1, 1, 0, 0, 0, 0, loc)
	// Receipt instants first, sorted, so the batches come in time order.
	received := make([]time.Time, h.Count)
	for i := range received {
		day := days[sort.SearchFloat64s(weights, rng.Float64()*weights[len(weights)-1])]
		minute := receiptMinute(rng)
		received[i] = day.Add(time.Duration(minute) * time.Minute).Add(time.Duration(rng.IntN(60)) * time.Second)
	}
	slices.SortFunc(received, func(a, b time.Time) int { return a.Compare(b) })

	out := make([]sotepe.ContactRequest, 0, batch)
	written := 0
	flush := func() error {
		if len(out) == 0 {
			return nil
		}
		if err := emit(out); err != nil {
			return err
		}
		written += len(out)
		out = out[:0]
		return nil
	}
	request := func(at time.Time, service, unit string, open bool) (sotepe.ContactRequest, error) {
		lang := pickLang(rng)
		r := sotepe.ContactRequest{ServiceID: service, UnitID: unit, Lang: lang, ReceivedAt: at.UTC(), Status: sotepe.StatusNew}
		switch p := rng.Float64(); {
		case p < 0.80:
			r.Channel = sotepe.ChannelPortal
		case p < 0.95:
			r.Channel = sotepe.ChannelPhone
		default:
			r.Channel = sotepe.ChannelWebsite
		}
		if r.Channel == sotepe.ChannelWebsite || len(h.Residents) == 0 {
			r.Channel = sotepe.ChannelWebsite
			r.Contact = &sotepe.ContactDetails{Name: "Asiakas " + string(rune('A'+rng.IntN(26))), Phone: "040 000 0000"}
		} else {
			r.ResidentID = h.Residents[rng.IntN(len(h.Residents))]
		}
		due, err := cal.Deadline(at, sotepe.PromiseWorkingDays)
		if err != nil {
			return r, err
		}
		r.DueAt = due.UTC()
		bodies := messageBodies[lang]
		r.Messages = []sotepe.Message{{Body: bodies[rng.IntN(len(bodies))], At: r.ReceivedAt}}
		if open {
			return r, nil
		}
		// Answer: mostly within the promise, some late.
		window := due.Sub(at)
		var answered time.Time
		if rng.Float64() < 0.92 {
			answered = at.Add(time.Duration(rng.Float64() * float64(window)))
		} else {
			answered = due.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
			r.Breached = true
		}
		if !answered.Before(yearEnd) {
			// Not answered by the end of the year: still open then, and
			// breached if its deadline had passed.
			r.Breached = due.Before(yearEnd)
			return r, nil
		}
		r.FirstAnsweredAt = answered.UTC()
		r.Status = sotepe.StatusAnswered
		staff := int64(0)
		if len(h.Staff) > 0 {
			staff = h.Staff[rng.IntN(len(h.Staff))]
		}
		r.Messages = append(r.Messages, sotepe.Message{AuthorID: staff, FromStaff: true, Body: answerBodies[lang], At: r.FirstAnsweredAt})
		if rng.Float64() < 0.7 {
			r.Status = sotepe.StatusClosed
			r.ClosedAt = r.FirstAnsweredAt.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			r.Resolution = sotepe.Resolutions[rng.IntN(len(sotepe.Resolutions))]
		}
		return r, nil
	}
	// add makes a request as request does and passes the batch on when it
	// is full.
	add := func(at time.Time, service, unit string, open bool) error {
		r, err := request(at, service, unit, open)
		if err != nil {
			return err
		}
		out = append(out, r)
		if len(out) == batch {
			return flush()
		}
		return nil
	}
	recent := yearEnd.AddDate(0, 0, -14)
	for _, at := range received {
		service := services[sort.SearchFloat64s(serviceCum, rng.Float64()*serviceCum[len(serviceCum)-1])]
		units := offering[service]
		if len(units) == 0 {
			continue
		}
		open := !at.Before(recent) && rng.Float64() < 0.5
		if err := add(at, service, units[rng.IntN(len(units))], open); err != nil {
			return written, err
		}
	}
	for _, unit := range sortedKeys(h.Backlog) {
		var service string
		for _, u := range h.Network.Units {
			if u.ID == unit && len(u.Services) > 0 {
				service = u.Services[0]
			}
		}
		if service == "" {
			return written, sotepe.Invalid("error.unknown_unit", "backlog unit "+unit+" offers no service")
		}
		for i := 0; i < h.Backlog[unit]; i++ {
			at := recent.Add(time.Duration(rng.Int64N(int64(13 * 24 * time.Hour))))
			if err := add(at, service, unit, true); err != nil {
				return written, err
			}
		}
	}
	return written, flush()
}

// dayWeights returns the days of the year and the running sum of their
// weights: working days weigh most, weekends and holidays little, July and
// the Christmas weeks less.
func (h History) dayWeights() ([]time.Time, []float64) {
	loc := h.Calendar.Location()
	var days []time.Time
	var cum []float64
	sum := 0.0
	for d := time.Date(h.Year, 1, 1, 0, 0, 0, 0, loc); d.Year() == h.Year; d = d.AddDate(0, 0, 1) {
		w := 1.0
		if !h.Calendar.IsWorkingDay(d) {
			w = 0.25
		}
		if d.Month() == time.July {
			w *= 0.6
		}
		if d.Month() == time.December && d.Day() >= 20 {
			w *= 0.7
		}
		sum += w
		days = append(days, d)
		cum = append(cum, sum)
	}
	return days, cum
}

func (h History) servicePicks() ([]string, []float64) {
	var ids []string
	var cum []float64
	sum := 0.0
	for _, s := range h.Network.Services {
		if !s.TakesContactRequests {
			continue
		}
		w := serviceWeights[s.ID]
		if w == 0 {
			w = 1
		}
		sum += w
		ids = append(ids, s.ID)
		cum = append(cum, sum)
	}
	return ids, cum
}

// receiptMinute picks the minute of the day a request comes in: mostly
// office hours, a morning peak, some evening and night.
func receiptMinute(rng *rand.Rand) int {
	switch p := rng.Float64(); {
	case p < 0.45:
		return 8*60 + rng.IntN(4*60) // 8–12
	case p < 0.80:
		return 12*60 + rng.IntN(4*60) // 12–16
	case p < 0.95:
		return 16*60 + rng.IntN(6*60) // 16–22
	default:
		return rng.IntN(8 * 60) // night
	}
}

func pickLang(rng *rand.Rand) sotepe.Lang {
	switch p := rng.Float64(); {
	case p < 0.85:
		return sotepe.Finnish
	case p < 0.91:
		return sotepe.Swedish
	default:
		return sotepe.English
	}
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
