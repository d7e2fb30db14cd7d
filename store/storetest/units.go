package storetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"sotepe"
)

func unitIDs(p sotepe.Page[sotepe.Unit]) []string {
	ids := []string{}
	for _, u := range p.Items {
		ids = append(ids, u.ID)
	}
	return ids
}

func testUnitFilters(t *testing.T, s Store) {
	ctx := context.Background()
	seedUnits(t, s)
	const (
		kallio  = "kallio-health-station"
		kontula = "kontula-family-centre"
		dental  = "vuosaari-dental"
	)
	for _, c := range []struct {
		name string
		f    sotepe.UnitFilter
		want []string
	}{
		{"all", sotepe.UnitFilter{}, []string{kallio, kontula, dental}},
		{"query swedish district", sotepe.UnitFilter{Query: "gardsbacka"}, []string{kontula}},
		{"query accents and case", sotepe.UnitFilter{Query: "  GÅRDSBACKA  "}, []string{kontula}},
		{"query swedish name", sotepe.UnitFilter{Query: "Berghäll"}, []string{kallio}},
		{"query street", sotepe.UnitFilter{Query: "sturegatan"}, []string{kallio}},
		{"query kind", sotepe.UnitFilter{Query: "hälsostation"}, []string{kallio}},
		{"query service name", sotepe.UnitFilter{Query: "skötarmottagning"}, []string{kallio}},
		{"query service name en", sotepe.UnitFilter{Query: "dental care"}, []string{kallio, dental}},
		{"query percent is literal", sotepe.UnitFilter{Query: "%"}, []string{}},
		{"query underscore is literal", sotepe.UnitFilter{Query: "_"}, []string{}},
		{"query backslash is literal", sotepe.UnitFilter{Query: `\`}, []string{}},
		{"query nothing", sotepe.UnitFilter{Query: "zzz"}, []string{}},
		{"service", sotepe.UnitFilter{Service: "dental"}, []string{kallio, dental}},
		{"area", sotepe.UnitFilter{Area: "family"}, []string{kontula}},
		{"concept", sotepe.UnitFilter{Concept: "wellbeing-centre"}, []string{kallio}},
		{"district", sotepe.UnitFilter{District: "vuosaari"}, []string{dental}},
		{"language sv", sotepe.UnitFilter{Language: sotepe.Swedish}, []string{kallio}},
		{"language en", sotepe.UnitFilter{Language: "EN"}, []string{kontula}},
		{"kind", sotepe.UnitFilter{Kind: "dental_clinic"}, []string{dental}},
		{"producer", sotepe.UnitFilter{Producer: "smile"}, []string{dental}},
		{"combined", sotepe.UnitFilter{Service: "dental", Producer: "city"}, []string{kallio}},
		{"combined none", sotepe.UnitFilter{Area: "family", Language: sotepe.Swedish}, []string{}},
		{"query and area", sotepe.UnitFilter{Query: "dental", Area: "health", District: "vuosaari"}, []string{dental}},
	} {
		p, err := s.Units(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := unitIDs(p); !slices.Equal(got, c.want) || p.NextCursor != "" {
			t.Errorf("%s: units = %v (next %q), want %v", c.name, got, p.NextCursor, c.want)
		}
	}
	p, err := s.Units(ctx, sotepe.UnitFilter{Service: "dental"})
	must(t, err)
	if got := p.Items[0]; !slices.Equal(got.Services, []string{"nurse", "dental"}) || len(got.Hours.Regular) != 2 ||
		!slices.Equal(got.Languages, []sotepe.Lang{"fi", "sv"}) || !slices.Equal(got.Concepts, []string{"wellbeing-centre"}) {
		t.Errorf("listed unit is not fully populated: %+v", got)
	}

	_, err = s.Units(ctx, sotepe.UnitFilter{Language: "de"})
	wantKey(t, err, sotepe.EInvalid, "error.lang")
	_, err = s.Units(ctx, sotepe.UnitFilter{SortLang: "de"})
	wantKey(t, err, sotepe.EInvalid, "error.lang")
}

func testUnitSearchFollowsRenames(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	d := testDistricts[2]
	d.Names.Sv = "Nordsjöhamn"
	must(t, s.SaveDistrict(ctx, d))
	v := testServices[1]
	v.Names.Fi = "Suun terveydenhuolto"
	must(t, s.SaveService(ctx, v))
	for q, want := range map[string][]string{
		"nordsjohamn":          {"vuosaari-dental"},
		"suun terveydenhuolto": {"kallio-health-station", "vuosaari-dental"},
	} {
		p, err := s.Units(ctx, sotepe.UnitFilter{Query: q})
		must(t, err)
		if got := unitIDs(p); !slices.Equal(got, want) {
			t.Errorf("query %q = %v, want %v", q, got, want)
		}
	}
}

// manyUnitNames are names whose order tests the sort keys: upper and lower
// case, å ä ö after z in Finnish and Swedish, accents folded in English.
var manyUnitNames = []string{
	"Aurinkolahti", "Åggelby", "Ärrälä", "Östersundom", "Zeta", "Ödemark", "aalto", "Éclair",
	"Herttoniemi", "Itäkeskus", "itäkeskus", "Malmi", "Maunula", "Oulunkylä", "Pasila", "Pihlajamäki",
	"Käpylä", "Kivikko", "Laajasalo", "Lauttasaari", "Myllypuro", "Munkkiniemi", "Pukinmäki", "Puistola",
	"Ruoholahti", "Suutarila", "Tapanila", "Töölö", "Vallila", "Viikki", "Vuosaari", "Ylä-Malmi",
	"Jakomäki", "Jätkäsaari", "Kalasatama", "Kannelmäki", "Kallio",
}

// seedManyUnits saves len(manyUnitNames) units and returns them.
func seedManyUnits(t testing.TB, s Store) []sotepe.Unit {
	t.Helper()
	seedNetwork(t, s)
	var units []sotepe.Unit
	for i, name := range manyUnitNames {
		u := testUnits()[i%3]
		u.ID = fmt.Sprintf("unit-%02d", i)
		// Swedish and English names order differently from Finnish.
		sv := manyUnitNames[(i*7)%len(manyUnitNames)]
		u.Names = sotepe.Names{Fi: name + " terveysasema", Sv: sv + " hälsostation", En: strings.ToLower(name)}
		must(t, s.SaveUnit(adminCtx(), u))
		units = append(units, u)
	}
	return units
}

// seedSectorUnits saves the sector's 349 units (unit-000 to unit-348) on
// the test network, named after manyUnitNames, as the directory reads of
// the tests and the benchmark find them.
func seedSectorUnits(t testing.TB, s Store) {
	t.Helper()
	seedNetwork(t, s)
	ctx := context.Background()
	for i := range 349 {
		u := testUnits()[i%3]
		u.ID = fmt.Sprintf("unit-%03d", i)
		u.Names.Fi = fmt.Sprintf("%s %03d", manyUnitNames[i%len(manyUnitNames)], i)
		must(t, s.SaveUnit(ctx, u))
	}
}

func testUnitPaging(t *testing.T, s Store) {
	ctx := context.Background()
	units := seedManyUnits(t, s)
	for _, lang := range []sotepe.Lang{"", sotepe.Finnish, sotepe.Swedish, sotepe.English} {
		key := lang
		if key == "" {
			key = sotepe.Finnish
		}
		want := slices.Clone(units)
		sort.SliceStable(want, func(i, j int) bool {
			a, b := sortKey(want[i].Names.In(key), key), sortKey(want[j].Names.In(key), key)
			return a < b || a == b && want[i].ID < want[j].ID
		})
		var wantIDs []string
		for _, u := range want {
			wantIDs = append(wantIDs, u.ID)
		}
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > len(units) {
				t.Fatal("paging does not end")
			}
			p, err := s.Units(ctx, sotepe.UnitFilter{SortLang: lang, Page: sotepe.PageRequest{Limit: 4, Cursor: cursor}})
			must(t, err)
			if len(p.Items) > 4 {
				t.Fatalf("page of %d", len(p.Items))
			}
			got = append(got, unitIDs(p)...)
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("sort %q: paged\n%v\nwant\n%v", lang, got, wantIDs)
		}
		all, err := s.Units(ctx, sotepe.UnitFilter{SortLang: lang, Page: sotepe.PageRequest{Limit: 500}})
		must(t, err)
		if !slices.Equal(unitIDs(all), wantIDs) {
			t.Errorf("sort %q: one page %v", lang, unitIDs(all))
		}
	}
	// Finnish puts å, ä, ö after z; English folds them.
	first, err := s.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 1}})
	must(t, err)
	if first.Items[0].Names.Fi != "aalto terveysasema" {
		t.Errorf("first in Finnish = %q", first.Items[0].Names.Fi)
	}
	p, err := s.Units(ctx, sotepe.UnitFilter{SortLang: sotepe.Finnish, Page: sotepe.PageRequest{Limit: 500}})
	must(t, err)
	var tail []string
	for _, u := range p.Items[len(p.Items)-4:] {
		tail = append(tail, strings.Fields(u.Names.Fi)[0])
	}
	if !slices.Equal(tail, []string{"Åggelby", "Ärrälä", "Ödemark", "Östersundom"}) {
		t.Errorf("Finnish order ends with %v", tail)
	}

	// Paging with a filter.
	p1, err := s.Units(ctx, sotepe.UnitFilter{Area: "health", Page: sotepe.PageRequest{Limit: 5}})
	must(t, err)
	p2, err := s.Units(ctx, sotepe.UnitFilter{Area: "health", Page: sotepe.PageRequest{Limit: 5, Cursor: p1.NextCursor}})
	must(t, err)
	for _, u := range append(p1.Items, p2.Items...) {
		if u.AreaID != "health" {
			t.Errorf("unit %s of area %s", u.ID, u.AreaID)
		}
	}

	// Malformed cursors.
	sv, err := s.Units(ctx, sotepe.UnitFilter{SortLang: sotepe.Swedish, Page: sotepe.PageRequest{Limit: 2}})
	must(t, err)
	for _, c := range []string{"!!!", base64.RawURLEncoding.EncodeToString([]byte("garbage")), sv.NextCursor} {
		_, err := s.Units(ctx, sotepe.UnitFilter{SortLang: sotepe.Finnish, Page: sotepe.PageRequest{Cursor: c}})
		wantKey(t, err, sotepe.EInvalid, "error.cursor")
	}
	_, err = s.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: -1}})
	wantCode(t, err, sotepe.EInvalid)
}

// testUnitsConcurrentReaders reads the 349-unit directory from 200
// goroutines at once (fewer under the race detector, which slows the
// transpiled SQLite many times over) and checks that every answer equals
// the one a lone reader gets. How fast it is lives in BenchmarkUnits.
func testUnitsConcurrentReaders(t *testing.T, s Store) {
	seedSectorUnits(t, s)
	ctx := context.Background()
	filters := []sotepe.UnitFilter{
		{}, {Query: "terveysasema"}, {Service: "dental"}, {Area: "family", SortLang: sotepe.Swedish}, {Query: "malmi", Language: sotepe.Finnish},
	}
	ids := func(p sotepe.Page[sotepe.Unit]) string {
		var b strings.Builder
		for _, u := range p.Items {
			b.WriteString(u.ID + " ")
		}
		return b.String() + "next " + p.NextCursor
	}
	want := make([]string, len(filters))
	for i, f := range filters {
		p, err := s.Units(ctx, f)
		must(t, err)
		want[i] = ids(p)
	}
	workers, each := 200, 5
	if testing.Short() || raceEnabled {
		workers, each = 40, 2
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				f := (w + i) % len(filters)
				p, err := s.Units(ctx, filters[f])
				if err != nil {
					t.Error(err)
					return
				}
				if got := ids(p); got != want[f] {
					t.Errorf("filter %+v: %s, alone %s", filters[f], got, want[f])
					return
				}
			}
		})
	}
	wg.Wait()
}
