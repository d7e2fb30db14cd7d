package questionnaire

import (
	"encoding/json"
	"testing"

	"sotepe"
)

func scale(min, max float64) *Question {
	names := sotepe.Names{Fi: "a", Sv: "b", En: "c"}
	return &Question{ID: "q", Kind: sotepe.KindScale, Text: names, Min: &min, Max: &max}
}

func TestScaleAnswers(t *testing.T) {
	q := scale(1, 5)
	if errs := q.Check(Rules{Kinds: sotepe.QuestionKinds}); len(errs) > 0 {
		t.Fatal(errs)
	}
	v, canon, err := q.Parse(json.RawMessage(` 4 `))
	if err != nil || v.Number != 4 || string(canon) != "4" {
		t.Fatalf("4: %v %s %v", v, canon, err)
	}
	for _, bad := range []string{`0`, `6`, `2.5`, `"3"`, `null`, ``} {
		if _, _, err := q.Parse(json.RawMessage(bad)); sotepe.ErrorCode(err) != sotepe.EInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got := q.Public().ScaleValues(); len(got) != 5 || got[0] != 1 || got[4] != 5 {
		t.Fatalf("scale values %v", got)
	}
}

func TestRulesDecideKindsOptionalAndScores(t *testing.T) {
	q := scale(0, 10)
	q.Optional = true
	assessments := Rules{Kinds: []sotepe.QuestionKind{sotepe.KindNumber}, Scores: true}
	if errs := q.Check(assessments); len(errs) != 2 {
		t.Fatalf("a scale and optional where not taken: %v", errs)
	}
	names := sotepe.Names{Fi: "a", Sv: "b", En: "c"}
	c := &Question{ID: "c", Kind: sotepe.KindSingleChoice, Text: names, Options: []Option{{ID: "x", Text: names, Score: 3}, {ID: "y", Text: names}}}
	if errs := c.Check(Rules{Kinds: sotepe.QuestionKinds}); len(errs) != 1 {
		t.Fatalf("a score where none is taken: %v", errs)
	}
	if errs := c.Check(Rules{Kinds: sotepe.QuestionKinds, Scores: true}); len(errs) != 0 {
		t.Fatalf("scores taken: %v", errs)
	}
	if i, ok := c.OptionIndex("y"); !ok || i != 1 {
		t.Fatalf("option y at %d %v", i, ok)
	}
}

// TestPublicQuestions checks that the questions come out in their order,
// each as Public shows it, and that a definition's own question type,
// which embeds Question, serves as well.
func TestPublicQuestions(t *testing.T) {
	a, b := scale(1, 5), scale(0, 10)
	b.ID = "r"
	for _, q := range []*Question{a, b} {
		if errs := q.Check(Rules{Kinds: sotepe.QuestionKinds}); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	got := PublicQuestions([]*Question{a, b})
	if len(got) != 2 || got[0].ID != "q" || got[1].ID != "r" || len(got[1].ScaleValues()) != 11 {
		t.Fatalf("public questions %+v", got)
	}
	type own struct{ Question }
	if got := PublicQuestions([]*own{{Question: *a}}); len(got) != 1 || got[0].ID != "q" {
		t.Fatalf("a definition's own questions %+v", got)
	}
}
