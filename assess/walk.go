package assess

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"sotepe"
)

// Walk calls fn with every path through d: the answers of each complete
// run from the start to an outcome, trying every option, every subset of a
// multiple choice, yes and no, the bounds of each number and both sides of
// every threshold a condition sets on it, and one text. It stops at fn's
// first error, and fails on a question asked twice on one path (a loop), on
// a run that matches no route and on more than 200,000 paths.
func (d *Definition) Walk(fn func(answers []sotepe.AssessmentAnswer, r *Run) error) error {
	candidates := map[string][]json.RawMessage{}
	for _, q := range d.Questions {
		candidates[q.ID] = d.candidates(q)
	}
	paths := 0
	var walk func(r *Run, answers []sotepe.AssessmentAnswer) error
	walk = func(r *Run, answers []sotepe.AssessmentAnswer) error {
		if r.Outcome != nil {
			if paths++; paths > maxPathsPerWalk {
				return fmt.Errorf("more than %d paths", maxPathsPerWalk)
			}
			return fn(answers, r)
		}
		q := r.Next
		if _, again := r.answered[q.ID]; again {
			return fmt.Errorf("question %s is asked twice on one path: a loop", q.ID)
		}
		for _, raw := range candidates[q.ID] {
			next := &Run{Steps: slices.Clip(r.Steps), Score: r.Score, Next: r.Next, answered: maps.Clone(r.answered)}
			a := sotepe.AssessmentAnswer{Question: q.ID, Value: raw}
			if err := d.step(next, a); err != nil {
				return fmt.Errorf("question %s, answer %s: %w", q.ID, raw, err)
			}
			if err := walk(next, append(slices.Clip(answers), a)); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(&Run{Next: d.questions[d.Start], answered: map[string]value{}}, nil)
}

// candidates lists the answers a walk tries for q.
func (d *Definition) candidates(q *Question) []json.RawMessage {
	var out []json.RawMessage
	add := func(v any) {
		b, _ := json.Marshal(v)
		out = append(out, b)
	}
	switch q.Kind {
	case sotepe.KindSingleChoice:
		for _, o := range q.Options {
			add(o.ID)
		}
	case sotepe.KindMultiChoice:
		for mask := 0; mask < 1<<len(q.Options); mask++ {
			ids := []string{}
			for i, o := range q.Options {
				if mask&(1<<i) != 0 {
					ids = append(ids, o.ID)
				}
			}
			add(ids)
		}
	case sotepe.KindYesNo:
		add(true)
		add(false)
	case sotepe.KindText:
		add("")
		add("text")
	case sotepe.KindNumber:
		step := 0.5
		if q.Integer {
			step = 1
		}
		nums := []float64{*q.Min, *q.Max}
		for _, t := range d.thresholds(q.ID) {
			nums = append(nums, t, t-step)
		}
		slices.Sort(nums)
		for _, n := range slices.Compact(nums) {
			if n >= *q.Min && n <= *q.Max && (!q.Integer || n == float64(int64(n))) {
				add(n)
			}
		}
	}
	return out
}

// thresholds lists the numbers conditions anywhere in d compare question
// id's answer with.
func (d *Definition) thresholds(id string) []float64 {
	var out []float64
	var visit func(c Condition)
	visit = func(c Condition) {
		if c.Question == id {
			if c.AtLeast != nil {
				out = append(out, *c.AtLeast)
			}
			if c.Below != nil {
				out = append(out, *c.Below)
			}
		}
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			visit(sub)
		}
	}
	for _, q := range d.Questions {
		for _, c := range q.RedFlags {
			visit(c)
		}
		for _, r := range q.Next {
			if r.If != nil {
				visit(*r.If)
			}
		}
	}
	return out
}

// checkPaths walks d and fails when a question or an outcome is on no
// path.
func (d *Definition) checkPaths() error {
	reached := map[string]bool{}
	outcomes := map[string]bool{}
	err := d.Walk(func(_ []sotepe.AssessmentAnswer, r *Run) error {
		for _, s := range r.Steps {
			reached[s.Question.ID] = true
		}
		outcomes[r.Outcome.ID] = true
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, q := range d.Questions {
		if !reached[q.ID] {
			errs = append(errs, fmt.Errorf("question %s is unreachable", q.ID))
		}
	}
	for _, o := range d.Outcomes {
		if !outcomes[o.ID] {
			errs = append(errs, fmt.Errorf("outcome %s is unreachable", o.ID))
		}
	}
	return errors.Join(errs...)
}
