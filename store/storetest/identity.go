package storetest

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sotepe"
)

// signInCtx is the context of a sign-in callback: nobody is signed in yet.
func signInCtx() context.Context {
	return sotepe.WithActor(context.Background(), sotepe.Actor{RequestID: "req-sign-in"})
}

// actingCtx is the context of a resident user acting for principal.
func actingCtx(u sotepe.User, principal int64) context.Context {
	return sotepe.WithActor(context.Background(), sotepe.Actor{UserID: u.ID, Role: sotepe.RoleResident,
		RequestID: "req-acting", OnBehalfOf: principal})
}

// auditRow is an audit row as stored, for checks outside the store.
type auditRow struct {
	Actor, Resident, OnBehalf int64
	Action, Object, Request   string
}

// auditRows returns the rows whose action is one of actions, oldest first.
func auditRows(t testing.TB, s Store, actions ...string) []auditRow {
	t.Helper()
	args := make([]any, len(actions))
	marks := make([]string, len(actions))
	for i, a := range actions {
		args[i], marks[i] = a, "$"+strconv.Itoa(i+1)
	}
	rows, err := s.DB().QueryContext(context.Background(), `
		SELECT actor_id, COALESCE(resident_id, 0), COALESCE(on_behalf_of, 0), action, object, request_id
		FROM audit_log WHERE action IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
	must(t, err)
	defer rows.Close()
	out := []auditRow{}
	for rows.Next() {
		var r auditRow
		must(t, rows.Scan(&r.Actor, &r.Resident, &r.OnBehalf, &r.Action, &r.Object, &r.Request))
		out = append(out, r)
	}
	must(t, rows.Err())
	return out
}

func testSignInResident(t *testing.T, s Store) {
	seedUnits(t, s)
	ctx := signInCtx()
	p := newResident(20)
	p.FirstName, p.LastName, p.Lang = "Aino", "Virtanen", sotepe.Swedish
	p.PersonalID = strings.ToLower(p.PersonalID)

	// A first sign-in makes the resident, the account and the link.
	u, err := s.SignInResident(ctx, "suomifi", "subject-1", p)
	must(t, err)
	if u.ID == 0 || u.ResidentID == 0 || u.Username != "r"+strconv.FormatInt(u.ResidentID, 10) ||
		u.Name != "Aino Virtanen" || u.Lang != sotepe.Swedish || u.Disabled ||
		!slices.Equal(u.Roles, []sotepe.Role{sotepe.RoleResident}) || len(u.Units) != 0 {
		t.Fatalf("signed-in user = %+v", u)
	}
	res, err := s.Resident(context.Background(), u.ResidentID)
	must(t, err)
	if res.PersonalID != strings.ToUpper(p.PersonalID) || res.FullName() != "Aino Virtanen" || res.Lang != sotepe.Swedish {
		t.Fatalf("resident = %+v", res)
	}
	_, hash, err := s.UserByUsername(context.Background(), u.Username)
	must(t, err)
	if hash != "" {
		t.Fatalf("a signed-in resident's account has a password hash %q", hash)
	}
	byID, err := s.UserByIdentity(context.Background(), "suomifi", "subject-1")
	must(t, err)
	if byID.ID != u.ID {
		t.Fatalf("identity links user %d, want %d", byID.ID, u.ID)
	}
	want := []auditRow{
		{Resident: u.ResidentID, Action: sotepe.ActionResidentCreate, Object: residentObject(u.ResidentID), Request: "req-sign-in"},
		{Resident: u.ResidentID, Action: sotepe.ActionUserCreate, Object: userObject(u.ID), Request: "req-sign-in"},
		{Action: sotepe.ActionIdentityLink, Object: userObject(u.ID) + "/suomifi", Request: "req-sign-in"},
	}
	actions := []string{sotepe.ActionResidentCreate, sotepe.ActionUserCreate, sotepe.ActionIdentityLink}
	if got := auditRows(t, s, actions...); !reflect.DeepEqual(got, want) {
		t.Fatalf("audit rows of a first sign-in =\n%+v\nwant\n%+v", got, want)
	}

	// The next sign-in finds the account and writes nothing, whatever the
	// provider now says of the name.
	p2 := p
	p2.FirstName = "Changed"
	again, err := s.SignInResident(ctx, "suomifi", "subject-1", p2)
	must(t, err)
	if !reflect.DeepEqual(again, u) {
		t.Fatalf("second sign-in = %+v, want %+v", again, u)
	}
	// Another provider's identity of the same person links the same account.
	other, err := s.SignInResident(ctx, "other-idp", "xyz", p)
	must(t, err)
	if other.ID != u.ID {
		t.Fatalf("second identity signed in user %d, want %d", other.ID, u.ID)
	}
	if got := auditRows(t, s, actions...); len(got) != 4 || got[3].Object != userObject(u.ID)+"/other-idp" {
		t.Fatalf("audit rows after more sign-ins = %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM residents`); n != 1 {
		t.Fatalf("%d residents", n)
	}

	// A resident known already, with an account of their own made by an
	// administrator: the identity is linked to that account.
	known, err := s.CreateResident(adminCtx(), newResident(21))
	must(t, err)
	anna, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "anna", Name: "Anna", Lang: sotepe.Finnish,
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: known.ID})
	must(t, err)
	got, err := s.SignInResident(ctx, "suomifi", "subject-anna", newResident(21))
	must(t, err)
	if got.ID != anna.ID || got.Username != "anna" {
		t.Fatalf("known resident signed in as %+v, want user %d", got, anna.ID)
	}
	// A known resident without an account gets one.
	bare, err := s.CreateResident(adminCtx(), newResident(22))
	must(t, err)
	got, err = s.SignInResident(ctx, "suomifi", "subject-bare", sotepe.Resident{PersonalID: bare.PersonalID, Lang: sotepe.English})
	must(t, err)
	if got.ResidentID != bare.ID || got.Username != "r"+strconv.FormatInt(bare.ID, 10) || got.Lang != sotepe.English || got.Name != bare.FullName() {
		t.Fatalf("known resident's new account = %+v", got)
	}

	// An identity linked to a staff account is no way into it.
	nurse, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "nurse", Name: "Hanna Hoitaja", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"kallio-health-station"}})
	must(t, err)
	must(t, s.LinkIdentity(adminCtx(), sotepe.Identity{Provider: "suomifi", Subject: "subject-nurse", UserID: nurse.ID}))
	_, err = s.SignInResident(ctx, "suomifi", "subject-nurse", newResident(23))
	wantKey(t, err, sotepe.EConflict, "error.oidc_staff_account")

	// A disabled account stays shut, found by its identity or by its resident.
	_, err = s.DB().ExecContext(context.Background(), `UPDATE users SET disabled = $1 WHERE id = $2`, true, anna.ID)
	must(t, err)
	_, err = s.SignInResident(ctx, "suomifi", "subject-anna", newResident(21))
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.SignInResident(ctx, "other-idp", "anna-elsewhere", newResident(21))
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.UserByIdentity(context.Background(), "other-idp", "anna-elsewhere")
	wantCode(t, err, sotepe.ENotFound)

	// Refusals write nothing.
	before := count(t, s, `SELECT COUNT(*) FROM audit_log`)
	residents := count(t, s, `SELECT COUNT(*) FROM residents`)
	_, err = s.SignInResident(ctx, "", "x", newResident(24))
	wantKey(t, err, sotepe.EInvalid, "error.identity")
	_, err = s.SignInResident(ctx, "suomifi", " ", newResident(24))
	wantKey(t, err, sotepe.EInvalid, "error.identity")
	_, err = s.SignInResident(ctx, "suomifi", "bad-code", sotepe.Resident{PersonalID: "not-a-code", FirstName: "A", LastName: "B", Lang: "fi"})
	wantKey(t, err, sotepe.EInvalid, "error.personal_id")
	noName := newResident(24)
	noName.FirstName = ""
	_, err = s.SignInResident(ctx, "suomifi", "no-name", noName)
	wantKey(t, err, sotepe.EInvalid, "error.name_required")
	if a, r := count(t, s, `SELECT COUNT(*) FROM audit_log`), count(t, s, `SELECT COUNT(*) FROM residents`); a != before || r != residents {
		t.Fatalf("refused sign-ins wrote %d audit rows and %d residents", a-before, r-residents)
	}
	_, err = s.UserByIdentity(context.Background(), "suomifi", "no-name")
	wantCode(t, err, sotepe.ENotFound)
}

func testSignInResidentConcurrent(t *testing.T, s Store) {
	// Each round: four first sign-ins of one person at once, two by one
	// identity and two by another. Whoever loses a race finds what the
	// winner made.
	for round := range 5 {
		p := newResident(30 + round)
		start := make(chan struct{})
		var wg sync.WaitGroup
		users := make([]sotepe.User, 4)
		errs := make([]error, 4)
		for i := range 4 {
			wg.Go(func() {
				<-start
				provider := []string{"suomifi", "other-idp"}[i%2]
				users[i], errs[i] = s.SignInResident(signInCtx(), provider, "subject-"+strconv.Itoa(round), p)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, sign-in %d: %v", round, i, err)
			}
			if users[i].ID != users[0].ID || users[i].ResidentID != users[0].ResidentID {
				t.Fatalf("round %d: sign-ins returned users %+v and %+v", round, users[0], users[i])
			}
		}
	}
	for _, c := range []struct {
		table string
		want  int
	}{{"residents", 5}, {"users", 5}, {"identities", 10}} {
		if n := count(t, s, `SELECT COUNT(*) FROM `+c.table); n != c.want {
			t.Errorf("%d rows in %s, want %d", n, c.table, c.want)
		}
	}
	if rows := auditRows(t, s, sotepe.ActionResidentCreate, sotepe.ActionUserCreate, sotepe.ActionIdentityLink); len(rows) != 20 {
		t.Errorf("%d audit rows of sign-ins, want 20", len(rows))
	}
}

func testEnsureResident(t *testing.T, s Store) {
	ctx := adminCtx()
	child := newResident(40)
	child.FirstName = "Eeli"
	made, err := s.EnsureResident(ctx, child)
	must(t, err)
	if made.ID == 0 || made.FirstName != "Eeli" || made.PersonalID != child.PersonalID {
		t.Fatalf("ensured resident = %+v", made)
	}
	rows := auditRows(t, s, sotepe.ActionResidentCreate)
	if len(rows) != 1 || rows[0].Resident != made.ID || rows[0].Object != residentObject(made.ID) || rows[0].Actor != 1 {
		t.Fatalf("audit rows = %+v", rows)
	}
	lower := child
	lower.PersonalID, lower.FirstName = strings.ToLower(child.PersonalID), "Other"
	found, err := s.EnsureResident(ctx, lower)
	must(t, err)
	if found != made {
		t.Fatalf("found %+v, want %+v", found, made)
	}
	// A known resident needs no names; a new one does.
	found, err = s.EnsureResident(ctx, sotepe.Resident{PersonalID: child.PersonalID})
	must(t, err)
	if found.ID != made.ID {
		t.Fatalf("found %+v", found)
	}
	_, err = s.EnsureResident(ctx, sotepe.Resident{PersonalID: newResident(41).PersonalID})
	wantKey(t, err, sotepe.EInvalid, "error.name_required")
	_, err = s.EnsureResident(ctx, sotepe.Resident{PersonalID: "nonsense"})
	wantKey(t, err, sotepe.EInvalid, "error.personal_id")
	if rows := auditRows(t, s, sotepe.ActionResidentCreate); len(rows) != 1 {
		t.Fatalf("audit rows after finds = %+v", rows)
	}

	// Concurrent calls for one child make one resident.
	start := make(chan struct{})
	var wg sync.WaitGroup
	ids := make([]int64, 6)
	errs := make([]error, 6)
	for i := range 6 {
		wg.Go(func() {
			<-start
			r, err := s.EnsureResident(ctx, newResident(42))
			ids[i], errs[i] = r.ID, err
		})
	}
	close(start)
	wg.Wait()
	for i := range ids {
		must(t, errs[i])
		if ids[i] != ids[0] {
			t.Fatalf("concurrent calls made residents %v", ids)
		}
	}
	if n := count(t, s, `SELECT COUNT(*) FROM residents`); n != 2 {
		t.Fatalf("%d residents, want 2", n)
	}
}

func testGuardiansDenied(t *testing.T, s Store) {
	seedUnits(t, s)
	teen, err := s.CreateResident(adminCtx(), newResident(50))
	must(t, err)
	teenUser, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "teen", Name: "Teen", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: teen.ID})
	must(t, err)
	ctx := residentCtx(teenUser)
	must(t, s.SetGuardiansDenied(ctx, teen.ID, true))

	own, err := s.Resident(context.Background(), teen.ID)
	must(t, err)
	nurse := staffCtx(7, sotepe.RoleProfessional, "kallio-health-station")
	read, err := s.ReadResident(nurse, teen.ID, sotepe.BasisCareRelationship)
	must(t, err)
	searched, err := s.FindResident(nurse, teen.PersonalID, sotepe.BasisCareRelationship)
	must(t, err)
	ensured, err := s.EnsureResident(adminCtx(), teen)
	must(t, err)
	for _, r := range []sotepe.Resident{own, read, searched, ensured} {
		if !r.GuardiansDenied || r.ID != teen.ID {
			t.Fatalf("resident read back = %+v", r)
		}
	}
	must(t, s.SetGuardiansDenied(ctx, teen.ID, false))
	own, err = s.Resident(context.Background(), teen.ID)
	must(t, err)
	if own.GuardiansDenied {
		t.Fatal("guardians still denied")
	}
	wantCode(t, s.SetGuardiansDenied(ctx, 999999, true), sotepe.ENotFound)
	want := []auditRow{
		{Actor: teenUser.ID, Resident: teen.ID, Action: sotepe.ActionGuardiansDenied, Object: residentObject(teen.ID) + "/denied", Request: "req-resident"},
		{Actor: teenUser.ID, Resident: teen.ID, Action: sotepe.ActionGuardiansDenied, Object: residentObject(teen.ID) + "/allowed", Request: "req-resident"},
	}
	if got := auditRows(t, s, sotepe.ActionGuardiansDenied); !reflect.DeepEqual(got, want) {
		t.Fatalf("audit rows =\n%+v\nwant\n%+v", got, want)
	}
	// A new resident's guardians are not denied, whatever the caller says.
	r := newResident(51)
	r.GuardiansDenied = true
	made, err := s.CreateResident(adminCtx(), r)
	must(t, err)
	if made.GuardiansDenied || count(t, s, `SELECT COUNT(*) FROM residents WHERE guardians_denied = $1`, true) != 0 {
		t.Fatalf("new resident = %+v", made)
	}
}

func testSessionsActing(t *testing.T, s Store) {
	ctx := context.Background()
	guardian, err := s.CreateResident(adminCtx(), newResident(60))
	must(t, err)
	child, err := s.CreateResident(adminCtx(), newResident(61))
	must(t, err)
	u, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "guardian", Name: "Guardian", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: guardian.ID})
	must(t, err)
	now := s.Clock.Now()
	until := now.Add(400*24*time.Hour + 123456*time.Microsecond)

	// A password session: no provider, acting for nobody.
	pw := sotepe.Session{TokenHash: []byte("pw"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
	must(t, s.CreateSession(ctx, pw))
	got, _, err := s.SessionUser(ctx, pw.TokenHash)
	must(t, err)
	if got.Provider != "" || got.LoA != "" || got.ActingFor != 0 || got.ActingBasis != "" || !got.ActingUntil.IsZero() {
		t.Fatalf("password session = %+v", got)
	}

	// A strong session made acting already.
	strong := sotepe.Session{TokenHash: []byte("strong"), UserID: u.ID, ExpiresAt: now.Add(time.Hour),
		Provider: "suomifi", LoA: "high", ActingFor: child.ID, ActingBasis: sotepe.ActingGuardian, ActingUntil: until}
	must(t, s.CreateSession(ctx, strong))
	got, gu, err := s.SessionUser(ctx, strong.TokenHash)
	must(t, err)
	if got.Provider != "suomifi" || got.LoA != "high" || got.ActingFor != child.ID || got.ActingBasis != sotepe.ActingGuardian ||
		!got.ActingUntil.Equal(until) || got.ActingUntil.Location() != time.UTC || gu.ID != u.ID || gu.Acting != nil {
		t.Fatalf("strong session = %+v, user %+v", got, gu)
	}

	// Back to acting for oneself, then for the child by a mandate without end.
	must(t, s.SetActing(ctx, strong.TokenHash, sotepe.Principal{}))
	got, _, err = s.SessionUser(ctx, strong.TokenHash)
	must(t, err)
	if got.Provider != "suomifi" || got.LoA != "high" || got.ActingFor != 0 || got.ActingBasis != "" || !got.ActingUntil.IsZero() {
		t.Fatalf("session acting for oneself = %+v", got)
	}
	must(t, s.SetActing(ctx, pw.TokenHash, sotepe.Principal{ResidentID: child.ID, Basis: sotepe.ActingMandate, Name: "ignored"}))
	got, _, err = s.SessionUser(ctx, pw.TokenHash)
	must(t, err)
	if got.ActingFor != child.ID || got.ActingBasis != sotepe.ActingMandate || !got.ActingUntil.IsZero() {
		t.Fatalf("session acting by mandate = %+v", got)
	}
	must(t, s.SetActing(ctx, pw.TokenHash, sotepe.Principal{ResidentID: child.ID, Basis: sotepe.ActingGuardian, Until: until}))
	got, _, err = s.SessionUser(ctx, pw.TokenHash)
	must(t, err)
	if got.ActingBasis != sotepe.ActingGuardian || !got.ActingUntil.Equal(until) {
		t.Fatalf("session acting as guardian = %+v", got)
	}
	// The other session is untouched.
	got, _, err = s.SessionUser(ctx, strong.TokenHash)
	must(t, err)
	if got.ActingFor != 0 {
		t.Fatalf("other session = %+v", got)
	}

	wantCode(t, s.SetActing(ctx, []byte("gone"), sotepe.Principal{ResidentID: child.ID, Basis: sotepe.ActingGuardian}), sotepe.ENotFound)
	wantCode(t, s.SetActing(ctx, []byte("gone"), sotepe.Principal{}), sotepe.ENotFound)
	wantKey(t, s.SetActing(ctx, pw.TokenHash, sotepe.Principal{ResidentID: child.ID}), sotepe.EInvalid, "error.acting_basis")
	wantKey(t, s.SetActing(ctx, pw.TokenHash, sotepe.Principal{ResidentID: 999999, Basis: sotepe.ActingGuardian}), sotepe.EInvalid, "error.reference")
	wantKey(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte("x"), UserID: u.ID, ExpiresAt: now, ActingFor: child.ID, ActingBasis: "friend"}),
		sotepe.EInvalid, "error.acting_basis")
	// The refused changes left the session as it was.
	got, _, err = s.SessionUser(ctx, pw.TokenHash)
	must(t, err)
	if got.ActingFor != child.ID || got.ActingBasis != sotepe.ActingGuardian {
		t.Fatalf("session after refusals = %+v", got)
	}
}

func testLoginAttempts(t *testing.T, s Store) {
	ctx := context.Background()
	now := s.Clock.Now()
	a := sotepe.LoginAttempt{StateHash: []byte{0, 1, 2, 255}, Provider: "suomifi", Nonce: "n-1", Verifier: "v-1",
		ReturnTo: "/fi/omat", ExpiresAt: now.Add(10 * time.Minute)}
	must(t, s.SaveLoginAttempt(ctx, a))
	wantCode(t, s.SaveLoginAttempt(ctx, a), sotepe.EConflict)
	for _, bad := range []sotepe.LoginAttempt{
		{Provider: "suomifi", ExpiresAt: a.ExpiresAt},
		{StateHash: []byte("s"), ExpiresAt: a.ExpiresAt},
		{StateHash: []byte("s"), Provider: "suomifi"},
	} {
		wantKey(t, s.SaveLoginAttempt(ctx, bad), sotepe.EInvalid, "error.invalid")
	}

	got, err := s.TakeLoginAttempt(ctx, a.StateHash, now.Add(time.Minute))
	must(t, err)
	if !reflect.DeepEqual(got, a) || got.ExpiresAt.Location() != time.UTC {
		t.Fatalf("taken = %+v, want %+v", got, a)
	}
	_, err = s.TakeLoginAttempt(ctx, a.StateHash, now.Add(time.Minute))
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.TakeLoginAttempt(ctx, nil, now)
	wantCode(t, err, sotepe.ENotFound)

	// An attempt is expired from its ExpiresAt on, and then gone for good.
	b := sotepe.LoginAttempt{StateHash: []byte("b"), Provider: "suomifi", Nonce: "n-b", Verifier: "v-b", ExpiresAt: now.Add(10 * time.Minute)}
	must(t, s.SaveLoginAttempt(ctx, b))
	_, err = s.TakeLoginAttempt(ctx, b.StateHash, b.ExpiresAt)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.TakeLoginAttempt(ctx, b.StateHash, now)
	wantCode(t, err, sotepe.ENotFound)

	// Taking one sweeps the expired others, and keeps those still valid.
	for i, exp := range []time.Duration{time.Minute, 2 * time.Minute, time.Hour} {
		must(t, s.SaveLoginAttempt(ctx, sotepe.LoginAttempt{StateHash: []byte{byte('c' + i)}, Provider: "p", ExpiresAt: now.Add(exp)}))
	}
	if n := count(t, s, `SELECT COUNT(*) FROM oidc_logins`); n != 3 {
		t.Fatalf("%d attempts stored, want 3", n)
	}
	_, err = s.TakeLoginAttempt(ctx, []byte("missing"), now.Add(2*time.Minute))
	wantCode(t, err, sotepe.ENotFound)
	if n := count(t, s, `SELECT COUNT(*) FROM oidc_logins`); n != 1 {
		t.Fatalf("%d attempts after a sweep, want 1", n)
	}
	got, err = s.TakeLoginAttempt(ctx, []byte{'e'}, now.Add(2*time.Minute))
	must(t, err)
	if !bytes.Equal(got.StateHash, []byte{'e'}) || got.Provider != "p" {
		t.Fatalf("taken = %+v", got)
	}

	// Saving sweeps what expired by the store's clock.
	must(t, s.SaveLoginAttempt(ctx, sotepe.LoginAttempt{StateHash: []byte("old"), Provider: "p", ExpiresAt: now.Add(time.Minute)}))
	s.Clock.Set(now.Add(time.Hour))
	must(t, s.SaveLoginAttempt(ctx, sotepe.LoginAttempt{StateHash: []byte("new"), Provider: "p", ExpiresAt: now.Add(2 * time.Hour)}))
	if n := count(t, s, `SELECT COUNT(*) FROM oidc_logins WHERE state_hash = $1`, []byte("old")); n != 0 {
		t.Fatal("an expired attempt outlived a save")
	}
}

func testAuditOnBehalf(t *testing.T, s Store) {
	seedUnits(t, s)
	child, err := s.CreateResident(adminCtx(), newResident(70))
	must(t, err)
	guardianRes, err := s.CreateResident(adminCtx(), newResident(71))
	must(t, err)
	guardian, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "guardian", Name: "Guardian", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: guardianRes.ID})
	must(t, err)
	acting := actingCtx(guardian, child.ID)

	// A change by an actor acting for someone (auditChange).
	must(t, s.SetGuardiansDenied(acting, child.ID, false))
	// RecordAudit: an entry without an actor takes the context's.
	must(t, s.RecordAudit(acting, sotepe.AuditEntry{Action: sotepe.ActionActingRead, Object: "page:/omat"}))
	// An entry naming its actor keeps its own OnBehalfOf, none or some.
	must(t, s.RecordAudit(acting, sotepe.AuditEntry{ActorID: guardian.ID, ActorRole: sotepe.RoleResident, Action: sotepe.ActionActingChoose}))
	must(t, s.RecordAudit(residentCtx(guardian), sotepe.AuditEntry{ActorID: guardian.ID, ActorRole: sotepe.RoleResident,
		Action: sotepe.ActionActingChoose, OnBehalfOf: child.ID}))
	// An entry without an actor that names whom it was for keeps that.
	must(t, s.RecordAudit(actingCtx(guardian, 424242), sotepe.AuditEntry{Action: sotepe.ActionActingWrite, OnBehalfOf: child.ID}))
	// A change by someone acting for nobody.
	must(t, s.SetGuardiansDenied(residentCtx(guardian), guardianRes.ID, false))
	// Rows built from the actor's fields (a staff read) take it too.
	_, err = s.ReadResident(sotepe.WithActor(context.Background(), sotepe.Actor{UserID: 5, Role: sotepe.RoleProfessional,
		Unit: "kallio-health-station", OnBehalfOf: child.ID}), child.ID, sotepe.BasisCareRelationship)
	must(t, err)

	got := auditRows(t, s, sotepe.ActionGuardiansDenied, sotepe.ActionActingRead, sotepe.ActionActingChoose, sotepe.ActionActingWrite, sotepe.ActionResidentRead)
	want := []auditRow{
		{Actor: guardian.ID, Resident: child.ID, OnBehalf: child.ID, Action: sotepe.ActionGuardiansDenied, Object: residentObject(child.ID) + "/allowed", Request: "req-acting"},
		{Actor: guardian.ID, OnBehalf: child.ID, Action: sotepe.ActionActingRead, Object: "page:/omat", Request: "req-acting"},
		{Actor: guardian.ID, Action: sotepe.ActionActingChoose, Request: "req-acting"},
		{Actor: guardian.ID, OnBehalf: child.ID, Action: sotepe.ActionActingChoose, Request: "req-resident"},
		{Actor: guardian.ID, OnBehalf: child.ID, Action: sotepe.ActionActingWrite, Request: "req-acting"},
		{Actor: guardian.ID, Resident: guardianRes.ID, Action: sotepe.ActionGuardiansDenied, Object: residentObject(guardianRes.ID) + "/allowed", Request: "req-resident"},
		{Actor: 5, Resident: child.ID, OnBehalf: child.ID, Action: sotepe.ActionResidentRead, Object: residentObject(child.ID)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit rows =\n%+v\nwant\n%+v", got, want)
	}
}

func testAccessAndActingLogs(t *testing.T, s Store) {
	seedUnits(t, s)
	child := newResident(80)
	child.FirstName, child.LastName = "Eeli", "Esimerkki"
	c, err := s.CreateResident(adminCtx(), child)
	must(t, err)
	mother := newResident(81)
	mother.FirstName, mother.LastName = "Ritva", "Ruotsalainen"
	m, err := s.CreateResident(adminCtx(), mother)
	must(t, err)
	gran := newResident(82)
	gran.FirstName, gran.LastName = "Irma", "Isoäiti"
	g, err := s.CreateResident(adminCtx(), gran)
	must(t, err)
	mu, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "ritva", Name: "Ritva R.", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: m.ID})
	must(t, err)
	nurse, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "nurse", Name: "Hanna Hoitaja", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"kallio-health-station"}})
	must(t, err)
	nurseCtx := staffCtx(nurse.ID, sotepe.RoleProfessional, "kallio-health-station")
	forChild, forGran := actingCtx(mu, c.ID), actingCtx(mu, g.ID)

	t0 := s.Clock.Now()
	at := func(min int) { s.Clock.Set(t0.Add(time.Duration(min) * time.Minute)) }
	at(1)
	_, err = s.ReadResident(nurseCtx, c.ID, sotepe.BasisCareRelationship)
	must(t, err)
	at(2)
	must(t, s.RecordAudit(forChild, sotepe.AuditEntry{Action: sotepe.ActionActingChoose}))
	must(t, s.RecordAudit(forChild, sotepe.AuditEntry{Action: sotepe.ActionActingRead, Object: "page"}))
	at(3)
	must(t, s.RecordAudit(forGran, sotepe.AuditEntry{Action: sotepe.ActionActingWrite}))
	// The same instant twice: the id orders them.
	at(4)
	_, err = s.ReadResident(nurseCtx, c.ID, sotepe.BasisStatutoryTask)
	must(t, err)
	must(t, s.SetGuardiansDenied(forChild, c.ID, false))
	at(5)
	// Not in either log: the mother for herself, a resident's own read.
	must(t, s.RecordAudit(residentCtx(mu), sotepe.AuditEntry{Action: sotepe.ActionResidentRead, ResidentID: m.ID}))
	must(t, s.RecordAudit(residentCtx(mu), sotepe.AuditEntry{Action: sotepe.ActionResidentRead, ResidentID: c.ID}))

	nurseRead := func(min int, basis sotepe.Basis) sotepe.Access {
		return sotepe.Access{At: t0.Add(time.Duration(min) * time.Minute), ActorName: "Hanna Hoitaja", ActorRole: sotepe.RoleProfessional,
			Unit: "kallio-health-station", Action: sotepe.ActionResidentRead, Basis: basis}
	}
	motherDid := func(min int, action, principal string) sotepe.Access {
		return sotepe.Access{At: t0.Add(time.Duration(min) * time.Minute), ActorName: "Ritva R.", ActorRole: sotepe.RoleResident,
			Action: action, OnBehalf: true, Principal: principal}
	}
	wantAccess := []sotepe.Access{
		motherDid(4, sotepe.ActionGuardiansDenied, ""),
		nurseRead(4, sotepe.BasisStatutoryTask),
		motherDid(2, sotepe.ActionActingRead, ""),
		motherDid(2, sotepe.ActionActingChoose, ""),
		nurseRead(1, sotepe.BasisCareRelationship),
	}
	wantActing := []sotepe.Access{
		motherDid(4, sotepe.ActionGuardiansDenied, "Eeli Esimerkki"),
		motherDid(3, sotepe.ActionActingWrite, "Irma Isoäiti"),
		motherDid(2, sotepe.ActionActingRead, "Eeli Esimerkki"),
		motherDid(2, sotepe.ActionActingChoose, "Eeli Esimerkki"),
	}
	type logFn = func(sotepe.PageRequest) (sotepe.Page[sotepe.Access], error)
	accessOf := func(id int64) logFn {
		return func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
			return s.AccessLog(context.Background(), id, p)
		}
	}
	actingOf := func(id int64) logFn {
		return func(p sotepe.PageRequest) (sotepe.Page[sotepe.Access], error) {
			return s.ActingLog(context.Background(), id, p)
		}
	}
	logs := []struct {
		name         string
		read, nobody logFn
		want         []sotepe.Access
	}{
		{"access log", accessOf(c.ID), accessOf(m.ID), wantAccess},
		{"acting log", actingOf(mu.ID), actingOf(nurse.ID), wantActing},
	}
	for _, l := range logs {
		all, err := l.read(sotepe.PageRequest{})
		must(t, err)
		if !reflect.DeepEqual(all.Items, l.want) || all.NextCursor != "" {
			t.Fatalf("%s =\n%+v\nwant\n%+v", l.name, all.Items, l.want)
		}
		for _, limit := range []int{1, 2, 3} {
			var paged []sotepe.Access
			cursor, pages := "", 0
			for {
				p, err := l.read(sotepe.PageRequest{Limit: limit, Cursor: cursor})
				must(t, err)
				if len(p.Items) > limit {
					t.Fatalf("%s: page of %d items, limit %d", l.name, len(p.Items), limit)
				}
				paged = append(paged, p.Items...)
				pages++
				if p.NextCursor == "" || pages > 10 {
					break
				}
				cursor = p.NextCursor
			}
			if !reflect.DeepEqual(paged, l.want) {
				t.Fatalf("%s by %d =\n%+v\nwant\n%+v", l.name, limit, paged, l.want)
			}
		}
		none, err := l.nobody(sotepe.PageRequest{})
		must(t, err)
		if none.Items == nil || len(none.Items) != 0 || none.NextCursor != "" {
			t.Fatalf("%s of nobody = %#v", l.name, none)
		}
		_, err = l.read(sotepe.PageRequest{Cursor: "nonsense!"})
		wantKey(t, err, sotepe.EInvalid, "error.cursor")
	}
	// The grandmother's log shows the write done for her only.
	gl, err := s.AccessLog(context.Background(), g.ID, sotepe.PageRequest{})
	must(t, err)
	if want := []sotepe.Access{motherDid(3, sotepe.ActionActingWrite, "")}; !reflect.DeepEqual(gl.Items, want) {
		t.Fatalf("grandmother's access log = %+v", gl.Items)
	}
}
