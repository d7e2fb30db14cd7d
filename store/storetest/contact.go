package storetest

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe"
)

const (
	kallio   = "kallio-health-station"
	vuosaari = "vuosaari-dental"
)

// contactFixture is the network with two residents (one with an account),
// staff of two units, and the test clock.
type contactFixture struct {
	withAccount, withoutAccount sotepe.Resident
	account                     sotepe.User // withAccount's own account
	nurse                       sotepe.User // professional at kallio
	manager                     sotepe.User // manager at kallio
	bothManager                 sotepe.User // manager at kallio and vuosaari
	dentist                     sotepe.User // professional at vuosaari
	t0                          time.Time
}

func seedContacts(t testing.TB, s Store) contactFixture {
	t.Helper()
	ctx := adminCtx()
	seedUnits(t, s)
	var f contactFixture
	var err error
	f.t0 = s.Clock.Now()
	f.withAccount, err = s.CreateResident(ctx, newResident(20))
	must(t, err)
	f.withoutAccount, err = s.CreateResident(ctx, newResident(21))
	must(t, err)
	user := func(name string, roles []sotepe.Role, units []string, resident int64, lang sotepe.Lang) sotepe.User {
		u, err := s.CreateUser(ctx, sotepe.NewUser{Username: name, Name: name, Lang: lang, Roles: roles, Units: units, ResidentID: resident})
		must(t, err)
		return u
	}
	f.account = user("maija", []sotepe.Role{sotepe.RoleResident}, nil, f.withAccount.ID, sotepe.Swedish)
	f.nurse = user("nurse", []sotepe.Role{sotepe.RoleProfessional}, []string{kallio}, 0, sotepe.Finnish)
	f.manager = user("manager", []sotepe.Role{sotepe.RoleManager}, []string{kallio}, 0, sotepe.English)
	f.bothManager = user("director", []sotepe.Role{sotepe.RoleProfessional, sotepe.RoleManager}, []string{vuosaari, kallio}, 0, sotepe.Finnish)
	f.dentist = user("dentist", []sotepe.Role{sotepe.RoleProfessional}, []string{vuosaari}, 0, sotepe.Finnish)
	// A professional of kallio who is no manager, and a disabled manager,
	// are never notified of breaches.
	user("other-nurse", []sotepe.Role{sotepe.RoleProfessional}, []string{kallio}, 0, sotepe.Finnish)
	gone := user("gone", []sotepe.Role{sotepe.RoleManager}, []string{kallio}, 0, sotepe.Finnish)
	_, err = s.DB().ExecContext(context.Background(), `UPDATE users SET disabled = $1 WHERE id = $2`, true, gone.ID)
	must(t, err)
	return f
}

// portal is a portal request of resident at unit for service, due at due.
func portal(resident int64, service, unit string, received, due time.Time) sotepe.ContactRequest {
	return sotepe.ContactRequest{
		ResidentID: resident, ServiceID: service, UnitID: unit, Channel: sotepe.ChannelPortal,
		Status: sotepe.StatusNew, Lang: sotepe.Finnish, ReceivedAt: received, DueAt: due,
		Messages: []sotepe.Message{{Body: "Voisitteko soittaa?", At: received}},
	}
}

func residentCtx(u sotepe.User) context.Context {
	return sotepe.WithActor(context.Background(), sotepe.Actor{UserID: u.ID, Role: sotepe.RoleResident, RequestID: "req-resident"})
}

// count returns the single number query (with args) selects.
func count(t testing.TB, s Store, query string, args ...any) int {
	t.Helper()
	var n int
	must(t, s.DB().QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

func testContactRoundTrip(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := residentCtx(f.account)
	in := portal(f.withAccount.ID, "nurse", kallio, f.t0.Add(-time.Minute), f.t0.Add(48*time.Hour))
	in.Lang = "SV"
	in.Status = ""
	in.ReceivedAt = in.ReceivedAt.In(time.FixedZone("EEST", 3*3600)).Add(123 * time.Nanosecond)
	in.Messages[0].AuthorID = f.account.ID
	stored, created, err := s.CreateContactRequest(ctx, in, "")
	must(t, err)
	if !created || stored.ID == 0 || len(stored.Messages) != 1 || stored.Messages[0].ID == 0 ||
		stored.Status != sotepe.StatusNew || stored.Lang != sotepe.Swedish || stored.ReceivedAt.Location() != time.UTC {
		t.Fatalf("stored = %+v", stored)
	}
	own := sotepe.ContactScope{ResidentID: f.withAccount.ID}
	got, err := s.ContactRequest(ctx, stored.ID, own)
	must(t, err)
	if !reflect.DeepEqual(got, stored) {
		t.Fatalf("read\n%+v\nwant\n%+v", got, stored)
	}

	// A thread in time order; ties keep the order of writing.
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	at := f.t0.Add(time.Hour)
	note, err := s.AddMessage(nurseCtx, stored.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Internal: true, Body: "Soitan huomenna", At: at}, sotepe.StatusInProgress)
	must(t, err)
	answer, err := s.AddMessage(nurseCtx, stored.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Soitamme huomenna", At: at}, sotepe.StatusAnswered)
	must(t, err)
	early, err := s.AddMessage(ctx, stored.ID, sotepe.Message{AuthorID: f.account.ID, Body: "Kiitos", At: f.t0}, sotepe.StatusInProgress)
	must(t, err)
	got, err = s.ContactRequest(ctx, stored.ID, own)
	must(t, err)
	want := stored
	want.Status, want.FirstAnsweredAt = sotepe.StatusInProgress, at
	want.Messages = []sotepe.Message{stored.Messages[0], early, note, answer}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("thread\n%+v\nwant\n%+v", got, want)
	}

	// The website form: contact details, no resident.
	web := portal(0, "dental", vuosaari, f.t0, f.t0.Add(24*time.Hour))
	web.Channel = sotepe.ChannelWebsite
	web.Contact = &sotepe.ContactDetails{Name: "Anna Asukas", Email: "anna@example.org"}
	ws, created, err := s.CreateContactRequest(context.Background(), web, "")
	must(t, err)
	if !created || ws.ResidentID != 0 || ws.Messages[0].AuthorID != 0 {
		t.Fatalf("website request = %+v", ws)
	}
	got, err = s.ContactRequest(context.Background(), ws.ID, sotepe.ContactScope{Units: []string{vuosaari}})
	must(t, err)
	if !reflect.DeepEqual(got, ws) || got.Contact.Phone != "" || got.Contact.Email != "anna@example.org" {
		t.Fatalf("website request read %+v", got)
	}

	// Out of scope is not found, exactly like a missing id.
	for _, c := range []struct {
		id    int64
		scope sotepe.ContactScope
	}{
		{stored.ID, sotepe.ContactScope{}},
		{stored.ID, sotepe.ContactScope{ResidentID: f.withoutAccount.ID}},
		{stored.ID, sotepe.ContactScope{Units: []string{vuosaari}}},
		{stored.ID, sotepe.ContactScope{ResidentID: f.withAccount.ID, Units: []string{vuosaari}}},
		{ws.ID, sotepe.ContactScope{ResidentID: f.withAccount.ID}},
		{999999, own},
	} {
		_, err := s.ContactRequest(ctx, c.id, c.scope)
		wantCode(t, err, sotepe.ENotFound)
	}
	_, err = s.ContactRequest(ctx, stored.ID, sotepe.ContactScope{Units: []string{vuosaari, kallio}})
	must(t, err)

	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.create' AND object = $1 AND resident_id = $2 AND actor_id = $3`,
		contactObject(stored.ID), f.withAccount.ID, f.account.ID); n != 1 {
		t.Fatalf("%d contact.create rows", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.create' AND object = $1 AND resident_id IS NULL`,
		contactObject(ws.ID)); n != 1 {
		t.Fatalf("%d contact.create rows of the website request", n)
	}
}

func testContactInvalid(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := adminCtx()
	bad := func(change func(r *sotepe.ContactRequest), code, key string) {
		t.Helper()
		r := portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
		change(&r)
		_, _, err := s.CreateContactRequest(ctx, r, "key-"+key)
		wantKey(t, err, code, key)
	}
	bad(func(r *sotepe.ContactRequest) { r.ServiceID = "nope" }, sotepe.EInvalid, "error.unknown_service")
	bad(func(r *sotepe.ContactRequest) { r.UnitID = "nope" }, sotepe.EInvalid, "error.unknown_unit")
	bad(func(r *sotepe.ContactRequest) { r.ResidentID = 999999 }, sotepe.EInvalid, "error.unknown_resident")
	bad(func(r *sotepe.ContactRequest) { r.RecordedBy = 999999 }, sotepe.EInvalid, "error.reference")
	bad(func(r *sotepe.ContactRequest) { r.Messages[0].AuthorID = 999999 }, sotepe.EInvalid, "error.reference")
	bad(func(r *sotepe.ContactRequest) { r.Messages = nil }, sotepe.EInvalid, "error.message_empty")
	bad(func(r *sotepe.ContactRequest) { r.Messages[0].Body = "  " }, sotepe.EInvalid, "error.message_empty")
	bad(func(r *sotepe.ContactRequest) { r.Messages = append(r.Messages, r.Messages[0]) }, sotepe.EInvalid, "error.invalid")
	bad(func(r *sotepe.ContactRequest) { r.Messages[0].Body = strings.Repeat("ä", 5001) }, sotepe.EInvalid, "error.message_long")
	bad(func(r *sotepe.ContactRequest) { r.Channel = "" }, sotepe.EInvalid, "error.channel")
	bad(func(r *sotepe.ContactRequest) { r.Status = sotepe.StatusClosed }, sotepe.EInvalid, "error.status")
	bad(func(r *sotepe.ContactRequest) { r.Status = "lost" }, sotepe.EInvalid, "error.status")
	bad(func(r *sotepe.ContactRequest) { r.Lang = "de" }, sotepe.EInvalid, "error.lang")
	bad(func(r *sotepe.ContactRequest) { r.DueAt = time.Time{} }, sotepe.EInvalid, "error.invalid")
	bad(func(r *sotepe.ContactRequest) { r.ResidentID = 0 }, sotepe.EInvalid, "error.contact_details")
	_, _, err := s.CreateContactRequest(ctx, portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0), strings.Repeat("k", 201))
	wantKey(t, err, sotepe.EInvalid, "error.idempotency_key")
	if n := count(t, s, `SELECT COUNT(*) FROM contact_requests`); n != 0 {
		t.Fatalf("%d requests stored by failed creates", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'contact.%'`); n != 0 {
		t.Fatalf("%d audit rows of failed creates", n)
	}
	// The channel set is open-ended.
	r := portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0)
	r.Channel = "video"
	stored, _, err := s.CreateContactRequest(ctx, r, "")
	must(t, err)
	if stored.Channel != "video" {
		t.Fatalf("channel %q", stored.Channel)
	}
}

func testContactIdempotency(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := residentCtx(f.account)
	in := portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
	first, created, err := s.CreateContactRequest(ctx, in, "abc")
	must(t, err)
	if !created {
		t.Fatal("first submission not created")
	}
	// A retry, even with another body, returns what was stored.
	again := in
	again.Messages = []sotepe.Message{{Body: "toinen"}}
	second, created, err := s.CreateContactRequest(ctx, again, "abc")
	must(t, err)
	if created || !reflect.DeepEqual(second, first) {
		t.Fatalf("retry = %v %+v, want %+v", created, second, first)
	}
	// The same key of another resident, and of the website form, are
	// other requests; so is no key.
	other := portal(f.withoutAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
	o, created, err := s.CreateContactRequest(ctx, other, "abc")
	must(t, err)
	if !created || o.ID == first.ID {
		t.Fatalf("other resident's request = %v %+v", created, o)
	}
	web := portal(0, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
	web.Channel, web.Contact = sotepe.ChannelWebsite, &sotepe.ContactDetails{Name: "Anna", Phone: "040 123"}
	w1, created1, err := s.CreateContactRequest(context.Background(), web, "abc")
	must(t, err)
	w2, created2, err := s.CreateContactRequest(context.Background(), web, "abc")
	must(t, err)
	if !created1 || created2 || w1.ID != w2.ID || w1.ID == first.ID || w1.ID == o.ID {
		t.Fatalf("website submissions %v %v %d %d", created1, created2, w1.ID, w2.ID)
	}
	for range 2 {
		_, created, err := s.CreateContactRequest(ctx, in, "")
		must(t, err)
		if !created {
			t.Fatal("a request without a key was not created")
		}
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_requests`); n != 5 {
		t.Fatalf("%d requests, want 5", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.create'`); n != 5 {
		t.Fatalf("%d contact.create rows, want 5", n)
	}

	// Twenty concurrent submissions with one key store one request, and
	// all of them return it.
	const workers = 20
	race := portal(f.withoutAccount.ID, "dental", vuosaari, f.t0, f.t0.Add(time.Hour))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[int64]int{}
	createdCount := 0
	start := make(chan struct{})
	for range workers {
		wg.Go(func() {
			<-start
			r, created, err := s.CreateContactRequest(context.Background(), race, "race-key")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			ids[r.ID]++
			if created {
				createdCount++
			}
		})
	}
	close(start)
	wg.Wait()
	if len(ids) != 1 || createdCount != 1 {
		t.Fatalf("concurrent submissions: ids %v, %d created", ids, createdCount)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_requests WHERE idempotency_key = 'race-key'`); n != 1 {
		t.Fatalf("%d rows with the raced key", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_messages m JOIN contact_requests c ON c.id = m.request_id WHERE c.idempotency_key = 'race-key'`); n != 1 {
		t.Fatalf("%d messages of the raced request", n)
	}

	// A staff member's retry of a phone request returns stored data:
	// it is audited as a read.
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	phone := portal(f.withoutAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
	phone.Channel, phone.RecordedBy = sotepe.ChannelPhone, f.nurse.ID
	p1, _, err := s.CreateContactRequest(nurseCtx, phone, "phone-1")
	must(t, err)
	p2, created, err := s.CreateContactRequest(nurseCtx, phone, "phone-1")
	must(t, err)
	if created || p2.ID != p1.ID || p2.RecordedBy != f.nurse.ID || p2.Channel != sotepe.ChannelPhone {
		t.Fatalf("phone retry = %v %+v", created, p2)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.read' AND object = $1 AND resident_id = $2 AND basis = 'client_request'`,
		contactObject(p1.ID), f.withoutAccount.ID); n != 1 {
		t.Fatalf("%d read rows of a staff retry", n)
	}
}

// testContactIdempotencyRace makes the race of two submissions with one key
// happen for certain on PostgreSQL: another transaction has inserted the
// key but not committed when CreateContactRequest looks it up, so the
// look-up misses and the insert meets the unique index. (SQLite's single
// writer never lets the look-up miss.)
func testContactIdempotencyRace(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	must(t, err)
	defer tx.Rollback()
	var winner int64
	must(t, tx.QueryRowContext(ctx, `
		INSERT INTO contact_requests (resident_id, service_id, unit_id, channel, status, lang, received_at, due_at, idempotency_key, created_at)
		VALUES ($1, 'nurse', $2, 'portal', 'new', 'fi', 0, 0, 'k', 0) RETURNING id`, f.withAccount.ID, kallio).Scan(&winner))
	type result struct {
		r       sotepe.ContactRequest
		created bool
		err     error
	}
	done := make(chan result)
	go func() {
		r, created, err := s.CreateContactRequest(ctx, portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "k")
		done <- result{r, created, err}
	}()
	// Wait until the loser's insert waits on the winner's row.
	deadline := time.Now().Add(10 * time.Second)
	for count(t, s, `SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%ON CONFLICT DO NOTHING%'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the second submission never waited for the first")
		}
		time.Sleep(10 * time.Millisecond)
	}
	must(t, tx.Commit())
	res := <-done
	must(t, res.err)
	if res.created || res.r.ID != winner {
		t.Fatalf("loser got created=%v id %d, want the winner's %d", res.created, res.r.ID, winner)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_requests`); n != 1 {
		t.Fatalf("%d requests", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM contact_messages`); n != 0 {
		t.Fatalf("the loser stored %d messages", n)
	}
}

func testContactReadAudit(t *testing.T, s Store) {
	f := seedContacts(t, s)
	r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	own := sotepe.ContactScope{ResidentID: f.withAccount.ID}
	units := sotepe.ContactScope{Units: f.nurse.Units}

	// The resident's own reads and the system's leave no row.
	_, err = s.ContactRequest(residentCtx(f.account), r.ID, own)
	must(t, err)
	_, err = s.ContactRequest(context.Background(), r.ID, units)
	must(t, err)
	// Staff reads outside scope or of a missing request leave none.
	nurseCtx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	_, err = s.ContactRequest(nurseCtx, r.ID, sotepe.ContactScope{Units: []string{vuosaari}})
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.ContactRequest(nurseCtx, 999999, units)
	wantCode(t, err, sotepe.ENotFound)
	log, err := s.AccessLog(context.Background(), f.withAccount.ID, sotepe.PageRequest{})
	must(t, err)
	if len(log.Items) != 0 {
		t.Fatalf("access log after unaudited reads = %+v", log.Items)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.read'`); n != 0 {
		t.Fatalf("%d contact.read rows", n)
	}

	s.Clock.Set(f.t0.Add(time.Minute))
	_, err = s.ContactRequest(nurseCtx, r.ID, units)
	must(t, err)
	log, err = s.AccessLog(context.Background(), f.withAccount.ID, sotepe.PageRequest{})
	must(t, err)
	want := []sotepe.Access{{At: f.t0.Add(time.Minute), ActorName: "nurse", ActorRole: sotepe.RoleProfessional, Unit: kallio,
		Action: sotepe.ActionContactRead, Basis: sotepe.BasisClientRequest}}
	if !reflect.DeepEqual(log.Items, want) {
		t.Fatalf("access log = %+v", log.Items)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.read' AND object = $1 AND request_id = 'req-staff'`,
		contactObject(r.ID)); n != 1 {
		t.Fatalf("%d contact.read rows", n)
	}

	// When the row cannot be written, nothing is returned.
	breakAuditInserts(t, s)
	if _, err := s.ContactRequest(nurseCtx, r.ID, units); err == nil {
		t.Fatal("staff read returned data without its audit row")
	}
	if _, err := s.ContactRequest(residentCtx(f.account), r.ID, own); err != nil {
		t.Fatalf("resident read needs no audit row: %v", err)
	}
}

func testAddMessage(t *testing.T, s Store) {
	f := seedContacts(t, s)
	// A second account of the same resident is told too; a disabled
	// one is not.
	second, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "maija2", Name: "Maija", Lang: sotepe.English,
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: f.withAccount.ID})
	must(t, err)
	off, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "maija3", Name: "Maija", Lang: sotepe.Finnish,
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: f.withAccount.ID})
	must(t, err)
	_, err = s.DB().ExecContext(context.Background(), `UPDATE users SET disabled = $1 WHERE id = $2`, true, off.ID)
	must(t, err)

	ctx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	status := func(want sotepe.ContactStatus, answered time.Time) {
		t.Helper()
		got, err := s.ContactRequest(context.Background(), r.ID, sotepe.ContactScope{ResidentID: f.withAccount.ID})
		must(t, err)
		if got.Status != want || !got.FirstAnsweredAt.Equal(answered) {
			t.Fatalf("status %s answered %v, want %s %v", got.Status, got.FirstAnsweredAt, want, answered)
		}
	}
	notifications := func() int {
		return count(t, s, `SELECT COUNT(*) FROM notifications WHERE request_id = $1`, r.ID)
	}

	// An internal note and the resident's own message answer nothing.
	at := f.t0.Add(time.Minute)
	m, err := s.AddMessage(ctx, r.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Internal: true, Body: "muistiinpano", At: at}, "")
	must(t, err)
	if m.ID == 0 || !m.At.Equal(at) || !m.Internal {
		t.Fatalf("note = %+v", m)
	}
	status(sotepe.StatusNew, time.Time{})
	_, err = s.AddMessage(residentCtx(f.account), r.ID, sotepe.Message{AuthorID: f.account.ID, Body: "lisää"}, sotepe.StatusInProgress)
	must(t, err)
	status(sotepe.StatusInProgress, time.Time{})
	if n := notifications(); n != 0 {
		t.Fatalf("%d notifications before an answer", n)
	}

	// The first staff answer sets FirstAnsweredAt and tells both
	// enabled accounts, each in its language.
	answerAt := f.t0.Add(2 * time.Minute)
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Mikä on tilanne?", At: answerAt}, sotepe.StatusWaiting)
	must(t, err)
	status(sotepe.StatusWaiting, answerAt)
	pending, err := s.PendingNotifications(context.Background(), s.Clock.Now(), 0)
	must(t, err)
	got := map[int64]sotepe.Lang{}
	for _, n := range pending {
		if n.Kind != sotepe.NotifyNewMessage || n.RequestID != r.ID || !n.CreatedAt.Equal(s.Clock.Now()) || n.Attempts != 0 {
			t.Fatalf("notification = %+v", n)
		}
		got[n.UserID] = n.Lang
	}
	if !reflect.DeepEqual(got, map[int64]sotepe.Lang{f.account.ID: sotepe.Swedish, second.ID: sotepe.English}) {
		t.Fatalf("notified %v", got)
	}
	// A later answer keeps the first time and notifies again.
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Vastaus", At: f.t0.Add(time.Hour)}, sotepe.StatusAnswered)
	must(t, err)
	status(sotepe.StatusAnswered, answerAt)
	if n := notifications(); n != 4 {
		t.Fatalf("%d notifications, want 4", n)
	}

	// Nobody to tell for a resident without an account, or the website form.
	for _, in := range []sotepe.ContactRequest{
		portal(f.withoutAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)),
		func() sotepe.ContactRequest {
			w := portal(0, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
			w.Channel, w.Contact = sotepe.ChannelWebsite, &sotepe.ContactDetails{Name: "Anna", Phone: "040"}
			return w
		}(),
	} {
		o, _, err := s.CreateContactRequest(context.Background(), in, "")
		must(t, err)
		_, err = s.AddMessage(ctx, o.ID, sotepe.Message{AuthorID: f.nurse.ID, FromStaff: true, Body: "Vastaus"}, sotepe.StatusAnswered)
		must(t, err)
		if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE request_id = $1`, o.ID); n != 0 {
			t.Fatalf("%d notifications for request %d", n, o.ID)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM contact_requests WHERE id = $1 AND first_answered_at IS NOT NULL`, o.ID); n != 1 {
			t.Fatal("answer without FirstAnsweredAt")
		}
	}

	if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.message' AND object = $1 AND resident_id = $2`,
		contactObject(r.ID), f.withAccount.ID); n != 4 {
		t.Fatalf("%d contact.message rows", n)
	}

	// Invalid messages and statuses change nothing.
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{Body: " "}, sotepe.StatusAnswered)
	wantKey(t, err, sotepe.EInvalid, "error.message_empty")
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{Body: strings.Repeat("x", 5001)}, sotepe.StatusAnswered)
	wantKey(t, err, sotepe.EInvalid, "error.message_long")
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{Body: "x"}, sotepe.StatusClosed)
	wantKey(t, err, sotepe.EInvalid, "error.status")
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{Body: "x", AuthorID: 999999}, sotepe.StatusAnswered)
	wantKey(t, err, sotepe.EInvalid, "error.reference")
	_, err = s.AddMessage(ctx, 999999, sotepe.Message{Body: "x"}, sotepe.StatusAnswered)
	wantCode(t, err, sotepe.ENotFound)
	status(sotepe.StatusAnswered, answerAt)
}

func testAssignAndClose(t *testing.T, s Store) {
	f := seedContacts(t, s)
	ctx := staffCtx(f.nurse.ID, sotepe.RoleProfessional, kallio)
	r, _, err := s.CreateContactRequest(residentCtx(f.account), portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour)), "")
	must(t, err)
	read := func() sotepe.ContactRequest {
		got, err := s.ContactRequest(context.Background(), r.ID, sotepe.ContactScope{Units: []string{kallio}})
		must(t, err)
		return got
	}
	must(t, s.AssignContactRequest(ctx, r.ID, f.nurse.ID))
	if got := read(); got.AssignedTo != f.nurse.ID {
		t.Fatalf("assigned to %d", got.AssignedTo)
	}
	must(t, s.AssignContactRequest(ctx, r.ID, 0))
	if got := read(); got.AssignedTo != 0 {
		t.Fatalf("unassigned, still %d", got.AssignedTo)
	}
	wantKey(t, s.AssignContactRequest(ctx, r.ID, 999999), sotepe.EInvalid, "error.reference")
	wantCode(t, s.AssignContactRequest(ctx, 999999, f.nurse.ID), sotepe.ENotFound)

	wantKey(t, s.CloseContactRequest(ctx, r.ID, "solved", f.t0), sotepe.EInvalid, "error.resolution")
	wantCode(t, s.CloseContactRequest(ctx, 999999, sotepe.ResolutionAnswered, f.t0), sotepe.ENotFound)
	closedAt := f.t0.Add(time.Hour)
	must(t, s.CloseContactRequest(ctx, r.ID, sotepe.ResolutionAppointment, closedAt))
	got := read()
	if got.Status != sotepe.StatusClosed || !got.ClosedAt.Equal(closedAt) || got.Resolution != sotepe.ResolutionAppointment {
		t.Fatalf("closed = %+v", got)
	}
	wantKey(t, s.CloseContactRequest(ctx, r.ID, sotepe.ResolutionAnswered, closedAt), sotepe.EConflict, "error.request_closed")
	_, err = s.AddMessage(ctx, r.ID, sotepe.Message{Body: "myöhässä", FromStaff: true}, sotepe.StatusAnswered)
	wantKey(t, err, sotepe.EConflict, "error.request_closed")
	wantKey(t, s.AssignContactRequest(ctx, r.ID, f.nurse.ID), sotepe.EConflict, "error.request_closed")
	if got := read(); !reflect.DeepEqual(got, read()) || len(got.Messages) != 1 || got.Resolution != sotepe.ResolutionAppointment {
		t.Fatalf("closed request changed: %+v", got)
	}

	for action, want := range map[string]int{"contact.assign": 2, "contact.close": 1, "contact.message": 0} {
		if n := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object = $2 AND resident_id = $3 AND actor_id = $4`,
			action, contactObject(r.ID), f.withAccount.ID, f.nurse.ID); n != want {
			t.Errorf("%d %s rows, want %d", n, action, want)
		}
	}
}
