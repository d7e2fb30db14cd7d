package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"sotepe"
)

// DemoSurvey is the id of the demo resident survey (survey/definitions).
const DemoSurvey = "resident-2025"

// surveyResponses is how many answers the demo survey gets: enough for
// every question's figures to show.
const surveyResponses = 60

// LoadSurvey fills the demo survey with surveyResponses answers, each
// through an invitation of its own as a resident would send it, drawn from
// a fixed seed so that every demo has the same figures. An administrator
// (admin) creates the invitations. It does nothing when the survey has
// answers already, so it may run at every demo start.
func LoadSurvey(ctx context.Context, svc sotepe.SurveyService, st sotepe.SurveyStore, admin sotepe.User) error {
	t, err := st.SurveyTally(ctx, DemoSurvey)
	if err != nil {
		return err
	}
	if t.Responses > 0 {
		return nil
	}
	_, questions, err := svc.Survey(DemoSurvey)
	if err != nil {
		return err
	}
	tokens, err := svc.Invite(ctx, admin, DemoSurvey, surveyResponses)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2025, 10))
	langs := []sotepe.Lang{sotepe.Finnish, sotepe.Finnish, sotepe.Finnish, sotepe.Finnish, sotepe.Swedish, sotepe.English}
	for _, token := range tokens {
		var answers []sotepe.AssessmentAnswer
		for _, q := range questions {
			v, ok := demoSurveyValue(rng, q)
			if !ok {
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			answers = append(answers, sotepe.AssessmentAnswer{Question: q.ID, Value: b})
		}
		if err := svc.Respond(ctx, token, langs[rng.IntN(len(langs))], answers); err != nil {
			return fmt.Errorf("demo survey: %w", err)
		}
	}
	return nil
}

// demoSurveyValue draws an answer to q, leaning to the satisfied side as
// Helsinki's residents do; optional questions are skipped now and then and
// texts always (a demo has nothing to say).
func demoSurveyValue(rng *rand.Rand, q sotepe.Question) (any, bool) {
	if q.Optional && rng.IntN(4) == 0 {
		return nil, false
	}
	switch q.Kind {
	case sotepe.KindSingleChoice:
		return q.Options[min(rng.IntN(len(q.Options)), rng.IntN(len(q.Options)))].ID, true
	case sotepe.KindMultiChoice:
		var ids []string
		for _, o := range q.Options {
			if rng.IntN(3) == 0 {
				ids = append(ids, o.ID)
			}
		}
		if ids == nil {
			ids = []string{q.Options[0].ID}
		}
		return ids, true
	case sotepe.KindScale:
		span := int(q.Max - q.Min)
		return int(q.Max) - min(rng.IntN(span+1), rng.IntN(span+1)), true
	case sotepe.KindNumber:
		return q.Min, true
	case sotepe.KindYesNo:
		return rng.IntN(5) > 0, true
	}
	return nil, false
}
