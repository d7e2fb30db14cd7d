package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/store/storetest/testdb"
)

func TestChatChannel(t *testing.T) {
	seen := map[string]string{}
	for _, schema := range []string{"public", "t_0a1b2c", "T_0a1b2c", "t-0a1b2c", "tenant ä", strings.Repeat("x", 60), strings.Repeat("x", 61)} {
		ch := chatChannel(schema)
		if len(ch) > maxChannel || !strings.HasPrefix(ch, "sotepe_chat_") || strings.Trim(ch, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("channel of %q = %q", schema, ch)
		}
		if other, ok := seen[ch]; ok {
			t.Errorf("schemas %q and %q share channel %q", other, schema, ch)
		}
		seen[ch] = schema
	}
	if got := chatChannel("t_0a1b2c"); got != "sotepe_chat_t_0a1b2c" {
		t.Errorf("plain schema's channel = %q", got)
	}
}

func TestChatSignalsSQLite(t *testing.T) {
	s := newStore(t, openSQLite(t))
	ctx, cancel := context.WithCancel(context.Background())
	must(t, s.SignalChat(ctx, sotepe.ChatSignal{ChatID: 1}))
	done := make(chan error, 1)
	go func() { done <- s.ListenChats(ctx, func(sotepe.ChatSignal) { t.Error("a signal on SQLite") }) }()
	select {
	case err := <-done:
		t.Fatalf("ListenChats returned before its context ended: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("ListenChats did not return after its context ended")
	}
}

// TestListenChatsEndsAtClose checks that a store's Close ends its
// listeners on both engines, with nil.
func TestListenChatsEndsAtClose(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		done := make(chan error, 1)
		go func() { done <- s.ListenChats(context.Background(), func(sotepe.ChatSignal) {}) }()
		// Whether Close comes before the listener starts or while it
		// listens, it ends.
		time.Sleep(100 * time.Millisecond)
		must(t, s.Close())
		select {
		case err := <-done:
			must(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("ListenChats did not return after Close")
		}
	})
}

// listen runs s.ListenChats until the test ends and returns the signals it
// hears.
func listen(t *testing.T, s *Store) <-chan sotepe.ChatSignal {
	t.Helper()
	ch := make(chan sotepe.ChatSignal, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.ListenChats(ctx, func(sig sotepe.ChatSignal) {
			select {
			case ch <- sig:
			default:
			}
		})
	}()
	// Registered after the store's Close, so it runs before it.
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ListenChats: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("ListenChats did not return after its context ended")
		}
	})
	return ch
}

// TestChatSignalsAcrossStores runs two stores on one PostgreSQL schema, as
// two processes of one installation, and two more on another schema, as
// another installation (or a parallel test) in the same database.
func TestChatSignalsAcrossStores(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skip(postgresEnv + " is not set: signals between stores need PostgreSQL")
	}
	ctx := context.Background()
	dsn := testdb.Postgres(t)
	open := func(dsn string) testStore { return newStore(t, openDSN(t, dsn)) }
	a, b := open(dsn), open(dsn)
	otherDSN := testdb.Postgres(t)
	other, other2 := open(otherDSN), open(otherDSN)
	heardA, heardB, heardOther := listen(t, a.Store), listen(t, b.Store), listen(t, other.Store)

	// Signals sent before a listener's LISTEN took effect are lost, so
	// both send until each has heard the other in this round.
	exchange := func(round string) {
		t.Helper()
		deadline := time.After(15 * time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var gotA, gotB bool
		for !gotA || !gotB {
			select {
			case <-tick.C:
				must(t, a.SignalChat(ctx, sotepe.ChatSignal{ChatID: 1, Typing: "resident", Name: round}))
				must(t, b.SignalChat(ctx, sotepe.ChatSignal{ChatID: 2, Typing: "staff", Name: round}))
				must(t, other2.SignalChat(ctx, sotepe.ChatSignal{ChatID: 3, Typing: "resident", Name: round}))
			case sig := <-heardA:
				if sig.ChatID != 2 || sig.Typing != "staff" {
					t.Fatalf("store a heard %+v", sig)
				}
				gotA = gotA || sig.Name == round
			case sig := <-heardB:
				if sig.ChatID != 1 || sig.Typing != "resident" {
					t.Fatalf("store b heard %+v", sig)
				}
				gotB = gotB || sig.Name == round
			case sig := <-heardOther:
				if sig.ChatID != 3 {
					t.Fatalf("the other schema's store heard %+v", sig)
				}
			case <-deadline:
				t.Fatalf("round %s: no signal across the stores in time (a heard b: %v, b heard a: %v)", round, gotA, gotB)
			}
		}
	}
	exchange("first")

	// A listener whose connection breaks listens again on a new one.
	var killed int
	must(t, a.DB().QueryRowContext(ctx, `
		SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN "' || $1 || '"'`, a.chat.channel).Scan(&killed))
	if killed != 2 {
		t.Fatalf("%d listening connections terminated, want a's and b's", killed)
	}
	exchange("after reconnect")

	// A write that appends an event signals at commit.
	for _, q := range []string{
		`INSERT INTO areas (id, name_fi, name_sv, name_en) VALUES ('health', 'Terveys', 'Hälsa', 'Health')`,
		`INSERT INTO services (id, area_id, name_fi, name_sv, name_en) VALUES ('nurse', 'health', 'Hoitaja', 'Skötare', 'Nurse')`,
		`INSERT INTO residents (personal_id, first_name, last_name, lang, created_at) VALUES ('010101-123N', 'Maija', 'M', 'fi', 0)`,
	} {
		_, err := b.DB().ExecContext(ctx, q)
		must(t, err)
	}
	var resident int64
	must(t, b.DB().QueryRowContext(ctx, `SELECT id FROM residents`).Scan(&resident))
	must(t, b.SaveChatLine(ctx, sotepe.ChatLine{ID: "nurse-chat", ServiceID: "nurse", Units: []string{"u"}, RetentionDays: 30,
		Names: sotepe.Names{Fi: "Chat", Sv: "Chatt", En: "Chat"}}))
	c, _, err := b.StartChat(ctx, sotepe.Chat{Line: "nurse-chat", Lang: sotepe.Finnish, ResidentID: resident}, nil)
	must(t, err)
	_, err = b.AddChatEvent(ctx, c.ID, sotepe.ChatEvent{Kind: sotepe.ChatMessage, Body: "Hei"})
	must(t, err)
	heard := 0
	timeout := time.After(10 * time.Second)
	for heard < 2 {
		select {
		case sig := <-heardA:
			if sig.Typing != "" {
				continue // the first round's, still on the way
			}
			if sig != (sotepe.ChatSignal{ChatID: c.ID}) {
				t.Fatalf("store a heard %+v after b's writes", sig)
			}
			heard++
		case <-timeout:
			t.Fatalf("store a heard %d of b's 2 writes", heard)
		}
	}
	// The writer's own listener skips its own writes, and the other
	// schema hears nothing of them. PostgreSQL delivers notifications in
	// the order of commit, so a marker sent after the writes, once heard,
	// tells that nothing of them is still on the way.
	must(t, a.SignalChat(ctx, sotepe.ChatSignal{ChatID: 99, Typing: "marker"}))
	must(t, other2.SignalChat(ctx, sotepe.ChatSignal{ChatID: 98, Typing: "marker"}))
	for name, c := range map[string]struct {
		heard  <-chan sotepe.ChatSignal
		marker int64
	}{"b": {heardB, 99}, "the other schema's store": {heardOther, 98}} {
		timeout := time.After(10 * time.Second)
	wait:
		for {
			select {
			case sig := <-c.heard:
				if sig.Typing == "marker" && sig.ChatID == c.marker {
					break wait
				}
				if sig.Typing == "" {
					t.Errorf("%s heard %+v", name, sig)
				}
			case <-timeout:
				t.Fatalf("%s did not hear the marker", name)
			}
		}
	}
}
