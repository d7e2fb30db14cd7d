package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"sotepe"
)

// The economy and sustainability of a generated year: budget and actual by
// area and month, the change programme's measures with their targets and
// savings, hired labour of the year and the year before, the fleet at both
// years' ends, the solar energy of the rescue stations with panels and the
// sorted plastic of both years. Euros and counts are round(value × Scale);
// the electric share, the plastic's growth and the other percentages stay
// the reference's where the counts are large enough to show them.

// Economy figures the reference does not give, at scale 1.
const (
	// HiredLabourPreviousYearEUR is the hired-labour cost of the year
	// before; the year's is this less the reference's reduction.
	HiredLabourPreviousYearEUR = 48_000_000
	// ChangeAchievedPreviousYearEUR is the part of the change programme's
	// savings of the two years that fell in the year before.
	ChangeAchievedPreviousYearEUR = 30_000_000
	// CarsPreviousYear is the fleet at the end of the year before, of
	// which the reference's previous-year share was electric.
	CarsPreviousYear = 320
)

// budgetByArea is each area's yearly budget in euros at scale 1.
var budgetByArea = []struct {
	area string
	eur  float64
}{
	{"hospital-rehabilitation-and-care-services", 1_150_000_000},
	{"family-and-social-services", 1_020_000_000},
	{"health-and-substance-abuse-services", 760_000_000},
	{"common-services", 210_000_000},
	{"rescue-department", 95_000_000},
}

// changeMeasures are the change programme's measures and the weights of
// their targets and savings.
var changeMeasures = []struct {
	id     string
	names  sotepe.Names
	area   string
	weight float64
}{
	{"digital-services", sotepe.Names{Fi: "Digitaaliset palvelut ja etävastaanotot", Sv: "Digitala tjänster och distansmottagningar", En: "Digital services and remote appointments"}, "", 22},
	{"hired-labour", sotepe.Names{Fi: "Vuokratyövoiman vähentäminen", Sv: "Minskad inhyrd arbetskraft", En: "Less hired labour"}, "", 18},
	{"procurement", sotepe.Names{Fi: "Hankintojen ja sopimusten tehostaminen", Sv: "Effektivare upphandlingar och avtal", En: "More efficient procurement and contracts"}, "common-services", 16},
	{"premises", sotepe.Names{Fi: "Tilojen käytön tehostaminen", Sv: "Effektivare lokalanvändning", En: "Better use of premises"}, "common-services", 12},
	{"home-care", sotepe.Names{Fi: "Kotihoidon toiminnanohjaus", Sv: "Verksamhetsstyrning inom hemvården", En: "Home-care scheduling"}, "hospital-rehabilitation-and-care-services", 14},
	{"care-chains", sotepe.Names{Fi: "Hoitoketjujen sujuvoittaminen", Sv: "Smidigare vårdkedjor", En: "Smoother care pathways"}, "health-and-substance-abuse-services", 10},
	{"placements", sotepe.Names{Fi: "Sijoitusten ja asumispalvelujen ohjaus", Sv: "Styrning av placeringar och boendetjänster", En: "Steering of placements and housing services"}, "family-and-social-services", 8},
}

// EconomyRecords returns the generated economy and sustainability records
// of the year.
func (y Year) EconomyRecords() (sotepe.EconomyRecords, error) {
	var r sotepe.EconomyRecords
	ref, err := loadSectorRef()
	if err != nil {
		return r, err
	}
	rng := rand.New(rand.NewPCG(uint64(y.Seed), uint64(y.Seed)^0xec0))
	month := func(year, m int) string { return fmt.Sprintf("%04d-%02d", year, m+1) }
	even := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

	for _, b := range budgetByArea {
		budget := split(Scaled(b.eur, y.Scale), even)
		for m := range 12 {
			// Actual spending misses the budget by a few per cent either way.
			actual := int64(math.Round(float64(budget[m]) * (0.97 + 0.06*rng.Float64())))
			r.Budget = append(r.Budget, sotepe.BudgetMonth{AreaID: b.area, Month: month(y.Year, m), BudgetEUR: int64(budget[m]), ActualEUR: actual})
		}
	}

	weights := make([]float64, len(changeMeasures))
	for i, m := range changeMeasures {
		weights[i] = m.weight
	}
	targets := split(Scaled(ref.Economy.TargetEUR, y.Scale), weights)
	prevSaved := Scaled(ChangeAchievedPreviousYearEUR, y.Scale)
	prev := split(prevSaved, weights)
	cur := split(Scaled(ref.Economy.AchievedEUR, y.Scale)-prevSaved, weights)
	for i, m := range changeMeasures {
		r.Measures = append(r.Measures, sotepe.ChangeMeasure{ID: m.id, Names: m.names, AreaID: m.area, TargetEUR: int64(targets[i]),
			TargetYear: ref.Economy.TargetYear, Achieved: []sotepe.MeasureSaving{{Year: y.Year - 1, EUR: int64(prev[i])}, {Year: y.Year, EUR: int64(cur[i])}}})
	}

	areaWeights := make([]float64, len(budgetByArea))
	for i, b := range budgetByArea {
		areaWeights[i] = b.eur
	}
	prevHired := Scaled(HiredLabourPreviousYearEUR, y.Scale)
	for _, yr := range []struct{ year, eur int }{{y.Year - 1, prevHired}, {y.Year, prevHired - Scaled(ref.Economy.HiredLabourDrop, y.Scale)}} {
		for i, eur := range split(yr.eur, areaWeights) {
			for m, v := range split(eur, even) {
				r.HiredLabour = append(r.HiredLabour, sotepe.HiredLabourMonth{AreaID: budgetByArea[i].area, Month: month(yr.year, m), EUR: int64(v)})
			}
		}
	}

	r.Cars = y.fleet(rng, ref)

	stations := y.rescueStations()
	if len(stations) > ref.Sustainability.SolarStations {
		stations = stations[:ref.Sustainability.SolarStations]
	}
	if len(stations) > 0 {
		sun := []float64{1, 3, 7, 11, 15, 16, 16, 13, 8, 4, 1, 0.5}
		perStation := split(Scaled(ref.Sustainability.SolarMWh*1000, y.Scale), ones(len(stations)))
		for i, id := range stations {
			for m, kwh := range split(perStation[i], sun) {
				r.Solar = append(r.Solar, sotepe.SolarMonth{UnitID: id, Month: month(y.Year, m), KWh: int64(kwh)})
			}
		}
	}

	plastic := Scaled(ref.Sustainability.PlasticTonnes*1000, y.Scale)
	prevPlastic := int(math.Round(float64(plastic) / (1 + ref.Sustainability.PlasticGrowthPercent/100)))
	for _, yr := range []struct{ year, kg int }{{y.Year - 1, prevPlastic}, {y.Year, plastic}} {
		for m, kg := range split(yr.kg, even) {
			r.Plastic = append(r.Plastic, sotepe.PlasticMonth{Month: month(yr.year, m), Kg: int64(kg)})
		}
	}
	return r, nil
}

// ones returns n equal weights.
func ones(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

// fleet returns the cars of the year before's end and the year's end: the
// cars both years have, those retired during the year and those bought.
func (y Year) fleet(rng *rand.Rand, ref sectorRef) []sotepe.Car {
	cars, electric := Scaled(ref.Sustainability.Cars, y.Scale), Scaled(ref.Sustainability.ElectricCars, y.Scale)
	prevCars := Scaled(CarsPreviousYear, y.Scale)
	prevElectric := int(math.Round(float64(prevCars) * ref.Sustainability.ElectricPrevPercent / 100))
	first := time.Date(y.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	old := time.Date(y.Year-8, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []sotepe.Car
	add := func(n int, electric bool, in, out0 func() string) {
		for range n {
			c := sotepe.Car{ID: fmt.Sprintf("car-%04d", len(out)+1), Electric: electric, InService: in()}
			if out0 != nil {
				c.OutOfService = out0()
			}
			out = append(out, c)
		}
	}
	before := func() string {
		return old.AddDate(0, 0, rng.IntN(int(first.Sub(old).Hours()/24))).Format(time.DateOnly)
	}
	during := func() string { return first.AddDate(0, 0, rng.IntN(364)).Format(time.DateOnly) }
	for _, kind := range []struct {
		electric  bool
		prev, cur int
	}{{true, prevElectric, electric}, {false, prevCars - prevElectric, cars - electric}} {
		keep := min(kind.prev, kind.cur)
		add(keep, kind.electric, before, nil)
		add(kind.prev-keep, kind.electric, before, during)
		add(kind.cur-keep, kind.electric, during, nil)
	}
	return out
}
