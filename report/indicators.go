// Package report computes the sector's indicators, the management dashboard's
// figures and the annual report "the sector's year" from the aggregates the
// store keeps: service-event volumes, the figures of the answer promise and
// the feedback counts. It holds no personal data: every input is a count.
//
// Indicators are data (indicators.json), the way health-information systems
// such as DHIS2 define them: a numerator and an optional denominator, each a
// sum of facts chosen by source, statistic, measure, mode or field, and a
// factor. An indicator's value for a group is factor × Σnumerator ÷
// Σdenominator over the facts of the group, so it rolls up the organisation
// tree (unit → service area → sector) and across producers by adding the
// sums, never by averaging the shares.
package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"sotepe"
)

//go:embed indicators.json
var indicatorsJSON []byte

// The sources of facts.
const (
	SourceEvents   = "events"           // service-event volumes
	SourceContacts = "contact_requests" // the figures of the answer promise
	SourceFeedback = "feedback"         // the answers to the recommendation question
)

// The fields of the contact-request and feedback facts.
const (
	FieldReceived       = "received"
	FieldAnswered       = "answered"
	FieldAnsweredInTime = "answered_in_time"
	// FieldKnownOutcome is the requests whose outcome is known: answered,
	// or missed without an answer (stats.go's share in time).
	FieldKnownOutcome = "known_outcome"
	FieldResponses    = "responses"
	FieldPromoters    = "promoters"
	FieldPassives     = "passives"
	FieldDetractors   = "detractors"
	// FieldNet is promoters less detractors, the numerator of the NPS.
	FieldNet = "net"
)

// measureOf is the measure of each statistic, a read-only lookup table.
var measureOf = func() map[string]sotepe.Measure {
	m := make(map[string]sotepe.Measure, len(sotepe.Statistics))
	for _, st := range sotepe.Statistics {
		m[st.Key] = st.Measure
	}
	return m
}()

// sourceFields lists the fields each source's facts carry; events carry
// none (their value is a count of the statistic).
var sourceFields = map[string][]string{
	SourceEvents:   nil,
	SourceContacts: {FieldReceived, FieldAnswered, FieldAnsweredInTime, FieldKnownOutcome},
	SourceFeedback: {FieldResponses, FieldPromoters, FieldPassives, FieldDetractors, FieldNet},
}

// Operand chooses the facts a numerator or denominator adds up.
type Operand struct {
	Source string `json:"source"`
	// Statistics, Measures and Modes narrow the events (empty: all);
	// Exclude leaves statistics out.
	Statistics []string           `json:"statistics,omitempty"`
	Measures   []sotepe.Measure   `json:"measures,omitempty"`
	Modes      []sotepe.EventMode `json:"modes,omitempty"`
	Exclude    []string           `json:"exclude,omitempty"`
	// Field is the field of a contact-request or feedback fact.
	Field string `json:"field,omitempty"`
}

// Indicator is one indicator's definition.
type Indicator struct {
	ID          string       `json:"id"`
	Names       sotepe.Names `json:"names"`
	Numerator   Operand      `json:"numerator"`
	Denominator *Operand     `json:"denominator,omitempty"`
	Factor      float64      `json:"factor"`
	// MinDenominator withholds the value of a group whose denominator is
	// smaller (the NPS of fewer than five answers could point to a person).
	MinDenominator int64 `json:"min_denominator,omitempty"`
	// Unit is how the value reads: "count", "percent" or "score".
	Unit string `json:"unit"`
}

// Indicators is a checked set of indicator definitions, in the file's order.
type Indicators struct {
	List []Indicator
}

// Load returns the embedded indicator definitions, checked by Parse.
func Load() (*Indicators, error) { return Parse(indicatorsJSON) }

// Parse reads and checks indicator definitions: unique ids, names in
// Finnish, Swedish and English, known sources, statistics, measures, modes
// and fields, a positive factor and a known unit. Unknown JSON fields are
// errors.
func Parse(data []byte) (*Indicators, error) {
	var doc struct {
		Indicators []Indicator `json:"indicators"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("report: indicators: %w", err)
	}
	if len(doc.Indicators) == 0 {
		return nil, fmt.Errorf("report: indicators: none defined")
	}
	seen := map[string]bool{}
	for _, ind := range doc.Indicators {
		if !sotepe.ValidID(ind.ID) && !validKey(ind.ID) {
			return nil, fmt.Errorf("report: indicator %q: bad id", ind.ID)
		}
		if seen[ind.ID] {
			return nil, fmt.Errorf("report: indicator %q defined twice", ind.ID)
		}
		seen[ind.ID] = true
		if ind.Names.Fi == "" || ind.Names.Sv == "" || ind.Names.En == "" {
			return nil, fmt.Errorf("report: indicator %q: a name in fi, sv and en is required", ind.ID)
		}
		if !(ind.Factor > 0) || math.IsInf(ind.Factor, 0) {
			return nil, fmt.Errorf("report: indicator %q: the factor must be positive", ind.ID)
		}
		if !slices.Contains([]string{"count", "percent", "score"}, ind.Unit) {
			return nil, fmt.Errorf("report: indicator %q: unit %q is not count, percent or score", ind.ID, ind.Unit)
		}
		if err := ind.Numerator.check(); err != nil {
			return nil, fmt.Errorf("report: indicator %q: numerator: %w", ind.ID, err)
		}
		if ind.Denominator != nil {
			if err := ind.Denominator.check(); err != nil {
				return nil, fmt.Errorf("report: indicator %q: denominator: %w", ind.ID, err)
			}
		}
	}
	return &Indicators{List: doc.Indicators}, nil
}

// validKey reports whether s is a snake_case key.
func validKey(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (o Operand) check() error {
	fields, ok := sourceFields[o.Source]
	if !ok {
		return fmt.Errorf("unknown source %q", o.Source)
	}
	if o.Source == SourceEvents {
		if o.Field != "" {
			return fmt.Errorf("events have no field %q", o.Field)
		}
		for _, k := range append(slices.Clone(o.Statistics), o.Exclude...) {
			if _, ok := sotepe.StatisticByKey(k); !ok {
				return fmt.Errorf("unknown statistic %q", k)
			}
		}
		for _, m := range o.Measures {
			if !slices.ContainsFunc(sotepe.Statistics, func(s sotepe.Statistic) bool { return s.Measure == m }) {
				return fmt.Errorf("no statistic has measure %q", m)
			}
		}
		for _, m := range o.Modes {
			if !m.Valid() {
				return fmt.Errorf("unknown mode %q", m)
			}
		}
		return nil
	}
	if len(o.Statistics)+len(o.Measures)+len(o.Modes)+len(o.Exclude) > 0 {
		return fmt.Errorf("only events are chosen by statistic, measure or mode")
	}
	if !slices.Contains(fields, o.Field) {
		return fmt.Errorf("source %s has no field %q", o.Source, o.Field)
	}
	return nil
}

// ByID returns the indicator of id, and false when there is none.
func (s *Indicators) ByID(id string) (Indicator, bool) {
	for _, ind := range s.List {
		if ind.ID == id {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Fact is one count the indicators add up: the events of a statistic in a
// mode, or a field of the contact-request or feedback figures, at one unit
// in one month, with the unit's area and the producer (for events the
// event's producer, otherwise the unit's) and the producer's kind.
type Fact struct {
	Source       string
	Field        string
	Statistic    string
	Mode         sotepe.EventMode
	Month        string // YYYY-MM
	Unit         string
	Area         string
	Producer     string
	ProducerKind string
	Value        int64
}

// matches reports whether the operand counts f.
func (o Operand) matches(f *Fact) bool {
	if f.Source != o.Source {
		return false
	}
	if o.Source != SourceEvents {
		return f.Field == o.Field
	}
	if len(o.Statistics) > 0 && !slices.Contains(o.Statistics, f.Statistic) {
		return false
	}
	if slices.Contains(o.Exclude, f.Statistic) {
		return false
	}
	if len(o.Modes) > 0 && !slices.Contains(o.Modes, f.Mode) {
		return false
	}
	if len(o.Measures) > 0 {
		m, ok := measureOf[f.Statistic]
		if !ok || !slices.Contains(o.Measures, m) {
			return false
		}
	}
	return true
}

// Level is what an indicator is rolled up to.
type Level string

// The levels of the roll-up.
const (
	LevelSector       Level = "sector" // everything: one group, ""
	LevelArea         Level = "area"
	LevelUnit         Level = "unit"
	LevelProducer     Level = "producer"
	LevelProducerKind Level = "producer_kind"
	LevelMonth        Level = "month"
)

// key returns the group of f at level l.
func (l Level) key(f *Fact) string {
	switch l {
	case LevelArea:
		return f.Area
	case LevelUnit:
		return f.Unit
	case LevelProducer:
		return f.Producer
	case LevelProducerKind:
		return f.ProducerKind
	case LevelMonth:
		return f.Month
	}
	return ""
}

// Value is an indicator's value for one group: the sums and their ratio
// times the factor. Value is nil when the group has no denominator, or one
// smaller than the indicator's MinDenominator.
type Value struct {
	Numerator   int64    `json:"numerator"`
	Denominator int64    `json:"denominator,omitempty"`
	Value       *float64 `json:"value"`
}

// finish computes the value from the sums.
func (ind Indicator) finish(v *Value) {
	v.Value = nil
	if ind.Denominator == nil {
		x := float64(v.Numerator) * ind.Factor
		v.Value = &x
		return
	}
	if v.Denominator == 0 || v.Denominator < ind.MinDenominator {
		return
	}
	x := math.Round(float64(v.Numerator)/float64(v.Denominator)*ind.Factor*10) / 10
	v.Value = &x
}

// Evaluate returns the indicator's value for every group of level l that
// has a fact in the numerator or the denominator: the sums over the group's
// facts and their ratio (rounded to one decimal for ratios).
func (ind Indicator) Evaluate(facts []Fact, l Level) map[string]Value {
	return ind.EvaluateLevels(facts, l)[0]
}

// EvaluateLevels returns what Evaluate returns for each of levels, in
// their order, in one pass over the facts: each fact is matched once
// however many levels it is added up at.
func (ind Indicator) EvaluateLevels(facts []Fact, levels ...Level) []map[string]Value {
	out := make([]map[string]Value, len(levels))
	for i := range out {
		out[i] = map[string]Value{}
	}
	for i := range facts {
		f := &facts[i]
		num := ind.Numerator.matches(f)
		den := ind.Denominator != nil && ind.Denominator.matches(f)
		if !num && !den {
			continue
		}
		for j, l := range levels {
			k := l.key(f)
			v := out[j][k]
			if num {
				v.Numerator += f.Value
			}
			if den {
				v.Denominator += f.Value
			}
			out[j][k] = v
		}
	}
	for _, m := range out {
		for k, v := range m {
			ind.finish(&v)
			m[k] = v
		}
	}
	return out
}

// MeasureOf returns the measure of the statistic key, and false when there
// is no such statistic.
func MeasureOf(key string) (sotepe.Measure, bool) {
	m, ok := measureOf[key]
	return m, ok
}

// Total returns the indicator's value over every fact: the sector.
func (ind Indicator) Total(facts []Fact) Value { return ind.TotalOf(ind.Evaluate(facts, LevelSector)) }

// TotalOf returns the sector's value from what Evaluate or EvaluateLevels
// gave at LevelSector.
func (ind Indicator) TotalOf(sector map[string]Value) Value {
	v, ok := sector[""]
	if !ok {
		ind.finish(&v)
	}
	return v
}
