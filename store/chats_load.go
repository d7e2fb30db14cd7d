package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jackc/pgx/v5"

	"sotepe"
)

// chatLoadColumns are the columns LoadChats writes: the chat's row without
// its id, which the database numbers.
var chatLoadColumns = []string{"line", "status", "lang", "resident_id", "opened_by", "unit_id", "professional_id",
	"started_at", "taken_at", "ended_at", "contact_request_id", "last_seq", "resident_seen_at", "transcript_deleted"}

// chatLoadRowsSQLite is how many chats one SQLite INSERT carries: 14
// columns, under SQLite's limit of 32766 parameters.
const chatLoadRowsSQLite = 2000

// LoadChats stores ended chats of history in one transaction, the bulk path
// of the generated year (`sotepe generate --year`), as LoadEvents is for
// events: many rows an INSERT on SQLite, COPY on PostgreSQL. Only the
// chats' rows are written, no events: a loaded chat has no transcript
// (marked deleted, last event 0), no audit row is written, and the
// database numbers the chats (c.ID is not read). A resident, opener,
// professional or contact request of 0 and a unit of "" are stored as none:
// the generated year has no residents, so its chats are the only ones
// without a resident. Every chat must have ended (closed, handed_over or
// abandoned, with its end), started no later than taken and taken no later
// than ended, on a line the store has; otherwise nothing is stored and the
// error is EInvalid ("error.invalid", or "error.reference" for a line, unit
// or person the store does not have).
func (s *Store) LoadChats(ctx context.Context, chats []sotepe.Chat) error {
	if len(chats) == 0 {
		return nil
	}
	rows := make([]any, 0, len(chats)*len(chatLoadColumns))
	for i := range chats {
		c := &chats[i]
		if err := checkLoadedChat(c); err != nil {
			return err
		}
		var taken any
		if !c.TakenAt.IsZero() {
			taken = micros(c.TakenAt)
		}
		seen := c.ResidentSeenAt
		if seen.IsZero() {
			seen = c.EndedAt
		}
		rows = append(rows, c.Line, string(c.Status), string(c.Lang), nullID(c.ResidentID), nullID(c.OpenedBy), nullText(c.UnitID),
			nullID(c.ProfessionalID), micros(c.StartedAt), taken, micros(c.EndedAt), nullID(c.ContactRequestID), int64(0),
			micros(seen), true)
	}
	var err error
	if s.dialect.name == Postgres {
		err = s.loadChatsPostgres(ctx, rows)
	} else {
		err = s.inTx(ctx, "load chats", func(tx *sql.Tx) error { return loadChatsSQLite(ctx, tx, rows) })
	}
	// A line, unit or person the store does not have is EInvalid
	// "error.reference" (Store.fail).
	return s.fail("load chats", err)
}

// checkLoadedChat checks a chat of LoadChats.
func checkLoadedChat(c *sotepe.Chat) error {
	switch {
	case c.Line == "":
		return sotepe.Invalid("error.invalid", "load chats: a chat needs a line")
	case c.Status != sotepe.ChatClosed && c.Status != sotepe.ChatHandedOver && c.Status != sotepe.ChatAbandoned:
		return sotepe.Invalid("error.invalid", "load chats: a chat of status "+string(c.Status)+" has not ended")
	case c.Lang != sotepe.Finnish && c.Lang != sotepe.Swedish && c.Lang != sotepe.English:
		return sotepe.Invalid("error.invalid", "load chats: a chat in language "+string(c.Lang))
	case c.StartedAt.IsZero() || c.EndedAt.Before(c.StartedAt) ||
		(!c.TakenAt.IsZero() && (c.TakenAt.Before(c.StartedAt) || c.EndedAt.Before(c.TakenAt))):
		return sotepe.Invalid("error.invalid", "load chats: a chat must start, be taken and end in that order")
	case c.Status != sotepe.ChatAbandoned && (c.TakenAt.IsZero() || c.UnitID == ""):
		return sotepe.Invalid("error.invalid", "load chats: an answered chat needs its unit and when it was taken")
	case c.Status == sotepe.ChatAbandoned && !c.TakenAt.IsZero():
		return sotepe.Invalid("error.invalid", "load chats: an abandoned chat was never taken")
	}
	return nil
}

// nullID is nil for an id of 0 (no row), else the id.
func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// nullText is nil for "", else s.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// loadChatsSQLite inserts rows, chatLoadRowsSQLite a statement, with
// anonymous parameters: SQLite looks numbered ones up by name.
func loadChatsSQLite(ctx context.Context, tx *sql.Tx, rows []any) error {
	cols := len(chatLoadColumns)
	insert := func(n int) string {
		var b strings.Builder
		b.Grow(200 + n*45)
		b.WriteString(`INSERT INTO chats (` + strings.Join(chatLoadColumns, ", ") + `) VALUES `)
		row := "(" + sqliteDialect.rowParams(1, cols) + ")"
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		return b.String()
	}
	var full *sql.Stmt
	for start := 0; start < len(rows); start += chatLoadRowsSQLite * cols {
		end := min(len(rows), start+chatLoadRowsSQLite*cols)
		n := (end - start) / cols
		if n < chatLoadRowsSQLite {
			if _, err := tx.ExecContext(ctx, insert(n), rows[start:end]...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, insert(n)); err != nil {
				return err
			}
			defer full.Close()
		}
		if _, err := full.ExecContext(ctx, rows[start:end]...); err != nil {
			return err
		}
	}
	return nil
}

// loadChatsPostgres copies rows into chats on the pgx connection under
// database/sql, in one transaction.
func (s *Store) loadChatsPostgres(ctx context.Context, rows []any) error {
	return s.inPgxTx(ctx, func(tx pgx.Tx) error {
		cols := len(chatLoadColumns)
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"chats"}, chatLoadColumns, pgx.CopyFromSlice(len(rows)/cols, func(i int) ([]any, error) {
			return rows[i*cols : (i+1)*cols], nil
		}))
		return err
	})
}
