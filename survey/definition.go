// Package survey runs the resident survey: definitions as data (versioned
// JSON under definitions/, texts in fi, sv and en, checked when loaded like
// the assessments' definitions), single-use invitation links whose tokens
// are kept only as hashes, anonymous answering one question per page, and
// the figures per question. Its questions are the questionnaire core's
// (package questionnaire), shared with the assessments.
package survey

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"sotepe"
	"sotepe/questionnaire"
)

// definitionFS holds the surveys shipped with sotepe; it is read-only.
//
//go:embed definitions/*.json
var definitionFS embed.FS

// Definition is one survey: its questions, asked in order.
type Definition struct {
	sotepe.SurveyInfo
	Questions []*questionnaire.Question `json:"questions"`

	questions map[string]int // id → index
}

// rules are what surveys allow of the questionnaire core: every kind,
// optional questions, no scores.
var rules = questionnaire.Rules{Kinds: sotepe.QuestionKinds, Optional: true}

// maxQuestions keeps a survey short enough to answer.
const maxQuestions = 60

// Set is the surveys sotepe runs, by id. It never changes after Load.
type Set struct {
	set *questionnaire.Set[*Definition]
}

// Load reads and checks the surveys embedded in the binary.
func Load() (*Set, error) {
	sub, err := fs.Sub(definitionFS, "definitions")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}

// LoadFS reads and checks every *.json file of fsys as a survey. A survey
// that does not parse or breaks a rule is an error naming its file and
// every problem found.
func LoadFS(fsys fs.FS) (*Set, error) {
	set, err := questionnaire.LoadSet(fsys, "survey", Parse, func(d *Definition) string { return d.ID })
	if err != nil {
		return nil, err
	}
	return &Set{set: set}, nil
}

// Parse reads one survey from JSON, rejecting unknown fields, and checks
// it with Check.
func Parse(b []byte) (*Definition, error) { return questionnaire.Decode[Definition](b) }

// Check indexes d and checks it: an id, a version, a title and a
// description in fi, sv and en, one question or more (at most 60), each
// by the questionnaire core's rules and with an id of its own. It returns
// every problem found as one error.
func (d *Definition) Check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !sotepe.ValidID(d.ID) {
		bad("id %q is not lower-case letters, digits and hyphens", d.ID)
	}
	if d.Version < 1 {
		bad("version must be 1 or more")
	}
	if !d.Title.Complete() || !d.Description.Complete() {
		bad("the title and the description need their texts in fi, sv and en")
	}
	if len(d.Questions) == 0 || len(d.Questions) > maxQuestions {
		bad("a survey has 1–%d questions", maxQuestions)
	}
	d.questions = map[string]int{}
	for i, q := range d.Questions {
		if q == nil {
			bad("a question is null")
			continue
		}
		if _, dup := d.questions[q.ID]; dup {
			bad("question id %q is repeated", q.ID)
		}
		d.questions[q.ID] = i
		errs = append(errs, q.Check(rules)...)
	}
	return errors.Join(errs...)
}

// Question returns the question with id, or nil.
func (d *Definition) Question(id string) *questionnaire.Question {
	if i, ok := d.questions[id]; ok {
		return d.Questions[i]
	}
	return nil
}

// Definitions returns every survey in the order of their ids.
func (s *Set) Definitions() []*Definition { return s.set.All() }

// Definition returns the survey with id, or nil.
func (s *Set) Definition(id string) *Definition {
	d, _ := s.set.Get(id)
	return d
}
