package store

import (
	"context"
	"testing"
	"time"

	"sotepe"
)

// A new password ends the sessions begun with the old one, of that user only.
func TestSetPasswordEndsSessions(t *testing.T) {
	engines(t, func(t *testing.T, s testStore) {
		ctx := context.Background()
		mk := func(name string) sotepe.User {
			u, err := s.CreateUser(ctx, sotepe.NewUser{Username: name, Name: name, Lang: sotepe.Finnish,
				Roles: []sotepe.Role{sotepe.RoleAnalyst}, PasswordHash: "$argon2id$x"})
			must(t, err)
			return u
		}
		anna, bert := mk("anna"), mk("bert")
		exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, ses := range []sotepe.Session{
			{TokenHash: []byte("anna-1"), UserID: anna.ID, ExpiresAt: exp},
			{TokenHash: []byte("anna-2"), UserID: anna.ID, ExpiresAt: exp},
			{TokenHash: []byte("bert-1"), UserID: bert.ID, ExpiresAt: exp},
		} {
			must(t, s.CreateSession(ctx, ses))
		}
		must(t, s.SetPassword(ctx, anna.ID, "$argon2id$new"))
		for _, tok := range []string{"anna-1", "anna-2"} {
			if _, _, err := s.SessionUser(ctx, []byte(tok)); sotepe.ErrorCode(err) != sotepe.ENotFound {
				t.Errorf("anna's session %s after a new password: err %v, want ENotFound", tok, err)
			}
		}
		if _, u, err := s.SessionUser(ctx, []byte("bert-1")); err != nil || u.ID != bert.ID {
			t.Errorf("bert's session after anna's new password: %v, %v; want kept", u.ID, err)
		}
		// A failed change (unknown user) ends nothing.
		wantCode(t, s.SetPassword(ctx, 999999, "h"), sotepe.ENotFound)
		if _, _, err := s.SessionUser(ctx, []byte("bert-1")); err != nil {
			t.Errorf("bert's session after a failed change: %v", err)
		}
	})
}
