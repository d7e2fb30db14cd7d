package storetest

import (
	"context"
	"crypto/sha256"
	"strconv"
	"sync"
	"testing"
	"time"

	"sotepe"
)

// bookVideo books a video slot at kallio starting at start for resident.
func (f apptFixture) bookVideo(t testing.TB, s Store, resident int64, start time.Time) sotepe.Appointment {
	t.Helper()
	sl := f.open(t, s, "nurse", start, sotepe.ModeVideo)
	a, err := s.Book(context.Background(), sotepe.Booking{SlotID: sl.ID, ResidentID: resident, Service: "nurse", Now: f.now})
	must(t, err)
	if a.VideoRoom == "" {
		t.Fatalf("a video booking without a room: %+v", a)
	}
	return a
}

func hashOf(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func testVideoInvites(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 2)
	anna := f.residents[0]
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	a := f.bookVideo(t, s, anna.ID, f.now.Add(48*time.Hour))
	inv := sotepe.VideoInvite{AppointmentID: a.ID, UnitID: kallio, Role: sotepe.VideoInterpreter, CreatedBy: f.nurse.ID,
		CreatedAt: f.now, ExpiresAt: a.End}

	bad := inv
	bad.Role = "doctor"
	_, err := s.SaveVideoInvite(nurseCtx, bad, hashOf("bad"))
	wantKey(t, err, sotepe.EInvalid, "video.error.role")
	missing := inv
	missing.AppointmentID = a.ID + 1000
	_, err = s.SaveVideoInvite(nurseCtx, missing, hashOf("missing"))
	wantCode(t, err, sotepe.EInvalid)

	saved, err := s.SaveVideoInvite(nurseCtx, inv, hashOf("token-1"))
	must(t, err)
	if saved.ID == 0 || saved.Used || !saved.ExpiresAt.Equal(a.End) {
		t.Fatalf("saved %+v", saved)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'video.invite' AND resident_id = $1 AND actor_id = $2`, anna.ID, f.nurse.ID); n != 1 {
		t.Errorf("%d audit rows of the invitation", n)
	}
	// Only the hash is stored.
	if n := count(t, s, `SELECT COUNT(*) FROM video_invites WHERE token_hash = $1`, hashOf("token-1")); n != 1 {
		t.Errorf("the token's hash is stored %d times", n)
	}
	got, err := s.VideoInviteByToken(ctx, hashOf("token-1"))
	must(t, err)
	if got.ID != saved.ID || got.Role != sotepe.VideoInterpreter || got.Used {
		t.Fatalf("by token %+v", got)
	}
	_, err = s.VideoInviteByToken(ctx, hashOf("token-2"))
	wantCode(t, err, sotepe.ENotFound)

	// Of twenty redemptions racing for the invite exactly one wins.
	var wg sync.WaitGroup
	wins := make([]sotepe.VideoInvite, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			wins[i], errs[i] = s.RedeemVideoInvite(ctx, hashOf("token-1"), hashOf("key-"+string(rune('a'+i))), f.now)
		})
	}
	wg.Wait()
	winner := soleWinner(t, "redemption", errs, sotepe.ENotFound, "")
	if w := wins[winner]; !w.Used || !w.UsedAt.Equal(f.now) || w.ID != saved.ID {
		t.Fatalf("redeemed %+v", w)
	}
	guest, err := s.VideoGuest(ctx, saved.ID, hashOf("key-"+string(rune('a'+winner))))
	must(t, err)
	if guest.ID != saved.ID || guest.AppointmentID != a.ID || guest.UnitID != kallio {
		t.Fatalf("guest %+v", guest)
	}
	_, err = s.VideoGuest(ctx, saved.ID, hashOf("key-"+string(rune('a'+(winner+1)%20))))
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.RedeemVideoInvite(ctx, hashOf("token-1"), hashOf("again"), f.now)
	wantCode(t, err, sotepe.ENotFound)

	// An expired invitation is not redeemed.
	old := inv
	old.Role, old.ExpiresAt = sotepe.VideoGuardian, f.now.Add(-time.Minute)
	oldSaved, err := s.SaveVideoInvite(nurseCtx, old, hashOf("token-old"))
	must(t, err)
	_, err = s.RedeemVideoInvite(ctx, hashOf("token-old"), hashOf("k"), f.now)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.VideoGuest(ctx, oldSaved.ID, nil)
	wantCode(t, err, sotepe.ENotFound)

	list, err := s.VideoInvites(ctx, a.ID)
	must(t, err)
	if len(list) != 2 || list[0].ID != oldSaved.ID || list[1].ID != saved.ID || !list[1].Used || list[0].Used {
		t.Fatalf("invites %+v", list)
	}
}

func testVideoSwitchToPhone(t *testing.T, s Store) {
	ctx := context.Background()
	f := seedAppts(t, s, 2)
	anna, bo := f.residents[0], f.residents[1]
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	a := f.bookVideo(t, s, anna.ID, f.now.Add(48*time.Hour))
	own := sotepe.AppointmentScope{ResidentID: anna.ID}

	_, err := s.SwitchToPhone(ctx, a.ID, sotepe.AppointmentScope{ResidentID: bo.ID}, f.now)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.SwitchToPhone(nurseCtx, a.ID, sotepe.AppointmentScope{Units: []string{"vuosaari-dental"}}, f.now)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.SwitchToPhone(ctx, a.ID, sotepe.AppointmentScope{}, f.now)
	wantCode(t, err, sotepe.ENotFound)
	// After its end it is too late.
	_, err = s.SwitchToPhone(ctx, a.ID, own, a.End)
	wantKey(t, err, sotepe.EConflict, "video.error.not_video")

	p, err := s.SwitchToPhone(residentCtx(f.users[0]), a.ID, own, f.now)
	must(t, err)
	if p.Mode != sotepe.ModePhone || p.VideoRoom != "" || p.Status != sotepe.AppointmentBooked {
		t.Fatalf("switched %+v", p)
	}
	got, err := s.Appointment(ctx, a.ID, own)
	must(t, err)
	if got.Mode != sotepe.ModePhone || got.VideoRoom != "" {
		t.Fatalf("read back %+v", got)
	}
	_, err = s.AppointmentByRoom(ctx, a.VideoRoom, own)
	wantCode(t, err, sotepe.ENotFound)
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.phone' AND resident_id = $1`, anna.ID); n != 1 {
		t.Errorf("%d audit rows of the switch", n)
	}
	_, err = s.SwitchToPhone(ctx, a.ID, own, f.now)
	wantKey(t, err, sotepe.EConflict, "video.error.not_video")

	// Staff of the unit switch one too, and read it in doing so.
	b := f.bookVideo(t, s, bo.ID, f.now.Add(50*time.Hour))
	p, err = s.SwitchToPhone(nurseCtx, b.ID, sotepe.AppointmentScope{Units: []string{kallio}}, f.now)
	must(t, err)
	if p.Mode != sotepe.ModePhone {
		t.Fatalf("staff's switch %+v", p)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.read' AND resident_id = $1 AND actor_id = $2`, bo.ID, f.nurse.ID); n != 1 {
		t.Errorf("%d audit rows of the staff's read", n)
	}
	// An appointment in person is no video appointment; neither is a
	// cancelled one.
	sl := f.open(t, s, "nurse", f.now.Add(52*time.Hour), sotepe.ModeInPerson)
	c, err := s.Book(ctx, sotepe.Booking{SlotID: sl.ID, ResidentID: anna.ID, Service: "nurse", Now: f.now})
	must(t, err)
	_, err = s.SwitchToPhone(ctx, c.ID, own, f.now)
	wantKey(t, err, sotepe.EConflict, "video.error.not_video")
	d := f.bookVideo(t, s, anna.ID, f.now.Add(54*time.Hour))
	_, err = s.CancelAppointment(ctx, d.ID, own, f.now, time.Hour)
	must(t, err)
	_, err = s.SwitchToPhone(ctx, d.ID, own, f.now)
	wantKey(t, err, sotepe.EConflict, "video.error.not_video")
}

func testVideoCallsCount(t *testing.T, s Store) {
	f := seedAppts(t, s, 2)
	anna, bo := f.residents[0], f.residents[1]
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	held := f.bookVideo(t, s, anna.ID, f.now.Add(48*time.Hour))
	silent := f.bookVideo(t, s, bo.ID, f.now.Add(49*time.Hour))

	wantCode(t, s.RecordVideoCall(context.Background(), silent.ID+1000, f.now), sotepe.ENotFound)
	first := held.Start.Add(-time.Minute)
	must(t, s.RecordVideoCall(context.Background(), held.ID, first))
	must(t, s.RecordVideoCall(context.Background(), held.ID, held.Start.Add(5*time.Minute)))
	if n := count(t, s, `SELECT COUNT(*) FROM appointments WHERE id = $1 AND video_call_at = $2`, held.ID, micros(first)); n != 1 {
		t.Errorf("the first call does not count as the call")
	}
	for _, a := range []sotepe.Appointment{held, silent} {
		_, err := s.MarkAppointment(nurseCtx, a.ID, []string{kallio}, sotepe.AppointmentCompleted, a.End)
		must(t, err)
	}
	// The held call: a video visit and a video appointment.
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.appointment' AND external_id = $1 AND mode = 'video'`, itoa(held.ID)); n != 1 {
		t.Errorf("%d video visits of the held call", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.video' AND external_id = $1 AND mode = 'video' AND statistic = $2`,
		itoa(held.ID), sotepe.StatPortalVideoAppointments); n != 1 {
		t.Errorf("%d video appointments of the held call", n)
	}
	// No call: the visit counts by phone, and no video appointment.
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.appointment' AND external_id = $1 AND mode = 'phone'`, itoa(silent.ID)); n != 1 {
		t.Errorf("%d phone visits of the appointment without a call", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE source = 'sotepe.video' AND external_id = $1`, itoa(silent.ID)); n != 0 {
		t.Errorf("%d video appointments counted without a call", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE statistic = $1`, sotepe.StatPortalVideoAppointments); n != 1 {
		t.Errorf("%d video appointments in all, want 1", n)
	}
}
