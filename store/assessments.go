package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"sotepe"
)

// Assessment sessions (sotepe.AssessmentStore). The secret id of a session
// is never stored, only its SHA-256; answers are one JSON text, replaced
// whole under a revision check, so that an answer is stored entirely or not
// at all and two racing answers cannot both win.

// idHash is the stored form of a session's secret id.
func idHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(t), Valid: true}
}

func timeOf(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// CreateAssessmentSession stores a new session with revision 0. An id
// already stored is EConflict; a session without id, definition or start
// time is EInvalid.
func (s *Store) CreateAssessmentSession(ctx context.Context, a sotepe.AssessmentSession) error {
	if a.ID == "" || a.Definition == "" || a.StartedAt.IsZero() {
		return sotepe.Invalid("error.invalid", "a session needs an id, a definition and a start")
	}
	answers, err := json.Marshal(nonNilAnswers(a.Answers))
	if err != nil {
		return s.fail("encode answers", err)
	}
	_, err = s.writer.ExecContext(ctx, `
		INSERT INTO assessment_sessions (id_hash, definition, version, resident_id, lang, answers, revision,
			outcome, urgency, service_id, started_at, started_day, updated_at, completed_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13)`,
		idHash(a.ID), a.Definition, a.Version, nullInt(a.ResidentID), string(a.Lang), string(answers),
		nullString(a.Outcome), nullString(string(a.Urgency)), nullString(a.ServiceID),
		micros(a.StartedAt), a.StartedAt.In(s.zone).Format(time.DateOnly), micros(a.UpdatedAt), nullMicros(a.CompletedAt))
	return s.fail("create assessment session", err)
}

func nonNilAnswers(a []sotepe.AssessmentAnswer) []sotepe.AssessmentAnswer {
	if a == nil {
		return []sotepe.AssessmentAnswer{}
	}
	return a
}

const sessionColumns = `definition, version, resident_id, lang, answers, revision, outcome, urgency, service_id,
	started_at, updated_at, completed_at, contact_request_id, handed_over_at, staff_urgency, graded_by, graded_at`

// scanSession reads one row of sessionColumns.
func scanSession(row interface{ Scan(...any) error }, a *sotepe.AssessmentSession) error {
	var resident, request, gradedBy sql.NullInt64
	var completed, handed, graded sql.NullInt64
	var outcome, urgency, service, staff sql.NullString
	var answers, lang string
	var started, updated int64
	err := row.Scan(&a.Definition, &a.Version, &resident, &lang, &answers, &a.Revision, &outcome, &urgency, &service,
		&started, &updated, &completed, &request, &handed, &staff, &gradedBy, &graded)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
		return err
	}
	a.ResidentID, a.Lang = resident.Int64, sotepe.Lang(lang)
	a.Outcome, a.Urgency, a.ServiceID = outcome.String, sotepe.Urgency(urgency.String), service.String
	a.StartedAt, a.UpdatedAt, a.CompletedAt = fromMicros(started), fromMicros(updated), timeOf(completed)
	a.ContactRequestID, a.HandedOverAt = request.Int64, timeOf(handed)
	a.StaffUrgency, a.GradedBy, a.GradedAt = sotepe.Urgency(staff.String), gradedBy.Int64, timeOf(graded)
	return nil
}

// AssessmentSession returns the session with id, or ENotFound.
func (s *Store) AssessmentSession(ctx context.Context, id string) (sotepe.AssessmentSession, error) {
	a := sotepe.AssessmentSession{ID: id}
	err := scanSession(s.readers.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM assessment_sessions WHERE id_hash = $1`, idHash(id)), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.AssessmentSession{}, sotepe.NotFound("assessment session")
	}
	if err != nil {
		return sotepe.AssessmentSession{}, s.fail("read assessment session", err)
	}
	return a, nil
}

// UpdateAssessmentSession stores a's answers, outcome, urgency, service,
// completion and update times under the revision check and returns the
// session as stored. A session changed since a was read, or handed over,
// is EConflict ("assess.error.changed"); a missing one ENotFound.
func (s *Store) UpdateAssessmentSession(ctx context.Context, a sotepe.AssessmentSession) (sotepe.AssessmentSession, error) {
	answers, err := json.Marshal(nonNilAnswers(a.Answers))
	if err != nil {
		return a, s.fail("encode answers", err)
	}
	res, err := s.writer.ExecContext(ctx, `
		UPDATE assessment_sessions SET answers = $1, revision = revision + 1, outcome = $2, urgency = $3,
			service_id = $4, updated_at = $5, completed_at = $6
		WHERE id_hash = $7 AND revision = $8 AND contact_request_id IS NULL`,
		string(answers), nullString(a.Outcome), nullString(string(a.Urgency)), nullString(a.ServiceID),
		micros(a.UpdatedAt), nullMicros(a.CompletedAt), idHash(a.ID), a.Revision)
	if err != nil {
		return a, s.fail("update assessment session", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return a, s.fail("update assessment session", err)
	} else if n == 0 {
		if _, err := s.AssessmentSession(ctx, a.ID); err != nil {
			return a, err
		}
		return a, conflict("assess.error.changed", "the session changed meanwhile")
	}
	a.Revision++
	a.Answers = nonNilAnswers(a.Answers)
	return a, nil
}

// HandOverAssessment links the finished session id to contact request
// requestID and makes residentID its owner, with the audit row, in one
// transaction. A session owned by another resident is ENotFound, one not
// finished or handed over as another request EConflict; the same hand-over
// again changes nothing.
func (s *Store) HandOverAssessment(ctx context.Context, id string, residentID, requestID int64, at time.Time) error {
	return s.inTx(ctx, "hand over assessment", func(tx *sql.Tx) error {
		var owner, request sql.NullInt64
		var outcome sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT resident_id, contact_request_id, outcome FROM assessment_sessions WHERE id_hash = $1`,
			idHash(id)).Scan(&owner, &request, &outcome)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return sotepe.NotFound("assessment session")
		case err != nil:
			return err
		case owner.Valid && owner.Int64 != residentID:
			return sotepe.NotFound("assessment session")
		case request.Valid && request.Int64 == requestID:
			return nil
		case request.Valid:
			return conflict("assess.error.handed_over", "the session was handed over already")
		case !outcome.Valid:
			return conflict("assess.error.unfinished", "the assessment is not finished")
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE assessment_sessions SET resident_id = $1, contact_request_id = $2, handed_over_at = $3
			WHERE id_hash = $4`, residentID, requestID, micros(at), idHash(id)); err != nil {
			return err
		}
		if err := s.recordAssessmentEvent(ctx, tx, requestID, at); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionAssessmentHandOver, contactObject(requestID), residentID)
	})
}

// AssessmentForContactRequest returns the session handed over as contact
// request requestID, or ENotFound. Its ID is empty: the secret is not kept.
func (s *Store) AssessmentForContactRequest(ctx context.Context, requestID int64) (sotepe.AssessmentSession, error) {
	var a sotepe.AssessmentSession
	err := scanSession(s.readers.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM assessment_sessions WHERE contact_request_id = $1`, requestID), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return a, sotepe.NotFound("assessment session")
	}
	if err != nil {
		return a, s.fail("read assessment session", err)
	}
	return a, nil
}

// GradeAssessment records a professional's urgency for the hand-over of
// contact request requestID, with the audit row, in one transaction. An
// unknown urgency is EInvalid; no such hand-over ENotFound.
func (s *Store) GradeAssessment(ctx context.Context, requestID int64, urgency sotepe.Urgency, by int64, at time.Time) error {
	if !urgency.Valid() {
		return sotepe.Invalid("assess.error.urgency", "unknown urgency "+string(urgency))
	}
	return s.inTx(ctx, "grade assessment", func(tx *sql.Tx) error {
		var resident int64
		err := tx.QueryRowContext(ctx, `
			UPDATE assessment_sessions SET staff_urgency = $1, graded_by = $2, graded_at = $3
			WHERE contact_request_id = $4 RETURNING resident_id`,
			string(urgency), by, micros(at), requestID).Scan(&resident)
		if errors.Is(err, sql.ErrNoRows) {
			return sotepe.NotFound("assessment session")
		}
		if err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionAssessmentGrade, contactObject(requestID), resident)
	})
}

// AssessmentCounts returns the aggregates of the sessions started from–to
// (YYYY-MM-DD in Europe/Helsinki, both included) by day, definition and
// urgency ("" for sessions not finished).
func (s *Store) AssessmentCounts(ctx context.Context, from, to string) ([]sotepe.AssessmentCount, error) {
	out, err := queryAll(ctx, s.readers, func(rows *sql.Rows) (sotepe.AssessmentCount, error) {
		var c sotepe.AssessmentCount
		var urgency string
		if err := rows.Scan(&c.Day, &c.Definition, &urgency, &c.Started, &c.HandedOver, &c.Graded, &c.Agreed); err != nil {
			return c, err
		}
		c.Urgency = sotepe.Urgency(urgency)
		return c, nil
	}, `
		SELECT started_day, definition, COALESCE(urgency, ''), COUNT(*),
			SUM(CASE WHEN contact_request_id IS NOT NULL THEN 1 ELSE 0 END),
			SUM(CASE WHEN staff_urgency IS NOT NULL THEN 1 ELSE 0 END),
			SUM(CASE WHEN staff_urgency = urgency THEN 1 ELSE 0 END)
		FROM assessment_sessions
		WHERE started_day >= $1 AND started_day <= $2
		GROUP BY started_day, definition, COALESCE(urgency, '')
		ORDER BY 1, 2, 3`, from, to)
	if err != nil {
		return nil, s.fail("count assessments", err)
	}
	return out, nil
}
