package valtuudettest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sotepe"
)

// register calls the register endpoint in-process, signed at the fake's own
// clock, and returns the status and the session.
func register(t *testing.T, s *Server, personalID string) (int, map[string]string) {
	t.Helper()
	path := "/service/hpa/user/register/c1/" + personalID + "?requestId=r"
	stamp := s.now().Format(time.RFC3339)
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write([]byte(path + " " + stamp))
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("X-AsiointivaltuudetAuthorization", "c1 "+stamp+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var out map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func TestSessionsArePrunedAndExpire(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := New(Config{ClientID: "c1", ClientSecret: "s", ChecksumKey: "key", Now: func() time.Time { return now }})
	id := sotepe.SyntheticPersonalID(time.Date(1975, 4, 4, 0, 0, 0, 0, time.UTC), 901)

	code, first := register(t, s, id)
	if code != http.StatusOK || first["sessionId"] == "" || first["userId"] == "" {
		t.Fatalf("register: %d %v", code, first)
	}
	if code, _ := register(t, s, "not-an-id"); code != http.StatusBadRequest {
		t.Errorf("a bad identity code: %d", code)
	}

	now = now.Add(SessionLifetime + time.Second)
	// The old session's user can no longer authorize.
	req := httptest.NewRequest(http.MethodGet, "/oauth/authorize?client_id=c1&response_type=code&redirect_uri=https://x.example/r&user="+first["userId"], nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("authorize on an expired session: %d", rec.Code)
	}

	if code, _ := register(t, s, id); code != http.StatusOK {
		t.Fatalf("register again: %d", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) != 1 || len(s.users) != 1 {
		t.Errorf("after pruning: %d sessions, %d users; want 1 and 1", len(s.sessions), len(s.users))
	}
	if _, ok := s.sessions[first["sessionId"]]; ok {
		t.Error("the expired session is still kept")
	}
}
