package sotepe_test

import (
	"slices"
	"testing"

	"sotepe"
)

// TestSuppressComplement checks secondary suppression: a cell that the
// group's shown total would give away is hidden with the next smallest,
// and hidden cells holding fewer than five people together get company.
func TestSuppressComplement(t *testing.T) {
	for _, c := range []struct {
		name       string
		values     []int64
		hidden     []bool
		totalShown bool
		want       []bool
	}{
		{"one hidden: the smallest shown goes too", []int64{80, 3, 63, 70}, []bool{false, true, false, false}, true, []bool{false, true, true, false}},
		{"total hidden: nothing to work out", []int64{80, 3, 63}, []bool{false, true, false}, false, []bool{false, true, false}},
		{"two hidden of five or more together", []int64{3, 4, 40}, []bool{true, true, false}, true, []bool{true, true, false}},
		{"two hidden of three together", []int64{1, 2, 40, 9}, []bool{true, true, false, false}, true, []bool{true, true, false, true}},
		{"two hidden zeros tell of nobody", []int64{0, 0, 40}, []bool{true, true, false}, true, []bool{true, true, false}},
		{"none hidden", []int64{5, 6}, []bool{false, false}, true, []bool{false, false}},
		{"only hidden", []int64{2}, []bool{true}, true, []bool{true}},
		{"a shown zero is not enough", []int64{2, 0, 30}, []bool{true, false, false}, true, []bool{true, true, true}},
	} {
		hidden := slices.Clone(c.hidden)
		got := sotepe.SuppressComplement(c.values, hidden, c.totalShown)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if !slices.Equal(hidden, c.hidden) {
			t.Errorf("%s: the argument was changed", c.name)
		}
	}
}
