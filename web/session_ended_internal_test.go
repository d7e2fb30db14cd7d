package web

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"sotepe"
	"sotepe/store"
)

// TestSessionEnded is the check a live video call makes of its
// participant's session (videoweb's Config.SessionEnded): a live session
// holds and is touched, so the call keeps it alive; a session signed out,
// left idle or past its end has ended.
func TestSessionEnded(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "sessions.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, sotepe.NewUser{Username: "nurse", Name: "Nurse", Lang: sotepe.Finnish, Roles: []sotepe.Role{sotepe.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	now := start
	s := &Server{store: st, now: func() time.Time { return now }, cfg: Config{SessionIdle: 30 * time.Minute}}
	session := func(token string, expires time.Time) []byte {
		t.Helper()
		hash := []byte(token)
		if err := st.CreateSession(ctx, sotepe.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
		return hash
	}

	live := session("live", start.Add(12*time.Hour))
	if s.sessionEnded(ctx, live) {
		t.Fatal("a session just made has ended")
	}
	// Twenty minutes into the call the session is touched: without that,
	// the next check, 25 minutes on, would find it idle for 45.
	now = start.Add(20 * time.Minute)
	if s.sessionEnded(ctx, live) {
		t.Fatal("a session 20 minutes idle, under the 30 allowed, has ended")
	}
	if got, _, err := st.SessionUser(ctx, live); err != nil || !got.LastSeenAt.Equal(now) {
		t.Fatalf("the call did not keep the session alive: last seen %v, err %v", got.LastSeenAt, err)
	}
	now = start.Add(45 * time.Minute)
	if s.sessionEnded(ctx, live) {
		t.Fatal("a session the call touched 25 minutes ago has ended")
	}
	now = start.Add(76 * time.Minute)
	if !s.sessionEnded(ctx, live) {
		t.Fatal("a session idle for 31 minutes still holds")
	}

	now = start
	out := session("signed-out", start.Add(12*time.Hour))
	if err := st.DeleteSession(ctx, out); err != nil {
		t.Fatal(err)
	}
	if !s.sessionEnded(ctx, out) {
		t.Fatal("a signed-out session still holds")
	}
	old := session("old", start.Add(time.Minute))
	now = start.Add(2 * time.Minute)
	if !s.sessionEnded(ctx, old) {
		t.Fatal("a session past its end still holds")
	}
}
