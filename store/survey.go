package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotepe"
)

// Survey invitations and anonymous responses (sotepe.SurveyStore). An
// invitation is found by its token's SHA-256; a response row names neither
// the invitation nor a person, only its day.

func surveyLinkNotFound() error {
	return &sotepe.Error{Code: sotepe.ENotFound, Key: "survey.error.link", Message: "unknown invitation"}
}

// CreateSurveyInvitations stores the hashes of new invitations of survey,
// 500 rows a statement, with one audit row, in one transaction.
func (s *Store) CreateSurveyInvitations(ctx context.Context, survey string, hashes [][]byte, at time.Time) error {
	if !sotepe.ValidID(survey) {
		return sotepe.Invalid("error.invalid", "malformed survey id")
	}
	return s.inTx(ctx, "create survey invitations", func(tx *sql.Tx) error {
		for done := 0; done < len(hashes); {
			n := min(500, len(hashes)-done)
			var sb strings.Builder
			args := make([]any, 0, 3*n)
			sb.WriteString(`INSERT INTO survey_invitations (survey_id, token_hash, created_at) VALUES `)
			for i := range n {
				if i > 0 {
					sb.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&sb, "($%d, $%d, $%d)", k+1, k+2, k+3)
				args = append(args, survey, hashes[done+i], micros(at))
			}
			if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
				return err
			}
			done += n
		}
		return s.auditChange(ctx, tx, sotepe.ActionSurveyInvite, fmt.Sprintf("survey:%s:%d", survey, len(hashes)), 0)
	})
}

func scanInvitation(sc interface{ Scan(...any) error }) (sotepe.SurveyInvitation, error) {
	var inv sotepe.SurveyInvitation
	var draft string
	var usedOn sql.NullString
	if err := sc.Scan(&inv.ID, &inv.Survey, &draft, &inv.Revision, &usedOn); err != nil {
		return inv, err
	}
	inv.UsedOn = usedOn.String
	if err := json.Unmarshal([]byte(draft), &inv.Draft); err != nil {
		return inv, fmt.Errorf("survey draft: %w", err)
	}
	return inv, nil
}

const invitationColumns = `id, survey_id, draft, revision, used_on`

// SurveyInvitation returns the invitation of a token's hash, or ENotFound.
func (s *Store) SurveyInvitation(ctx context.Context, hash []byte) (sotepe.SurveyInvitation, error) {
	inv, err := scanInvitation(s.readers.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM survey_invitations WHERE token_hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, surveyLinkNotFound()
	}
	if err != nil {
		return inv, s.fail("read survey invitation", err)
	}
	return inv, nil
}

// SaveSurveyDraft stores the answers so far of an unused invitation whose
// revision is still revision, in one conditional update.
func (s *Store) SaveSurveyDraft(ctx context.Context, hash []byte, draft []sotepe.AssessmentAnswer, revision int) (sotepe.SurveyInvitation, error) {
	if draft == nil {
		draft = []sotepe.AssessmentAnswer{}
	}
	b, err := json.Marshal(draft)
	if err != nil {
		return sotepe.SurveyInvitation{}, err
	}
	inv, err := scanInvitation(s.writer.QueryRowContext(ctx, `UPDATE survey_invitations SET draft = $1, revision = revision + 1
		WHERE token_hash = $2 AND revision = $3 AND used_on IS NULL RETURNING `+invitationColumns, string(b), hash, revision))
	if errors.Is(err, sql.ErrNoRows) {
		cur, err := s.SurveyInvitation(ctx, hash)
		switch {
		case err != nil:
			return cur, err
		case cur.UsedOn != "":
			return cur, conflict("survey.error.used", "the invitation has been used")
		}
		return cur, conflict("assess.error.not_current", "the answers changed meanwhile")
	}
	if err != nil {
		return inv, s.fail("save survey draft", err)
	}
	return inv, nil
}

// AddSurveyResponse marks the invitation used (one conditional update, so
// that of two racing sends one wins) and stores the response and its values
// in the same transaction. The draft is emptied; the response keeps no link
// to the invitation.
func (s *Store) AddSurveyResponse(ctx context.Context, hash []byte, survey string, version int, lang sotepe.Lang, values []sotepe.SurveyValue, at time.Time) error {
	day := at.In(s.zone).Format(time.DateOnly)
	return s.inTx(ctx, "add survey response", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE survey_invitations SET used_on = $1, draft = '[]', revision = revision + 1
			WHERE token_hash = $2 AND survey_id = $3 AND used_on IS NULL`, day, hash, survey)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var usedOn sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT used_on FROM survey_invitations WHERE token_hash = $1 AND survey_id = $2`, hash, survey).Scan(&usedOn)
			if errors.Is(err, sql.ErrNoRows) {
				return surveyLinkNotFound()
			}
			if err != nil {
				return err
			}
			return conflict("survey.error.used", "the invitation has been used")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO survey_responses (survey_id, version, lang, day) VALUES ($1, $2, $3, $4) RETURNING id`,
			survey, version, string(lang), day).Scan(&id); err != nil {
			return err
		}
		for done := 0; done < len(values); {
			n := min(200, len(values)-done)
			var sb strings.Builder
			args := make([]any, 0, 5*n)
			sb.WriteString(`INSERT INTO survey_answers (response_id, question_id, option_id, number, text) VALUES `)
			for i := range n {
				v := values[done+i]
				if i > 0 {
					sb.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5)
				var num sql.NullFloat64
				if v.Number != nil {
					num = sql.NullFloat64{Float64: *v.Number, Valid: true}
				}
				args = append(args, id, v.Question, nullString(v.Option), num, nullString(v.Text))
			}
			if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
				return err
			}
			done += n
		}
		return nil
	})
}

// SurveyTally counts survey's responses, the responses that answered each
// question, and its values by question, option and number, in one
// snapshot.
func (s *Store) SurveyTally(ctx context.Context, survey string) (sotepe.SurveyTally, error) {
	t := sotepe.SurveyTally{Respondents: map[string]int64{}, Counts: []sotepe.SurveyCount{}}
	tx, err := s.readers.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return t, s.fail("tally survey", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1`, survey).Scan(&t.Responses); err != nil {
		return t, s.fail("tally survey", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.question_id, COALESCE(a.option_id, ''), a.number, COUNT(*), COUNT(DISTINCT a.response_id)
		FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		WHERE r.survey_id = $1 GROUP BY a.question_id, a.option_id, a.number`, survey)
	if err != nil {
		return t, s.fail("tally survey", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c sotepe.SurveyCount
		var num sql.NullFloat64
		var distinct int64
		if err := rows.Scan(&c.Question, &c.Option, &num, &c.Count, &distinct); err != nil {
			return t, s.fail("tally survey", err)
		}
		if num.Valid {
			c.Number = &num.Float64
		}
		t.Counts = append(t.Counts, c)
	}
	if err := rows.Err(); err != nil {
		return t, s.fail("tally survey", err)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT a.question_id, COUNT(DISTINCT a.response_id)
		FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		WHERE r.survey_id = $1 GROUP BY a.question_id`, survey)
	if err != nil {
		return t, s.fail("tally survey", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q string
		var n int64
		if err := rows.Scan(&q, &n); err != nil {
			return t, s.fail("tally survey", err)
		}
		t.Respondents[q] = n
	}
	return t, s.fail("tally survey", rows.Err())
}
