package directory_test

import (
	"context"
	"slices"
	"testing"

	"sotepe"
	"sotepe/directory"
)

func benchIndex(b *testing.B) *directory.Index {
	b.Helper()
	return newIndex(b, sharedStore(b), directory.Options{})
}

func benchUnits(b *testing.B, d sotepe.Directory, f sotepe.UnitFilter, want int) {
	b.Helper()
	ctx := context.Background()
	p, err := d.Units(ctx, f)
	if err != nil || len(p.Items) != want {
		b.Fatalf("%d units, %v; want %d", len(p.Items), err, want)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Units(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnitsQuery is the directory search: q=kallio over 349 units.
func BenchmarkUnitsQuery(b *testing.B) {
	benchUnits(b, benchIndex(b), sotepe.UnitFilter{Query: "kallio"}, 14)
}

// BenchmarkUnitsAll is the first page of the whole directory.
func BenchmarkUnitsAll(b *testing.B) {
	benchUnits(b, benchIndex(b), sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 50}}, 50)
}

// BenchmarkUnitsQueryNoMatch scans every unit's search text and finds
// nothing: the worst case for a query.
func BenchmarkUnitsQueryNoMatch(b *testing.B) {
	benchUnits(b, benchIndex(b), sotepe.UnitFilter{Query: "zzz"}, 0)
}

// BenchmarkUnitsQueryParallel is the search from many goroutines at once.
func BenchmarkUnitsQueryParallel(b *testing.B) {
	idx := benchIndex(b)
	ctx := context.Background()
	f := sotepe.UnitFilter{Query: "kallio"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := idx.Units(ctx, f); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkStoreUnitsQuery is the same search on the store, for comparison.
func BenchmarkStoreUnitsQuery(b *testing.B) {
	benchUnits(b, sharedStore(b), sotepe.UnitFilter{Query: "kallio"}, 14)
}

// BenchmarkDeepCopyUnits measures what deep-copying a page of 50 units
// would add to every Units call, the price of not sharing the snapshot's
// slices with callers.
func BenchmarkDeepCopyUnits(b *testing.B) {
	p, err := benchIndex(b).Units(context.Background(), sotepe.UnitFilter{Page: sotepe.PageRequest{Limit: 50}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out := make([]sotepe.Unit, len(p.Items))
		for i, u := range p.Items {
			u.Concepts = slices.Clone(u.Concepts)
			u.Services = slices.Clone(u.Services)
			u.Languages = slices.Clone(u.Languages)
			u.Hours.Regular = slices.Clone(u.Hours.Regular)
			u.Hours.Exceptions = slices.Clone(u.Hours.Exceptions)
			out[i] = u
		}
	}
}
