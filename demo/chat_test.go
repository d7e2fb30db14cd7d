package demo

import (
	"slices"
	"testing"

	"sotepe"
)

// TestChatLines checks the demo's chat services: they parse and pass their
// checks, and one of them is open at every hour and answered by the nurse's
// health station, as the demo promises.
func TestChatLines(t *testing.T) {
	lines, err := ChatLines()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 {
		t.Fatalf("%d chat services, want at least 3", len(lines))
	}
	var nurse []string
	for _, p := range people() {
		if p.account.Username == "nurse" {
			nurse = p.units
		}
	}
	i := slices.IndexFunc(lines, func(l sotepe.ChatLine) bool {
		return l.Hours.AlwaysOpen && slices.ContainsFunc(l.Units, func(u string) bool { return slices.Contains(nurse, u) })
	})
	if i < 0 {
		t.Fatalf("no chat service is open around the clock for the nurse's units %v", nurse)
	}
	ids := map[string]bool{}
	for _, l := range lines {
		if ids[l.ID] {
			t.Errorf("chat service %s is listed twice", l.ID)
		}
		ids[l.ID] = true
	}
}
