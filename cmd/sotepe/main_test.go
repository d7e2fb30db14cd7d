package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotepe/internal/testenv"
	"sotepe/store"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs a server subcommand until the returned stop is called, and
// returns its base URL.
func start(t *testing.T, args ...string) (string, *testenv.Buffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &testenv.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, env(nil), strings.NewReader(""), out, io.Discard) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("server ended early: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("server did not start:\n%s", out.String())
	return "", nil, nil
}

func TestHelpVersionAndUnknown(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "sotepe demo") {
		t.Errorf("help: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, env(nil), nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "sotepe ") {
		t.Errorf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"fly"}, env(nil), nil, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
	if err := run(context.Background(), []string{"serve"}, env(nil), nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("serve without a database: %v", err)
	}
}

func TestDemoStartsServesAndShutsDownThenRestarts(t *testing.T) {
	testenv.Engines(t, testDemoStartsServesAndShutsDownThenRestarts)
}

func testDemoStartsServesAndShutsDownThenRestarts(t *testing.T) {
	db := testenv.DSN(t, testenv.EngineOf(t))
	url, out, stop := start(t, "demo", "--addr", "127.0.0.1:0", "--db", db)
	if !strings.Contains(out.String(), "anna") || !strings.Contains(out.String(), "password: demo") {
		t.Errorf("demo does not print its accounts:\n%s", out.String())
	}
	res, err := http.Post(url+"/api/v1/session", "application/json", strings.NewReader(`{"username":"erik","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("demo login: %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	// The second start finds the data and creates nothing.
	url, out, stop = start(t, "demo", "--addr", "127.0.0.1:0", "--db", db)
	defer stop()
	if strings.Contains(out.String(), "creating the demo database") {
		t.Error("the second start loaded the demo data again")
	}
	res, err = http.Get(url + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz after restart: %v %v", err, res)
	}
	res.Body.Close()
}

func TestServeCreatesNoAccountsAndAdminCreatesOne(t *testing.T) {
	testenv.Engines(t, testServeCreatesNoAccountsAndAdminCreatesOne)
}

func testServeCreatesNoAccountsAndAdminCreatesOne(t *testing.T) {
	db := testenv.DSN(t, testenv.EngineOf(t))
	url, _, stop := start(t, "serve", "--addr", "127.0.0.1:0", "--db", db, "--secure-cookies=false")
	res, err := http.Post(url+"/api/v1/session", "application/json", strings.NewReader(`{"username":"admin","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("serve has a demo admin: %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	short := run(context.Background(), []string{"admin", "create-user", "--db", db, "--username", "ada", "--name", "Ada Admin", "--role", "admin"},
		env(nil), strings.NewReader("short\n"), &out, io.Discard)
	if short == nil {
		t.Fatal("a short password was accepted")
	}
	err = run(context.Background(), []string{"admin", "create-user", "--db", db, "--username", "ada", "--name", "Ada Admin", "--role", "admin",
		"--email", "ada.admin@example.org"}, env(nil), strings.NewReader("correct horse battery staple\n"), &out, io.Discard)
	if err != nil {
		t.Fatalf("create-user: %v", err)
	}
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ada, _, err := st.UserByUsername(context.Background(), "ada")
	st.Close()
	if err != nil || ada.Email != "ada.admin@example.org" {
		t.Fatalf("the created admin's address is %q (%v)", ada.Email, err)
	}
	url, _, stop = start(t, "serve", "--addr", "127.0.0.1:0", "--db", db, "--secure-cookies=false")
	defer stop()
	res, err = http.Post(url+"/api/v1/session", "application/json", strings.NewReader(`{"username":"ada","password":"correct horse battery staple"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("the created admin cannot sign in: %d", res.StatusCode)
	}
}
