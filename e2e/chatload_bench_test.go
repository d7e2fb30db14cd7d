package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sotepe"
	"sotepe/internal/testenv"
	"sotepe/store"
)

// The chat load of docs/benchmarks.md: chatLoadChats open chats, each with
// the resident's and the professional's live stream, messages at
// chatLoadRate a second both ways for chatLoadSeconds, then
// chatLoadIdle idle streams held on top.
const (
	chatLoadChats   = 500
	chatLoadRate    = 50
	chatLoadSeconds = 20
	chatLoadIdle    = 2000
)

// BenchmarkChatLoad runs the chat load against the real binary: on SQLite
// one `sotepe demo` process; on PostgreSQL two processes on one database,
// the residents' streams on one and the professional on the other, so
// every message crosses processes. It reports the delivery time of a
// message from its POST to the other side's stream (p50, p99), messages
// lost, the servers' peak RSS, and how many of the idle streams were held.
// One iteration is the whole load: run it with -benchtime 1x.
func BenchmarkChatLoad(b *testing.B) {
	for _, engine := range []testenv.Engine{testenv.SQLite, testenv.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			for range b.N {
				chatLoad(b, engine)
			}
		})
	}
}

// chatLoadUser is one signed-in side of the load: a session cookie.
type chatLoadUser struct {
	cookie string
}

func (u chatLoadUser) do(ctx context.Context, c *http.Client, method, url string, body any) (*http.Response, error) {
	var r *bytes.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	} else {
		r = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", u.cookie)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Do(req)
}

// seedChatLoad creates n residents with accounts and a session each, and a
// session for the nurse, straight in the database the server runs on.
func seedChatLoad(b *testing.B, db string, n int) (residents []chatLoadUser, nurse chatLoadUser) {
	ctx := context.Background()
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	session := func(userID int64) chatLoadUser {
		token := rand.Text()
		h := sha256.Sum256([]byte(token))
		if err := st.CreateSession(ctx, sotepe.Session{TokenHash: h[:], UserID: userID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(8 * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		return chatLoadUser{cookie: "sotepe_session=" + token}
	}
	for i := range n {
		birth := time.Date(1950+i%50, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		r, err := st.CreateResident(ctx, sotepe.Resident{PersonalID: sotepe.SyntheticPersonalID(birth, 900+i/600),
			FirstName: "Kuorma", LastName: "Testi" + strconv.Itoa(i), Lang: sotepe.Finnish, District: "kallio"})
		if err != nil {
			b.Fatalf("resident %d: %v", i, err)
		}
		u, err := st.CreateUser(ctx, sotepe.NewUser{Username: "load" + strconv.Itoa(i), Name: r.FullName(),
			Roles: []sotepe.Role{sotepe.RoleResident}, Lang: sotepe.Finnish, ResidentID: r.ID})
		if err != nil {
			b.Fatalf("user %d: %v", i, err)
		}
		residents = append(residents, session(u.ID))
	}
	nu, _, err := st.UserByUsername(ctx, "nurse")
	if err != nil {
		b.Fatal(err)
	}
	return residents, session(nu.ID)
}

// chatStream reads one chat's live stream and calls onMessage with the
// body of every message event; connected is closed once the stream is open.
func chatStream(ctx context.Context, c *http.Client, u chatLoadUser, url string, connected chan<- struct{}, onMessage func(body string)) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Cookie", u.cookie)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		body, _ := io.ReadAll(res.Body)
		return fmt.Errorf("stream %s: %d %s", url, res.StatusCode, body)
	}
	if connected != nil {
		close(connected)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var event string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "message" && onMessage != nil:
			var e struct {
				Body string `json:"body"`
			}
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e) == nil {
				onMessage(e.Body)
			}
		case line == "":
			event = ""
		}
	}
	return sc.Err()
}

func chatLoad(b *testing.B, engine testenv.Engine) {
	b.StopTimer()
	db := testenv.DSN(b, engine)
	base, cmdA := startOn(b, db)
	staffBase, cmdB := base, cmdA
	if engine == testenv.Postgres {
		staffBase, cmdB = startOn(b, db)
	}
	residents, nurse := seedChatLoad(b, db, chatLoadChats)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4096, MaxConnsPerHost: 0}}

	// The nurse's queue open makes the line staffed.
	if res, err := nurse.do(ctx, client, "GET", staffBase+"/api/v1/chats?status=waiting", nil); err != nil || res.StatusCode != 200 {
		b.Fatalf("the nurse's queue: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	ids := make([]int64, len(residents))
	var wg sync.WaitGroup
	errs := make(chan error, len(residents))
	sem := make(chan struct{}, 16)
	for i, r := range residents {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res, err := r.do(ctx, client, "POST", base+"/api/v1/chats", map[string]string{"service": "health-advice", "message": "Hei, kysymys " + strconv.Itoa(i)})
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			var c struct{ ID int64 }
			if res.StatusCode != 201 || json.NewDecoder(res.Body).Decode(&c) != nil {
				errs <- fmt.Errorf("start chat %d: %d", i, res.StatusCode)
				return
			}
			ids[i] = c.ID
			res2, err := nurse.do(ctx, client, "POST", staffBase+"/api/v1/chats/"+strconv.FormatInt(c.ID, 10)+"/take", nil)
			if err != nil {
				errs <- err
				return
			}
			res2.Body.Close()
			if res2.StatusCode != 200 {
				errs <- fmt.Errorf("take chat %d: %d", c.ID, res2.StatusCode)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}

	// Both sides' streams of every chat.
	var sent sync.Map // message tag → time.Time of its POST
	var mu sync.Mutex
	var latencies []time.Duration
	var received atomic.Int64
	onMessage := func(body string) {
		at := time.Now()
		tag, _, ok := strings.Cut(body, " ")
		if !ok {
			return
		}
		if t0, ok := sent.LoadAndDelete(tag); ok {
			received.Add(1)
			mu.Lock()
			latencies = append(latencies, at.Sub(t0.(time.Time)))
			mu.Unlock()
		}
	}
	streamCtx, stopStreams := context.WithCancel(ctx)
	var streams sync.WaitGroup
	open := func(u chatLoadUser, url string) {
		connected := make(chan struct{})
		failed := make(chan error, 1)
		streams.Go(func() { failed <- chatStream(streamCtx, client, u, url, connected, onMessage) })
		select {
		case <-connected:
		case err := <-failed:
			b.Fatalf("stream %s: %v", url, err)
		case <-time.After(10 * time.Second):
			b.Fatalf("stream %s did not open", url)
		}
	}
	for i, id := range ids {
		// The emergency notice, the first message and the take are old news.
		path := "/api/v1/chats/" + strconv.FormatInt(id, 10) + "/events?last_event_id=3"
		open(residents[i], base+path)
		open(nurse, staffBase+path)
	}

	// Messages at chatLoadRate a second, alternately from the nurse and
	// from the resident, each to a chat in turn.
	b.StartTimer()
	tick := time.NewTicker(time.Second / chatLoadRate)
	var sends sync.WaitGroup
	var sendErrs atomic.Int64
	total := chatLoadRate * chatLoadSeconds
	for n := range total {
		<-tick.C
		i := n % len(ids)
		sends.Go(func() {
			tag := "m" + strconv.Itoa(n)
			from, url := nurse, staffBase
			if n%2 == 1 {
				from, url = residents[i], base
			}
			sent.Store(tag, time.Now())
			res, err := from.do(ctx, client, "POST", url+"/api/v1/chats/"+strconv.FormatInt(ids[i], 10)+"/messages",
				map[string]string{"message": tag + " viesti"})
			if err != nil || res.StatusCode != 201 {
				sendErrs.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
		})
	}
	tick.Stop()
	sends.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for received.Load() < int64(total)-sendErrs.Load() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	b.StopTimer()
	mu.Lock()
	slices.Sort(latencies)
	got := len(latencies)
	p := func(q float64) float64 {
		if got == 0 {
			return 0
		}
		return float64(latencies[min(got-1, int(q*float64(got)))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(float64(int64(total)-int64(got)), "lost")
	b.ReportMetric(float64(sendErrs.Load()), "send-errors")
	mu.Unlock()

	// Idle streams on top of the open chats: held when each is still open
	// after 20 s (the server's heartbeat keeps them alive).
	var held atomic.Int64
	idleCtx, stopIdle := context.WithCancel(ctx)
	var idle sync.WaitGroup
	for k := range chatLoadIdle {
		i := k % len(ids)
		connected := make(chan struct{})
		idle.Go(func() {
			err := chatStream(idleCtx, client, residents[i], base+"/api/v1/chats/"+strconv.FormatInt(ids[i], 10)+"/events", connected, nil)
			if idleCtx.Err() != nil {
				held.Add(1)
			} else if err != nil {
				b.Logf("idle stream: %v", err)
			}
		})
		select {
		case <-connected:
		case <-time.After(10 * time.Second):
			b.Fatalf("idle stream %d did not open", k)
		}
	}
	time.Sleep(20 * time.Second)
	rss := max(peakRSS(b, cmdA.Process.Pid), peakRSS(b, cmdB.Process.Pid))
	stopIdle()
	idle.Wait()
	stopStreams()
	streams.Wait()
	b.ReportMetric(float64(held.Load()), "idle-held")
	b.ReportMetric(rss, "peak-RSS-MB")
}

// peakRSS returns process pid's peak resident set (VmHWM) in MB.
func peakRSS(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Logf("peak RSS: %v", err)
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
