package bare

import (
	"context"
	"testing"
	"time"

	"sotepe"
)

// Path is sotepe's way of storing a batch, as a benchmark compares it with
// the baseline: given the events (their producer filled in), it does what
// must happen before the clock starts (such as encoding a request body) and
// returns the run to time.
type Path func(events []sotepe.ServiceEvent) (run func(ctx context.Context) error)

// Ingest runs the sub-benchmarks of storing batches of n events made by
// Events over units:
//
//   - "bare": InsertEvents on d, a batch an iteration;
//   - "sotepe": path on its own database, a batch an iteration;
//   - "ratio": a batch of each an iteration, the baseline first, reporting
//     the rows per second of each and sotepe ÷ bare ("ratio"), so that both
//     sides see the same moments of a noisy machine.
//
// Every batch is new events (external ids go on from the last batch on the
// same database), so both tables grow as the benchmark runs, equally.
func Ingest(b *testing.B, d *DB, units []Unit, n int, path Path) {
	ctx := context.Background()
	var nextBare, nextSotepe int
	bareBatch := func() (time.Duration, error) {
		evs := Events("bench", nextBare, n, units)
		nextBare += n
		start := time.Now()
		err := d.InsertEvents(ctx, evs)
		return time.Since(start), err
	}
	sotepeBatch := func() (time.Duration, error) {
		run := path(Events("bench", nextSotepe, n, units))
		nextSotepe += n
		start := time.Now()
		err := run(ctx)
		return time.Since(start), err
	}
	single := func(batch func() (time.Duration, error)) func(b *testing.B) {
		return func(b *testing.B) {
			var spent time.Duration
			for b.Loop() {
				took, err := batch()
				if err != nil {
					b.Fatal(err)
				}
				spent += took
			}
			b.ReportMetric(float64(n*b.N)/spent.Seconds(), "rows/s")
		}
	}
	b.Run("bare", single(bareBatch))
	b.Run("sotepe", single(sotepeBatch))
	b.Run("ratio", func(b *testing.B) {
		var bare, own time.Duration
		for b.Loop() {
			took, err := bareBatch()
			if err != nil {
				b.Fatal(err)
			}
			bare += took
			if took, err = sotepeBatch(); err != nil {
				b.Fatal(err)
			}
			own += took
		}
		rows := float64(n * b.N)
		b.ReportMetric(rows/bare.Seconds(), "bare_rows/s")
		b.ReportMetric(rows/own.Seconds(), "sotepe_rows/s")
		b.ReportMetric(bare.Seconds()/own.Seconds(), "ratio")
	})
}
