package chat

import (
	"context"
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

	// A stream's reads of the log: the first is audited, quiet re-reads
	// within accessTTL are not, and after it or a change the next one is.
	events := func() {
		t.Helper()
		if _, err := f.svc.Events(other.ctx, other.u, a.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	before = reads()
	events()
	if n := reads(); n != before+1 {
		t.Fatalf("the stream's first read: %d → %d audit rows, want one more", before, n)
	}
	events()
	events()
	if n := reads(); n != before+1 {
		t.Errorf("quiet re-reads within %v were audited: %d → %d", accessTTL, before+1, n)
	}
	f.env.Clock.Add(accessTTL + time.Second)
	events()
	if n := reads(); n != before+2 {
		t.Errorf("a re-read after %v was not audited: %d → %d", accessTTL, before+1, n)
	}
	if _, err := f.svc.Send(actx, anna, a.ID, "Vielä yksi kysymys"); err != nil {
		t.Fatal(err)
	}
	events()
	if n := reads(); n != before+3 {
		t.Errorf("the read after a new message was not audited: %d → %d", before+2, n)
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
