package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// Units' extra feedback questions (sotepe.FeedbackQuestionStore) and the
// tokens of visits' feedback links.

// feedbackQuestionObject names an extra question in the audit trail.
func feedbackQuestionObject(id int64) string { return "feedback_question:" + strconv.FormatInt(id, 10) }

// AddFeedbackQuestion stores an extra question of unit with its audit row.
// The count of the unit's live questions is checked in the same
// transaction; on PostgreSQL the unit's row is locked first so that two
// managers adding at once cannot both pass the check.
func (s *Store) AddFeedbackQuestion(ctx context.Context, unit string, definition json.RawMessage, at time.Time) (sotepe.FeedbackQuestionRecord, error) {
	rec := sotepe.FeedbackQuestionRecord{UnitID: unit, Definition: definition, CreatedAt: instant(at)}
	err := s.inTx(ctx, "add feedback question", func(tx *sql.Tx) error {
		lock := `SELECT 1 FROM units WHERE id = $1`
		if s.dialect.name == Postgres {
			lock += ` FOR UPDATE`
		}
		var one int
		if err := tx.QueryRowContext(ctx, lock, unit).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return sotepe.NotFound("unit")
		} else if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_questions WHERE unit_id = $1 AND retired_at IS NULL`, unit).Scan(&n); err != nil {
			return err
		}
		if n >= sotepe.MaxFeedbackQuestions {
			return conflict("feedback.error.questions_full", "the unit asks the most extra questions already").With(map[string]any{"Max": sotepe.MaxFeedbackQuestions})
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_questions (unit_id, definition, created_at) VALUES ($1, $2, $3) RETURNING id`,
			unit, string(definition), micros(rec.CreatedAt)).Scan(&rec.ID); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionFeedbackQuestionAdd, feedbackQuestionObject(rec.ID), 0)
	})
	if err != nil {
		return sotepe.FeedbackQuestionRecord{}, err
	}
	return rec, nil
}

// FeedbackQuestions lists extra questions by unit, ids and liveness, in
// the order they were added.
func (s *Store) FeedbackQuestions(ctx context.Context, unit string, ids []int64, live bool) ([]sotepe.FeedbackQuestionRecord, error) {
	var where []string
	var args []any
	if unit != "" {
		args = append(args, unit)
		where = append(where, `unit_id = $1`)
	}
	if ids != nil {
		ids = dedupe(ids)
		if len(ids) == 0 {
			return []sotepe.FeedbackQuestionRecord{}, nil
		}
		where = append(where, `id IN (`+placeholders(len(args)+1, len(ids))+`)`)
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if live {
		where = append(where, `retired_at IS NULL`)
	}
	if len(where) == 0 {
		return nil, sotepe.Invalid("error.invalid", "name a unit or questions")
	}
	out, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (sotepe.FeedbackQuestionRecord, error) {
		var rec sotepe.FeedbackQuestionRecord
		var def string
		var created, retired int64
		if err := rows.Scan(&rec.ID, &rec.UnitID, &def, &created, &retired); err != nil {
			return rec, err
		}
		rec.Definition, rec.CreatedAt = json.RawMessage(def), fromMicros(created)
		if retired != 0 {
			rec.RetiredAt = fromMicros(retired)
		}
		return rec, nil
	}, `SELECT id, unit_id, definition, created_at, COALESCE(retired_at, 0) FROM feedback_questions
		WHERE `+strings.Join(where, " AND ")+` ORDER BY id`, args...)
	return out, s.fail("list feedback questions", err)
}

// RetireFeedbackQuestion stops asking question id of unit, with its audit
// row in the same transaction.
func (s *Store) RetireFeedbackQuestion(ctx context.Context, unit string, id int64, at time.Time) error {
	return s.inTx(ctx, "retire feedback question", func(tx *sql.Tx) error {
		if err := execAffecting(ctx, tx, sotepe.NotFound("feedback question"),
			`UPDATE feedback_questions SET retired_at = $1 WHERE id = $2 AND unit_id = $3 AND retired_at IS NULL`,
			micros(at), id, unit); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionFeedbackQuestionRetire, feedbackQuestionObject(id), 0)
	})
}

// FeedbackExtraCounts counts the answers of questions ids by option and
// number, from the index feedback_extra_question alone.
func (s *Store) FeedbackExtraCounts(ctx context.Context, ids []int64) ([]sotepe.FeedbackExtraCount, error) {
	out := []sotepe.FeedbackExtraCount{}
	ids = dedupe(ids)
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.readers.QueryContext(ctx, `SELECT question_id, COALESCE(option_id, ''), number, COUNT(*) FROM feedback_extra_answers
		WHERE question_id IN (`+placeholders(1, len(ids))+`) GROUP BY question_id, option_id, number`, args...)
	if err != nil {
		return nil, s.fail("count feedback extras", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c sotepe.FeedbackExtraCount
		var num sql.NullFloat64
		if err := rows.Scan(&c.QuestionID, &c.Option, &num, &c.Count); err != nil {
			return nil, s.fail("count feedback extras", err)
		}
		if num.Valid {
			c.Number = &num.Float64
		}
		out = append(out, c)
	}
	return out, s.fail("count feedback extras", rows.Err())
}

// insertFeedbackExtras stores the answers to extra questions of answer id
// about unit; a question not asked at unit is EInvalid
// ("feedback.error.extra_question") and the caller's transaction rolls back.
func insertFeedbackExtras(ctx context.Context, tx *sql.Tx, id int64, unit string, extra []sotepe.FeedbackExtraValue) error {
	for _, x := range extra {
		var num sql.NullFloat64
		if x.Number != nil {
			num = sql.NullFloat64{Float64: *x.Number, Valid: true}
		}
		err := execAffecting(ctx, tx, sotepe.Invalid("feedback.error.extra_question", "the unit does not ask this question"),
			`INSERT INTO feedback_extra_answers (feedback_id, question_id, option_id, number)
			SELECT $1, id, $2, $3 FROM feedback_questions WHERE id = $4 AND unit_id = $5 AND retired_at IS NULL`,
			id, nullString(x.Option), num, x.QuestionID, unit)
		if classify(err) == failUnique {
			return sotepe.Invalid("feedback.error.extra_question", "a question answered twice")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// SetFeedbackVisitToken gives the feedback link of the resident's
// completed appointment the token whose hash is tokenHash, replacing an
// earlier one (a notification sent again gets a fresh link; only the newest
// works). The appointment is the one the feedback notification names.
func (s *Store) SetFeedbackVisitToken(ctx context.Context, residentID, appointmentID int64, tokenHash []byte, at time.Time) error {
	return s.fail("set feedback visit token", execAffecting(ctx, s.writer, sotepe.NotFound("appointment"),
		`INSERT INTO feedback_visit_tokens (appointment_id, token_hash, created_at)
		SELECT id, $3, $4 FROM appointments WHERE resident_id = $1 AND id = $2 AND status = 'completed'
		ON CONFLICT (appointment_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		residentID, appointmentID, tokenHash, micros(at)))
}

// visitAppointment finds the completed appointment of a feedback link's
// token hash in tx: its id, resident, unit and service. An unknown token is
// ENotFound ("feedback.error.visit_link").
func visitAppointment(ctx context.Context, tx *sql.Tx, hash []byte) (id, resident int64, unit string, service sql.NullString, err error) {
	err = tx.QueryRowContext(ctx, `SELECT a.id, a.resident_id, a.unit_id, a.service_id FROM feedback_visit_tokens t
		JOIN appointments a ON a.id = t.appointment_id WHERE t.token_hash = $1 AND a.status = 'completed'`, hash).Scan(&id, &resident, &unit, &service)
	if errors.Is(err, sql.ErrNoRows) {
		err = &sotepe.Error{Code: sotepe.ENotFound, Key: "feedback.error.visit_link", Message: "unknown visit link"}
	}
	return id, resident, unit, service, err
}

// FeedbackVisitUnit returns the unit of the visit of a feedback link's
// token hash, or ENotFound; a visit answered already is EConflict
// ("error.feedback_used").
func (s *Store) FeedbackVisitUnit(ctx context.Context, hash []byte) (string, error) {
	tx, err := s.readers.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", s.fail("read feedback visit", err)
	}
	defer func() { _ = tx.Rollback() }()
	id, _, unit, _, err := visitAppointment(ctx, tx, hash)
	if err != nil {
		return "", s.fail("read feedback visit", err)
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM feedback WHERE appointment_id = $1`, id).Scan(&one)
	if err == nil {
		return "", conflict("error.feedback_used", "the visit has an answer already")
	} else if !errors.Is(err, sql.ErrNoRows) {
		return "", s.fail("read feedback visit", err)
	}
	return unit, nil
}
