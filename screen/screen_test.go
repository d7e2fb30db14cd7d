package screen

import (
	"strings"
	"testing"
	"time"

	"sotepe"
)

func TestText(t *testing.T) {
	id := sotepe.SyntheticPersonalID(time.Date(1985, 3, 12, 0, 0, 0, 0, time.UTC), 912)
	cases := []struct {
		in, want string
		masked   bool
	}{
		{"Hyvä palvelu!", "Hyvä palvelu!", false},
		{"  trimmed  ", "trimmed", false},
		{"Soita 040 123 4567 kiitos", "Soita [***] kiitos", true},
		{"ring 0401234567.", "ring [***].", true},
		{"tel 09-310 5015", "tel [***]", true},
		{"call +358 40 123 4567 now", "call [***] now", true},
		{"call +358 (0)40 1234567", "call [***]", true},
		{"or 00358401234567", "or [***]", true},
		{"hetu " + id + " ok", "hetu [***] ok", true},
		{"lower " + strings.ToLower(id), "lower [***]", true},
		{"wrong check 120385-912X", "wrong check [***]", true},
		{"2000s mark 010203A9124", "2000s mark [***]", true},
		{"mail anna.virtanen@example.fi please", "mail [***] please", true},
		{"Erik <erik+x@mail.example.org>", "Erik <[***]>", true},
		// Dates, times, years, counts and short numbers stay.
		{"Käynti 12.3.2024 klo 10.00-12.00", "Käynti 12.3.2024 klo 10.00-12.00", false},
		{"odotin 45 min, huone 0123", "odotin 45 min, huone 0123", false},
		{"vuodet 2020-2024", "vuodet 2020-2024", false},
		{"score 10/10", "score 10/10", false},
		{"two: 040 123 4567 and a@b.fi", "two: [***] and [***]", true},
	}
	for _, c := range cases {
		got, masked := Text(c.in)
		if got != c.want || masked != c.masked {
			t.Errorf("Text(%q) = %q, %v; want %q, %v", c.in, got, masked, c.want, c.masked)
		}
	}
}
