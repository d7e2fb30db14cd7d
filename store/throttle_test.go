package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestLoginFailures(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		ctx := context.Background()
		t0 := time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC)
		a, b := []byte("key-a"), []byte("key-b")
		forget := func(at time.Time) time.Time { return at.Add(-time.Hour) }
		for i := range 3 {
			at := t0.Add(time.Duration(i) * time.Second)
			if err := s.RecordLoginFailure(ctx, [][]byte{a, b, a}, at, forget(at)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordLoginFailure(ctx, [][]byte{b}, t0.Add(5*time.Second), forget(t0)); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoginFailureCounts(ctx, [][]byte{a, b, []byte("never")}, forget(t0))
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Failures != 3 || !got[0].Last.Equal(t0.Add(2*time.Second)) {
			t.Errorf("a = %+v, want 3 failures last at t0+2s (a key named twice counts once)", got[0])
		}
		if got[1].Failures != 4 || !got[1].Last.Equal(t0.Add(5*time.Second)) {
			t.Errorf("b = %+v, want 4 failures last at t0+5s", got[1])
		}
		if got[2].Failures != 0 {
			t.Errorf("never counted key = %+v, want zero", got[2])
		}

		// Clearing forgets one key only.
		if err := s.ClearLoginFailures(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, _ = s.LoginFailureCounts(ctx, [][]byte{a, b}, forget(t0))
		if got[0].Failures != 0 || got[1].Failures != 4 {
			t.Errorf("after clearing a: %+v, want a 0 and b 4", got)
		}

		// Two hours later b's old failures do not count: read as zero,
		// a new failure starts over at 1, and the old row of another key is swept.
		c := []byte("key-c")
		if err := s.RecordLoginFailure(ctx, [][]byte{c}, t0, forget(t0)); err != nil {
			t.Fatal(err)
		}
		later := t0.Add(2 * time.Hour)
		got, _ = s.LoginFailureCounts(ctx, [][]byte{b}, forget(later))
		if got[0].Failures != 0 {
			t.Errorf("b read after an hour's quiet = %+v, want zero", got[0])
		}
		if err := s.RecordLoginFailure(ctx, [][]byte{b}, later, forget(later)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.LoginFailureCounts(ctx, [][]byte{b}, forget(later))
		if got[0].Failures != 1 {
			t.Errorf("b after a quiet hour and one failure = %+v, want 1", got[0])
		}
		var rows int
		if err := s.readers.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Errorf("%d rows left after the sweep, want 1 (only b's new row)", rows)
		}

		// Concurrent failures of one key all count (PostgreSQL's pool
		// writes them on several connections at once).
		d := []byte("key-d")
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.RecordLoginFailure(ctx, [][]byte{d, b}, later, forget(later))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, _ = s.LoginFailureCounts(ctx, [][]byte{d, b}, forget(later))
		if got[0].Failures != 20 || got[1].Failures != 21 {
			t.Errorf("after 20 concurrent failures: %+v, want 20 and 21", got)
		}
	})
}
