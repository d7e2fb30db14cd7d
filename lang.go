package sotepe

import "strings"

// Lang is one of the languages sotepe serves on equal terms.
type Lang string

// The three languages of sotepe. Finnish is the fallback.
const (
	Finnish Lang = "fi"
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the supported languages in their fallback order.
var Langs = []Lang{Finnish, Swedish, English}

// ParseLang returns the Lang named by s ("fi", "sv" or "en", any case) and
// whether s named one.
func ParseLang(s string) (Lang, bool) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case Finnish:
		return Finnish, true
	case Swedish:
		return Swedish, true
	case English:
		return English, true
	}
	return "", false
}

// Names holds a name or short text in the three languages.
type Names struct {
	Fi string `json:"fi"`
	Sv string `json:"sv"`
	En string `json:"en"`
}

// In returns the text in lang, falling back to Finnish when it is empty.
func (n Names) In(lang Lang) string {
	switch lang {
	case Swedish:
		if n.Sv != "" {
			return n.Sv
		}
	case English:
		if n.En != "" {
			return n.En
		}
	}
	return n.Fi
}

// Complete reports whether the text exists in all three languages.
func (n Names) Complete() bool {
	return strings.TrimSpace(n.Fi) != "" && strings.TrimSpace(n.Sv) != "" && strings.TrimSpace(n.En) != ""
}
