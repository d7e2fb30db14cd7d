package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"sotepe"
)

// The outbox's rows are written by the changes they tell of (AddMessage,
// MarkBreached), in their transactions; these methods are the Sender's
// side. A notification is delivered at least once: a Sender that sends and
// then fails to record it (or dies before it does) sends it again, or
// another Sender does after the claim's lease. Two live Senders never send
// the same notification, as each sends only what it claimed. Its bookkeeping changes no one's
// data and writes no audit row.

// PendingNotifications returns up to limit unsent notifications whose next
// attempt is due at now (next attempt at or before now), oldest first (by
// creation, then id). A zero limit is the default page limit and one over
// sotepe.MaxPageLimit is capped; a negative one is EInvalid
// ("error.page_limit"). Several Senders calling at once get the same rows:
// a Sender claims instead (ClaimNotifications).
func (s *Store) PendingNotifications(ctx context.Context, now time.Time, limit int) ([]sotepe.Notification, error) {
	page, err := sotepe.PageRequest{Limit: limit}.Normalize()
	if err != nil {
		return nil, err
	}
	rows, err := s.readers.QueryContext(ctx, `
		SELECT `+notificationColumns+` FROM notifications
		WHERE sent_at IS NULL AND next_attempt_at <= $1
		ORDER BY created_at, id LIMIT CAST($2 AS INTEGER)`, micros(now), page.Limit)
	if err != nil {
		return nil, s.fail("pending notifications", err)
	}
	out, err := scanNotifications(rows)
	if err != nil {
		return nil, s.fail("pending notifications", err)
	}
	return out, nil
}

// ClaimNotifications claims up to limit unsent notifications whose next
// attempt is due at now for one Sender and returns them, oldest first: in
// one transaction it moves their next attempt to now+lease, so that no
// other Sender, in this process or another one on the same database, gets
// them until the lease is over. The Sender records each as sent
// (MarkNotificationSent) or failed (MarkNotificationFailed, which sets the
// next attempt anew) within the lease; a Sender that dies holding a claim
// leaves its notifications to whoever claims after the lease. On PostgreSQL
// the rows another claim is taking at the same moment are skipped (FOR
// UPDATE SKIP LOCKED), on SQLite the one writer serializes claims. A zero
// limit is the default page limit and one over sotepe.MaxPageLimit is
// capped; a negative one, or a lease that is not positive, is EInvalid.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]sotepe.Notification, error) {
	page, err := sotepe.PageRequest{Limit: limit}.Normalize()
	if err != nil {
		return nil, err
	}
	if lease <= 0 {
		return nil, sotepe.Invalid("error.invalid", "the lease must be positive")
	}
	skip := ""
	if s.dialect.name == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var out []sotepe.Notification
	err = s.inTx(ctx, "claim notifications", func(tx *sql.Tx) error {
		// The due rows are chosen once (MATERIALIZED): a subquery that
		// PostgreSQL rescans would skip other locks anew each time and
		// return more than limit rows. The outer condition repeats the
		// inner one, so that a row another claim took meanwhile no longer
		// matches when PostgreSQL rechecks it.
		rows, err := tx.QueryContext(ctx, `
			WITH due AS MATERIALIZED (SELECT id FROM notifications WHERE sent_at IS NULL AND next_attempt_at <= $1
				ORDER BY created_at, id LIMIT CAST($3 AS INTEGER)`+skip+`)
			UPDATE notifications SET next_attempt_at = $2
			WHERE id IN (SELECT id FROM due) AND sent_at IS NULL AND next_attempt_at <= $1
			RETURNING `+notificationColumns, micros(instant(now)), micros(instant(now.Add(lease))), page.Limit)
		if err != nil {
			return err
		}
		out, err = scanNotifications(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b sotepe.Notification) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

const notificationColumns = `id, user_id, kind, lang, request_id, appointment_id, created_at, attempts`

// scanNotifications reads rows of notificationColumns and closes them.
func scanNotifications(rows *sql.Rows) ([]sotepe.Notification, error) {
	defer rows.Close()
	out := []sotepe.Notification{}
	for rows.Next() {
		var n sotepe.Notification
		var kind, lang string
		var request, appointment sql.NullInt64
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &kind, &lang, &request, &appointment, &created, &n.Attempts); err != nil {
			return nil, err
		}
		n.Kind, n.Lang, n.RequestID, n.CreatedAt = sotepe.NotificationKind(kind), sotepe.Lang(lang), request.Int64, fromMicros(created)
		n.AppointmentID = appointment.Int64
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationSent records the delivery of notification id at at (a
// zero at is now) as one more attempt. Recording a delivery again keeps the
// first and changes nothing. A missing notification is ENotFound.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.fail("mark notification sent", execAffecting(ctx, s.writer, sotepe.NotFound("notification"), `
		UPDATE notifications SET
			attempts = attempts + CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END,
			sent_at = COALESCE(sent_at, $2)
		WHERE id = $1`, id, micros(instant(at))))
}

// MarkNotificationFailed records a failed attempt at notification id: one
// more attempt, and the next at retryAt. A notification recorded as sent
// stays so (a late failure of a duplicate delivery does not make it pending
// again). A missing notification is ENotFound. How long to keep retrying is
// the Sender's to decide from Attempts.
func (s *Store) MarkNotificationFailed(ctx context.Context, id int64, retryAt time.Time) error {
	return s.fail("mark notification failed", execAffecting(ctx, s.writer, sotepe.NotFound("notification"), `
		UPDATE notifications SET
			attempts = attempts + CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END,
			next_attempt_at = CASE WHEN sent_at IS NULL THEN $2 ELSE next_attempt_at END
		WHERE id = $1`, id, micros(instant(retryAt))))
}
