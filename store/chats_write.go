package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"sotepe"
)

// appendChat runs one event-appending write of chat id in tx: update, a
// conditional UPDATE of the chat's row that raises last_seq (args from $2
// on), picks the chat, or, when it picks none, refusal tells why; then the
// chat is read back, e appended under its new number with the chat's
// status after it, the audit row action written and the other processes
// signalled. It returns the chat after the write and e as stored.
func (s *Store) appendChat(ctx context.Context, tx *sql.Tx, id int64, update string, args []any,
	refusal string, e sotepe.ChatEvent, action string) (sotepe.Chat, sotepe.ChatEvent, error) {
	q := s.txq(tx)
	var seq int64
	err := q.QueryRowContext(ctx, update+` RETURNING last_seq`, append([]any{id}, args...)...).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.Chat{}, e, s.chatRefused(ctx, q, id, refusal)
	}
	if err != nil {
		return sotepe.Chat{}, e, err
	}
	c, err := s.chatByID(ctx, q, id, readsAsStaff(sotepe.ActorFrom(ctx)))
	if err != nil {
		return sotepe.Chat{}, e, err
	}
	e.ChatID, e.Seq, e.Status = id, seq, c.Status
	if err := insertChatEvent(ctx, q, e); err != nil {
		return sotepe.Chat{}, e, err
	}
	if action != "" {
		if err := s.auditChange(ctx, q, action, chatObject(id), c.ResidentID); err != nil {
			return sotepe.Chat{}, e, err
		}
	}
	return c, e, s.notifyChat(ctx, q, sotepe.ChatSignal{ChatID: id})
}

// chatRefused tells why a conditional update of chat id picked no row: a
// missing chat is ENotFound, an ended one EConflict ("chat.error.ended"),
// an open one EConflict with key open.
func (s *Store) chatRefused(ctx context.Context, q querier, id int64, open string) error {
	var status string
	err := q.QueryRowContext(ctx, `SELECT status FROM chats WHERE id = $1`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return sotepe.NotFound("chat")
	}
	if err != nil {
		return err
	}
	if !sotepe.ChatStatus(status).Open() {
		return conflict(keyChatEnded, "the chat has ended")
	}
	return conflict(open, "the chat is "+status)
}

// AddChatEvent appends e to open chat id (a zero At is now) with the chat's
// status after it, and returns it numbered; a message writes its audit row
// (chat.message, object "chat:<id>"). A missing chat is ENotFound, an ended
// one EConflict ("chat.error.ended"), an unknown kind EInvalid
// ("error.invalid"). Who may write to the chat is the caller's to judge.
func (s *Store) AddChatEvent(ctx context.Context, id int64, e sotepe.ChatEvent) (sotepe.ChatEvent, error) {
	e, err := checkChatEvent(e, s.now())
	if err != nil {
		return sotepe.ChatEvent{}, err
	}
	action := ""
	if e.Kind == sotepe.ChatMessage {
		action = sotepe.ActionChatMessage
	}
	var out sotepe.ChatEvent
	err = s.inBatch(ctx, "add chat event", func(tx *sql.Tx) error {
		var err error
		_, out, err = s.appendChat(ctx, tx, id,
			`UPDATE chats SET last_seq = last_seq + 1 WHERE id = $1 AND `+openChat, nil, keyChatEnded, e, action)
		return err
	})
	if err != nil {
		return sotepe.ChatEvent{}, err
	}
	return out, nil
}

// TakeChat gives waiting chat id to professional userID of unit at at (a
// zero at is now; a zero e.At is at), appends e (status active) and writes
// the audit row (chat.take, object "chat:<id>"), in one transaction, and
// returns the chat. TakenAt keeps the first take, so a chat transferred
// back to the queue counts its wait once. It is one conditional update: of
// concurrent takers one wins, the others get EConflict ("chat.error.taken");
// an ended chat is EConflict ("chat.error.ended"), a missing one ENotFound,
// an unknown user or unit EInvalid ("error.reference").
func (s *Store) TakeChat(ctx context.Context, id, userID int64, unit string, at time.Time, e sotepe.ChatEvent) (sotepe.Chat, error) {
	if userID == 0 || unit == "" {
		return sotepe.Chat{}, sotepe.Invalid("error.invalid", "taking a chat needs a professional and a unit")
	}
	at, e, err := s.chatEventAt(at, e)
	if err != nil {
		return sotepe.Chat{}, err
	}
	return inTxValue(ctx, s, "take chat", func(tx *sql.Tx) (sotepe.Chat, error) {
		c, _, err := s.appendChat(ctx, tx, id, `
			UPDATE chats SET status = 'active', professional_id = $2, unit_id = $3, taken_at = COALESCE(taken_at, $4),
				last_seq = last_seq + 1
			WHERE id = $1 AND status = 'waiting'`, []any{userID, unit, micros(at)}, keyChatTaken, e, sotepe.ActionChatTake)
		if err != nil {
			return c, err
		}
		return c, s.recordChatContact(ctx, tx, c)
	})
}

// chatEventAt returns at as an instant, now when it is zero, and e checked
// by checkChatEvent with at for its time when it has none.
func (s *Store) chatEventAt(at time.Time, e sotepe.ChatEvent) (time.Time, sotepe.ChatEvent, error) {
	if at.IsZero() {
		at = s.now()
	}
	at = instant(at)
	e, err := checkChatEvent(e, at)
	return at, e, err
}

// TransferChat moves open chat id to line: back to its queue (waiting,
// without a professional) when userID is 0, else to professional userID of
// unit (active; TakenAt set if the chat was never taken, at e.At). It
// appends e (a zero At is now) and writes the audit row (chat.transfer,
// object "chat:<id>"), in one transaction, and returns the chat. An ended
// chat is EConflict ("chat.error.ended"), a missing one ENotFound; a line
// on which the resident already has another open chat is EConflict
// ("error.conflict"); an unknown line, user or unit EInvalid
// ("error.reference").
func (s *Store) TransferChat(ctx context.Context, id int64, line string, userID int64, unit string, e sotepe.ChatEvent) (sotepe.Chat, error) {
	if line == "" || (userID != 0 && unit == "") {
		return sotepe.Chat{}, sotepe.Invalid("error.invalid", "a transfer needs a line, and a unit with a professional")
	}
	e, err := checkChatEvent(e, s.now())
	if err != nil {
		return sotepe.Chat{}, err
	}
	update, args := `
		UPDATE chats SET line = $2, status = 'waiting', professional_id = NULL, unit_id = NULL, last_seq = last_seq + 1
		WHERE id = $1 AND `+openChat, []any{line}
	if userID != 0 {
		update, args = `
			UPDATE chats SET line = $2, status = 'active', professional_id = $3, unit_id = $4,
				taken_at = COALESCE(taken_at, $5), last_seq = last_seq + 1
			WHERE id = $1 AND `+openChat, []any{line, userID, unit, micros(e.At)}
	}
	return inTxValue(ctx, s, "transfer chat", func(tx *sql.Tx) (sotepe.Chat, error) {
		c, _, err := s.appendChat(ctx, tx, id, update, args, keyChatEnded, e, sotepe.ActionChatTransfer)
		if err != nil || userID == 0 {
			return c, err
		}
		// A waiting chat passed straight to a colleague is answered now.
		return c, s.recordChatContact(ctx, tx, c)
	})
}

// EndChat ends open chat id with status (closed, handed_over or abandoned;
// EInvalid "error.status" otherwise) at at (a zero at is now; a zero e.At
// is at), recording contactRequestID (0: none) as the request a hand-over
// made; it appends e and writes the audit row (chat.end, object
// "chat:<id>"), in one transaction, and returns the chat. An ended chat is
// EConflict ("chat.error.ended"), a missing one ENotFound, an unknown
// request EInvalid ("error.reference").
func (s *Store) EndChat(ctx context.Context, id int64, status sotepe.ChatStatus, contactRequestID int64, at time.Time, e sotepe.ChatEvent) (sotepe.Chat, error) {
	if !status.Valid() || status.Open() {
		return sotepe.Chat{}, sotepe.Invalid("error.status", "a chat cannot end as "+string(status))
	}
	at, e, err := s.chatEventAt(at, e)
	if err != nil {
		return sotepe.Chat{}, err
	}
	return inTxValue(ctx, s, "end chat", func(tx *sql.Tx) (sotepe.Chat, error) {
		c, _, err := s.appendChat(ctx, tx, id, `
			UPDATE chats SET status = $2, ended_at = $3, contact_request_id = COALESCE($4, contact_request_id),
				last_seq = last_seq + 1
			WHERE id = $1 AND `+openChat, []any{string(status), micros(at), nullInt(contactRequestID)}, keyChatEnded, e, sotepe.ActionChatEnd)
		return c, err
	})
}

// SeeChat records that the resident's page or stream showed chat id at at
// (a zero at is now); an earlier instant than the one recorded changes
// nothing. A missing chat is ENotFound.
func (s *Store) SeeChat(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.inBatch(ctx, "see chat", func(tx *sql.Tx) error {
		return execAffecting(ctx, s.txq(tx), sotepe.NotFound("chat"), `
			UPDATE chats SET resident_seen_at = CASE WHEN resident_seen_at < $2 THEN $2 ELSE resident_seen_at END
			WHERE id = $1`, id, micros(instant(at)))
	})
}

// AbandonChats ends as abandoned, at at (zero: now), every waiting chat its
// resident has not seen since seenBefore, appending to each the system
// event chat.system.abandoned and writing its audit row (chat.end), and
// returns them, oldest first. A chat taken or seen meanwhile is left as it
// is.
func (s *Store) AbandonChats(ctx context.Context, seenBefore, at time.Time) ([]sotepe.Chat, error) {
	if at.IsZero() {
		at = s.now()
	}
	at = instant(at)
	var out []sotepe.Chat
	err := s.inTx(ctx, "abandon chats", func(tx *sql.Tx) error {
		out = []sotepe.Chat{}
		// The predicate repeats chats_unseen's.
		ids, err := queryInto(ctx, tx, func(id *int64) []any { return []any{id} },
			`SELECT id FROM chats WHERE status = 'waiting' AND resident_seen_at < $1 ORDER BY started_at, id`,
			micros(seenBefore))
		if err != nil {
			return err
		}
		for _, id := range ids {
			e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: keyChatAbandoned, At: at}
			c, _, err := s.appendChat(ctx, tx, id, `
				UPDATE chats SET status = 'abandoned', ended_at = $2, last_seq = last_seq + 1
				WHERE id = $1 AND status = 'waiting' AND resident_seen_at < $3`,
				[]any{micros(at), micros(seenBefore)}, "", e, sotepe.ActionChatEnd)
			if err != nil {
				// Taken, or seen, since the look-up: it stays.
				var se *sotepe.Error
				if errors.As(err, &se) && (se.Code == sotepe.EConflict || se.Code == sotepe.ENotFound) {
					continue
				}
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TouchChatPresence records that professional userID had their chat queue
// open at at (a zero at is now); an earlier instant than the one recorded
// changes nothing. An unknown user is EInvalid ("error.reference").
func (s *Store) TouchChatPresence(ctx context.Context, userID int64, at time.Time) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.inBatch(ctx, "touch chat presence", func(tx *sql.Tx) error {
		_, err := s.txq(tx).ExecContext(ctx, `
			INSERT INTO chat_presence (user_id, seen_at) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET seen_at =
				CASE WHEN excluded.seen_at > chat_presence.seen_at THEN excluded.seen_at ELSE chat_presence.seen_at END`,
			userID, micros(instant(at)))
		return err
	})
}

// ChatStaffPresent returns, per unit, how many professionals and managers
// of the unit (enabled users with either role, counted at each unit they
// belong to) had their chat queue open at since or later. Units nobody
// staffs are missing from the map.
func (s *Store) ChatStaffPresent(ctx context.Context, since time.Time) (map[string]int, error) {
	type row struct {
		unit string
		n    int
	}
	rows, err := queryInto(ctx, s.reads, func(r *row) []any { return []any{&r.unit, &r.n} }, `
		SELECT uu.unit_id, COUNT(*)
		FROM chat_presence cp
		JOIN users u ON u.id = cp.user_id AND NOT u.disabled
		JOIN user_units uu ON uu.user_id = cp.user_id
		WHERE cp.seen_at >= $1
			AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = cp.user_id AND ur.role IN ('professional', 'manager'))
		GROUP BY uu.unit_id`, micros(since))
	if err != nil {
		return nil, s.fail("count chat staff", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.unit] = r.n
	}
	return out, nil
}

// ChatTimes returns the chats started in [from, to) on lines (all when
// nil; none when empty but not nil), ordered by start and id, for the
// figures.
func (s *Store) ChatTimes(ctx context.Context, from, to time.Time, lines []string) ([]sotepe.ChatTime, error) {
	if lines != nil && len(lines) == 0 {
		return []sotepe.ChatTime{}, nil
	}
	query := `SELECT line, unit_id, status, started_at, taken_at, ended_at FROM chats WHERE started_at >= $1 AND started_at < $2`
	args := []any{micros(from), micros(to)}
	if lines != nil {
		lines = dedupe(lines)
		query += ` AND line IN (` + placeholders(3, len(lines)) + `)`
		args = append(args, stringArgs(lines)...)
	}
	out, err := queryAll(ctx, s.reads, func(rows *sql.Rows) (sotepe.ChatTime, error) {
		var t sotepe.ChatTime
		var unit sql.NullString
		var status string
		var started int64
		var taken, ended sql.NullInt64
		if err := rows.Scan(&t.Line, &unit, &status, &started, &taken, &ended); err != nil {
			return t, err
		}
		t.UnitID, t.Status, t.StartedAt = unit.String, sotepe.ChatStatus(status), fromMicros(started)
		if taken.Valid {
			t.TakenAt = fromMicros(taken.Int64)
		}
		if ended.Valid {
			t.EndedAt = fromMicros(ended.Int64)
		}
		t.HandedOver = t.Status == sotepe.ChatHandedOver
		return t, nil
	}, query+` ORDER BY started_at, id`, args...)
	if err != nil {
		return nil, s.fail("read chat times", err)
	}
	return out, nil
}

// DeleteChatTranscripts deletes the messages of line's chats that ended
// before endedBefore and still had them, keeping the chats (their figures)
// and their system events, and returns how many chats lost their
// transcript. Each such chat is marked, so a later sweep counts it no more;
// a sweep that deletes anything writes one audit row (chat.transcripts_deleted,
// object "chat_line:<line>").
func (s *Store) DeleteChatTranscripts(ctx context.Context, line string, endedBefore time.Time) (int, error) {
	var n int64
	err := s.inTx(ctx, "delete chat transcripts", func(tx *sql.Tx) error {
		// The predicates repeat chats_ended's, so both engines use it.
		res, err := tx.ExecContext(ctx, `
			UPDATE chats SET transcript_deleted = TRUE
			WHERE line = $1 AND ended_at IS NOT NULL AND ended_at < $2 AND NOT transcript_deleted`,
			line, micros(endedBefore))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		// Ended chats take no more events, so deleting the messages of
		// every marked chat of the line deletes just those of the chats
		// marked now.
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM chat_events WHERE kind = 'message' AND chat_id IN (
				SELECT id FROM chats WHERE line = $1 AND ended_at IS NOT NULL AND ended_at < $2 AND transcript_deleted)`,
			line, micros(endedBefore)); err != nil {
			return err
		}
		return s.auditChange(ctx, tx, sotepe.ActionChatTranscripts, "chat_line:"+line, 0)
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// recordChatContact records the answered chat c as a chat contact
// (sotepe.StatChatContacts) at the unit and on the day it was first taken,
// in the transaction that took it: the year's chat count comes from the
// chats. A chat taken again after a transfer back to the queue is the same
// (source, external id) and is not counted twice.
func (s *Store) recordChatContact(ctx context.Context, tx *sql.Tx, c sotepe.Chat) error {
	return s.recordEvent(ctx, tx, sotepe.ServiceEvent{Source: sotepe.SourceChat, ExternalID: strconv.FormatInt(c.ID, 10),
		Day: c.TakenAt.In(s.zone).Format(time.DateOnly), UnitID: c.UnitID, Statistic: sotepe.StatChatContacts,
		Mode: sotepe.EventRemote, Lang: string(c.Lang), Count: 1})
}
