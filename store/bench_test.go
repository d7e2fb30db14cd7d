package store_test

import (
	"testing"

	"sotepe/store"
	"sotepe/store/storetest"
)

// The store's benchmarks are the suite's (package storetest), run here on
// SQLite and, when SOTEPE_TEST_POSTGRES is set, on PostgreSQL. Results are in
// docs/benchmarks.md.

// onEngines runs bench as a sub-benchmark per engine, named by the engine.
func onEngines(b *testing.B, bench func(*testing.B, storetest.Opener)) {
	b.Run(store.SQLite, func(b *testing.B) { bench(b, storetest.OpenSQLite) })
	b.Run(store.Postgres, func(b *testing.B) { bench(b, storetest.OpenPostgres) })
}

func BenchmarkContactQueue(b *testing.B) { onEngines(b, storetest.BenchmarkContactQueue) }

func BenchmarkContactStats(b *testing.B) { onEngines(b, storetest.BenchmarkContactStats) }

func BenchmarkFeedbackNPSByUnit(b *testing.B) { onEngines(b, storetest.BenchmarkFeedbackNPSByUnit) }

// BenchmarkUnits is the directory's query from many goroutines, on SQLite.
func BenchmarkUnits(b *testing.B) { storetest.BenchmarkUnits(b, storetest.OpenSQLite) }

func BenchmarkAuditReads(b *testing.B) { onEngines(b, storetest.BenchmarkAuditReads) }

func BenchmarkContactBacklog(b *testing.B) { onEngines(b, storetest.BenchmarkContactBacklog) }

func BenchmarkChatFigures(b *testing.B) { onEngines(b, storetest.BenchmarkChatFigures) }
