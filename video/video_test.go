package video_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"sotepe"
	"sotepe/booking"
	"sotepe/internal/testenv"
	"sotepe/video"
)

// fixture is the video service over the booking service and a real store
// (SQLite, or PostgreSQL within testenv.Engines) with the demo network,
// people and times; anna holds the first video time of the Kallio health
// station, and the clock stands five minutes before its room opens.
type fixture struct {
	env   *testenv.Env
	svc   *video.Service
	appts *booking.Service
	appt  sotepe.Appointment
	// ice records the calls for ICE servers: appointment and expiry.
	ice []time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, testenv.EngineOf(t))
}

// newFixtureOn is newFixture on engine.
func newFixtureOn(t *testing.T, engine testenv.Engine) *fixture {
	t.Helper()
	env := testenv.New(t, engine)
	env.LoadAppointments(t)
	appts, err := booking.New(booking.Config{Store: env.Store, Location: env.Location, Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: env, appts: appts}
	f.svc = video.New(video.Config{Store: env.Store, Appointments: appts, Now: env.Clock.Now,
		ICE: func(id int64, expires time.Time) []sotepe.ICEServer {
			f.ice = append(f.ice, expires)
			return []sotepe.ICEServer{{URLs: []string{"turn:192.0.2.1:3478?transport=udp"}, Username: "u", Credential: "p"}}
		}})
	ctx := context.Background()
	page, err := appts.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"}, Mode: sotepe.ModeVideo})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no video times: %v", err)
	}
	if f.appt, err = appts.Book(ctx, env.User(t, "anna"), page.Items[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(f.appt.Start.Add(-sotepe.VideoOpensBefore - 5*time.Minute))
	return f
}

// recv returns the next message of c that is not a list of members.
func recv(t *testing.T, c sotepe.VideoConn) sotepe.VideoMessage {
	t.Helper()
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				t.Fatal("the room closed the connection")
			}
			if m.Type != sotepe.VideoMembers {
				return m
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no message")
		}
	}
}

func TestJoinAdmitAndCount(t *testing.T) { testenv.Engines(t, testJoinAdmitAndCount) }

// testJoinAdmitAndCount: only anna and the unit's staff join, only while
// the room is open; the nurse admits anna, both report the connection up,
// and completing the visit counts a video appointment.
func testJoinAdmitAndCount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, erik, nurse, analyst := f.env.User(t, "anna"), f.env.User(t, "erik"), f.env.User(t, "nurse"), f.env.User(t, "analyst")
	id := f.appt.ID

	for _, u := range []sotepe.User{erik, analyst} {
		_, err := f.svc.Join(ctx, u, id)
		testenv.Code(t, err, sotepe.ENotFound)
		_, err = f.svc.Room(ctx, u, id)
		testenv.Code(t, err, sotepe.ENotFound)
	}
	// Too early: the room opens 15 minutes before the start.
	_, err := f.svc.Join(ctx, anna, id)
	if sotepe.ErrorKey(err) != "video.error.closed" {
		t.Fatalf("joining early: %v", err)
	}
	room, err := f.svc.Room(ctx, anna, id)
	if err != nil || room.Open || room.Role != sotepe.VideoResident || !room.Opens.Equal(f.appt.Start.Add(-15*time.Minute)) || !room.Relay || room.Invites != nil {
		t.Fatalf("anna's room %+v, %v", room, err)
	}
	f.env.Clock.Add(6 * time.Minute)

	a, err := f.svc.Join(ctx, anna, id)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Leave()
	w := recv(t, a)
	if w.Type != sotepe.VideoWelcome || w.Admitted || w.Role != sotepe.VideoResident || len(w.ICEServers) != 1 {
		t.Fatalf("anna's welcome %+v", w)
	}
	if len(f.ice) != 1 || !f.ice[0].Equal(f.appt.End.Add(video.TURNGrace)) {
		t.Fatalf("TURN credentials until %v", f.ice)
	}
	// Her entry shows in the calendar.
	got, err := f.appts.Get(ctx, anna, id)
	if err != nil || got.JoinedAt.IsZero() {
		t.Fatalf("anna's entry was not recorded: %+v, %v", got, err)
	}

	n, err := f.svc.Join(ctx, nurse, id)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Leave()
	if w := recv(t, n); !w.Admitted || w.Role != sotepe.VideoProfessional {
		t.Fatalf("the nurse's welcome %+v", w)
	}
	recv(t, n) // admitted, with no one in the call yet
	if err := n.Send(ctx, sotepe.VideoMessage{Type: sotepe.VideoAdmit, Peer: w.You}); err != nil {
		t.Fatal(err)
	}
	adm := recv(t, a)
	if adm.Type != sotepe.VideoAdmitted || len(adm.Peers) != 1 {
		t.Fatalf("anna admitted with %+v", adm)
	}
	if j := recv(t, n); j.Type != sotepe.VideoJoined || j.Peer != w.You {
		t.Fatalf("the nurse is told %+v", j)
	}
	nurseID := adm.Peers[0]
	if err := a.Send(ctx, sotepe.VideoMessage{Type: sotepe.VideoSignal, To: nurseID, Data: json.RawMessage(`{"sdp":{"type":"offer"}}`)}); err != nil {
		t.Fatal(err)
	}
	if s := recv(t, n); s.Type != sotepe.VideoSignal || s.From != w.You {
		t.Fatalf("relayed %+v", s)
	}
	if err := a.Send(ctx, sotepe.VideoMessage{Type: "record"}); sotepe.ErrorKey(err) != "video.error.message" {
		t.Fatalf("an unknown message: %v", err)
	}
	for _, c := range []struct {
		conn sotepe.VideoConn
		peer string
	}{{a, nurseID}, {n, w.You}} {
		if err := c.conn.Send(ctx, sotepe.VideoMessage{Type: sotepe.VideoConnected, Peer: c.peer}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Check(ctx); err != nil {
		t.Fatalf("anna's check in her room: %v", err)
	}
	if _, err := f.appts.Mark(ctx, nurse, id, sotepe.AppointmentCompleted); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := f.env.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.video' AND statistic = $1 AND mode = 'video'`,
		sotepe.StatPortalVideoAppointments).Scan(&count); err != nil || count != 1 {
		t.Fatalf("%d video appointments counted (%v)", count, err)
	}
	// Completed, the room is no place to be: the next check takes her out.
	if err := a.Check(ctx); sotepe.ErrorKey(err) != "video.error.closed" {
		t.Fatalf("the check after completion: %v", err)
	}
	if m := recv(t, a); m.Type != sotepe.VideoEnd || m.Reason != sotepe.VideoEndClosed {
		t.Fatalf("anna is told %+v", m)
	}
}

func TestInvitationsAndCallMeInstead(t *testing.T) {
	testenv.Engines(t, testInvitationsAndCallMeInstead)
}

// testInvitationsAndCallMeInstead: the nurse invites an interpreter, whose
// link works once; anna asks to be called instead, and the room ends.
func testInvitationsAndCallMeInstead(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	anna, nurse, erik := f.env.User(t, "anna"), f.env.User(t, "nurse"), f.env.User(t, "erik")
	id := f.appt.ID

	_, err := f.svc.Invite(ctx, anna, id, sotepe.VideoInterpreter)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Invite(ctx, erik, id, sotepe.VideoInterpreter)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Invite(ctx, nurse, id, "doctor")
	testenv.Code(t, err, sotepe.EInvalid)
	inv, err := f.svc.Invite(ctx, nurse, id, sotepe.VideoInterpreter)
	if err != nil || inv.Token == "" || inv.Role != sotepe.VideoInterpreter || !inv.ExpiresAt.Equal(f.appt.End) {
		t.Fatalf("invite %+v, %v", inv, err)
	}
	room, err := f.svc.Room(ctx, nurse, id)
	if err != nil || len(room.Invites) != 1 || room.Invites[0].Token != "" || room.Invites[0].Used {
		t.Fatalf("the nurse's room %+v, %v", room.Invites, err)
	}
	g, err := f.svc.Invitation(ctx, inv.Token)
	if err != nil || g.Invite.ID != inv.ID || !g.Start.Equal(f.appt.Start) || g.Open {
		t.Fatalf("the invitation %+v, %v", g, err)
	}
	_, err = f.svc.Invitation(ctx, inv.Token+"x")
	testenv.Code(t, err, sotepe.ENotFound)
	redeemed, key, err := f.svc.Redeem(ctx, inv.Token)
	if err != nil || key == "" || redeemed.ID != inv.ID {
		t.Fatalf("redeem %+v %q %v", redeemed, key, err)
	}
	// Single use.
	_, _, err = f.svc.Redeem(ctx, inv.Token)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Invitation(ctx, inv.Token)
	testenv.Code(t, err, sotepe.ENotFound)
	if _, err := f.svc.GuestRoom(ctx, inv.ID, key); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GuestRoom(ctx, inv.ID, key+"x")
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.JoinAsGuest(ctx, inv.ID, key)
	if sotepe.ErrorKey(err) != "video.error.closed" {
		t.Fatalf("the guest joins early: %v", err)
	}

	f.env.Clock.Add(10 * time.Minute)
	guest, err := f.svc.JoinAsGuest(ctx, inv.ID, key)
	if err != nil {
		t.Fatal(err)
	}
	defer guest.Leave()
	if w := recv(t, guest); w.Admitted || w.Role != sotepe.VideoInterpreter {
		t.Fatalf("the interpreter's welcome %+v", w)
	}
	if err := guest.Check(ctx); err != nil {
		t.Fatalf("the guest's check: %v", err)
	}
	a, err := f.svc.Join(ctx, anna, id)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Leave()
	recv(t, a)

	p, err := f.svc.CallMeInstead(ctx, anna, id)
	if err != nil || p.Mode != sotepe.ModePhone {
		t.Fatalf("call me instead: %+v, %v", p, err)
	}
	for _, c := range []sotepe.VideoConn{a, guest} {
		if m := recv(t, c); m.Type != sotepe.VideoEnd || m.Reason != sotepe.VideoEndPhone {
			t.Fatalf("after the switch %+v", m)
		}
	}
	if rooms, participants := f.svc.Rooms(); rooms != 0 || participants != 0 {
		t.Fatalf("%d rooms, %d participants after the switch", rooms, participants)
	}
	_, err = f.svc.Join(ctx, anna, id)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.JoinAsGuest(ctx, inv.ID, key)
	testenv.Code(t, err, sotepe.EConflict)
}

// TestActingJoinsForThePrincipal: while acting, the request's user is the
// principal (web's Acting service makes it so): the delegate joins the
// principal's room as its resident under their own name, and not their
// own appointment's room as the principal.
func TestActingJoinsForThePrincipal(t *testing.T) {
	testenv.Envs(t, func(t *testing.T, env *testenv.Env) {
		env.LoadAppointments(t)
		appts, err := booking.New(booking.Config{Store: env.Store, Location: env.Location, Now: env.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		svc := video.New(video.Config{Store: env.Store, Appointments: appts, Now: env.Clock.Now})
		ctx := context.Background()
		anna, erik, nurse := env.User(t, "anna"), env.User(t, "erik"), env.User(t, "nurse")
		// anna acting for erik (the mandate is the acting service's business).
		acting := anna
		acting.ResidentID = erik.ResidentID
		acting.Acting = &sotepe.Acting{Principal: sotepe.Principal{ResidentID: erik.ResidentID, Name: erik.Name}, DelegateResidentID: anna.ResidentID, DelegateName: anna.Name}
		page, err := appts.Search(ctx, nil, sotepe.SlotFilter{Service: "health-station-nurse", Units: []string{"kallio-health-station"}, Mode: sotepe.ModeVideo})
		if err != nil || len(page.Items) == 0 {
			t.Fatalf("no video times: %v", err)
		}
		a, err := appts.Book(ctx, acting, page.Items[0].ID, "")
		if err != nil || a.ResidentID != erik.ResidentID {
			t.Fatalf("booked for erik: %+v, %v", a, err)
		}
		env.Clock.Set(a.Start.Add(-time.Minute))
		_, err = svc.Join(ctx, anna, a.ID)
		testenv.Code(t, err, sotepe.ENotFound)
		c, err := svc.Join(ctx, acting, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Leave()
		if w := recv(t, c); w.Role != sotepe.VideoResident || w.Admitted {
			t.Fatalf("the delegate's welcome %+v", w)
		}
		n, err := svc.Join(ctx, nurse, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer n.Leave()
		var ms sotepe.VideoMessage
		for ms.Type != sotepe.VideoMembers {
			ms = <-n.Messages()
		}
		if len(ms.Members) != 1 || ms.Members[0].Name != anna.Name || ms.Members[0].Role != sotepe.VideoResident {
			t.Fatalf("the nurse sees %+v", ms.Members)
		}
	})
}
