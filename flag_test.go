package sotepe

import "testing"

func TestParseFlag(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
		ok   bool
	}{{"", false, true}, {"false", false, true}, {"true", true, true}, {"maybe", false, false}, {"1", false, false}, {"TRUE", false, false}} {
		got, err := ParseFlag("mine", c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ParseFlag(%q) = %v, %v", c.in, got, err)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Errorf("ParseFlag(%q) code %q", c.in, ErrorCode(err))
		}
	}
}
