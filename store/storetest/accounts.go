package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"sotepe"
)

func newResident(i int) sotepe.Resident {
	return sotepe.Resident{
		PersonalID: sotepe.SyntheticPersonalID(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/100), 900+i%100),
		FirstName:  "Maija", LastName: "Meikäläinen", Lang: sotepe.Finnish,
	}
}

func testUsers(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	r, err := s.CreateResident(ctx, newResident(1))
	must(t, err)

	nurse, err := s.CreateUser(ctx, sotepe.NewUser{
		Username: "hoitaja.h", Name: "Hanna Hoitaja", Lang: sotepe.Swedish,
		Roles: []sotepe.Role{sotepe.RoleProfessional, sotepe.RoleManager, sotepe.RoleProfessional},
		Units: []string{"vuosaari-dental", "kallio-health-station"}, PasswordHash: "$argon2id$x", Email: "hanna.hoitaja@example.org",
	})
	must(t, err)
	if nurse.ID == 0 || !nurse.CreatedAt.Equal(s.Clock.Now()) || nurse.CreatedAt.Location() != time.UTC {
		t.Fatalf("created user = %+v", nurse)
	}
	got, err := s.User(ctx, nurse.ID)
	must(t, err)
	if got.Username != "hoitaja.h" || got.Name != "Hanna Hoitaja" || got.Lang != sotepe.Swedish || got.Disabled || got.Email != "hanna.hoitaja@example.org" ||
		!slices.Equal(got.Roles, []sotepe.Role{sotepe.RoleProfessional, sotepe.RoleManager}) ||
		!slices.Equal(got.Units, []string{"vuosaari-dental", "kallio-health-station"}) ||
		!got.CreatedAt.Equal(nurse.CreatedAt) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("user = %+v", got)
	}
	byName, hash, err := s.UserByUsername(ctx, "hoitaja.h")
	must(t, err)
	if byName.ID != nurse.ID || hash != "$argon2id$x" || len(byName.Roles) != 2 {
		t.Fatalf("by username = %+v %q", byName, hash)
	}

	resident, err := s.CreateUser(ctx, sotepe.NewUser{
		Username: "maija", Name: "Maija", Lang: sotepe.Finnish, Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: r.ID,
	})
	must(t, err)
	got, err = s.User(ctx, resident.ID)
	must(t, err)
	if got.ResidentID != r.ID || len(got.Units) != 0 || got.Units == nil {
		t.Fatalf("resident user = %#v", got)
	}

	_, err = s.CreateUser(ctx, sotepe.NewUser{Username: "hoitaja.h", Name: "Other", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleAdmin}})
	wantKey(t, err, sotepe.EConflict, "error.username_taken")
	for _, bad := range []string{"nobody", "Hanna <h@example.org>", "h@localhost", "a@b@example.org"} {
		_, err = s.CreateUser(ctx, sotepe.NewUser{Username: "bad.mail", Name: "Bad", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleProfessional}, Email: bad})
		wantKey(t, err, sotepe.EInvalid, "error.email")
	}
	_, err = s.CreateUser(ctx, sotepe.NewUser{Username: "x", Name: "Short", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleAdmin}})
	wantKey(t, err, sotepe.EInvalid, "error.username")
	_, err = s.CreateUser(ctx, sotepe.NewUser{Username: "ghost", Name: "Ghost", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleResident}, ResidentID: 999999})
	wantKey(t, err, sotepe.EInvalid, "error.unknown_resident")
	_, err = s.CreateUser(ctx, sotepe.NewUser{Username: "lost", Name: "Lost", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"nope"}})
	wantKey(t, err, sotepe.EInvalid, "error.unknown_unit")

	// The unit's staff: the professional and manager, not the
	// resident, not an analyst of the unit, not a disabled colleague.
	analyst, err := s.CreateUser(ctx, sotepe.NewUser{Username: "analyytikko", Name: "Aaro Analyytikko", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleAnalyst}, Units: []string{"kallio-health-station"}})
	must(t, err)
	gone, err := s.CreateUser(ctx, sotepe.NewUser{Username: "poissa", Name: "Ahti Poissa", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"kallio-health-station"}})
	must(t, err)
	_, err = s.DB().ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, gone.ID)
	must(t, err)
	staff, err := s.UnitStaff(ctx, "kallio-health-station")
	must(t, err)
	if len(staff) != 1 || staff[0].ID != nurse.ID || len(staff[0].Roles) != 2 {
		t.Fatalf("unit staff = %+v, want only %d (not analyst %d, not disabled %d)", staff, nurse.ID, analyst.ID, gone.ID)
	}
	if staff, err := s.UnitStaff(ctx, "nope"); err != nil || len(staff) != 0 {
		t.Fatalf("staff of an unknown unit = %+v, %v", staff, err)
	}

	_, err = s.User(ctx, 999999)
	wantCode(t, err, sotepe.ENotFound)
	_, _, err = s.UserByUsername(ctx, "nobody")
	wantCode(t, err, sotepe.ENotFound)

	must(t, s.SetPassword(ctx, nurse.ID, "$argon2id$y"))
	_, hash, err = s.UserByUsername(ctx, "hoitaja.h")
	must(t, err)
	if hash != "$argon2id$y" {
		t.Fatalf("hash after SetPassword = %q", hash)
	}
	wantCode(t, s.SetPassword(ctx, 999999, "h"), sotepe.ENotFound)

	// Identities.
	must(t, s.LinkIdentity(ctx, sotepe.Identity{Provider: "suomifi", Subject: "abc", UserID: resident.ID}))
	u, err := s.UserByIdentity(ctx, "suomifi", "abc")
	must(t, err)
	if u.ID != resident.ID {
		t.Fatalf("user by identity = %+v", u)
	}
	wantKey(t, s.LinkIdentity(ctx, sotepe.Identity{Provider: "suomifi", Subject: "abc", UserID: nurse.ID}), sotepe.EConflict, "error.identity_linked")
	wantCode(t, s.LinkIdentity(ctx, sotepe.Identity{Provider: "suomifi", Subject: "def", UserID: 999999}), sotepe.ENotFound)
	wantKey(t, s.LinkIdentity(ctx, sotepe.Identity{Provider: "", Subject: "def", UserID: nurse.ID}), sotepe.EInvalid, "error.identity")
	_, err = s.UserByIdentity(ctx, "suomifi", "zzz")
	wantCode(t, err, sotepe.ENotFound)

	// Audit rows of the changes, in the same transactions.
	counts := map[string]int{}
	rows, err := s.ReaderDB().QueryContext(ctx, `SELECT action, COUNT(*) FROM audit_log WHERE actor_id = 1 GROUP BY action`)
	must(t, err)
	for rows.Next() {
		var a string
		var n int
		must(t, rows.Scan(&a, &n))
		counts[a] = n
	}
	rows.Close()
	if counts[sotepe.ActionUserCreate] != 4 || counts[sotepe.ActionPasswordSet] != 1 || counts[sotepe.ActionIdentityLink] != 1 {
		t.Fatalf("audit counts = %v", counts)
	}
	var obj string
	var rid int64
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT object, resident_id FROM audit_log WHERE action = 'user.create' AND object = $1`, userObject(resident.ID)).Scan(&obj, &rid))
	if obj != userObject(resident.ID) || rid != r.ID {
		t.Errorf("user.create row = %q %d", obj, rid)
	}
}

func testSessions(t *testing.T, s Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, sotepe.NewUser{Username: "admin", Name: "Admin", Lang: "fi", Roles: []sotepe.Role{sotepe.RoleAdmin}})
	must(t, err)
	now := s.Clock.Now()
	ses := sotepe.Session{TokenHash: []byte{1, 2, 3, 0, 255}, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)}
	must(t, s.CreateSession(ctx, ses))
	wantCode(t, s.CreateSession(ctx, ses), sotepe.EConflict)
	wantCode(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte{9}, UserID: 999999, ExpiresAt: now}), sotepe.ENotFound)
	wantKey(t, s.CreateSession(ctx, sotepe.Session{UserID: u.ID}), sotepe.EInvalid, "error.session")

	got, gu, err := s.SessionUser(ctx, ses.TokenHash)
	must(t, err)
	if !slices.Equal(got.TokenHash, ses.TokenHash) || got.UserID != u.ID || !got.CreatedAt.Equal(now) ||
		!got.ExpiresAt.Equal(ses.ExpiresAt) || got.ExpiresAt.Location() != time.UTC || gu.ID != u.ID ||
		!slices.Equal(gu.Roles, []sotepe.Role{sotepe.RoleAdmin}) {
		t.Fatalf("session = %+v, user = %+v", got, gu)
	}
	if gu.Units == nil || len(gu.Units) != 0 {
		t.Fatalf("a user of no unit has units %#v, want an empty list", gu.Units)
	}
	_, _, err = s.SessionUser(ctx, []byte{7})
	wantCode(t, err, sotepe.ENotFound)

	// Roles and units come in the order they were given.
	seedUnits(t, s)
	units := []string{"vuosaari-dental", "kallio-health-station"}
	roles := []sotepe.Role{sotepe.RoleManager, sotepe.RoleProfessional}
	m, err := s.CreateUser(ctx, sotepe.NewUser{Username: "manager", Name: "Manager", Lang: "sv", Roles: roles, Units: units})
	must(t, err)
	must(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte("m"), UserID: m.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}))
	_, gm, err := s.SessionUser(ctx, []byte("m"))
	must(t, err)
	if !slices.Equal(gm.Roles, roles) || !slices.Equal(gm.Units, units) {
		t.Fatalf("the manager's session user has roles %v and units %v, want %v and %v", gm.Roles, gm.Units, roles, units)
	}

	later := now.Add(time.Hour + 123456*time.Microsecond)
	must(t, s.TouchSession(ctx, ses.TokenHash, later))
	got, _, err = s.SessionUser(ctx, ses.TokenHash)
	must(t, err)
	if !got.LastSeenAt.Equal(later) {
		t.Fatalf("last seen = %v, want %v", got.LastSeenAt, later)
	}
	wantCode(t, s.TouchSession(ctx, []byte{7}, later), sotepe.ENotFound)

	// A second session, idle since long; a third, expired.
	idle := sotepe.Session{TokenHash: []byte("idle"), UserID: u.ID, CreatedAt: now.Add(-48 * time.Hour), LastSeenAt: now.Add(-47 * time.Hour), ExpiresAt: now.Add(time.Hour)}
	expired := sotepe.Session{TokenHash: []byte("expired"), UserID: u.ID, CreatedAt: now.Add(-13 * time.Hour), LastSeenAt: now, ExpiresAt: now.Add(-time.Hour)}
	must(t, s.CreateSession(ctx, idle))
	must(t, s.CreateSession(ctx, expired))
	n, err := s.DeleteSessionsBefore(ctx, now, now.Add(-time.Hour))
	must(t, err)
	if n != 2 {
		t.Fatalf("swept %d sessions, want 2", n)
	}
	_, _, err = s.SessionUser(ctx, []byte("idle"))
	wantCode(t, err, sotepe.ENotFound)
	_, _, err = s.SessionUser(ctx, ses.TokenHash)
	must(t, err)

	must(t, s.DeleteSession(ctx, ses.TokenHash))
	must(t, s.DeleteSession(ctx, ses.TokenHash))
	_, _, err = s.SessionUser(ctx, ses.TokenHash)
	wantCode(t, err, sotepe.ENotFound)

	// A disabled user's sessions are not returned, and none are made.
	must(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte("d"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}))
	_, err = s.DB().ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, u.ID)
	must(t, err)
	_, _, err = s.SessionUser(ctx, []byte("d"))
	wantCode(t, err, sotepe.ENotFound)
	wantCode(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte("e"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}), sotepe.ENotFound)
	du, _, err := s.UserByUsername(ctx, "admin")
	must(t, err)
	if !du.Disabled {
		t.Fatal("disabled user not marked")
	}
}

// testSessionChangesSeenAtOnce: SessionUser keeps what it read for a
// moment, yet every change of sessions through the store shows in the next
// read; a change made around the store (an operator's SQL, another
// process) shows within a second.
func testSessionChangesSeenAtOnce(t *testing.T, s Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, sotepe.NewUser{Username: "kept", Name: "Kept", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleAnalyst, sotepe.RoleManager}})
	must(t, err)
	now := s.Clock.Now()
	session := func(token string) []byte {
		t.Helper()
		must(t, s.CreateSession(ctx, sotepe.Session{TokenHash: []byte(token), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}))
		// Read twice: the second answer is the kept one.
		for range 2 {
			_, got, err := s.SessionUser(ctx, []byte(token))
			must(t, err)
			if len(got.Roles) != 2 || got.Roles[0] != sotepe.RoleAnalyst {
				t.Fatalf("user = %+v", got)
			}
			// A caller changing its copy changes nothing kept.
			got.Roles[0] = sotepe.RoleAdmin
		}
		return []byte(token)
	}

	touched := session("touched")
	later := now.Add(time.Minute).UTC().Truncate(time.Microsecond)
	must(t, s.TouchSession(ctx, touched, later))
	ses, got, err := s.SessionUser(ctx, touched)
	must(t, err)
	if !ses.LastSeenAt.Equal(later) || got.Roles[0] != sotepe.RoleAnalyst {
		t.Fatalf("after a touch: %+v, %+v", ses, got)
	}

	out := session("signed-out")
	must(t, s.DeleteSession(ctx, out))
	_, _, err = s.SessionUser(ctx, out)
	wantCode(t, err, sotepe.ENotFound)

	swept := session("swept")
	_, err = s.DeleteSessionsBefore(ctx, now.Add(2*time.Hour), now)
	must(t, err)
	_, _, err = s.SessionUser(ctx, swept)
	wantCode(t, err, sotepe.ENotFound)

	acting := session("acting")
	must(t, s.SetActing(ctx, acting, sotepe.Principal{}))
	_, _, err = s.SessionUser(ctx, acting)
	must(t, err)

	password := session("password")
	must(t, s.SetPassword(ctx, u.ID, "new-hash"))
	_, _, err = s.SessionUser(ctx, password)
	wantCode(t, err, sotepe.ENotFound)

	// Around the store: an account disabled by SQL is shut within a second.
	disabled := session("disabled")
	_, err = s.DB().ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, u.ID)
	must(t, err)
	deadline := time.Now().Add(1500 * time.Millisecond)
	for {
		_, _, err = s.SessionUser(ctx, disabled)
		if sotepe.ErrorCode(err) == sotepe.ENotFound {
			break
		}
		must(t, err)
		if time.Now().After(deadline) {
			t.Fatal("a disabled account's session is still read after 1.5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
