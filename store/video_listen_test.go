package store

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sotepe"
	"sotepe/store/storetest/testdb"
)

func TestVideoChannel(t *testing.T) {
	if got := videoChannel("t_0a1b2c"); got != "sotepe_video_t_0a1b2c" {
		t.Errorf("plain schema's channel = %q", got)
	}
	if got := videoChannel("tenant ä"); len(got) > maxChannel || !strings.HasPrefix(got, "sotepe_video_h") {
		t.Errorf("hashed channel = %q", got)
	}
}

// TestVideoAssembler cuts events into parts as PublishVideo does and joins
// them as a listener does: never within a UTF-8 sequence, skipping the
// store's own, dropping a publication whose parts do not follow.
func TestVideoAssembler(t *testing.T) {
	big := strings.Repeat("ä€x", 4000) // 2-, 3- and 1-byte runes
	for _, max := range []int{videoPart, 7, 1000} {
		parts := videoParts(big, max)
		if strings.Join(parts, "") != big {
			t.Fatalf("max %d: the parts do not add up", max)
		}
		for _, p := range parts {
			if len(p) > max || !utf8.ValidString(p) {
				t.Fatalf("max %d: a part of %d bytes, valid %v", max, len(p), utf8.ValidString(p))
			}
		}
	}
	data, _ := json.Marshal(map[string]string{"sdp": big})
	e := sotepe.VideoEvent{Kind: sotepe.VideoSignalEvent, Appointment: 7, From: "a", To: "b", Data: data}
	b, _ := json.Marshal(e)
	parts := videoParts(string(b), videoPart)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	payload := func(origin, seq string, i int) string {
		return origin + " " + seq + " " + itoa(i) + " " + itoa(len(parts)) + "\n" + parts[i]
	}
	var a videoAssembler
	for i := range parts {
		got, ok, err := a.add(payload("other", "1", i), "me")
		if err != nil || ok != (i == len(parts)-1) {
			t.Fatalf("part %d: ok %v, %v", i, ok, err)
		}
		if ok && (got.Origin != "other" || got.To != "b" || string(got.Data) != string(data)) {
			t.Fatalf("joined %+v", got.Kind)
		}
	}
	// The store's own are skipped.
	if _, ok, err := a.add(payload("me", "2", 0), "me"); ok || err != nil {
		t.Fatalf("own event: ok %v, %v", ok, err)
	}
	// A part out of order drops the publication.
	if _, _, err := a.add(payload("other", "3", 1), "me"); err == nil {
		t.Fatal("a second part without the first was taken")
	}
	for _, bad := range []string{"", "x", "o 1 0 1\n{", "o 1 2 1\n{}", "o 1 0 1\n{}"} {
		if _, ok, err := a.add(bad, "me"); ok || err == nil {
			t.Errorf("%q: ok %v, %v", bad, ok, err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestVideoBusSQLite(t *testing.T) {
	s := newStore(t, openSQLite(t))
	if s.VideoBus() != nil {
		t.Fatal("a bus on SQLite")
	}
	must(t, s.PublishVideo(context.Background(), sotepe.VideoEvent{Kind: sotepe.VideoGone}))
}

// TestVideoEventsAcrossStores runs two stores on one PostgreSQL schema, as
// two processes, and one on another schema: events pass between the two
// in order, a 30 KiB signal in parts, and nowhere else.
func TestVideoEventsAcrossStores(t *testing.T) {
	if os.Getenv(postgresEnv) == "" {
		t.Skip(postgresEnv + " is not set: events between stores need PostgreSQL")
	}
	ctx := context.Background()
	open := func(dsn string) testStore { return newStore(t, openDSN(t, dsn)) }
	dsn := testdb.Postgres(t)
	a, b, other := open(dsn), open(dsn), open(testdb.Postgres(t))
	heard := func(s *Store) <-chan sotepe.VideoEvent {
		ch := make(chan sotepe.VideoEvent, 1000)
		lctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- s.VideoBus().ListenVideo(lctx, func(e sotepe.VideoEvent) { ch <- e })
		}()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("ListenVideo: %v", err)
			}
		})
		return ch
	}
	heardA, heardB, heardOther := heard(a.Store), heard(b.Store), heard(other.Store)

	// Until b listens, a's events are lost: a knocks until b hears.
	deadline := time.After(15 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
knock:
	for {
		select {
		case <-tick.C:
			must(t, a.PublishVideo(ctx, sotepe.VideoEvent{Kind: sotepe.VideoPresence, Appointment: 1}))
		case e := <-heardB:
			if e.Kind != sotepe.VideoPresence || e.Appointment != 1 || e.Origin == "" {
				t.Fatalf("b heard %+v", e)
			}
			break knock
		case <-deadline:
			t.Fatal("b did not hear a")
		}
	}

	sdp := strings.Repeat("a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host ä\r\n", 520)
	data, _ := json.Marshal(map[string]any{"sdp": map[string]string{"type": "offer", "sdp": sdp}})
	if len(data) < 30<<10 || len(data) > sotepe.MaxVideoSignal {
		t.Fatalf("the signal has %d bytes", len(data))
	}
	must(t, a.PublishVideo(ctx,
		sotepe.VideoEvent{Kind: sotepe.VideoSignalEvent, Appointment: 2, From: "x", To: "y", Data: data},
		sotepe.VideoEvent{Kind: sotepe.VideoSignalEvent, Appointment: 2, From: "x", To: "y", Data: json.RawMessage(`{"candidate":"c1"}`)}))
	must(t, a.PublishVideo(ctx, sotepe.VideoEvent{Kind: sotepe.VideoGone, Appointment: 2, Member: "x"}))
	must(t, b.PublishVideo(ctx, sotepe.VideoEvent{Kind: sotepe.VideoEndEvent, Appointment: 2, Reason: sotepe.VideoEndPhone}))
	var got []sotepe.VideoEvent
	timeout := time.After(10 * time.Second)
	for len(got) < 3 {
		select {
		case e := <-heardB:
			if e.Kind == sotepe.VideoPresence {
				continue // knocks still on the way
			}
			got = append(got, e)
		case <-timeout:
			t.Fatalf("b heard %d of a's 3 events", len(got))
		}
	}
	if got[0].Kind != sotepe.VideoSignalEvent || string(got[0].Data) != string(data) || got[0].To != "y" ||
		string(got[1].Data) != `{"candidate":"c1"}` || got[2].Kind != sotepe.VideoGone || got[2].Member != "x" {
		t.Fatalf("b heard %+v, %+v, %+v", got[0].Kind, got[1].Kind, got[2])
	}
	select {
	case e := <-heardA:
		if e.Kind == sotepe.VideoPresence {
			t.Fatalf("a heard its own %+v", e)
		}
		if e.Kind != sotepe.VideoEndEvent || e.Reason != sotepe.VideoEndPhone {
			t.Fatalf("a heard %+v", e)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a did not hear b's end")
	}
	select {
	case e := <-heardOther:
		t.Fatalf("another schema's store heard %+v", e)
	case <-time.After(200 * time.Millisecond):
	}
}
