package video

import (
	"testing"
	"testing/synctest"
	"time"

	"sotepe"
)

// pump passes the events from queued for the other processes to to, as
// the bus would, with from's name as their origin.
func pump(from, to *hub, origin string) {
	events, _ := from.take()
	for _, e := range events {
		e.Origin = origin
		to.receive(e)
	}
}

func busHub() *hub {
	h := newHub(time.Now)
	h.bus = true
	return h
}

// TestMirrorsRaceReplaceExpire runs two hubs as two processes, passing
// their events by hand: two professionals entering the call at once on
// both find each other, exactly one of them making the offer; a newer
// connection of anna on one process replaces hers on the other; a process
// that falls silent is gone from the other's room after Expire.
func TestMirrorsRaceReplaceExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h1, h2 := busHub(), busHub()
		end := time.Now().Add(time.Hour)
		nurse := newMember("u2/professional", sotepe.VideoProfessional, "Hanna")
		doctor := newMember("u3/professional", sotepe.VideoProfessional, "Tohtori")
		h1.enter(1, end, nurse, sotepe.VideoMessage{})
		time.Sleep(time.Millisecond)
		h2.enter(1, end, doctor, sotepe.VideoMessage{})
		drain(nurse)
		drain(doctor)
		// Neither knew the other when entering; now they learn.
		pump(h1, h2, "p1")
		pump(h2, h1, "p2")
		pump(h1, h2, "p1")
		pump(h2, h1, "p2")
		// The doctor entered later: the doctor offers, the nurse waits.
		var nurseOffers, doctorOffers, nurseJoined bool
		for _, m := range drain(nurse) {
			nurseOffers = nurseOffers || m.Type == sotepe.VideoAdmitted
			nurseJoined = nurseJoined || m.Type == sotepe.VideoJoined && m.Peer == doctor.id
		}
		for _, m := range drain(doctor) {
			doctorOffers = doctorOffers || m.Type == sotepe.VideoAdmitted && len(m.Peers) == 1 && m.Peers[0] == nurse.id
		}
		if nurseOffers || !doctorOffers || !nurseJoined {
			t.Fatalf("nurse offers %v (joined %v), doctor offers %v", nurseOffers, nurseJoined, doctorOffers)
		}

		// Anna waits on the first process, then joins on the second.
		anna := newMember("u1/resident", sotepe.VideoResident, "Anna")
		h1.enter(1, end, anna, sotepe.VideoMessage{})
		pump(h1, h2, "p1")
		pump(h2, h1, "p2")
		time.Sleep(time.Second)
		again := newMember("u1/resident", sotepe.VideoResident, "Anna")
		h2.enter(1, end, again, sotepe.VideoMessage{})
		pump(h2, h1, "p2")
		msgs := drain(anna)
		if len(msgs) == 0 || msgs[len(msgs)-1].Type != sotepe.VideoEnd || msgs[len(msgs)-1].Reason != sotepe.VideoEndReplaced || !anna.closed {
			t.Fatalf("anna's first connection got %+v", msgs)
		}
		// An old heartbeat of the replaced connection does not bring it back.
		h1.mu.Lock()
		stale := h1.presence(h1.rooms[1])
		h1.mu.Unlock()
		stale.Members = append(stale.Members, sotepe.VideoParticipant{ID: anna.id, Key: anna.key, Role: anna.role, Joined: anna.joined})
		stale.Origin = "p1"
		h2.receive(stale)
		h2.mu.Lock()
		_, back := h2.rooms[1].members[anna.id]
		h2.mu.Unlock()
		if back {
			t.Fatal("the replaced connection is back in the second process's room")
		}
		pump(h1, h2, "p1")
		pump(h2, h1, "p2")

		// The second process falls silent; the first keeps beating.
		drain(nurse)
		const expire = 3 * time.Second
		for range 4 {
			time.Sleep(time.Second)
			h1.heartbeat(expire)
			h1.take()
		}
		var left bool
		for _, m := range drain(nurse) {
			left = left || m.Type == sotepe.VideoLeft && m.Peer == doctor.id
		}
		if !left {
			t.Fatal("the silent process's doctor did not leave the nurse's room")
		}
		h1.mu.Lock()
		n := len(h1.rooms[1].members)
		h1.mu.Unlock()
		if n != 1 {
			t.Fatalf("%d members in the first process's room, want the nurse", n)
		}
		h1.end(1, sotepe.VideoEndClosed)
		h2.end(1, sotepe.VideoEndClosed)
	})
}
