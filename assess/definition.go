// Package assess is the questionnaire engine of sotepe's symptom and
// service-need assessments. Assessments are data, not code: each is a
// versioned definition file under definitions/, embedded in the binary,
// whose questions (single and multiple choice, number, yes/no, short text)
// branch by rules on earlier answers and a running score, and end in an
// outcome: an urgency and a recommended service. Red-flag answers end any
// assessment in emergency guidance at once.
//
// Every definition is checked when it is loaded: the texts exist in
// Finnish, Swedish and English, every route leads somewhere, and a walk of
// every path proves that each ends in an outcome and that no question or
// outcome is unreachable. CheckServices checks the recommended services
// against the service network.
package assess

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"sotepe"
	"sotepe/questionnaire"
)

// definitionFS holds the definitions shipped with sotepe; it is read-only.
//
//go:embed definitions/*.json
var definitionFS embed.FS

// Definition is one assessment: its questions, starting from Start, and its
// outcomes. Emergency names the outcome every red-flag answer leads to.
type Definition struct {
	sotepe.AssessmentInfo
	Start     string                     `json:"start"`
	Emergency string                     `json:"emergency"`
	Questions []*Question                `json:"questions"`
	Outcomes  []sotepe.AssessmentOutcome `json:"outcomes"`

	questions map[string]*Question
	outcomes  map[string]*sotepe.AssessmentOutcome
}

// Question is one question of a definition: the questionnaire core's
// question (kind, texts, options with their scores, limits) and what an
// assessment adds. ScoreYes is added to the running score when a yes/no
// question is answered yes. RedFlags are conditions on this question's
// answer (their question defaults to this one) that end the assessment in
// the emergency outcome whatever else was answered. Next is evaluated in
// order: the first route whose condition holds (the last has none) leads
// to a question or an outcome.
type Question struct {
	questionnaire.Question
	ScoreYes int         `json:"score_yes"`
	RedFlags []Condition `json:"red_flags"`
	Next     []Route     `json:"next"`
}

// Option is one choice of a choice question, with its score.
type Option = questionnaire.Option

// rules are what assessments allow of the questionnaire core: every kind
// but the survey's scale, no optional question (routes read the answers),
// scores on options.
var rules = questionnaire.Rules{
	Kinds:  []sotepe.QuestionKind{sotepe.KindSingleChoice, sotepe.KindMultiChoice, sotepe.KindNumber, sotepe.KindYesNo, sotepe.KindText},
	Scores: true,
}

// Route leads from a question to the next question (Goto) or to an outcome
// (Outcome) when If holds or is absent.
type Route struct {
	If      *Condition `json:"if"`
	Goto    string     `json:"goto"`
	Outcome string     `json:"outcome"`
}

// Condition is a rule on the answers so far. Exactly one test is set:
// Is (a single-choice answer is the option), Includes (a multiple-choice
// answer includes the option), Equals (a yes/no answer), AtLeast or Below
// (a number answer), ScoreAtLeast (the running score), All or Any (of
// other conditions). Question names the question the first five test.
type Condition struct {
	Question     string      `json:"question"`
	Is           string      `json:"is"`
	Includes     string      `json:"includes"`
	Equals       *bool       `json:"equals"`
	AtLeast      *float64    `json:"at_least"`
	Below        *float64    `json:"below"`
	ScoreAtLeast *int        `json:"score_at_least"`
	All          []Condition `json:"all"`
	Any          []Condition `json:"any"`
}

// Limits of a definition.
const (
	maxOptions      = 8 // options of a multiple-choice question, so that a walk stays small
	maxPathsPerWalk = 200000
)

// Set is the definitions sotepe runs, by id. It never changes after Load.
type Set struct {
	set *questionnaire.Set[*Definition]
}

// Load reads and checks the definitions embedded in the binary. A
// definition that does not parse or breaks a rule is an error naming it and
// every problem found.
func Load() (*Set, error) {
	sub, err := fs.Sub(definitionFS, "definitions")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}

// LoadFS reads and checks every *.json file of fsys as a definition.
func LoadFS(fsys fs.FS) (*Set, error) {
	set, err := questionnaire.LoadSet(fsys, "assess", Parse, func(d *Definition) string { return d.ID })
	if err != nil {
		return nil, err
	}
	return &Set{set: set}, nil
}

// Parse reads one definition from JSON, rejecting unknown fields, and
// checks it with Check.
func Parse(b []byte) (*Definition, error) { return questionnaire.Decode[Definition](b) }

// Definitions returns every definition in the order of their ids.
func (s *Set) Definitions() []*Definition { return s.set.All() }

// Definition returns the definition with id, or nil.
func (s *Set) Definition(id string) *Definition {
	d, _ := s.set.Get(id)
	return d
}

// CheckServices checks the recommended service of every outcome against
// the service network through lookup: the service must exist, and unless
// the outcome is an emergency (which is never handed over) it must take
// contact requests, so that the result can be handed over. It returns every
// problem as one error; nil when there is none.
func (s *Set) CheckServices(lookup func(service string) (sotepe.Service, bool)) error {
	var errs []error
	for _, d := range s.Definitions() {
		for _, o := range d.Outcomes {
			svc, ok := lookup(o.ServiceID)
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("assess: %s: outcome %s recommends service %q, which the network lacks", d.ID, o.ID, o.ServiceID))
			case o.Urgency != sotepe.UrgencyEmergency && !svc.TakesContactRequests:
				errs = append(errs, fmt.Errorf("assess: %s: outcome %s recommends service %q, which takes no contact requests", d.ID, o.ID, o.ServiceID))
			}
		}
	}
	return errors.Join(errs...)
}

// Question returns the question with id, or nil.
func (d *Definition) Question(id string) *Question { return d.questions[id] }

// Outcome returns the outcome with id, or nil.
func (d *Definition) Outcome(id string) *sotepe.AssessmentOutcome { return d.outcomes[id] }

// Check indexes d and checks every rule a definition follows, then walks
// every path: it returns all problems found as one error.
func (d *Definition) Check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !sotepe.ValidID(d.ID) {
		bad("id %q is not lower-case letters, digits and hyphens", d.ID)
	}
	if d.Version < 1 {
		bad("version must be 1 or more")
	}
	texts := func(what string, n sotepe.Names, required bool) {
		empty := n == (sotepe.Names{})
		if (required || !empty) && !n.Complete() {
			bad("%s needs its text in fi, sv and en", what)
		}
	}
	texts("title", d.Title, true)
	texts("description", d.Description, true)

	d.outcomes = map[string]*sotepe.AssessmentOutcome{}
	for i := range d.Outcomes {
		o := &d.Outcomes[i]
		if !sotepe.ValidID(o.ID) || d.outcomes[o.ID] != nil {
			bad("outcome id %q is malformed or repeated", o.ID)
		}
		d.outcomes[o.ID] = o
		if !o.Urgency.Valid() {
			bad("outcome %s has an unknown urgency %q", o.ID, o.Urgency)
		}
		if o.ServiceID == "" {
			bad("outcome %s recommends no service", o.ID)
		}
		texts("outcome "+o.ID, o.Text, true)
	}
	if e := d.outcomes[d.Emergency]; e == nil || e.Urgency != sotepe.UrgencyEmergency {
		bad("emergency %q must name an outcome of urgency emergency", d.Emergency)
	}

	d.questions = map[string]*Question{}
	for _, q := range d.Questions {
		if q == nil {
			bad("a question is null")
			continue
		}
		if !sotepe.ValidID(q.ID) || d.questions[q.ID] != nil {
			bad("question id %q is malformed or repeated", q.ID)
		}
		d.questions[q.ID] = q
	}
	redFlags := 0
	for _, q := range d.Questions {
		if q == nil {
			continue
		}
		errs = append(errs, d.checkQuestion(q)...)
		redFlags += len(q.RedFlags)
	}
	if d.questions[d.Start] == nil {
		bad("start %q is not a question", d.Start)
	}
	if redFlags == 0 {
		bad("no question has a red flag")
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return d.checkPaths()
}

// checkQuestion checks one question, its options, red flags and routes.
func (d *Definition) checkQuestion(q *Question) []error {
	errs := q.Question.Check(rules)
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("question %s: "+format, append([]any{q.ID}, args...)...))
	}
	if q.Kind == sotepe.KindMultiChoice && len(q.Options) > maxOptions {
		bad("a multiple-choice question has at most %d options", maxOptions)
	}
	if q.ScoreYes != 0 && q.Kind != sotepe.KindYesNo {
		bad("only yes/no questions have score_yes")
	}
	for i := range q.RedFlags {
		if q.RedFlags[i].Question == "" {
			q.RedFlags[i].Question = q.ID
		}
		if q.RedFlags[i].Question != q.ID || q.RedFlags[i].ScoreAtLeast != nil || q.RedFlags[i].All != nil || q.RedFlags[i].Any != nil {
			bad("a red flag tests the question's own answer")
		}
		errs = append(errs, d.checkCondition(q.RedFlags[i])...)
	}
	if len(q.Next) == 0 || q.Next[len(q.Next)-1].If != nil {
		bad("the last route must have no condition")
	}
	for _, r := range q.Next {
		switch {
		case (r.Goto == "") == (r.Outcome == ""):
			bad("a route leads to a question or an outcome")
		case r.Goto != "" && d.questions[r.Goto] == nil:
			bad("route to unknown question %q", r.Goto)
		case r.Outcome != "" && d.outcomes[r.Outcome] == nil:
			bad("route to unknown outcome %q", r.Outcome)
		}
		if r.If != nil {
			errs = append(errs, d.checkCondition(*r.If)...)
		}
	}
	return errs
}

// checkCondition checks that c sets one test, on a question of the kind
// the test reads and, for choices, on one of its options.
func (d *Definition) checkCondition(c Condition) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("condition: "+format, args...)) }
	set := 0
	for _, on := range []bool{c.Is != "", c.Includes != "", c.Equals != nil, c.AtLeast != nil, c.Below != nil, c.ScoreAtLeast != nil, c.All != nil, c.Any != nil} {
		if on {
			set++
		}
	}
	if set != 1 {
		bad("set exactly one test")
		return errs
	}
	if c.ScoreAtLeast != nil || c.All != nil || c.Any != nil {
		if c.Question != "" {
			bad("score, all and any name no question")
		}
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			errs = append(errs, d.checkCondition(sub)...)
		}
		return errs
	}
	q := d.questions[c.Question]
	if q == nil {
		bad("unknown question %q", c.Question)
		return errs
	}
	var want sotepe.QuestionKind
	switch {
	case c.Is != "":
		want = sotepe.KindSingleChoice
	case c.Includes != "":
		want = sotepe.KindMultiChoice
	case c.Equals != nil:
		want = sotepe.KindYesNo
	default:
		want = sotepe.KindNumber
	}
	if q.Kind != want {
		bad("question %s is %s, not %s", q.ID, q.Kind, want)
	}
	if opt := c.Is + c.Includes; opt != "" && !slices.ContainsFunc(q.Options, func(o Option) bool { return o.ID == opt }) {
		bad("question %s has no option %q", q.ID, opt)
	}
	return errs
}
