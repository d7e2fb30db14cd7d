package chat

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe"
	"sotepe/contact"
	"sotepe/i18n"
	"sotepe/internal/testenv"
)

// fixture is the chat service over a real store with the demo network and
// people, at Monday 23 November 2026, 10:00 in Helsinki, and three lines:
// "nurse" (Kallio health station, weekdays 8–16), "dental" (Kallio dental
// clinic, around the clock) and "toolo" (Töölö health station, around the
// clock, where no demo professional works).
type fixture struct {
	env      *testenv.Env
	svc      *Service
	contacts *contact.Service
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	env := testenv.New(t, testenv.EngineOf(t))
	return fixtureOn(t, env)
}

func fixtureOn(t *testing.T, env *testenv.Env) fixture {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	contacts := contact.New(contact.Config{Store: env.Store, Calendar: env.Calendar, Now: env.Clock.Now})
	f := fixture{env: env, contacts: contacts,
		svc: New(Config{Store: env.Store, Contact: contacts, Calendar: env.Calendar, Translate: cat.T, Now: env.Clock.Now})}
	weekdays := sotepe.OpeningHours{}
	for d := 1; d <= 5; d++ {
		weekdays.Regular = append(weekdays.Regular, sotepe.DayHours{Weekday: d, Open: "08:00", Close: "16:00"})
	}
	for _, l := range []sotepe.ChatLine{
		{ID: "nurse", ServiceID: "health-station-nurse", Names: sotepe.Names{Fi: "Hoitajan chat", Sv: "Skötarens chatt", En: "Nurse chat"},
			Units: []string{"kallio-health-station"}, Hours: weekdays, RetentionDays: 30},
		{ID: "dental", ServiceID: "dental-care", Names: sotepe.Names{Fi: "Suun terveydenhuollon chat", Sv: "Munhälsovårdens chatt", En: "Oral health chat"},
			Units: []string{"kallio-dental-clinic"}, Hours: sotepe.OpeningHours{AlwaysOpen: true}, RetentionDays: 30},
		{ID: "toolo", ServiceID: "health-station-nurse", Names: sotepe.Names{Fi: "Töölön chat", Sv: "Tölö chatt", En: "Töölö chat"},
			Units: []string{"toolo-health-station"}, Hours: sotepe.OpeningHours{AlwaysOpen: true}, RetentionDays: 7},
	} {
		if err := env.Store.SaveChatLine(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// as returns the demo person and a context carrying them as the actor.
func (f fixture) as(name string) (context.Context, sotepe.User) { return f.env.As(name) }

// present opens the queue of each named professional, which makes them
// available.
func (f fixture) present(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		ctx, u := f.as(n)
		if _, err := f.svc.Queue(ctx, u, sotepe.ChatWaiting); err != nil {
			t.Fatalf("%s's queue: %v", n, err)
		}
	}
}

// start opens a chat of resident on line, failing the test on an error.
func (f fixture) start(t *testing.T, resident, line, message string) sotepe.Chat {
	t.Helper()
	ctx, u := f.as(resident)
	c, created, err := f.svc.Start(ctx, u, line, message)
	if err != nil || !created {
		t.Fatalf("%s starts on %s: created %v, %v", resident, line, created, err)
	}
	return c
}

// events returns chat id's events as the named person sees them.
func (f fixture) events(t *testing.T, name string, id int64) []sotepe.ChatEvent {
	t.Helper()
	ctx, u := f.as(name)
	evs, err := f.svc.Events(ctx, u, id, 0)
	if err != nil {
		t.Fatalf("%s reads chat %d's events: %v", name, id, err)
	}
	return evs
}

func lastOf(evs []sotepe.ChatEvent) sotepe.ChatEvent {
	if len(evs) == 0 {
		return sotepe.ChatEvent{}
	}
	return evs[len(evs)-1]
}

func lineStatus(t *testing.T, svc *Service, id string) sotepe.ChatLineStatus {
	t.Helper()
	lines, err := svc.Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no line %s", id)
	return sotepe.ChatLineStatus{}
}

func TestStartAndQueue(t *testing.T) { testenv.Engines(t, testStartAndQueue) }

func testStartAndQueue(t *testing.T) {
	f := newFixture(t)
	actx, anna := f.as("anna")
	if l := lineStatus(t, f.svc, "nurse"); l.Open || l.Closed != sotepe.ChatClosedUnstaffed {
		t.Errorf("nobody present: nurse line %+v", l)
	}
	_, _, err := f.svc.Start(actx, anna, "nurse", "Hei")
	testenv.Code(t, err, sotepe.EConflict)
	if sotepe.ErrorKey(err) != "chat.error.closed" {
		t.Errorf("unstaffed line: %v", err)
	}
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); !l.Open || l.Closed != "" {
		t.Errorf("the nurse present: nurse line %+v", l)
	}
	if l := lineStatus(t, f.svc, "toolo"); l.Open || l.Closed != sotepe.ChatClosedUnstaffed {
		t.Errorf("toolo line %+v", l)
	}

	a := f.start(t, "anna", "nurse", "  Hei, numeroni on 040 123 4567  ")
	if a.Status != sotepe.ChatWaiting || a.Position != 1 || a.EstimatedWait != 5*time.Minute || a.Lang != sotepe.Finnish || a.Line != "nurse" {
		t.Errorf("anna's chat %+v", a)
	}
	again, created, err := f.svc.Start(actx, anna, "nurse", "Toinen viesti")
	if err != nil || created || again.ID != a.ID {
		t.Errorf("second start: %d created %v %v, want chat %d again", again.ID, created, err, a.ID)
	}
	e := f.start(t, "erik", "nurse", "Hej")
	if e.Position != 2 || e.EstimatedWait != 10*time.Minute || e.Lang != sotepe.Swedish {
		t.Errorf("erik's chat: place %d, wait %v, lang %s", e.Position, e.EstimatedWait, e.Lang)
	}

	nctx, nurse := f.as("nurse")
	q, err := f.svc.Queue(nctx, nurse, sotepe.ChatWaiting)
	if err != nil || len(q) != 2 || q[0].ID != a.ID || q[0].Position != 1 || q[1].ID != e.ID || q[1].Position != 2 || q[0].ResidentName == "" {
		t.Errorf("the nurse's queue: %+v %v", q, err)
	}
	if active, err := f.svc.Queue(nctx, nurse, sotepe.ChatActive); err != nil || len(active) != 0 {
		t.Errorf("active: %v %v", active, err)
	}
	_, err = f.svc.Queue(nctx, nurse, sotepe.ChatClosed)
	testenv.Code(t, err, sotepe.EInvalid)
	_, err = f.svc.Queue(actx, anna, sotepe.ChatWaiting)
	testenv.Code(t, err, sotepe.EForbidden)
	if l := lineStatus(t, f.svc, "nurse"); l.Waiting != 2 {
		t.Errorf("waiting on the nurse line: %d", l.Waiting)
	}

	_, _, err = f.svc.Start(nctx, nurse, "nurse", "Hei")
	testenv.Code(t, err, sotepe.EForbidden)
	_, _, err = f.svc.Start(actx, anna, "dental", " ")
	if sotepe.ErrorKey(err) != "chat.error.message" {
		t.Errorf("empty message: %v", err)
	}
	_, _, err = f.svc.Start(actx, anna, "nope", "Hei")
	if sotepe.ErrorKey(err) != "chat.error.line" {
		t.Errorf("unknown line: %v", err)
	}

	mine, err := f.svc.Mine(actx, anna)
	if err != nil || len(mine) != 1 || mine[0].ID != a.ID || mine[0].Position != 1 || mine[0].EstimatedWait != 5*time.Minute {
		t.Errorf("anna's chats: %+v %v", mine, err)
	}
	_, err = f.svc.Mine(nctx, nurse)
	testenv.Code(t, err, sotepe.EForbidden)

	// The resident sees what she wrote, staff the screened text; the
	// emergency notice opens the chat in the resident's language.
	evs := f.events(t, "anna", a.ID)
	if len(evs) != 2 || evs[0].Key != KeyEmergency || !strings.Contains(evs[0].Text, "112") || evs[0].Text == KeyEmergency {
		t.Fatalf("anna's events: %+v", evs)
	}
	if evs[1].Body != "Hei, numeroni on 040 123 4567" || evs[1].FromStaff || evs[1].AuthorName != "" || evs[1].Seq <= evs[0].Seq {
		t.Errorf("anna's message as she sees it: %+v", evs[1])
	}
	staff := f.events(t, "nurse", a.ID)
	if len(staff) != 2 || staff[1].Body != "Hei, numeroni on [***]" {
		t.Errorf("anna's message as the nurse sees it: %+v", staff)
	}
	if sv := f.events(t, "nurse", e.ID); sv[0].Text != "Ring 112 i en nödsituation. Chatten är inte till för brådskande nödsituationer." {
		t.Errorf("erik's chat's notice to staff is not in his language: %q", sv[0].Text)
	}
	if after, err := f.svc.Events(actx, anna, a.ID, evs[0].Seq); err != nil || len(after) != 1 || after[0].Seq != evs[1].Seq {
		t.Errorf("events after %d: %+v %v", evs[0].Seq, after, err)
	}
}

func TestConversation(t *testing.T) { testenv.Engines(t, testConversation) }

func testConversation(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse", "manager")
	a := f.start(t, "anna", "nurse", "Hei")
	actx, anna := f.as("anna")
	nctx, nurse := f.as("nurse")
	mctx, manager := f.as("manager")

	// Two take at once: one wins, the other is told it was taken.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	takers := []struct {
		ctx context.Context
		u   sotepe.User
	}{{nctx, nurse}, {mctx, manager}}
	for i, tk := range takers {
		wg.Go(func() { _, errs[i] = f.svc.Take(tk.ctx, tk.u, a.ID) })
	}
	wg.Wait()
	winner, loser := -1, -1
	for i, err := range errs {
		switch sotepe.ErrorCode(err) {
		case "":
			winner = i
		case sotepe.EConflict:
			loser = i
			if sotepe.ErrorKey(err) != "chat.error.taken" {
				t.Errorf("the loser's error: %v", err)
			}
		default:
			t.Errorf("take %d: %v", i, err)
		}
	}
	if winner < 0 || loser < 0 {
		t.Fatalf("take race: %v", errs)
	}
	holder, other := takers[winner], takers[loser]
	c, err := f.svc.Get(holder.ctx, holder.u, a.ID)
	if err != nil || c.Status != sotepe.ChatActive || c.ProfessionalID != holder.u.ID || c.UnitID != "kallio-health-station" || c.TakenAt.IsZero() {
		t.Errorf("taken chat %+v %v", c, err)
	}
	_, err = f.svc.Take(holder.ctx, holder.u, a.ID)
	testenv.Code(t, err, sotepe.EConflict)

	// Messages both ways; only the holder writes for staff.
	sent, err := f.svc.Send(holder.ctx, holder.u, a.ID, "Hei! Soita numeroon 09 310 5015.")
	if err != nil || !sent.FromStaff || sent.AuthorName != holder.u.Name || sent.Body != "Hei! Soita numeroon [***]." {
		t.Errorf("staff message as sent: %+v %v", sent, err)
	}
	_, err = f.svc.Send(other.ctx, other.u, a.ID, "Minäkin")
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("a colleague without the chat wrote: %v", err)
	}
	mine, err := f.svc.Send(actx, anna, a.ID, "Henkilötunnukseni on 131052-308T")
	if err != nil || mine.Body != "Henkilötunnukseni on 131052-308T" || mine.FromStaff {
		t.Errorf("anna's message as sent: %+v %v", mine, err)
	}
	_, err = f.svc.Send(actx, anna, a.ID, strings.Repeat("x", sotepe.MaxChatMessage+1))
	testenv.Code(t, err, sotepe.EInvalid)

	evs := f.events(t, "anna", a.ID)
	if len(evs) != 5 {
		t.Fatalf("anna sees %d events: %+v", len(evs), evs)
	}
	if evs[2].Key != KeyTaken || evs[2].Text != holder.u.Name+" liittyi keskusteluun." {
		t.Errorf("taken event: %+v", evs[2])
	}
	if evs[3].Body != "Hei! Soita numeroon 09 310 5015." || evs[3].AuthorName != holder.u.Name || !evs[3].FromStaff {
		t.Errorf("the professional's message as anna sees it: %+v", evs[3])
	}
	if evs[4].Body != "Henkilötunnukseni on 131052-308T" {
		t.Errorf("anna's own message: %+v", evs[4])
	}
	staff := f.events(t, holder.u.Username, a.ID)
	if staff[4].Body != "Henkilötunnukseni on [***]" || staff[3].Body != "Hei! Soita numeroon [***]." {
		t.Errorf("staff see %q and %q", staff[3].Body, staff[4].Body)
	}
	for _, e := range append(evs, staff...) {
		if e.AuthorID != 0 || e.BodyScreened != "" {
			t.Errorf("an event keeps its author id or second body: %+v", e)
		}
	}

	// Nobody else sees the chat: another resident gets 404, as does staff
	// of another unit; other roles are refused.
	ectx, erik := f.as("erik")
	_, err = f.svc.Get(ectx, erik, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Events(ectx, erik, a.ID, 0)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Send(ectx, erik, a.ID, "Hei")
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Get(ectx, erik, 999999)
	testenv.Code(t, err, sotepe.ENotFound)
	toolo, err := f.env.Store.CreateUser(context.Background(), sotepe.NewUser{Username: "toolo.nurse", Name: "Tiina Töölö",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"toolo-health-station"}, Lang: sotepe.Finnish, PasswordHash: testenv.PasswordHash})
	if err != nil {
		t.Fatal(err)
	}
	tctx := sotepe.WithActor(context.Background(), sotepe.Actor{UserID: toolo.ID, Role: sotepe.RoleProfessional, Unit: "toolo-health-station", RequestID: "test"})
	_, err = f.svc.Get(tctx, toolo, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	_, err = f.svc.Take(tctx, toolo, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	for _, name := range []string{"analyst", "admin"} {
		ctx, u := f.as(name)
		_, err = f.svc.Get(ctx, u, a.ID)
		testenv.Code(t, err, sotepe.EForbidden)
		_, err = f.svc.Queue(ctx, u, sotepe.ChatWaiting)
		testenv.Code(t, err, sotepe.EForbidden)
	}

	// A staff read leaves a row in anna's access log; her own reads do not.
	reads := func() int {
		page, err := f.env.Store.AccessLog(context.Background(), anna.ResidentID, sotepe.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range page.Items {
			if strings.HasPrefix(a.Action, "chat") {
				n++
			}
		}
		return n
	}
	before := reads()
	if _, err := f.svc.Get(actx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := reads(); n != before {
		t.Errorf("anna's own read was audited: %d → %d", before, n)
	}
	if _, err := f.svc.Get(other.ctx, other.u, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := reads(); n <= before {
		t.Errorf("a staff read left no audit row (%d → %d)", before, n)
	}
}

func TestTransfer(t *testing.T) { testenv.Engines(t, testTransfer) }

func testTransfer(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse", "manager")
	a := f.start(t, "anna", "nurse", "Hammasta särkee")
	nctx, nurse := f.as("nurse")
	mctx, manager := f.as("manager")
	ectx, erik := f.as("erik")

	for _, to := range []sotepe.ChatTransfer{{}, {Line: "dental", UserID: manager.ID}, {UserID: nurse.ID}} {
		_, err := f.svc.Transfer(nctx, nurse, a.ID, to)
		if sotepe.ErrorKey(err) != "chat.error.transfer" {
			t.Errorf("transfer %+v: %v", to, err)
		}
	}
	// Staff of its line may pass on a waiting chat.
	if _, err := f.svc.Transfer(mctx, manager, a.ID, sotepe.ChatTransfer{UserID: nurse.ID}); err != nil {
		t.Fatalf("the manager passes the waiting chat to the nurse: %v", err)
	}
	c, err := f.svc.Get(nctx, nurse, a.ID)
	if err != nil || c.Status != sotepe.ChatActive || c.ProfessionalID != nurse.ID || c.UnitID != "kallio-health-station" {
		t.Errorf("after the transfer to the nurse: %+v %v", c, err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyTransferred || e.Text != "Keskustelu siirrettiin ammattilaiselle Sanna Nurmi." {
		t.Errorf("transfer event: %+v", e)
	}
	_, err = f.svc.Transfer(mctx, manager, a.ID, sotepe.ChatTransfer{Line: "dental"})
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("the manager moved the nurse's chat: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "toolo"})
	if sotepe.ErrorKey(err) != "chat.error.closed" {
		t.Errorf("to an unstaffed line: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "nope"})
	if sotepe.ErrorKey(err) != "chat.error.line" {
		t.Errorf("to an unknown line: %v", err)
	}
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{UserID: erik.ID})
	if sotepe.ErrorKey(err) != "chat.error.colleague" {
		t.Errorf("to a resident: %v", err)
	}
	_, err = f.svc.Transfer(ectx, erik, a.ID, sotepe.ChatTransfer{Line: "dental"})
	testenv.Code(t, err, sotepe.EForbidden)

	// To another line: back in a queue there, told in anna's language;
	// the manager, who does not work at the dental clinic, no longer sees it.
	moved, err := f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{Line: "dental"})
	if err != nil || moved.Line != "dental" || moved.Status != sotepe.ChatWaiting {
		t.Fatalf("to the dental line: %+v %v", moved, err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyTransferredLine || !strings.Contains(e.Text, "Suun terveydenhuollon chat") {
		t.Errorf("line transfer event: %+v", e)
	}
	_, err = f.svc.Get(mctx, manager, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	actx, anna := f.as("anna")
	if c, err := f.svc.Get(actx, anna, a.ID); err != nil || c.Position != 1 || c.EstimatedWait == 0 {
		t.Errorf("anna's chat in the new queue: %+v %v", c, err)
	}
	// The manager answers no dental chats.
	_, err = f.svc.Transfer(nctx, nurse, a.ID, sotepe.ChatTransfer{UserID: manager.ID})
	if sotepe.ErrorKey(err) != "chat.error.colleague" {
		t.Errorf("to a colleague outside the line: %v", err)
	}
	taken, err := f.svc.Take(nctx, nurse, a.ID)
	if err != nil || taken.UnitID != "kallio-dental-clinic" {
		t.Errorf("the nurse takes it at the dental clinic: %+v %v", taken, err)
	}
}

func TestHandOver(t *testing.T) { testenv.Engines(t, testHandOver) }

func testHandOver(t *testing.T) {
	f := newFixture(t)
	loc := f.env.Location
	started := time.Date(2026, 11, 27, 15, 0, 0, 0, loc) // a Friday afternoon
	f.env.Clock.Set(started)
	f.present(t, "nurse")
	c := f.start(t, "erik", "nurse", "Jag har ont i halsen, ring 040 765 4321")
	nctx, nurse := f.as("nurse")
	ectx, erik := f.as("erik")
	_, err := f.svc.HandOver(nctx, nurse, c.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_active" {
		t.Errorf("a waiting chat handed over: %v", err)
	}
	f.env.Clock.Add(2 * time.Minute)
	if _, err := f.svc.Take(nctx, nurse, c.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(time.Minute)
	if _, err := f.svc.Send(nctx, nurse, c.ID, "Hej Erik, vi ringer dig."); err != nil {
		t.Fatal(err)
	}
	mctx, manager := f.as("manager")
	_, err = f.svc.HandOver(mctx, manager, c.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("the manager handed over the nurse's chat: %v", err)
	}
	_, err = f.svc.HandOver(ectx, erik, c.ID)
	testenv.Code(t, err, sotepe.EForbidden)

	f.env.Clock.Add(30 * time.Minute)
	req, err := f.svc.HandOver(nctx, nurse, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 1, 16, 0, 0, 0, loc) // two working days from Friday
	if req.Channel != sotepe.ChannelChat || !req.ReceivedAt.Equal(started) || !req.DueAt.Equal(due) || req.ResidentID != erik.ResidentID ||
		req.UnitID != "kallio-health-station" || req.ServiceID != "health-station-nurse" || req.Lang != sotepe.Swedish {
		t.Errorf("request: channel %s received %v due %v unit %s lang %s", req.Channel, req.ReceivedAt.In(loc), req.DueAt.In(loc), req.UnitID, req.Lang)
	}
	want := strings.Join([]string{
		"Chatt 27.11.2026, Skötarens chatt",
		"[15:00] Invånare: Jag har ont i halsen, ring [***]",
		"[15:02] Sanna Nurmi anslöt sig till chatten.",
		"[15:03] Sanna Nurmi: Hej Erik, vi ringer dig.",
	}, "\n")
	if len(req.Messages) == 0 || req.Messages[0].Body != want {
		t.Errorf("first message:\n%v\nwant:\n%s", req.Messages, want)
	}
	got, err := f.svc.Get(ectx, erik, c.ID)
	if err != nil || got.Status != sotepe.ChatHandedOver || got.ContactRequestID != req.ID || got.EndedAt.IsZero() {
		t.Errorf("the chat after its hand-over: %+v %v", got, err)
	}
	if e := lastOf(f.events(t, "erik", c.ID)); e.Key != KeyHandedOver || e.Text != "Chatten blev en kontaktförfrågan. Du får svar senast 01.12.2026." {
		t.Errorf("hand-over event: %+v", e)
	}
	// erik sees the request with its promise.
	if r, err := f.contacts.Get(ectx, erik, req.ID); err != nil || !r.DueAt.Equal(due) {
		t.Errorf("erik reads the request: %+v %v", r, err)
	}
	again, err := f.svc.HandOver(nctx, nurse, c.ID)
	if err != nil || again.ID != req.ID {
		t.Errorf("a retry after the hand-over: %d %v, want %d", again.ID, err, req.ID)
	}
	_, err = f.svc.Send(ectx, erik, c.ID, "Tack")
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("a message after the hand-over: %v", err)
	}

	// A hand-over interrupted after the request was made completes on a
	// retry, with the same request.
	f.present(t, "nurse")
	d := f.start(t, "anna", "nurse", "Hei")
	if _, err := f.svc.Take(nctx, nurse, d.ID); err != nil {
		t.Fatal(err)
	}
	first, created, err := f.contacts.HandOverChat(nctx, nurse, sotepe.NewContactRequest{ServiceID: "health-station-nurse", UnitID: "kallio-health-station",
		ResidentID: f.env.User(t, "anna").ResidentID, Body: "kesken", Lang: sotepe.Finnish, ReceivedAt: d.StartedAt, IdempotencyKey: "chat-" + strconv.FormatInt(d.ID, 10)})
	if err != nil || !created {
		t.Fatal(err)
	}
	done, err := f.svc.HandOver(nctx, nurse, d.ID)
	if err != nil || done.ID != first.ID {
		t.Errorf("the interrupted hand-over: %d %v, want request %d", done.ID, err, first.ID)
	}
	actx, anna := f.as("anna")
	if got, err := f.svc.Get(actx, anna, d.ID); err != nil || got.Status != sotepe.ChatHandedOver || got.ContactRequestID != first.ID {
		t.Errorf("the interrupted chat: %+v %v", got, err)
	}
}

func TestClose(t *testing.T) { testenv.Engines(t, testClose) }

func testClose(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse", "manager")
	actx, anna := f.as("anna")
	nctx, nurse := f.as("nurse")
	mctx, manager := f.as("manager")

	// The resident leaves the queue.
	a := f.start(t, "anna", "nurse", "Hei")
	closed, err := f.svc.Close(actx, anna, a.ID)
	if err != nil || closed.Status != sotepe.ChatClosed || closed.EndedAt.IsZero() {
		t.Errorf("anna closes her chat: %+v %v", closed, err)
	}
	_, err = f.svc.Close(actx, anna, a.ID)
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("closed twice: %v", err)
	}
	if e := lastOf(f.events(t, "anna", a.ID)); e.Key != KeyClosed || e.Text != "Keskustelu päättyi." {
		t.Errorf("close event: %+v", e)
	}
	if mine, err := f.svc.Mine(actx, anna); err != nil || len(mine) != 0 {
		t.Errorf("anna's open chats after closing: %+v %v", mine, err)
	}

	// The professional who has it closes it; a colleague may not.
	b := f.start(t, "anna", "nurse", "Hei taas")
	_, err = f.svc.Close(nctx, nurse, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("closing a waiting chat nobody has: %v", err)
	}
	if _, err := f.svc.Take(nctx, nurse, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Close(mctx, manager, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.not_holder" {
		t.Errorf("a colleague closed it: %v", err)
	}
	if c, err := f.svc.Close(nctx, nurse, b.ID); err != nil || c.Status != sotepe.ChatClosed {
		t.Errorf("the nurse closes: %+v %v", c, err)
	}
	_, err = f.svc.Transfer(nctx, nurse, b.ID, sotepe.ChatTransfer{Line: "dental"})
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("an ended chat transferred: %v", err)
	}
	err = f.svc.Typing(actx, anna, b.ID)
	if sotepe.ErrorKey(err) != "chat.error.ended" {
		t.Errorf("typing in an ended chat: %v", err)
	}
}

func TestSweeps(t *testing.T) { testenv.Engines(t, testSweeps) }

func testSweeps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.present(t, "nurse")
	gone := f.start(t, "anna", "nurse", "Hei")
	stays := f.start(t, "erik", "nurse", "Hej")
	listens := f.start(t, "anna", "dental", "Hei")
	ectx, erik := f.as("erik")
	actx, anna := f.as("anna")
	_, stop, err := f.svc.Listen(actx, anna, listens.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	f.env.Clock.Add(6 * time.Minute)
	if _, err := f.svc.Get(ectx, erik, stays.ID); err != nil { // erik is back
		t.Fatal(err)
	}
	f.svc.keepPresent(ctx) // Run does this every minute for open streams
	f.env.Clock.Add(5 * time.Minute)
	f.svc.keepPresent(ctx)
	n, err := f.svc.SweepAbandoned(ctx)
	if err != nil || n != 1 {
		t.Fatalf("abandoned %d (%v), want anna's first chat only", n, err)
	}
	got, err := f.svc.Get(actx, anna, gone.ID)
	if err != nil || got.Status != sotepe.ChatAbandoned {
		t.Errorf("anna's chat after 11 minutes away: %+v %v", got, err)
	}
	if e := lastOf(f.events(t, "anna", gone.ID)); e.Key != KeyAbandoned || e.Text != "Keskustelu päättyi, koska et ollut paikalla." {
		t.Errorf("abandon event: %+v", e)
	}
	if c, err := f.svc.Get(ectx, erik, stays.ID); err != nil || c.Status != sotepe.ChatWaiting {
		t.Errorf("erik's chat, seen 5 minutes ago: %+v %v", c, err)
	}
	if c, err := f.svc.Get(actx, anna, listens.ID); err != nil || c.Status != sotepe.ChatWaiting {
		t.Errorf("a chat whose stream was open: %+v %v", c, err)
	}

	// Transcripts go after the line's retention; the chat and its figures
	// stay.
	nctx, nurse := f.as("nurse")
	f.present(t, "nurse")
	if _, err := f.svc.Take(nctx, nurse, stays.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Close(nctx, nurse, stays.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(29 * 24 * time.Hour)
	if n, err := f.svc.SweepTranscripts(ctx); err != nil || n != 0 {
		t.Errorf("before the retention: %d %v", n, err)
	}
	f.env.Clock.Add(2 * 24 * time.Hour)
	if n, err := f.svc.SweepTranscripts(ctx); err != nil || n < 1 {
		t.Errorf("after the retention: %d %v", n, err)
	}
	for _, e := range f.events(t, "erik", stays.ID) {
		if e.Kind == sotepe.ChatMessage && e.Body != "" {
			t.Errorf("a message outlived its retention: %+v", e)
		}
	}
	if c, err := f.svc.Get(ectx, erik, stays.ID); err != nil || c.Status != sotepe.ChatClosed {
		t.Errorf("the chat itself: %+v %v", c, err)
	}
}

func TestLinesClosed(t *testing.T) { testenv.Engines(t, testLinesClosed) }

func testLinesClosed(t *testing.T) {
	f := newFixture(t)
	loc := f.env.Location
	actx, anna := f.as("anna")
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); !l.Open {
		t.Fatalf("Monday 10:00 with the nurse present: %+v", l)
	}
	// In the evening the weekday line is closed by its hours, the dental
	// line open around the clock.
	f.env.Clock.Set(time.Date(2026, 11, 23, 18, 0, 0, 0, loc))
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); l.Open || l.Closed != sotepe.ChatClosedHours {
		t.Errorf("Monday 18:00: %+v", l)
	}
	if l := lineStatus(t, f.svc, "dental"); !l.Open {
		t.Errorf("the dental line at 18:00: %+v", l)
	}
	_, _, err := f.svc.Start(actx, anna, "nurse", "Hei")
	if sotepe.ErrorKey(err) != "chat.error.closed" {
		t.Errorf("start outside hours: %v", err)
	}
	// Christmas Eve is a Thursday and a day off.
	f.env.Clock.Set(time.Date(2026, 12, 24, 10, 0, 0, 0, loc))
	f.present(t, "nurse")
	if l := lineStatus(t, f.svc, "nurse"); l.Open || l.Closed != sotepe.ChatClosedHours {
		t.Errorf("Christmas Eve: %+v", l)
	}
	if l := lineStatus(t, f.svc, "dental"); !l.Open {
		t.Errorf("the dental line on Christmas Eve: %+v", l)
	}
	// A professional counts as present for a minute after their queue
	// was last open.
	f.env.Clock.Add(sotepe.ChatPresenceWindow + time.Second)
	if l := lineStatus(t, f.svc, "dental"); l.Open || l.Closed != sotepe.ChatClosedUnstaffed {
		t.Errorf("a minute after the nurse left: %+v", l)
	}
}

func TestFiguresOnStore(t *testing.T) { testenv.Engines(t, testFiguresService) }

func testFiguresService(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.present(t, "nurse")
	nctx, nurse := f.as("nurse")
	a := f.start(t, "anna", "nurse", "Hei")
	f.start(t, "erik", "nurse", "Hej")
	f.start(t, "anna", "dental", "Hei")
	f.env.Clock.Add(2 * time.Minute)
	if _, err := f.svc.Take(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(5 * time.Minute)
	if _, err := f.svc.Close(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	f.env.Clock.Add(10 * time.Minute)
	if n, err := f.svc.SweepAbandoned(ctx); err != nil || n != 2 {
		t.Fatalf("abandoned %d %v", n, err)
	}
	loc := f.env.Location
	q := sotepe.ChatFigureQuery{From: time.Date(2026, 11, 23, 0, 0, 0, 0, loc), To: time.Date(2026, 11, 24, 0, 0, 0, 0, loc), By: ByLine}
	mctx, manager := f.as("manager")
	figs, err := f.svc.Figures(mctx, manager, q)
	if err != nil || len(figs) != 1 || figs[0].Key != "nurse" {
		t.Fatalf("the manager's figures: %+v %v", figs, err)
	}
	n := figs[0]
	if n.Started != 2 || n.Answered != 1 || n.Abandoned != 1 || n.WaitP50 == nil || *n.WaitP50 != 120 || n.DurationP90 == nil || *n.DurationP90 != 300 {
		t.Errorf("nurse line: %+v", n)
	}
	actx, analyst := f.as("analyst")
	all, err := f.svc.Figures(actx, analyst, q)
	if err != nil || len(all) != 2 || all[0].Key != "dental" || all[0].Abandoned != 1 {
		t.Errorf("the analyst's figures: %+v %v", all, err)
	}
	q.By = ByHour
	if h, err := f.svc.Figures(actx, analyst, q); err != nil || len(h) != 1 || h[0].Key != "10" || h[0].Started != 3 {
		t.Errorf("by hour: %+v %v", h, err)
	}
	q.By = ByUnit
	if u, err := f.svc.Figures(mctx, manager, q); err != nil || len(u) != 2 || u[1].Key != "kallio-health-station" || u[1].Answered != 1 {
		t.Errorf("by unit: %+v %v", u, err)
	}
	q.Lines = []string{"dental"}
	_, err = f.svc.Figures(mctx, manager, q)
	testenv.Code(t, err, sotepe.EForbidden)
	q.Lines, q.By = nil, "week"
	_, err = f.svc.Figures(actx, analyst, q)
	if sotepe.ErrorKey(err) != "chat.error.group" {
		t.Errorf("bad grouping: %v", err)
	}
	q.By, q.To = ByLine, q.From
	_, err = f.svc.Figures(actx, analyst, q)
	if sotepe.ErrorKey(err) != "chat.error.period" {
		t.Errorf("empty period: %v", err)
	}
	for _, name := range []string{"anna", "nurse"} {
		ctx, u := f.as(name)
		_, err := f.svc.Figures(ctx, u, q)
		testenv.Code(t, err, sotepe.EForbidden)
	}
}

// receive waits up to d for a signal on ch.
func receive(t *testing.T, ch <-chan sotepe.ChatSignal, d time.Duration) (sotepe.ChatSignal, bool) {
	t.Helper()
	select {
	case s, ok := <-ch:
		return s, ok
	case <-time.After(d):
		return sotepe.ChatSignal{}, false
	}
}

func TestHubDelivery(t *testing.T) { testenv.Engines(t, testHubDelivery) }

func testHubDelivery(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse")
	a := f.start(t, "anna", "nurse", "Hei")
	actx, anna := f.as("anna")
	nctx, nurse := f.as("nurse")
	ectx, erik := f.as("erik")
	if _, err := f.svc.Take(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.svc.Listen(ectx, erik, a.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	lctx, endStream := context.WithCancel(context.Background())
	toAnna, stopAnna, err := f.svc.Listen(lctx, anna, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer stopAnna()
	toNurse, stopNurse, err := f.svc.Listen(nctx, nurse, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(actx, anna, a.ID, "Oletko siellä?"); err != nil {
		t.Fatal(err)
	}
	for who, ch := range map[string]<-chan sotepe.ChatSignal{"anna": toAnna, "nurse": toNurse} {
		if s, ok := receive(t, ch, time.Second); !ok || s.ChatID != a.ID || s.Typing != "" {
			t.Errorf("%s got %+v %v after a message", who, s, ok)
		}
	}
	// Typing: the other side learns who; more than once a second is
	// dropped.
	if err := f.svc.Typing(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Typing(nctx, nurse, a.ID); err != nil {
		t.Fatal(err)
	}
	if s, ok := receive(t, toAnna, time.Second); !ok || s.Typing != TypingStaff || s.Name != "Sanna Nurmi" {
		t.Errorf("anna got %+v %v while the nurse typed", s, ok)
	}
	// Publishing is synchronous: what Typing signalled is in the channel
	// when it returns.
	if len(toAnna) != 0 {
		t.Errorf("a second typing signal within the second: %+v", <-toAnna)
	}
	f.env.Clock.Add(time.Second)
	if err := f.svc.Typing(actx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	heard := false
	for len(toNurse) > 0 {
		if s := <-toNurse; s.Typing == TypingResident && s.Name == "" {
			heard = true
		}
	}
	if !heard {
		t.Error("the nurse did not learn that anna types")
	}
	stopNurse()
	if _, ok := <-toNurse; ok {
		t.Error("the nurse's channel is open after cancel")
	}
	// The end of the stream's context ends the subscription and closes
	// the channel.
	endStream()
	closed := make(chan struct{})
	go func() {
		for range toAnna {
		}
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("anna's channel stayed open after her stream's context ended")
	}
	if n := f.svc.Hub().Listeners(a.ID); n != 0 {
		t.Errorf("%d listeners after the streams ended", n)
	}
}

func TestActingOnBehalf(t *testing.T) { testenv.Engines(t, testActingOnBehalf) }

// A guardian or delegate acting for someone opens the principal's chat: it
// is the principal's (they see it signed in themselves), opened by the
// delegate, in the delegate's language; the delegate's own chats are apart.
func testActingOnBehalf(t *testing.T) {
	f := newFixture(t)
	f.present(t, "nurse")
	actx, anna := f.as("anna")
	ectx, erik := f.as("erik")
	acting := anna
	acting.ResidentID = erik.ResidentID
	acting.Acting = &sotepe.Acting{Principal: sotepe.Principal{ResidentID: erik.ResidentID}, DelegateResidentID: anna.ResidentID, DelegateName: anna.Name}
	c, created, err := f.svc.Start(actx, acting, "nurse", "Kysyn Erikin puolesta")
	if err != nil || !created {
		t.Fatal(err)
	}
	if c.OpenedBy != anna.ID || c.ResidentID != erik.ResidentID || c.Lang != sotepe.Finnish {
		t.Errorf("chat opened for erik: opened by %d, resident %d, lang %s", c.OpenedBy, c.ResidentID, c.Lang)
	}
	if got, err := f.svc.Get(ectx, erik, c.ID); err != nil || got.ID != c.ID {
		t.Errorf("erik reads the chat opened for him: %v", err)
	}
	_, err = f.svc.Get(actx, anna, c.ID)
	testenv.Code(t, err, sotepe.ENotFound)
	if mine, err := f.svc.Mine(actx, anna); err != nil || len(mine) != 0 {
		t.Errorf("anna's own chats: %+v %v", mine, err)
	}
}
