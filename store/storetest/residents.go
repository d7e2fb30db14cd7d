package storetest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"sotepe"
	"sotepe/store"
)

func testResidents(t *testing.T, s Store) {
	ctx := adminCtx()
	seedUnits(t, s)
	in := newResident(2)
	in.PersonalID = " " + strings.ToLower(in.PersonalID) + " "
	in.District, in.HomeUnit, in.Phone, in.Email = "kallio", "kallio-health-station", "+358 40 123", "m@example.org"
	r, err := s.CreateResident(ctx, in)
	must(t, err)
	if r.ID == 0 || r.PersonalID != strings.ToUpper(strings.TrimSpace(in.PersonalID)) {
		t.Fatalf("created = %+v", r)
	}
	got, err := s.Resident(ctx, r.ID)
	must(t, err)
	if got != r {
		t.Fatalf("resident = %+v, want %+v", got, r)
	}
	plain, err := s.CreateResident(ctx, newResident(3))
	must(t, err)
	if got, err := s.Resident(ctx, plain.ID); err != nil || got.District != "" || got.HomeUnit != "" {
		t.Fatalf("plain resident = %+v, %v", got, err)
	}

	dup := newResident(2)
	dup.FirstName = "Other"
	_, err = s.CreateResident(ctx, dup)
	wantKey(t, err, sotepe.EConflict, "error.personal_id_taken")
	for _, c := range []struct {
		spoil func(*sotepe.Resident)
		key   string
	}{
		{func(r *sotepe.Resident) { r.PersonalID = "010180-9000" }, "error.personal_id"},
		{func(r *sotepe.Resident) { r.LastName = " " }, "error.name_required"},
		{func(r *sotepe.Resident) { r.District = "atlantis" }, "error.unknown_district"},
		{func(r *sotepe.Resident) { r.HomeUnit = "nope" }, "error.unknown_unit"},
	} {
		bad := newResident(4)
		c.spoil(&bad)
		_, err = s.CreateResident(ctx, bad)
		wantKey(t, err, sotepe.EInvalid, c.key)
	}
	_, err = s.Resident(ctx, 999999)
	wantCode(t, err, sotepe.ENotFound)

	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'resident.create' AND resident_id = $1 AND object = $2`,
		r.ID, residentObject(r.ID)).Scan(&n))
	if n != 1 {
		t.Fatalf("%d resident.create rows", n)
	}
	// Resident reads of their own data leave no row.
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'resident.read%'`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d read rows for own reads", n)
	}
}

// testResidentsConcurrent checks that 50 concurrent writers all succeed: on
// SQLite the single writer queues them instead of failing any with
// SQLITE_BUSY.
func testResidentsConcurrent(t *testing.T, s Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			_, err := s.CreateResident(ctx, newResident(100+i))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM residents`).Scan(&n))
	if n != 50 {
		t.Fatalf("%d residents", n)
	}
}

func staffCtx(userID int64, role sotepe.Role, unit string) context.Context {
	return sotepe.WithActor(context.Background(), sotepe.Actor{UserID: userID, Role: role, Unit: unit, RequestID: "req-staff"})
}

func testStaffReads(t *testing.T, s Store) {
	seedUnits(t, s)
	r, err := s.CreateResident(adminCtx(), newResident(5))
	must(t, err)
	nurse, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "nurse", Name: "Hanna Hoitaja", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"kallio-health-station"}})
	must(t, err)
	ctx := staffCtx(nurse.ID, sotepe.RoleProfessional, "kallio-health-station")

	// Who may not read.
	for _, c := range []context.Context{
		context.Background(),
		staffCtx(nurse.ID, sotepe.RoleResident, ""),
		staffCtx(nurse.ID, sotepe.RoleAnalyst, ""),
		staffCtx(0, sotepe.RoleProfessional, "kallio-health-station"),
	} {
		_, err := s.ReadResident(c, r.ID, sotepe.BasisCareRelationship)
		wantCode(t, err, sotepe.EForbidden)
		_, err = s.FindResident(c, r.PersonalID, sotepe.BasisCareRelationship)
		wantCode(t, err, sotepe.EForbidden)
	}
	_, err = s.ReadResident(ctx, r.ID, "curiosity")
	wantKey(t, err, sotepe.EInvalid, "error.basis")
	_, err = s.FindResident(ctx, "not-a-code", sotepe.BasisClientRequest)
	wantKey(t, err, sotepe.EInvalid, "error.personal_id")
	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('resident.read', 'resident.search')`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d read rows after refused reads", n)
	}

	got, err := s.ReadResident(ctx, r.ID, sotepe.BasisCareRelationship)
	must(t, err)
	if got != r {
		t.Fatalf("read = %+v", got)
	}
	var e struct {
		at, actor, resident                 int64
		role, unit, object, basis, req, day string
	}
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT at, actor_id, resident_id, actor_role, actor_unit, object, basis, request_id, day
		FROM audit_log WHERE action = 'resident.read'`).Scan(&e.at, &e.actor, &e.resident, &e.role, &e.unit, &e.object, &e.basis, &e.req, &e.day))
	if e.at != s.Clock.Now().UnixMicro() || e.actor != nurse.ID || e.resident != r.ID || e.role != "professional" ||
		e.unit != "kallio-health-station" || e.object != residentObject(r.ID) || e.basis != "care_relationship" ||
		e.req != "req-staff" || e.day != "2024-06-03" {
		t.Fatalf("read row = %+v", e)
	}

	found, err := s.FindResident(ctx, strings.ToLower(r.PersonalID), sotepe.BasisPhoneRequest)
	must(t, err)
	if found != r {
		t.Fatalf("found = %+v", found)
	}
	_, err = s.ReadResident(ctx, 999999, sotepe.BasisCareRelationship)
	wantCode(t, err, sotepe.ENotFound)
	_, err = s.FindResident(ctx, newResident(6).PersonalID, sotepe.BasisClientRequest)
	wantCode(t, err, sotepe.ENotFound)
	// Misses are recorded without a resident.
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('resident.read', 'resident.search') AND resident_id IS NULL AND actor_id = $1`,
		nurse.ID).Scan(&n))
	if n != 2 {
		t.Fatalf("%d rows of misses", n)
	}

	// When the audit row cannot be written, no data leaves.
	breakAuditInserts(t, s)
	_, err = s.ReadResident(ctx, r.ID, sotepe.BasisCareRelationship)
	if err == nil {
		t.Fatal("read returned data without its audit row")
	}
	_, err = s.FindResident(ctx, r.PersonalID, sotepe.BasisCareRelationship)
	if err == nil {
		t.Fatal("search returned data without its audit row")
	}
}

// breakAuditInserts makes every insert into audit_log fail.
func breakAuditInserts(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	var stmts []string
	if s.Dialect() == store.SQLite {
		stmts = []string{`CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'broken'); END`}
	} else {
		stmts = []string{
			`CREATE FUNCTION audit_log_broken() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken'; END $$`,
			`CREATE TRIGGER audit_log_broken BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_broken()`,
		}
	}
	for _, q := range stmts {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("break audit: %v", err)
		}
	}
}

// rawAuditCount counts audit rows through db, for checks outside the store.
func rawAuditCount(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	must(t, db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n))
	return n
}
