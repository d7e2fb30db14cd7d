package sotepe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{"", true}, {"Hyvää päivää, Åsa! 👋", true}, {"rivi\nrivi\ttab", true},
		{"a\x00b", false}, {"\x00", false}, {"a\xffb", false}, {"\xc3", false}, {"\xed\xa0\x80", false}, // a lone surrogate
	} {
		err := CheckText("comment", c.s)
		if (err == nil) != c.ok {
			t.Errorf("CheckText(%q) = %v, want ok %v", c.s, err, c.ok)
		}
		if err != nil && (ErrorCode(err) != EInvalid || ErrorKey(err) != "error.text_invalid" || ErrorArgs(err)["Field"] != "comment") {
			t.Errorf("CheckText(%q) = %#v, want EInvalid error.text_invalid naming the field", c.s, err)
		}
	}
}

// FuzzCheckText: NUL and invalid UTF-8 are always refused, everything else
// always accepted, and nothing panics.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "a", "a\x00b", "\xff", "ääkkönen", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bad := !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0
		err := CheckText("f", s)
		if bad != (err != nil) {
			t.Fatalf("CheckText(%q) = %v, bad %v", s, err, bad)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Fatalf("CheckText(%q) code %q, want invalid", s, ErrorCode(err))
		}
	})
}
