package store_test

import (
	"testing"

	"sotepe/store/storetest"
)

// TestStore runs the conformance suite (package storetest) on SQLite, and on
// PostgreSQL when SOTEPE_TEST_POSTGRES holds a URL; without it the
// PostgreSQL half skips and says so.
func TestStore(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, storetest.OpenSQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, storetest.OpenPostgres)
	})
}
