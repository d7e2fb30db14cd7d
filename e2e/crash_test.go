package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startOn starts `sotepe demo` on an existing database file and returns its
// address and the running command.
func startOn(t testing.TB, db string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(binary, "demo", "--addr", "127.0.0.1:0", "--db", db)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	re := regexp.MustCompile(`listening on (http://\S+)`)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return m[1], cmd
		}
	}
	t.Fatal("sotepe did not start")
	return "", nil
}

func signedInClient(t *testing.T, base, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+user+`","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("login %s: %d", user, res.StatusCode)
	}
	return c
}

// submit sends one contact request with an idempotency key.
func submit(client *http.Client, base, key string) (*http.Response, error) {
	req, err := http.NewRequest("POST", base+"/api/v1/contact-requests",
		strings.NewReader(`{"service":"health-station-nurse","message":"Viesti `+key+`"}`))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	return client.Do(req)
}

// TestAcknowledgedRequestsSurviveSIGKILL sends a burst of contact requests,
// kills the server with SIGKILL in the middle of it, restarts it on the same
// database, and checks that every request acknowledged with 201 is there
// exactly once, and that retrying every submission with its Idempotency-Key
// creates no duplicates.
func TestAcknowledgedRequestsSurviveSIGKILL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "crash.db")
	base, cmd := startOn(t, db)
	client := signedInClient(t, base, "erik")

	type ack struct {
		key string
		id  int64
	}
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	const workers, each = 8, 60
	killed := make(chan struct{})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				key := fmt.Sprintf("crash-%d-%d", w, i)
				res, err := submit(client, base, key)
				if err != nil {
					return // the server is gone
				}
				var body struct {
					ID int64 `json:"id"`
				}
				_ = json.NewDecoder(res.Body).Decode(&body)
				res.Body.Close()
				if res.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, ack{key, body.ID})
					n := len(acked)
					mu.Unlock()
					if n == 150 {
						close(killed)
					}
				}
			}
		}(w)
	}
	select {
	case <-killed:
	case <-time.After(60 * time.Second):
		t.Fatal("the burst did not reach 150 acknowledgements")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 150 {
		t.Fatalf("only %d acknowledged", len(acked))
	}

	base, _ = startOn(t, db)
	client = signedInClient(t, base, "erik")
	stored := map[int64]int{}
	next := ""
	for {
		res, err := client.Get(base + "/api/v1/contact-requests?limit=500&cursor=" + next)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		_ = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		for _, it := range page.Items {
			stored[it.ID]++
		}
		if page.NextCursor == "" {
			break
		}
		next = page.NextCursor
	}
	for _, a := range acked {
		if stored[a.id] != 1 {
			t.Errorf("acknowledged request %d (%s) is stored %d times", a.id, a.key, stored[a.id])
		}
	}
	before := len(stored)
	// Retry every submission, acknowledged or not: those stored answer 200
	// with their id, the lost ones are created now, none twice.
	created := 0
	for w := 0; w < workers; w++ {
		for i := 0; i < each; i++ {
			key := fmt.Sprintf("crash-%d-%d", w, i)
			res, err := submit(client, base, key)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			switch res.StatusCode {
			case 201:
				created++
			case 200:
			default:
				t.Fatalf("retry %s: %d", key, res.StatusCode)
			}
		}
	}
	if before+created != workers*each {
		t.Errorf("%d stored after the crash and %d created by retries, want %d in all", before, created, workers*each)
	}
	t.Logf("%d acknowledged before SIGKILL, %d stored after restart, %d created by retries", len(acked), before, created)
}
