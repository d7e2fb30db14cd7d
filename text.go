package sotepe

import (
	"strings"
	"unicode/utf8"
)

// CheckText returns nil when s is text sotepe can store on every engine:
// valid UTF-8 without NUL characters (PostgreSQL refuses both, SQLite would
// keep them and show them back broken). Otherwise it is EInvalid with the
// key "error.text_invalid" naming field. The web layer checks every form
// value, query parameter, path and JSON string with it before a handler
// runs; services may check their own text with it too.
func CheckText(field, s string) error {
	if ValidText(s) {
		return nil
	}
	return Invalid("error.text_invalid", "text holds NUL or invalid UTF-8").With(map[string]any{"Field": field}).At(field)
}

// ValidText reports whether s is valid UTF-8 without NUL characters.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
