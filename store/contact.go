package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sotepe"
)

// How contact requests are kept.
//
// A request is a contact_requests row and its thread of contact_messages.
// Every change writes its audit row in the same transaction: contact.create,
// contact.message, contact.assign and contact.close, each with object
// "contact:<id>" and the request's resident. A staff member's read of one
// request (ContactRequest) writes contact.read with basis client_request in
// the transaction of the read, so it shows in the resident's access log.
//
// Idempotency: a key belongs to whoever sent the request: the professional
// who recorded a phone request (recorded_by), else the resident, else (the
// website form) nobody, the key alone. contact_requests_idempotency is a
// unique index on (COALESCE(recorded_by, 0), the resident when nobody
// recorded the request, idempotency_key) over the rows with a key (migration
// 00010), so one sender's key never finds another's request: a professional
// who records a phone request with the key of the resident's own request
// gets a new request, not the resident's thread. On SQLite
// CreateContactRequest looks the key up first, which settles a retry; two
// submissions racing past that look-up meet at the index: the insert is ON
// CONFLICT DO NOTHING, so the loser inserts nothing and, still in its
// transaction, reads the winner's row back instead of failing. On
// PostgreSQL a submission is first tried as one statement (createContactPG:
// the request, its first message and its audit row, atomic without BEGIN
// and COMMIT, one round trip); its insert meets a stored key at the same
// index (waiting for a racing winner to commit) and inserts nothing, and
// the transaction above then runs and replays the stored request.
//
// The outbox: a staff answer to a resident with an account, and each breach
// for each manager of the unit, add a notifications row in the transaction
// of the change, so a notification exists exactly when the change does. A
// Sender delivers them afterwards (outbox.go). Rows hold whom to tell, of
// what kind and in which language, never message text.

// pendingWhere picks the requests the breach sweep looks at: open (waiting
// for the service), unanswered and not yet flagged. It is the predicate of
// the partial index contact_requests_pending word for word, as SQLite uses
// a partial index only for a query that repeats it.
const pendingWhere = `status IN ('new', 'in_progress', 'waiting') AND first_answered_at IS NULL AND NOT breached`

const contactColumns = `id, resident_id, contact_name, contact_phone, contact_email, service_id, unit_id, channel,
	status, lang, received_at, due_at, first_answered_at, breached, assigned_to, recorded_by, closed_at, resolution`

// scanContact reads the contactColumns of one row, and into extra the
// columns that follow them. Messages is left nil.
func scanContact(sc interface{ Scan(...any) error }, extra ...any) (sotepe.ContactRequest, error) {
	var r sotepe.ContactRequest
	var resident, answered, assigned, recorded, closed sql.NullInt64
	var name, phone, email, resolution sql.NullString
	var channel, status, lang string
	var received, due int64
	if err := sc.Scan(append([]any{&r.ID, &resident, &name, &phone, &email, &r.ServiceID, &r.UnitID, &channel,
		&status, &lang, &received, &due, &answered, &r.Breached, &assigned, &recorded, &closed, &resolution}, extra...)...); err != nil {
		return r, err
	}
	r.ResidentID, r.AssignedTo, r.RecordedBy = resident.Int64, assigned.Int64, recorded.Int64
	if name.Valid {
		r.Contact = &sotepe.ContactDetails{Name: name.String, Phone: phone.String, Email: email.String}
	}
	r.Channel, r.Status, r.Lang = sotepe.Channel(channel), sotepe.ContactStatus(status), sotepe.Lang(lang)
	r.ReceivedAt, r.DueAt = fromMicros(received), fromMicros(due)
	if answered.Valid {
		r.FirstAnsweredAt = fromMicros(answered.Int64)
	}
	if closed.Valid {
		r.ClosedAt = fromMicros(closed.Int64)
	}
	r.Resolution = sotepe.Resolution(resolution.String)
	return r, nil
}

func contactObject(id int64) string { return "contact:" + strconv.FormatInt(id, 10) }

// instant is t in the form it is stored and read back: UTC, microseconds.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// contactWhere reads the request that where (with args) picks, with its
// messages, internal ones included, ordered by time and id; or ENotFound.
func (s *Store) contactWhere(ctx context.Context, q querier, where string, args ...any) (sotepe.ContactRequest, error) {
	r, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contact_requests WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.ContactRequest{}, sotepe.NotFound("contact request")
	}
	if err != nil {
		return sotepe.ContactRequest{}, s.fail("read contact request", err)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT id, author_id, from_staff, internal, body, at FROM contact_messages
		WHERE request_id = $1 ORDER BY at, id`, r.ID)
	if err != nil {
		return sotepe.ContactRequest{}, s.fail("read contact messages", err)
	}
	defer rows.Close()
	r.Messages = []sotepe.Message{}
	for rows.Next() {
		var m sotepe.Message
		var author sql.NullInt64
		var at int64
		if err := rows.Scan(&m.ID, &author, &m.FromStaff, &m.Internal, &m.Body, &at); err != nil {
			return sotepe.ContactRequest{}, s.fail("read contact messages", err)
		}
		m.AuthorID, m.At = author.Int64, fromMicros(at)
		r.Messages = append(r.Messages, m)
	}
	if err := rows.Err(); err != nil {
		return sotepe.ContactRequest{}, s.fail("read contact messages", err)
	}
	return r, nil
}

// readsAsStaff reports whether a's reads of a request are audited: those of
// everyone acting in a staff role (sotepe.User.IsStaff), analysts included,
// as the access log shows theirs too.
func readsAsStaff(a sotepe.Actor) bool {
	switch a.Role {
	case sotepe.RoleProfessional, sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin:
		return true
	}
	return false
}

// contactRead is the audit row of a staff read of request id.
func contactRead(a sotepe.Actor, id int64) sotepe.AuditEntry {
	return sotepe.AuditEntry{
		ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID,
		Action: sotepe.ActionContactRead, Object: contactObject(id), Basis: sotepe.BasisClientRequest,
	}
}

// inScope returns the condition (with args from $2 on) that keeps a
// request within scope, and false for a scope that names nobody's requests.
// A scope that names both a resident and units keeps only the resident's
// requests at those units.
func inScope(scope sotepe.ContactScope) (string, []any, bool) {
	var conds []string
	var args []any
	if scope.ResidentID != 0 {
		args = append(args, scope.ResidentID)
		conds = append(conds, `resident_id = $2`)
	}
	if units := dedupe(scope.Units); len(units) > 0 {
		conds = append(conds, `unit_id IN (`+placeholders(len(args)+2, len(units))+`)`)
		args = append(args, stringArgs(units)...)
	}
	return strings.Join(conds, " AND "), args, len(conds) > 0
}

// ContactRequest returns one request with all its messages, internal notes
// included (the caller filters them for residents), ordered by time and
// id, when it lies within scope: the resident's own (scope.ResidentID), or
// at one of scope.Units. A request outside scope, a missing one and any
// request for a scope that names neither are alike ENotFound.
//
// When the context's actor acts in a staff role (professional, manager,
// analyst or admin), a request found within scope is read in one write
// transaction with its audit row (contact.read, object "contact:<id>",
// basis client_request, the request's resident), so it shows in the
// resident's access log; when the row cannot be written nothing is
// returned. Nothing found, nothing recorded. Other actors (residents, the
// system) read without a row.
func (s *Store) ContactRequest(ctx context.Context, id int64, scope sotepe.ContactScope) (sotepe.ContactRequest, error) {
	cond, args, ok := inScope(scope)
	if !ok {
		return sotepe.ContactRequest{}, sotepe.NotFound("contact request")
	}
	where := `id = $1 AND ` + cond
	args = append([]any{id}, args...)
	a := sotepe.ActorFrom(ctx)
	if !readsAsStaff(a) {
		return s.contactWhere(ctx, s.readers, where, args...)
	}
	var r sotepe.ContactRequest
	err := s.inTx(ctx, "read contact request", func(tx *sql.Tx) error {
		var err error
		if r, err = s.contactWhere(ctx, tx, where, args...); err != nil {
			return err
		}
		e := contactRead(a, r.ID)
		e.ResidentID = r.ResidentID
		return s.insertAudit(ctx, tx, e)
	})
	if err != nil {
		return sotepe.ContactRequest{}, err
	}
	return r, nil
}

// checkNewContact checks what CreateContactRequest stores and returns r in
// its stored form.
func checkNewContact(r sotepe.ContactRequest, key string, now time.Time) (sotepe.ContactRequest, error) {
	switch {
	case len(r.Messages) == 0:
		return r, sotepe.Invalid("error.message_empty", "a contact request needs its first message")
	case len(r.Messages) > 1:
		return r, sotepe.Invalid("error.invalid", "a new contact request carries exactly one message")
	case strings.TrimSpace(r.Messages[0].Body) == "":
		return r, sotepe.Invalid("error.message_empty", "the message is empty")
	case utf8.RuneCountInString(r.Messages[0].Body) > sotepe.MaxMessageLength:
		return r, sotepe.Invalid("error.message_long", "the message is over 5000 characters").With(map[string]any{"Max": sotepe.MaxMessageLength})
	case strings.TrimSpace(string(r.Channel)) == "":
		return r, sotepe.Invalid("error.channel", "a contact request needs a channel")
	case r.ResidentID == 0 && (r.Contact == nil || strings.TrimSpace(r.Contact.Name) == ""):
		return r, sotepe.Invalid("error.contact_details", "a request without a resident needs a contact name")
	case r.DueAt.IsZero():
		return r, sotepe.Invalid("error.invalid", "a contact request needs a due time")
	case len(key) > 200:
		return r, sotepe.Invalid("error.idempotency_key", "Idempotency-Key is over 200 characters")
	}
	if r.Status == "" {
		r.Status = sotepe.StatusNew
	}
	if !r.Status.Valid() || r.Status == sotepe.StatusClosed {
		return r, sotepe.Invalid("error.status", "a new contact request cannot be "+string(r.Status))
	}
	lang, ok := sotepe.ParseLang(string(r.Lang))
	if !ok {
		return r, sotepe.Invalid("error.lang", "language must be fi, sv or en")
	}
	r.Lang = lang
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	r.ID, r.FirstAnsweredAt, r.Breached, r.ClosedAt, r.Resolution = 0, time.Time{}, false, time.Time{}, ""
	r.ReceivedAt, r.DueAt = instant(r.ReceivedAt), instant(r.DueAt)
	m := r.Messages[0]
	m.ID = 0
	if m.At.IsZero() {
		m.At = r.ReceivedAt
	}
	m.At = instant(m.At)
	r.Messages = []sotepe.Message{m}
	return r, nil
}

// CreateContactRequest stores r with its first message and audit row
// (contact.create, object "contact:<id>", r's resident) in one transaction
// and returns the stored request with its ids and created true.
//
// r carries exactly one message (none, or an empty one, is EInvalid
// "error.message_empty"; more than one EInvalid "error.invalid"); its zero At
// is ReceivedAt, a zero ReceivedAt is now. Status defaults to new; closed or
// an unknown status is EInvalid ("error.status"). The channel may be any
// non-empty name (EInvalid "error.channel"), the set being open-ended. A
// request without a resident needs Contact with a name (EInvalid
// "error.contact_details"); Contact is stored whenever given. DueAt, which
// the caller computes from the answer promise, is required. What a new
// request cannot have yet (FirstAnsweredAt, Breached, ClosedAt, Resolution)
// is ignored. An unknown service, unit or resident is EInvalid
// ("error.unknown_service", "error.unknown_unit", "error.unknown_resident");
// an unknown AssignedTo, RecordedBy or author is EInvalid ("error.reference").
//
// A non-empty idempotencyKey (at most 200 bytes) that the same sender
// stored already (the same recorder, r.RecordedBy, for a recorded request;
// else the same resident; for a request with neither, the website form)
// returns the stored request, as ContactRequest would (internal notes
// included), with created false: nothing is inserted and the request is
// returned even if the rest of r differs. For an actor in a staff role that
// return is audited as a read (contact.read) in the same transaction.
// Concurrent submissions with one key store one request: see the comment
// at the top of this file.
func (s *Store) CreateContactRequest(ctx context.Context, r sotepe.ContactRequest, idempotencyKey string) (sotepe.ContactRequest, bool, error) {
	now := s.now()
	r, err := checkNewContact(r, idempotencyKey, now)
	if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	if s.dialect.name == Postgres {
		if stored, ok, err := s.createContactStatement(ctx, r, idempotencyKey, now); err != nil || ok {
			return stored, ok, err
		}
	}
	var stored sotepe.ContactRequest
	created := false
	err = s.inBatch(ctx, "create contact request", func(tx *sql.Tx) error {
		q := s.txq(tx)
		stored, created = sotepe.ContactRequest{}, false
		if idempotencyKey != "" {
			found, err := s.replayContact(ctx, tx, r.RecordedBy, r.ResidentID, idempotencyKey, &stored)
			if err != nil || found {
				return err
			}
		}
		// The service, the unit and the resident, checked in one query (on
		// PostgreSQL one round trip instead of three).
		var service, unit, resident sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT (SELECT 1 FROM services WHERE id = $1),
			(SELECT 1 FROM units WHERE id = $2), (SELECT 1 FROM residents WHERE id = $3)`,
			r.ServiceID, r.UnitID, r.ResidentID).Scan(&service, &unit, &resident); err != nil {
			return err
		}
		switch {
		case !service.Valid:
			return sotepe.Invalid("error.unknown_service", "the contact request names an unknown service")
		case !unit.Valid:
			return sotepe.Invalid("error.unknown_unit", "the contact request names an unknown unit")
		case r.ResidentID != 0 && !resident.Valid:
			return sotepe.Invalid("error.unknown_resident", "the contact request names an unknown resident")
		}
		// ON CONFLICT DO NOTHING: the only unique index a new row can
		// clash with is contact_requests_idempotency.
		err := q.QueryRowContext(ctx, `
			INSERT INTO contact_requests (`+newContactColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT DO NOTHING
			RETURNING id`, newContactArgs(r, idempotencyKey, now)...).Scan(&r.ID)
		if errors.Is(err, sql.ErrNoRows) {
			found, err := s.replayContact(ctx, tx, r.RecordedBy, r.ResidentID, idempotencyKey, &stored)
			if err == nil && !found {
				err = &sotepe.Error{Code: sotepe.EInternal, Message: "store: contact request neither inserted nor found"}
			}
			return err
		}
		if err != nil {
			return err
		}
		m := &r.Messages[0]
		if err := q.QueryRowContext(ctx, `
			INSERT INTO contact_messages (request_id, author_id, from_staff, internal, body, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.ID, nullInt(m.AuthorID), m.FromStaff, m.Internal, m.Body, micros(m.At)).Scan(&m.ID); err != nil {
			return err
		}
		if err := s.auditChange(ctx, q, sotepe.ActionContactCreate, contactObject(r.ID), r.ResidentID); err != nil {
			return err
		}
		stored, created = r, true
		return nil
	})
	if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	return stored, created, nil
}

// newContactColumns are the columns a new request is inserted with, in the
// order of newContactArgs.
const newContactColumns = `resident_id, contact_name, contact_phone, contact_email, service_id, unit_id,
	channel, status, lang, received_at, due_at, assigned_to, recorded_by, idempotency_key, created_at`

// newContactArgs are the values of newContactColumns for r, checked by
// checkNewContact, stored at now with key.
func newContactArgs(r sotepe.ContactRequest, key string, now time.Time) []any {
	var name, phone, email sql.NullString
	if c := r.Contact; c != nil {
		name, phone, email = sql.NullString{String: c.Name, Valid: true}, nullString(c.Phone), nullString(c.Email)
	}
	return []any{nullInt(r.ResidentID), name, phone, email, r.ServiceID, r.UnitID, string(r.Channel), string(r.Status),
		string(r.Lang), micros(r.ReceivedAt), micros(r.DueAt), nullInt(r.AssignedTo), nullInt(r.RecordedBy),
		nullString(key), micros(now)}
}

// createContactPG inserts a new request ($1–$15, newContactArgs), its
// first message ($16–$20) and its audit row ($21–$27) in one statement. A
// statement is atomic on its own, so outside a transaction it commits as
// one: one round trip instead of BEGIN, the checks, three INSERTs and
// COMMIT. When the request's insert meets an existing idempotency key it
// inserts nothing, the other two see no row, and it returns no row.
const createContactPG = `WITH req AS (
	INSERT INTO contact_requests (` + newContactColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
	ON CONFLICT DO NOTHING
	RETURNING id
), msg AS (
	INSERT INTO contact_messages (request_id, author_id, from_staff, internal, body, at)
	SELECT id, CAST($16 AS BIGINT), CAST($17 AS BOOLEAN), CAST($18 AS BOOLEAN), CAST($19 AS TEXT), CAST($20 AS BIGINT)
	FROM req
	RETURNING id
), audit AS (
	INSERT INTO audit_log (at, day, actor_id, actor_role, actor_unit, resident_id, action, object, basis, request_id, on_behalf_of)
	SELECT CAST($21 AS BIGINT), CAST($22 AS TEXT), CAST($23 AS BIGINT), CAST($24 AS TEXT), CAST($25 AS TEXT),
		CAST($1 AS BIGINT), '` + sotepe.ActionContactCreate + `', 'contact:' || CAST(id AS TEXT), '', CAST($26 AS TEXT), CAST($27 AS BIGINT)
	FROM req
)
SELECT req.id, msg.id FROM req, msg`

// createContactStatement stores r (checked by checkNewContact) on
// PostgreSQL in one statement, createContactPG, and reports whether it did.
// It stores nothing and returns false when the statement inserts no row (the
// key is taken: a replay, or a submission racing with this one) or fails on
// a constraint (an unknown service, unit, resident or user): the
// transaction of CreateContactRequest then looks the key up, or checks the
// references one by one, and answers with the error code its doc comment
// names. The audit row is auditChange's, written in the same statement.
func (s *Store) createContactStatement(ctx context.Context, r sotepe.ContactRequest, key string, now time.Time) (sotepe.ContactRequest, bool, error) {
	a := sotepe.ActorFrom(ctx)
	m := &r.Messages[0]
	args := append(newContactArgs(r, key, now),
		nullInt(m.AuthorID), m.FromStaff, m.Internal, m.Body, micros(m.At),
		micros(now), now.In(s.zone).Format(time.DateOnly), a.UserID, string(a.Role), a.Unit, a.RequestID, nullInt(a.OnBehalfOf))
	err := s.writer.QueryRowContext(ctx, createContactPG, args...).Scan(&r.ID, &m.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return sotepe.ContactRequest{}, false, nil
	case err != nil && (classify(err) == failForeignKey || classify(err) == failUnique):
		return sotepe.ContactRequest{}, false, nil
	case err != nil:
		return sotepe.ContactRequest{}, false, s.fail("create contact request", err)
	}
	return r, true, nil
}

// idempotencyLookup finds the request a sender ($1 the recorder, $2 the
// resident when nobody recorded it) stored with key $3, by the index
// contact_requests_idempotency, whose expressions it repeats.
const idempotencyLookup = `SELECT id FROM contact_requests
	WHERE COALESCE(recorded_by, 0) = $1
	  AND (CASE WHEN recorded_by IS NULL THEN COALESCE(resident_id, 0) ELSE 0 END) = $2
	  AND idempotency_key = $3`

// replayContact reads into stored the request that its sender stored with
// key, and reports whether there is one. The sender is recorder when not 0
// (a professional who recorded a phone request), else resident, else (both
// 0) the website form; the condition is the expression of the unique index
// contact_requests_idempotency. For an actor in a staff role it writes the
// audit row of the read through tx, the transaction of the read.
func (s *Store) replayContact(ctx context.Context, tx *sql.Tx, recorder, resident int64, key string, stored *sotepe.ContactRequest) (bool, error) {
	if recorder != 0 {
		resident = 0
	}
	var id int64
	err := tx.QueryRowContext(ctx, idempotencyLookup, recorder, resident, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r, err := s.contactWhere(ctx, tx, `id = $1`, id)
	if err != nil {
		return false, err
	}
	if a := sotepe.ActorFrom(ctx); readsAsStaff(a) {
		e := contactRead(a, id)
		e.ResidentID = r.ResidentID
		if err := s.insertAudit(ctx, tx, e); err != nil {
			return false, err
		}
	}
	*stored = r
	return true, nil
}

// closedOrMissing explains why a change of request id found no open row:
// ENotFound when there is no such request, else EConflict
// ("error.request_closed").
func (s *Store) closedOrMissing(ctx context.Context, q querier, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM contact_requests WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.NotFound("contact request")
	}
	if err != nil {
		return err
	}
	return conflict("error.request_closed", "the contact request is closed")
}

// AddMessage appends m to request id and returns it stored, with its id, in
// one transaction with the audit row (contact.message, object
// "contact:<id>"). It moves the request to status; an empty status leaves
// it as it is, and closed (that is CloseContactRequest's) or an unknown
// status is EInvalid ("error.status"). A zero At is now.
//
// A message from staff that is not internal answers the request: the first
// such sets FirstAnsweredAt to its At, and each adds a notification
// (new_message, in the account's language) to the outbox for every enabled
// account of the request's resident; requests from the website form have
// none. An empty body is EInvalid ("error.message_empty"), one over 5000
// characters EInvalid ("error.message_long"); a closed request is EConflict
// ("error.request_closed"); a missing one ENotFound; an unknown author
// EInvalid ("error.reference").
func (s *Store) AddMessage(ctx context.Context, id int64, m sotepe.Message, status sotepe.ContactStatus) (sotepe.Message, error) {
	switch {
	case strings.TrimSpace(m.Body) == "":
		return sotepe.Message{}, sotepe.Invalid("error.message_empty", "the message is empty")
	case utf8.RuneCountInString(m.Body) > sotepe.MaxMessageLength:
		return sotepe.Message{}, sotepe.Invalid("error.message_long", "the message is over 5000 characters").With(map[string]any{"Max": sotepe.MaxMessageLength})
	case status != "" && (!status.Valid() || status == sotepe.StatusClosed):
		return sotepe.Message{}, sotepe.Invalid("error.status", "a message cannot set the status "+string(status))
	}
	now := s.now()
	m.ID = 0
	if m.At.IsZero() {
		m.At = now
	}
	m.At = instant(m.At)
	var answered sql.NullInt64
	if m.FromStaff && !m.Internal {
		answered = sql.NullInt64{Int64: micros(m.At), Valid: true}
	}
	err := s.inTx(ctx, "add contact message", func(tx *sql.Tx) error {
		// The conditional update comes first: on PostgreSQL its row lock
		// orders this message after a concurrent close, which then wins.
		var resident sql.NullInt64
		var unit, channel string
		err := tx.QueryRowContext(ctx, `
			UPDATE contact_requests SET status = COALESCE($2, status), first_answered_at = COALESCE(first_answered_at, $3)
			WHERE id = $1 AND status <> 'closed'
			RETURNING resident_id, unit_id, channel`, id, nullString(string(status)), answered).Scan(&resident, &unit, &channel)
		if errors.Is(err, sql.ErrNoRows) {
			return s.closedOrMissing(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO contact_messages (request_id, author_id, from_staff, internal, body, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			id, nullInt(m.AuthorID), m.FromStaff, m.Internal, m.Body, micros(m.At)).Scan(&m.ID); err != nil {
			return err
		}
		if answered.Valid {
			// The first answer counts; a later one is the same event again.
			if err := s.recordEvent(ctx, tx, answeredEvent(id, unit, channel, m.At.In(s.zone))); err != nil {
				return err
			}
		}
		if answered.Valid && resident.Valid {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO notifications (user_id, kind, lang, request_id, created_at, next_attempt_at)
				SELECT id, 'new_message', lang, CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($3 AS BIGINT)
				FROM users WHERE resident_id = $1 AND NOT disabled`,
				resident.Int64, id, micros(now)); err != nil {
				return err
			}
		}
		return s.auditChange(ctx, tx, sotepe.ActionContactMessage, contactObject(id), resident.Int64)
	})
	if err != nil {
		return sotepe.Message{}, err
	}
	return m, nil
}

// AssignContactRequest sets who handles request id, with its audit row
// (contact.assign, object "contact:<id>"); userID 0 unassigns. A missing
// request is ENotFound, a closed one EConflict ("error.request_closed"), an
// unknown user EInvalid ("error.reference"). Whether the user may handle
// the unit's requests is the caller's to judge.
func (s *Store) AssignContactRequest(ctx context.Context, id, userID int64) error {
	return s.inTx(ctx, "assign contact request", func(tx *sql.Tx) error {
		var resident sql.NullInt64
		err := tx.QueryRowContext(ctx, `
			UPDATE contact_requests SET assigned_to = $2 WHERE id = $1 AND status <> 'closed'
			RETURNING resident_id`, id, nullInt(userID)).Scan(&resident)
		if errors.Is(err, sql.ErrNoRows) {
			return s.closedOrMissing(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionContactAssign, contactObject(id), resident.Int64)
	})
}

// CloseContactRequest closes request id at at (a zero at is now) with a
// resolution, with its audit row (contact.close, object "contact:<id>"). An
// unknown resolution is EInvalid ("error.resolution"); a missing request
// ENotFound; a closed one EConflict ("error.request_closed").
func (s *Store) CloseContactRequest(ctx context.Context, id int64, res sotepe.Resolution, at time.Time) error {
	if !res.Valid() {
		return sotepe.Invalid("error.resolution", "unknown resolution "+string(res))
	}
	if at.IsZero() {
		at = s.now()
	}
	return s.inTx(ctx, "close contact request", func(tx *sql.Tx) error {
		var resident sql.NullInt64
		err := tx.QueryRowContext(ctx, `
			UPDATE contact_requests SET status = 'closed', closed_at = $2, resolution = $3
			WHERE id = $1 AND status <> 'closed'
			RETURNING resident_id`, id, micros(instant(at)), string(res)).Scan(&resident)
		if errors.Is(err, sql.ErrNoRows) {
			return s.closedOrMissing(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionContactClose, contactObject(id), resident.Int64)
	})
}

// breachChunk bounds the ids of one notification insert, well below either
// engine's limit on parameters.
const breachChunk = 500

// MarkBreached flags the requests that are open (new, in progress or
// waiting), unanswered and not yet flagged, and whose due time is before
// now; for each it adds a breach notification to the outbox for every
// enabled user who holds the manager role and is a member of the request's
// unit, all in one transaction. It returns the flagged requests without
// messages (Messages empty), ordered by due time and id; a second call finds
// nothing new. Two calls at once (two processes) flag and notify each
// request once: on PostgreSQL the second waits on the first's row locks and
// then finds the rows flagged. The flag is the system's bookkeeping, not a
// person's change: it writes no audit row.
func (s *Store) MarkBreached(ctx context.Context, now time.Time) ([]sotepe.ContactRequest, error) {
	out := []sotepe.ContactRequest{}
	created := s.now()
	err := s.inTx(ctx, "mark breached", func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `
			UPDATE contact_requests SET breached = TRUE
			WHERE `+pendingWhere+` AND due_at < $1
			RETURNING `+contactColumns, micros(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanContact(rows)
			if err != nil {
				return err
			}
			r.Messages = []sotepe.Message{}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for from := 0; from < len(out); from += breachChunk {
			chunk := out[from:min(from+breachChunk, len(out))]
			args := []any{micros(created)}
			for _, r := range chunk {
				args = append(args, r.ID)
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO notifications (user_id, kind, lang, request_id, created_at, next_attempt_at)
				SELECT u.id, 'breach', u.lang, c.id, CAST($1 AS BIGINT), CAST($1 AS BIGINT)
				FROM contact_requests c
				JOIN user_units uu ON uu.unit_id = c.unit_id
				JOIN user_roles ur ON ur.user_id = uu.user_id AND ur.role = 'manager'
				JOIN users u ON u.id = uu.user_id
				WHERE NOT u.disabled AND c.id IN (`+placeholders(2, len(chunk))+`)
				ORDER BY c.id, u.id`, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].DueAt.Before(out[j].DueAt) || out[i].DueAt.Equal(out[j].DueAt) && out[i].ID < out[j].ID
	})
	return out, nil
}
