package directory

import (
	"testing"

	"sotepe/demo"
)

// TestBigramFilterHasNoFalseNegatives checks, without a store, that every
// piece of every unit's search text passes the unit's bigram filter and
// matches: the filter may only rule out units that cannot match.
func TestBigramFilterHasNoFalseNegatives(t *testing.T) {
	base, err := demo.BaseNetwork()
	if err != nil {
		t.Fatal(err)
	}
	n := demo.WidenNetwork(base, 349, 7)
	s := &snapshot{units: n.Units, districts: n.Districts, services: n.Services}
	s.index()
	ruledOut := 0
	for i, text := range s.text {
		for j := range len(text) {
			for _, l := range []int{1, 2, 3, 5, 8, 13, 40} {
				if j+l > len(text) {
					break
				}
				var q unitQuery
				q.setText(text[j : j+l])
				if !s.matches(int32(i), &q) {
					t.Fatalf("unit %s does not match %q, a piece of its own text", s.units[i].ID, q.text)
				}
			}
		}
		// The filter does rule out units: "zqxj" is in no text.
		var q unitQuery
		q.setText("zqxj")
		filter := s.bigrams[i*bigramWords : (i+1)*bigramWords]
		for _, bit := range q.bits[:q.nbits] {
			if filter[bit/64]&(1<<(bit%64)) == 0 {
				ruledOut++
				break
			}
		}
	}
	if ruledOut < len(s.text)*9/10 {
		t.Errorf("the filter rules out %d of %d units for zqxj; it should rule out nearly all", ruledOut, len(s.text))
	}
}
