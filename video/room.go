package video

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"sotepe"
)

// The rooms of one process, in memory. A room lives from its first
// participant until its appointment ends (or is no longer held by video);
// it remembers whom a professional admitted, so that a participant whose
// connection broke comes back into the call without waiting again.
//
// With a bus (several processes on one database), a room also holds
// mirrors of the participants connected to other processes (member.remote;
// mirror.go keeps them), and the hub queues events for the others
// (outbox), which Service.Run publishes in order.

// outBuffer is how many messages may wait for one participant's connection;
// a participant whose connection falls further behind is out of the room
// (VideoEndSlow) and reconnects.
const outBuffer = 128

// hub holds the rooms of this process by appointment id. Every change to a
// room happens under mu, and messages are queued to the participants'
// channels without blocking.
type hub struct {
	mu    sync.Mutex
	rooms map[int64]*room
	now   func() time.Time
	// clock is the real time: when participants joined and entered the
	// call, compared across processes, and when a mirror was last seen.
	clock func() time.Time
	// bus is set when other processes share the rooms: outbox then
	// queues the events for them, and wake tells Service.Run.
	bus     bool
	outbox  []sotepe.VideoEvent
	wake    chan struct{}
	dropped int // events not queued because the outbox was full
}

func newHub(now func() time.Time) *hub {
	return &hub{rooms: map[int64]*room{}, now: now, clock: time.Now, wake: make(chan struct{}, 1)}
}

// room is the room of one video appointment.
type room struct {
	appt    int64
	closes  time.Time
	members map[string]*member // by member id, this process's and mirrors
	// admitted are the keys (see member.key) a professional let in.
	admitted map[string]bool
	// reported are, per pair of members in the call (pairKey), those of
	// the two who reported their connection up.
	reported map[string]map[string]bool
	// held is set once a call between the resident's side and a
	// professional connected (both reported it).
	held  bool
	timer *time.Timer
}

// member is one participant in a room, from entering until out.
type member struct {
	id string
	// key is who the participant is across connections: the user and
	// their role, or the invitation; a second connection of the same key
	// replaces the first.
	key      string
	role     sotepe.VideoRole
	name     string
	admitted bool
	out      chan sotepe.VideoMessage
	room     *room // nil once out
	closed   bool  // out is closed
	lagging  bool  // a message did not fit in out
	// joined is when the participant joined, and inCall when they
	// entered the call (zero while waiting), by the clock of the process
	// they are connected to.
	joined, inCall time.Time
	// remote is set for the mirror of a participant of another process
	// (origin), last mentioned by its presence at seen; a mirror has no
	// channel (closed is set) and is never sent anything.
	remote bool
	origin string
	seen   time.Time
}

func newMember(key string, role sotepe.VideoRole, name string) *member {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &member{id: hex.EncodeToString(b[:]), key: key, role: role, name: name, out: make(chan sotepe.VideoMessage, outBuffer)}
}

// resident reports whether the member is on the resident's side of the
// call: the resident (or a guardian acting for them) or an invited
// guardian.
func (m *member) resident() bool {
	return m.role == sotepe.VideoResident || m.role == sotepe.VideoGuardian
}

// send queues msg for m without blocking; when it does not fit, m is
// marked lagging and settle takes it out of the room.
func (m *member) send(msg sotepe.VideoMessage) {
	if m.closed {
		return
	}
	select {
	case m.out <- msg:
	default:
		m.lagging = true
	}
}

// enter puts m into the room of appointment appt, which closes at closes,
// creating the room when it is the first; welcome is the message that
// greets m (the hub fills in who they are and whether they are admitted).
// Professionals enter the call at once, others when a professional admits
// them or admitted them before.
func (h *hub) enter(appt int64, closes time.Time, m *member, welcome sotepe.VideoMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.room(appt, closes)
	for _, old := range r.members {
		if old.key == m.key {
			if old.remote {
				h.drop(r, old)
			} else {
				h.remove(r, old, sotepe.VideoEndReplaced)
			}
		}
	}
	m.room = r
	m.joined = h.clock()
	m.admitted = m.role == sotepe.VideoProfessional || r.admitted[m.key]
	r.members[m.id] = m
	welcome.Type, welcome.You, welcome.Role, welcome.Admitted = sotepe.VideoWelcome, m.id, m.role, m.admitted
	m.send(welcome)
	if m.admitted {
		r.admitted[m.key] = true
		h.enterCall(r, m)
	}
	h.announce(r)
	h.settle(r)
	h.publish(h.presence(r))
}

// room returns the room of appointment appt, which closes at closes,
// creating it when there is none.
func (h *hub) room(appt int64, closes time.Time) *room {
	r := h.rooms[appt]
	if r == nil {
		r = &room{appt: appt, closes: closes, members: map[string]*member{}, admitted: map[string]bool{}, reported: map[string]map[string]bool{}}
		h.rooms[appt] = r
		r.timer = time.AfterFunc(closes.Sub(h.now()), func() { h.end(appt, sotepe.VideoEndClosed) })
	}
	return r
}

// enterCall tells m, a participant of this process, who is in the call (m
// makes the offers) and those of this process in the call that m entered
// it. A mirror who entered the call after m (by the clocks of their
// processes: entries racing across processes) is left out of m's peers:
// its process has it make the offer to m (remoteEntered).
func (h *hub) enterCall(r *room, m *member) {
	m.inCall = h.clock()
	peers := []string{}
	for _, p := range r.members {
		if p == m || !p.admitted || p.remote && !earlier(p, m) {
			continue
		}
		peers = append(peers, p.id)
		p.send(sotepe.VideoMessage{Type: sotepe.VideoJoined, Peer: m.id})
	}
	m.send(sotepe.VideoMessage{Type: sotepe.VideoAdmitted, Peers: peers})
}

// earlier reports whether a entered the call before b, by the clocks of
// their processes and then by id, so that two processes decide alike.
func earlier(a, b *member) bool {
	if !a.inCall.Equal(b.inCall) {
		return a.inCall.Before(b.inCall)
	}
	return a.id < b.id
}

// view lists the members of r that rcv may see: professionals see everyone
// else with names, participants in the call the others in the call (names
// only of professionals), waiting ones nobody (nil).
func view(r *room, rcv *member) []sotepe.VideoMember {
	if !rcv.admitted {
		return nil
	}
	out := []sotepe.VideoMember{}
	for _, m := range r.members {
		if m == rcv || (rcv.role != sotepe.VideoProfessional && !m.admitted) {
			continue
		}
		v := sotepe.VideoMember{ID: m.id, Role: m.role, Admitted: m.admitted}
		if rcv.role == sotepe.VideoProfessional || m.role == sotepe.VideoProfessional {
			v.Name = m.name
		}
		out = append(out, v)
	}
	return out
}

// announce tells every participant in the call who is in the room.
func (h *hub) announce(r *room) {
	for _, m := range r.members {
		if m.admitted {
			m.send(sotepe.VideoMessage{Type: sotepe.VideoMembers, Members: view(r, m)})
		}
	}
}

// settle takes out those whose connection fell behind, telling the others,
// until no one is behind.
func (h *hub) settle(r *room) {
	for {
		slow := false
		for _, m := range r.members {
			if m.lagging {
				h.remove(r, m, sotepe.VideoEndSlow)
				slow = true
			}
		}
		if !slow {
			return
		}
		h.announce(r)
	}
}

// remove takes m, a participant of this process, out of r, telling it why
// (reason, when it fits) and those in the call that it left, closes its
// channel, and tells the other processes that it is gone.
func (h *hub) remove(r *room, m *member, reason string) {
	h.takeOut(r, m, reason)
	h.publish(sotepe.VideoEvent{Kind: sotepe.VideoGone, Appointment: r.appt, Member: m.id})
}

// takeOut is remove without telling the other processes.
func (h *hub) takeOut(r *room, m *member, reason string) {
	delete(r.members, m.id)
	m.room = nil
	if reason != "" && !m.lagging {
		m.send(sotepe.VideoMessage{Type: sotepe.VideoEnd, Reason: reason})
	}
	m.closed = true
	close(m.out)
	if m.admitted {
		for _, p := range r.members {
			if p.admitted {
				p.send(sotepe.VideoMessage{Type: sotepe.VideoLeft, Peer: m.id})
			}
		}
	}
}

// leave takes m out of its room, if it is still in one.
func (h *hub) leave(m *member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := m.room; r != nil {
		h.remove(r, m, "")
		h.announce(r)
		h.settle(r)
	}
}

// out takes m out of its room with reason.
func (h *hub) out(m *member, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := m.room; r != nil {
		h.remove(r, m, reason)
		h.announce(r)
		h.settle(r)
	}
}

// end ends the room of appointment appt: everyone is out with reason.
func (h *hub) end(appt int64, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endLocked(appt, reason)
}

// endLocked is end with h.mu held.
func (h *hub) endLocked(appt int64, reason string) {
	r := h.rooms[appt]
	if r == nil {
		return
	}
	for _, m := range r.members {
		if m.remote {
			delete(r.members, m.id)
		} else {
			h.takeOut(r, m, reason)
		}
	}
	r.timer.Stop()
	delete(h.rooms, appt)
}

// size returns how many rooms there are and how many participants of
// this process are in them, for tests and metrics.
func (h *hub) size() (rooms, members int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.rooms {
		for _, m := range r.members {
			if !m.remote {
				members++
			}
		}
	}
	return len(h.rooms), members
}

func badMessage(why string) error {
	return sotepe.Invalid("video.error.message", why)
}

// signal relays data from m to participant to, both in the call. Data to
// someone who is no longer there is dropped.
func (h *hub) signal(m *member, to string, data json.RawMessage) error {
	if len(data) == 0 || len(data) > sotepe.MaxVideoSignal || !json.Valid(data) {
		return badMessage("a signal carries one JSON value of at most 32 KiB")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r := m.room
	if r == nil {
		return nil
	}
	if !m.admitted {
		return badMessage("only those in the call signal")
	}
	p := r.members[to]
	if p == nil || !p.admitted || p == m {
		return nil
	}
	if p.remote {
		h.publish(sotepe.VideoEvent{Kind: sotepe.VideoSignalEvent, Appointment: r.appt, From: m.id, To: to, Data: data})
		return nil
	}
	p.send(sotepe.VideoMessage{Type: sotepe.VideoSignal, From: m.id, Data: data})
	h.settle(r)
	return nil
}

// admit lets waiting participant peer into the call; only a professional in
// the call may.
func (h *hub) admit(m *member, peer string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := m.room
	if r == nil {
		return nil
	}
	if m.role != sotepe.VideoProfessional || !m.admitted {
		return badMessage("only a professional admits")
	}
	p := r.members[peer]
	if p == nil || p.admitted {
		return nil
	}
	if p.remote {
		// Its process lets it in and tells everyone (presence).
		h.publish(sotepe.VideoEvent{Kind: sotepe.VideoAdmitEvent, Appointment: r.appt, Member: peer})
		return nil
	}
	h.admitLocal(r, p)
	return nil
}

// admitLocal lets p, a waiting participant of this process, into the call.
func (h *hub) admitLocal(r *room, p *member) {
	p.admitted = true
	r.admitted[p.key] = true
	h.enterCall(r, p)
	h.announce(r)
	h.settle(r)
	h.publish(h.presence(r))
}

// connected records that m's connection with peer is up, and reports
// whether this made the room's call held for the first time: both sides of
// a pair of the resident's side and a professional reported it.
func (h *hub) connected(m *member, peer string) (first bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := m.room
	if r == nil {
		return false, nil
	}
	p := r.members[peer]
	if p == nil || p == m || !p.admitted || !m.admitted {
		return false, nil
	}
	if p.remote {
		h.publish(sotepe.VideoEvent{Kind: sotepe.VideoConnectedEvent, Appointment: r.appt, From: m.id, To: p.id})
	}
	return r.report(m, p), nil
}

// report records that m reported its connection with p up, and reports
// whether this made the room's call held for the first time (in this
// process: the process of each side records it).
func (r *room) report(m, p *member) bool {
	k := pairKey(m.id, p.id)
	if r.reported[k] == nil {
		r.reported[k] = map[string]bool{}
	}
	r.reported[k][m.id] = true
	call := (m.resident() && p.role == sotepe.VideoProfessional) || (p.resident() && m.role == sotepe.VideoProfessional)
	if !call || r.held || !r.reported[k][p.id] {
		return false
	}
	r.held = true
	return true
}

// unheld forgets that the room's call was held, so that the next report
// records it again (after recording it failed).
func (h *hub) unheld(appt int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[appt]; r != nil {
		r.held = false
	}
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "/" + b
}
