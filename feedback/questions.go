package feedback

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"sotepe"
	"sotepe/questionnaire"
)

// Units' extra questions: a manager adds up to sotepe.MaxFeedbackQuestions
// optional questions to the unit's form, each the questionnaire core's
// question (a 1–5 scale or a single choice), answered with the core's
// checks and shown as the core's figures.

// extraRules are what extra questions may be: optional scales and single
// choices.
var extraRules = questionnaire.Rules{Kinds: []sotepe.QuestionKind{sotepe.KindScale, sotepe.KindSingleChoice}, Optional: true}

// Limits of an extra question written by a manager.
const (
	extraScaleMin   = 1
	extraScaleMax   = 5
	extraMinOptions = 2
	extraMaxOptions = 6
	extraMaxText    = 200 // characters in each text
)

func badQuestion() error {
	return sotepe.Invalid("feedback.error.question", "the question needs its texts in fi, sv and en, a choice 2–6 options").
		With(map[string]any{"Min": extraMinOptions, "Max": extraMaxOptions, "Chars": extraMaxText})
}

// definition builds the questionnaire core's question from a manager's
// form and checks it by the core's rules; a text missing in a language,
// too long, or a choice with too few or too many options is EInvalid
// ("feedback.error.question").
func definition(n sotepe.NewFeedbackQuestion) (*questionnaire.Question, error) {
	trim := func(v sotepe.Names) sotepe.Names {
		return sotepe.Names{Fi: strings.TrimSpace(v.Fi), Sv: strings.TrimSpace(v.Sv), En: strings.TrimSpace(v.En)}
	}
	long := func(v sotepe.Names) bool {
		return len([]rune(v.Fi)) > extraMaxText || len([]rune(v.Sv)) > extraMaxText || len([]rune(v.En)) > extraMaxText
	}
	q := &questionnaire.Question{ID: "extra", Kind: n.Kind, Text: trim(n.Text), Optional: true}
	texts := []sotepe.Names{q.Text}
	switch n.Kind {
	case sotepe.KindScale:
		lo, hi := float64(extraScaleMin), float64(extraScaleMax)
		q.Min, q.Max, q.Low, q.High = &lo, &hi, trim(n.Low), trim(n.High)
		texts = append(texts, q.Low, q.High)
	case sotepe.KindSingleChoice:
		if len(n.Options) < extraMinOptions || len(n.Options) > extraMaxOptions {
			return nil, badQuestion()
		}
		for i, o := range n.Options {
			o = trim(o)
			q.Options = append(q.Options, questionnaire.Option{ID: fmt.Sprintf("o%d", i+1), Text: o})
			texts = append(texts, o)
		}
	default:
		return nil, badQuestion()
	}
	for _, t := range texts {
		if long(t) {
			return nil, badQuestion()
		}
	}
	if errs := q.Check(extraRules); len(errs) > 0 {
		return nil, badQuestion()
	}
	return q, nil
}

// parsed is a stored extra question read back into the core's question,
// with its public id "q<ID>".
type parsed struct {
	rec sotepe.FeedbackQuestionRecord
	q   *questionnaire.Question
}

func parse(rec sotepe.FeedbackQuestionRecord) (parsed, error) {
	var q questionnaire.Question
	if err := json.Unmarshal(rec.Definition, &q); err != nil {
		return parsed{}, err
	}
	if errs := q.Check(extraRules); len(errs) > 0 {
		return parsed{}, fmt.Errorf("feedback question %d: %v", rec.ID, errs)
	}
	return parsed{rec: rec, q: &q}, nil
}

func (p parsed) public() sotepe.FeedbackQuestion {
	pq := p.q.Public()
	pq.ID = fmt.Sprintf("q%d", p.rec.ID)
	return sotepe.FeedbackQuestion{ID: p.rec.ID, UnitID: p.rec.UnitID, Question: pq, Retired: !p.rec.RetiredAt.IsZero(), CreatedAt: p.rec.CreatedAt}
}

// manages reports whether user may change unit's feedback settings.
func manages(user sotepe.User, unit string) bool {
	return user.Has(sotepe.RoleAdmin) || (user.Has(sotepe.RoleManager) && user.MemberOf(unit))
}

// load reads the stored questions and parses them; one that no longer
// parses is logged and left out.
func (s *Service) load(ctx context.Context, unit string, ids []int64, live bool) ([]parsed, error) {
	recs, err := s.store.FeedbackQuestions(ctx, unit, ids, live)
	if err != nil {
		return nil, err
	}
	out := make([]parsed, 0, len(recs))
	for _, rec := range recs {
		p, err := parse(rec)
		if err != nil {
			s.log.ErrorContext(ctx, "feedback question unreadable", "question_id", rec.ID, "err", err.Error())
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Questions returns the extra questions unit asks, for its forms; anyone
// may read them.
func (s *Service) Questions(ctx context.Context, unit string) ([]sotepe.FeedbackQuestion, error) {
	ps, err := s.load(ctx, unit, nil, true)
	if err != nil {
		return nil, err
	}
	out := make([]sotepe.FeedbackQuestion, len(ps))
	for i, p := range ps {
		out[i] = p.public()
	}
	return out, nil
}

// AddQuestion adds an extra question to unit, which user must manage (or
// be an administrator; otherwise ENotFound). A question that breaks the
// rules is EInvalid ("feedback.error.question"); a unit asking
// sotepe.MaxFeedbackQuestions already EConflict.
func (s *Service) AddQuestion(ctx context.Context, user sotepe.User, unit string, n sotepe.NewFeedbackQuestion) (sotepe.FeedbackQuestion, error) {
	if !manages(user, unit) {
		return sotepe.FeedbackQuestion{}, sotepe.NotFound("unit")
	}
	q, err := definition(n)
	if err != nil {
		return sotepe.FeedbackQuestion{}, err
	}
	b, err := json.Marshal(q)
	if err != nil {
		return sotepe.FeedbackQuestion{}, err
	}
	rec, err := s.store.AddFeedbackQuestion(ctx, unit, b, s.now())
	if err != nil {
		return sotepe.FeedbackQuestion{}, err
	}
	p, err := parse(rec)
	if err != nil {
		return sotepe.FeedbackQuestion{}, err
	}
	return p.public(), nil
}

// RetireQuestion stops asking extra question id of unit, which user must
// manage (or be an administrator); otherwise ENotFound. Its answers stay
// in the figures.
func (s *Service) RetireQuestion(ctx context.Context, user sotepe.User, unit string, id int64) error {
	if !manages(user, unit) {
		return sotepe.NotFound("unit")
	}
	return s.store.RetireFeedbackQuestion(ctx, unit, id, s.now())
}

// QuestionResults returns the figures of unit's extra questions, retired
// ones too, for its manager, analysts and administrators; anyone else gets
// ENotFound, as for a unit that is not there.
func (s *Service) QuestionResults(ctx context.Context, user sotepe.User, unit string) ([]sotepe.FeedbackQuestionResult, error) {
	if !manages(user, unit) && !user.Has(sotepe.RoleAnalyst) {
		return nil, sotepe.NotFound("unit")
	}
	ps, err := s.load(ctx, unit, nil, false)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.rec.ID
	}
	counts, err := s.store.FeedbackExtraCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	byQ := map[int64]map[questionnaire.ValueKey]int64{}
	answered := map[int64]int64{}
	for _, c := range counts {
		questionnaire.Tally(byQ, c.QuestionID, c.Option, c.Number, c.Count)
		answered[c.QuestionID] += c.Count // one value per answer and question
	}
	out := make([]sotepe.FeedbackQuestionResult, len(ps))
	for i, p := range ps {
		pub := p.public()
		r := p.q.Figures(answered[p.rec.ID], byQ[p.rec.ID])
		r.Question = pub.Question
		out[i] = sotepe.FeedbackQuestionResult{ID: p.rec.ID, Retired: pub.Retired, SurveyQuestionResult: r}
	}
	return out, nil
}

// extraValues checks the answers to extra questions of an answer about
// unit ("" for a visit, whose unit the store knows): each question must be
// asked (at unit, when known) and answered once with a value it takes; a
// null value skips it. A question not asked is EInvalid
// ("feedback.error.extra_question").
func (s *Service) extraValues(ctx context.Context, unit string, extra []sotepe.FeedbackExtraAnswer) ([]sotepe.FeedbackExtraValue, error) {
	if len(extra) == 0 {
		return nil, nil
	}
	if len(extra) > sotepe.MaxFeedbackQuestions {
		return nil, sotepe.Invalid("feedback.error.extra_question", "too many extra answers")
	}
	ids := make([]int64, len(extra))
	for i, x := range extra {
		ids[i] = x.QuestionID
	}
	ps, err := s.load(ctx, "", ids, true)
	if err != nil {
		return nil, err
	}
	byID := map[int64]parsed{}
	for _, p := range ps {
		byID[p.rec.ID] = p
	}
	var out []sotepe.FeedbackExtraValue
	seen := map[int64]bool{}
	for _, x := range extra {
		p, ok := byID[x.QuestionID]
		if !ok || seen[x.QuestionID] || (unit != "" && p.rec.UnitID != unit) {
			return nil, sotepe.Invalid("feedback.error.extra_question", "the unit does not ask this question")
		}
		seen[x.QuestionID] = true
		if raw := strings.TrimSpace(string(x.Value)); raw == "" || raw == "null" {
			continue
		}
		v, _, err := p.q.Parse(x.Value)
		if err != nil {
			return nil, err
		}
		val := sotepe.FeedbackExtraValue{QuestionID: x.QuestionID, Option: v.Option}
		if p.q.Kind == sotepe.KindScale {
			n := v.Number
			val.Number = &n
		}
		out = append(out, val)
	}
	return out, nil
}

// VisitUnit returns the unit of the visit of a feedback link's token, or
// ENotFound ("feedback.error.visit_link"); a visit answered already is
// EConflict ("error.feedback_used").
func (s *Service) VisitUnit(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 64 {
		return "", &sotepe.Error{Code: sotepe.ENotFound, Key: "feedback.error.visit_link", Message: "unknown visit link"}
	}
	h := sha256.Sum256([]byte(token))
	return s.store.FeedbackVisitUnit(ctx, h[:])
}
