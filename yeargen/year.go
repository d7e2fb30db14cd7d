// Package yeargen synthesises a year of the sector's activity for the demo,
// for measurements and for the annual report: the service events whose
// totals follow the reference figures of Helsinki's 2024 (Year), the
// feedback answers of that year and the one before (Year.Feedback), the
// staff as employments and HR's sums (Year.StaffRecords), the economy and
// sustainability (Year.EconomyRecords), and a year of contact requests
// (History).
//
// Everything is seeded: the same inputs always give the same year. The
// package writes nothing itself; callers stream what it emits into a store
// (see `sotepe generate`). The network it spreads the year over is a
// demo.Network, usually demo.WidenNetwork's 349 units.
package yeargen

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"sotepe"
	"sotepe/demo"
)

// Reference is the part of the sector's 2024 figures (reference-2024.json,
// a copy of the shared reference/helsinki-2024.json) that the generated year
// follows.
type Reference struct {
	Year           int `json:"year"`
	PreviousYear   int `json:"previous_year"`
	ServiceVolumes []struct {
		Key     string  `json:"key"`
		Group   string  `json:"group"`
		Measure string  `json:"measure"`
		Value   float64 `json:"value"`
	} `json:"service_volumes"`
	EServices struct {
		PortalCustomerContacts   float64 `json:"portal_customer_contacts"`
		PortalVideoAppointments  float64 `json:"portal_video_appointments"`
		SymptomAssessments       float64 `json:"symptom_assessments"`
		ChatContacts             float64 `json:"chat_contacts_and_discussions"`
		HomeCareRemoteSharePct   float64 `json:"share_of_home_care_clients_with_remote_services_percent"`
		ShareOfResidentsUsingPct float64 `json:"share_of_residents_using_portal_percent"`
	} `json:"e_services"`
	CustomerFeedback struct {
		NPS             int     `json:"nps"`
		NPSPreviousYear int     `json:"nps_previous_year"`
		AfterVisit      float64 `json:"feedback_after_visit"`
		Website         float64 `json:"feedback_via_city_website"`
		Portal          float64 `json:"feedback_via_portal"`
	} `json:"customer_feedback"`
	Staff struct {
		HeadcountAtYearEnd []struct {
			Area  string  `json:"area"`
			Value float64 `json:"value"`
		} `json:"headcount_at_year_end"`
	} `json:"staff"`
}

// referenceJSON is reference-2024.json, a copy of the shared
// reference/helsinki-2024.json.
//
//go:embed data/reference-2024.json
var referenceJSON []byte

// LoadReference returns the embedded reference figures. An error means the
// embedded file is broken (a bug caught by the package's tests).
func LoadReference() (Reference, error) {
	return parseReference[Reference]("reference")
}

// parseReference reads the embedded reference into a new T, the part of
// it a caller needs; what names that part in the error of a broken file.
func parseReference[T any](what string) (T, error) {
	var r T
	if err := json.Unmarshal(referenceJSON, &r); err != nil {
		return r, fmt.Errorf("yeargen: parse %s: %w", what, err)
	}
	return r, nil
}

// Scaled returns round(v × scale), the generated total of a reference figure.
func Scaled(v, scale float64) int { return int(math.Round(v * scale)) }

// HomeCareClients is the number of home-care clients in a year at scale 1,
// of whom the reference's share (18 %) use remote services. The reference
// gives only the share; the number is of the size of Helsinki's regular
// home care.
const HomeCareClients = 7400

// ContactRequests is the number of contact requests a year receives at
// scale 1 (History's Count for a generated year). The reference gives only
// the promise (an answer within two working days), not the count; this is
// about one request for every two residents of the city.
const ContactRequests = 300_000

// Year generates a deterministic year of the sector's activity: service
// events whose totals are round(value × Scale) for every service_volumes
// line of the reference, the e-service figures, the home-care client
// figures, the feedback answers of the year and the one before, the staff,
// the economy and sustainability. The same Year (seed, scale, network) gives the same data.
type Year struct {
	Year  int
	Scale float64
	Seed  int64
	// Network is the (widened) demo network the events are spread over.
	Network demo.Network
	// IsWorkingDay tells working days from weekends and public holidays
	// (workday.Calendar.IsWorkingDay).
	IsWorkingDay func(time.Time) bool
	Reference    Reference
}

// pattern is how a statistic's acts spread over the days of a year.
type pattern int

const (
	patClinic   pattern = iota // working days, a summer dip, little at weekends
	patOffice                  // working days only
	patEveryDay                // care days: every day alike
	patHomeCare                // every day, fewer at weekends and holidays
	patRescue                  // every day, more at weekends, in summer and at New Year
	patEService                // every day and night, fewer at weekends, in summer
)

// plan is how one statistic is generated: its total, the units that give
// it, how it spreads over days and modes, and whether one event is one act
// (Count 1) or a unit's day (Count n).
type plan struct {
	stat    sotepe.Statistic
	total   int
	units   []sotepe.Unit
	pattern pattern
	modes   []modeShare
	ageBand string
	daily   bool // one event per unit and day with the day's count
}

type modeShare struct {
	mode  sotepe.EventMode
	share float64
}

func shares(inPerson, phone, video, remote float64) []modeShare {
	var m []modeShare
	for _, s := range []modeShare{{sotepe.EventInPerson, inPerson}, {sotepe.EventPhone, phone}, {sotepe.EventVideo, video}, {sotepe.EventRemote, remote}} {
		if s.share > 0 {
			m = append(m, s)
		}
	}
	return m
}

// unitRule picks the units of a statistic: those of its area giving the
// service, and when roundTheClock is set only those open around the clock
// (true) or not (false).
type unitRule struct {
	services      []string
	roundTheClock *bool
	area          string // "" is the statistic's own
}

var (
	yes, no = true, false
)

// statRules says, for each statistic the generator writes, where it happens,
// how it spreads and in which modes.
var statRules = map[string]struct {
	rule    unitRule
	pattern pattern
	modes   []modeShare
	ageBand string
	daily   bool
}{
	"health_station_nurse_visits":       {unitRule{services: []string{"health-station-nurse"}}, patClinic, shares(0.70, 0.27, 0.03, 0), "", false},
	"health_station_doctor_visits":      {unitRule{services: []string{"doctor-appointment"}}, patClinic, shares(0.78, 0.19, 0.03, 0), "", false},
	"dental_visits":                     {unitRule{services: []string{"dental-care"}}, patClinic, shares(1, 0, 0, 0), "", false},
	"maternity_child_clinic_visits":     {unitRule{services: []string{"maternity-child-clinic"}}, patClinic, shares(0.94, 0, 0.06, 0), "0-6", false},
	"maternity_child_clinic_e_contacts": {unitRule{services: []string{"maternity-child-clinic"}}, patEService, shares(0, 0, 0, 1), "0-6", false},
	"school_health_visits":              {unitRule{services: []string{"school-student-health"}}, patClinic, shares(0.95, 0.05, 0, 0), "7-17", false},
	"student_health_visits":             {unitRule{services: []string{"school-student-health"}}, patClinic, shares(0.85, 0.1, 0.05, 0), "18-29", false},
	"psychiatric_outpatient_visits":     {unitRule{services: []string{"psychiatric-outpatient", "mental-health-walk-in"}}, patClinic, shares(0.68, 0.22, 0.10, 0), "", false},
	"psychiatric_ward_days":             {unitRule{services: []string{"psychiatric-outpatient"}}, patEveryDay, shares(1, 0, 0, 0), "", false},
	"substance_abuse_clinic_visits":     {unitRule{services: []string{"substance-abuse"}, roundTheClock: &no}, patClinic, shares(0.8, 0.15, 0.05, 0), "", false},
	"substance_abuse_institution_days":  {unitRule{services: []string{"substance-abuse"}, roundTheClock: &yes}, patEveryDay, shares(1, 0, 0, 0), "", false},
	"mental_health_housing_days":        {unitRule{services: []string{"substance-abuse"}, roundTheClock: &yes}, patEveryDay, shares(1, 0, 0, 0), "", false},
	"homeless_housing_days":             {unitRule{services: []string{"substance-abuse"}, roundTheClock: &yes}, patEveryDay, shares(1, 0, 0, 0), "", false},
	"fire_rescue_missions":              {unitRule{services: []string{"rescue-operations"}}, patRescue, shares(1, 0, 0, 0), "", false},
	"prehospital_emergency_runs":        {unitRule{services: []string{"prehospital-emergency-care"}}, patRescue, shares(1, 0, 0, 0), "", false},
	"accident_prevention_inspections":   {unitRule{services: []string{"rescue-operations"}}, patOffice, shares(1, 0, 0, 0), "", false},
	"service_need_assessments":          {unitRule{services: []string{"service-need-assessment", "senior-info"}}, patOffice, shares(0.7, 0.3, 0, 0), "75+", false},
	"home_care_visits":                  {unitRule{services: []string{"home-care"}}, patHomeCare, shares(0.82, 0, 0, 0.18), "75+", false},
	"elderly_long_term_care_days":       {unitRule{services: []string{"round-the-clock-care"}}, patEveryDay, shares(1, 0, 0, 0), "75+", false},
	"somatic_hospital_discharges":       {unitRule{services: []string{"hospital-care"}}, patHomeCare, shares(1, 0, 0, 0), "", false},
	"children_placed_outside_home":      {unitRule{services: []string{"child-welfare"}}, patOffice, shares(1, 0, 0, 0), "7-17", false},
	"adult_social_work_clients":         {unitRule{services: []string{"adult-social-work"}}, patOffice, shares(0.85, 0.15, 0, 0), "", false},
	"disability_24h_housing_days":       {unitRule{services: []string{"disability-services"}, roundTheClock: &yes}, patEveryDay, shares(1, 0, 0, 0), "", false},
	"disability_service_clients":        {unitRule{services: []string{"disability-services"}}, patOffice, shares(0.9, 0.1, 0, 0), "", false},

	sotepe.StatPortalCustomerContacts:  {unitRule{services: []string{"client-advice"}, area: "common-services"}, patEService, shares(0, 0, 0, 1), "", true},
	sotepe.StatChatContacts:            {unitRule{services: []string{"client-advice"}, area: "common-services"}, patEService, shares(0, 0, 0, 1), "", true},
	sotepe.StatSymptomAssessments:      {unitRule{services: []string{"health-station-nurse"}, area: "health-and-substance-abuse-services"}, patEService, shares(0, 0, 0, 1), "", true},
	sotepe.StatPortalVideoAppointments: {unitRule{services: []string{"health-station-nurse"}, area: "health-and-substance-abuse-services"}, patClinic, shares(0, 0, 1, 0), "", true},
	sotepe.StatHomeCareClients:         {unitRule{services: []string{"home-care"}}, patOffice, shares(1, 0, 0, 0), "75+", false},
	sotepe.StatHomeCareClientsRemote:   {unitRule{services: []string{"home-care"}}, patOffice, shares(0, 0, 0, 1), "75+", false},
}

// Totals returns the total the year generates for each statistic: for the
// reference's service volumes round(value × Scale), for the e-services the
// reference's yearly figure scaled the same way, and for the home-care
// clients HomeCareClients scaled, of whom the reference's share use remote
// services (round(share × clients)).
func (y Year) Totals() map[string]int {
	r := y.Reference
	t := map[string]int{}
	for _, v := range r.ServiceVolumes {
		t[v.Key] = Scaled(v.Value, y.Scale)
	}
	t[sotepe.StatPortalCustomerContacts] = Scaled(r.EServices.PortalCustomerContacts, y.Scale)
	t[sotepe.StatChatContacts] = Scaled(r.EServices.ChatContacts, y.Scale)
	t[sotepe.StatSymptomAssessments] = Scaled(r.EServices.SymptomAssessments, y.Scale)
	t[sotepe.StatPortalVideoAppointments] = Scaled(r.EServices.PortalVideoAppointments, y.Scale)
	clients := Scaled(HomeCareClients, y.Scale)
	t[sotepe.StatHomeCareClients] = clients
	t[sotepe.StatHomeCareClientsRemote] = int(math.Round(float64(clients) * r.EServices.HomeCareRemoteSharePct / 100))
	return t
}

// plans returns the statistics' plans in the order of sotepe.Statistics.
func (y Year) plans() ([]plan, error) {
	totals := y.Totals()
	var out []plan
	for _, st := range sotepe.Statistics {
		total, ok := totals[st.Key]
		if !ok {
			continue
		}
		rule, ok := statRules[st.Key]
		if !ok {
			return nil, fmt.Errorf("yeargen: no rule for statistic %s", st.Key)
		}
		area := rule.rule.area
		if area == "" {
			area = st.AreaID
		}
		var units []sotepe.Unit
		for _, u := range y.Network.Units {
			if u.AreaID != area || !slices.ContainsFunc(rule.rule.services, func(s string) bool { return slices.Contains(u.Services, s) }) {
				continue
			}
			if rule.rule.roundTheClock != nil && u.Hours.AlwaysOpen != *rule.rule.roundTheClock {
				continue
			}
			units = append(units, u)
		}
		if len(units) == 0 && total > 0 {
			return nil, fmt.Errorf("yeargen: no unit of area %s gives %v for %s", area, rule.rule.services, st.Key)
		}
		out = append(out, plan{stat: st, total: total, units: units, pattern: rule.pattern, modes: rule.modes, ageBand: rule.ageBand, daily: rule.daily})
	}
	return out, nil
}

// Days returns the days of the year in order.
func (y Year) days() []time.Time {
	var out []time.Time
	for d := time.Date(y.Year, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == y.Year; d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// monthFactor is the season of clinic work: a dip in July, less in June,
// August and December.
var monthFactor = [13]float64{0, 1.04, 1.06, 1.05, 1.0, 1.0, 0.86, 0.56, 0.9, 1.07, 1.08, 1.07, 0.86}

// weight is the share of a year's acts of pattern p on day d, before
// normalising.
func (y Year) weight(p pattern, d time.Time) float64 {
	working := y.IsWorkingDay(d)
	wd := d.Weekday()
	m := monthFactor[d.Month()]
	switch p {
	case patClinic:
		if !working {
			if wd == time.Saturday {
				return 0.04 * m
			}
			return 0.02 * m
		}
		switch wd {
		case time.Monday:
			return 1.12 * m
		case time.Friday:
			return 0.9 * m
		}
		return m
	case patOffice:
		if !working {
			return 0
		}
		return 0.5 + m/2
	case patEveryDay:
		if d.Month() <= 2 || d.Month() == 12 {
			return 1.02
		}
		return 1
	case patHomeCare:
		if !working {
			return 0.82
		}
		return 1
	case patRescue:
		w := 1.0
		if wd == time.Friday || wd == time.Saturday {
			w = 1.12
		}
		if d.Month() >= 6 && d.Month() <= 8 {
			w *= 1.1
		}
		if d.YearDay() == 1 || (d.Month() == 12 && d.Day() == 31) {
			w *= 1.6
		}
		return w
	case patEService:
		w := 0.5 + m/2
		if !working {
			w *= 0.45
		}
		if wd == time.Monday {
			w *= 1.25
		}
		return w
	}
	return 1
}

// apportion splits total over weights in whole numbers that add up to total
// exactly: each gets the floor of its share and the rest go one each to
// the largest remainders (ties broken by r).
func apportion(total int, weights []float64, r *rand.Rand) []int {
	out := make([]int, len(weights))
	if total <= 0 || len(weights) == 0 {
		return out
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 {
		out[r.IntN(len(out))] = total
		return out
	}
	type rem struct {
		i    int
		frac float64
	}
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i]) + r.Float64()*1e-9}
	}
	sort.Slice(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; given < total; k = (k + 1) % len(rems) {
		out[rems[k].i]++
		given++
	}
	return out
}

// Events calls fn with every service event of the year, in a fixed order
// (statistic by statistic, day by day, unit by unit), each of source
// sotepe.SourceYear and numbered "YYYY-nnnnnnnnnn". One event is one act
// (Count 1), except the e-services, whose events are a unit's day. The
// rescue department's three statistics are no events: Rescue writes them
// as missions, runs and inspections. It stops
// at fn's first error and returns it.
func (y Year) Events(fn func(sotepe.ServiceEvent) error) error {
	days := y.days()
	dayNames := make([]string, len(days))
	for i, d := range days {
		dayNames[i] = d.Format(time.DateOnly)
	}
	seq := 0
	prefix := []byte(strconv.Itoa(y.Year) + "-")
	id := make([]byte, 0, 32)
	return y.walk(func(p *plan, day, unit int, mode sotepe.EventMode, count int) error {
		// The rescue statistics are drawn, so that the stream of random
		// numbers stays the same for the rest, but written by Rescue as
		// missions, runs and inspections of their own.
		if rescueStatistic(p.stat.Key) {
			return nil
		}
		u := &p.units[unit]
		seq++
		return fn(sotepe.ServiceEvent{Source: sotepe.SourceYear, ExternalID: string(appendPadded(append(id[:0], prefix...), seq)),
			Day: dayNames[day], UnitID: u.ID, Statistic: p.stat.Key, ProducerID: u.ProducerID, Mode: mode, AgeBand: p.ageBand, Count: count})
	})
}

// walk makes the draws of the year's events: plan by plan, each day's
// total, each unit's share of it and the acts' modes, calling fn with every
// event (an act, Count 1, or for a daily plan a unit's day in one mode) as
// the index of its day in y.days() and of its unit in p.units. Whoever
// needs only some plans' events (Chats) still walks them all: the plans
// share one stream of random numbers, so that the same seed gives the same
// events to every caller. It stops at fn's first error and returns it.
func (y Year) walk(fn func(p *plan, day, unit int, mode sotepe.EventMode, count int) error) error {
	if y.IsWorkingDay == nil {
		return errors.New("yeargen: a year needs a working-day calendar")
	}
	plans, err := y.plans()
	if err != nil {
		return err
	}
	days := y.days()
	r := rand.New(rand.NewPCG(uint64(y.Seed), uint64(y.Seed)^0x5eed2024))
	for pi := range plans {
		p := &plans[pi]
		weights := make([]float64, len(days))
		for i, d := range days {
			weights[i] = y.weight(p.pattern, d)
		}
		perDay := apportion(p.total, weights, r)
		unitWeights := make([]float64, len(p.units))
		for i := range p.units {
			unitWeights[i] = 0.4 + r.Float64()
		}
		cum := make([]float64, len(p.modes))
		acc := 0.0
		for i, m := range p.modes {
			acc += m.share
			cum[i] = acc
		}
		for di, n := range perDay {
			if n == 0 {
				continue
			}
			for ui, c := range apportion(n, unitWeights, r) {
				if c == 0 {
					continue
				}
				if p.daily {
					counts := make([]float64, len(p.modes))
					for i, m := range p.modes {
						counts[i] = m.share
					}
					for mi, k := range apportion(c, counts, r) {
						if k == 0 {
							continue
						}
						if err := fn(p, di, ui, p.modes[mi].mode, k); err != nil {
							return err
						}
					}
					continue
				}
				for range c {
					x := r.Float64() * acc
					mi := 0
					for mi < len(cum)-1 && x >= cum[mi] {
						mi++
					}
					if err := fn(p, di, ui, p.modes[mi].mode, 1); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// appendPadded appends seq to b ten digits wide, so that the external ids
// sort in the order they are made.
func appendPadded(b []byte, seq int) []byte {
	var d [10]byte
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = byte('0' + seq%10)
		seq /= 10
	}
	return append(b, d[:]...)
}

// replaceUnderscores turns a reference area key into the demo network's
// area id ("common_services" → "common-services").
func replaceUnderscores(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}
