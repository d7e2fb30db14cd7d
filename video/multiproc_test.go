package video_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/booking"
	"sotepe/internal/testenv"
	"sotepe/store"
	"sotepe/video"
)

// Rooms across processes: each "process" is a store of its own on one
// PostgreSQL schema, a booking service and a video service over it, whose
// Run carries the rooms' events through the store's bus.

// process is one of the processes of a test.
type process struct {
	store *store.Store
	svc   *video.Service
	// recorded counts the calls of RecordVideoCall.
	recorded *atomic.Int32
	stop     context.CancelFunc
	done     chan struct{}
}

// countingStore counts the calls of RecordVideoCall.
type countingStore struct {
	*store.Store
	n *atomic.Int32
}

func (s countingStore) RecordVideoCall(ctx context.Context, id int64, at time.Time) error {
	s.n.Add(1)
	return s.Store.RecordVideoCall(ctx, id, at)
}

// newProcess starts a process on f's database: f's own store when first,
// else another; heartbeat sets its timing (Expire is three of them).
func newProcess(t *testing.T, f *fixture, first bool, heartbeat time.Duration) *process {
	t.Helper()
	st := f.env.Store
	if !first {
		st = f.env.OpenAnother(t)
	}
	appts, err := booking.New(booking.Config{Store: st, Location: f.env.Location, Now: f.env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	p := &process{store: st, recorded: new(atomic.Int32), done: make(chan struct{})}
	p.svc = video.New(video.Config{Store: countingStore{st, p.recorded}, Appointments: appts, Now: f.env.Clock.Now,
		Bus: st.VideoBus(), Heartbeat: heartbeat})
	ctx, cancel := context.WithCancel(context.Background())
	p.stop = cancel
	go func() { defer close(p.done); p.svc.Run(ctx) }()
	// Registered after the store's close, so it runs before it.
	t.Cleanup(p.kill)
	return p
}

// kill stops the process's Run and waits for it.
func (p *process) kill() {
	p.stop()
	<-p.done
}

// party is one participant's connection, recording what the room tells
// it.
type party struct {
	name string
	c    sotepe.VideoConn
	mu   sync.Mutex
	msgs []sotepe.VideoMessage
	you  string
}

// newParty returns what makes the party of a joining participant, name,
// of what Join returns: newParty(t, "anna")(svc.Join(…)).
func newParty(t *testing.T, name string) func(sotepe.VideoConn, error) *party {
	return func(c sotepe.VideoConn, err error) *party { return startParty(t, name, c, err) }
}

func startParty(t *testing.T, name string, c sotepe.VideoConn, err error) *party {
	t.Helper()
	if err != nil {
		t.Fatalf("%s joins: %v", name, err)
	}
	p := &party{name: name, c: c}
	go func() {
		for m := range c.Messages() {
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			p.mu.Unlock()
		}
	}()
	w := p.wait(t, "a welcome", func(m sotepe.VideoMessage) bool { return m.Type == sotepe.VideoWelcome })
	p.you = w.You
	return p
}

// wait returns the first message that ok takes, waiting for it up to 15
// seconds.
func (p *party) wait(t *testing.T, what string, ok func(sotepe.VideoMessage) bool) sotepe.VideoMessage {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p.mu.Lock()
		for _, m := range p.msgs {
			if ok(m) {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("%s was not told %s; got %+v", p.name, what, p.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitMembers waits until the last list of members p got satisfies ok.
func (p *party) waitMembers(t *testing.T, what string, ok func([]sotepe.VideoMember) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p.mu.Lock()
		var last []sotepe.VideoMember
		seen := false
		for _, m := range p.msgs {
			if m.Type == sotepe.VideoMembers {
				last, seen = m.Members, true
			}
		}
		p.mu.Unlock()
		if seen && ok(last) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not see %s; last %+v", p.name, what, last)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// log returns the types of p's messages so far, for failures.
func (p *party) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.msgs {
		out = append(out, m.Type+":"+m.Peer+m.From+m.Reason+strings.Join(m.Peers, ","))
	}
	return out
}

func (p *party) send(t *testing.T, m sotepe.VideoMessage) {
	t.Helper()
	if err := p.c.Send(context.Background(), m); err != nil {
		t.Fatalf("%s sends %s: %v", p.name, m.Type, err)
	}
}

func sees(ms []sotepe.VideoMember, id string, admitted bool) bool {
	return slices.ContainsFunc(ms, func(m sotepe.VideoMember) bool { return m.ID == id && m.Admitted == admitted })
}

func isType(typ string) func(sotepe.VideoMessage) bool {
	return func(m sotepe.VideoMessage) bool { return m.Type == typ }
}

func withPeer(typ, peer string) func(sotepe.VideoMessage) bool {
	return func(m sotepe.VideoMessage) bool { return m.Type == typ && m.Peer == peer }
}

func signalFrom(from string, data json.RawMessage) func(sotepe.VideoMessage) bool {
	return func(m sotepe.VideoMessage) bool {
		return m.Type == sotepe.VideoSignal && m.From == from && string(m.Data) == string(data)
	}
}

func needPostgres(t *testing.T) {
	t.Helper()
	if os.Getenv(testenv.PostgresEnv) == "" {
		t.Skip(testenv.PostgresEnv + " is not set: rooms across processes need PostgreSQL")
	}
}

// bigOffer returns an SDP offer of about 30 KiB as a signal's data.
func bigOffer(t *testing.T) json.RawMessage {
	t.Helper()
	sdp := "v=0\r\n" + strings.Repeat("a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host generation 0 ufrag äö\r\n", 390)
	data, err := json.Marshal(map[string]any{"sdp": map[string]string{"type": "offer", "sdp": sdp}})
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 30<<10 || len(data) > sotepe.MaxVideoSignal {
		t.Fatalf("the offer has %d bytes", len(data))
	}
	return data
}

// TestRoomAcrossProcesses follows a call whose participants are connected
// to three processes: anna waits on the first, the nurse on the second
// admits her, the offer (30 KiB), the answer and candidates pass both
// ways, both report the connection up and the call is recorded; an
// interpreter on the third is admitted and signals; anna leaves and the
// others are told; she joins again elsewhere, in the call at once, and
// then again, replacing that connection; "call me instead" ends the room
// on every process.
func TestRoomAcrossProcesses(t *testing.T) {
	needPostgres(t)
	f := newFixtureOn(t, testenv.Postgres)
	ctx := context.Background()
	id := f.appt.ID
	const beat = 200 * time.Millisecond
	p1, p2, p3 := newProcess(t, f, true, beat), newProcess(t, f, false, beat), newProcess(t, f, false, beat)
	f.env.Clock.Add(6 * time.Minute)
	anna, nurse := f.env.User(t, "anna"), f.env.User(t, "nurse")

	a := newParty(t, "anna")(p1.svc.Join(ctx, anna, id))
	defer a.c.Leave()
	n := newParty(t, "the nurse")(p2.svc.Join(ctx, nurse, id))
	defer n.c.Leave()
	// The nurse, on another process, sees anna waiting; she waits.
	n.waitMembers(t, "anna waiting", func(ms []sotepe.VideoMember) bool {
		return len(ms) == 1 && sees(ms, a.you, false) && ms[0].Role == sotepe.VideoResident && ms[0].Name != ""
	})
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoAdmit, Peer: a.you})
	adm := a.wait(t, "she is admitted", isType(sotepe.VideoAdmitted))
	if len(adm.Peers) != 1 || adm.Peers[0] != n.you {
		t.Fatalf("anna admitted with peers %v, want the nurse %s", adm.Peers, n.you)
	}
	n.wait(t, "anna joined", withPeer(sotepe.VideoJoined, a.you))
	a.waitMembers(t, "the nurse", func(ms []sotepe.VideoMember) bool {
		return len(ms) == 1 && sees(ms, n.you, true) && ms[0].Name == nurse.Name
	})

	// The offer is larger than a notification; the rest are small.
	offer := bigOffer(t)
	answer := json.RawMessage(`{"sdp":{"type":"answer","sdp":"v=0"}}`)
	a.send(t, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: n.you, Data: offer})
	for i := range 5 {
		a.send(t, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: n.you, Data: json.RawMessage(`{"candidate":"a` + string(rune('0'+i)) + `"}`)})
	}
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: a.you, Data: answer})
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: a.you, Data: json.RawMessage(`{"candidate":"n0"}`)})
	n.wait(t, "the offer", signalFrom(a.you, offer))
	n.wait(t, "the last candidate", signalFrom(a.you, json.RawMessage(`{"candidate":"a4"}`)))
	a.wait(t, "the answer", signalFrom(n.you, answer))
	a.wait(t, "a candidate", signalFrom(n.you, json.RawMessage(`{"candidate":"n0"}`)))
	// From one sender, signals arrive in the order sent.
	var order []string
	n.mu.Lock()
	for _, m := range n.msgs {
		if m.Type == sotepe.VideoSignal {
			order = append(order, string(m.Data))
		}
	}
	n.mu.Unlock()
	if len(order) != 6 || order[0] != string(offer) || order[5] != `{"candidate":"a4"}` {
		t.Fatalf("the nurse got %d signals, first %.30s, last %s", len(order), order[0], order[len(order)-1])
	}

	// Both report the connection up: the call is held, recorded once.
	var at *int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.env.Store.DB().QueryRowContext(ctx, `SELECT video_call_at FROM appointments WHERE id = $1`, id).Scan(&at))
	if at != nil {
		t.Fatal("the call is held before anyone reported it")
	}
	a.send(t, sotepe.VideoMessage{Type: sotepe.VideoConnected, Peer: n.you})
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoConnected, Peer: a.you})
	deadline := time.Now().Add(15 * time.Second)
	for at == nil {
		if time.Now().After(deadline) {
			t.Fatal("the held call was not recorded")
		}
		time.Sleep(10 * time.Millisecond)
		must(f.env.Store.DB().QueryRowContext(ctx, `SELECT video_call_at FROM appointments WHERE id = $1`, id).Scan(&at))
	}
	first := *at
	if want := f.env.Clock.Now().UnixMicro(); first != want {
		t.Fatalf("video_call_at %d, want %d", first, want)
	}
	// The process of each side records it (the update keeps the first);
	// reports again record nothing more.
	f.env.Clock.Add(time.Minute)
	a.send(t, sotepe.VideoMessage{Type: sotepe.VideoConnected, Peer: n.you})
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoConnected, Peer: a.you})

	// An interpreter, invited by the nurse, joins on the third process.
	inv, err := p2.svc.Invite(ctx, nurse, id, sotepe.VideoInterpreter)
	must(err)
	_, key, err := p1.svc.Redeem(ctx, inv.Token)
	must(err)
	g := newParty(t, "the interpreter")(p3.svc.JoinAsGuest(ctx, inv.ID, key))
	defer g.c.Leave()
	n.waitMembers(t, "the interpreter waiting", func(ms []sotepe.VideoMember) bool {
		return len(ms) == 2 && sees(ms, g.you, false)
	})
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoAdmit, Peer: g.you})
	gadm := g.wait(t, "admitted", isType(sotepe.VideoAdmitted))
	if slices.Sort(gadm.Peers); len(gadm.Peers) != 2 || !slices.Contains(gadm.Peers, a.you) || !slices.Contains(gadm.Peers, n.you) {
		t.Fatalf("the interpreter admitted with peers %v", gadm.Peers)
	}
	a.wait(t, "the interpreter joined", withPeer(sotepe.VideoJoined, g.you))
	n.wait(t, "the interpreter joined", withPeer(sotepe.VideoJoined, g.you))
	a.waitMembers(t, "the interpreter", func(ms []sotepe.VideoMember) bool { return len(ms) == 2 && sees(ms, g.you, true) })
	hello := json.RawMessage(`{"sdp":{"type":"offer","sdp":"v=0 interpreter"}}`)
	g.send(t, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: a.you, Data: hello})
	a.wait(t, "the interpreter's offer", signalFrom(g.you, hello))
	if got := p1.recorded.Load() + p2.recorded.Load() + p3.recorded.Load(); got < 1 || got > 2 {
		t.Fatalf("RecordVideoCall called %d times", got)
	}
	must(f.env.Store.DB().QueryRowContext(ctx, `SELECT video_call_at FROM appointments WHERE id = $1`, id).Scan(&at))
	if *at != first {
		t.Fatal("the held call was recorded again")
	}

	// Anna leaves: the others are told.
	a.c.Leave()
	n.wait(t, "anna left", withPeer(sotepe.VideoLeft, a.you))
	g.wait(t, "anna left", withPeer(sotepe.VideoLeft, a.you))
	n.waitMembers(t, "anna gone", func(ms []sotepe.VideoMember) bool { return len(ms) == 1 && sees(ms, g.you, true) })

	// She joins again on the third process: admitted before, she is in
	// the call at once, and offers to both.
	a2 := newParty(t, "anna again")(p3.svc.Join(ctx, anna, id))
	defer a2.c.Leave()
	if w := a2.wait(t, "a welcome", isType(sotepe.VideoWelcome)); !w.Admitted {
		t.Fatal("anna waits again after leaving")
	}
	if adm := a2.wait(t, "admitted", isType(sotepe.VideoAdmitted)); len(adm.Peers) != 2 {
		t.Fatalf("anna again offers to %v", adm.Peers)
	}
	n.wait(t, "anna joined again", withPeer(sotepe.VideoJoined, a2.you))

	// And again on the second: that connection replaces the third's.
	a3 := newParty(t, "anna the third time")(p2.svc.Join(ctx, anna, id))
	defer a3.c.Leave()
	a2.wait(t, "replaced", func(m sotepe.VideoMessage) bool {
		return m.Type == sotepe.VideoEnd && m.Reason == sotepe.VideoEndReplaced
	})
	n.wait(t, "anna's second connection left", withPeer(sotepe.VideoLeft, a2.you))
	g.wait(t, "anna's second connection left", withPeer(sotepe.VideoLeft, a2.you))
	g.wait(t, "anna joined the third time", withPeer(sotepe.VideoJoined, a3.you))
	g.waitMembers(t, "anna once", func(ms []sotepe.VideoMember) bool {
		return len(ms) == 2 && sees(ms, a3.you, true) && sees(ms, n.you, true)
	})
	if _, members := p3.svc.Rooms(); members != 1 {
		t.Fatalf("%d participants on the third process, want the interpreter", members)
	}

	// Call me instead, on the first process where no one is now: the
	// room ends on every process.
	_, err = p1.svc.CallMeInstead(ctx, anna, id)
	must(err)
	for _, p := range []*party{a3, n, g} {
		p.wait(t, "the end", func(m sotepe.VideoMessage) bool { return m.Type == sotepe.VideoEnd && m.Reason == sotepe.VideoEndPhone })
	}
	deadline = time.Now().Add(15 * time.Second)
	for _, p := range []*process{p1, p2, p3} {
		for {
			if _, members := p.svc.Rooms(); members == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("participants stay after the end")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestRoomOfADeadProcess: the process of anna's connection dies without a
// word; after a few heartbeats she is gone from the nurse's room, and
// joining again elsewhere she is in the call at once, having been
// admitted.
func TestRoomOfADeadProcess(t *testing.T) {
	needPostgres(t)
	f := newFixtureOn(t, testenv.Postgres)
	ctx := context.Background()
	id := f.appt.ID
	const beat = 100 * time.Millisecond
	p1, p2 := newProcess(t, f, true, beat), newProcess(t, f, false, beat)
	f.env.Clock.Add(6 * time.Minute)
	anna, nurse := f.env.User(t, "anna"), f.env.User(t, "nurse")

	n := newParty(t, "the nurse")(p1.svc.Join(ctx, nurse, id))
	defer n.c.Leave()
	a := newParty(t, "anna")(p2.svc.Join(ctx, anna, id))
	n.waitMembers(t, "anna waiting", func(ms []sotepe.VideoMember) bool { return sees(ms, a.you, false) })
	n.send(t, sotepe.VideoMessage{Type: sotepe.VideoAdmit, Peer: a.you})
	a.wait(t, "admitted", isType(sotepe.VideoAdmitted))
	n.waitMembers(t, "anna in the call", func(ms []sotepe.VideoMember) bool { return sees(ms, a.you, true) })

	// The second process dies: no Leave, no more heartbeats.
	killed := time.Now()
	p2.kill()
	if err := p2.store.Close(); err != nil {
		t.Fatal(err)
	}
	n.wait(t, "anna left", withPeer(sotepe.VideoLeft, a.you))
	if gone := time.Since(killed); gone < 2*beat {
		t.Fatalf("anna was gone %v after her process died, before the heartbeats ran out", gone)
	}
	n.waitMembers(t, "nobody", func(ms []sotepe.VideoMember) bool { return len(ms) == 0 })

	// She reconnects to the live process: still admitted.
	again := newParty(t, "anna again")(p1.svc.Join(ctx, anna, id))
	defer again.c.Leave()
	if w := again.wait(t, "a welcome", isType(sotepe.VideoWelcome)); !w.Admitted {
		t.Fatal("anna waits again after her process died")
	}
	n.wait(t, "anna joined again", withPeer(sotepe.VideoJoined, again.you))
}
