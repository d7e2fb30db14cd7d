package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe"
)

const (
	nurseLine  = "nurse-chat"
	dentalLine = "dental-chat"
)

// chatFixture is the network with two chat lines, residents with accounts,
// and staff of the lines' units.
type chatFixture struct {
	residents []sotepe.Resident // each with an account in accounts
	accounts  []sotepe.User
	nurse     sotepe.User // professional at kallio (nurse-chat)
	nurse2    sotepe.User // professional at kallio
	dentist   sotepe.User // professional at vuosaari (dental-chat)
	manager   sotepe.User // manager at kallio and vuosaari
	analyst   sotepe.User // analyst at kallio: not chat staff
	gone      sotepe.User // a disabled professional at kallio
	t0        time.Time
}

func chatLine(id, service, unit string) sotepe.ChatLine {
	return sotepe.ChatLine{
		ID: id, ServiceID: service, Units: []string{unit}, RetentionDays: 30,
		Names: sotepe.Names{Fi: "Chat " + id, Sv: "Chatt " + id, En: "Chat " + id},
		Hours: sotepe.OpeningHours{Regular: []sotepe.DayHours{{Weekday: 1, Open: "08:00", Close: "16:00"}}},
	}
}

func seedChats(t testing.TB, s Store, residents int) chatFixture {
	t.Helper()
	ctx := adminCtx()
	seedUnits(t, s)
	must(t, s.SaveChatLine(ctx, chatLine(nurseLine, "nurse", kallio)))
	must(t, s.SaveChatLine(ctx, chatLine(dentalLine, "dental", vuosaari)))
	f := chatFixture{t0: s.Clock.Now()}
	user := func(name string, roles []sotepe.Role, units []string, resident int64) sotepe.User {
		username := strings.ToLower(strings.ReplaceAll(name, " ", "."))
		u, err := s.CreateUser(ctx, sotepe.NewUser{Username: username, Name: name, Lang: sotepe.Finnish, Roles: roles, Units: units, ResidentID: resident})
		must(t, err)
		return u
	}
	for i := range residents {
		r := newResident(40 + i)
		r.FirstName = "Asukas" + strconv.Itoa(i)
		r, err := s.CreateResident(ctx, r)
		must(t, err)
		f.residents = append(f.residents, r)
		f.accounts = append(f.accounts, user("resident"+strconv.Itoa(i), []sotepe.Role{sotepe.RoleResident}, nil, r.ID))
	}
	f.nurse = user("Hanna Hoitaja", []sotepe.Role{sotepe.RoleProfessional}, []string{kallio}, 0)
	f.nurse2 = user("Outi Hoitaja", []sotepe.Role{sotepe.RoleProfessional}, []string{kallio}, 0)
	f.dentist = user("Hilkka Hammas", []sotepe.Role{sotepe.RoleProfessional}, []string{vuosaari}, 0)
	f.manager = user("Eeva Esimies", []sotepe.Role{sotepe.RoleManager}, []string{kallio, vuosaari}, 0)
	f.analyst = user("Antti Analyytikko", []sotepe.Role{sotepe.RoleAnalyst}, []string{kallio}, 0)
	f.gone = user("Poissa", []sotepe.Role{sotepe.RoleProfessional}, []string{kallio}, 0)
	_, err := s.DB().ExecContext(context.Background(), `UPDATE users SET disabled = $1 WHERE id = $2`, true, f.gone.ID)
	must(t, err)
	return f
}

// start opens a chat of resident i on line at at with a first message.
func (f chatFixture) start(t testing.TB, s Store, i int, line string, at time.Time) (sotepe.Chat, bool) {
	t.Helper()
	c, created, err := s.StartChat(residentCtx(f.accounts[i]), f.newChat(i, line, at), f.first(i, at))
	must(t, err)
	return c, created
}

func (f chatFixture) newChat(i int, line string, at time.Time) sotepe.Chat {
	return sotepe.Chat{Line: line, Lang: sotepe.Swedish, ResidentID: f.residents[i].ID, OpenedBy: f.accounts[i].ID, StartedAt: at}
}

func (f chatFixture) first(i int, at time.Time) []sotepe.ChatEvent {
	return []sotepe.ChatEvent{
		{Kind: sotepe.ChatSystem, Key: "chat.system.taken", Arg: "Hoitajan chat"},
		{Kind: sotepe.ChatMessage, AuthorID: f.accounts[i].ID, Body: "Hei, 010-123 4567", BodyScreened: "Hei, [puhelin]", At: at.Add(time.Millisecond)},
	}
}

func nurseScope() sotepe.ChatScope  { return sotepe.ChatScope{Lines: []string{nurseLine}} }
func dentalScope() sotepe.ChatScope { return sotepe.ChatScope{Lines: []string{dentalLine}} }

func message(author int64, staff bool, body string) sotepe.ChatEvent {
	return sotepe.ChatEvent{Kind: sotepe.ChatMessage, AuthorID: author, FromStaff: staff, Body: body, BodyScreened: body}
}

func testChatLines(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	lines, err := s.ChatLines(ctx)
	must(t, err)
	if len(lines) != 0 {
		t.Fatalf("lines before any = %+v", lines)
	}
	b, a := chatLine("b-line", "dental", vuosaari), chatLine("a-line", "nurse", kallio)
	a.Units = []string{kallio, "kontula-family-centre"}
	a.Hours.Exceptions = []sotepe.HoursException{{Date: "2024-06-21", Note: sotepe.Names{Fi: "Juhannus", Sv: "Midsommar", En: "Midsummer"}}}
	must(t, s.SaveChatLine(ctx, b))
	must(t, s.SaveChatLine(ctx, a))
	b.RetentionDays, b.Names.En = 90, "Dental chat"
	must(t, s.SaveChatLine(ctx, b))
	lines, err = s.ChatLines(ctx)
	must(t, err)
	if !reflect.DeepEqual(lines, []sotepe.ChatLine{a, b}) {
		t.Fatalf("lines\n%+v\nwant\n%+v", lines, []sotepe.ChatLine{a, b})
	}
	bad := a
	bad.Units = nil
	wantKey(t, s.SaveChatLine(ctx, bad), sotepe.EInvalid, "chat.error.line")
	bad = chatLine("c-line", "no-such-service", kallio)
	wantCode(t, s.SaveChatLine(ctx, bad), sotepe.EInvalid)
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'network.change' AND object LIKE 'chat_line:%'`); n != 3 {
		t.Fatalf("%d audit rows of saved lines, want 3", n)
	}
}

func testChatStart(t *testing.T, s Store) {
	f := seedChats(t, s, 3)
	ctx := residentCtx(f.accounts[0])
	c, created := f.start(t, s, 0, nurseLine, f.t0)
	if !created || c.ID == 0 || c.Status != sotepe.ChatWaiting || c.Line != nurseLine || c.Lang != sotepe.Swedish ||
		c.ResidentID != f.residents[0].ID || c.OpenedBy != f.accounts[0].ID || !c.StartedAt.Equal(f.t0) ||
		!c.ResidentSeenAt.Equal(f.t0) || c.LastEvent != 2 || c.Position != 1 || c.ResidentName != "" ||
		c.StartedAt.Location() != time.UTC {
		t.Fatalf("started = %+v", c)
	}
	events, err := s.ChatEvents(ctx, c.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID}, 0, 0)
	must(t, err)
	if len(events) != 2 || events[0].Seq != 1 || events[1].Seq != 2 || events[0].Key != "chat.system.taken" ||
		events[0].Arg != "Hoitajan chat" || events[1].Body != "Hei, 010-123 4567" || events[1].BodyScreened != "Hei, [puhelin]" ||
		events[1].AuthorID != f.accounts[0].ID || events[1].AuthorName != "" || !events[0].At.Equal(f.t0) ||
		!events[1].At.Equal(f.t0.Add(time.Millisecond)) || events[0].Status != sotepe.ChatWaiting || events[1].ChatID != c.ID {
		t.Fatalf("first events = %+v", events)
	}
	got, err := s.Chat(ctx, c.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID})
	must(t, err)
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("read\n%+v\nwant\n%+v", got, c)
	}

	// A second start on the same line finds the open chat; another line
	// opens another.
	again, created := f.start(t, s, 0, nurseLine, f.t0.Add(time.Minute))
	if created || again.ID != c.ID || again.LastEvent != 2 {
		t.Fatalf("second start = %+v, created %v", again, created)
	}
	other, created := f.start(t, s, 0, dentalLine, f.t0)
	if !created || other.ID == c.ID {
		t.Fatalf("start on another line = %+v, created %v", other, created)
	}
	// Once the chat has ended, a start opens a new one.
	_, err = s.EndChat(ctx, c.ID, sotepe.ChatClosed, 0, f.t0.Add(time.Minute), sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.closed"})
	must(t, err)
	next, created := f.start(t, s, 0, nurseLine, f.t0.Add(2*time.Minute))
	if !created || next.ID == c.ID {
		t.Fatalf("start after end = %+v, created %v", next, created)
	}

	// Concurrent starts of one resident on one line store one chat.
	const n = 12
	var wg sync.WaitGroup
	chats := make([]sotepe.Chat, n)
	createds := make([]bool, n)
	errs := make([]error, n)
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			chats[i], createds[i], errs[i] = s.StartChat(residentCtx(f.accounts[1]), f.newChat(1, nurseLine, f.t0), f.first(1, f.t0))
		})
	}
	close(gate)
	wg.Wait()
	won := 0
	for i := range n {
		must(t, errs[i])
		if createds[i] {
			won++
		}
		if chats[i].ID != chats[0].ID || chats[i].LastEvent != 2 {
			t.Fatalf("start %d = %+v, first %+v", i, chats[i], chats[0])
		}
	}
	if won != 1 {
		t.Fatalf("%d starts created a chat, want 1", won)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM chats WHERE resident_id = $1`, f.residents[1].ID); k != 1 {
		t.Fatalf("%d chats of the resident", k)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM chat_events WHERE chat_id = $1`, chats[0].ID); k != 2 {
		t.Fatalf("%d events of the chat", k)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'chat.start' AND object = $1 AND resident_id = $2 AND actor_id = $3`,
		"chat:"+strconv.FormatInt(chats[0].ID, 10), f.residents[1].ID, f.accounts[1].ID); k != 1 {
		t.Fatalf("%d chat.start rows", k)
	}

	// What a start needs.
	bad := f.newChat(2, "", f.t0)
	_, _, err = s.StartChat(ctx, bad, nil)
	wantCode(t, err, sotepe.EInvalid)
	bad = f.newChat(2, nurseLine, f.t0)
	bad.Lang = "de"
	_, _, err = s.StartChat(ctx, bad, nil)
	wantKey(t, err, sotepe.EInvalid, "error.lang")
	_, _, err = s.StartChat(ctx, f.newChat(2, "no-such-line", f.t0), nil)
	wantCode(t, err, sotepe.EInvalid)
	_, _, err = s.StartChat(ctx, f.newChat(2, nurseLine, f.t0), []sotepe.ChatEvent{{Kind: "gossip"}})
	wantCode(t, err, sotepe.EInvalid)
	if k := count(t, s, `SELECT COUNT(*) FROM chats WHERE resident_id = $1`, f.residents[2].ID); k != 0 {
		t.Fatalf("refused starts stored %d chats", k)
	}
}

func testChatPositions(t *testing.T, s Store) {
	f := seedChats(t, s, 4)
	var chats []sotepe.Chat
	// Two start at the same instant: the id breaks the tie.
	for i, at := range []time.Duration{0, time.Minute, time.Minute, 3 * time.Minute} {
		c, _ := f.start(t, s, i, nurseLine, f.t0.Add(at))
		chats = append(chats, c)
	}
	f.start(t, s, 0, dentalLine, f.t0.Add(-time.Hour)) // another line's queue
	position := func(i int) int {
		t.Helper()
		c, err := s.Chat(residentCtx(f.accounts[i]), chats[i].ID, sotepe.ChatScope{ResidentID: f.residents[i].ID})
		must(t, err)
		return c.Position
	}
	for i := range chats {
		if p := position(i); p != i+1 {
			t.Fatalf("position of chat %d = %d, want %d", i, p, i+1)
		}
	}
	_, err := s.TakeChat(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), chats[1].ID, f.nurse.ID, kallio, f.t0.Add(4*time.Minute),
		sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.taken", Arg: f.nurse.Name})
	must(t, err)
	want := []int{1, 0, 2, 3}
	for i := range chats {
		if p := position(i); p != want[i] {
			t.Fatalf("after a take, position of chat %d = %d, want %d", i, p, want[i])
		}
	}
	list, err := s.Chats(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), sotepe.ChatFilter{Scope: nurseScope(), Statuses: []sotepe.ChatStatus{sotepe.ChatWaiting}})
	must(t, err)
	var got []int
	for _, c := range list {
		got = append(got, c.Position)
	}
	if !slices.Equal(got, []int{1, 2, 3}) || list[0].ID != chats[0].ID || list[2].ID != chats[3].ID {
		t.Fatalf("queue positions = %v (%+v)", got, list)
	}
}

func testChatScope(t *testing.T, s Store) {
	f := seedChats(t, s, 2)
	a, _ := f.start(t, s, 0, nurseLine, f.t0)
	b, _ := f.start(t, s, 1, dentalLine, f.t0)
	own := sotepe.ChatScope{ResidentID: f.residents[0].ID}
	ctx := residentCtx(f.accounts[0])

	// A resident asking for another's chat, a missing one, or with a scope
	// naming nobody, gets ENotFound alike.
	for _, c := range []struct {
		id    int64
		scope sotepe.ChatScope
	}{{b.ID, own}, {b.ID + a.ID + 100, own}, {a.ID, sotepe.ChatScope{}}, {a.ID, dentalScope()},
		{a.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID, Lines: []string{dentalLine}}}} {
		_, err := s.Chat(ctx, c.id, c.scope)
		wantCode(t, err, sotepe.ENotFound)
		_, err = s.ChatEvents(ctx, c.id, c.scope, 0, 0)
		wantCode(t, err, sotepe.ENotFound)
	}
	list, err := s.Chats(ctx, sotepe.ChatFilter{})
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("a list without scope = %+v", list)
	}
	list, err = s.Chats(ctx, sotepe.ChatFilter{Scope: own})
	must(t, err)
	if len(list) != 1 || list[0].ID != a.ID || list[0].ResidentName != "" {
		t.Fatalf("own list = %+v", list)
	}

	// Staff see the chats of their lines, with the resident's name.
	nurse := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	got, err := s.Chat(nurse, a.ID, nurseScope())
	must(t, err)
	if got.ResidentName != "Asukas0 Meikäläinen" {
		t.Fatalf("staff read = %+v", got)
	}
	_, err = s.Chat(nurse, b.ID, nurseScope())
	wantCode(t, err, sotepe.ENotFound)
	both := sotepe.ChatScope{Lines: []string{dentalLine, nurseLine, nurseLine}}
	list, err = s.Chats(staffCtx(f.manager.ID, sotepe.RoleManager, kallio), sotepe.ChatFilter{Scope: both})
	must(t, err)
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[1].ResidentName != "Asukas1 Meikäläinen" {
		t.Fatalf("both lines = %+v", list)
	}
	list, err = s.Chats(nurse, sotepe.ChatFilter{Scope: both, Limit: 1})
	must(t, err)
	if len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("limited list = %+v", list)
	}
	_, err = s.Chats(nurse, sotepe.ChatFilter{Scope: both, Statuses: []sotepe.ChatStatus{"lost"}})
	wantKey(t, err, sotepe.EInvalid, "error.status")
	_, err = s.Chats(nurse, sotepe.ChatFilter{Scope: both, Limit: -1})
	wantCode(t, err, sotepe.EInvalid)

	// The current line decides: after a transfer, the old line's staff no
	// longer see the chat, the new line's do.
	_, err = s.TransferChat(nurse, a.ID, dentalLine, 0, "", sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.transferred"})
	must(t, err)
	_, err = s.Chat(nurse, a.ID, nurseScope())
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.ChatEvents(nurse, a.ID, nurseScope(), 0, 0)
	wantCode(t, err, sotepe.ENotFound)
	dentist := staffCtx(f.dentist.ID, sotepe.RoleProfessional, vuosaari)
	events, err := s.ChatEvents(dentist, a.ID, dentalScope(), 2, 0)
	must(t, err)
	if len(events) != 1 || events[0].Seq != 3 || events[0].Key != "chat.system.transferred" {
		t.Fatalf("events after 2 = %+v", events)
	}
	// Ended chats are listed when asked for.
	_, err = s.EndChat(dentist, b.ID, sotepe.ChatClosed, 0, time.Time{}, sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.closed"})
	must(t, err)
	list, err = s.Chats(dentist, sotepe.ChatFilter{Scope: dentalScope()})
	must(t, err)
	if len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("open chats of dental = %+v", list)
	}
	list, err = s.Chats(dentist, sotepe.ChatFilter{Scope: dentalScope(), Statuses: []sotepe.ChatStatus{sotepe.ChatClosed}})
	must(t, err)
	if len(list) != 1 || list[0].ID != b.ID || list[0].Status != sotepe.ChatClosed || list[0].EndedAt.IsZero() {
		t.Fatalf("closed chats of dental = %+v", list)
	}
}

func testChatEventsConcurrent(t *testing.T, s Store) {
	f := seedChats(t, s, 1)
	c, _ := f.start(t, s, 0, nurseLine, f.t0)
	const writers, each = 6, 10
	var wg sync.WaitGroup
	seqs := make(chan int64, writers*each)
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			ctx := residentCtx(f.accounts[0])
			for i := range each {
				e, err := s.AddChatEvent(ctx, c.ID, message(f.accounts[0].ID, false, fmt.Sprintf("viesti %d.%d", w, i)))
				if err != nil {
					errs <- err
					return
				}
				if e.ChatID != c.ID || e.Status != sotepe.ChatWaiting {
					errs <- fmt.Errorf("event = %+v", e)
				}
				seqs <- e.Seq
			}
		})
	}
	wg.Wait()
	close(seqs)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var got []int64
	for q := range seqs {
		got = append(got, q)
	}
	slices.Sort(got)
	total := int64(2 + writers*each)
	for i, q := range got {
		if q != int64(i+3) {
			t.Fatalf("returned seqs %v: want %d…%d once each", got, 3, total)
		}
	}
	events, err := s.ChatEvents(context.Background(), c.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID}, 0, 0)
	must(t, err)
	if int64(len(events)) != total {
		t.Fatalf("%d events, want %d", len(events), total)
	}
	for i, e := range events {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	page, err := s.ChatEvents(context.Background(), c.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID}, 10, 5)
	must(t, err)
	if len(page) != 5 || page[0].Seq != 11 || page[4].Seq != 15 {
		t.Fatalf("page after 10 = %+v", page)
	}
	got2, err := s.Chat(context.Background(), c.ID, sotepe.ChatScope{ResidentID: f.residents[0].ID})
	must(t, err)
	if got2.LastEvent != total {
		t.Fatalf("last event %d, want %d", got2.LastEvent, total)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'chat.message' AND resident_id = $1`, f.residents[0].ID); k != writers*each {
		t.Fatalf("%d chat.message rows, want %d", k, writers*each)
	}
	// A staff message names its author.
	e, err := s.AddChatEvent(staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio), c.ID, message(f.nurse.ID, true, "Hei!"))
	must(t, err)
	events, err = s.ChatEvents(context.Background(), c.ID, nurseScope(), e.Seq-1, 0)
	must(t, err)
	if len(events) != 1 || events[0].AuthorName != f.nurse.Name || !events[0].FromStaff {
		t.Fatalf("staff message = %+v", events)
	}
	_, err = s.AddChatEvent(context.Background(), c.ID, sotepe.ChatEvent{Kind: "rumour"})
	wantCode(t, err, sotepe.EInvalid)
	_, err = s.AddChatEvent(context.Background(), c.ID+100, message(f.accounts[0].ID, false, "?"))
	wantCode(t, err, sotepe.ENotFound)
}

func testChatTakeRace(t *testing.T, s Store) {
	f := seedChats(t, s, 1)
	c, _ := f.start(t, s, 0, nurseLine, f.t0)
	takers := []sotepe.User{f.nurse, f.nurse2}
	const n = 20
	var wg sync.WaitGroup
	results := make([]sotepe.Chat, n)
	errs := make([]error, n)
	gate := make(chan struct{})
	for i := range n {
		u := takers[i%2]
		wg.Go(func() {
			<-gate
			results[i], errs[i] = s.TakeChat(staffCtx(u.ID, sotepe.RoleProfessional, kallio), c.ID, u.ID, kallio, f.t0.Add(time.Minute),
				sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: "chat.system.taken", Arg: u.Name})
		})
	}
	close(gate)
	wg.Wait()
	winner := soleWinner(t, "take", errs, sotepe.EConflict, "chat.error.taken")
	w, u := results[winner], takers[winner%2]
	if w.Status != sotepe.ChatActive || w.ProfessionalID != u.ID || w.ProfessionalName != u.Name || w.UnitID != kallio ||
		!w.TakenAt.Equal(f.t0.Add(time.Minute)) || w.LastEvent != 3 || w.Position != 0 {
		t.Fatalf("taken = %+v", w)
	}
	events, err := s.ChatEvents(context.Background(), c.ID, nurseScope(), 2, 0)
	must(t, err)
	if len(events) != 1 || events[0].Status != sotepe.ChatActive || events[0].Arg != u.Name || !events[0].At.Equal(f.t0.Add(time.Minute)) {
		t.Fatalf("take events = %+v", events)
	}
	if k := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'chat.take' AND actor_id = $1 AND resident_id = $2`, u.ID, f.residents[0].ID); k != 1 {
		t.Fatalf("%d chat.take rows", k)
	}
	_, err = s.TakeChat(context.Background(), c.ID+100, f.nurse.ID, kallio, time.Time{}, sotepe.ChatEvent{Kind: sotepe.ChatSystem})
	wantCode(t, err, sotepe.ENotFound)
}
