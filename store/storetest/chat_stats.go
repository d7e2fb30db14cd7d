package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"sotepe"
)

// The tests of the roll-up of the chat figures (migration 00024): its
// figures are always those sotepe.ChatFiguresOf computes from the chats
// themselves (ChatTimes), the oracle.

// chatPeriods are periods around the end of summer time (27 October 2024)
// and the turn of the month that the figures are checked over: whole days,
// days cut short at either end, part of one day, whole months, none.
func chatPeriods() [][2]time.Time {
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2024, month, day, hour, minute, 0, 0, helsinki)
	}
	return [][2]time.Time{
		{at(10, 24, 0, 0), at(11, 4, 0, 0)},
		{at(10, 25, 13, 17), at(11, 2, 9, 45)},
		{at(10, 27, 2, 30), at(10, 27, 5, 0)},
		{at(10, 27, 0, 0), at(10, 28, 0, 0)},
		{at(9, 1, 0, 0), at(12, 1, 0, 0)},
		{at(10, 1, 0, 0), at(11, 1, 0, 0).Add(-time.Microsecond)},
		{at(10, 31, 23, 59), at(11, 1, 0, 1)},
		{at(10, 28, 0, 0), at(10, 28, 0, 0)},
	}
}

// checkChatFigures fails the test unless the figures of the roll-up equal
// the oracle's for every grouping, selection of lines and period.
func checkChatFigures(t *testing.T, s Store, when string) {
	t.Helper()
	ctx := context.Background()
	for _, by := range []string{sotepe.ChatByLine, sotepe.ChatByUnit, sotepe.ChatByHour} {
		for _, lines := range [][]string{nil, {nurseLine}, {dentalLine, nurseLine, dentalLine}, {}} {
			for _, p := range chatPeriods() {
				times, err := s.ChatTimes(ctx, p[0], p[1], lines)
				must(t, err)
				want := sotepe.ChatFiguresOf(times, by, helsinki)
				sums, err := s.ChatFigureSums(ctx, p[0], p[1], by, lines)
				must(t, err)
				got := make([]sotepe.ChatFigure, len(sums))
				for i, g := range sums {
					got[i] = g.Figure()
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, by %s, lines %v, %s–%s:\n got %s\nwant %s", when, by, lines, p[0], p[1], showChatFigures(got), showChatFigures(want))
				}
			}
		}
	}
}

// showChatFigures writes figures with their percentiles' values.
func showChatFigures(fs []sotepe.ChatFigure) string {
	var b strings.Builder
	v := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "{%q %d %d %d %d %s %s %s %s} ", f.Key, f.Started, f.Answered, f.Abandoned, f.HandedOver,
			v(f.WaitP50), v(f.WaitP90), v(f.DurationP50), v(f.DurationP90))
	}
	return b.String()
}

// chatHistory returns n ended chats without residents, as the generated
// year loads them, started at random in the eleven days from 24 October
// 2024 on either line.
func chatHistory(rnd *rand.Rand, n int) []sotepe.Chat {
	base := time.Date(2024, 10, 24, 0, 0, 0, 0, helsinki)
	out := make([]sotepe.Chat, n)
	for i := range out {
		c := sotepe.Chat{Line: []string{nurseLine, dentalLine}[rnd.IntN(2)], Lang: sotepe.Finnish,
			StartedAt: base.Add(time.Duration(rnd.Int64N(int64(11 * 24 * time.Hour))))}
		switch rnd.IntN(5) {
		case 0:
			c.Status, c.EndedAt = sotepe.ChatAbandoned, c.StartedAt.Add(time.Duration(rnd.IntN(600))*time.Second)
		default:
			c.Status = []sotepe.ChatStatus{sotepe.ChatClosed, sotepe.ChatHandedOver}[rnd.IntN(2)]
			c.UnitID = []string{kallio, vuosaari}[rnd.IntN(2)]
			// Waits of a few distinct values, so the histograms repeat.
			c.TakenAt = c.StartedAt.Add(time.Duration(rnd.IntN(20)*30)*time.Second + time.Duration(rnd.IntN(1000))*time.Millisecond)
			c.EndedAt = c.TakenAt.Add(time.Duration(rnd.Int64N(int64(40 * time.Minute))))
		}
		out[i] = c
	}
	return out
}

// testChatStatsRollupMatchesChats starts, takes, passes on and ends chats
// at random through the store, loads chats in bulk, and changes and
// deletes chats behind its back, folding none, part or all of the log
// between rounds, and checks after each round that the roll-up's figures
// are the oracle's.
func testChatStatsRollupMatchesChats(t *testing.T, s Store) {
	f := seedChats(t, s, 6)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(19, 2024))
	s.Clock.Set(time.Date(2024, 11, 10, 12, 0, 0, 0, time.UTC))
	base := time.Date(2024, 10, 24, 0, 0, 0, 0, helsinki)
	sys := func(key string) sotepe.ChatEvent { return sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: key} }
	type live struct {
		id   int64
		line string
		at   time.Time // the chat's latest instant
	}
	open := map[int]*live{} // by resident
	staff := []struct {
		id   int64
		unit string
	}{{f.nurse.ID, kallio}, {f.nurse2.ID, kallio}, {f.dentist.ID, vuosaari}}
	for round := range 6 {
		history := chatHistory(rnd, 15+rnd.IntN(20))
		for i := range history {
			if c := &history[i]; round == 2 && !c.TakenAt.IsZero() {
				// A chat left open for eighty years lasts the longest
				// duration the figures count (int32 seconds).
				c.EndedAt = c.TakenAt.AddDate(80, 0, 0)
				break
			}
		}
		must(t, s.LoadChats(ctx, history))
		for i := range f.residents {
			if open[i] == nil && rnd.IntN(3) > 0 {
				line := []string{nurseLine, dentalLine}[rnd.IntN(2)]
				at := base.Add(time.Duration(rnd.Int64N(int64(10 * 24 * time.Hour))))
				c, _ := f.start(t, s, i, line, at)
				open[i] = &live{c.ID, line, at}
			}
		}
		for i, c := range open {
			who := staff[rnd.IntN(len(staff))]
			actor := staffCtx(who.id, sotepe.RoleProfessional, who.unit)
			c.at = c.at.Add(time.Duration(rnd.IntN(900)) * time.Second)
			var err error
			switch rnd.IntN(7) {
			case 0, 1:
				_, err = s.TakeChat(actor, c.id, who.id, who.unit, c.at, sys("chat.system.taken"))
				if sotepe.ErrorCode(err) == sotepe.EConflict {
					err = nil // taken already
				}
			case 2:
				_, err = s.AddChatEvent(actor, c.id, message(who.id, true, "Hei"))
			case 3:
				to, id, unit := []string{nurseLine, dentalLine}[rnd.IntN(2)], int64(0), ""
				if rnd.IntN(2) == 0 {
					id, unit = who.id, who.unit
				}
				e := sys("chat.system.transferred")
				e.At = c.at
				_, err = s.TransferChat(actor, c.id, to, id, unit, e)
				if sotepe.ErrorCode(err) == sotepe.EConflict {
					err = nil // the resident has an open chat on that line
				}
			default:
				status := []sotepe.ChatStatus{sotepe.ChatClosed, sotepe.ChatHandedOver, sotepe.ChatAbandoned}[rnd.IntN(3)]
				_, err = s.EndChat(actor, c.id, status, 0, c.at, sys("chat.system.closed"))
				delete(open, i)
			}
			must(t, err)
		}
		// Behind the store's back: a chat starts an hour or a day
		// earlier or later, a chat moves to the other line, a chat goes.
		_, err := s.DB().ExecContext(ctx, `UPDATE chats SET started_at = started_at + $2 WHERE id = (SELECT MIN(id) FROM chats WHERE id >= $1)`,
			1+rnd.IntN(40*(round+1)), []int64{-86400e6, -3600e6, 3600e6, 86400e6}[rnd.IntN(4)])
		must(t, err)
		_, err = s.DB().ExecContext(ctx, `UPDATE chats SET line = CASE line WHEN $2 THEN $3 ELSE $2 END
			WHERE id = (SELECT MIN(id) FROM chats WHERE id >= $1 AND resident_id IS NULL)`, 1+rnd.IntN(40*(round+1)), nurseLine, dentalLine)
		must(t, err)
		_, err = s.DB().ExecContext(ctx, `DELETE FROM chats WHERE id = (SELECT MIN(id) FROM chats WHERE id >= $1 AND resident_id IS NULL)`,
			1+rnd.IntN(40*(round+1)))
		must(t, err)
		switch round % 3 {
		case 1:
			_, err := s.FoldChatStats(ctx, 1+rnd.IntN(40))
			must(t, err)
		case 2:
			_, err := s.FoldAllChatStats(ctx)
			must(t, err)
			if n := count(t, s, `SELECT COUNT(*) FROM chat_stats_changes`); n != 0 {
				t.Fatalf("round %d: %d changes left after folding all", round, n)
			}
		}
		checkChatFigures(t, s, fmt.Sprintf("round %d", round))
	}
	// Folded whole in rounds, the log is empty and every row of the
	// roll-up holds chats.
	for {
		n, err := s.FoldChatStats(ctx, 25)
		must(t, err)
		if n == 0 {
			break
		}
	}
	if n := count(t, s, `SELECT COUNT(*) FROM chat_stats_changes`); n != 0 {
		t.Fatalf("%d changes left after folding everything", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM chat_stats WHERE started <= 0 OR answered < 0 OR abandoned < 0 OR handed_over < 0
		OR answered > started OR abandoned + handed_over > started OR (answered = 0 AND LENGTH(waits) > 0)`); n != 0 {
		t.Fatalf("%d roll-up rows out of balance", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM chat_stats`); n == 0 {
		t.Fatal("nothing in the roll-up")
	}
	checkChatFigures(t, s, "folded")
	_, err := s.ChatFigureSums(ctx, base, base.Add(time.Hour), "day", nil)
	wantKey(t, err, sotepe.EInvalid, "chat.error.group")
	_, err = s.FoldChatStats(ctx, 0)
	wantKey(t, err, sotepe.EInvalid, "error.invalid")
}

// testChatStatsMigration checks migration 00024 over chats stored before
// it: taken back to the schema before it, with chats stored and changed
// there, and brought up again, the roll-up gives the oracle's figures
// before and after it is folded.
func testChatStatsMigration(t *testing.T, s Store) {
	f := seedChats(t, s, 2)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(23, 2024))
	must(t, s.LoadChats(ctx, chatHistory(rnd, 30)))
	_, err := s.FoldChatStats(ctx, 7)
	must(t, err)
	must(t, s.MigrateTo(ctx, 23))
	must(t, s.LoadChats(ctx, chatHistory(rnd, 30)))
	at := time.Date(2024, 10, 27, 3, 30, 0, 0, helsinki)
	c, _ := f.start(t, s, 0, nurseLine, at)
	_, err = s.TakeChat(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), c.ID, f.nurse.ID, kallio, at.Add(3*time.Minute),
		sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.taken"})
	must(t, err)
	f.start(t, s, 1, dentalLine, at.Add(time.Hour))
	must(t, s.Migrate(ctx))
	checkChatFigures(t, s, "migrated")
	_, err = s.FoldAllChatStats(ctx)
	must(t, err)
	checkChatFigures(t, s, "folded")
}
