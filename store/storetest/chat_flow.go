package storetest

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"sotepe"
)

// The chat tests of what happens after a chat is taken: transfers, ends,
// the sweeps, presence, the figures and the audit of staff reads (the
// fixture is in chat.go).

func testChatTransferAndEnd(t *testing.T, s Store) {
	f := seedChats(t, s, 1)
	c, _ := f.start(t, s, 0, nurseLine, f.t0)
	nurse := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	sys := func(key string) sotepe.ChatEvent { return sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: key} }
	taken := f.t0.Add(time.Minute)
	_, err := s.TakeChat(nurse, c.ID, f.nurse.ID, kallio, taken, sys("chat.system.taken"))
	must(t, err)

	// To a colleague: still active, the first take still counts.
	got, err := s.TransferChat(nurse, c.ID, nurseLine, f.nurse2.ID, kallio, sys("chat.system.transferred"))
	must(t, err)
	if got.Status != sotepe.ChatActive || got.ProfessionalID != f.nurse2.ID || got.ProfessionalName != f.nurse2.Name ||
		!got.TakenAt.Equal(taken) || got.LastEvent != 4 || got.ResidentName == "" {
		t.Fatalf("to a colleague = %+v", got)
	}
	// To another line's queue: waiting, without a professional.
	got, err = s.TransferChat(nurse, c.ID, dentalLine, 0, "", sys("chat.system.transferred"))
	must(t, err)
	if got.Status != sotepe.ChatWaiting || got.Line != dentalLine || got.ProfessionalID != 0 || got.UnitID != "" ||
		got.ProfessionalName != "" || got.Position != 1 || !got.TakenAt.Equal(taken) {
		t.Fatalf("to the dental queue = %+v", got)
	}
	dentist := staffCtx(f.dentist.ID, sotepe.RoleProfessional, vuosaari)
	_, err = s.TakeChat(dentist, c.ID, f.dentist.ID, vuosaari, taken.Add(time.Hour), sys("chat.system.taken"))
	must(t, err)
	_, err = s.TransferChat(dentist, c.ID, "no-such-line", 0, "", sys("chat.system.transferred"))
	wantCode(t, err, sotepe.EInvalid)

	// Answered once, at the unit that took it first: one chat contact,
	// however often it is taken again.
	day := f.t0.Add(-24 * time.Hour).Format(time.DateOnly)
	vols, err := s.EventVolumes(context.Background(), sotepe.VolumeQuery{From: day, To: f.t0.Add(48 * time.Hour).Format(time.DateOnly),
		GroupBy: []sotepe.VolumeDim{sotepe.VolumeUnit}, Statistics: []string{sotepe.StatChatContacts}})
	must(t, err)
	if len(vols) != 1 || vols[0].Unit != kallio || vols[0].Count != 1 {
		t.Fatalf("chat contacts after two takes = %+v, want 1 at %s", vols, kallio)
	}

	// A hand-over records its contact request.
	req, _, err := s.CreateContactRequest(residentCtx(f.accounts[0]), portal(f.residents[0].ID, "dental", vuosaari, f.t0, f.t0.Add(48*time.Hour)), "")
	must(t, err)
	_, err = s.EndChat(dentist, c.ID, sotepe.ChatActive, 0, time.Time{}, sys("chat.system.handed_over"))
	wantKey(t, err, sotepe.EInvalid, "error.status")
	ended := f.t0.Add(2 * time.Hour)
	got, err = s.EndChat(dentist, c.ID, sotepe.ChatHandedOver, req.ID, ended, sys("chat.system.handed_over"))
	must(t, err)
	if got.Status != sotepe.ChatHandedOver || got.ContactRequestID != req.ID || !got.EndedAt.Equal(ended) || got.ProfessionalID != f.dentist.ID {
		t.Fatalf("handed over = %+v", got)
	}
	events, err := s.ChatEvents(dentist, c.ID, dentalScope(), 0, 0)
	must(t, err)
	var statuses []sotepe.ChatStatus
	for _, e := range events {
		statuses = append(statuses, e.Status)
	}
	want := []sotepe.ChatStatus{"waiting", "waiting", "active", "active", "waiting", "active", "handed_over"}
	if !slices.Equal(statuses, want) || !events[6].At.Equal(ended) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}

	// An ended chat takes nothing more.
	_, err = s.AddChatEvent(residentCtx(f.accounts[0]), c.ID, message(f.accounts[0].ID, false, "Vielä yksi"))
	wantKey(t, err, sotepe.EConflict, "chat.error.ended")
	_, err = s.TakeChat(nurse, c.ID, f.nurse.ID, kallio, time.Time{}, sys("chat.system.taken"))
	wantKey(t, err, sotepe.EConflict, "chat.error.ended")
	_, err = s.TransferChat(nurse, c.ID, nurseLine, 0, "", sys("chat.system.transferred"))
	wantKey(t, err, sotepe.EConflict, "chat.error.ended")
	_, err = s.EndChat(nurse, c.ID, sotepe.ChatClosed, 0, time.Time{}, sys("chat.system.closed"))
	wantKey(t, err, sotepe.EConflict, "chat.error.ended")
	if k := count(t, s, `SELECT COUNT(*) FROM chat_events WHERE chat_id = $1`, c.ID); k != 7 {
		t.Fatalf("%d events after refusals, want 7", k)
	}
	for action, n := range map[string]int{"chat.take": 2, "chat.transfer": 2, sotepe.ActionChatEnd: 1} {
		if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object = $2 AND resident_id = $3`,
			action, "chat:"+strconv.FormatInt(c.ID, 10), f.residents[0].ID); k != n {
			t.Errorf("%d %s rows, want %d", k, action, n)
		}
	}
	_, err = s.EndChat(nurse, c.ID+100, sotepe.ChatClosed, 0, time.Time{}, sys("chat.system.closed"))
	wantCode(t, err, sotepe.ENotFound)
}

func testChatAbandon(t *testing.T, s Store) {
	f := seedChats(t, s, 4)
	var chats []sotepe.Chat
	for i := range 4 {
		c, _ := f.start(t, s, i, nurseLine, f.t0)
		chats = append(chats, c)
	}
	// 0 stays away; 1 is seen later; 2 is seen with an older instant,
	// which changes nothing; 3 is taken.
	must(t, s.SeeChat(context.Background(), chats[1].ID, f.t0.Add(9*time.Minute)))
	must(t, s.SeeChat(context.Background(), chats[2].ID, f.t0.Add(-time.Minute)))
	wantCode(t, s.SeeChat(context.Background(), chats[3].ID+100, f.t0), sotepe.ENotFound)
	_, err := s.TakeChat(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), chats[3].ID, f.nurse.ID, kallio, f.t0.Add(time.Minute),
		sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.taken"})
	must(t, err)

	at := f.t0.Add(11 * time.Minute)
	gone, err := s.AbandonChats(context.Background(), at.Add(-sotepe.ChatReturnWindow), at)
	must(t, err)
	if len(gone) != 2 || gone[0].ID != chats[0].ID || gone[1].ID != chats[2].ID {
		t.Fatalf("abandoned = %+v", gone)
	}
	for _, c := range gone {
		if c.Status != sotepe.ChatAbandoned || !c.EndedAt.Equal(at) || c.LastEvent != 3 {
			t.Fatalf("abandoned chat = %+v", c)
		}
		events, err := s.ChatEvents(context.Background(), c.ID, nurseScope(), 2, 0)
		must(t, err)
		if len(events) != 1 || events[0].Kind != sotepe.ChatSystem || events[0].Key != "chat.system.abandoned" ||
			events[0].Status != sotepe.ChatAbandoned || !events[0].At.Equal(at) {
			t.Fatalf("abandon event = %+v", events)
		}
	}
	got, err := s.Chat(context.Background(), chats[1].ID, sotepe.ChatScope{ResidentID: f.residents[1].ID})
	must(t, err)
	if got.Status != sotepe.ChatWaiting || !got.ResidentSeenAt.Equal(f.t0.Add(9*time.Minute)) || got.Position != 1 {
		t.Fatalf("seen chat = %+v", got)
	}
	again, err := s.AbandonChats(context.Background(), at.Add(-sotepe.ChatReturnWindow), at)
	must(t, err)
	if len(again) != 0 {
		t.Fatalf("second sweep abandoned %+v", again)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'chat.end'`); k != 2 {
		t.Fatalf("%d chat.end rows, want 2", k)
	}
}

func testChatPresence(t *testing.T, s Store) {
	f := seedChats(t, s, 0)
	ctx := context.Background()
	present, err := s.ChatStaffPresent(ctx, f.t0.Add(-time.Minute))
	must(t, err)
	if len(present) != 0 {
		t.Fatalf("present before anyone = %v", present)
	}
	for _, u := range []sotepe.User{f.nurse, f.dentist, f.manager, f.analyst, f.gone} {
		must(t, s.TouchChatPresence(ctx, u.ID, f.t0))
	}
	must(t, s.TouchChatPresence(ctx, f.nurse2.ID, f.t0.Add(-2*time.Minute)))
	// An older instant does not move the nurse's presence back.
	must(t, s.TouchChatPresence(ctx, f.nurse.ID, f.t0.Add(-time.Hour)))
	present, err = s.ChatStaffPresent(ctx, f.t0.Add(-sotepe.ChatPresenceWindow))
	must(t, err)
	if want := map[string]int{kallio: 2, vuosaari: 2}; !reflect.DeepEqual(present, want) {
		t.Fatalf("present = %v, want %v", present, want)
	}
	present, err = s.ChatStaffPresent(ctx, f.t0.Add(-3*time.Minute))
	must(t, err)
	if want := map[string]int{kallio: 3, vuosaari: 2}; !reflect.DeepEqual(present, want) {
		t.Fatalf("present over 3 minutes = %v, want %v", present, want)
	}
	present, err = s.ChatStaffPresent(ctx, f.t0.Add(time.Second))
	must(t, err)
	if len(present) != 0 {
		t.Fatalf("present later = %v", present)
	}
	wantCode(t, s.TouchChatPresence(ctx, f.gone.ID+100, f.t0), sotepe.EInvalid)
}

func testChatTimesAndTranscripts(t *testing.T, s Store) {
	f := seedChats(t, s, 4)
	nurse := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	sys := func(key string) sotepe.ChatEvent { return sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: key} }
	day := 24 * time.Hour
	// 0: nurse line, ended 40 days ago; 1: nurse line, ended 10 days ago;
	// 2: dental line, ended 40 days ago; 3: nurse line, open, started 40 days ago.
	var chats []sotepe.Chat
	for i, line := range []string{nurseLine, nurseLine, dentalLine, nurseLine} {
		start := f.t0.Add(-40 * day)
		if i == 1 {
			start = f.t0.Add(-10 * day)
		}
		c, _ := f.start(t, s, i, line, start)
		chats = append(chats, c)
	}
	_, err := s.TakeChat(nurse, chats[0].ID, f.nurse.ID, kallio, chats[0].StartedAt.Add(2*time.Minute), sys("chat.system.taken"))
	must(t, err)
	_, err = s.AddChatEvent(nurse, chats[0].ID, message(f.nurse.ID, true, "Miten voin auttaa?"))
	must(t, err)
	_, err = s.EndChat(nurse, chats[0].ID, sotepe.ChatClosed, 0, chats[0].StartedAt.Add(10*time.Minute), sys("chat.system.closed"))
	must(t, err)
	_, err = s.EndChat(nurse, chats[1].ID, sotepe.ChatAbandoned, 0, chats[1].StartedAt.Add(5*time.Minute), sys("chat.system.abandoned"))
	must(t, err)
	_, err = s.EndChat(nurse, chats[2].ID, sotepe.ChatClosed, 0, chats[2].StartedAt.Add(5*time.Minute), sys("chat.system.closed"))
	must(t, err)

	times, err := s.ChatTimes(context.Background(), f.t0.Add(-41*day), f.t0, nil)
	must(t, err)
	if len(times) != 4 {
		t.Fatalf("times = %+v", times)
	}
	first := times[0]
	if first.Line != nurseLine || first.UnitID != kallio || first.Status != sotepe.ChatClosed || first.HandedOver ||
		first.TakenAt.Sub(first.StartedAt) != 2*time.Minute || first.EndedAt.Sub(first.StartedAt) != 10*time.Minute {
		t.Fatalf("first time = %+v", first)
	}
	if times[3].Status != sotepe.ChatAbandoned || !times[3].TakenAt.IsZero() || times[3].UnitID != "" {
		t.Fatalf("last time = %+v", times[3])
	}
	times, err = s.ChatTimes(context.Background(), f.t0.Add(-41*day), f.t0.Add(-20*day), []string{dentalLine})
	must(t, err)
	if len(times) != 1 || times[0].Line != dentalLine {
		t.Fatalf("dental times = %+v", times)
	}
	times, err = s.ChatTimes(context.Background(), f.t0.Add(-41*day), f.t0, []string{})
	must(t, err)
	if len(times) != 0 {
		t.Fatalf("times on no lines = %+v", times)
	}

	n, err := s.DeleteChatTranscripts(context.Background(), nurseLine, f.t0.Add(-30*day))
	must(t, err)
	if n != 1 {
		t.Fatalf("%d transcripts deleted, want 1", n)
	}
	messages := func(c sotepe.Chat) (msgs, system int) {
		return count(t, s, `SELECT COUNT(*) FROM chat_events WHERE chat_id = $1 AND kind = 'message'`, c.ID),
			count(t, s, `SELECT COUNT(*) FROM chat_events WHERE chat_id = $1 AND kind = 'system'`, c.ID)
	}
	for i, want := range [][2]int{{0, 3}, {1, 2}, {1, 2}, {1, 1}} {
		if m, sy := messages(chats[i]); m != want[0] || sy != want[1] {
			t.Errorf("chat %d keeps %d messages and %d system events, want %v", i, m, sy, want)
		}
	}
	n, err = s.DeleteChatTranscripts(context.Background(), nurseLine, f.t0.Add(-30*day))
	must(t, err)
	if n != 0 {
		t.Fatalf("second sweep deleted %d", n)
	}
	n, err = s.DeleteChatTranscripts(context.Background(), nurseLine, f.t0)
	must(t, err)
	if n != 1 {
		t.Fatalf("sweep up to now deleted %d, want 1 (the open chat keeps its messages)", n)
	}
	// The figures stay.
	times, err = s.ChatTimes(context.Background(), f.t0.Add(-41*day), f.t0, nil)
	must(t, err)
	if len(times) != 4 {
		t.Fatalf("times after deletion = %+v", times)
	}
}

func testChatReadAudit(t *testing.T, s Store) {
	f := seedChats(t, s, 2)
	a, _ := f.start(t, s, 0, nurseLine, f.t0)
	f.start(t, s, 1, nurseLine, f.t0.Add(time.Second))
	accessActions := func(resident int64) []string {
		t.Helper()
		page, err := s.AccessLog(context.Background(), resident, sotepe.PageRequest{Limit: 100})
		must(t, err)
		var out []string
		for _, e := range page.Items {
			out = append(out, e.Action)
		}
		slices.Sort(out)
		return out
	}
	// A resident's own reads leave nothing in their access log.
	_, err := s.Chat(residentCtx(f.accounts[0]), a.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID})
	must(t, err)
	_, err = s.Chats(residentCtx(f.accounts[0]), sotepe.ChatFilter{Scope: sotepe.ChatScope{ResidentID: f.residents[0].ID}})
	must(t, err)
	if got := accessActions(f.residents[0].ID); len(got) != 0 {
		t.Fatalf("access log after own reads = %v", got)
	}
	nurse := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	_, err = s.Chats(nurse, sotepe.ChatFilter{Scope: nurseScope()})
	must(t, err)
	_, err = s.Chat(nurse, a.ID, nurseScope())
	must(t, err)
	// A read outside scope records nothing.
	_, err = s.Chat(nurse, a.ID, dentalScope())
	wantCode(t, err, sotepe.ENotFound)
	if got, want := accessActions(f.residents[0].ID), []string{sotepe.ActionChatRead, "chat_list.read"}; !slices.Equal(got, want) {
		t.Fatalf("access log of resident 0 = %v, want %v", got, want)
	}
	if got, want := accessActions(f.residents[1].ID), []string{"chat_list.read"}; !slices.Equal(got, want) {
		t.Fatalf("access log of resident 1 = %v, want %v", got, want)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'chat.read' AND object = $1 AND basis = 'client_request'
		AND actor_id = $2 AND actor_role = 'professional' AND actor_unit = $3`,
		"chat:"+strconv.FormatInt(a.ID, 10), f.nurse.ID, kallio); k != 1 {
		t.Fatalf("%d chat.read rows as written", k)
	}
}
