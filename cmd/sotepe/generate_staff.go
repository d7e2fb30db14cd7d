package main

import (
	"context"
	"fmt"
	"io"

	"sotepe"
	"sotepe/store"
	"sotepe/yeargen"
)

// generateSector writes the generated year's staff (employments, vacancies,
// HR's monthly sums and the personnel survey's answers), economy and
// sustainability.
func generateSector(ctx context.Context, st *store.Store, y yeargen.Year, stdout io.Writer) error {
	staff, err := y.StaffRecords()
	if err != nil {
		return err
	}
	if err := st.SaveStaffRecords(ctx, staff); err != nil {
		return err
	}
	answers, err := y.PersonnelSurveyAnswers()
	if err != nil {
		return err
	}
	if err := st.LoadSurveyResponses(ctx, sotepe.PersonnelSurvey(y.Year), 1, sotepe.Finnish, y.SurveyDay(), answers); err != nil {
		return err
	}
	econ, err := y.EconomyRecords()
	if err != nil {
		return err
	}
	if err := st.SaveEconomyRecords(ctx, econ); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "staff: %d employments, %d vacancies, %d personnel survey answers; economy: %d budget lines, %d measures, %d cars\n",
		len(staff.Employments), len(staff.Vacancies), len(answers), len(econ.Budget), len(econ.Measures), len(econ.Cars))
	return nil
}
