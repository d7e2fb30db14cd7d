package demo

import (
	"slices"
	"strings"
	"testing"

	"sotepe"
)

func baseNetwork(t *testing.T) Network {
	t.Helper()
	n, err := BaseNetwork()
	if err != nil {
		t.Fatalf("BaseNetwork: %v", err)
	}
	return n
}

func TestBaseNetworkPassesCheck(t *testing.T) {
	n := baseNetwork(t)
	if err := n.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

func TestBaseNetworkReturnsFreshCopies(t *testing.T) {
	a := baseNetwork(t)
	a.Units[0].Names.Fi = "changed"
	a.Units[0].Services[0] = "changed"
	b := baseNetwork(t)
	if b.Units[0].Names.Fi == "changed" || b.Units[0].Services[0] == "changed" {
		t.Fatal("changing one result of BaseNetwork changed the next")
	}
}

func TestAreasFollowTheOrganisationChart(t *testing.T) {
	n := baseNetwork(t)
	// organisation.service_areas of reference/helsinki-2024.json, in order.
	want := []string{
		"family-and-social-services",
		"hospital-rehabilitation-and-care-services",
		"health-and-substance-abuse-services",
		"rescue-department",
		"common-services",
	}
	var got []string
	for i, a := range n.Areas {
		got = append(got, a.ID)
		if a.Order != i+1 {
			t.Errorf("area %s has order %d, want %d", a.ID, a.Order, i+1)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("areas = %v, want %v", got, want)
	}
	wantSv := map[string]string{
		"family-and-social-services":                "Familje- och socialtjänster",
		"hospital-rehabilitation-and-care-services": "Sjukhus-, rehabiliterings- och omsorgstjänster",
		"rescue-department":                         "Räddningsverket",
		"common-services":                           "Sektorns gemensamma tjänster",
	}
	for _, a := range n.Areas {
		if w, ok := wantSv[a.ID]; ok && a.Names.Sv != w {
			t.Errorf("area %s is %q in Swedish, want the report's %q", a.ID, a.Names.Sv, w)
		}
	}
}

func TestConcepts(t *testing.T) {
	n := baseNetwork(t)
	want := map[string]sotepe.Names{
		"family-centre":               {Fi: "Perhekeskus", Sv: "Familjecenter"},
		"health-and-wellbeing-centre": {Fi: "Terveys- ja hyvinvointikeskus", Sv: "Central för hälsa och välbefinnande"},
		"senior-services":             {Fi: "Senioripalvelut", Sv: "Seniortjänster"},
	}
	if len(n.Concepts) != len(want) {
		t.Errorf("%d concepts, want %d", len(n.Concepts), len(want))
	}
	used := map[string]bool{}
	for _, u := range n.Units {
		for _, c := range u.Concepts {
			used[c] = true
		}
	}
	for _, c := range n.Concepts {
		w, ok := want[c.ID]
		if !ok {
			t.Errorf("unexpected concept %s", c.ID)
			continue
		}
		if c.Names.Fi != w.Fi || c.Names.Sv != w.Sv {
			t.Errorf("concept %s = %+v, want fi %q sv %q", c.ID, c.Names, w.Fi, w.Sv)
		}
		if !used[c.ID] {
			t.Errorf("no unit belongs to concept %s", c.ID)
		}
	}
}

func TestEverythingIsNamedInThreeLanguages(t *testing.T) {
	n := baseNetwork(t)
	check := func(what, id string, names sotepe.Names) {
		if !names.Complete() {
			t.Errorf("%s %s: names not complete: %+v", what, id, names)
		}
	}
	for _, a := range n.Areas {
		check("area", a.ID, a.Names)
	}
	for _, c := range n.Concepts {
		check("concept", c.ID, c.Names)
	}
	for _, d := range n.Districts {
		check("district", d.ID, d.Names)
		p, ok := n.Places[d.ID]
		if !ok {
			t.Errorf("district %s has no place", d.ID)
			continue
		}
		check("genitive of district", d.ID, p.Genitive)
		if len(p.Streets) == 0 {
			t.Errorf("district %s has no streets", d.ID)
		}
		for _, s := range p.Streets {
			check("street in district", d.ID, s)
		}
	}
	for _, p := range n.Producers {
		check("producer", p.ID, p.Names)
	}
	for _, s := range n.Services {
		check("service", s.ID, s.Names)
		check("description of service", s.ID, s.Descriptions)
		for _, d := range []string{s.Descriptions.Fi, s.Descriptions.Sv, s.Descriptions.En} {
			if !strings.HasSuffix(d, ".") || strings.Count(strings.TrimSuffix(d, "."), ". ") > 0 {
				t.Errorf("service %s: description %q is not one sentence", s.ID, d)
			}
		}
	}
	for _, u := range n.Units {
		check("unit", u.ID, u.Names)
		check("street of unit", u.ID, u.Address.Street)
		for _, e := range u.Hours.Exceptions {
			check("exception note of unit", u.ID, e.Note)
		}
	}
}

func TestDistrictNames(t *testing.T) {
	n := baseNetwork(t)
	// A sample of the Swedish names that are easy to get wrong.
	want := map[string]string{
		"kallio": "Berghäll", "vallila": "Vallgård", "malmi": "Malm", "myllypuro": "Kvarnbäcken",
		"itakeskus": "Östra centrum", "kontula": "Gårdsbacka", "vuosaari": "Nordsjö",
		"herttoniemi": "Hertonäs", "laajasalo": "Degerö", "lauttasaari": "Drumsö", "toolo": "Tölö",
		"munkkiniemi": "Munksnäs", "haaga": "Haga", "kannelmaki": "Gamlas", "maunula": "Månsas",
		"pihlajamaki": "Rönnbacka", "puistola": "Parkstad", "jakomaki": "Jakobacka",
		"siltamaki": "Brobacka", "paloheina": "Svedängen", "suutarila": "Skomakarböle",
		"pasila": "Böle", "kamppi": "Kampen", "kalasatama": "Fiskehamnen", "jatkasaari": "Busholmen",
		"ruoholahti": "Gräsviken", "viikki": "Vik", "kivikko": "Stensböle", "pitajanmaki": "Sockenbacka",
		"malminkartano": "Malmgård", "keskusta": "Centrum",
	}
	got := map[string]string{}
	for _, d := range n.Districts {
		got[d.ID] = d.Names.Sv
	}
	for id, sv := range want {
		if got[id] != sv {
			t.Errorf("district %s is %q in Swedish, want %q", id, got[id], sv)
		}
	}
}

func TestUnits(t *testing.T) {
	n := baseNetwork(t)
	if len(n.Units) < 70 {
		t.Errorf("%d hand-written units, want at least 70", len(n.Units))
	}
	ids := map[string]bool{}
	kinds := sotepe.UnitKinds()
	for _, u := range n.Units {
		if err := u.Validate(); err != nil {
			t.Errorf("unit %s: %v", u.ID, err)
		}
		if !sotepe.ValidID(u.ID) {
			t.Errorf("unit id %q is not valid", u.ID)
		}
		if ids[u.ID] {
			t.Errorf("unit id %q is used twice", u.ID)
		}
		ids[u.ID] = true
		if !slices.Contains(kinds, u.Kind) {
			t.Errorf("unit %s has kind %q, not one of %v", u.ID, u.Kind, kinds)
		}
		if !u.ServesLanguage(sotepe.Finnish) && !u.ServesLanguage(sotepe.Swedish) {
			t.Errorf("unit %s serves neither Finnish nor Swedish", u.ID)
		}
		if !u.Hours.AlwaysOpen && len(u.Hours.Regular) == 0 {
			t.Errorf("unit %s is never open", u.ID)
		}
		switch u.Kind {
		case "hospital", "rescue_station":
			if !u.Hours.AlwaysOpen {
				t.Errorf("%s %s is not open around the clock", u.Kind, u.ID)
			}
		}
		// Helsinki lies within these bounds; a typo in a coordinate
		// would put a unit in the sea or in another town.
		if u.Location.Lat < 60.13 || u.Location.Lat > 60.30 || u.Location.Lon < 24.82 || u.Location.Lon > 25.20 {
			t.Errorf("unit %s at %+v is outside Helsinki", u.ID, u.Location)
		}
	}
}

func TestReferencesResolve(t *testing.T) {
	n := baseNetwork(t)
	set := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	var a, c, d, p, s []string
	for _, x := range n.Areas {
		a = append(a, x.ID)
	}
	for _, x := range n.Concepts {
		c = append(c, x.ID)
	}
	for _, x := range n.Districts {
		d = append(d, x.ID)
	}
	for _, x := range n.Producers {
		p = append(p, x.ID)
	}
	for _, x := range n.Services {
		s = append(s, x.ID)
		if !set(a...)[x.AreaID] {
			t.Errorf("service %s: unknown area %q", x.ID, x.AreaID)
		}
	}
	areas, concepts, districts, producers, services := set(a...), set(c...), set(d...), set(p...), set(s...)
	for _, u := range n.Units {
		if !areas[u.AreaID] {
			t.Errorf("unit %s: unknown area %q", u.ID, u.AreaID)
		}
		if !producers[u.ProducerID] {
			t.Errorf("unit %s: unknown producer %q", u.ID, u.ProducerID)
		}
		if !districts[u.District] {
			t.Errorf("unit %s: unknown district %q", u.ID, u.District)
		}
		for _, x := range u.Services {
			if !services[x] {
				t.Errorf("unit %s: unknown service %q", u.ID, x)
			}
		}
		for _, x := range u.Concepts {
			if !concepts[x] {
				t.Errorf("unit %s: unknown concept %q", u.ID, x)
			}
		}
	}
}

func TestSwedishAndEveningService(t *testing.T) {
	n := baseNetwork(t)
	swedish, evenings, exceptions := 0, 0, 0
	for _, u := range n.Units {
		if u.ServesLanguage(sotepe.Swedish) {
			swedish++
		}
		// HasEvenings counts round-the-clock units too; the promise of
		// evening receptions is about the others.
		if !u.Hours.AlwaysOpen && u.Hours.HasEvenings() {
			evenings++
		}
		if len(u.Hours.Exceptions) > 0 {
			exceptions++
		}
	}
	if swedish < 8 {
		t.Errorf("%d units serve in Swedish, want at least 8", swedish)
	}
	if evenings < 5 {
		t.Errorf("%d units have evening hours, want at least 5", evenings)
	}
	if exceptions < 2 {
		t.Errorf("%d units have exceptional hours, want at least 2", exceptions)
	}
	for _, id := range []string{"kallio-health-station", "toolo-health-station", "swedish-child-clinic-toolo", "swedish-social-work", "swedish-home-care"} {
		u := unitByID(t, n, id)
		if !u.ServesLanguage(sotepe.Swedish) {
			t.Errorf("unit %s does not serve in Swedish", id)
		}
	}
}

func unitByID(t *testing.T, n Network, id string) sotepe.Unit {
	t.Helper()
	for _, u := range n.Units {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("no unit %s", id)
	return sotepe.Unit{}
}

func TestUnitsOpenedIn2024(t *testing.T) {
	n := baseNetwork(t)
	tests := []struct {
		id, kind, district, sv, search string
	}{
		{"helsinki-diabetes-centre", "specialist_centre", "laakso", "Helsingfors diabetescentrum", "diabetescentrum"},
		{"mieppi-keskusta", "psychiatry", "pasila", "Mieppi centrum", "mieppi"},
		{"brobacka-unit-for-demanding-support", "disability_services", "siltamaki", "Brobacka enhet för krävande stöd", "brobacka"},
		{"kontula-rescue-station", "rescue_station", "kontula", "Gårdsbacka räddningsstation", "gardsbacka"},
		{"family-care-for-older-people", "service_centre", "keskusta", "Familjevård för äldre", "familjevard"},
	}
	districts := map[string]sotepe.Names{}
	for _, d := range n.Districts {
		districts[d.ID] = d.Names
	}
	for _, tt := range tests {
		u := unitByID(t, n, tt.id)
		if !strings.HasPrefix(u.Opened, "2024-") {
			t.Errorf("unit %s opened %q, want a date in 2024", tt.id, u.Opened)
		}
		if u.Kind != tt.kind || u.District != tt.district || u.Names.Sv != tt.sv {
			t.Errorf("unit %s = kind %s, district %s, sv %q; want %s, %s, %q", tt.id, u.Kind, u.District, u.Names.Sv, tt.kind, tt.district, tt.sv)
		}
		if !strings.Contains(u.SearchText(districts[u.District]), tt.search) {
			t.Errorf("unit %s is not found by %q", tt.id, tt.search)
		}
	}
	for _, u := range n.Units {
		if u.Opened != "" && !strings.HasPrefix(u.Opened, "2024-") {
			t.Errorf("unit %s opened %q; only the units of 2024 carry a date", u.ID, u.Opened)
		}
	}
}

func TestHealthStationsAndRescueStations(t *testing.T) {
	n := baseNetwork(t)
	for _, id := range []string{
		"kallio-health-station", "vallila-health-station", "malmi-health-station", "myllypuro-health-station",
		"itakeskus-health-station", "kivikko-health-station", "laajasalo-health-station", "lauttasaari-health-station",
		"haaga-health-station", "kannelmaki-health-station", "maunula-health-station", "pihlajamaki-health-station",
		"puistola-health-station", "herttoniemi-health-station", "jakomaki-health-station", "kontula-health-station",
		"vuosaari-health-station", "toolo-health-station", "munkkiniemi-health-station", "paloheina-health-station",
		"suutarila-health-station", "malminkartano-health-station", "pasila-health-station",
		"ruskeasuo-dental-clinic", "laakso-hospital", "suursuo-hospital", "seniori-info",
		"central-rescue-station", "erottaja-rescue-station", "kontula-rescue-station",
	} {
		unitByID(t, n, id)
	}
	for _, u := range n.Units {
		if u.Kind == "rescue_station" && u.AreaID != "rescue-department" {
			t.Errorf("rescue station %s is in area %s", u.ID, u.AreaID)
		}
	}
}

func TestProducersAndServices(t *testing.T) {
	n := baseNetwork(t)
	kinds := map[sotepe.ProducerKind]int{}
	producerKind := map[string]sotepe.ProducerKind{}
	for _, p := range n.Producers {
		producerKind[p.ID] = p.Kind
	}
	for _, u := range n.Units {
		kinds[producerKind[u.ProducerID]]++
	}
	for _, k := range sotepe.ProducerKinds {
		if kinds[k] == 0 {
			t.Errorf("no unit of a %s producer", k)
		}
	}
	if kinds[sotepe.ProducerOwn] <= kinds[sotepe.ProducerContract]+kinds[sotepe.ProducerVoucher] {
		t.Errorf("producers by kind %v: the city should run most units", kinds)
	}

	if len(n.Services) < 20 || len(n.Services) > 30 {
		t.Errorf("%d services, want about 20–25", len(n.Services))
	}
	offered := map[string]int{}
	for _, u := range n.Units {
		for _, s := range u.Services {
			offered[s]++
		}
	}
	byArea := map[string]int{}
	contact := 0
	for _, s := range n.Services {
		if offered[s.ID] == 0 {
			t.Errorf("no unit offers service %s", s.ID)
		}
		byArea[s.AreaID]++
		if s.TakesContactRequests {
			contact++
		}
	}
	for _, a := range n.Areas {
		if byArea[a.ID] == 0 {
			t.Errorf("area %s has no services", a.ID)
		}
	}
	if contact == 0 || contact == len(n.Services) {
		t.Errorf("%d of %d services take contact requests; want some but not all", contact, len(n.Services))
	}
	takes := map[string]bool{}
	for _, s := range n.Services {
		takes[s.ID] = s.TakesContactRequests
	}
	for id, want := range map[string]bool{
		"health-station-nurse": true, "doctor-appointment": true, "dental-care": true, "senior-info": true,
		"child-welfare": true, "rescue-operations": false, "prehospital-emergency-care": false, "hospital-care": false,
	} {
		if got, ok := takes[id]; !ok || got != want {
			t.Errorf("service %s takes contact requests = %v (present %v), want %v", id, got, ok, want)
		}
	}
}

func TestCheckFindsBrokenNetworks(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(n *Network)
		want   string
	}{
		{"duplicate unit id", func(n *Network) { n.Units[1].ID = n.Units[0].ID }, "used twice"},
		{"unknown area", func(n *Network) { n.Units[0].AreaID = "nowhere" }, "unknown area"},
		{"unknown service", func(n *Network) { n.Units[0].Services = append(n.Units[0].Services, "nothing") }, "unknown service"},
		{"unknown concept", func(n *Network) { n.Units[0].Concepts = []string{"nothing"} }, "unknown concept"},
		{"unknown district", func(n *Network) { n.Units[0].District = "atlantis" }, "unknown district"},
		{"unknown producer", func(n *Network) { n.Units[0].ProducerID = "acme" }, "unknown producer"},
		{"missing Swedish name", func(n *Network) { n.Services[0].Names.Sv = " " }, "names in fi, sv and en"},
		{"bad producer kind", func(n *Network) { n.Producers[0].Kind = "private" }, "unknown kind"},
		{"bad hours", func(n *Network) { n.Units[0].Hours.Regular[0].Close = "07:00" }, "interval"},
		{"bad postal code", func(n *Network) { n.Units[0].Address.PostalCode = "02100" }, "postal code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := baseNetwork(t)
			tt.mutate(&n)
			err := n.Check()
			if err == nil {
				t.Fatal("Check found nothing wrong")
			}
			if sotepe.ErrorCode(err) != sotepe.EInvalid {
				t.Errorf("code %q, want %q", sotepe.ErrorCode(err), sotepe.EInvalid)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}
