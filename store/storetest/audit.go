package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

func testAccessLog(t *testing.T, s Store) {
	seedUnits(t, s)
	r, err := s.CreateResident(adminCtx(), newResident(7))
	must(t, err)
	other, err := s.CreateResident(adminCtx(), newResident(8))
	must(t, err)
	nurse, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "nurse", Name: "Hanna Hoitaja", Lang: "fi",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"kallio-health-station"}})
	must(t, err)
	doctor, err := s.CreateUser(adminCtx(), sotepe.NewUser{Username: "doctor", Name: "Lauri Lääkäri", Lang: "sv",
		Roles: []sotepe.Role{sotepe.RoleProfessional}, Units: []string{"vuosaari-dental"}})
	must(t, err)
	nurseCtx := staffCtx(nurse.ID, sotepe.RoleProfessional, "kallio-health-station")
	doctorCtx := staffCtx(doctor.ID, sotepe.RoleProfessional, "vuosaari-dental")

	t0 := s.Clock.Now()
	s.Clock.Set(t0.Add(time.Minute))
	_, err = s.ReadResident(nurseCtx, r.ID, sotepe.BasisCareRelationship)
	must(t, err)
	s.Clock.Set(t0.Add(2 * time.Minute))
	_, err = s.FindResident(doctorCtx, r.PersonalID, sotepe.BasisPhoneRequest)
	must(t, err)
	s.Clock.Set(t0.Add(3 * time.Minute))
	_, err = s.ReadResident(doctorCtx, r.ID, sotepe.BasisStatutoryTask)
	must(t, err)
	_, err = s.ReadResident(doctorCtx, other.ID, sotepe.BasisStatutoryTask)
	must(t, err)
	// Not staff reads: the resident's own, and a change.
	must(t, s.RecordAudit(staffCtx(99, sotepe.RoleResident, ""), sotepe.AuditEntry{ResidentID: r.ID, Action: "resident.read"}))
	must(t, s.RecordAudit(doctorCtx, sotepe.AuditEntry{ResidentID: r.ID, Action: "contact.answer"}))

	want := []sotepe.Access{
		{At: t0.Add(3 * time.Minute), ActorName: "Lauri Lääkäri", ActorRole: sotepe.RoleProfessional, Unit: "vuosaari-dental", Action: "resident.read", Basis: sotepe.BasisStatutoryTask},
		{At: t0.Add(2 * time.Minute), ActorName: "Lauri Lääkäri", ActorRole: sotepe.RoleProfessional, Unit: "vuosaari-dental", Action: "resident.search", Basis: sotepe.BasisPhoneRequest},
		{At: t0.Add(time.Minute), ActorName: "Hanna Hoitaja", ActorRole: sotepe.RoleProfessional, Unit: "kallio-health-station", Action: "resident.read", Basis: sotepe.BasisCareRelationship},
	}
	all, err := s.AccessLog(context.Background(), r.ID, sotepe.PageRequest{})
	must(t, err)
	if !reflect.DeepEqual(all.Items, want) || all.NextCursor != "" {
		t.Fatalf("access log =\n%+v\nwant\n%+v", all.Items, want)
	}
	var paged []sotepe.Access
	cursor := ""
	for {
		p, err := s.AccessLog(context.Background(), r.ID, sotepe.PageRequest{Limit: 1, Cursor: cursor})
		must(t, err)
		paged = append(paged, p.Items...)
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if !reflect.DeepEqual(paged, want) {
		t.Fatalf("paged access log = %+v", paged)
	}
	none, err := s.AccessLog(context.Background(), 999999, sotepe.PageRequest{})
	must(t, err)
	if none.Items == nil || len(none.Items) != 0 {
		t.Fatalf("access log of nobody = %#v", none)
	}
	_, err = s.AccessLog(context.Background(), r.ID, sotepe.PageRequest{Cursor: "nonsense!"})
	wantKey(t, err, sotepe.EInvalid, "error.cursor")
}

func testAuditCounts(t *testing.T, s Store) {
	seedUnits(t, s)
	r, err := s.CreateResident(adminCtx(), newResident(9))
	must(t, err)
	kallio := staffCtx(10, sotepe.RoleProfessional, "kallio-health-station")
	vuosaari := staffCtx(11, sotepe.RoleManager, "vuosaari-dental")

	// 22:30 UTC on 3 June is 01:30 on 4 June in Helsinki (UTC+3).
	s.Clock.Set(time.Date(2024, 6, 3, 20, 0, 0, 0, time.UTC))
	_, err = s.ReadResident(kallio, r.ID, sotepe.BasisCareRelationship)
	must(t, err)
	s.Clock.Set(time.Date(2024, 6, 3, 22, 30, 0, 0, time.UTC))
	_, err = s.ReadResident(kallio, r.ID, sotepe.BasisCareRelationship)
	must(t, err)
	_, err = s.ReadResident(vuosaari, r.ID, sotepe.BasisCareRelationship)
	must(t, err)
	must(t, s.RecordAudit(vuosaari, sotepe.AuditEntry{Action: sotepe.ActionLogin}))
	must(t, s.RecordAudit(context.Background(), sotepe.AuditEntry{Action: sotepe.ActionLoginFailed,
		At: time.Date(2024, 6, 5, 12, 0, 0, 0, time.UTC)}))

	got, err := s.AuditCounts(context.Background(), "2024-06-03", "2024-06-04", []string{"kallio-health-station"})
	must(t, err)
	want := []sotepe.AuditCount{{Day: "2024-06-03", Action: "resident.read", Count: 1}, {Day: "2024-06-04", Action: "resident.read", Count: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("kallio counts = %+v", got)
	}
	got, err = s.AuditCounts(context.Background(), "2024-06-04", "2024-06-05", []string{"kallio-health-station", "vuosaari-dental"})
	must(t, err)
	want = []sotepe.AuditCount{{Day: "2024-06-04", Action: "login", Count: 1}, {Day: "2024-06-04", Action: "resident.read", Count: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("two units' counts = %+v", got)
	}
	got, err = s.AuditCounts(context.Background(), "2024-06-05", "2024-06-05", nil)
	must(t, err)
	want = []sotepe.AuditCount{{Day: "2024-06-05", Action: "login_failed", Count: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("all units' counts = %+v", got)
	}
	got, err = s.AuditCounts(context.Background(), "2024-06-01", "2024-06-30", []string{})
	must(t, err)
	if got == nil || len(got) != 0 {
		t.Fatalf("counts for no units = %#v", got)
	}
	_, err = s.AuditCounts(context.Background(), "June", "2024-06-30", nil)
	wantKey(t, err, sotepe.EInvalid, "error.date")

	wantCode(t, s.RecordAudit(context.Background(), sotepe.AuditEntry{}), sotepe.EInvalid)
	wantKey(t, s.RecordAudit(context.Background(), sotepe.AuditEntry{Action: "x", Basis: "whim"}), sotepe.EInvalid, "error.basis")
}

func testAuditAppendOnly(t *testing.T, s Store) {
	ctx := context.Background()
	must(t, s.RecordAudit(ctx, sotepe.AuditEntry{Action: sotepe.ActionLogin, ActorID: 3, ActorRole: sotepe.RoleAdmin}))
	before := rawAuditCount(t, s.DB())
	for _, q := range []string{
		`UPDATE audit_log SET action = 'tampered'`,
		`UPDATE audit_log SET action = 'tampered' WHERE id = -1`,
		`DELETE FROM audit_log`,
	} {
		_, err := s.DB().ExecContext(ctx, q)
		if s.Dialect() == store.SQLite && q == `UPDATE audit_log SET action = 'tampered' WHERE id = -1` {
			// SQLite's triggers are per row: a statement that
			// touches no row has nothing to refuse.
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	if s.Dialect() == store.Postgres {
		if _, err := s.DB().ExecContext(ctx, `TRUNCATE audit_log`); err == nil {
			t.Error("TRUNCATE accepted")
		}
	}
	if after := rawAuditCount(t, s.DB()); after != before {
		t.Fatalf("audit rows %d → %d", before, after)
	}
	var action string
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT action FROM audit_log WHERE actor_id = 3`).Scan(&action))
	if action != sotepe.ActionLogin {
		t.Fatalf("action = %q", action)
	}
}
