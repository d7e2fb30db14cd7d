package assess

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"sotepe"
)

// value is a parsed answer: the field its question's kind reads.
type value struct {
	option  string   // single choice
	options []string // multiple choice, in the question's order
	number  float64
	yes     bool
	text    string
}

// Step is one answered question of a run.
type Step struct {
	Question *Question
	Answer   sotepe.AssessmentAnswer // the value in its canonical JSON form
	value    value
}

// Run is where a list of answers leads: the steps answered, the running
// score, and either the next question or the outcome.
type Run struct {
	Steps    []Step
	Score    int
	Next     *Question
	Outcome  *sotepe.AssessmentOutcome
	RedFlag  bool // the outcome came from a red-flag answer
	answered map[string]value
}

// Run replays answers from the start. An answer to a question that is not
// the current one (or after the outcome) is EConflict
// ("assess.error.not_current"); a value its question does not take is
// EInvalid.
func (d *Definition) Run(answers []sotepe.AssessmentAnswer) (*Run, error) {
	r := &Run{Next: d.questions[d.Start], answered: map[string]value{}}
	for _, a := range answers {
		if err := d.step(r, a); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Answer returns the run that answers after r lead to with a added; r is
// not changed.
func (d *Definition) Answer(answers []sotepe.AssessmentAnswer, a sotepe.AssessmentAnswer) (*Run, error) {
	if len(answers) >= sotepe.MaxAssessmentAnswers {
		return nil, notCurrent()
	}
	return d.Run(append(slices.Clone(answers), a))
}

func notCurrent() error {
	return &sotepe.Error{Code: sotepe.EConflict, Key: "assess.error.not_current", Message: "the answer is not to the current question"}
}

// step adds one answer to r.
func (d *Definition) step(r *Run, a sotepe.AssessmentAnswer) error {
	q := r.Next
	if q == nil || a.Question != q.ID {
		return notCurrent()
	}
	v, canon, err := q.parse(a.Value)
	if err != nil {
		return err
	}
	r.answered[q.ID] = v
	r.Steps = append(r.Steps, Step{Question: q, Answer: sotepe.AssessmentAnswer{Question: q.ID, Value: canon}, value: v})
	r.Score += q.score(v)
	for _, c := range q.RedFlags {
		hit, err := r.holds(c)
		if err != nil {
			return err
		}
		if hit {
			r.Next, r.Outcome, r.RedFlag = nil, d.outcomes[d.Emergency], true
			return nil
		}
	}
	for _, route := range q.Next {
		ok := true
		if route.If != nil {
			if ok, err = r.holds(*route.If); err != nil {
				return err
			}
		}
		if !ok {
			continue
		}
		if route.Outcome != "" {
			r.Next, r.Outcome = nil, d.outcomes[route.Outcome]
		} else {
			r.Next = d.questions[route.Goto]
		}
		return nil
	}
	return fmt.Errorf("assess: %s: question %s: no route matched", d.ID, q.ID)
}

// score is what answer v of q adds to the running score.
func (q *Question) score(v value) int {
	switch q.Kind {
	case sotepe.KindSingleChoice:
		return q.Options[q.options[v.option]].Score
	case sotepe.KindMultiChoice:
		n := 0
		for _, id := range v.options {
			n += q.Options[q.options[id]].Score
		}
		return n
	case sotepe.KindYesNo:
		if v.yes {
			return q.ScoreYes
		}
	}
	return 0
}

// holds evaluates c on the answers of r. A condition on a question not yet
// answered is an error: a definition's check walks every path, so it never
// happens with a loaded definition.
func (r *Run) holds(c Condition) (bool, error) {
	switch {
	case c.ScoreAtLeast != nil:
		return r.Score >= *c.ScoreAtLeast, nil
	case c.All != nil:
		for _, sub := range c.All {
			if ok, err := r.holds(sub); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case c.Any != nil:
		for _, sub := range c.Any {
			if ok, err := r.holds(sub); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	v, ok := r.answered[c.Question]
	if !ok {
		return false, fmt.Errorf("condition on question %s, which is not answered on this path", c.Question)
	}
	switch {
	case c.Is != "":
		return v.option == c.Is, nil
	case c.Includes != "":
		return slices.Contains(v.options, c.Includes), nil
	case c.Equals != nil:
		return v.yes == *c.Equals, nil
	case c.AtLeast != nil:
		return v.number >= *c.AtLeast, nil
	case c.Below != nil:
		return v.number < *c.Below, nil
	}
	return false, errors.New("condition sets no test")
}

// parse reads raw as an answer to q and returns it with its canonical JSON:
// multiple choices in the question's order, texts trimmed.
func (q *Question) parse(raw json.RawMessage) (value, json.RawMessage, error) {
	var v value
	raw = bytes.TrimSpace(raw)
	wrongType := func() error {
		return sotepe.Invalid("assess.error.value", "the value does not fit a "+string(q.Kind)+" question").
			With(map[string]any{"Kind": string(q.Kind)})
	}
	noOption := func(id string) error {
		return sotepe.Invalid("assess.error.option", "no such option "+id)
	}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return v, nil, wrongType()
	}
	switch q.Kind {
	case sotepe.KindSingleChoice:
		if json.Unmarshal(raw, &v.option) != nil {
			return v, nil, wrongType()
		}
		if _, ok := q.options[v.option]; !ok {
			return v, nil, noOption(v.option)
		}
	case sotepe.KindMultiChoice:
		var ids []string
		if json.Unmarshal(raw, &ids) != nil {
			return v, nil, wrongType()
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if _, ok := q.options[id]; !ok {
				return v, nil, noOption(id)
			}
			seen[id] = true
		}
		v.options = []string{}
		for _, o := range q.Options {
			if seen[o.ID] {
				v.options = append(v.options, o.ID)
			}
		}
	case sotepe.KindNumber:
		if json.Unmarshal(raw, &v.number) != nil || math.IsNaN(v.number) || math.IsInf(v.number, 0) {
			return v, nil, wrongType()
		}
		if v.number < *q.Min || v.number > *q.Max || (q.Integer && v.number != math.Trunc(v.number)) {
			return v, nil, sotepe.Invalid("assess.error.number", "the number is out of range").
				With(map[string]any{"Min": formatNumber(*q.Min), "Max": formatNumber(*q.Max)})
		}
	case sotepe.KindYesNo:
		if json.Unmarshal(raw, &v.yes) != nil {
			return v, nil, wrongType()
		}
	case sotepe.KindText:
		if json.Unmarshal(raw, &v.text) != nil {
			return v, nil, wrongType()
		}
		v.text = strings.TrimSpace(v.text)
		if utf8.RuneCountInString(v.text) > sotepe.MaxAssessmentText {
			return v, nil, sotepe.Invalid("assess.error.text", "the text is too long").With(map[string]any{"Max": sotepe.MaxAssessmentText})
		}
	}
	canon, err := json.Marshal(v.of(q.Kind))
	if err != nil {
		return v, nil, err
	}
	return v, canon, nil
}

// of returns the value as the JSON of a kind's answer holds it.
func (v value) of(kind sotepe.QuestionKind) any {
	switch kind {
	case sotepe.KindSingleChoice:
		return v.option
	case sotepe.KindMultiChoice:
		return v.options
	case sotepe.KindNumber:
		return v.number
	case sotepe.KindYesNo:
		return v.yes
	}
	return v.text
}

// formatNumber writes a number without a needless fraction.
func formatNumber(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// IsRedFlag reports whether the answer a, to question q, raises one of
// q's red flags on its own. Tests use it to check that every such answer
// ends in emergency.
func (q *Question) IsRedFlag(a sotepe.AssessmentAnswer) bool {
	v, _, err := q.parse(a.Value)
	if err != nil {
		return false
	}
	r := &Run{answered: map[string]value{q.ID: v}}
	for _, c := range q.RedFlags {
		if ok, _ := r.holds(c); ok {
			return true
		}
	}
	return false
}
