package video

import (
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"sotepe"
)

// next returns the next message queued for m, failing when there is none.
func next(t *testing.T, m *member) sotepe.VideoMessage {
	t.Helper()
	select {
	case msg, ok := <-m.out:
		if !ok {
			t.Fatalf("%s: the room closed the connection", m.role)
		}
		return msg
	default:
		t.Fatalf("%s: no message", m.role)
	}
	return sotepe.VideoMessage{}
}

// expect skips m's "members" messages and returns the next other one,
// which must be of type typ.
func expect(t *testing.T, m *member, typ string) sotepe.VideoMessage {
	t.Helper()
	for {
		msg := next(t, m)
		if msg.Type == sotepe.VideoMembers && typ != sotepe.VideoMembers {
			continue
		}
		if msg.Type != typ {
			t.Fatalf("%s got %+v, want %s", m.role, msg, typ)
		}
		return msg
	}
}

// drain returns the messages queued for m.
func drain(m *member) []sotepe.VideoMessage {
	var out []sotepe.VideoMessage
	for {
		select {
		case msg, ok := <-m.out:
			if !ok {
				return out
			}
			out = append(out, msg)
		default:
			return out
		}
	}
}

func lastMembers(t *testing.T, m *member) []sotepe.VideoMember {
	t.Helper()
	var got []sotepe.VideoMember
	seen := false
	for _, msg := range drain(m) {
		if msg.Type == sotepe.VideoMembers {
			got, seen = msg.Members, true
		}
	}
	if !seen {
		t.Fatalf("%s got no list of members", m.role)
	}
	return got
}

// TestRoomWaitAdmitSignal follows one call through the hub: the resident
// waits, the professional sees her and admits her, the offer and the
// answer pass, both report the connection up and the call counts once.
func TestRoomWaitAdmitSignal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHub(time.Now)
		end := time.Now().Add(20 * time.Minute)
		anna := newMember("u1/resident", sotepe.VideoResident, "Anna Virtanen")
		h.enter(7, end, anna, sotepe.VideoMessage{ICEServers: []sotepe.ICEServer{{URLs: []string{"turn:192.0.2.1:3478"}}}})
		w := expect(t, anna, sotepe.VideoWelcome)
		if w.Admitted || w.You != anna.id || len(w.ICEServers) != 1 {
			t.Fatalf("anna's welcome %+v", w)
		}
		if msgs := drain(anna); len(msgs) != 0 {
			t.Fatalf("a waiting resident is told %+v", msgs)
		}
		// Waiting, she may not signal.
		if err := h.signal(anna, "x", json.RawMessage(`{}`)); sotepe.ErrorKey(err) != "video.error.message" {
			t.Fatalf("a waiting resident's signal: %v", err)
		}

		nurse := newMember("u2/professional", sotepe.VideoProfessional, "Hanna Hoitaja")
		h.enter(7, end, nurse, sotepe.VideoMessage{})
		if w := expect(t, nurse, sotepe.VideoWelcome); !w.Admitted {
			t.Fatalf("the professional waits: %+v", w)
		}
		if a := expect(t, nurse, sotepe.VideoAdmitted); len(a.Peers) != 0 {
			t.Fatalf("peers of the professional %v", a.Peers)
		}
		ms := lastMembers(t, nurse)
		if len(ms) != 1 || ms[0].ID != anna.id || ms[0].Admitted || ms[0].Name != "Anna Virtanen" {
			t.Fatalf("the professional sees %+v", ms)
		}
		// Only a professional admits.
		if err := h.admit(anna, anna.id); sotepe.ErrorKey(err) != "video.error.message" {
			t.Fatalf("the resident admits herself: %v", err)
		}
		if err := h.admit(nurse, anna.id); err != nil {
			t.Fatal(err)
		}
		if a := expect(t, anna, sotepe.VideoAdmitted); len(a.Peers) != 1 || a.Peers[0] != nurse.id {
			t.Fatalf("anna admitted with %+v", a)
		}
		if j := expect(t, nurse, sotepe.VideoJoined); j.Peer != anna.id {
			t.Fatalf("the nurse is told %+v", j)
		}
		ms = lastMembers(t, anna)
		if len(ms) != 1 || ms[0].Name != "Hanna Hoitaja" || ms[0].Role != sotepe.VideoProfessional {
			t.Fatalf("anna sees %+v", ms)
		}
		drain(nurse)

		offer := json.RawMessage(`{"sdp":{"type":"offer","sdp":"v=0"}}`)
		if err := h.signal(anna, nurse.id, offer); err != nil {
			t.Fatal(err)
		}
		if s := expect(t, nurse, sotepe.VideoSignal); s.From != anna.id || string(s.Data) != string(offer) {
			t.Fatalf("relayed %+v", s)
		}
		for _, bad := range []json.RawMessage{nil, json.RawMessage(`{`), make(json.RawMessage, sotepe.MaxVideoSignal+1)} {
			if err := h.signal(anna, nurse.id, bad); sotepe.ErrorCode(err) != sotepe.EInvalid {
				t.Errorf("signal %.20q: %v", bad, err)
			}
		}
		// To someone who is not there: dropped.
		if err := h.signal(anna, "nobody", offer); err != nil {
			t.Fatal(err)
		}

		if first, _ := h.connected(anna, nurse.id); first {
			t.Fatal("one side's report made the call held")
		}
		if first, _ := h.connected(nurse, anna.id); !first {
			t.Fatal("both sides reported, and the call is not held")
		}
		if first, _ := h.connected(nurse, anna.id); first {
			t.Fatal("the call counted twice")
		}

		// An interpreter waits, unseen by anna, seen by the nurse.
		tulkki := newMember("i5", sotepe.VideoInterpreter, "")
		h.enter(7, end, tulkki, sotepe.VideoMessage{})
		expect(t, tulkki, sotepe.VideoWelcome)
		if ms := lastMembers(t, anna); len(ms) != 1 {
			t.Fatalf("anna sees the waiting interpreter: %+v", ms)
		}
		if ms := lastMembers(t, nurse); len(ms) != 2 {
			t.Fatalf("the nurse sees %+v", ms)
		}
		if first, _ := h.connected(nurse, tulkki.id); first {
			t.Fatal("a waiting interpreter's call counts")
		}

		// Anna's page reloads: the new connection replaces the old one and
		// is in the call at once, having been admitted.
		again := newMember("u1/resident", sotepe.VideoResident, "Anna Virtanen")
		h.enter(7, end, again, sotepe.VideoMessage{})
		msgs := drain(anna)
		if last := msgs[len(msgs)-1]; last.Type != sotepe.VideoEnd || last.Reason != sotepe.VideoEndReplaced {
			t.Fatalf("the replaced connection got %+v", msgs)
		}
		if _, ok := <-anna.out; ok {
			t.Fatal("the replaced connection stays open")
		}
		if w := expect(t, again, sotepe.VideoWelcome); !w.Admitted {
			t.Fatal("anna waits again after a reload")
		}
		if a := expect(t, again, sotepe.VideoAdmitted); len(a.Peers) != 1 || a.Peers[0] != nurse.id {
			t.Fatalf("after the reload anna offers to %v", a.Peers)
		}
		var left, joined bool
		for _, msg := range drain(nurse) {
			left = left || msg.Type == sotepe.VideoLeft && msg.Peer == anna.id
			joined = joined || msg.Type == sotepe.VideoJoined && msg.Peer == again.id
		}
		if !left || !joined {
			t.Fatalf("the nurse was not told of the reload (left %v, joined %v)", left, joined)
		}

		// The room closes at the end of the time.
		time.Sleep(time.Until(end) + time.Second)
		for _, m := range []*member{again, nurse, tulkki} {
			msgs := drain(m)
			if len(msgs) == 0 || msgs[len(msgs)-1].Type != sotepe.VideoEnd || msgs[len(msgs)-1].Reason != sotepe.VideoEndClosed {
				t.Fatalf("%s at the end got %+v", m.role, msgs)
			}
			if !m.closed {
				t.Fatalf("%s's connection stays open", m.role)
			}
		}
		if rooms, members := h.size(); rooms != 0 || members != 0 {
			t.Fatalf("%d rooms with %d members after the end", rooms, members)
		}
	})
}

// TestRoomSlowParticipant takes out a participant whose connection does not
// keep up, and tells the others.
func TestRoomSlowParticipant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHub(time.Now)
		end := time.Now().Add(time.Hour)
		nurse := newMember("u2/professional", sotepe.VideoProfessional, "Hanna")
		doctor := newMember("u3/professional", sotepe.VideoProfessional, "Tohtori")
		h.enter(1, end, nurse, sotepe.VideoMessage{})
		h.enter(1, end, doctor, sotepe.VideoMessage{})
		drain(nurse)
		// The doctor never reads.
		for range outBuffer + 1 {
			if err := h.signal(nurse, doctor.id, json.RawMessage(`{"candidate":"x"}`)); err != nil {
				t.Fatal(err)
			}
		}
		if !doctor.closed || doctor.room != nil {
			t.Fatal("the slow participant stays in the room")
		}
		var left bool
		for _, msg := range drain(nurse) {
			left = left || msg.Type == sotepe.VideoLeft && msg.Peer == doctor.id
		}
		if !left {
			t.Fatal("the others were not told that the slow one left")
		}
		h.leave(nurse)
		h.leave(nurse) // twice is harmless
		if _, members := h.size(); members != 0 {
			t.Fatalf("%d members after everyone left", members)
		}
		// The empty room stays until its end, remembering whom it admitted.
		if rooms, _ := h.size(); rooms != 1 {
			t.Fatalf("%d rooms", rooms)
		}
		time.Sleep(time.Until(end) + time.Second)
		if rooms, _ := h.size(); rooms != 0 {
			t.Fatalf("%d rooms after the end", rooms)
		}
	})
}
