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

// How chats are kept.
//
// A line is a chat_lines row; its names, units and hours are JSON text. A
// chat is a chats row and its log the chat_events rows numbered per chat
// from 1: every write that appends an event first raises chats.last_seq
// with a conditional UPDATE of the chat's row (open chats only, waiting
// ones for a take), then inserts the event under the new number, in one
// transaction. The update's row lock orders the writers of one chat, so
// numbers commit in order without gaps, and a chat that ended meanwhile
// refuses the append (EConflict "chat.error.ended").
//
// One open chat per resident and line: the partial unique index chats_open.
// StartChat looks for an open chat first, and a start racing past that
// look-up inserts with ON CONFLICT DO NOTHING (on PostgreSQL it waits for
// the winner to commit) and reads the winner's chat instead.
//
// Audit: a staff read (a scope of lines, or an actor in a staff role) of a
// chat writes chat.read, a staff list chat_list.read for each chat listed
// (object "chat:<id>", basis client_request, the chat's resident), in the
// transaction of the read. Changes write chat.start, chat.message,
// chat.take, chat.transfer and chat.end with the context's actor.
// chat_presence and the resident's last sight of a chat (SeeChat) are not
// audited: they tell only that a page was open.
//
// Signals: on PostgreSQL every write that appends an event calls pg_notify
// in its transaction, so the other processes hear of it at commit (see
// chats_listen.go).

// The catalog keys of the store's chat errors and events.
const (
	keyChatEnded     = "chat.error.ended"
	keyChatTaken     = "chat.error.taken"
	keyChatAbandoned = "chat.system.abandoned"
)

// openChat is the predicate of the partial index chats_open word for word,
// as SQLite uses a partial index only for a query that repeats it.
const openChat = `status IN ('waiting', 'active')`

// defaultChatLimit and maxChatLimit bound a list of chats; maxChatEvents
// bounds one read of a log.
const (
	defaultChatLimit = 200
	maxChatLimit     = 1000
	maxChatEvents    = 1000
)

func chatObject(id int64) string { return "chat:" + strconv.FormatInt(id, 10) }

// chatColumns are what scanChat reads: the chat, its resident's and
// professional's names, and its place in its line's queue while it waits
// (1 + the chats waiting on the line that started earlier, id breaking
// ties; chats_queue serves the count).
const chatColumns = `c.id, c.line, c.status, c.lang, c.resident_id, r.first_name, r.last_name, c.opened_by, c.unit_id,
	c.professional_id, p.name, c.started_at, c.taken_at, c.ended_at, c.contact_request_id, c.last_seq, c.resident_seen_at,
	CASE WHEN c.status = 'waiting' THEN 1 + (SELECT COUNT(*) FROM chats w
		WHERE w.line = c.line AND w.status = 'waiting' AND (w.started_at, w.id) < (c.started_at, c.id)) ELSE 0 END`

// chatFrom is the FROM clause chatColumns read.
const chatFrom = ` FROM chats c JOIN residents r ON r.id = c.resident_id LEFT JOIN users p ON p.id = c.professional_id`

// scanChat reads the chatColumns of one row; names only when staff is set.
func scanChat(sc interface{ Scan(...any) error }, staff bool) (sotepe.Chat, error) {
	var c sotepe.Chat
	var status, lang, first, last string
	var openedBy, professional, taken, ended, request sql.NullInt64
	var unit, professionalName sql.NullString
	var started, seen int64
	var position int64
	if err := sc.Scan(&c.ID, &c.Line, &status, &lang, &c.ResidentID, &first, &last, &openedBy, &unit,
		&professional, &professionalName, &started, &taken, &ended, &request, &c.LastEvent, &seen, &position); err != nil {
		return c, err
	}
	c.Status, c.Lang = sotepe.ChatStatus(status), sotepe.Lang(lang)
	c.OpenedBy, c.UnitID, c.ProfessionalID = openedBy.Int64, unit.String, professional.Int64
	c.ProfessionalName = professionalName.String
	if staff {
		c.ResidentName = strings.TrimSpace(first + " " + last)
	}
	c.StartedAt, c.ResidentSeenAt = fromMicros(started), fromMicros(seen)
	if taken.Valid {
		c.TakenAt = fromMicros(taken.Int64)
	}
	if ended.Valid {
		c.EndedAt = fromMicros(ended.Int64)
	}
	c.ContactRequestID = request.Int64
	c.Position = int(position)
	return c, nil
}

// chatScope returns the condition that keeps a chat within scope, with its
// arguments numbered from $from, and false for a scope that names nobody's
// chats. A scope that names both keeps the resident's chats on the lines.
func chatScope(scope sotepe.ChatScope, from int) (string, []any, bool) {
	var conds []string
	var args []any
	if scope.ResidentID != 0 {
		args = append(args, scope.ResidentID)
		conds = append(conds, `c.resident_id = $`+strconv.Itoa(from))
	}
	if lines := dedupe(scope.Lines); len(lines) > 0 {
		conds = append(conds, `c.line IN (`+placeholders(from+len(args), len(lines))+`)`)
		args = append(args, stringArgs(lines)...)
	}
	return strings.Join(conds, " AND "), args, len(conds) > 0
}

// staffRead reports whether a read within scope by the context's actor is
// a staff read: audited, with the resident's name. A scope of lines alone is
// staff's; so is any read by an actor in a staff role.
func staffRead(ctx context.Context, scope sotepe.ChatScope) (sotepe.Actor, bool) {
	a := sotepe.ActorFrom(ctx)
	return a, scope.ResidentID == 0 || readsAsStaff(a)
}

// chatRead is the audit row of a staff read of chat c.
func chatRead(a sotepe.Actor, action string, c sotepe.Chat) sotepe.AuditEntry {
	return sotepe.AuditEntry{
		ActorID: a.UserID, ActorRole: a.Role, ActorUnit: a.Unit, RequestID: a.RequestID, ResidentID: c.ResidentID,
		Action: action, Object: chatObject(c.ID), Basis: sotepe.BasisClientRequest,
	}
}

// chatByID reads chat id through q, or ENotFound.
func (s *Store) chatByID(ctx context.Context, q querier, id int64, staff bool) (sotepe.Chat, error) {
	c, err := scanChat(q.QueryRowContext(ctx, `SELECT `+chatColumns+chatFrom+` WHERE c.id = $1`, id), staff)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.Chat{}, sotepe.NotFound("chat")
	}
	return c, err
}

// ChatLines returns every line, ordered by id.
func (s *Store) ChatLines(ctx context.Context) ([]sotepe.ChatLine, error) {
	lines, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.ChatLine, error) {
		var l sotepe.ChatLine
		var names, units, hours string
		if err := rows.Scan(&l.ID, &l.ServiceID, &names, &units, &hours, &l.RetentionDays); err != nil {
			return l, err
		}
		for _, v := range []struct {
			text string
			into any
		}{{names, &l.Names}, {units, &l.Units}, {hours, &l.Hours}} {
			if err := json.Unmarshal([]byte(v.text), v.into); err != nil {
				return l, err
			}
		}
		return l, nil
	}, `SELECT id, service_id, names, units, hours, retention_days FROM chat_lines ORDER BY id`)
	if err != nil {
		return nil, s.fail("read chat lines", err)
	}
	return lines, nil
}

// SaveChatLine adds or replaces line l by id, with its audit row
// (network.change, object "chat_line:<id>"). A line that does not pass
// l.Validate is EInvalid ("chat.error.line" or "error.hours"); an unknown
// service is EInvalid ("error.reference").
func (s *Store) SaveChatLine(ctx context.Context, l sotepe.ChatLine) error {
	if err := l.Validate(); err != nil {
		return err
	}
	var texts [3]string
	for i, v := range []any{l.Names, l.Units, l.Hours} {
		b, err := json.Marshal(v)
		if err != nil {
			return &sotepe.Error{Code: sotepe.EInternal, Message: "store: encode chat line", Err: err}
		}
		texts[i] = string(b)
	}
	return s.inTx(ctx, "save chat line", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO chat_lines (id, service_id, names, units, hours, retention_days)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO UPDATE SET service_id = excluded.service_id, names = excluded.names,
				units = excluded.units, hours = excluded.hours, retention_days = excluded.retention_days`,
			l.ID, l.ServiceID, texts[0], texts[1], texts[2], l.RetentionDays); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionNetworkChange, "chat_line:"+l.ID, 0)
	})
}

// checkChatEvent checks an event a write appends and returns it in its
// stored form: a known kind (EInvalid "error.invalid" otherwise), a zero At
// the given default.
func checkChatEvent(e sotepe.ChatEvent, at time.Time) (sotepe.ChatEvent, error) {
	if e.Kind != sotepe.ChatMessage && e.Kind != sotepe.ChatSystem {
		return e, sotepe.Invalid("error.invalid", "unknown chat event kind "+string(e.Kind))
	}
	if e.At.IsZero() {
		e.At = at
	}
	e.At = instant(e.At)
	return e, nil
}

// insertChatEvent appends e, already numbered, to its chat's log in q.
func insertChatEvent(ctx context.Context, q querier, e sotepe.ChatEvent) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO chat_events (chat_id, seq, kind, from_staff, author_id, body, body_screened, sys_key, sys_arg, status, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.ChatID, e.Seq, string(e.Kind), e.FromStaff, nullInt(e.AuthorID), e.Body, e.BodyScreened, e.Key, e.Arg,
		string(e.Status), micros(e.At))
	return err
}

// StartChat stores c as a waiting chat started at c.StartedAt (zero: now),
// seen by its resident then unless c.ResidentSeenAt says later, with first
// as its events 1…n (each stamped with the chat's status; a zero At is the
// start), and its audit row (chat.start, object "chat:<id>"), in one
// transaction, and returns it with created true. What a new chat cannot
// have yet (a professional, an end) is ignored.
//
// A resident with an open (waiting or active) chat on c.Line gets that
// chat and created false instead, and nothing is stored; concurrent starts
// store one chat. A chat needs a line, a resident and a language fi, sv or
// en (EInvalid "error.invalid", "error.lang"), events of known kinds; an
// unknown line, resident or user is EInvalid ("error.reference").
func (s *Store) StartChat(ctx context.Context, c sotepe.Chat, first []sotepe.ChatEvent) (sotepe.Chat, bool, error) {
	if strings.TrimSpace(c.Line) == "" || c.ResidentID == 0 {
		return sotepe.Chat{}, false, sotepe.Invalid("error.invalid", "a chat needs a line and a resident")
	}
	lang, ok := sotepe.ParseLang(string(c.Lang))
	if !ok {
		return sotepe.Chat{}, false, sotepe.Invalid("error.lang", "language must be fi, sv or en")
	}
	now := s.now()
	if c.StartedAt.IsZero() {
		c.StartedAt = now
	}
	c.StartedAt = instant(c.StartedAt)
	if c.ResidentSeenAt.Before(c.StartedAt) {
		c.ResidentSeenAt = c.StartedAt
	}
	c.ResidentSeenAt = instant(c.ResidentSeenAt)
	events := make([]sotepe.ChatEvent, len(first))
	for i, e := range first {
		e, err := checkChatEvent(e, c.StartedAt)
		if err != nil {
			return sotepe.Chat{}, false, err
		}
		e.Seq, e.Status = int64(i+1), sotepe.ChatWaiting
		events[i] = e
	}
	staff := readsAsStaff(sotepe.ActorFrom(ctx))
	var stored sotepe.Chat
	created := false
	err := s.inBatch(ctx, "start chat", func(tx *sql.Tx) error {
		stored, created = sotepe.Chat{}, false
		q := s.txq(tx)
		found, err := s.openChatOf(ctx, q, c.ResidentID, c.Line, staff, &stored)
		if err != nil || found {
			return err
		}
		var id int64
		// ON CONFLICT DO NOTHING: the only unique index a new row can
		// clash with is chats_open.
		err = q.QueryRowContext(ctx, `
			INSERT INTO chats (line, status, lang, resident_id, opened_by, started_at, last_seq, resident_seen_at)
			VALUES ($1, 'waiting', $2, $3, $4, $5, $6, $7)
			ON CONFLICT DO NOTHING
			RETURNING id`,
			c.Line, string(lang), c.ResidentID, nullInt(c.OpenedBy), micros(c.StartedAt), int64(len(events)),
			micros(c.ResidentSeenAt)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			found, err := s.openChatOf(ctx, q, c.ResidentID, c.Line, staff, &stored)
			if err == nil && !found {
				err = &sotepe.Error{Code: sotepe.EInternal, Message: "store: chat neither inserted nor found"}
			}
			return err
		}
		if err != nil {
			return err
		}
		for _, e := range events {
			e.ChatID = id
			if err := insertChatEvent(ctx, q, e); err != nil {
				return err
			}
		}
		if err := s.auditChange(ctx, q, sotepe.ActionChatStart, chatObject(id), c.ResidentID); err != nil {
			return err
		}
		if stored, err = s.chatByID(ctx, q, id, staff); err != nil {
			return err
		}
		created = true
		return s.notifyChat(ctx, q, sotepe.ChatSignal{ChatID: id})
	})
	if err != nil {
		return sotepe.Chat{}, false, err
	}
	return stored, created, nil
}

// openChatOf reads the resident's open chat on line into c and reports
// whether there is one.
func (s *Store) openChatOf(ctx context.Context, q querier, resident int64, line string, staff bool, c *sotepe.Chat) (bool, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM chats WHERE resident_id = $1 AND line = $2 AND `+openChat,
		resident, line).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if *c, err = s.chatByID(ctx, q, id, staff); err != nil {
		return false, err
	}
	return true, nil
}

// Chat returns chat id when it lies within scope: the resident's own
// (scope.ResidentID), or on one of scope.Lines now; a scope that names
// both keeps the resident's chats on those lines. A chat outside scope, a
// missing one and any chat for a scope that names neither are alike
// ENotFound. Position is set while the chat waits.
//
// A staff read (a scope without a resident, or an actor in a staff role)
// sets ResidentName and is read in one write transaction with its audit row
// (chat.read, object "chat:<id>", basis client_request, the chat's
// resident); when the row cannot be written nothing is returned. Nothing
// found, nothing recorded.
func (s *Store) Chat(ctx context.Context, id int64, scope sotepe.ChatScope) (sotepe.Chat, error) {
	cond, args, ok := chatScope(scope, 2)
	if !ok {
		return sotepe.Chat{}, sotepe.NotFound("chat")
	}
	query := `SELECT ` + chatColumns + chatFrom + ` WHERE c.id = $1 AND ` + cond
	args = append([]any{id}, args...)
	a, staff := staffRead(ctx, scope)
	read := func(q querier) (sotepe.Chat, error) {
		c, err := scanChat(q.QueryRowContext(ctx, query, args...), staff)
		if errors.Is(err, sql.ErrNoRows) {
			return sotepe.Chat{}, sotepe.NotFound("chat")
		}
		return c, err
	}
	if !staff {
		c, err := read(s.reads)
		if err != nil {
			return sotepe.Chat{}, s.fail("read chat", err)
		}
		return c, nil
	}
	var c sotepe.Chat
	err := s.inTx(ctx, "read chat", func(tx *sql.Tx) error {
		var err error
		if c, err = read(tx); err != nil {
			return err
		}
		return s.insertAudit(ctx, tx, chatRead(a, sotepe.ActionChatRead, c))
	})
	if err != nil {
		return sotepe.Chat{}, err
	}
	return c, nil
}

// Chats returns the chats within f.Scope (as in Chat; a scope that names
// neither a resident nor lines gives an empty list) with one of f.Statuses
// (none: the open ones, waiting and active), oldest first (by start, then
// id), at most f.Limit (0: 200, at most 1000), each with Position set
// while it waits. An unknown status is EInvalid ("error.status"), a
// negative limit EInvalid ("error.page_limit").
//
// A staff list (as in Chat) sets ResidentName and is read in one write
// transaction with one audit row per chat listed (chat_list.read, object
// "chat:<id>", basis client_request, the chat's resident); when the rows
// cannot be written nothing is returned.
func (s *Store) Chats(ctx context.Context, f sotepe.ChatFilter) ([]sotepe.Chat, error) {
	limit := f.Limit
	switch {
	case limit < 0:
		return nil, sotepe.Invalid("error.page_limit", "a negative limit")
	case limit == 0:
		limit = defaultChatLimit
	case limit > maxChatLimit:
		limit = maxChatLimit
	}
	statuses := dedupe(f.Statuses)
	if len(statuses) == 0 {
		statuses = []sotepe.ChatStatus{sotepe.ChatWaiting, sotepe.ChatActive}
	}
	names := make([]string, len(statuses))
	for i, st := range statuses {
		if !st.Valid() {
			return nil, sotepe.Invalid("error.status", "unknown chat status "+string(st))
		}
		names[i] = string(st)
	}
	cond, args, ok := chatScope(f.Scope, 1)
	if !ok {
		return []sotepe.Chat{}, nil
	}
	query := `SELECT ` + chatColumns + chatFrom + ` WHERE ` + cond +
		` AND c.status IN (` + placeholders(len(args)+1, len(names)) + `)` +
		` ORDER BY c.started_at, c.id LIMIT ` + strconv.Itoa(limit)
	args = append(args, stringArgs(names)...)
	a, staff := staffRead(ctx, f.Scope)
	read := func(q querier) ([]sotepe.Chat, error) {
		return queryAll(ctx, q, func(rows *sql.Rows) (sotepe.Chat, error) { return scanChat(rows, staff) }, query, args...)
	}
	if !staff {
		out, err := read(s.reads)
		if err != nil {
			return nil, s.fail("list chats", err)
		}
		return out, nil
	}
	var out []sotepe.Chat
	err := s.inTx(ctx, "list chats", func(tx *sql.Tx) error {
		var err error
		if out, err = read(tx); err != nil {
			return err
		}
		es := make([]sotepe.AuditEntry, len(out))
		for i, c := range out {
			es[i] = chatRead(a, sotepe.ActionChatListRead, c)
		}
		return s.insertAudits(ctx, tx, es)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ChatEvents returns the events of chat id numbered after after, in order,
// at most limit (0 or over 1000: 1000), when the chat lies within scope (as
// in Chat; ENotFound otherwise). Body and BodyScreened are both set (the
// caller shows the one its reader may see); AuthorName names the author of
// a staff message. Reading a log writes no audit row: the read of the chat
// that opens it does.
func (s *Store) ChatEvents(ctx context.Context, id int64, scope sotepe.ChatScope, after int64, limit int) ([]sotepe.ChatEvent, error) {
	cond, args, ok := chatScope(scope, 2)
	if !ok {
		return nil, sotepe.NotFound("chat")
	}
	if limit <= 0 || limit > maxChatEvents {
		limit = maxChatEvents
	}
	var one int
	err := s.reads.QueryRowContext(ctx, `SELECT 1 FROM chats c WHERE c.id = $1 AND `+cond, append([]any{id}, args...)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sotepe.NotFound("chat")
	}
	if err != nil {
		return nil, s.fail("read chat", err)
	}
	events, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.ChatEvent, error) {
		var e sotepe.ChatEvent
		var kind, status string
		var author sql.NullInt64
		var name sql.NullString
		var at int64
		if err := rows.Scan(&e.ChatID, &e.Seq, &kind, &e.FromStaff, &author, &name, &e.Body, &e.BodyScreened,
			&e.Key, &e.Arg, &status, &at); err != nil {
			return e, err
		}
		e.Kind, e.Status, e.AuthorID, e.At = sotepe.ChatEventKind(kind), sotepe.ChatStatus(status), author.Int64, fromMicros(at)
		if e.FromStaff {
			e.AuthorName = name.String
		}
		return e, nil
	}, `
		SELECT e.chat_id, e.seq, e.kind, e.from_staff, e.author_id, u.name, e.body, e.body_screened, e.sys_key, e.sys_arg,
			e.status, e.at
		FROM chat_events e LEFT JOIN users u ON u.id = e.author_id
		WHERE e.chat_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT CAST($3 AS INTEGER)`, id, after, limit)
	if err != nil {
		return nil, s.fail("read chat events", err)
	}
	return events, nil
}
