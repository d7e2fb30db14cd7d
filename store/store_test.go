package store

import (
	"context"
	"database/sql"
	"testing"

	"sotepe"
	"sotepe/store/storetest/testdb"
)

// The store's tests are in two places. The conformance suite, the tests that
// use only the exported API, is package storetest: TestStore
// (conformance_test.go) runs it against SQLite, and against PostgreSQL when
// SOTEPE_TEST_POSTGRES holds a URL, e.g.
//
//	SOTEPE_TEST_POSTGRES='postgres://sotepe:sotepe@127.0.0.1:5432/sotepe_test?sslmode=disable' go test ./store/
//
// The tests here need the package's internals. Both make their databases
// and clocks with package testdb: each PostgreSQL test gets a schema of its
// own, dropped afterwards, so runs never see each other's rows.

const postgresEnv = testdb.PostgresEnv

// testStore is a migrated store and its clock.
type testStore struct {
	*Store
	clock *testdb.Clock
}

// engines runs fn once per engine as a subtest.
func engines(t *testing.T, fn func(t *testing.T, s testStore)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, newStore(t, openSQLite(t)))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, newStore(t, openPostgres(t)))
	})
}

// newStore sets s's clock to a new test clock and migrates s.
func newStore(t testing.TB, s *Store) testStore {
	t.Helper()
	c := testdb.NewClock()
	s.Now = c.Now
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return testStore{Store: s, clock: c}
}

// openSQLite opens a store on a new SQLite file, closed when the test ends.
func openSQLite(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), testdb.SQLite(t), nil)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgres opens a store in a new schema of the database that
// SOTEPE_TEST_POSTGRES names, and drops the schema when the test ends.
func openPostgres(t testing.TB) *Store {
	t.Helper()
	return openDSN(t, testdb.Postgres(t))
}

// openDSN opens a store on dsn, a database (or schema) the test made
// before, and closes it when the test ends.
func openDSN(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	// Registered after the database's cleanup, so it runs before it.
	t.Cleanup(func() { s.Close() })
	return s
}

// wantCode, wantKey and must are testdb's assertions under short names.
func wantCode(t testing.TB, err error, code string) { t.Helper(); testdb.WantCode(t, err, code) }
func wantKey(t testing.TB, err error, code, key string) {
	t.Helper()
	testdb.WantKey(t, err, code, key)
}
func must(t testing.TB, err error) { t.Helper(); testdb.Must(t, err) }

func TestOpenRejectsMemory(t *testing.T) {
	_, err := Open(context.Background(), ":memory:", nil)
	wantCode(t, err, sotepe.EInvalid)
}

func TestSQLiteDurability(t *testing.T) {
	s := newStore(t, openSQLite(t))
	ctx := context.Background()
	if s.Dialect() != SQLite {
		t.Fatalf("dialect %q", s.Dialect())
	}
	for name, db := range map[string]*sql.DB{"writer": s.writer, "reader": s.readers} {
		var journal string
		var fk, busy int
		must(t, db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal))
		must(t, db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
		must(t, db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy))
		if journal != "wal" || fk != 1 || busy < 5000 {
			t.Errorf("%s: journal_mode=%s foreign_keys=%d busy_timeout=%d", name, journal, fk, busy)
		}
	}
	var sync int
	must(t, s.writer.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
	if sync != 2 {
		t.Errorf("writer synchronous = %d, want 2 (FULL)", sync)
	}
	// The readers are query-only.
	if _, err := s.readers.ExecContext(ctx, `INSERT INTO concepts (id, name_fi, name_sv, name_en) VALUES ('x', 'x', 'x', 'x')`); err == nil {
		t.Error("reader pool accepted a write")
	}
}

// TestOpenBulk checks that a bulk load's SQLite database keeps a rollback
// journal, commits durably, and is in WAL mode again when Open opens it.
func TestOpenBulk(t *testing.T) {
	ctx := context.Background()
	path := testdb.SQLite(t)
	b, err := OpenBulk(ctx, path, nil)
	if err != nil {
		t.Fatalf("open bulk: %v", err)
	}
	bulk := newStore(t, b)
	var journal string
	var sync int
	must(t, bulk.writer.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal))
	must(t, bulk.writer.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
	var temp int
	must(t, bulk.writer.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp))
	if journal != "delete" || sync != 2 || temp != 2 || bulk.checkpoints != nil {
		t.Errorf("bulk writer: journal_mode=%s synchronous=%d temp_store=%d checkpointer=%v, want delete, 2 (FULL), 2 (memory) and none",
			journal, sync, temp, bulk.checkpoints != nil)
	}
	_, err = bulk.writer.ExecContext(ctx, `INSERT INTO concepts (id, name_fi, name_sv, name_en) VALUES ('x', 'x', 'x', 'x')`)
	must(t, err)
	must(t, bulk.Close())
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	must(t, s.writer.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal))
	var n int
	must(t, s.readers.QueryRowContext(ctx, `SELECT COUNT(*) FROM concepts WHERE id = 'x'`).Scan(&n))
	if journal != "wal" || n != 1 {
		t.Errorf("reopened: journal_mode=%s, %d rows of the bulk store's, want wal and 1", journal, n)
	}
}

// TestFail checks that both engines' refusals come out of fail as the same
// codes and keys: a duplicate key EConflict, a missing reference EInvalid.
func TestFail(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		ctx := context.Background()
		insert := `INSERT INTO concepts (id, name_fi, name_sv, name_en) VALUES ('c', 'c', 'c', 'c')`
		_, err := s.writer.ExecContext(ctx, insert)
		must(t, err)
		_, err = s.writer.ExecContext(ctx, insert)
		if classify(err) != failUnique {
			t.Errorf("a duplicate key: %v", err)
		}
		wantKey(t, s.fail("insert", err), sotepe.EConflict, "error.conflict")
		_, err = s.writer.ExecContext(ctx, `INSERT INTO services (id, area_id, name_fi, name_sv, name_en) VALUES ('s', 'no-such-area', 's', 's', 's')`)
		if classify(err) != failForeignKey {
			t.Errorf("a missing reference: %v", err)
		}
		wantKey(t, s.fail("insert", err), sotepe.EInvalid, "error.reference")
		if s.fail("nothing", nil) != nil {
			t.Error("fail(nil) is not nil")
		}
	})
}
