package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sotepe"
)

// The staff records (employments, vacancies, HR's monthly sums) and their
// counts; see sotepe.StaffStore. Writes are upserts in one transaction,
// many rows a statement, so that a generated year's employments load in
// well under a second.

// bulkRows is how many rows one multi-row INSERT of the staff and economy
// records carries: at most 7 columns, well within SQLite's 32,766
// parameters.
const bulkRows = 500

// upsertRows writes n rows of cols columns each with INSERT … VALUES
// (…), (…) … tail, bulkRows a statement; args returns row i's values.
func upsertRows(ctx context.Context, tx *sql.Tx, head, tail string, cols, n int, args func(i int) []any) error {
	for start := 0; start < n; start += bulkRows {
		end := min(start+bulkRows, n)
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(" VALUES ")
		vals := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(len(vals) + c + 1))
			}
			b.WriteByte(')')
			vals = append(vals, args(i)...)
		}
		b.WriteByte(' ')
		b.WriteString(tail)
		if _, err := tx.ExecContext(ctx, b.String(), vals...); err != nil {
			return err
		}
	}
	return nil
}

// recordError is the EInvalid error of the record at index of kind: the
// record's own validation error (naming its field), with Kind and Index.
func recordError(err error, kind string, index int) error {
	var e *sotepe.Error
	if !errors.As(err, &e) {
		return err
	}
	args := map[string]any{"Kind": kind, "Index": index}
	for k, v := range e.Args {
		args[k] = v
	}
	return e.With(args)
}

// ids returns the ids of table's rows as a set.
func ids(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error) {
	rows, err := queryAll(ctx, tx, func(r *sql.Rows) (id string, err error) {
		err = r.Scan(&id)
		return
	}, `SELECT id FROM `+table)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(rows))
	for _, id := range rows {
		out[id] = true
	}
	return out, nil
}

// unknownArea is the error of a record naming an area the network does not
// have.
func unknownArea(kind string, index int) error {
	return sotepe.InvalidField("area", "staff.error.area", "unknown area").With(map[string]any{"Kind": kind, "Index": index})
}

// validRecords validates items in order and returns the first failure,
// named by kind and its index (recordError).
func validRecords[T interface{ Validate() error }](kind string, items []T) error {
	for i, v := range items {
		if err := v.Validate(); err != nil {
			return recordError(err, kind, i)
		}
	}
	return nil
}

// knownAreas returns unknownArea, named by kind and the index, for the
// first of items whose area known does not accept.
func knownAreas[T any](kind string, items []T, known func(T) bool) error {
	for i, v := range items {
		if !known(v) {
			return unknownArea(kind, i)
		}
	}
	return nil
}

// SaveStaffRecords stores r whole or nothing; see sotepe.StaffStore.
func (s *Store) SaveStaffRecords(ctx context.Context, r sotepe.StaffRecords) error {
	if err := cmp.Or(validRecords("employment", r.Employments), validRecords("vacancy", r.Vacancies),
		validRecords("month", r.Months)); err != nil {
		return err
	}
	return s.inTx(ctx, "save staff records", func(tx *sql.Tx) error {
		areas, err := ids(ctx, tx, "areas")
		if err != nil {
			return err
		}
		if err := cmp.Or(
			knownAreas("employment", r.Employments, func(e sotepe.Employment) bool { return areas[e.AreaID] }),
			knownAreas("vacancy", r.Vacancies, func(v sotepe.Vacancy) bool { return areas[v.AreaID] }),
			knownAreas("month", r.Months, func(m sotepe.StaffMonth) bool { return areas[m.AreaID] })); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO employments (employee_key, start_date, area_id, profession, end_date, end_reason)`,
			`ON CONFLICT (employee_key, start_date) DO UPDATE SET area_id = excluded.area_id, profession = excluded.profession,
			end_date = excluded.end_date, end_reason = excluded.end_reason`, 6, len(r.Employments), func(i int) []any {
				e := r.Employments[i]
				return []any{e.Key, e.Start, e.AreaID, e.Profession, nullString(e.End), nullString(string(e.EndReason))}
			}); err != nil {
			return err
		}
		if err := upsertRows(ctx, tx, `INSERT INTO staff_vacancies (id, area_id, profession, published, applicants)`,
			`ON CONFLICT (id) DO UPDATE SET area_id = excluded.area_id, profession = excluded.profession,
			published = excluded.published, applicants = excluded.applicants`, 5, len(r.Vacancies), func(i int) []any {
				v := r.Vacancies[i]
				return []any{v.ID, v.AreaID, v.Profession, v.Published, v.Applicants}
			}); err != nil {
			return err
		}
		return upsertRows(ctx, tx, `INSERT INTO staff_months (month, area_id, profession, courses, training_days, sick_days)`,
			`ON CONFLICT (month, area_id, profession) DO UPDATE SET courses = excluded.courses,
			training_days = excluded.training_days, sick_days = excluded.sick_days`, 6, len(r.Months), func(i int) []any {
				m := r.Months[i]
				return []any{m.Month, m.AreaID, m.Profession, m.Courses, m.TrainingDays, m.SickDays}
			})
	})
}

func scanCell(rows *sql.Rows) (c sotepe.StaffCell, err error) {
	err = rows.Scan(&c.AreaID, &c.Profession, &c.Count)
	return
}

// StaffHeadcount counts the employments on day; see sotepe.StaffStore.
func (s *Store) StaffHeadcount(ctx context.Context, day string) ([]sotepe.StaffCell, error) {
	out, err := queryAll(ctx, s.figures(), scanCell, `SELECT area_id, profession, COUNT(*) FROM employments
		WHERE start_date <= $1 AND (end_date IS NULL OR end_date >= $1)
		GROUP BY area_id, profession ORDER BY area_id, profession`, day)
	return out, s.fail("staff headcount", err)
}

// StaffStarts counts the employments started from from to to.
func (s *Store) StaffStarts(ctx context.Context, from, to string) ([]sotepe.StaffCell, error) {
	out, err := queryAll(ctx, s.figures(), scanCell, `SELECT area_id, profession, COUNT(*) FROM employments
		WHERE start_date >= $1 AND start_date <= $2 GROUP BY area_id, profession ORDER BY area_id, profession`, from, to)
	return out, s.fail("staff starts", err)
}

// StaffLeavers counts the employments ended from from to to.
func (s *Store) StaffLeavers(ctx context.Context, from, to string) ([]sotepe.StaffCell, error) {
	out, err := queryAll(ctx, s.figures(), scanCell, `SELECT area_id, profession, COUNT(*) FROM employments
		WHERE end_date >= $1 AND end_date <= $2 GROUP BY area_id, profession ORDER BY area_id, profession`, from, to)
	return out, s.fail("staff leavers", err)
}

// StaffVacancies sums the vacancies published from from to to.
func (s *Store) StaffVacancies(ctx context.Context, from, to string) ([]sotepe.VacancySum, error) {
	out, err := queryInto(ctx, s.figures(), func(v *sotepe.VacancySum) []any { return []any{&v.AreaID, &v.Profession, &v.Vacancies, &v.Applicants} },
		`SELECT area_id, profession, COUNT(*), COALESCE(SUM(applicants), 0) FROM staff_vacancies
		WHERE published >= $1 AND published <= $2 GROUP BY area_id, profession ORDER BY area_id, profession`, from, to)
	return out, s.fail("staff vacancies", err)
}

// StaffMonths sums HR's monthly sums of the months from to to.
func (s *Store) StaffMonths(ctx context.Context, from, to string) ([]sotepe.StaffMonthSum, error) {
	out, err := queryInto(ctx, s.figures(), func(m *sotepe.StaffMonthSum) []any {
		return []any{&m.AreaID, &m.Profession, &m.Courses, &m.TrainingDays, &m.SickDays}
	}, `SELECT area_id, profession, SUM(courses), SUM(training_days), SUM(sick_days) FROM staff_months
		WHERE month >= $1 AND month <= $2 GROUP BY area_id, profession ORDER BY area_id, profession`, from, to)
	return out, s.fail("staff months", err)
}

// LoadSurveyResponses stores responses of survey (its version) as sent on
// day in lang, with no invitations: the generated year's personnel survey.
// Each response is its values; all are stored in one transaction or none.
// The responses of a batch are alike but for their values, so the ids the
// multi-row INSERT returns, in whatever order, are given out in turn.
func (s *Store) LoadSurveyResponses(ctx context.Context, survey string, version int, lang sotepe.Lang, day string, responses [][]sotepe.SurveyValue) error {
	return s.inTx(ctx, "load survey responses", func(tx *sql.Tx) error {
		for start := 0; start < len(responses); start += bulkRows {
			batch := responses[start:min(start+bulkRows, len(responses))]
			var b strings.Builder
			b.WriteString(`INSERT INTO survey_responses (survey_id, version, lang, day) VALUES `)
			for i := range batch {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("($1, $2, $3, $4)")
			}
			b.WriteString(" RETURNING id")
			ids, err := queryAll(ctx, tx, func(r *sql.Rows) (id int64, err error) {
				err = r.Scan(&id)
				return
			}, b.String(), survey, version, string(lang), day)
			if err != nil {
				return err
			}
			if len(ids) != len(batch) {
				return fmt.Errorf("%d ids for %d responses", len(ids), len(batch))
			}
			type answer struct {
				id int64
				v  sotepe.SurveyValue
			}
			var answers []answer
			for i, values := range batch {
				for _, v := range values {
					answers = append(answers, answer{ids[i], v})
				}
			}
			if err := upsertRows(ctx, tx, `INSERT INTO survey_answers (response_id, question_id, option_id, number, text)`, ``, 5, len(answers),
				func(i int) []any {
					a := answers[i]
					var num sql.NullFloat64
					if a.v.Number != nil {
						num = sql.NullFloat64{Float64: *a.v.Number, Valid: true}
					}
					return []any{a.id, a.v.Question, nullString(a.v.Option), num, nullString(a.v.Text)}
				}); err != nil {
				return err
			}
		}
		return nil
	})
}
