package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"sotepe/contact"
	"sotepe/demo"
	"sotepe/directory"
	"sotepe/docs"
	"sotepe/i18n"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// BenchmarkUnitsSearch measures the whole handler chain of the directory
// search over the 349-unit network, without the network in between:
// go test -run ^$ -bench UnitsSearch -benchmem ./web/
func BenchmarkUnitsSearch(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	base, err := demo.BaseNetwork()
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.WidenNetwork(base, 349, 2024).Save(ctx, st); err != nil {
		b.Fatal(err)
	}
	dir, err := directory.New(st, directory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer dir.Close()
	cat, _ := i18n.New()
	loc, _ := time.LoadLocation("Europe/Helsinki")
	cal, err := workday.NewLive(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	s, err := web.New(withServices(b, web.Config{Store: st, Directory: dir, Catalog: cat, Location: loc, OpenAPI: docs.OpenAPI,
		Calendar: cal, Contacts: contact.New(contact.Config{Store: st, Directory: dir, Calendar: cal})}))
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"kallio", "hammashoitola"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", "/api/v1/units?q="+q, nil)
					req.Header.Set("Accept-Language", "fi-FI,fi;q=0.9,en;q=0.8")
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		})
	}
}
