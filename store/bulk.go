package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"sotepe"
)

// BulkContactRequests stores already-valid requests with all their messages
// in one transaction, many rows a statement, for loading history (`sotepe
// generate`): no idempotency keys, no audit rows, no notifications, since
// no person acts. The store numbers the requests and messages itself and
// sets their ids in rs. Each answered request (FirstAnsweredAt set) gets
// the contact_requests_answered service event of its first answer, as
// AddMessage records it, so the loaded history counts in the volumes and
// the annual report as well as in the answer promise's figures. Taking the table lock keeps concurrent submissions
// from taking the same ids; on failure nothing is stored.
func (s *Store) BulkContactRequests(ctx context.Context, rs []sotepe.ContactRequest) error {
	return s.bulkContactRequests(ctx, rs, nil)
}

// BulkContactRequestsTimed is BulkContactRequests that also stores the
// working time to each answered request's first answer,
// workingTime(received, first answered) in whole seconds, as
// FillAnswerWorkingSeconds would fill it later: the log of the figures then
// gets one change a request instead of three.
func (s *Store) BulkContactRequestsTimed(ctx context.Context, rs []sotepe.ContactRequest, workingTime func(from, to time.Time) time.Duration) error {
	return s.bulkContactRequests(ctx, rs, workingTime)
}

func (s *Store) bulkContactRequests(ctx context.Context, rs []sotepe.ContactRequest, workingTime func(from, to time.Time) time.Duration) error {
	if len(rs) == 0 {
		return nil
	}
	return s.inTx(ctx, "bulk contact requests", func(tx *sql.Tx) error {
		if s.dialect.name == Postgres {
			if _, err := tx.ExecContext(ctx, `LOCK TABLE contact_requests, contact_messages IN EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		var nextRequest, nextMessage int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM contact_requests`).Scan(&nextRequest); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM contact_messages`).Scan(&nextMessage); err != nil {
			return err
		}
		now := micros(s.now())
		requests := rowWriter{tx: tx, d: s.dialect, head: `INSERT INTO contact_requests (id, resident_id, contact_name, contact_phone,
			contact_email, service_id, unit_id, channel, status, lang, received_at, due_at, first_answered_at, breached,
			assigned_to, recorded_by, closed_at, resolution, created_at, answer_seconds)`, cols: 20, ids: true}
		messages := rowWriter{tx: tx, d: s.dialect, head: `INSERT INTO contact_messages (id, request_id, author_id, from_staff, internal, body, at)`, cols: 7, ids: true}
		for i := range rs {
			r := &rs[i]
			r.ID = nextRequest
			nextRequest++
			var name, phone, email sql.NullString
			if c := r.Contact; c != nil {
				name, phone, email = sql.NullString{String: c.Name, Valid: true}, nullString(c.Phone), nullString(c.Email)
			}
			var answered, closed, seconds sql.NullInt64
			if !r.FirstAnsweredAt.IsZero() {
				answered = sql.NullInt64{Int64: micros(r.FirstAnsweredAt), Valid: true}
				if workingTime != nil {
					seconds = sql.NullInt64{Int64: int64(workingSeconds(workingTime(r.ReceivedAt, r.FirstAnsweredAt))), Valid: true}
				}
			}
			if !r.ClosedAt.IsZero() {
				closed = sql.NullInt64{Int64: micros(r.ClosedAt), Valid: true}
			}
			requests.buffer(r.ID, nullInt(r.ResidentID), name, phone, email, r.ServiceID, r.UnitID, string(r.Channel),
				string(r.Status), string(r.Lang), micros(r.ReceivedAt), micros(r.DueAt), answered, r.Breached,
				nullInt(r.AssignedTo), nullInt(r.RecordedBy), closed, nullString(string(r.Resolution)), now, seconds)
			for j := range r.Messages {
				m := &r.Messages[j]
				m.ID = nextMessage
				nextMessage++
				messages.buffer(m.ID, r.ID, nullInt(m.AuthorID), m.FromStaff, m.Internal, m.Body, micros(m.At))
			}
			// Requests go first: their messages refer to them. A batch of
			// messages waits until its requests are written.
			if requests.whole() {
				if err := requests.flush(ctx); err != nil {
					return err
				}
				if err := messages.write(ctx, false); err != nil {
					return err
				}
			}
		}
		if err := requests.flush(ctx); err != nil {
			return err
		}
		if err := messages.flush(ctx); err != nil {
			return err
		}
		if err := s.bulkAnsweredEvents(ctx, tx, rs); err != nil {
			return err
		}
		if s.dialect.name == Postgres {
			// Identity columns do not see explicit ids: move them past.
			for _, table := range []string{"contact_requests", "contact_messages"} {
				if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// rowWriter gathers rows into multi-row INSERT statements of rowsPerInsert
// rows (per when set), well under both engines' limits on parameters. The
// statement of a whole batch is prepared once for the transaction, so a bulk
// load parses its text once instead of for every batch; only the last,
// shorter batch runs a text of its own.
type rowWriter struct {
	tx   *sql.Tx
	d    dialect
	head string // INSERT INTO table (columns)
	tail string // what follows the rows, such as ON CONFLICT …
	ids  bool   // the rows give their identity column (OVERRIDING SYSTEM VALUE on PostgreSQL)
	cols int
	per  int
	args []any
	full *sql.Stmt
}

const rowsPerInsert = 200

func (w *rowWriter) rows() int {
	if w.per > 0 {
		return w.per
	}
	return rowsPerInsert
}

// add adds one row, writing the batch when it is whole.
func (w *rowWriter) add(ctx context.Context, values ...any) error {
	w.buffer(values...)
	return w.write(ctx, false)
}

// buffer adds one row without writing anything, for rows that must wait
// for others (a request's messages for the request).
func (w *rowWriter) buffer(values ...any) { w.args = append(w.args, values...) }

// whole reports whether a whole batch is gathered.
func (w *rowWriter) whole() bool { return len(w.args) >= w.rows()*w.cols }

// flush writes every row gathered.
func (w *rowWriter) flush(ctx context.Context) error { return w.write(ctx, true) }

// write writes the whole batches gathered, and with all the rest too.
func (w *rowWriter) write(ctx context.Context, all bool) error {
	per := w.rows()
	for len(w.args) > 0 {
		n := min(len(w.args)/w.cols, per)
		if n < per && !all {
			return nil
		}
		var err error
		if n == per {
			if w.full == nil {
				if w.full, err = w.tx.PrepareContext(ctx, w.statement(per)); err != nil {
					return err
				}
			}
			_, err = w.full.ExecContext(ctx, w.args[:n*w.cols]...)
		} else {
			_, err = w.tx.ExecContext(ctx, w.statement(n), w.args[:n*w.cols]...)
		}
		if err != nil {
			return err
		}
		w.args = w.args[:copy(w.args, w.args[n*w.cols:])]
	}
	return nil
}

// statement returns the INSERT of n rows.
func (w *rowWriter) statement(n int) string {
	var b strings.Builder
	b.WriteString(w.head)
	if w.ids && w.d.name == Postgres {
		// Identity columns are generated ALWAYS; these rows give theirs.
		b.WriteString(" OVERRIDING SYSTEM VALUE")
	}
	b.WriteString(" VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + w.d.rowParams(i*w.cols+1, w.cols) + ")")
	}
	b.WriteString(w.tail)
	return b.String()
}

// bulkAnsweredEvents records the contact_requests_answered events of the
// answered requests of rs in tx, with their units' producers.
func (s *Store) bulkAnsweredEvents(ctx context.Context, tx *sql.Tx, rs []sotepe.ContactRequest) error {
	producer := map[string]string{}
	evs := make([]sotepe.ServiceEvent, 0, addRows)
	for i := range rs {
		r := &rs[i]
		if r.FirstAnsweredAt.IsZero() {
			continue
		}
		p, ok := producer[r.UnitID]
		if !ok {
			if err := tx.QueryRowContext(ctx, `SELECT producer_id FROM units WHERE id = $1`, r.UnitID).Scan(&p); err != nil {
				return err
			}
			producer[r.UnitID] = p
		}
		e := answeredEvent(r.ID, r.UnitID, string(r.Channel), r.FirstAnsweredAt.In(s.zone))
		e.ProducerID = p
		if evs = append(evs, e); len(evs) == addRows {
			if _, err := s.insertEvents(ctx, tx, evs); err != nil {
				return err
			}
			evs = evs[:0]
		}
	}
	if len(evs) == 0 {
		return nil
	}
	_, err := s.insertEvents(ctx, tx, evs)
	return err
}
