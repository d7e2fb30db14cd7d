// Package screen takes personal data out of free text a resident writes
// before staff see it: feedback comments, survey answers and chat messages
// name no e-mail address, personal identity code or phone number once they
// are screened. Screening is pure: it keeps no state and reads nothing.
package screen

import (
	"regexp"
	"strings"
)

// Mask replaces what screening takes out of a text.
const Mask = "[***]"

// The patterns screening looks for. They are read-only after
// initialisation.
var (
	// An e-mail address.
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// A Finnish personal identity code in the form sotepe.ParsePersonalID
	// reads (DDMMYY, a century mark, the individual number, the check
	// character), whether or not its check character is right: a mistyped
	// code still points to a person. The marks are those of centuryMarks.
	personalIDPattern = regexp.MustCompile(`(?i)\b\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Z]\b`)
	// A phone number: international (+358 or 00358 …) or national with a
	// leading zero (040 123 4567, 09-310 5015), digits grouped by spaces or
	// hyphens. Dates (1.2.2024) and times (10.00–12.00) use dots and are
	// left alone.
	phonePattern = regexp.MustCompile(`(?:\+|\b00)\d{1,3}(?:[ \-]?\(0\))?(?:[ \-]?\d{1,4}){2,5}\b|\b0\d{1,3}(?:[ \-]?\d{2,4}){1,4}\b`)
)

// Text returns text with e-mail addresses, personal identity codes and
// phone numbers (at least seven digits) replaced by Mask, and whether it
// masked anything. Space around the text is trimmed.
func Text(text string) (string, bool) {
	s := strings.TrimSpace(text)
	masked := false
	replace := func(re *regexp.Regexp, keep func(string) bool) {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			if keep != nil && keep(m) {
				return m
			}
			masked = true
			return Mask
		})
	}
	replace(emailPattern, nil)
	replace(personalIDPattern, nil)
	replace(phonePattern, func(m string) bool {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		return digits < 7 || digits > 15
	})
	return s, masked
}
