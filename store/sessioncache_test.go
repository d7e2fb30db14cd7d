package store

import (
	"testing"
	"time"

	"sotepe"
)

// TestSessionCache: an answer is kept for less than sessionTTL, a read that
// began before a change is not kept, and callers get copies.
func TestSessionCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := newSessionCache()
	c.now = func() time.Time { return now }
	hash := []byte("token")
	ses := sotepe.Session{TokenHash: hash, UserID: 7}
	u := sotepe.User{ID: 7, Roles: []sotepe.Role{sotepe.RoleResident}}

	_, _, ok, gen := c.get(hash)
	if ok {
		t.Fatal("an empty cache answered")
	}
	c.put(gen, ses, u)
	_, got, ok, _ := c.get(hash)
	if !ok || got.ID != 7 {
		t.Fatalf("kept answer = %+v, %t", got, ok)
	}
	got.Roles[0] = sotepe.RoleAdmin
	if _, again, _, _ := c.get(hash); again.Roles[0] != sotepe.RoleResident {
		t.Fatal("a caller's change reached the kept answer")
	}

	now = now.Add(sessionTTL)
	if _, _, ok, _ := c.get(hash); ok {
		t.Fatal("an answer as old as sessionTTL was used")
	}

	// A read that began before a change (of any session) is not kept.
	_, _, _, gen = c.get(hash)
	c.forget([]byte("another"))
	c.put(gen, ses, u)
	if _, _, ok, _ := c.get(hash); ok {
		t.Fatal("a read from before a change was kept")
	}
	_, _, _, gen = c.get(hash)
	c.put(gen, ses, u)
	c.forget(hash)
	if _, _, ok, _ := c.get(hash); ok {
		t.Fatal("a changed session is still kept")
	}
	_, _, _, gen = c.get(hash)
	c.put(gen, ses, u)
	c.forgetAll()
	if _, _, ok, _ := c.get(hash); ok {
		t.Fatal("forgetAll kept a session")
	}
}
