package rescue

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// MissionColumns are the columns of a missions CSV file, which its header
// names in any order; district is optional. Times are RFC 3339
// ("2024-03-01T12:34:56+02:00") or local Helsinki time "2024-03-01
// 12:34:56" (seconds optional).
var MissionColumns = []string{"external_id", "station", "type", "urgency", "risk_class", "district",
	"call_received", "alarm", "departure", "on_scene", "cleared"}

// LineError is a bad line of an import file: its line number (the header
// is line 1), the column, and the error, an EInvalid *sotepe.Error whose
// key explains it; sotepe.ErrorCode and ErrorKey read the cause.
type LineError struct {
	Line   int
	Column string
	Err    error
}

// Error names the line, the column and the cause in English.
func (e *LineError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ", " + e.Column + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// ParseMissions reads a missions CSV file whole. A file that is not CSV,
// has an unknown or missing column or a bad row returns a *LineError for
// the first bad line (its cause names the field) and no missions; more
// than sotepe.MaxRescueBatch rows is EInvalid ("error.rescue_batch").
// lines gives each mission's line in the file, for the errors the store
// finds later (LineOf).
func ParseMissions(r io.Reader, loc *time.Location) (ms []sotepe.RescueMission, lines []int, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, &LineError{Line: 1, Column: "-", Err: sotepe.Invalid("error.rescue_csv", "not a CSV file")}
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(MissionColumns, h) {
			return nil, nil, &LineError{Line: 1, Column: h, Err: sotepe.Invalid("error.rescue_csv_column", "unknown column")}
		}
		col[h] = i
	}
	for _, c := range MissionColumns {
		if _, ok := col[c]; !ok && c != "district" {
			return nil, nil, &LineError{Line: 1, Column: c, Err: sotepe.Invalid("error.rescue_csv_missing", "a column is missing")}
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return ms, lines, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, nil, &LineError{Line: line, Column: "-", Err: sotepe.Invalid("error.rescue_csv", "not a CSV file")}
		}
		if len(ms) == sotepe.MaxRescueBatch {
			return nil, nil, sotepe.Invalid("error.rescue_batch", "too many rows").With(map[string]any{"Max": sotepe.MaxRescueBatch})
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		m := sotepe.RescueMission{ExternalID: get("external_id"), StationID: get("station"), Type: sotepe.AccidentType(get("type")),
			Urgency: sotepe.RescueUrgency(get("urgency")), RiskClass: sotepe.RiskClass(get("risk_class")), District: get("district")}
		for _, t := range []struct {
			name string
			to   *time.Time
		}{{"call_received", &m.CallAt}, {"alarm", &m.AlarmAt}, {"departure", &m.DepartedAt}, {"on_scene", &m.OnSceneAt}, {"cleared", &m.ClearedAt}} {
			v := get(t.name)
			if v == "" {
				continue // Validate names it
			}
			at, ok := parseTime(v, loc)
			if !ok {
				return nil, nil, &LineError{Line: line, Column: t.name, Err: sotepe.InvalidField(t.name, "error.rescue_time_format", "bad time")}
			}
			*t.to = at
		}
		if err := m.Validate(); err != nil {
			return nil, nil, &LineError{Line: line, Column: sotepe.ErrorField(err), Err: err}
		}
		ms = append(ms, m)
		lines = append(lines, line)
	}
}

// LineOf turns an error of the store about the mission at Args "Index"
// into a *LineError of its line; other errors come back as they are.
func LineOf(err error, lines []int) error {
	i, ok := sotepe.ErrorArgs(err)["Index"].(int)
	if !ok || sotepe.ErrorCode(err) != sotepe.EInvalid || i < 0 || i >= len(lines) {
		return err
	}
	return &LineError{Line: lines[i], Column: sotepe.ErrorField(err), Err: err}
}

// parseTime reads an RFC 3339 time or a local time in loc.
func parseTime(v string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{time.DateTime, "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Explain writes err for a person in language l with the catalog's t: the
// cause, after the line and the column when err is a *LineError.
func Explain(t func(sotepe.Lang, string, map[string]any) string, l sotepe.Lang, err error) string {
	reason := t(l, sotepe.ErrorKey(err), sotepe.ErrorArgs(err))
	var le *LineError
	if errors.As(err, &le) {
		return t(l, "rescue.import.line", map[string]any{"Line": le.Line, "Column": le.Column}) + ": " + reason
	}
	return reason
}
