package survey

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"time"

	"sotepe"
	"sotepe/questionnaire"
	"sotepe/screen"
)

// Config is what a Service needs. Now defaults to time.Now.
type Config struct {
	Surveys *Set
	Store   sotepe.SurveyStore
	Now     func() time.Time
}

// Service runs surveys: it implements sotepe.SurveyService over a Set of
// definitions and the store.
type Service struct {
	defs  *Set
	store sotepe.SurveyStore
	now   func() time.Time
}

var _ sotepe.SurveyService = (*Service)(nil)

// New returns a Service.
func New(c Config) *Service {
	s := &Service{defs: c.Surveys, store: c.Store, now: c.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not allowed"}
}

func linkNotFound() error {
	return &sotepe.Error{Code: sotepe.ENotFound, Key: "survey.error.link", Message: "unknown invitation"}
}

func used() error {
	return &sotepe.Error{Code: sotepe.EConflict, Key: "survey.error.used", Message: "the invitation has been used"}
}

func notCurrent() error {
	return &sotepe.Error{Code: sotepe.EConflict, Key: "assess.error.not_current", Message: "the answer is not to the current question"}
}

// hash is what the store keeps of a token.
func hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Surveys lists the surveys in the order of their ids.
func (s *Service) Surveys() []sotepe.SurveyInfo {
	var out []sotepe.SurveyInfo
	for _, d := range s.defs.Definitions() {
		out = append(out, d.SurveyInfo)
	}
	return out
}

// Survey returns one survey and its questions in order, or ENotFound.
func (s *Service) Survey(id string) (sotepe.SurveyInfo, []sotepe.Question, error) {
	d := s.defs.Definition(id)
	if d == nil {
		return sotepe.SurveyInfo{}, nil, sotepe.NotFound("survey")
	}
	return d.SurveyInfo, questionnaire.PublicQuestions(d.Questions), nil
}

// Invite creates count (1–sotepe.MaxSurveyInvitations) invitations of
// survey for an administrator and returns their tokens; the store keeps
// only their SHA-256, with an audit row. Anyone else is EForbidden; an
// unknown survey ENotFound; a count out of range EInvalid
// ("survey.error.count").
func (s *Service) Invite(ctx context.Context, u sotepe.User, survey string, count int) ([]string, error) {
	if !u.Has(sotepe.RoleAdmin) {
		return nil, forbidden()
	}
	if s.defs.Definition(survey) == nil {
		return nil, sotepe.NotFound("survey")
	}
	if count < 1 || count > sotepe.MaxSurveyInvitations {
		return nil, sotepe.Invalid("survey.error.count", "count out of range").With(map[string]any{"Max": sotepe.MaxSurveyInvitations})
	}
	tokens := make([]string, count)
	hashes := make([][]byte, count)
	for i := range tokens {
		tokens[i] = rand.Text()
		hashes[i] = hash(tokens[i])
	}
	if err := s.store.CreateSurveyInvitations(ctx, survey, hashes, s.now()); err != nil {
		return nil, err
	}
	return tokens, nil
}

// load reads the unused invitation of token and its survey.
func (s *Service) load(ctx context.Context, token string) (*Definition, sotepe.SurveyInvitation, error) {
	if token == "" || len(token) > 64 {
		return nil, sotepe.SurveyInvitation{}, linkNotFound()
	}
	inv, err := s.store.SurveyInvitation(ctx, hash(token))
	if err != nil {
		return nil, inv, err
	}
	if inv.UsedOn != "" {
		return nil, inv, used()
	}
	d := s.defs.Definition(inv.Survey)
	if d == nil {
		return nil, inv, linkNotFound()
	}
	return d, inv, nil
}

// stateOf replays the draft of inv on d. Answers that no longer fit (the
// survey changed while the resident was answering) end the replay there.
func stateOf(d *Definition, inv sotepe.SurveyInvitation) (sotepe.SurveyState, []sotepe.AssessmentAnswer) {
	st := sotepe.SurveyState{Info: d.SurveyInfo, Total: len(d.Questions)}
	var kept []sotepe.AssessmentAnswer
	for i, a := range inv.Draft {
		if i >= len(d.Questions) || d.Questions[i].ID != a.Question {
			break
		}
		q := d.Questions[i]
		if !isNull(a.Value) {
			if _, _, err := q.Parse(a.Value); err != nil {
				break
			}
		}
		kept = append(kept, a)
		st.Steps = append(st.Steps, sotepe.AssessmentStep{Question: q.Public(), Answer: a})
	}
	st.Number = len(kept) + 1
	if len(kept) < len(d.Questions) {
		q := d.Questions[len(kept)].Public()
		st.Question = &q
	}
	return st, kept
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// State returns where the invitation of token stands.
func (s *Service) State(ctx context.Context, token string) (sotepe.SurveyState, error) {
	d, inv, err := s.load(ctx, token)
	if err != nil {
		return sotepe.SurveyState{}, err
	}
	st, _ := stateOf(d, inv)
	return st, nil
}

// answer checks a against q: a null value skips an optional question and
// is EInvalid ("survey.error.required") for a required one.
func answer(q *questionnaire.Question, a sotepe.AssessmentAnswer) (sotepe.AssessmentAnswer, error) {
	if isNull(a.Value) {
		if !q.Optional {
			return a, sotepe.Invalid("survey.error.required", "the question needs an answer")
		}
		return sotepe.AssessmentAnswer{Question: q.ID, Value: json.RawMessage("null")}, nil
	}
	_, canon, err := q.Parse(a.Value)
	return sotepe.AssessmentAnswer{Question: q.ID, Value: canon}, err
}

// Answer answers the next question of the invitation of token and stores
// the answers so far. An answer to another question is EConflict; a value
// the question does not take EInvalid; nothing is stored then.
func (s *Service) Answer(ctx context.Context, token string, a sotepe.AssessmentAnswer) (sotepe.SurveyState, error) {
	d, inv, err := s.load(ctx, token)
	if err != nil {
		return sotepe.SurveyState{}, err
	}
	st, kept := stateOf(d, inv)
	if st.Question == nil || a.Question != st.Question.ID {
		return st, notCurrent()
	}
	canon, err := answer(d.Questions[len(kept)], a)
	if err != nil {
		return st, err
	}
	inv, err = s.store.SaveSurveyDraft(ctx, hash(token), append(kept, canon), inv.Revision)
	if err != nil {
		return st, err
	}
	st, _ = stateOf(d, inv)
	return st, nil
}

// Back forgets the last answer of the invitation of token.
func (s *Service) Back(ctx context.Context, token string) (sotepe.SurveyState, error) {
	d, inv, err := s.load(ctx, token)
	if err != nil {
		return sotepe.SurveyState{}, err
	}
	st, kept := stateOf(d, inv)
	if len(kept) == 0 {
		return st, nil
	}
	inv, err = s.store.SaveSurveyDraft(ctx, hash(token), kept[:len(kept)-1], inv.Revision)
	if err != nil {
		return st, err
	}
	st, _ = stateOf(d, inv)
	return st, nil
}

// Send stores the answers given with the invitation of token as its one
// response. A question still to answer is EConflict
// ("survey.error.unfinished").
func (s *Service) Send(ctx context.Context, token string, lang sotepe.Lang) error {
	d, inv, err := s.load(ctx, token)
	if err != nil {
		return err
	}
	st, kept := stateOf(d, inv)
	if st.Question != nil {
		return &sotepe.Error{Code: sotepe.EConflict, Key: "survey.error.unfinished", Message: "a question has no answer yet"}
	}
	return s.store.AddSurveyResponse(ctx, hash(token), d.ID, d.Version, langOr(lang), values(d, kept), s.now())
}

// Respond stores a whole response at once: answers in any order, each
// question at most once. An unknown or repeated question is EInvalid
// ("survey.error.question"), a required question without an answer
// EInvalid ("survey.error.required", naming it), a value a question does
// not take EInvalid; nothing is stored then.
func (s *Service) Respond(ctx context.Context, token string, lang sotepe.Lang, answers []sotepe.AssessmentAnswer) error {
	d, _, err := s.load(ctx, token)
	if err != nil {
		return err
	}
	given := map[string]sotepe.AssessmentAnswer{}
	for _, a := range answers {
		if _, dup := given[a.Question]; dup || d.Question(a.Question) == nil {
			return sotepe.Invalid("survey.error.question", "unknown or repeated question").With(map[string]any{"Question": a.Question})
		}
		given[a.Question] = a
	}
	ordered := make([]sotepe.AssessmentAnswer, len(d.Questions))
	for i, q := range d.Questions {
		a, err := answer(q, given[q.ID])
		if err != nil {
			return withQuestion(err, q.ID)
		}
		ordered[i] = a
	}
	return s.store.AddSurveyResponse(ctx, hash(token), d.ID, d.Version, langOr(lang), values(d, ordered), s.now())
}

// withQuestion adds the question's id to an error's arguments, so that an
// API client knows which answer to fix.
func withQuestion(err error, id string) error {
	if e, ok := err.(*sotepe.Error); ok {
		args := map[string]any{"Question": id}
		for k, v := range e.Args {
			args[k] = v
		}
		return e.With(args)
	}
	return err
}

func langOr(l sotepe.Lang) sotepe.Lang {
	if _, ok := sotepe.ParseLang(string(l)); ok {
		return l
	}
	return sotepe.Finnish
}

// values turns checked answers into the values the store keeps: an option
// per chosen option ("yes" or "no" for yes/no), a number, or a text
// screened like feedback comments (identity codes, phone numbers and
// e-mail addresses masked). Skipped questions and empty texts keep nothing.
func values(d *Definition, answers []sotepe.AssessmentAnswer) []sotepe.SurveyValue {
	var out []sotepe.SurveyValue
	for _, a := range answers {
		q := d.Question(a.Question)
		if q == nil || isNull(a.Value) {
			continue
		}
		v, _, err := q.Parse(a.Value)
		if err != nil {
			continue
		}
		switch q.Kind {
		case sotepe.KindSingleChoice:
			out = append(out, sotepe.SurveyValue{Question: q.ID, Option: v.Option})
		case sotepe.KindMultiChoice:
			if len(v.Options) == 0 {
				out = append(out, sotepe.SurveyValue{Question: q.ID})
			}
			for _, o := range v.Options {
				out = append(out, sotepe.SurveyValue{Question: q.ID, Option: o})
			}
		case sotepe.KindYesNo:
			out = append(out, sotepe.SurveyValue{Question: q.ID, Option: map[bool]string{true: "yes", false: "no"}[v.Yes]})
		case sotepe.KindNumber, sotepe.KindScale:
			n := v.Number
			out = append(out, sotepe.SurveyValue{Question: q.ID, Number: &n})
		case sotepe.KindText:
			if v.Text != "" {
				t, _ := screen.Text(v.Text)
				out = append(out, sotepe.SurveyValue{Question: q.ID, Text: t})
			}
		}
	}
	return out
}

// Results returns the figures of survey for analysts and administrators:
// per question, how many answered, and (from sotepe.MinSurveyAnswers
// answers on) the count and share of each option or scale value and the
// mean of scale and number questions. Counts of questions and options no
// longer in the survey are left out. Anyone else is EForbidden; an unknown
// survey ENotFound.
func (s *Service) Results(ctx context.Context, u sotepe.User, survey string) (sotepe.SurveyResults, error) {
	if !u.Has(sotepe.RoleAnalyst) && !u.Has(sotepe.RoleAdmin) {
		return sotepe.SurveyResults{}, forbidden()
	}
	d := s.defs.Definition(survey)
	if d == nil {
		return sotepe.SurveyResults{}, sotepe.NotFound("survey")
	}
	t, err := s.store.SurveyTally(ctx, survey)
	if err != nil {
		return sotepe.SurveyResults{}, err
	}
	return Tabulate(d, t), nil
}

// Tabulate turns the store's tally of d into its figures, per question by
// the questionnaire core's Figures.
func Tabulate(d *Definition, t sotepe.SurveyTally) sotepe.SurveyResults {
	counts := map[string]map[questionnaire.ValueKey]int64{}
	for _, c := range t.Counts {
		questionnaire.Tally(counts, c.Question, c.Option, c.Number, c.Count)
	}
	out := sotepe.SurveyResults{Survey: d.SurveyInfo, Responses: t.Responses, Questions: []sotepe.SurveyQuestionResult{}}
	for _, q := range d.Questions {
		out.Questions = append(out.Questions, q.Figures(t.Respondents[q.ID], counts[q.ID]))
	}
	return out
}
