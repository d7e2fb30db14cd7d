package main

import (
	"context"
	"fmt"
	"io"

	"sotepe"
	"sotepe/store"
	"sotepe/yeargen"
)

// generateParticipation writes the generated year's population figures,
// experience experts, participation events and the resident survey's
// answers.
func generateParticipation(ctx context.Context, st *store.Store, y yeargen.Year, stdout io.Writer) error {
	ref, err := yeargen.LoadParticipationReference()
	if err != nil {
		return err
	}
	r := y.Participation(ref)
	if err := st.SaveParticipationRecords(ctx, r); err != nil {
		return err
	}
	answers := y.ResidentSurveyAnswers(ref)
	if err := st.LoadSurveyResponses(ctx, sotepe.ResidentSurvey(y.Year), 1, sotepe.Finnish, y.ResidentSurveyDay(), answers); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "participation: %d experience experts, %d events, %d resident survey answers\n", len(r.Experts), len(r.Events), len(answers))
	return nil
}
