package sotepe

import (
	"context"
	"time"
)

// LoginFailureCount is how often sign-in failed under one key and when it
// last did.
type LoginFailureCount struct {
	Failures int
	Last     time.Time
}

// LoginFailures counts failed sign-ins per key in storage shared by every
// sotepe process, so that processes behind one load balancer agree on who
// must wait. Keys are opaque hashes chosen by the caller; the store keeps
// no usernames or addresses.
type LoginFailures interface {
	// LoginFailureCounts returns the counts of keys in the same order; a
	// key never counted, or not since forgetBefore, has zero Failures.
	// A failed read is EInternal or EUnavailable.
	LoginFailureCounts(ctx context.Context, keys [][]byte, forgetBefore time.Time) ([]LoginFailureCount, error)
	// RecordLoginFailure counts one failure at at against every key,
	// starting a key over when its last failure was before forgetBefore,
	// and forgets keys not failed since forgetBefore. A failed write is
	// EInternal or EUnavailable.
	RecordLoginFailure(ctx context.Context, keys [][]byte, at, forgetBefore time.Time) error
	// ClearLoginFailures forgets key's failures; a key never counted is
	// no error.
	ClearLoginFailures(ctx context.Context, key []byte) error
}
