package storetest

import (
	"context"
	"reflect"
	"testing"

	"sotepe"
)

// A small network: three hand-made units whose differences the filter tests
// rely on.
var (
	testAreas = []sotepe.Area{
		{ID: "health", Names: sotepe.Names{Fi: "Terveys- ja päihdepalvelut", Sv: "Hälsovårds- och missbrukartjänster", En: "Health and substance abuse services"}, Order: 2},
		{ID: "family", Names: sotepe.Names{Fi: "Perhe- ja sosiaalipalvelut", Sv: "Familje- och socialtjänster", En: "Family and social services"}, Order: 1},
	}
	testConcepts = []sotepe.Concept{
		{ID: "family-centre", Names: sotepe.Names{Fi: "Perhekeskus", Sv: "Familjecenter", En: "Family centre"}},
		{ID: "wellbeing-centre", Names: sotepe.Names{Fi: "Terveys- ja hyvinvointikeskus", Sv: "Central för hälsa och välbefinnande", En: "Health and wellbeing centre"}},
	}
	testDistricts = []sotepe.District{
		{ID: "kallio", Names: sotepe.Names{Fi: "Kallio", Sv: "Berghäll", En: "Kallio"}},
		{ID: "kontula", Names: sotepe.Names{Fi: "Kontula", Sv: "Gårdsbacka", En: "Kontula"}},
		{ID: "vuosaari", Names: sotepe.Names{Fi: "Vuosaari", Sv: "Nordsjö", En: "Vuosaari"}},
	}
	testProducers = []sotepe.Producer{
		{ID: "city", Names: sotepe.Names{Fi: "Helsingin kaupunki", Sv: "Helsingfors stad", En: "City of Helsinki"}, Kind: sotepe.ProducerOwn},
		{ID: "smile", Names: sotepe.Names{Fi: "Hymy Oy", Sv: "Hymy Ab", En: "Hymy Ltd"}, Kind: sotepe.ProducerVoucher},
	}
	testServices = []sotepe.Service{
		{ID: "child-clinic", AreaID: "family", Names: sotepe.Names{Fi: "Lastenneuvola", Sv: "Barnrådgivning", En: "Child health clinic"},
			Descriptions: sotepe.Names{Fi: "Neuvola", Sv: "Rådgivning", En: "Clinic"}},
		// The central unit is saved after the service: no foreign key
		// stands in the way.
		{ID: "dental", AreaID: "health", Names: sotepe.Names{Fi: "Hammashoito", Sv: "Tandvård", En: "Dental care"}, TakesContactRequests: true,
			CentralUnit: "vuosaari-dental"},
		{ID: "nurse", AreaID: "health", Names: sotepe.Names{Fi: "Hoitajan vastaanotto", Sv: "Skötarmottagning", En: "Nurse's reception"}, TakesContactRequests: true},
		{ID: "social-work", AreaID: "family", Names: sotepe.Names{Fi: "Aikuissosiaalityö", Sv: "Socialt arbete för vuxna", En: "Adult social work"}},
	}
)

func testUnits() []sotepe.Unit {
	return []sotepe.Unit{
		{
			ID: "kallio-health-station", Kind: "health_station", AreaID: "health", ProducerID: "city", District: "kallio",
			Names:     sotepe.Names{Fi: "Kallion terveysasema", Sv: "Berghälls hälsostation", En: "Kallio health station"},
			Services:  []string{"nurse", "dental"},
			Concepts:  []string{"wellbeing-centre"},
			Languages: []sotepe.Lang{sotepe.Finnish, sotepe.Swedish},
			Address: sotepe.Address{Street: sotepe.Names{Fi: "Sturenkatu 8", Sv: "Sturegatan 8", En: "Sturenkatu 8"}, PostalCode: "00510",
				City: sotepe.Names{Fi: "Helsinki", Sv: "Helsingfors", En: "Helsinki"}},
			Location: sotepe.Location{Lat: 60.1878, Lon: 24.9499},
			Phone:    "+358 9 310 5015",
			Opened:   "2023-03-01",
			Hours: sotepe.OpeningHours{
				Regular: []sotepe.DayHours{{Weekday: 1, Open: "08:00", Close: "16:00"}, {Weekday: 2, Open: "08:00", Close: "19:00"}},
				Exceptions: []sotepe.HoursException{{Date: "2024-12-24",
					Note: sotepe.Names{Fi: "Jouluaatto", Sv: "Julafton", En: "Christmas Eve"}}},
			},
		},
		{
			ID: "kontula-family-centre", Kind: "family_centre", AreaID: "family", ProducerID: "city", District: "kontula",
			Names:     sotepe.Names{Fi: "Kontulan perhekeskus", Sv: "Gårdsbacka familjecenter", En: "Kontula family centre"},
			Services:  []string{"child-clinic", "social-work"},
			Concepts:  []string{"family-centre"},
			Languages: []sotepe.Lang{sotepe.Finnish, sotepe.English},
			Address:   sotepe.Address{Street: sotepe.Names{Fi: "Ostostie 4", Sv: "Köpvägen 4", En: "Ostostie 4"}, PostalCode: "00940"},
			Location:  sotepe.Location{Lat: 60.2366, Lon: 25.0823},
			Hours:     sotepe.OpeningHours{Regular: []sotepe.DayHours{}, Exceptions: []sotepe.HoursException{}},
		},
		{
			ID: "vuosaari-dental", Kind: "dental_clinic", AreaID: "health", ProducerID: "smile", District: "vuosaari",
			Names:     sotepe.Names{Fi: "Vuosaaren hammashoitola", Sv: "Nordsjö tandklinik", En: "Vuosaari dental clinic"},
			Services:  []string{"dental"},
			Concepts:  []string{},
			Languages: []sotepe.Lang{sotepe.Finnish},
			Location:  sotepe.Location{Lat: 60.2093, Lon: 25.1427},
			Hours:     sotepe.OpeningHours{AlwaysOpen: true, Regular: []sotepe.DayHours{}, Exceptions: []sotepe.HoursException{}},
		},
	}
}

// systemCtx is a context whose actor is an administrator.
func adminCtx() context.Context {
	return sotepe.WithActor(context.Background(), sotepe.Actor{UserID: 1, Role: sotepe.RoleAdmin, RequestID: "req-admin"})
}

// seedNetwork saves the test network except its units.
func seedNetwork(t testing.TB, s Store) {
	t.Helper()
	ctx := adminCtx()
	for _, a := range testAreas {
		must(t, s.SaveArea(ctx, a))
	}
	for _, c := range testConcepts {
		must(t, s.SaveConcept(ctx, c))
	}
	for _, d := range testDistricts {
		must(t, s.SaveDistrict(ctx, d))
	}
	for _, p := range testProducers {
		must(t, s.SaveProducer(ctx, p))
	}
	for _, v := range testServices {
		must(t, s.SaveService(ctx, v))
	}
}

// seedUnits saves the network and its three units.
func seedUnits(t testing.TB, s Store) {
	t.Helper()
	seedNetwork(t, s)
	for _, u := range testUnits() {
		must(t, s.SaveUnit(adminCtx(), u))
	}
}

func testNetworkRoundTrip(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)

	areas, err := s.Areas(ctx)
	must(t, err)
	if !reflect.DeepEqual(areas, []sotepe.Area{testAreas[1], testAreas[0]}) {
		t.Errorf("areas = %+v", areas)
	}
	concepts, err := s.Concepts(ctx)
	must(t, err)
	if !reflect.DeepEqual(concepts, testConcepts) {
		t.Errorf("concepts = %+v", concepts)
	}
	districts, err := s.Districts(ctx)
	must(t, err)
	if !reflect.DeepEqual(districts, testDistricts) {
		t.Errorf("districts = %+v", districts)
	}
	producers, err := s.Producers(ctx)
	must(t, err)
	if !reflect.DeepEqual(producers, testProducers) {
		t.Errorf("producers = %+v", producers)
	}
	for _, want := range testServices {
		got, err := s.Service(ctx, want.ID)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("service = %+v, want %+v", got, want)
		}
	}
	for _, want := range testUnits() {
		got, err := s.Unit(ctx, want.ID)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("unit =\n%+v\nwant\n%+v", got, want)
		}
	}

	// Saving again replaces, the join rows too.
	u := testUnits()[0]
	u.Names.Fi = "Kallion terveys- ja hyvinvointikeskus"
	u.Services = []string{"social-work", "social-work"}
	u.Concepts = []string{}
	u.Languages = []sotepe.Lang{sotepe.English}
	u.Hours = sotepe.OpeningHours{AlwaysOpen: true, Regular: []sotepe.DayHours{}, Exceptions: []sotepe.HoursException{}}
	must(t, s.SaveUnit(ctx, u))
	got, err := s.Unit(ctx, u.ID)
	must(t, err)
	u.Services = []string{"social-work"}
	if !reflect.DeepEqual(got, u) {
		t.Errorf("replaced unit =\n%+v\nwant\n%+v", got, u)
	}
	// A service's central unit changes and goes.
	v := testServices[1]
	v.CentralUnit = "kallio-health-station"
	must(t, s.SaveService(ctx, v))
	if got, err := s.Service(ctx, v.ID); err != nil || got.CentralUnit != "kallio-health-station" {
		t.Errorf("service after a new central unit = %+v, %v", got, err)
	}
	v.CentralUnit = ""
	must(t, s.SaveService(ctx, v))
	if page, err := s.Services(ctx, "health", sotepe.PageRequest{}); err != nil || page.Items[0] != v {
		t.Errorf("services after removing the central unit = %+v, %v", page.Items, err)
	}
	must(t, s.SaveService(ctx, testServices[1]))

	a := testAreas[0]
	a.Names.En, a.Order = "Health services", 9
	must(t, s.SaveArea(ctx, a))
	areas, err = s.Areas(ctx)
	must(t, err)
	if areas[1] != a {
		t.Errorf("replaced area = %+v", areas[1])
	}

	// Every change left an audit row with its actor.
	var n, byAdmin int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN actor_id = 1 AND actor_role = 'admin' AND request_id = 'req-admin' THEN 1 ELSE 0 END)
		FROM audit_log WHERE action = 'network.change'`).Scan(&n, &byAdmin))
	saves := len(testAreas) + len(testConcepts) + len(testDistricts) + len(testProducers) + len(testServices) + 3
	if n != saves+5 || byAdmin != saves {
		t.Errorf("network.change rows = %d (%d by admin), want %d (%d)", n, byAdmin, saves+5, saves)
	}
	var obj string
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT object FROM audit_log WHERE action = 'network.change' ORDER BY id DESC LIMIT 1`).Scan(&obj))
	if obj != "area:health" {
		t.Errorf("last audit object = %q", obj)
	}
}

func testNetworkNotFoundAndInvalid(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	_, err := s.Service(ctx, "nope")
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.Unit(ctx, "nope")
	wantCode(t, err, sotepe.ENotFound)

	bad := func(change func(u *sotepe.Unit), key string) {
		t.Helper()
		u := testUnits()[0]
		u.ID = "new-unit"
		change(&u)
		wantKey(t, s.SaveUnit(ctx, u), sotepe.EInvalid, key)
		_, err := s.Unit(ctx, "new-unit")
		wantCode(t, err, sotepe.ENotFound)
	}
	bad(func(u *sotepe.Unit) { u.AreaID = "nope" }, "error.unknown_area")
	bad(func(u *sotepe.Unit) { u.ProducerID = "nope" }, "error.unknown_producer")
	bad(func(u *sotepe.Unit) { u.District = "nope" }, "error.unknown_district")
	bad(func(u *sotepe.Unit) { u.Services = []string{"dental", "nope"} }, "error.unknown_service")
	bad(func(u *sotepe.Unit) { u.Concepts = []string{"nope"} }, "error.unknown_concept")
	bad(func(u *sotepe.Unit) { u.Kind = "castle" }, "error.unit_kind")
	bad(func(u *sotepe.Unit) { u.Opened = "1.3.2023" }, "error.date")
	bad(func(u *sotepe.Unit) { u.Hours.Regular[0].Close = "07:00" }, "error.hours")

	wantKey(t, s.SaveService(ctx, sotepe.Service{ID: "x", AreaID: "nope", Names: testServices[0].Names}), sotepe.EInvalid, "error.unknown_area")
	wantKey(t, s.SaveService(ctx, sotepe.Service{ID: "x", AreaID: "health", Names: testServices[0].Names, CentralUnit: "Not An Id"}), sotepe.EInvalid, "error.id")
	wantKey(t, s.SaveArea(ctx, sotepe.Area{ID: "Bad Id", Names: testAreas[0].Names}), sotepe.EInvalid, "error.id")
	wantKey(t, s.SaveConcept(ctx, sotepe.Concept{ID: "c", Names: sotepe.Names{Fi: "vain suomeksi"}}), sotepe.EInvalid, "error.names_incomplete")
	wantKey(t, s.SaveProducer(ctx, sotepe.Producer{ID: "p", Names: testProducers[0].Names, Kind: "friend"}), sotepe.EInvalid, "error.producer_kind")

	// A failed save leaves no audit row behind.
	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE object IN ('unit:new-unit', 'service:x')`).Scan(&n))
	if n != 0 {
		t.Errorf("%d audit rows of failed saves", n)
	}
}

func testServicesPaging(t *testing.T, s Store) {
	ctx := context.Background()
	seedNetwork(t, s)
	p, err := s.Services(ctx, "", sotepe.PageRequest{Limit: 3})
	must(t, err)
	if len(p.Items) != 3 || p.NextCursor == "" || p.Items[0].ID != "child-clinic" || p.Items[2].ID != "nurse" {
		t.Fatalf("first page = %+v", p)
	}
	p, err = s.Services(ctx, "", sotepe.PageRequest{Limit: 3, Cursor: p.NextCursor})
	must(t, err)
	if len(p.Items) != 1 || p.NextCursor != "" || p.Items[0].ID != "social-work" {
		t.Fatalf("second page = %+v", p)
	}
	p, err = s.Services(ctx, "health", sotepe.PageRequest{})
	must(t, err)
	if len(p.Items) != 2 || p.Items[0].ID != "dental" || p.Items[1].ID != "nurse" || p.NextCursor != "" {
		t.Fatalf("health services = %+v", p)
	}
	p, err = s.Services(ctx, "nowhere", sotepe.PageRequest{})
	must(t, err)
	if len(p.Items) != 0 || p.Items == nil {
		t.Fatalf("services of unknown area = %#v", p.Items)
	}
	_, err = s.Services(ctx, "", sotepe.PageRequest{Cursor: "%%%"})
	wantKey(t, err, sotepe.EInvalid, "error.cursor")
	_, err = s.Services(ctx, "", sotepe.PageRequest{Limit: -1})
	wantCode(t, err, sotepe.EInvalid)
}
