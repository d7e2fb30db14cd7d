package report_test

import (
	"context"
	"os"
	"testing"
	"time"

	"sotepe"
	"sotepe/report"
	"sotepe/store"
	"sotepe/workday"
)

// The report's reads over a loaded year. They need a database with a year
// in it, named by SOTEPE_BENCH_YEAR_DB (a SQLite path or a postgres:// URL),
// e.g. the full year `sotepe generate --year 2024 --scale 1` writes:
//
//	SOTEPE_BENCH_YEAR_DB=/tmp/year2024.db go test -run - -bench . -benchtime 20x ./report/
//
// Without it they skip. The database is opened and migrated, not changed.

func benchGatherer(b *testing.B) (report.Gatherer, *report.Indicators) {
	b.Helper()
	dsn := os.Getenv("SOTEPE_BENCH_YEAR_DB")
	if dsn == "" {
		b.Skip("set SOTEPE_BENCH_YEAR_DB to a database with a generated year")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	org, err := report.LoadOrg(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	cal, err := workday.New()
	if err != nil {
		b.Fatal(err)
	}
	inds, err := report.Load()
	if err != nil {
		b.Fatal(err)
	}
	return report.Gatherer{Store: st, Org: org, Now: time.Now, WorkingTime: cal.WorkingHoursBetween}, inds
}

func BenchmarkAnnualReport(b *testing.B) {
	g, inds := benchGatherer(b)
	ctx := context.Background()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := report.BuildAnnual(ctx, g, inds, 2024); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("facts", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Facts(ctx, report.Filter{From: "2024-01-01", To: "2024-12-31"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("volumes-by-everything", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Store.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-01-01", To: "2024-12-31", GroupBy: sotepe.VolumeDims}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("volumes-by-service", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Store.EventVolumes(ctx, sotepe.VolumeQuery{From: "2024-01-01", To: "2024-12-31",
				GroupBy: []sotepe.VolumeDim{sotepe.VolumeService}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("feedback-by-unit-month", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Store.FeedbackCounts(ctx, sotepe.FeedbackCountsQuery{From: "2024-01-01", To: "2024-12-31",
				Dim: sotepe.FeedbackDimUnit, ByMonth: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("contacts-by-unit-month", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.Store.ContactStatsRows(ctx, sotepe.ContactStatsQuery{From: "2024-01-01", To: "2024-12-31",
				Dim: sotepe.DimUnit, Interval: sotepe.IntervalMonth, Now: time.Now(), WorkingTime: g.WorkingTime}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
