package view

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"sotepe"
)

// CSV writes a CSV download: a header line, then one line per Row.
type CSV struct {
	cw *csv.Writer
}

// NewCSV sets the headers of a CSV download named filename on w and writes
// the header line.
func NewCSV(w http.ResponseWriter, filename string, header ...string) *CSV {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	c := &CSV{cw: csv.NewWriter(w)}
	c.Row(header...)
	return c
}

// Row writes one line. A failed write shows in Close.
func (c *CSV) Row(cells ...string) { _ = c.cw.Write(cells) }

// Close flushes the lines and returns the first error of writing them.
func (c *CSV) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// Text keeps a spreadsheet from reading a text cell as a formula.
func Text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Group is the four cells naming a group: its id and its names in fi, sv
// and en, each through Text.
func Group(id string, n sotepe.Names) []string {
	return []string{Text(id), Text(n.Fi), Text(n.Sv), Text(n.En)}
}

// Int writes a whole number for a CSV cell.
func Int(v int64) string { return strconv.FormatInt(v, 10) }

// OptFloat writes a number for a CSV cell in full precision; nil is the
// empty cell that stands for null.
func OptFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
