package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"sotepe"
)

// ProcurementReference is the reference's purchased services: the
// contracts, their partners and value, the service-voucher kinds and the
// shares of contracts with social-responsibility and environmental
// criteria.
type ProcurementReference struct {
	Contracts        float64 `json:"contracts"`
	Partners         float64 `json:"contract_partners"`
	ValueEUR         float64 `json:"contract_value_eur"`
	VoucherTypes     int     `json:"service_voucher_types"`
	SocialPercent    int64   `json:"share_with_social_responsibility_criteria_percent"`
	EnvironmentalPct int64   `json:"share_with_environmental_criteria_percent"`
}

// LoadProcurementReference reads the procurement figures of the embedded
// reference. An error means the embedded file is broken.
func LoadProcurementReference() (ProcurementReference, error) {
	r, err := parseReference[struct {
		Procurement ProcurementReference `json:"procurement"`
	}]("procurement reference")
	return r.Procurement, err
}

// VoucherKindCatalogue is the sector's 28 kinds of service voucher, the
// same at every scale: a kind is a rule of the city, not a volume. Each has
// a service of the demo network where one fits, a base value in cents and a
// coefficient in ten-thousandths.
var VoucherKindCatalogue = []struct {
	ID, Service string
	Names       sotepe.Names
	BaseCents   int64
	Coefficient int64
}{
	{"home-care", "home-care", sotepe.Names{Fi: "Kotihoito", Sv: "Hemvård", En: "Home care"}, 32_00, 10000},
	{"home-care-evening", "home-care", sotepe.Names{Fi: "Kotihoito ilta ja viikonloppu", Sv: "Hemvård kväll och veckoslut", En: "Home care, evenings and weekends"}, 32_00, 12500},
	{"home-support", "home-care", sotepe.Names{Fi: "Kotiin annettava tukipalvelu", Sv: "Stödtjänst i hemmet", En: "Support services at home"}, 28_00, 10000},
	{"cleaning", "home-care", sotepe.Names{Fi: "Siivouspalvelu", Sv: "Städtjänst", En: "Cleaning service"}, 30_00, 10000},
	{"meals", "home-care", sotepe.Names{Fi: "Ateriapalvelu", Sv: "Måltidstjänst", En: "Meal service"}, 7_00, 10000},
	{"service-housing-24h", "round-the-clock-care", sotepe.Names{Fi: "Ympärivuorokautinen palveluasuminen", Sv: "Serviceboende med heldygnsomsorg", En: "Round-the-clock service housing"}, 140_00, 10000},
	{"service-housing-24h-demanding", "round-the-clock-care", sotepe.Names{Fi: "Ympärivuorokautinen palveluasuminen, vaativa", Sv: "Serviceboende med heldygnsomsorg, krävande", En: "Round-the-clock service housing, demanding"}, 140_00, 12000},
	{"community-housing", "round-the-clock-care", sotepe.Names{Fi: "Yhteisöllinen asuminen", Sv: "Gemenskapsboende", En: "Community housing"}, 60_00, 10000},
	{"short-term-care", "family-carer-support", sotepe.Names{Fi: "Lyhytaikainen hoito", Sv: "Korttidsvård", En: "Short-term care"}, 120_00, 10000},
	{"day-activity-older", "senior-info", sotepe.Names{Fi: "Ikääntyneiden päivätoiminta", Sv: "Dagverksamhet för äldre", En: "Day activities for older people"}, 55_00, 10000},
	{"family-carer-relief", "family-carer-support", sotepe.Names{Fi: "Omaishoitajan vapaan sijaishoito", Sv: "Avlösning för närståendevårdare", En: "Relief care for family carers"}, 110_00, 10000},
	{"dental-care", "dental-care", sotepe.Names{Fi: "Suun terveydenhuolto", Sv: "Mun- och tandvård", En: "Oral health care"}, 45_00, 10000},
	{"dental-hygienist", "dental-care", sotepe.Names{Fi: "Suuhygienistin käynti", Sv: "Munhygienistbesök", En: "Dental hygienist visit"}, 35_00, 10000},
	{"physiotherapy", "rehabilitation", sotepe.Names{Fi: "Fysioterapia", Sv: "Fysioterapi", En: "Physiotherapy"}, 50_00, 10000},
	{"occupational-therapy", "rehabilitation", sotepe.Names{Fi: "Toimintaterapia", Sv: "Ergoterapi", En: "Occupational therapy"}, 60_00, 10000},
	{"speech-therapy", "rehabilitation", sotepe.Names{Fi: "Puheterapia", Sv: "Talterapi", En: "Speech therapy"}, 65_00, 10000},
	{"home-rehabilitation", "rehabilitation", sotepe.Names{Fi: "Kotikuntoutus", Sv: "Hemrehabilitering", En: "Rehabilitation at home"}, 55_00, 11000},
	{"mental-health-housing", "psychiatric-outpatient", sotepe.Names{Fi: "Mielenterveyskuntoutujien asumispalvelu", Sv: "Boendeservice för mentalvårdsrehabiliterande", En: "Housing for mental-health rehabilitees"}, 95_00, 10000},
	{"psychotherapy", "psychiatric-outpatient", sotepe.Names{Fi: "Lyhytpsykoterapia", Sv: "Korttidspsykoterapi", En: "Short psychotherapy"}, 80_00, 10000},
	{"substance-abuse-rehabilitation", "substance-abuse", sotepe.Names{Fi: "Päihdekuntoutus", Sv: "Missbruksrehabilitering", En: "Substance-abuse rehabilitation"}, 150_00, 10000},
	{"substance-abuse-housing", "substance-abuse", sotepe.Names{Fi: "Päihdekuntoutujien asumispalvelu", Sv: "Boendeservice för missbruksrehabiliterande", En: "Housing for substance-abuse rehabilitees"}, 85_00, 10000},
	{"personal-assistance", "disability-services", sotepe.Names{Fi: "Henkilökohtainen apu", Sv: "Personlig assistans", En: "Personal assistance"}, 24_00, 10000},
	{"disability-housing", "disability-services", sotepe.Names{Fi: "Vammaisten asumispalvelu", Sv: "Boendeservice för personer med funktionsnedsättning", En: "Housing for disabled people"}, 180_00, 10000},
	{"disability-day-activity", "disability-services", sotepe.Names{Fi: "Vammaisten päivätoiminta", Sv: "Dagverksamhet för personer med funktionsnedsättning", En: "Day activities for disabled people"}, 70_00, 10000},
	{"family-home-help", "family-social-work", sotepe.Names{Fi: "Lapsiperheiden kotipalvelu", Sv: "Hemservice för barnfamiljer", En: "Home help for families with children"}, 38_00, 10000},
	{"family-work", "family-social-work", sotepe.Names{Fi: "Perhetyö", Sv: "Familjearbete", En: "Family work"}, 60_00, 10000},
	{"child-welfare-support", "child-welfare", sotepe.Names{Fi: "Lastensuojelun avohuollon tukitoimi", Sv: "Stödåtgärd inom öppenvården i barnskyddet", En: "Child-welfare support in open care"}, 75_00, 10000},
	{"transport-service", "disability-services", sotepe.Names{Fi: "Kuljetuspalvelu", Sv: "Färdtjänst", En: "Transport service"}, 12_00, 10000},
}

// CriteriaCount returns how many of n contracts carry criteria so that
// their share, rounded to whole per cent, is pct: the count nearest n × pct
// / 100 with that share, and false when no count of n has it.
func CriteriaCount(n int, pct int64) (int, bool) {
	best, found := 0, false
	for k := 0; k <= n; k++ {
		if roundedPercent(int64(k), int64(n)) != pct {
			continue
		}
		if !found || math.Abs(float64(k)-float64(n)*float64(pct)/100) < math.Abs(float64(best)-float64(n)*float64(pct)/100) {
			best, found = k, true
		}
	}
	return best, found
}

// roundedPercent is 100 × part / whole in whole per cent, halves away
// from zero (as the report rounds the shares).
func roundedPercent(part, whole int64) int64 {
	if whole == 0 {
		return 0
	}
	return int64(math.Round(float64(part) * 100 / float64(whole)))
}

// ContractCount returns the number of contracts of a year at scale: the
// reference's count scaled, or, at the few small scales where no count of
// contracts with criteria can give both reference shares exactly (fewer
// than 89 contracts), the next larger count that can.
func ContractCount(ref ProcurementReference, scale float64) int {
	n := max(Scaled(ref.Contracts, scale), 1)
	for {
		_, a := CriteriaCount(n, ref.SocialPercent)
		_, b := CriteriaCount(n, ref.EnvironmentalPct)
		if a && b {
			return n
		}
		n++
	}
}

// Procurement returns the year's purchased services: ContractCount
// contracts in force in the year with Scaled(partners) partners (the
// network's contract and voucher producers first, then generated ones,
// each with a valid business id and a register id), whose values add up to
// Scaled(value) euros exactly, the criteria on CriteriaCount of them, and
// the 28 voucher kinds with a value period over the year.
func (y Year) Procurement(ref ProcurementReference) sotepe.ProcurementBulk {
	rng := rand.New(rand.NewPCG(uint64(y.Seed), 0x70726f63))
	var b sotepe.ProcurementBulk
	n := ContractCount(ref, y.Scale)
	partners := min(max(Scaled(ref.Partners, y.Scale), 1), n)

	// The partners: the network's purchased producers, then new ones.
	var ids []string
	kindOf := map[string]sotepe.ProducerKind{}
	for _, p := range y.Network.Producers {
		if p.Kind != sotepe.ProducerOwn && len(ids) < partners {
			ids = append(ids, p.ID)
			kindOf[p.ID] = p.Kind
		}
	}
	for i := 1; len(ids) < partners; i++ {
		id := fmt.Sprintf("partner-%04d", i)
		kind := sotepe.ProducerContract
		if i%5 == 0 {
			kind = sotepe.ProducerVoucher
		}
		name := fmt.Sprintf("Kumppani %04d Oy", i)
		b.Producers = append(b.Producers, sotepe.Producer{ID: id, Names: sotepe.Names{Fi: name, Sv: name, En: name}, Kind: kind})
		ids = append(ids, id)
		kindOf[id] = kind
	}
	seq := 1_000_000 + y.Year*10 // business ids: seven digits from here on
	for i, id := range ids {
		for {
			seq++
			digits := fmt.Sprintf("%07d", seq%10_000_000)
			if d, ok := sotepe.BusinessIDCheckDigit(digits); ok {
				b.Registrations = append(b.Registrations, sotepe.ProducerRegistration{ProducerID: id,
					BusinessID: fmt.Sprintf("%s-%d", digits, d), RegisterID: fmt.Sprintf("SOTERI-%06d", 100000+i)})
				break
			}
		}
	}

	// The units of each producer by service, for the contracts' units.
	unitsOf := map[string]map[string][]string{}
	for _, u := range y.Network.Units {
		for _, sv := range u.Services {
			if unitsOf[u.ProducerID] == nil {
				unitsOf[u.ProducerID] = map[string][]string{}
			}
			unitsOf[u.ProducerID][sv] = append(unitsOf[u.ProducerID][sv], u.ID)
		}
	}
	var services []string
	for _, sv := range y.Network.Services {
		if !strings.HasPrefix(sv.ID, "rescue") && sv.ID != "fire-inspection" && sv.ID != "client-advice" {
			services = append(services, sv.ID)
		}
	}

	// Values: log-normal weights, scaled to the total exactly.
	total := int64(Scaled(ref.ValueEUR, y.Scale)) * 100
	weights := make([]float64, n)
	sum := 0.0
	for i := range weights {
		weights[i] = math.Exp(rng.NormFloat64() * 1.2)
		sum += weights[i]
	}
	values := make([]int64, n)
	var given int64
	for i, w := range weights {
		values[i] = int64(math.Floor(w / sum * float64(total)))
		given += values[i]
	}
	for i := 0; given < total; i = (i + 1) % n {
		values[i]++
		given++
	}

	social, _ := CriteriaCount(n, ref.SocialPercent)
	env, _ := CriteriaCount(n, ref.EnvironmentalPct)
	withSocial, withEnv := chooseK(rng, n, social), chooseK(rng, n, env)
	yearStart := time.Date(y.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		producer := ids[i%len(ids)] // every partner at least one contract
		if i >= len(ids) {
			producer = ids[rng.IntN(len(ids))]
		}
		sv := services[rng.IntN(len(services))]
		if byService := unitsOf[producer]; len(byService) > 0 {
			keys := make([]string, 0, len(byService))
			for k := range byService {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			sv = keys[rng.IntN(len(keys))]
		}
		from := yearStart.AddDate(-rng.IntN(4), 0, rng.IntN(330))
		to := from.AddDate(1+rng.IntN(4), 0, -1)
		if to.Before(yearStart) {
			to = yearStart.AddDate(0, 11, 30)
		}
		price := 20_00 + rng.Int64N(180_00)
		c := sotepe.Contract{ProducerID: producer, Title: fmt.Sprintf("%d/%04d", y.Year, i+1), Services: []string{sv},
			Units: slices.Clone(unitsOf[producer][sv]), ValueCents: values[i],
			ValidFrom: from.Format(time.DateOnly), ValidTo: to.Format(time.DateOnly),
			SocialCriteria: withSocial[i], EnvironmentalCriteria: withEnv[i],
			Prices: []sotepe.PriceRow{{ServiceID: sv, Measure: "visit", PriceCents: price,
				ValidFrom: from.Format(time.DateOnly), ValidTo: to.Format(time.DateOnly)}}}
		if c.Units == nil {
			c.Units = []string{}
		}
		b.Contracts = append(b.Contracts, c)
	}

	serviceIDs := map[string]bool{}
	for _, sv := range y.Network.Services {
		serviceIDs[sv.ID] = true
	}
	for _, k := range VoucherKindCatalogue {
		kind := sotepe.VoucherKind{ID: k.ID, Names: k.Names, Values: []sotepe.VoucherValue{{
			ValidFrom: yearStart.Format(time.DateOnly), ValidTo: fmt.Sprintf("%04d-12-31", y.Year),
			BaseCents: k.BaseCents, Coefficient: k.Coefficient}}}
		if serviceIDs[k.Service] {
			kind.ServiceID = k.Service
		}
		b.VoucherKinds = append(b.VoucherKinds, kind)
	}
	return b
}

// chooseK returns n flags of which k, chosen by rng, are set.
func chooseK(rng *rand.Rand, n, k int) []bool {
	out := make([]bool, n)
	for _, i := range rng.Perm(n)[:k] {
		out[i] = true
	}
	return out
}
