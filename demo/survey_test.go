package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"sotepe"
	"sotepe/demo"
	"sotepe/store"
	"sotepe/survey"
)

// TestDemoSurveyHasFiguresOnce fills the demo survey on a real SQLite
// store: every required question shows figures, and a second start adds
// nothing.
func TestDemoSurveyHasFiguresOnce(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	defs, err := survey.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc := survey.New(survey.Config{Surveys: defs, Store: st})
	admin := sotepe.User{Roles: []sotepe.Role{sotepe.RoleAdmin}}
	for range 2 {
		if err := demo.LoadSurvey(ctx, svc, st, admin); err != nil {
			t.Fatal(err)
		}
	}
	res, err := svc.Results(ctx, sotepe.User{Roles: []sotepe.Role{sotepe.RoleAnalyst}}, demo.DemoSurvey)
	if err != nil {
		t.Fatal(err)
	}
	if res.Responses != 60 {
		t.Fatalf("%d responses, want 60", res.Responses)
	}
	for _, q := range res.Questions {
		if !q.Question.Optional && (q.Withheld != "" || q.Answered != 60) {
			t.Errorf("question %s: answered %d, withheld %q", q.Question.ID, q.Answered, q.Withheld)
		}
	}
}
