package storetest

import (
	"context"
	"testing"

	"sotepe"
	"sotepe/store"
)

func testMigrateTwice(t *testing.T, s Store) {
	ctx := context.Background()
	must(t, s.Migrate(ctx))
	must(t, s.Migrate(ctx))
	must(t, s.Ping(ctx))
	var n int
	must(t, s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n))
	if n < 2 { // goose's own row 0 and migration 1
		t.Fatalf("goose_db_version has %d rows", n)
	}
	if s.Dialect() == store.Postgres {
		// The version table lives in the test's schema, not in public.
		var schema string
		must(t, s.ReaderDB().QueryRowContext(ctx,
			`SELECT schemaname FROM pg_tables WHERE tablename = 'goose_db_version' AND schemaname = current_schema()`).Scan(&schema))
		var inPublic int
		must(t, s.ReaderDB().QueryRowContext(ctx,
			`SELECT COUNT(*) FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = 'public'`).Scan(&inPublic))
		if inPublic != 0 {
			t.Fatal("audit_log created in public")
		}
	}
}

func testPingClosed(t *testing.T, s Store) {
	s.Close()
	wantCode(t, s.Ping(context.Background()), sotepe.EUnavailable)
}
