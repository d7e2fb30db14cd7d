// Package questionnaire is the core that sotepe's questionnaires share: the
// assessments (package assess), the resident survey (package survey) and
// the extra questions a unit adds to its feedback form. It knows the kinds
// of question, their texts in Finnish, Swedish and English, the rules a
// question's definition follows, and how an answer is read, checked and
// written in its canonical JSON form. What comes after an answer (routes
// and outcomes, or simply the next question) is each questionnaire's own.
package questionnaire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sotepe"
)

// Question is one question of a questionnaire's definition, as its data
// file holds it. Options are for choice questions; Min and Max for number
// and scale questions (a scale's ends are whole numbers and Low and High
// may name them); Integer asks a number question for a whole number; Unit
// names what a number counts. Optional questions may be skipped, where the
// questionnaire allows it.
type Question struct {
	ID       string              `json:"id"`
	Kind     sotepe.QuestionKind `json:"kind"`
	Text     sotepe.Names        `json:"text"`
	Help     sotepe.Names        `json:"help"`
	Unit     sotepe.Names        `json:"unit"`
	Low      sotepe.Names        `json:"low"`
	High     sotepe.Names        `json:"high"`
	Options  []Option            `json:"options"`
	Min      *float64            `json:"min"`
	Max      *float64            `json:"max"`
	Integer  bool                `json:"integer"`
	Optional bool                `json:"optional"`

	options map[string]int // option id → index
	public  sotepe.Question
}

// Option is one choice of a choice question. Score is what choosing it adds
// to an assessment's running score; other questionnaires leave it 0.
type Option struct {
	ID    string       `json:"id"`
	Text  sotepe.Names `json:"text"`
	Score int          `json:"score"`
}

// Rules are what a questionnaire allows its questions: the kinds it takes,
// whether a question may be optional, and whether options may carry scores.
type Rules struct {
	Kinds    []sotepe.QuestionKind
	Optional bool
	Scores   bool
}

// Limits of a question.
const (
	MaxOptions   = 12 // options of a choice question
	MaxScaleSize = 11 // buttons of a scale (0–10)
)

// Check checks q against rules and indexes it: a known kind the rules take,
// an id, texts in fi, sv and en, options for choice questions only, min and
// max for number and scale questions only, and so on. It returns every
// problem found, each naming the question.
func (q *Question) Check(rules Rules) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("question %s: "+format, append([]any{q.ID}, args...)...))
	}
	texts := func(what string, n sotepe.Names, required bool) {
		if (required || n != (sotepe.Names{})) && !n.Complete() {
			bad("%s needs its text in fi, sv and en", what)
		}
	}
	if !sotepe.ValidID(q.ID) {
		bad("id is not lower-case letters, digits and hyphens")
	}
	if !q.Kind.Valid() || !slices.Contains(rules.Kinds, q.Kind) {
		bad("kind %q is not taken here", q.Kind)
	}
	texts("the question", q.Text, true)
	texts("the help", q.Help, false)
	texts("the unit", q.Unit, false)
	texts("the low end", q.Low, false)
	texts("the high end", q.High, false)
	if q.Optional && !rules.Optional {
		bad("questions here cannot be optional")
	}
	choice := q.Kind == sotepe.KindSingleChoice || q.Kind == sotepe.KindMultiChoice
	q.options = map[string]int{}
	switch {
	case choice && len(q.Options) < 2:
		bad("a choice question needs two options or more")
	case !choice && len(q.Options) > 0:
		bad("only choice questions have options")
	case len(q.Options) > MaxOptions:
		bad("a choice question has at most %d options", MaxOptions)
	}
	for i, o := range q.Options {
		if _, dup := q.options[o.ID]; dup || !sotepe.ValidID(o.ID) {
			bad("option id %q is malformed or repeated", o.ID)
		}
		q.options[o.ID] = i
		texts("option "+o.ID, o.Text, true)
		if o.Score != 0 && !rules.Scores {
			bad("options here carry no score")
		}
	}
	switch q.Kind {
	case sotepe.KindNumber:
		if q.Min == nil || q.Max == nil || *q.Min >= *q.Max {
			bad("a number question needs min below max")
		}
	case sotepe.KindScale:
		if q.Min == nil || q.Max == nil || *q.Min >= *q.Max || *q.Min != math.Trunc(*q.Min) || *q.Max != math.Trunc(*q.Max) ||
			*q.Max-*q.Min+1 > MaxScaleSize {
			bad("a scale needs whole-number ends, min below max, at most %d steps", MaxScaleSize)
		}
	default:
		if q.Min != nil || q.Max != nil {
			bad("only number and scale questions have min and max")
		}
	}
	if q.Integer && q.Kind != sotepe.KindNumber {
		bad("only number questions are integer")
	}
	if (q.Low != (sotepe.Names{}) || q.High != (sotepe.Names{})) && q.Kind != sotepe.KindScale {
		bad("only scales have low and high")
	}
	q.public = sotepe.Question{ID: q.ID, Kind: q.Kind, Text: q.Text, Help: q.Help, Unit: q.Unit, Low: q.Low, High: q.High, Optional: q.Optional}
	for _, o := range q.Options {
		q.public.Options = append(q.public.Options, sotepe.QuestionOption{ID: o.ID, Text: o.Text})
	}
	if q.Min != nil && q.Max != nil {
		q.public.Min, q.public.Max = *q.Min, *q.Max
	}
	return errs
}

// Public returns the question as a person sees it (after Check).
func (q *Question) Public() sotepe.Question { return q.public }

// PublicQuestions returns the questions, in order, as a person sees them
// (after Check); they are this package's or a definition's own that
// embed them.
func PublicQuestions[Q interface{ Public() sotepe.Question }](qs []Q) []sotepe.Question {
	out := make([]sotepe.Question, len(qs))
	for i, q := range qs {
		out[i] = q.Public()
	}
	return out
}

// OptionIndex returns the index of the option with id in Options, and
// whether there is one (after Check).
func (q *Question) OptionIndex(id string) (int, bool) {
	i, ok := q.options[id]
	return i, ok
}

// Value is a read answer: the field its question's kind reads.
type Value struct {
	Option  string   // single choice
	Options []string // multiple choice, in the question's order
	Number  float64  // number and scale
	Yes     bool     // yes/no
	Text    string   // text, trimmed
}

// Parse reads raw as an answer to q (after Check) and returns it with its
// canonical JSON: multiple choices in the question's order, texts trimmed.
// A value of the wrong type is EInvalid "assess.error.value"; an unknown
// option "assess.error.option"; a number out of range "assess.error.number";
// a text over sotepe.MaxAssessmentText characters "assess.error.text".
func (q *Question) Parse(raw json.RawMessage) (Value, json.RawMessage, error) {
	var v Value
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
		if json.Unmarshal(raw, &v.Option) != nil {
			return v, nil, wrongType()
		}
		if _, ok := q.options[v.Option]; !ok {
			return v, nil, noOption(v.Option)
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
		v.Options = []string{}
		for _, o := range q.Options {
			if seen[o.ID] {
				v.Options = append(v.Options, o.ID)
			}
		}
	case sotepe.KindNumber, sotepe.KindScale:
		if json.Unmarshal(raw, &v.Number) != nil || math.IsNaN(v.Number) || math.IsInf(v.Number, 0) {
			return v, nil, wrongType()
		}
		whole := q.Integer || q.Kind == sotepe.KindScale
		if v.Number < *q.Min || v.Number > *q.Max || (whole && v.Number != math.Trunc(v.Number)) {
			return v, nil, sotepe.Invalid("assess.error.number", "the number is out of range").
				With(map[string]any{"Min": FormatNumber(*q.Min), "Max": FormatNumber(*q.Max)})
		}
	case sotepe.KindYesNo:
		if json.Unmarshal(raw, &v.Yes) != nil {
			return v, nil, wrongType()
		}
	case sotepe.KindText:
		if json.Unmarshal(raw, &v.Text) != nil {
			return v, nil, wrongType()
		}
		v.Text = strings.TrimSpace(v.Text)
		if utf8.RuneCountInString(v.Text) > sotepe.MaxAssessmentText {
			return v, nil, sotepe.Invalid("assess.error.text", "the text is too long").With(map[string]any{"Max": sotepe.MaxAssessmentText})
		}
	default:
		return v, nil, wrongType()
	}
	canon, err := json.Marshal(v.of(q.Kind))
	if err != nil {
		return v, nil, err
	}
	return v, canon, nil
}

// of returns the value as the JSON of a kind's answer holds it.
func (v Value) of(kind sotepe.QuestionKind) any {
	switch kind {
	case sotepe.KindSingleChoice:
		return v.Option
	case sotepe.KindMultiChoice:
		return v.Options
	case sotepe.KindNumber, sotepe.KindScale:
		return v.Number
	case sotepe.KindYesNo:
		return v.Yes
	}
	return v.Text
}

// FormatNumber writes a number without a needless fraction.
func FormatNumber(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// ValueKey is a stored value of an answer as the figures count it: the
// chosen option ("yes" or "no" for yes/no), or the number of a scale or
// number question with Option "".
type ValueKey struct {
	Option string
	Number float64
}

// Tally adds n answers of the value option or number (nil for none) of
// question q to counts.
func Tally[Q comparable](counts map[Q]map[ValueKey]int64, q Q, option string, number *float64, n int64) {
	k := ValueKey{Option: option}
	if number != nil {
		k.Number = *number
	}
	if counts[q] == nil {
		counts[q] = map[ValueKey]int64{}
	}
	counts[q][k] += n
}

// yesNo names the options of a yes/no question's figures; read-only.
var yesNo = []sotepe.QuestionOption{
	{ID: "yes", Text: sotepe.Names{Fi: "Kyllä", Sv: "Ja", En: "Yes"}},
	{ID: "no", Text: sotepe.Names{Fi: "Ei", Sv: "Nej", En: "No"}},
}

// Figures returns the figures of q (after Check) from how many answered it
// and the counts of its stored values: the count and share of each option
// (of each step of a scale, of yes and no) and the mean of a scale or
// number question. With fewer than sotepe.MinSurveyAnswers answers they
// are withheld (Withheld "too_few_responses"), only the count of answers
// shown.
func (q *Question) Figures(answered int64, counts map[ValueKey]int64) sotepe.SurveyQuestionResult {
	r := sotepe.SurveyQuestionResult{Question: q.Public(), Answered: answered}
	share := func(n int64) *float64 {
		if answered == 0 {
			return nil
		}
		v := float64(n) / float64(answered)
		return &v
	}
	var options []sotepe.QuestionOption
	switch q.Kind {
	case sotepe.KindSingleChoice, sotepe.KindMultiChoice:
		options = r.Question.Options
	case sotepe.KindYesNo:
		options = yesNo
	}
	for _, o := range options {
		n := counts[ValueKey{Option: o.ID}]
		r.Options = append(r.Options, sotepe.SurveyOptionResult{ID: o.ID, Text: o.Text, Count: n, Share: share(n)})
	}
	if q.Kind == sotepe.KindScale || q.Kind == sotepe.KindNumber {
		var sum float64
		var n int64
		for k, c := range counts {
			if k.Option == "" {
				sum += k.Number * float64(c)
				n += c
			}
		}
		if n > 0 {
			mean := sum / float64(n)
			r.Mean = &mean
		}
	}
	for _, v := range r.Question.ScaleValues() {
		c := counts[ValueKey{Number: float64(v)}]
		label := strconv.Itoa(v)
		r.Options = append(r.Options, sotepe.SurveyOptionResult{ID: label, Text: sotepe.Names{Fi: label, Sv: label, En: label}, Count: c, Share: share(c)})
	}
	if answered < sotepe.MinSurveyAnswers {
		r.Options, r.Mean, r.Withheld = nil, nil, "too_few_responses"
	}
	return r
}
