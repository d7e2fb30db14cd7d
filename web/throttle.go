package web

import (
	"context"
	"crypto/sha256"
	"time"

	"sotepe"
)

// throttle slows repeated failed sign-ins without locking anyone out from
// elsewhere. It counts failures under two keys:
//
//   - the account together with the client address: after pairFree failures
//     this client must wait before trying this account again, doubling
//     each time up to maxWait;
//   - the client address alone: after clientFree failures (many usernames
//     guessed from one place) the client waits the same way for every
//     account.
//
// Nothing is counted per account alone, so failures from one client never
// stop the right password from a client that has not failed. The counts
// live in the database (sotepe.LoginFailures), so every process on one
// PostgreSQL agrees; a success clears the account-and-client key only, so a
// client cannot reset its own count by signing in to its own account.
type throttle struct {
	store sotepe.LoginFailures
	now   func() time.Time
}

const (
	// pairFree is how many wrong passwords a client may give for one
	// account before it must wait.
	pairFree = 5
	// clientFree is how many failures of any accounts a client may have
	// before it must wait: generous, since one address may be a whole
	// office behind NAT, yet low enough to stop guessing across accounts.
	clientFree  = 50
	maxWait     = 15 * time.Minute
	forgetAfter = time.Hour
)

func newThrottle(store sotepe.LoginFailures, now func() time.Time) *throttle {
	return &throttle{store: store, now: now}
}

// loginKeys returns the keys one attempt counts under: the account and
// client together, and the client alone. They are hashed so the table
// holds no usernames or addresses.
func loginKeys(username, client string) (pair, alone []byte) {
	p := sha256.Sum256([]byte("login-pair\x00" + username + "\x00" + client))
	c := sha256.Sum256([]byte("login-client\x00" + client))
	return p[:], c[:]
}

// backoff is how long to wait after failures when free are free.
func backoff(failures, free int) time.Duration {
	if failures < free {
		return 0
	}
	return min(time.Second<<min(failures-free, 20), maxWait)
}

// wait returns how long the client must still wait before trying username.
func (t *throttle) wait(ctx context.Context, username, client string) (time.Duration, error) {
	pair, alone := loginKeys(username, client)
	now := t.now()
	counts, err := t.store.LoginFailureCounts(ctx, [][]byte{pair, alone}, now.Add(-forgetAfter))
	if err != nil {
		return 0, err
	}
	var longest time.Duration
	for i, free := range []int{pairFree, clientFree} {
		c := counts[i]
		if left := c.Last.Add(backoff(c.Failures, free)).Sub(now); c.Failures >= free && left > longest {
			longest = left
		}
	}
	return longest, nil
}

// fail counts a failed attempt of client at username.
func (t *throttle) fail(ctx context.Context, username, client string) error {
	pair, alone := loginKeys(username, client)
	now := t.now()
	return t.store.RecordLoginFailure(ctx, [][]byte{pair, alone}, now, now.Add(-forgetAfter))
}

// succeed clears the account-and-client key after a successful sign-in.
func (t *throttle) succeed(ctx context.Context, username, client string) error {
	pair, _ := loginKeys(username, client)
	return t.store.ClearLoginFailures(ctx, pair)
}
