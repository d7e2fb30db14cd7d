package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"sotepe"
)

// Area, concept and producer ids the widener builds on. A base network that
// lacks one simply gets no generated units of the variants that need it.
const (
	areaFamily   = "family-and-social-services"
	areaHospital = "hospital-rehabilitation-and-care-services"
	areaHealth   = "health-and-substance-abuse-services"

	conceptFamilyCentre = "family-centre"
	conceptSenior       = "senior-services"

	producerCity = "helsinki"
)

// WidenNetwork returns a copy of base with generated units added until it
// holds total units, as the sector's 349 units in 2024. The generated units
// are of the everyday kinds a city has many of (home-care teams, child
// clinics, dental clinics, social work teams, service houses, housing units
// for disability services, outpatient clinics), spread over base's
// districts, mostly run by the city and some by base's contract partners and
// voucher producers, named in fi, sv and en after their district ("Kallion
// kotihoito, tiimi 3", "Berghälls hemvård, team 3", "Kallio home care,
// team 3"), placed near the district's centre on one of its streets, with
// languages and opening hours that fit the kind.
//
// The same base, total and seed always give the same network. Base's units
// come first and unchanged, and base itself is not modified. When total is
// not more than base already has, or base offers nothing to build on (no
// district, or none of the areas, services and producers the generated kinds
// need), the copy comes back without new units.
func WidenNetwork(base Network, total int, seed int64) Network {
	n := base.clone()
	if total <= len(n.Units) || len(n.Districts) == 0 {
		return n
	}
	vs := usableVariants(n)
	if len(vs) == 0 {
		return n
	}
	weights := 0
	for _, v := range vs {
		weights += v.weight
	}
	r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))

	places := widenPlaces(n)
	usedIDs := map[string]bool{}
	usedNames := map[string]bool{}
	// present counts units of a variant per district, so that a second
	// "Kallion neuvola" becomes "Kallion neuvola 2".
	present := map[string]int{}
	for _, u := range n.Units {
		usedIDs[u.ID] = true
		usedNames[u.Names.Fi] = true
	}
	// A base unit of the same kind, producer and main service as a
	// variant that is not a team counts as one of it, so that the
	// widener first fills the districts that have none.
	for _, v := range vs {
		if v.numbered {
			continue
		}
		for _, u := range n.Units {
			if u.Kind == v.kind && u.ProducerID == v.producer && len(u.Services) > 0 && u.Services[0] == v.services[0] {
				present[v.key+"|"+u.District]++
			}
		}
	}

	for len(n.Units) < total {
		v := pickVariant(r, vs, weights)
		d := pickDistrict(r, n.Districts, v, places, present)
		p := places[d.ID]
		key := v.key + "|" + d.ID

		var id string
		var names sotepe.Names
		for try := 0; ; try++ {
			present[key]++
			num := present[key]
			if !v.numbered && num == 1 {
				num = 0
			}
			names = v.names(d.Names, p.Genitive, num)
			id = unitID(d.ID, v.key, num)
			// A district id that is itself invalid would never give a
			// valid unit id; Check reports such a unit rather than the
			// widener spinning for ever.
			if !usedIDs[id] && !usedNames[names.Fi] || try > 1000 {
				break
			}
		}
		usedIDs[id] = true
		usedNames[names.Fi] = true

		street := p.Streets[r.IntN(len(p.Streets))]
		number := strconv.Itoa(1 + r.IntN(80))
		u := sotepe.Unit{
			ID:         id,
			Names:      names,
			Kind:       v.kind,
			AreaID:     v.area,
			ProducerID: v.producer,
			Concepts:   append([]string{}, v.concepts...),
			Services:   append([]string{}, v.services...),
			Languages:  pickLanguages(r, v, p),
			Address: sotepe.Address{
				Street: sotepe.Names{
					Fi: street.Fi + " " + number,
					Sv: street.Sv + " " + number,
					En: street.En + " " + number,
				},
				PostalCode: p.PostalCode,
				City:       sotepe.Names{Fi: "Helsinki", Sv: "Helsingfors", En: "Helsinki"},
			},
			District: d.ID,
			Location: sotepe.Location{
				Lat: round5(p.Centre.Lat + (r.Float64()*2-1)*0.006),
				Lon: round5(p.Centre.Lon + (r.Float64()*2-1)*0.012),
			},
			Phone: fmt.Sprintf("09 310 %05d", 60000+r.IntN(30000)),
			Hours: v.hours(r),
		}
		n.Units = append(n.Units, u)
	}
	return n
}

// variant is one way the widener makes a unit: a kind run by one producer,
// with its services and the way it is named and opened.
type variant struct {
	key      string // the id part, e.g. "home-care"
	kind     string
	area     string
	producer string // preferred producer id; see usableVariants
	pkind    sotepe.ProducerKind
	services []string
	concepts []string
	weight   int
	// numbered variants are teams, numbered from 1 in every district;
	// the others are numbered only from the second one in a district.
	numbered bool
	// english is the chance, in percent, that the unit serves in English.
	english int
	// swedish reports whether the unit is Swedish-language by design.
	swedish bool
	names   func(district, genitive sotepe.Names, num int) sotepe.Names
	hours   func(r *rand.Rand) sotepe.OpeningHours
}

// variants returns the ways the widener makes units, with their relative
// weights. It is a function rather than a table so the package keeps no
// state.
func variants() []variant {
	// gen names a unit "<district's genitive> <noun>", as in "Malmin
	// neuvola", "Malms rådgivning", "Malmi maternity and child clinic".
	gen := func(fi, sv, en string) func(d, g sotepe.Names, num int) sotepe.Names {
		return func(d, g sotepe.Names, num int) sotepe.Names {
			s := suffix(num)
			return sotepe.Names{Fi: g.Fi + " " + fi + s, Sv: g.Sv + " " + sv + s, En: g.En + " " + en + s}
		}
	}
	// team names a team "<district's genitive> <noun>, tiimi <n>".
	team := func(fi, sv, en string) func(d, g sotepe.Names, num int) sotepe.Names {
		return func(d, g sotepe.Names, num int) sotepe.Names {
			n := strconv.Itoa(num)
			return sotepe.Names{
				Fi: g.Fi + " " + fi + ", tiimi " + n,
				Sv: g.Sv + " " + sv + ", team " + n,
				En: g.En + " " + en + ", team " + n,
			}
		}
	}
	// titled names a unit "<title><sep><district>", as producers and
	// city-wide services name their local units: "Lastensuojelun
	// avohuolto, Malmi", "Esimerkki Hoiva, kotihoito Malmi".
	titled := func(sep, fi, sv, en string) func(d, g sotepe.Names, num int) sotepe.Names {
		return func(d, g sotepe.Names, num int) sotepe.Names {
			s := suffix(num)
			return sotepe.Names{Fi: fi + sep + d.Fi + s, Sv: sv + sep + d.Sv + s, En: en + sep + d.En + s}
		}
	}
	homeCare := func(*rand.Rand) sotepe.OpeningHours {
		return sotepe.OpeningHours{Regular: daily("07:00", "21:00", 1, 2, 3, 4, 5, 6, 7)}
	}
	always := func(*rand.Rand) sotepe.OpeningHours { return sotepe.OpeningHours{AlwaysOpen: true} }
	office := func(open, close string, evening int) func(*rand.Rand) sotepe.OpeningHours {
		return func(r *rand.Rand) sotepe.OpeningHours { return officeHours(r, open, close, evening) }
	}

	return []variant{
		{key: "home-care", kind: "home_care", area: areaHospital, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"home-care"}, concepts: []string{conceptSenior}, weight: 40, numbered: true, english: 10,
			names: team("kotihoito", "hemvård", "home care"), hours: homeCare},
		{key: "esimerkki-hoiva-home-care", kind: "home_care", area: areaHospital, producer: "esimerkki-hoiva", pkind: sotepe.ProducerVoucher,
			services: []string{"home-care"}, concepts: []string{conceptSenior}, weight: 8, english: 40,
			names: titled(" ", "Esimerkki Hoiva, kotihoito", "Esimerkki Hoiva, hemvård", "Esimerkki Hoiva, home care"),
			hours: func(*rand.Rand) sotepe.OpeningHours {
				return sotepe.OpeningHours{Regular: daily("07:00", "22:00", 1, 2, 3, 4, 5, 6, 7)}
			}},
		{key: "child-clinic", kind: "child_clinic", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"maternity-child-clinic"}, concepts: []string{conceptFamilyCentre}, weight: 16, english: 40,
			names: gen("neuvola", "rådgivning", "maternity and child clinic"), hours: office("08:00", "16:00", 20)},
		{key: "dental-clinic", kind: "dental_clinic", area: areaHealth, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"dental-care"}, weight: 10, english: 40,
			names: gen("hammashoitola", "tandklinik", "dental clinic"), hours: office("07:30", "15:30", 25)},
		{key: "esimerkki-hammas", kind: "dental_clinic", area: areaHealth, producer: "esimerkki-hammas", pkind: sotepe.ProducerVoucher,
			services: []string{"dental-care"}, weight: 6, english: 70,
			names: titled(", ", "Esimerkki Hammas", "Esimerkki Hammas", "Esimerkki Hammas"), hours: office("08:00", "18:00", 50)},
		{key: "adult-social-work", kind: "social_services", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"adult-social-work"}, weight: 8, numbered: true, english: 40,
			names: team("aikuissosiaalityö", "vuxensocialarbete", "adult social work"), hours: office("08:15", "16:00", 0)},
		{key: "family-social-work", kind: "social_services", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"family-social-work"}, concepts: []string{conceptFamilyCentre}, weight: 8, numbered: true, english: 30,
			names: team("perhesosiaalityö", "familjesocialarbete", "family social work"), hours: office("08:15", "16:00", 0)},
		{key: "child-welfare", kind: "social_services", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"child-welfare", "family-social-work"}, weight: 5, english: 30,
			names: titled(", ", "Lastensuojelun avohuolto", "Barnskyddets öppenvård", "Child welfare open care"), hours: office("08:15", "16:00", 0)},
		{key: "youth-services", kind: "social_services", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"youth-services"}, weight: 3, english: 60,
			names: titled(", ", "Nuorten palvelut", "Tjänster för unga", "Youth services"), hours: office("09:00", "16:00", 60)},
		{key: "service-house", kind: "senior_centre", area: areaHospital, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"round-the-clock-care"}, concepts: []string{conceptSenior}, weight: 8, english: 5,
			names: gen("palvelutalo", "servicehus", "service house"), hours: always},
		{key: "mallikoti-care-home", kind: "senior_centre", area: areaHospital, producer: "mallikoti-hoivapalvelut", pkind: sotepe.ProducerContract,
			services: []string{"round-the-clock-care"}, concepts: []string{conceptSenior}, weight: 8, english: 5,
			names: titled(", ", "Hoivakoti Mallikoti", "Vårdhemmet Mallikoti", "Mallikoti care home"), hours: always},
		{key: "esimerkki-hoiva-assisted-living", kind: "senior_centre", area: areaHospital, producer: "esimerkki-hoiva", pkind: sotepe.ProducerVoucher,
			services: []string{"round-the-clock-care"}, concepts: []string{conceptSenior}, weight: 4, english: 10,
			names: titled(" ", "Esimerkki Hoiva, palveluasuminen", "Esimerkki Hoiva, serviceboende", "Esimerkki Hoiva, assisted living"), hours: always},
		{key: "service-centre", kind: "service_centre", area: areaHospital, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"senior-info"}, concepts: []string{conceptSenior}, weight: 5, english: 10,
			names: gen("palvelukeskus", "servicecentral", "service centre"), hours: office("08:00", "16:00", 30)},
		{key: "disability-housing", kind: "disability_services", area: areaFamily, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"disability-services"}, weight: 7, english: 5,
			names: gen("asumisyksikkö (vammaispalvelut)", "boendeenhet (funktionshinderservice)", "housing unit (disability services)"), hours: always},
		{key: "esimerkkikoti-group-home", kind: "disability_services", area: areaFamily, producer: "demo-asumispalvelut", pkind: sotepe.ProducerContract,
			services: []string{"disability-services"}, weight: 6, english: 5,
			names: titled(", ", "Ryhmäkoti Esimerkkikoti", "Grupphemmet Esimerkkikoti", "Esimerkkikoti group home"), hours: always},
		{key: "psychiatric-clinic", kind: "psychiatry", area: areaHealth, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"psychiatric-outpatient"}, weight: 6, english: 50,
			names: gen("psykiatrian poliklinikka", "psykiatriska poliklinik", "psychiatric outpatient clinic"), hours: office("08:00", "16:00", 30)},
		{key: "substance-abuse-clinic", kind: "substance_abuse", area: areaHealth, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"substance-abuse"}, weight: 4, english: 40,
			names: gen("päihdepoliklinikka", "missbrukarpoliklinik", "substance abuse outpatient clinic"), hours: office("08:00", "15:00", 0)},
		{key: "kuvitelma-rehabilitation", kind: "substance_abuse", area: areaHealth, producer: "kuvitelma-saatio", pkind: sotepe.ProducerContract,
			services: []string{"substance-abuse"}, weight: 4, english: 20,
			names: titled(", ", "Kuvitelmasäätiön päihdekuntoutus", "Stiftelsen Kuvitelmas missbrukarrehabilitering", "Kuvitelma Foundation substance abuse rehabilitation"), hours: always},
		{key: "physiotherapy", kind: "specialist_centre", area: areaHospital, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"rehabilitation"}, weight: 4, english: 30,
			names: gen("fysioterapia", "fysioterapi", "physiotherapy"), hours: office("08:00", "15:30", 0)},
		{key: "esimerkki-kuntoutus", kind: "specialist_centre", area: areaHospital, producer: "esimerkki-kuntoutus", pkind: sotepe.ProducerVoucher,
			services: []string{"rehabilitation"}, weight: 4, english: 60,
			names: titled(", ", "Esimerkki Kuntoutus", "Esimerkki Kuntoutus", "Esimerkki Kuntoutus"), hours: office("07:00", "17:00", 60)},
		{key: "swedish-home-care", kind: "home_care", area: areaHospital, producer: producerCity, pkind: sotepe.ProducerOwn,
			services: []string{"home-care"}, concepts: []string{conceptSenior}, weight: 2, numbered: true, swedish: true,
			names: team("ruotsinkielinen kotihoito", "svenskspråkiga hemvård", "Swedish-language home care"), hours: homeCare},
	}
}

// usableVariants returns the variants whose area exists in n, with their
// producer, services and concepts resolved against n: a variant keeps its
// preferred producer when n has it with the right kind and otherwise takes
// n's first producer of that kind; services and concepts n lacks are dropped;
// a variant left without producer or services is dropped.
func usableVariants(n Network) []variant {
	areas := idSet(n.Areas, func(a sotepe.Area) string { return a.ID })
	services := idSet(n.Services, func(s sotepe.Service) string { return s.ID })
	concepts := idSet(n.Concepts, func(c sotepe.Concept) string { return c.ID })
	var out []variant
	for _, v := range variants() {
		if !areas[v.area] {
			continue
		}
		producer := ""
		for _, p := range n.Producers {
			if p.Kind != v.pkind {
				continue
			}
			if p.ID == v.producer {
				producer = p.ID
				break
			}
			if producer == "" {
				producer = p.ID
			}
		}
		if producer == "" {
			continue
		}
		v.producer = producer
		v.services = keep(v.services, services)
		v.concepts = keep(v.concepts, concepts)
		if len(v.services) == 0 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// idSet returns the set of the ids id gives of items.
func idSet[T any](items []T, id func(T) string) map[string]bool {
	set := make(map[string]bool, len(items))
	for _, v := range items {
		set[id(v)] = true
	}
	return set
}

// keep returns the ids of ids that are in known, in order.
func keep(ids []string, known map[string]bool) []string {
	out := []string{}
	for _, id := range ids {
		if known[id] {
			out = append(out, id)
		}
	}
	return out
}

// widenPlaces returns a Place for every district of n: its own when n has
// one with streets, otherwise one made from the district's names, the
// centre of n's units there (or the city centre) and a street of one of
// those units.
func widenPlaces(n Network) map[string]Place {
	out := make(map[string]Place, len(n.Districts))
	for _, d := range n.Districts {
		if p, ok := n.Places[d.ID]; ok && len(p.Streets) > 0 && p.Genitive.Complete() && p.PostalCode != "" {
			out[d.ID] = p
			continue
		}
		p := Place{
			Genitive:   d.Names,
			Centre:     sotepe.Location{Lat: 60.1699, Lon: 24.9384},
			PostalCode: "00100",
			Streets:    []sotepe.Names{{Fi: "Mannerheimintie", Sv: "Mannerheimvägen", En: "Mannerheimintie"}},
		}
		var lat, lon float64
		count := 0
		for _, u := range n.Units {
			if u.District != d.ID {
				continue
			}
			lat += u.Location.Lat
			lon += u.Location.Lon
			count++
			if count == 1 && u.Address.Street.Complete() && u.Address.PostalCode != "" {
				p.Streets = []sotepe.Names{u.Address.Street}
				p.PostalCode = u.Address.PostalCode
			}
		}
		if count > 0 {
			p.Centre = sotepe.Location{Lat: lat / float64(count), Lon: lon / float64(count)}
		}
		out[d.ID] = p
	}
	return out
}

// pickVariant draws a variant by weight.
func pickVariant(r *rand.Rand, vs []variant, total int) variant {
	x := r.IntN(total)
	for _, v := range vs {
		if x < v.weight {
			return v
		}
		x -= v.weight
	}
	return vs[len(vs)-1]
}

// pickDistrict draws a district. For Swedish-language variants it tries a
// few times for a district where many Swedish speakers live. For variants
// that are not teams it tries a few times for a district that has none of
// them yet, so that a city gets a child clinic in most districts before it
// gets a second one in any.
func pickDistrict(r *rand.Rand, ds []sotepe.District, v variant, places map[string]Place, present map[string]int) sotepe.District {
	d := ds[r.IntN(len(ds))]
	if v.swedish {
		for try := 0; try < 10 && !places[d.ID].SwedishSpeaking; try++ {
			d = ds[r.IntN(len(ds))]
		}
		return d
	}
	if v.numbered {
		return d
	}
	for try := 0; try < 6 && present[v.key+"|"+d.ID] > 0; try++ {
		d = ds[r.IntN(len(ds))]
	}
	return d
}

// unitID returns the id of a generated unit: "<district>-<key>" and
// "-<num>" when numbered, with the district part shortened when needed to
// keep the id within the 80 characters sotepe.ValidID allows.
func unitID(district, key string, num int) string {
	room := 80 - len(key) - 1
	if num > 0 {
		room -= len(strconv.Itoa(num)) + 1
	}
	if len(district) > room {
		district = strings.TrimRight(district[:max(room, 1)], "-")
	}
	id := district + "-" + key
	if num > 0 {
		id += "-" + strconv.Itoa(num)
	}
	return id
}

// pickLanguages returns the languages of a generated unit: Finnish always
// (Swedish first for Swedish-language units), Swedish more often where many
// Swedish speakers live, English by the variant's chance.
func pickLanguages(r *rand.Rand, v variant, p Place) []sotepe.Lang {
	if v.swedish {
		return []sotepe.Lang{sotepe.Swedish, sotepe.Finnish}
	}
	langs := []sotepe.Lang{sotepe.Finnish}
	swedish := 6
	if p.SwedishSpeaking {
		swedish = 50
	}
	if r.IntN(100) < swedish {
		langs = append(langs, sotepe.Swedish)
	}
	if r.IntN(100) < v.english {
		langs = append(langs, sotepe.English)
	}
	return langs
}

// officeHours returns weekday hours from open to close, Fridays an hour
// shorter, and with the chance evening in percent one weekday from Monday
// to Thursday open until 18:00, 19:00 or 20:00.
func officeHours(r *rand.Rand, open, close string, evening int) sotepe.OpeningHours {
	h := sotepe.OpeningHours{Regular: daily(open, close, 1, 2, 3, 4)}
	h.Regular = append(h.Regular, sotepe.DayHours{Weekday: 5, Open: open, Close: hourEarlier(close)})
	if r.IntN(100) < evening {
		day := r.IntN(4)
		h.Regular[day].Close = []string{"18:00", "19:00", "20:00"}[r.IntN(3)]
	}
	return h
}

// daily returns one interval from open to close on each of the weekdays.
func daily(open, close string, weekdays ...int) []sotepe.DayHours {
	out := make([]sotepe.DayHours, 0, len(weekdays))
	for _, d := range weekdays {
		out = append(out, sotepe.DayHours{Weekday: d, Open: open, Close: close})
	}
	return out
}

// hourEarlier returns the "HH:MM" time an hour before t ("16:00" gives
// "15:00"), or t itself when it is not a time after 01:00.
func hourEarlier(t string) string {
	h, err := strconv.Atoi(t[:min(2, len(t))])
	if err != nil || len(t) != 5 || h < 1 {
		return t
	}
	return fmt.Sprintf("%02d%s", h-1, t[2:])
}

// suffix returns " <num>" for a unit numbered num, or "" for num 0.
func suffix(num int) string {
	if num == 0 {
		return ""
	}
	return " " + strconv.Itoa(num)
}

// round5 rounds x to five decimals, about a metre at Helsinki's latitude.
func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }
