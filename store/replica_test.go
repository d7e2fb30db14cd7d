package store

import (
	"context"
	"os"
	"testing"

	"sotepe"
	"sotepe/store/storetest/testdb"
)

// TestReplicaReadsTheFigures points the figures' reads at a replica: at
// the primary itself with target_session_attrs=any, they read what the
// primary holds; at an empty schema, they fail while everything else
// still reads the primary, which shows where they go.
func TestReplicaReadsTheFigures(t *testing.T) {
	ctx := context.Background()
	wantCode(t, openSQLite(t).UseReplica(ctx, "postgres://127.0.0.1/x"), sotepe.EInvalid)
	if os.Getenv(postgresEnv) == "" {
		t.Skip(postgresEnv + " is not set: skipping the PostgreSQL half")
	}
	dsn := testdb.Postgres(t)
	s := openDSN(t, dsn)
	must(t, s.Migrate(ctx))
	must(t, s.SaveArea(ctx, sotepe.Area{ID: "health", Names: sotepe.Names{Fi: "Terveys", Sv: "Hälsa", En: "Health"}}))
	must(t, s.SaveStaffRecords(ctx, sotepe.StaffRecords{Employments: []sotepe.Employment{{Key: "e1", AreaID: "health", Profession: "nurse", Start: "2020-01-01"}}}))

	must(t, s.UseReplica(ctx, dsn+"&target_session_attrs=any"))
	staff, err := s.StaffHeadcount(ctx, "2024-12-31")
	must(t, err)
	if len(staff) != 1 || staff[0].Count != 1 {
		t.Fatalf("staff read through the replica = %+v", staff)
	}

	empty := openDSN(t, dsn)
	must(t, empty.UseReplica(ctx, testdb.Postgres(t)+"&target_session_attrs=any"))
	if _, err := empty.StaffHeadcount(ctx, "2024-12-31"); err == nil {
		t.Fatal("the figures were not read from the replica (an empty schema)")
	}
	if _, err := empty.Areas(ctx); err != nil {
		t.Fatalf("the rest is not read from the primary: %v", err)
	}
}
