package directory_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/directory"
	"sotepe/internal/testenv"
	"sotepe/store"
)

// buildStore returns a new store on dsn holding the demo network widened
// to the sector's 349 units.
func buildStore(dsn string) (*store.Store, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		return nil, err
	}
	n, err := demo.BaseNetwork()
	if err == nil {
		err = st.Migrate(ctx)
	}
	if err == nil {
		err = demo.WidenNetwork(n, 349, 7).Save(ctx, st)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// widenedStore returns a store of its own, on the engine of the test (see
// testenv.Engines), for a test that writes to it.
func widenedStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := buildStore(testenv.DSN(t, testenv.EngineOf(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// shared is the read-only store per engine that most tests and the
// benchmarks share: building it takes seconds, and nothing writes to it
// after.
type shared struct {
	once    sync.Once
	st      *store.Store
	err     error
	cleanup func()
}

var fixtures = map[testenv.Engine]*shared{testenv.SQLite: {}, testenv.Postgres: {}}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range fixtures {
		if f.st != nil {
			f.st.Close()
		}
		if f.cleanup != nil {
			f.cleanup()
		}
	}
	os.Exit(code)
}

// sharedStore returns the shared widened store of the test's engine; tests
// must not write to it.
func sharedStore(tb testing.TB) *store.Store {
	tb.Helper()
	e := testenv.EngineOf(tb)
	f := fixtures[e]
	f.once.Do(func() {
		var dsn string
		if e == testenv.Postgres {
			var drop func() error
			if dsn, drop, f.err = testenv.NewPostgresSchema(); f.err != nil {
				return
			}
			f.cleanup = func() { drop() }
		} else {
			var dir string
			if dir, f.err = os.MkdirTemp("", "sotepe-directory-"); f.err != nil {
				return
			}
			f.cleanup = func() { os.RemoveAll(dir) }
			dsn = filepath.Join(dir, "sotepe.db")
		}
		f.st, f.err = buildStore(dsn)
	})
	if f.err != nil {
		tb.Fatal(f.err)
	}
	return f.st
}

// newIndex returns an Index over src that is closed when the test ends.
func newIndex(tb testing.TB, src sotepe.Directory, opts directory.Options) *directory.Index {
	tb.Helper()
	idx, err := directory.New(src, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idx.Close() })
	return idx
}

// pages pages through d.Units(f) to the end and returns every page.
func pages(t *testing.T, d sotepe.Directory, f sotepe.UnitFilter) []sotepe.Page[sotepe.Unit] {
	t.Helper()
	ctx := context.Background()
	var out []sotepe.Page[sotepe.Unit]
	for n := 0; ; n++ {
		if n > 400 {
			t.Fatalf("%T: more than 400 pages for %+v", d, f)
		}
		p, err := d.Units(ctx, f)
		if err != nil {
			t.Fatalf("%T: %+v: %v", d, f, err)
		}
		if p.Items == nil {
			t.Fatalf("%T: %+v: nil Items", d, f)
		}
		out = append(out, p)
		if p.NextCursor == "" {
			return out
		}
		f.Page.Cursor = p.NextCursor
	}
}

// onePerPage returns the units of ps as the pages a limit of 1 gives: one
// unit a page, and one empty page when there are none.
func onePerPage(ps []sotepe.Page[sotepe.Unit]) []sotepe.Page[sotepe.Unit] {
	var out []sotepe.Page[sotepe.Unit]
	for _, p := range ps {
		for _, u := range p.Items {
			out = append(out, sotepe.Page[sotepe.Unit]{Items: []sotepe.Unit{u}, NextCursor: "more"})
		}
	}
	if len(out) == 0 {
		return []sotepe.Page[sotepe.Unit]{{Items: []sotepe.Unit{}}}
	}
	out[len(out)-1].NextCursor = ""
	return out
}

func ids(units []sotepe.Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	return out
}

// TestUnitsAgreeWithStore is the heart of the package's tests: for many
// filters, every sort language and several page sizes, the Index pages out
// exactly the units the store does, in the same order, with the same page
// boundaries, and equal unit values.
func TestUnitsAgreeWithStore(t *testing.T) { testenv.Engines(t, testUnitsAgreeWithStore) }

func testUnitsAgreeWithStore(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	ctx := context.Background()

	// A word only in a service's name: no unit's own search text (names,
	// district, street, kind) has it, yet the store finds units by it.
	const serviceOnly = "läkarmottagning"
	all := pages(t, st, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 500}})[0].Items
	if len(all) != 349 {
		t.Fatalf("the widened store holds %d units, want 349", len(all))
	}
	districts, err := st.Districts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	districtNames := map[string]sotepe.Names{}
	for _, d := range districts {
		districtNames[d.ID] = d.Names
	}
	for _, u := range all {
		if strings.Contains(u.SearchText(districtNames[u.District]), sotepe.FoldText(serviceOnly)) {
			t.Fatalf("%q is in unit %s's own text, not only in a service name", serviceOnly, u.ID)
		}
	}

	filters := []struct {
		name string
		f    sotepe.UnitFilter
	}{
		{"all", sotepe.UnitFilter{}},
		{"q kallio", sotepe.UnitFilter{Query: "kallio"}},
		{"q Gårdsbacka", sotepe.UnitFilter{Query: "Gårdsbacka"}},
		{"q gardsbacka", sotepe.UnitFilter{Query: "gardsbacka"}},
		{"q BERGHÄLL", sotepe.UnitFilter{Query: "BERGHÄLL"}},
		{"q hammas", sotepe.UnitFilter{Query: "hammas"}},
		{"q tandklinik", sotepe.UnitFilter{Query: "tandklinik"}},
		{"q dental", sotepe.UnitFilter{Query: "dental"}},
		{"q home care", sotepe.UnitFilter{Query: "home care"}},
		{"q töölö", sotepe.UnitFilter{Query: "töölö"}},
		{"q TOOLO", sotepe.UnitFilter{Query: "TOOLO"}},
		{"q service name only", sotepe.UnitFilter{Query: serviceOnly}},
		{"q service name only, folded", sotepe.UnitFilter{Query: "LAKARMOTTAGNING"}},
		{"q oral health care", sotepe.UnitFilter{Query: "oral health care"}},
		{"q spaces", sotepe.UnitFilter{Query: "  Kallion   KOTIHOITO  "}},
		{"q street", sotepe.UnitFilter{Query: "katu"}},
		{"q separator", sotepe.UnitFilter{Query: " | "}},
		{"q percent", sotepe.UnitFilter{Query: "%"}},
		{"q underscore", sotepe.UnitFilter{Query: "_"}},
		{"q zzz", sotepe.UnitFilter{Query: "zzz"}},
		{"q blank", sotepe.UnitFilter{Query: "   "}},
		{"service", sotepe.UnitFilter{Service: "dental-care"}},
		{"service home care", sotepe.UnitFilter{Service: "home-care"}},
		{"service unknown", sotepe.UnitFilter{Service: "no-such-service"}},
		{"area", sotepe.UnitFilter{Area: "family-and-social-services"}},
		{"concept", sotepe.UnitFilter{Concept: "family-centre"}},
		{"district", sotepe.UnitFilter{District: "kallio"}},
		{"language sv", sotepe.UnitFilter{Language: sotepe.Swedish}},
		{"language en", sotepe.UnitFilter{Language: sotepe.English}},
		{"language SV", sotepe.UnitFilter{Language: "SV"}},
		{"kind", sotepe.UnitFilter{Kind: "home_care"}},
		{"producer", sotepe.UnitFilter{Producer: "esimerkki-hammas"}},
		{"producer city", sotepe.UnitFilter{Producer: "helsinki"}},
		{"q and kind", sotepe.UnitFilter{Query: "kallio", Kind: "home_care"}},
		{"service and language", sotepe.UnitFilter{Service: "maternity-child-clinic", Language: sotepe.Swedish}},
		{"area and producer", sotepe.UnitFilter{Area: "hospital-rehabilitation-and-care-services", Producer: "helsinki"}},
		{"district and concept", sotepe.UnitFilter{District: "kalasatama", Concept: "family-centre"}},
		{"q and producer", sotepe.UnitFilter{Query: "hammas", Producer: "helsinki"}},
		{"q, area and language", sotepe.UnitFilter{Query: "team", Area: "hospital-rehabilitation-and-care-services", Language: sotepe.English}},
		{"everything", sotepe.UnitFilter{Query: "kallio", Service: "home-care", Area: "hospital-rehabilitation-and-care-services",
			Concept: "senior-services", District: "kallio", Language: sotepe.Finnish, Kind: "home_care", Producer: "helsinki"}},
		{"none", sotepe.UnitFilter{Area: "rescue-department", Kind: "dental_clinic"}},
	}
	found := 0
	for _, c := range filters {
		for _, lang := range []sotepe.Lang{"", sotepe.Finnish, sotepe.Swedish, sotepe.English} {
			for _, limit := range []int{1, 7, 50, 500} {
				f := c.f
				f.SortLang, f.Page.Limit = lang, limit
				t.Run(fmt.Sprintf("%s/%s/%d", c.name, lang, limit), func(t *testing.T) {
					var want []sotepe.Page[sotepe.Unit]
					if raceEnabled && limit == 1 {
						// Thousands of store queries take minutes under
						// the race detector: there the store's whole list,
						// paged through at 500, is cut into pages of one.
						want = onePerPage(pages(t, st, sotepe.UnitFilter{
							Query: f.Query, Service: f.Service, Area: f.Area, Concept: f.Concept,
							District: f.District, Language: f.Language, Kind: f.Kind, Producer: f.Producer,
							SortLang: f.SortLang, Page: sotepe.PageRequest{Limit: 500},
						}))
					} else {
						want = pages(t, st, f)
					}
					got := pages(t, idx, f)
					if len(got) != len(want) {
						t.Fatalf("%d pages, store %d", len(got), len(want))
					}
					for i := range want {
						if !slices.Equal(ids(got[i].Items), ids(want[i].Items)) {
							t.Fatalf("page %d: %v\nstore:  %v", i, ids(got[i].Items), ids(want[i].Items))
						}
						if !reflect.DeepEqual(got[i].Items, want[i].Items) {
							for k := range want[i].Items {
								if !reflect.DeepEqual(got[i].Items[k], want[i].Items[k]) {
									t.Fatalf("page %d unit %d:\n%#v\nstore:\n%#v", i, k, got[i].Items[k], want[i].Items[k])
								}
							}
						}
					}
					if limit == 500 && lang == "" {
						found += len(want[0].Items)
						t.Logf("%d units", len(want[0].Items))
						if c.name == "q service name only" && len(want[0].Items) == 0 {
							t.Errorf("the store finds no unit by %q; the case tests nothing", serviceOnly)
						}
					}
				})
			}
		}
	}
	if found == 0 {
		t.Error("no filter found anything")
	}
}

// TestSearchTextIsTheStores reads units.search_text straight from the
// store's database and checks that the Index searches the same text for
// every unit.
func TestSearchTextIsTheStores(t *testing.T) { testenv.Engines(t, testSearchTextIsTheStores) }

func testSearchTextIsTheStores(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	rows, err := st.DB().Query(`SELECT id, search_text FROM units`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	texts := directory.SearchTexts(idx)
	n := 0
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			t.Fatal(err)
		}
		n++
		if texts[id] != text {
			t.Errorf("unit %s:\nindex %q\nstore %q", id, texts[id], text)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(texts) || n != 349 {
		t.Errorf("%d units in the store, %d in the index, want 349", n, len(texts))
	}
}

// TestUnitsErrorsAgreeWithStore checks that bad filters fail with the
// store's codes and keys.
func TestUnitsErrorsAgreeWithStore(t *testing.T) { testenv.Engines(t, testUnitsErrorsAgreeWithStore) }

func testUnitsErrorsAgreeWithStore(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	ctx := context.Background()

	otherLang, err := idx.Units(ctx, sotepe.UnitFilter{SortLang: sotepe.Swedish, Page: sotepe.PageRequest{Limit: 2}})
	if err != nil || otherLang.NextCursor == "" {
		t.Fatalf("%v, cursor %q", err, otherLang.NextCursor)
	}
	unknownUnit := base64.RawURLEncoding.EncodeToString([]byte("fi\x00no-such-unit"))
	for _, c := range []struct {
		name         string
		f            sotepe.UnitFilter
		code, key    string
		storeDiffers bool // the store's cursors are its own
	}{
		{"negative limit", sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: -1}}, sotepe.EInvalid, "error.page_limit", false},
		{"sort language", sotepe.UnitFilter{SortLang: "de"}, sotepe.EInvalid, "error.lang", false},
		{"language", sotepe.UnitFilter{Language: "xx"}, sotepe.EInvalid, "error.lang", false},
		{"cursor not base64", sotepe.UnitFilter{Page: sotepe.PageRequest{Cursor: "!!!"}}, sotepe.EInvalid, "error.cursor", false},
		{"cursor garbage", sotepe.UnitFilter{Page: sotepe.PageRequest{Cursor: "Zm9v"}}, sotepe.EInvalid, "error.cursor", false},
		{"cursor of another sort language", sotepe.UnitFilter{Page: sotepe.PageRequest{Cursor: otherLang.NextCursor}}, sotepe.EInvalid, "error.cursor", true},
		{"cursor of an unknown unit", sotepe.UnitFilter{Page: sotepe.PageRequest{Cursor: unknownUnit}}, sotepe.EInvalid, "error.cursor", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := idx.Units(ctx, c.f)
			if sotepe.ErrorCode(err) != c.code || sotepe.ErrorKey(err) != c.key {
				t.Fatalf("index: %v, want %s %s", err, c.code, c.key)
			}
			if p.Items == nil {
				t.Error("nil Items on error")
			}
			if c.storeDiffers {
				return
			}
			_, serr := st.Units(ctx, c.f)
			if sotepe.ErrorCode(serr) != c.code || sotepe.ErrorKey(serr) != c.key {
				t.Fatalf("store: %v, want %s %s", serr, c.code, c.key)
			}
		})
	}
}

func TestUnitAndServiceAgreeWithStore(t *testing.T) {
	testenv.Engines(t, testUnitAndServiceAgreeWithStore)
}

func testUnitAndServiceAgreeWithStore(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	ctx := context.Background()

	all, err := idx.Units(ctx, sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range all.Items {
		want, err := st.Unit(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := idx.Unit(ctx, u.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Unit(%s) = %#v, %v\nstore: %#v", u.ID, got, err, want)
		}
	}
	if _, err := idx.Unit(ctx, "no-such-unit"); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("unknown unit: %v, want not_found", err)
	}
	if _, err := idx.Service(ctx, "no-such-service"); sotepe.ErrorCode(err) != sotepe.ENotFound {
		t.Errorf("unknown service: %v, want not_found", err)
	}
	v, err := idx.Service(ctx, "dental-care")
	want, serr := st.Service(ctx, "dental-care")
	if err != nil || serr != nil || v != want {
		t.Errorf("Service(dental-care) = %+v, %v; store %+v, %v", v, err, want, serr)
	}
}

func TestServicesAgreeWithStore(t *testing.T) { testenv.Engines(t, testServicesAgreeWithStore) }

func testServicesAgreeWithStore(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	ctx := context.Background()

	areas, err := st.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, area := range append([]string{"", "no-such-area"}, func() []string {
		var ids []string
		for _, a := range areas {
			ids = append(ids, a.ID)
		}
		return ids
	}()...) {
		for _, limit := range []int{0, 1, 3, 500, 1000} {
			t.Run(fmt.Sprintf("%s/%d", area, limit), func(t *testing.T) {
				p := sotepe.PageRequest{Limit: limit}
				for n := 0; ; n++ {
					want, err := st.Services(ctx, area, p)
					if err != nil {
						t.Fatal(err)
					}
					got, err := idx.Services(ctx, area, p)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("page %d: %+v\nstore: %+v", n, got, want)
					}
					if want.NextCursor == "" {
						return
					}
					p.Cursor = want.NextCursor
				}
			})
		}
	}
	// Any non-empty id is a cursor, even one no service has, as in the
	// store.
	p := sotepe.PageRequest{Limit: 5, Cursor: base64.RawURLEncoding.EncodeToString([]byte("e"))}
	want, serr := st.Services(ctx, "", p)
	got, err := idx.Services(ctx, "", p)
	if err != nil || serr != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("cursor between ids: %+v, %v\nstore: %+v, %v", got, err, want, serr)
	}
	for _, c := range []string{"!!!", ""} {
		if c == "" {
			c = base64.RawURLEncoding.EncodeToString(nil) + "="
		}
		_, err := idx.Services(ctx, "", sotepe.PageRequest{Cursor: c})
		_, serr := st.Services(ctx, "", sotepe.PageRequest{Cursor: c})
		if sotepe.ErrorKey(err) != "error.cursor" || sotepe.ErrorKey(serr) != "error.cursor" {
			t.Errorf("cursor %q: %v; store %v", c, err, serr)
		}
	}
	if _, err := idx.Services(ctx, "", sotepe.PageRequest{Limit: -1}); sotepe.ErrorKey(err) != "error.page_limit" {
		t.Errorf("negative limit: %v", err)
	}
}

func TestSmallListsAreCopies(t *testing.T) { testenv.Engines(t, testSmallListsAreCopies) }

func testSmallListsAreCopies(t *testing.T) {
	st := sharedStore(t)
	idx := newIndex(t, st, directory.Options{})
	ctx := context.Background()

	check := func(name string, got, want any, gerr, serr error) {
		t.Helper()
		if gerr != nil || serr != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v\n%+v\nstore: %+v", name, gerr, serr, got, want)
		}
	}
	a, err := idx.Areas(ctx)
	sa, serr := st.Areas(ctx)
	check("areas", a, sa, err, serr)
	c, err := idx.Concepts(ctx)
	sc, serr := st.Concepts(ctx)
	check("concepts", c, sc, err, serr)
	d, err := idx.Districts(ctx)
	sd, serr := st.Districts(ctx)
	check("districts", d, sd, err, serr)
	p, err := idx.Producers(ctx)
	sp, serr := st.Producers(ctx)
	check("producers", p, sp, err, serr)

	a[0].Names.Fi, c[0].ID, d[0].Names.Sv, p[0].Kind = "changed", "changed", "changed", "changed"
	a2, _ := idx.Areas(ctx)
	c2, _ := idx.Concepts(ctx)
	d2, _ := idx.Districts(ctx)
	p2, _ := idx.Producers(ctx)
	check("areas after a caller's change", a2, sa, nil, nil)
	check("concepts after a caller's change", c2, sc, nil, nil)
	check("districts after a caller's change", d2, sd, nil, nil)
	check("producers after a caller's change", p2, sp, nil, nil)

	// A caller's append to a unit's list does not reach the snapshot.
	u, err := idx.Unit(ctx, "kallio-health-station")
	if err != nil {
		t.Fatal(err)
	}
	_ = append(u.Services, "appended")
	_ = append(u.Languages, "xx")
	again, _ := idx.Unit(ctx, "kallio-health-station")
	if slices.Contains(again.Services[:cap(again.Services)], "appended") ||
		slices.Contains(again.Languages[:cap(again.Languages)], "xx") {
		t.Error("an append by a caller wrote into the snapshot")
	}
}

// renamed returns u with a new Finnish name.
func renamed(t *testing.T, st *store.Store, id, name string) sotepe.Unit {
	t.Helper()
	u, err := st.Unit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	u.Names.Fi = name
	if err := st.SaveUnit(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRefresh(t *testing.T) { testenv.Engines(t, testRefresh) }

func testRefresh(t *testing.T) {
	st := widenedStore(t)
	clk := testenv.NewClock(time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC))
	idx := newIndex(t, st, directory.Options{TTL: time.Minute, Now: clk.Now})
	ctx := context.Background()
	const id = "kallio-health-station"

	name := func() string {
		t.Helper()
		u, err := idx.Unit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u.Names.Fi
	}
	search := func(q string) []string {
		t.Helper()
		p, err := idx.Units(ctx, sotepe.UnitFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return ids(p.Items)
	}
	old := name()

	t.Run("Refresh", func(t *testing.T) {
		renamed(t, st, id, "Kallion terveysasema Zygote")
		clk.Add(30 * time.Second) // within the TTL: no reload
		if got := name(); got != old {
			t.Fatalf("before Refresh: %q, want the old %q", got, old)
		}
		if got := search("zygote"); len(got) != 0 {
			t.Fatalf("before Refresh, zygote finds %v", got)
		}
		if err := idx.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := name(); got != "Kallion terveysasema Zygote" {
			t.Fatalf("after Refresh: %q", got)
		}
		if got := search("ZYGOTE"); !slices.Equal(got, []string{id}) {
			t.Fatalf("after Refresh, zygote finds %v", got)
		}
	})

	t.Run("TTL", func(t *testing.T) {
		renamed(t, st, id, "Kallion terveysasema Äyräs")
		clk.Add(59 * time.Second)
		if got := name(); got != "Kallion terveysasema Zygote" {
			t.Fatalf("within the TTL: %q", got)
		}
		clk.Add(time.Second)
		// The read that finds the snapshot due still answers from it and
		// starts a reload in the background.
		if got := name(); got != "Kallion terveysasema Zygote" {
			t.Fatalf("the read that triggers the reload: %q", got)
		}
		deadline := time.Now().Add(10 * time.Second)
		for name() != "Kallion terveysasema Äyräs" {
			if time.Now().After(deadline) {
				t.Fatal("the background reload did not land")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if got := search("ayras"); !slices.Equal(got, []string{id}) {
			t.Fatalf("after the reload, ayras finds %v", got)
		}
		// The new name, with Ä after Z in Finnish, moves the unit in
		// the store's order, and the Index follows it.
		for _, lang := range []sotepe.Lang{sotepe.Finnish, sotepe.Swedish, sotepe.English} {
			f := sotepe.UnitFilter{SortLang: lang, Page: sotepe.PageRequest{Limit: 500}}
			want, err := st.Units(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := idx.Units(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s order after the reload:\n%v\nstore:\n%v", lang, ids(got.Items), ids(want.Items))
			}
		}
	})

	t.Run("renamed service", func(t *testing.T) {
		// A service's new name is searchable once the snapshot reloads,
		// as in the store, which reindexes the units that offer it.
		v, err := st.Service(ctx, "diabetes-care")
		if err != nil {
			t.Fatal(err)
		}
		v.Names.Sv = "Sockersjukevård Quokka"
		if err := st.SaveService(ctx, v); err != nil {
			t.Fatal(err)
		}
		if err := idx.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		f := sotepe.UnitFilter{Query: "quokka"}
		want, err := st.Units(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := search("quokka"); len(want.Items) == 0 || !slices.Equal(got, ids(want.Items)) {
			t.Fatalf("quokka finds %v, store %v", got, ids(want.Items))
		}
	})

	t.Run("renamed district", func(t *testing.T) {
		districts, err := st.Districts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(districts, func(d sotepe.District) bool { return d.ID == "kallio" })
		d := districts[i]
		d.Names.Sv = "Berghäll-Wombat"
		if err := st.SaveDistrict(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got := search("wombat"); len(got) != 0 {
			t.Fatalf("before Refresh, wombat finds %v", got)
		}
		if err := idx.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		f := sotepe.UnitFilter{Query: "WOMBAT", SortLang: sotepe.Swedish, Page: sotepe.PageRequest{Limit: 500}}
		want, err := st.Units(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := idx.Units(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Items) == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("wombat finds %v, store %v", ids(got.Items), ids(want.Items))
		}
	})
}

// TestConcurrentReadsAndReloads reads from many goroutines while snapshots
// are replaced by Refresh and by background reloads; run with -race.
func TestConcurrentReadsAndReloads(t *testing.T) { testenv.Engines(t, testConcurrentReadsAndReloads) }

func testConcurrentReadsAndReloads(t *testing.T) {
	st := widenedStore(t)
	clk := testenv.NewClock(time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC))
	idx := newIndex(t, st, directory.Options{TTL: time.Second, Now: clk.Now})
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			f := sotepe.UnitFilter{Query: []string{"kallio", "", "hammas", "home care"}[g], Page: sotepe.PageRequest{Limit: 7}}
			for {
				select {
				case <-stop:
					return
				default:
				}
				clk.Add(100 * time.Millisecond)
				p, err := idx.Units(ctx, f)
				if err != nil {
					t.Error(err)
					return
				}
				if len(p.Items) == 0 {
					t.Errorf("%+v finds nothing", f)
					return
				}
				if _, err := idx.Unit(ctx, p.Items[0].ID); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for k := range 5 {
		renamed(t, st, "kallio-health-station", fmt.Sprintf("Kallion terveysasema %d", k))
		if err := idx.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	u, err := idx.Unit(ctx, "kallio-health-station")
	if err != nil || u.Names.Fi != "Kallion terveysasema 4" {
		t.Fatalf("after the last Refresh: %q, %v", u.Names.Fi, err)
	}
}

// failing is a Directory whose reads fail while fail is set; calls counts
// the loads (each begins with Areas).
type failing struct {
	sotepe.Directory
	mu    sync.Mutex
	fail  bool
	calls int
}

func (f *failing) Areas(ctx context.Context) ([]sotepe.Area, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail {
		return nil, &sotepe.Error{Code: sotepe.EUnavailable, Message: "test: the database is down"}
	}
	return f.Directory.Areas(ctx)
}

// set makes reads fail or not and returns the loads so far.
func (f *failing) set(fail bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
	return f.calls
}

// TestFailedReload runs in a synctest bubble, so that synctest.Wait says
// when the background reloads are done instead of sleeps guessing it. Its
// source is an Index over the shared store, loaded outside the bubble (the
// bubble cannot wait on the database's I/O), so the reloads read memory.
func TestFailedReload(t *testing.T) {
	base := newIndex(t, sharedStore(t), directory.Options{TTL: 1000 * time.Hour})
	synctest.Test(t, func(t *testing.T) { testFailedReload(t, base) })
}

func testFailedReload(t *testing.T, base sotepe.Directory) {
	src := &failing{Directory: base, fail: true}
	if _, err := directory.New(src, directory.Options{}); sotepe.ErrorCode(err) != sotepe.EUnavailable {
		t.Fatalf("New over a failing source: %v, want unavailable", err)
	}
	src.set(false)
	clk := testenv.NewClock(time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC))
	logs := &testenv.Buffer{}
	idx := newIndex(t, src, directory.Options{TTL: time.Minute, Now: clk.Now, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ctx := context.Background()
	const failed = "reload failed"

	// Many concurrent readers find the snapshot due: one reload starts, it
	// fails, and every read is answered from the old snapshot.
	calls := src.set(true)
	clk.Add(time.Minute)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := idx.Unit(ctx, "kallio-health-station"); err != nil {
				t.Errorf("a failed reload must not fail reads: %v", err)
			}
		})
	}
	wg.Wait()
	settled(t, func() bool { return strings.Count(logs.String(), failed) == 1 })
	if got := src.set(true) - calls; got != 1 {
		t.Fatalf("%d reloads started by 50 reads, want 1", got)
	}

	// The failure is retried a TTL later, not before.
	clk.Add(59 * time.Second)
	for range 10 {
		idx.Areas(ctx)
	}
	synctest.Wait()
	if got := src.set(true) - calls; got != 1 {
		t.Fatalf("%d reloads within a TTL of the failure, want 1", got)
	}
	clk.Add(time.Second)
	idx.Areas(ctx)
	settled(t, func() bool { return strings.Count(logs.String(), failed) == 2 })
	if got := src.set(true) - calls; got != 2 {
		t.Fatalf("%d reloads a TTL after the failure, want 2", got)
	}

	if err := idx.Refresh(ctx); sotepe.ErrorCode(err) != sotepe.EUnavailable {
		t.Fatalf("Refresh over a failing source: %v", err)
	}
	if _, err := idx.Unit(ctx, "kallio-health-station"); err != nil {
		t.Fatalf("a failed Refresh must keep the snapshot: %v", err)
	}
	if strings.Contains(logs.String(), "kallio") {
		t.Error("the log names a unit")
	}

	// Once the source is back, the next due read reloads, and Close waits
	// for that reload.
	src.set(false)
	clk.Add(time.Minute)
	idx.Areas(ctx)
	idx.Close()
	if got := src.set(false) - calls; got != 4 {
		t.Fatalf("%d loads, want 4", got)
	}
	if n := strings.Count(logs.String(), failed); n != 2 {
		t.Fatalf("%d failures logged, want 2", n)
	}
	// A closed Index starts no reloads, and still answers.
	clk.Add(time.Hour)
	if _, err := idx.Unit(ctx, "kallio-health-station"); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	if got := src.set(false) - calls; got != 4 {
		t.Fatalf("a closed Index reloaded: %d loads, want 4", got)
	}
}

// settled waits until every goroutine of the test's synctest bubble is
// blocked (the background reloads have finished) and fails unless ok.
func settled(t *testing.T, ok func() bool) {
	t.Helper()
	synctest.Wait()
	if !ok() {
		t.Fatal("not so once the background work settled")
	}
}
