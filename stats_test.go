package sotepe_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"sotepe"
)

// TestStatsArithmetic checks the pieces the figures stand on:
// percentiles by linear interpolation, ISO weeks and period counts.
func TestStatsArithmetic(t *testing.T) {
	h := int32(3600)
	for _, tc := range []struct {
		values []int32
		p      float64
		want   float64
	}{
		{[]int32{10 * h, h, 2 * h}, 0.5, float64(2 * h)},
		{[]int32{10 * h, h, 2 * h}, 0.9, 8.4 * 3600},
		{[]int32{h, 2 * h, 10 * h, 23 * h}, 0.5, float64(6 * h)},
		{[]int32{7}, 0.9, 7},
		{[]int32{5, 5, 5, 5, 1, 9}, 0.5, 5},
		{[]int32{4, 1, 3, 2}, 0, 1},
		{[]int32{4, 1, 3, 2}, 1, 4},
	} {
		if got := sotepe.Percentile(append([]int32(nil), tc.values...), tc.p); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tc.values, tc.p, got, tc.want)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for d, want := range map[string]string{"2026-12-31": "2026-W53", "2027-01-03": "2026-W53", "2027-01-04": "2027-W01", "2024-12-30": "2025-W01"} {
		if got := sotepe.IntervalWeek.Period(day(d)); got != want {
			t.Errorf("week of %s = %s, want %s", d, got, want)
		}
	}
	for _, tc := range []struct {
		interval sotepe.StatsInterval
		from, to string
		want     int
	}{
		{sotepe.IntervalDay, "2026-03-01", "2026-03-31", 31},
		{sotepe.IntervalWeek, "2026-11-29", "2026-11-30", 2}, // Sunday, Monday
		{sotepe.IntervalWeek, "2026-11-23", "2026-11-29", 1},
		{sotepe.IntervalMonth, "2025-12-31", "2026-01-01", 2},
		{sotepe.IntervalDay, "0001-01-01", "9999-12-31", 3652059},
	} {
		if got := tc.interval.PeriodCount(day(tc.from), day(tc.to)); got != tc.want {
			t.Errorf("%s periods %s–%s = %d, want %d", tc.interval, tc.from, tc.to, got, tc.want)
		}
		if tc.want < 100 {
			if got := len(tc.interval.Periods(day(tc.from), day(tc.to))); got != tc.want {
				t.Errorf("%s periods %s–%s listed %d, want %d", tc.interval, tc.from, tc.to, got, tc.want)
			}
		}
	}
}

// TestFoldRounds folds until a round folds nothing, a round fails, the
// context ends or the rounds run out, and counts what was folded.
func TestFoldRounds(t *testing.T) {
	ctx := context.Background()
	left := 7
	fold := func(_ context.Context, limit int) (int, error) {
		n := min(left, limit)
		left -= n
		return n, nil
	}
	if n, err := sotepe.FoldRounds(ctx, 10, 3, fold); n != 7 || err != nil || left != 0 {
		t.Errorf("folded %d (%v), %d left; want 7, nil, 0", n, err, left)
	}
	left = 7
	if n, err := sotepe.FoldRounds(ctx, 2, 3, fold); n != 6 || err != nil || left != 1 {
		t.Errorf("two rounds folded %d (%v), %d left; want 6, nil, 1", n, err, left)
	}
	failed := errors.New("busy")
	rounds := 0
	n, err := sotepe.FoldRounds(ctx, 10, 3, func(context.Context, int) (int, error) {
		rounds++
		return 2, failed
	})
	if n != 2 || !errors.Is(err, failed) || rounds != 1 {
		t.Errorf("a failing round: %d, %v after %d rounds", n, err, rounds)
	}
	cctx, cancel := context.WithCancel(ctx)
	rounds = 0
	n, err = sotepe.FoldRounds(cctx, 10, 3, func(context.Context, int) (int, error) {
		rounds++
		cancel()
		return 3, nil
	})
	if n != 3 || err != nil || rounds != 1 {
		t.Errorf("an ended context: %d, %v after %d rounds", n, err, rounds)
	}
}
