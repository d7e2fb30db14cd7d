package oidc_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/oidc"
)

// startMockServer runs oidc/testdata/mockserver/server.js (oauth2-mock-server
// 8.2.3 from npm) and returns its issuer URL. It skips the test when node or
// the installed packages are missing.
func startMockServer(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH; install Node 20 and run `npm ci --prefix oidc/testdata/mockserver`")
	}
	dir := filepath.Join("testdata", "mockserver")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oauth2-mock-server")); err != nil {
		t.Skip("oauth2-mock-server is not installed; run `npm ci --prefix oidc/testdata/mockserver`")
	}
	cmd := exec.Command(node, "server.js")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	// server.js stops when its stdin closes, so it never outlives the test.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case issuer, ok := <-lines:
		if !ok || !strings.HasPrefix(issuer, "http://") {
			t.Fatalf("server.js printed no issuer URL (%q)", issuer)
		}
		return issuer
	case <-time.After(30 * time.Second):
		t.Fatal("server.js did not print its issuer URL within 30 s")
	}
	return ""
}

// TestAgainstOAuth2MockServer signs in at a provider no one here wrote:
// discovery, the authorization redirect, the code exchange with PKCE (the
// mock checks the verifier), the ID token's signature against the mock's
// JWKS, nonce, and the personal data from its userinfo response.
func TestAgainstOAuth2MockServer(t *testing.T) {
	issuer := startMockServer(t)
	ctx := context.Background()
	p, err := oidc.New(ctx, oidc.Config{
		Name:        "oauth2-mock-server",
		Issuer:      issuer,
		ClientID:    "sotepe-mock",
		RedirectURL: "http://rp.example/auth/callback",
		SigningKey:  keys()[0],
		HTTPClient:  &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	authorize := func(authURL string) url.Values {
		t.Helper()
		resp, err := noRedirects().Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode/100 != 3 {
			t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query()
	}

	authURL, pend, err := p.Begin()
	if err != nil {
		t.Fatal(err)
	}
	q := authorize(authURL)
	if err := oidc.CheckState(pend, q.Get("state")); err != nil {
		t.Fatal(err)
	}
	c, err := p.Finish(ctx, q.Get("code"), pend)
	if err != nil {
		t.Fatal(err)
	}
	want := oidc.Claims{
		Subject: "johndoe", PersonalID: "010101-123N", GivenName: "John", FamilyName: "Doe",
		LoA: oidc.LoAHigh, ACR: "http://ftn.ficora.fi/2017/loa3", IDToken: c.IDToken,
	}
	if c != want {
		t.Errorf("claims\n got %+v\nwant %+v", c, want)
	}
	if es := p.EndSessionURL(c.IDToken, "http://rp.example/out", "s"); !strings.HasPrefix(es, issuer) {
		t.Errorf("EndSessionURL %q", es)
	}

	// The mock puts the nonce of the authorization request in the ID token;
	// a sign-in finished with another pending nonce is refused.
	authURL, pend, _ = p.Begin()
	q = authorize(authURL)
	_, other, _ := p.Begin()
	pend.Nonce = other.Nonce
	_, err = p.Finish(ctx, q.Get("code"), pend)
	wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_nonce")

	// So is a sign-in whose PKCE verifier is not the one of the challenge.
	authURL, pend, _ = p.Begin()
	q = authorize(authURL)
	pend.Verifier = other.Verifier
	_, err = p.Finish(ctx, q.Get("code"), pend)
	wantRefusal(t, err, sotepe.EUnauthorized, "error.oidc_code")
}
