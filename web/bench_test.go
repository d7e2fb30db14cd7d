package web_test

import (
	"net/http"
	"testing"

	"sotepe/directory"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/web"
)

// BenchmarkUnitsSearch measures the whole handler chain of the directory
// search over the 349-unit network, without the network in between:
// go test -run ^$ -bench UnitsSearch -benchmem ./web/
func BenchmarkUnitsSearch(b *testing.B) {
	st := openStore(b, store.SQLite)
	testenv.SaveCity(b, st)
	dir, err := directory.New(st, directory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer dir.Close()
	s := benchServer(b, st, web.Config{Directory: dir})
	for _, q := range []string{"kallio", "hammashoitola"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := benchGet(s, "/api/v1/units?q="+q, nil, "Accept-Language", "fi-FI,fi;q=0.9,en;q=0.8")
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		})
	}
}
