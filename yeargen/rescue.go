package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"sotepe"
)

// The rescue department's statistics of the reference, which the year
// writes as missions, runs and inspections (Year.Rescue) instead of
// service events.
const (
	StatRescueMissions    = "fire_rescue_missions"
	StatEmergencyRuns     = "prehospital_emergency_runs"
	StatRescueInspections = "accident_prevention_inspections"
)

// rescueStatistic reports whether key is one of the statistics Year.Rescue
// writes as rows of their own.
func rescueStatistic(key string) bool {
	return key == StatRescueMissions || key == StatEmergencyRuns || key == StatRescueInspections
}

// rescueReference is the part of the reference the rescue rows follow
// beyond the service volumes: the chemical and oil spills handled.
type rescueReference struct {
	Sustainability struct {
		Spills float64 `json:"chemical_and_oil_spills_handled"`
	} `json:"sustainability"`
}

// RescueYear is a generated year of the rescue department.
type RescueYear struct {
	Missions    []sotepe.RescueMission
	Runs        []sotepe.EmergencyRun
	Inspections []sotepe.FireInspection
}

// RescueTotals returns the year's number of missions, runs, inspections
// and chemical and oil spills among the missions: each reference figure
// round(value × Scale).
func (y Year) RescueTotals() (missions, runs, inspections, spills int, err error) {
	t := y.Totals()
	ref, err := parseReference[rescueReference]("reference")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	return t[StatRescueMissions], t[StatEmergencyRuns], t[StatRescueInspections], Scaled(ref.Sustainability.Spills, y.Scale), nil
}

// Shares of the generated missions: accident types other than spills (whose
// number the reference gives), urgency classes and risk classes; and the
// urgency classes of runs.
var (
	missionTypeShares = []struct {
		t     sotepe.AccidentType
		share float64
	}{{sotepe.AccidentBuildingFire, 0.12}, {sotepe.AccidentOtherFire, 0.10}, {sotepe.AccidentTraffic, 0.16},
		{sotepe.AccidentRescue, 0.14}, {sotepe.AccidentDamagePrevention, 0.20}, {sotepe.AccidentOther, 0.28}}
	missionUrgencyShares = []float64{0.20, 0.35, 0.30, 0.15}
	riskClassShares      = []float64{0.45, 0.35, 0.15, 0.05}
	runUrgencyShares     = []float64{0.08, 0.30, 0.40, 0.22}
	// travelMedian is the median travel time in seconds in each risk
	// class; with a turnout of about 80 s, about two thirds of class I
	// missions reach the 6-minute target.
	travelMedian = []float64{235, 390, 700, 1300}
	// hourWeight is the share of calls by hour of day: fewest at night.
	hourWeight = []float64{3, 2.5, 2, 1.6, 1.4, 1.4, 2, 3, 4, 4.5, 5, 5.2, 5.3, 5.3, 5.3, 5.4, 5.6, 5.8, 5.6, 5.2, 4.8, 4.4, 4, 3.5}
	streets    = []string{"Mannerheimintie", "Hämeentie", "Sturenkatu", "Mäkelänkatu", "Itäväylä", "Kehä I", "Vuotie",
		"Malminkaari", "Huopalahdentie", "Kontulantie", "Siilitie", "Fredrikinkatu", "Aleksanterinkatu", "Tyynylaavantie"}
)

// Rescue generates the rescue department's year: exactly the reference's
// missions (of which exactly the reference's spills), runs and
// inspections at the year's scale, spread over the network's rescue
// stations, with plausible time points. It is seeded by the year's Seed
// alone, so the rest of the year does not change it.
func (y Year) Rescue() (RescueYear, error) {
	var out RescueYear
	nMissions, nRuns, nInspections, nSpills, err := y.RescueTotals()
	if err != nil {
		return out, err
	}
	var stations []sotepe.Unit
	for _, u := range y.Network.Units {
		if u.Kind == "rescue_station" {
			stations = append(stations, u)
		}
	}
	if len(stations) == 0 && nMissions+nRuns+nInspections > 0 {
		return out, fmt.Errorf("yeargen: the network has no rescue station")
	}
	r := rand.New(rand.NewPCG(uint64(y.Seed), uint64(y.Seed)^0x7e5c0e2024))
	start := time.Date(y.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := len(y.days())
	// callAt draws a call instant in the year. A day's calls are
	// between 00:00 and 21:00 UTC on the last day, so that every one is
	// of the year also in Helsinki's time (UTC+2 or +3).
	callAt := func() time.Time {
		d := r.IntN(days)
		for {
			sec := r.IntN(86400)
			if d == days-1 && sec >= 21*3600 {
				continue
			}
			if r.Float64()*6 < hourWeight[sec/3600] {
				return start.AddDate(0, 0, d).Add(time.Duration(sec) * time.Second)
			}
		}
	}
	logNormal := func(median, sigma float64) time.Duration {
		return time.Duration(median*math.Exp(sigma*r.NormFloat64())) * time.Second
	}
	times := func(call time.Time, urgency int, travelMedian, sceneMedian float64) sotepe.RescueTimes {
		t := sotepe.RescueTimes{CallAt: call}
		t.AlarmAt = call.Add(max(20*time.Second, logNormal(75, 0.3)))
		turnout := time.Duration(max(30, 80+20*r.NormFloat64())) * time.Second
		if urgency >= 2 {
			turnout += 60 * time.Second
		}
		t.DepartedAt = t.AlarmAt.Add(turnout)
		t.OnSceneAt = t.DepartedAt.Add(max(30*time.Second, logNormal(travelMedian, 0.35)))
		t.ClearedAt = t.OnSceneAt.Add(max(5*time.Minute, logNormal(sceneMedian, 0.5)))
		return t
	}

	// Missions: the spills first, the other types by their shares, then
	// shuffled so that the types mix over the year.
	types := make([]sotepe.AccidentType, 0, nMissions)
	for range min(nSpills, nMissions) {
		types = append(types, sotepe.AccidentSpill)
	}
	weights := make([]float64, len(missionTypeShares))
	for i, s := range missionTypeShares {
		weights[i] = s.share
	}
	for i, n := range apportion(nMissions-len(types), weights, r) {
		for range n {
			types = append(types, missionTypeShares[i].t)
		}
	}
	r.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	prefix := strconv.Itoa(y.Year)
	for i, t := range types {
		st := stations[r.IntN(len(stations))]
		urgency, class := pick(r, missionUrgencyShares), pick(r, riskClassShares)
		scene := 1200.0
		if t == sotepe.AccidentBuildingFire || t == sotepe.AccidentSpill {
			scene = 2700
		}
		out.Missions = append(out.Missions, sotepe.RescueMission{ExternalID: fmt.Sprintf("%s-M-%06d", prefix, i+1), StationID: st.ID,
			Type: t, Urgency: sotepe.RescueUrgencies[urgency], RiskClass: sotepe.RiskClasses[class], District: st.District,
			RescueTimes: times(callAt(), urgency, travelMedian[class], scene)})
	}
	slices.SortStableFunc(out.Missions, func(a, b sotepe.RescueMission) int { return a.CallAt.Compare(b.CallAt) })

	for i := range nRuns {
		st := stations[r.IntN(len(stations))]
		urgency := pick(r, runUrgencyShares)
		out.Runs = append(out.Runs, sotepe.EmergencyRun{ExternalID: fmt.Sprintf("%s-R-%06d", prefix, i+1), StationID: st.ID,
			Urgency: sotepe.RescueUrgencies[urgency], RescueTimes: times(callAt(), urgency, 420, 1500)})
	}
	slices.SortStableFunc(out.Runs, func(a, b sotepe.EmergencyRun) int { return a.CallAt.Compare(b.CallAt) })

	// Inspections on working days, a few findings in every other one and
	// a re-inspection one to three months later when there are any.
	var working []time.Time
	for _, d := range y.days() {
		if y.IsWorkingDay == nil || y.IsWorkingDay(d) {
			working = append(working, d)
		}
	}
	perDay := apportion(nInspections, make1(len(working)), r)
	seq := 0
	for di, n := range perDay {
		for range n {
			seq++
			st := stations[r.IntN(len(stations))]
			f := sotepe.FireInspection{ExternalID: fmt.Sprintf("%s-I-%06d", prefix, seq), StationID: st.ID,
				Address:     fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(120)),
				InspectedOn: working[di].Format(time.DateOnly)}
			if r.Float64() < 0.45 {
				f.Findings = 1 + r.IntN(6)
				f.ReinspectOn = working[di].AddDate(0, 1+r.IntN(3), 0).Format(time.DateOnly)
			}
			out.Inspections = append(out.Inspections, f)
		}
	}
	return out, nil
}

// pick draws an index by the shares.
func pick(r *rand.Rand, shares []float64) int {
	x := r.Float64()
	for i, s := range shares {
		if x < s {
			return i
		}
		x -= s
	}
	return len(shares) - 1
}

// make1 returns n weights of 1.
func make1(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}
