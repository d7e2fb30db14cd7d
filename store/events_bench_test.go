package store_test

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/demo"
	"sotepe/internal/bare"
	"sotepe/internal/testenv"
)

// ingestBatch is the size of the batches the ingest benchmarks store: the
// most one POST /api/v1/events takes.
const ingestBatch = sotepe.MaxEventBatch

// BenchmarkIngest stores batches of 10,000 service events through
// Store.AddEvents beside the baseline of a prepared one-row INSERT in a
// loop (internal/bare), on SQLite and, when SOTEPE_TEST_POSTGRES is set,
// PostgreSQL. The "ratio" sub-benchmarks report sotepe ÷ bare in rows per
// second (docs/benchmarks.md):
//
//	go test -run '^$' -bench 'Ingest/.*/ratio' -benchtime 10x -count 3 ./store/
func BenchmarkIngest(b *testing.B) {
	for _, engine := range []testenv.Engine{testenv.SQLite, testenv.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d, units := testenv.Bare(b, engine)
			st := testenv.Open(b, engine)
			ctx := context.Background()
			if err := demo.LoadNetwork(ctx, st); err != nil {
				b.Fatal(err)
			}
			bare.Ingest(b, d, units, ingestBatch, func(events []sotepe.ServiceEvent) func(context.Context) error {
				for i := range events {
					events[i].ProducerID = "" // as clients send them: the store finds it
				}
				return func(ctx context.Context) error {
					res, err := st.AddEvents(ctx, events)
					if err == nil && res.Added != len(events) {
						b.Fatalf("added %d of %d", res.Added, len(events))
					}
					return err
				}
			})
		})
	}
}
