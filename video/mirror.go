package video

import (
	"slices"
	"time"

	"sotepe"
)

// Rooms across processes. Each participant belongs to the process it is
// connected to; the others keep a mirror of it (member.remote) from the
// presence its process publishes: when it enters, when it is admitted,
// and every heartbeat. A process tells its own participants what happens
// in the room as if everyone were connected to it, from its own
// participants and the mirrors; what concerns another process's
// participant (a signal to it, admitting it) goes to that process as an
// event. A mirror no presence mentioned for a while (a process that died)
// is dropped as if it had left.

// maxOutbox bounds the events queued for the other processes (while the
// database is slow, or Run does not run); beyond it events are dropped,
// and the next heartbeat's presence puts the members right.
const maxOutbox = 4096

// publish queues e for the other processes, when there are any.
func (h *hub) publish(e sotepe.VideoEvent) {
	if !h.bus {
		return
	}
	if len(h.outbox) >= maxOutbox {
		h.dropped++
		return
	}
	h.outbox = append(h.outbox, e)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// take returns the queued events and how many were dropped since
// the last take, emptying the queue.
func (h *hub) take() ([]sotepe.VideoEvent, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out, dropped := h.outbox, h.dropped
	h.outbox, h.dropped = nil, 0
	return out, dropped
}

// presence is the event telling the other processes who of this process
// is in r, and whom r admitted.
func (h *hub) presence(r *room) sotepe.VideoEvent {
	e := sotepe.VideoEvent{Kind: sotepe.VideoPresence, Appointment: r.appt, Closes: r.closes, Members: []sotepe.VideoParticipant{}}
	for _, m := range r.members {
		if !m.remote {
			e.Members = append(e.Members, sotepe.VideoParticipant{ID: m.id, Key: m.key, Role: m.role, Name: m.name,
				Admitted: m.admitted, Joined: m.joined, InCall: m.inCall})
		}
	}
	for k := range r.admitted {
		e.Admitted = append(e.Admitted, k)
	}
	slices.Sort(e.Admitted)
	return e
}

// local reports whether r has participants of this process.
func (r *room) local() bool {
	for _, m := range r.members {
		if !m.remote {
			return true
		}
	}
	return false
}

// drop takes mirror m out of r, telling those of this process in the
// call that it left; the caller announces.
func (h *hub) drop(r *room, m *member) {
	delete(r.members, m.id)
	if m.admitted {
		for _, p := range r.members {
			if p.admitted {
				p.send(sotepe.VideoMessage{Type: sotepe.VideoLeft, Peer: m.id})
			}
		}
	}
}

// remoteEntered tells those of this process in the call that mirror m
// entered it: the one of each pair who entered later makes the offer, so
// those who entered before m are told it joined, and those after it
// (entries racing across processes) get it as a peer to offer to.
func (h *hub) remoteEntered(r *room, m *member) {
	for _, p := range r.members {
		if p.remote || !p.admitted {
			continue
		}
		if earlier(p, m) {
			p.send(sotepe.VideoMessage{Type: sotepe.VideoJoined, Peer: m.id})
		} else {
			p.send(sotepe.VideoMessage{Type: sotepe.VideoAdmitted, Peers: []string{m.id}})
		}
	}
}

// newer reports whether participant a joined after b, by the clocks of
// their processes and then by id.
func newer(a sotepe.VideoParticipant, b *member) bool {
	if !a.Joined.Equal(b.joined) {
		return a.Joined.After(b.joined)
	}
	return a.ID > b.id
}

// receive applies an event of another process, and returns the
// appointment whose call this made held (to record), or 0.
func (h *hub) receive(e sotepe.VideoEvent) (held int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Kind == sotepe.VideoEndEvent {
		h.endLocked(e.Appointment, e.Reason)
		return 0
	}
	if e.Kind == sotepe.VideoPresence {
		h.present(e)
		return 0
	}
	r := h.rooms[e.Appointment]
	if r == nil {
		return 0
	}
	switch e.Kind {
	case sotepe.VideoGone:
		if m := r.members[e.Member]; m != nil && m.remote {
			h.drop(r, m)
			h.announce(r)
			h.settle(r)
		}
	case sotepe.VideoAdmitEvent:
		if m := r.members[e.Member]; m != nil && !m.remote && !m.admitted {
			h.admitLocal(r, m)
		}
	case sotepe.VideoSignalEvent:
		if len(e.Data) > sotepe.MaxVideoSignal {
			return 0
		}
		if m := r.members[e.To]; m != nil && !m.remote && m.admitted {
			m.send(sotepe.VideoMessage{Type: sotepe.VideoSignal, From: e.From, Data: e.Data})
			h.settle(r)
		}
	case sotepe.VideoConnectedEvent:
		from, to := r.members[e.From], r.members[e.To]
		if from != nil && from.remote && from.admitted && to != nil && !to.remote && to.admitted && r.report(from, to) {
			return r.appt
		}
	}
	return 0
}

// present applies the presence of another process: its participants of
// the room, as mirrors (new ones, admitted ones, and those it no longer
// has, who are gone), and the keys it knows were admitted. Where the same
// key is here too, the newer connection stays. When it told of someone
// new, this process answers with its own presence, so that a process
// newly in the room learns everyone at once.
func (h *hub) present(e sotepe.VideoEvent) {
	r := h.rooms[e.Appointment]
	if r == nil {
		if !e.Closes.After(h.now()) {
			return
		}
		r = h.room(e.Appointment, e.Closes)
	}
	now := h.clock()
	learnt, changed := false, false
	for _, k := range e.Admitted {
		r.admitted[k] = true
	}
	listed := map[string]bool{}
	for _, p := range e.Members {
		listed[p.ID] = true
		if m := r.members[p.ID]; m != nil {
			if !m.remote {
				continue
			}
			m.seen, m.origin = now, e.Origin
			if p.Admitted && !m.admitted {
				m.admitted, m.inCall = true, p.InCall
				r.admitted[m.key] = true
				h.remoteEntered(r, m)
				changed = true
			}
			continue
		}
		stale := false
		for _, old := range r.members {
			if old.key != p.Key {
				continue
			}
			switch {
			case !newer(p, old):
				// An older connection of a key this room has newer: the
				// answer tells its process of the newer one.
				stale, learnt = true, learnt || !old.remote
			case old.remote:
				h.drop(r, old)
			default:
				h.remove(r, old, sotepe.VideoEndReplaced)
			}
		}
		if stale {
			continue
		}
		m := &member{id: p.ID, key: p.Key, role: p.Role, name: p.Name, admitted: p.Admitted, joined: p.Joined, inCall: p.InCall,
			room: r, closed: true, remote: true, origin: e.Origin, seen: now}
		r.members[m.id] = m
		if m.admitted {
			r.admitted[m.key] = true
			h.remoteEntered(r, m)
		}
		learnt, changed = true, true
	}
	for _, m := range r.members {
		if m.remote && m.origin == e.Origin && !listed[m.id] {
			h.drop(r, m)
			changed = true
		}
	}
	// Whom another process knows admitted waits no longer here either.
	for _, m := range r.members {
		if !m.remote && !m.admitted && r.admitted[m.key] {
			h.admitLocal(r, m)
			changed = false // admitLocal announced
		}
	}
	if changed {
		h.announce(r)
		h.settle(r)
	}
	if learnt && r.local() {
		h.publish(h.presence(r))
	}
}

// endEverywhere ends the room of appointment appt here, everyone out with
// reason, and tells the other processes to end it too.
func (h *hub) endEverywhere(appt int64, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endLocked(appt, reason)
	h.publish(sotepe.VideoEvent{Kind: sotepe.VideoEndEvent, Appointment: appt, Reason: reason})
}

// heartbeat queues the presence of every room with participants of this
// process, and drops the mirrors no presence mentioned for longer than
// expire.
func (h *hub) heartbeat(expire time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	before := h.clock().Add(-expire)
	for _, r := range h.rooms {
		gone := false
		for _, m := range r.members {
			if m.remote && m.seen.Before(before) {
				h.drop(r, m)
				gone = true
			}
		}
		if gone {
			h.announce(r)
			h.settle(r)
		}
		if r.local() {
			h.publish(h.presence(r))
		}
	}
}
