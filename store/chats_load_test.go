package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
)

// TestLoadChats loads ended chats without residents through the bulk path
// on both engines, more than one SQLite statement's worth, and checks that
// ChatTimes reads them back as given, that the rows have no resident,
// transcript or events, and that a bad chat, or one naming a unit the store
// does not have, stores nothing of its load.
func TestLoadChats(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		ctx := context.Background()
		must(t, demo.LoadNetwork(ctx, s))
		must(t, demo.LoadChatLines(ctx, s))
		start := time.Date(2024, 3, 4, 6, 0, 0, 0, time.UTC)
		const n = chatLoadRowsSQLite + 345
		chats := make([]sotepe.Chat, n)
		for i := range chats {
			c := sotepe.Chat{Line: "client-advice", Lang: []sotepe.Lang{sotepe.Finnish, sotepe.Swedish, sotepe.English}[i%3],
				StartedAt: start.Add(time.Duration(i) * time.Minute)}
			switch i % 10 {
			case 0:
				c.Status, c.EndedAt = sotepe.ChatAbandoned, c.StartedAt.Add(4*time.Minute)
			case 1:
				c.Status = sotepe.ChatHandedOver
			default:
				c.Status = sotepe.ChatClosed
			}
			if c.Status != sotepe.ChatAbandoned {
				c.UnitID, c.TakenAt = "social-and-health-services-advice", c.StartedAt.Add(time.Duration(i%7)*time.Minute)
				c.EndedAt = c.TakenAt.Add(8 * time.Minute)
			}
			chats[i] = c
		}
		must(t, s.LoadChats(ctx, chats[:n-1]))
		must(t, s.LoadChats(ctx, chats[n-1:]))
		got, err := s.ChatTimes(ctx, start, start.AddDate(0, 0, 30), nil)
		must(t, err)
		if len(got) != n {
			t.Fatalf("%d chats read, %d loaded", len(got), n)
		}
		for i, g := range got {
			c := chats[i]
			if g.Line != c.Line || g.UnitID != c.UnitID || g.Status != c.Status || !g.StartedAt.Equal(c.StartedAt) ||
				!g.TakenAt.Equal(c.TakenAt) || !g.EndedAt.Equal(c.EndedAt) || g.HandedOver != (c.Status == sotepe.ChatHandedOver) {
				t.Fatalf("chat %d read as %+v, loaded %+v", i, g, c)
			}
		}
		var rows, residents, deleted, seq, seenAtEnd, events int
		must(t, s.writer.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(resident_id), SUM(CASE WHEN transcript_deleted THEN 1 ELSE 0 END),
			SUM(last_seq), SUM(CASE WHEN resident_seen_at = ended_at THEN 1 ELSE 0 END) FROM chats`).Scan(&rows, &residents, &deleted, &seq, &seenAtEnd))
		must(t, s.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM chat_events`).Scan(&events))
		if rows != n || residents != 0 || deleted != n || seq != 0 || seenAtEnd != n || events != 0 {
			t.Errorf("%d rows, %d with a resident, %d without a transcript, last_seq %d, %d seen at their end, %d events",
				rows, residents, deleted, seq, seenAtEnd, events)
		}

		// Nothing of a load with a bad chat is stored.
		open := chats[2]
		open.Status, open.EndedAt = sotepe.ChatActive, time.Time{}
		takenAbandoned := chats[0]
		takenAbandoned.TakenAt = takenAbandoned.StartedAt
		backwards := chats[3]
		backwards.EndedAt = backwards.StartedAt.Add(-time.Second)
		for i, bad := range []sotepe.Chat{open, takenAbandoned, backwards, {Line: "client-advice", Status: sotepe.ChatClosed, Lang: "de",
			StartedAt: start, TakenAt: start, EndedAt: start, UnitID: "social-and-health-services-advice"}} {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				wantKey(t, s.LoadChats(ctx, append(chats[:5:5], bad)), sotepe.EInvalid, "error.invalid")
			})
		}
		unknown := append([]sotepe.Chat(nil), chats...)
		unknown[n-1].UnitID = "no-such-unit"
		wantKey(t, s.LoadChats(ctx, unknown), sotepe.EInvalid, "error.reference")
		must(t, s.writer.QueryRowContext(ctx, `SELECT COUNT(*) FROM chats`).Scan(&rows))
		if rows != n {
			t.Errorf("%d chats after the failed loads, want %d", rows, n)
		}
	})
}
