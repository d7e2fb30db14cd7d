package assess

import (
	"errors"
	"fmt"
	"slices"

	"sotepe"
	"sotepe/questionnaire"
)

// value is a read answer: the field its question's kind reads.
type value = questionnaire.Value

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
	v, canon, err := q.Parse(a.Value)
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
		i, _ := q.OptionIndex(v.Option)
		return q.Options[i].Score
	case sotepe.KindMultiChoice:
		n := 0
		for _, id := range v.Options {
			i, _ := q.OptionIndex(id)
			n += q.Options[i].Score
		}
		return n
	case sotepe.KindYesNo:
		if v.Yes {
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
		return v.Option == c.Is, nil
	case c.Includes != "":
		return slices.Contains(v.Options, c.Includes), nil
	case c.Equals != nil:
		return v.Yes == *c.Equals, nil
	case c.AtLeast != nil:
		return v.Number >= *c.AtLeast, nil
	case c.Below != nil:
		return v.Number < *c.Below, nil
	}
	return false, errors.New("condition sets no test")
}

// IsRedFlag reports whether the answer a, to question q, raises one of
// q's red flags on its own. Tests use it to check that every such answer
// ends in emergency.
func (q *Question) IsRedFlag(a sotepe.AssessmentAnswer) bool {
	v, _, err := q.Parse(a.Value)
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
