package store

import (
	"slices"
	"sync"
	"time"

	"sotepe"
)

// Every signed-in request reads its session and its user (SessionUser). On
// PostgreSQL that read is a round trip, which for a short read such as
// GET /api/v1/me costs more than the rest of the request. The store keeps
// what it read for a moment, sessionTTL, so that the requests of one page
// (the page, its scripts' API calls) read it once.
//
// What this costs in freshness, and its bound:
//   - Whatever this store changes is seen at once: SetActing, TouchSession
//     and DeleteSession drop their session from the cache after their
//     write, DeleteSessionsBefore and SetPassword (which ends the user's
//     sessions) empty it, and a read that began before such a write does
//     not keep its answer (the generation check in put). A sign-out in this
//     process ends the session for every later request of this process.
//   - A change made elsewhere, by another sotepe process on the same
//     PostgreSQL or by an operator's SQL (disabling an account, changing
//     roles or units, which no store method does), is seen by this process
//     within sessionTTL.
//   - Only sessions found are kept: a session created anywhere is seen at
//     once, and a token that names no session is read every time.
//
// The cache holds at most sessionCacheMax entries; when it is full it is
// emptied, so that a flood of tokens cannot grow it.

// sessionTTL bounds how long a session read is reused: the delay with which
// a sign-out, a disabled account or changed roles in another process take
// effect in this one.
const sessionTTL = time.Second

// sessionCacheMax bounds the sessions kept at once.
const sessionCacheMax = 10000

// sessionEntry is one kept answer of SessionUser.
type sessionEntry struct {
	ses  sotepe.Session
	user sotepe.User
	at   time.Time // when it was read, by the cache's clock
}

// sessionCache keeps SessionUser's answers by token hash for sessionTTL. It
// is safe for concurrent use.
type sessionCache struct {
	// now is the cache's clock: real time, not the store's Now, which
	// tests may stop.
	now func() time.Time
	mu  sync.Mutex
	gen uint64
	m   map[string]sessionEntry
}

func newSessionCache() *sessionCache {
	return &sessionCache{now: time.Now, m: map[string]sessionEntry{}}
}

// get returns the kept answer for hash, younger than sessionTTL, as copies
// the caller may change, and the generation a read of the database made
// now is to be put with.
func (c *sessionCache) get(hash []byte) (sotepe.Session, sotepe.User, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok || c.now().Sub(e.at) >= sessionTTL {
		return sotepe.Session{}, sotepe.User{}, false, c.gen
	}
	ses, u := e.ses, e.user
	ses.TokenHash = slices.Clone(ses.TokenHash)
	u.Roles, u.Units = slices.Clone(u.Roles), slices.Clone(u.Units)
	return ses, u, true, c.gen
}

// put keeps an answer read from the database at generation gen, unless the
// cache was emptied since: the read may then predate the change that
// emptied it.
func (c *sessionCache) put(gen uint64, ses sotepe.Session, u sotepe.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	ses.TokenHash = slices.Clone(ses.TokenHash)
	u.Roles, u.Units = slices.Clone(u.Roles), slices.Clone(u.Units)
	c.m[string(ses.TokenHash)] = sessionEntry{ses: ses, user: u, at: c.now()}
}

// forget drops the session with hash after a change of it. Reads under way
// of any session are not kept (see put): the generation counts changes, not
// sessions, and a read lost now and then costs less than a count per token.
func (c *sessionCache) forget(hash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, string(hash))
}

// forgetAll empties the cache after a change of many sessions or of an
// account.
func (c *sessionCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}
