package storetest

import (
	"sync"
	"testing"
	"time"

	"sotepe"
)

// testConcurrentSubmissionsShareCommitsSafely sends many submissions at once,
// some of them bad: every good one is stored exactly once with its message
// and audit row, every bad one fails with its own error and leaves nothing,
// whichever batch it shared. On PostgreSQL the same holds with plain
// transactions.
func testConcurrentSubmissionsShareCommitsSafely(t *testing.T, s Store) {
	f := seedContacts(t, s)
	const n = 120
	var wg sync.WaitGroup
	errs := make([]error, n)
	ids := make([]int64, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := portal(f.withAccount.ID, "nurse", kallio, f.t0, f.t0.Add(time.Hour))
			if i%10 == 3 {
				// Refused by a foreign key after the request row is
				// inserted: only its savepoint's rollback removes it.
				r.Messages[0].AuthorID = 999999
			}
			got, created, err := s.CreateContactRequest(adminCtx(), r, "")
			errs[i], ids[i] = err, got.ID
			if err == nil && !created {
				t.Errorf("submission %d not created", i)
			}
		}(i)
	}
	wg.Wait()
	good := 0
	seen := map[int64]bool{}
	for i, err := range errs {
		switch {
		case i%10 == 3 && sotepe.ErrorCode(err) != sotepe.EInvalid:
			t.Errorf("bad submission %d: %v", i, err)
		case i%10 != 3 && err != nil:
			t.Errorf("good submission %d: %v", i, err)
		case i%10 != 3:
			good++
			if seen[ids[i]] {
				t.Errorf("id %d given twice", ids[i])
			}
			seen[ids[i]] = true
		}
	}
	if got := count(t, s, `SELECT COUNT(*) FROM contact_requests`); got != good {
		t.Errorf("%d requests stored, want %d", got, good)
	}
	if got := count(t, s, `SELECT COUNT(*) FROM contact_messages`); got != good {
		t.Errorf("%d messages stored, want %d", got, good)
	}
	if got := count(t, s, `SELECT COUNT(*) FROM audit_log WHERE action = 'contact.create'`); got != good {
		t.Errorf("%d audit rows, want %d", got, good)
	}
}
