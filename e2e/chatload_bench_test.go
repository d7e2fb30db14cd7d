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
	"os/exec"
	"path/filepath"
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
// Before that, in the same run, it runs the same load (without the idle
// streams) against the chat baseline of package bare in the same topology,
// and reports its figures (bare-…) and sotepe's ÷ the baseline's
// (p50-ratio, p99-ratio, and cpu-ratio of the servers' CPU time a message
// during the sends). As the two loads run one after the other, each part
// also reports the load average at its end (load1, bare-load1). One
// iteration is the whole load: run it with -benchtime 1x.
func BenchmarkChatLoad(b *testing.B) {
	bareChat := buildBareChat(b)
	for _, engine := range []testenv.Engine{testenv.SQLite, testenv.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			for range b.N {
				chatLoad(b, engine, bareChat)
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

func chatLoad(b *testing.B, engine testenv.Engine, bareChat string) {
	b.StopTimer()
	// The baseline first, its processes gone before sotepe starts.
	bare := bareChatLoad(b, engine, bareChat)
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

	// Both sides' streams of every chat, and the messages.
	load := chatLoadTarget{base: base, staffBase: staffBase, residents: residents, nurse: nurse, ids: ids,
		messages: func(id int64) string { return "/api/v1/chats/" + strconv.FormatInt(id, 10) + "/messages" },
		// The emergency notice, the first message and the take are old news.
		events: func(id int64) string { return "/api/v1/chats/" + strconv.FormatInt(id, 10) + "/events?last_event_id=3" },
		pids:   processes(cmdA, cmdB),
	}
	got, stopStreams := runChatLoad(b, ctx, client, load, true)
	b.ReportMetric(got.p50, "p50-ms")
	b.ReportMetric(got.p99, "p99-ms")
	b.ReportMetric(float64(got.lost), "lost")
	b.ReportMetric(float64(got.sendErrs), "send-errors")
	b.ReportMetric(got.cpuPerMessage, "cpu-ms/msg")
	b.ReportMetric(loadAverage(b), "load1")

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
	b.ReportMetric(float64(held.Load()), "idle-held")
	b.ReportMetric(rss, "peak-RSS-MB")
	b.ReportMetric(bare.p50, "bare-p50-ms")
	b.ReportMetric(bare.p99, "bare-p99-ms")
	b.ReportMetric(float64(bare.lost), "bare-lost")
	b.ReportMetric(bare.rss, "bare-peak-RSS-MB")
	b.ReportMetric(bare.load1, "bare-load1")
	b.ReportMetric(bare.cpuPerMessage, "bare-cpu-ms/msg")
	if bare.cpuPerMessage > 0 {
		b.ReportMetric(got.cpuPerMessage/bare.cpuPerMessage, "cpu-ratio")
	}
	if bare.p50 > 0 && bare.p99 > 0 {
		b.ReportMetric(got.p50/bare.p50, "p50-ratio")
		b.ReportMetric(got.p99/bare.p99, "p99-ratio")
	}
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

// loadAverage returns the machine's load average over the last minute: the
// load runs on two cores that other programs may share, and the baseline
// and sotepe do not run at the same moments.
func loadAverage(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		b.Logf("load average: %v", err)
		return 0
	}
	first, _, _ := strings.Cut(string(raw), " ")
	v, _ := strconv.ParseFloat(first, 64)
	return v
}

// chatLoadTarget is a server (or two) under the chat load: where the
// residents' and the professional's requests go, their sessions, the open
// chats (the i-th resident's is ids[i]), and the paths of a chat's
// messages (POST {"message"}) and of its stream from where the load starts.
type chatLoadTarget struct {
	base, staffBase string
	residents       []chatLoadUser
	nurse           chatLoadUser
	ids             []int64
	messages        func(id int64) string
	events          func(id int64) string
	pids            []int // the server processes, whose CPU time is measured
}

// cpuSeconds returns the CPU time (user and system) processes pids have
// used, in seconds (at the kernel's 10 ms ticks).
func cpuSeconds(b *testing.B, pids []int) float64 {
	var ticks float64
	for _, pid := range pids {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			b.Logf("CPU time: %v", err)
			continue
		}
		// The fields after the command's name in parentheses: state is
		// the first, utime the 12th and stime the 13th.
		f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseFloat(f[11], 64)
		s, _ := strconv.ParseFloat(f[12], 64)
		ticks += u + s
	}
	return ticks / 100
}

// chatLoadResult is what one run of the load measured: the delivery times
// in ms, the messages lost (not seen on the other side's stream within 5 s
// of the last send, failed sends included) and the failed sends.
type chatLoadResult struct {
	p50, p99       float64
	lost, sendErrs int64
	// cpuPerMessage is the servers' CPU time (user and system) from the
	// first send to the end of the wait, in ms per message sent.
	cpuPerMessage float64
	rss           float64 // peak RSS in MB, filled in by the caller
	load1         float64 // the load average at the end, filled in by the caller
}

// runChatLoad opens both sides' streams of every chat of t, sends
// chatLoadRate messages a second for chatLoadSeconds, alternately from the
// professional and from the resident, each to a chat in turn, and waits up
// to 5 s for the last to arrive. With timed the benchmark's timer runs
// from the first send to the end of that wait. The streams stay open until
// stop is called.
func runChatLoad(b *testing.B, ctx context.Context, client *http.Client, t chatLoadTarget, timed bool) (_ chatLoadResult, stop func()) {
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
	for i, id := range t.ids {
		path := t.events(id)
		open(t.residents[i], t.base+path)
		open(t.nurse, t.staffBase+path)
	}

	// Messages at chatLoadRate a second, alternately from the nurse and
	// from the resident, each to a chat in turn.
	cpu0 := cpuSeconds(b, t.pids)
	if timed {
		b.StartTimer()
	}
	tick := time.NewTicker(time.Second / chatLoadRate)
	var sends sync.WaitGroup
	var sendErrs atomic.Int64
	total := chatLoadRate * chatLoadSeconds
	for n := range total {
		<-tick.C
		i := n % len(t.ids)
		sends.Go(func() {
			tag := "m" + strconv.Itoa(n)
			from, url := t.nurse, t.staffBase
			if n%2 == 1 {
				from, url = t.residents[i], t.base
			}
			sent.Store(tag, time.Now())
			res, err := from.do(ctx, client, "POST", url+t.messages(t.ids[i]),
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
	if timed {
		b.StopTimer()
	}
	mu.Lock()
	slices.Sort(latencies)
	got := len(latencies)
	p := func(q float64) float64 {
		if got == 0 {
			return 0
		}
		return float64(latencies[min(got-1, int(q*float64(got)))].Microseconds()) / 1000
	}
	r := chatLoadResult{p50: p(0.50), p99: p(0.99), lost: int64(total) - int64(got), sendErrs: sendErrs.Load(),
		cpuPerMessage: (cpuSeconds(b, t.pids) - cpu0) * 1000 / float64(total)}
	mu.Unlock()
	return r, func() { stopStreams(); streams.Wait() }
}

// processes returns the ids of the distinct processes of cmds.
func processes(cmds ...*exec.Cmd) []int {
	var pids []int
	for _, c := range cmds {
		if !slices.Contains(pids, c.Process.Pid) {
			pids = append(pids, c.Process.Pid)
		}
	}
	return pids
}

// buildBareChat builds the chat baseline's command (internal/bare/cmd/barechat)
// and returns the binary's path.
func buildBareChat(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "barechat")
	if out, err := exec.Command("go", "build", "-o", bin, "sotepe/internal/bare/cmd/barechat").CombinedOutput(); err != nil {
		b.Fatalf("build barechat: %v\n%s", err, out)
	}
	return bin
}

// startBareChat starts the chat baseline bin on db and returns its address
// and the running command, killed when the benchmark ends.
func startBareChat(b *testing.B, bin, db string) (string, *exec.Cmd) {
	cmd := exec.Command(bin, "--db", db)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		b.Fatalf("barechat did not start: %q %v", line, err)
	}
	return base, cmd
}

// bareChatLoad runs the same load (chats, rate, duration; no idle streams)
// against the chat baseline (bare.ChatServer) on a new database of engine,
// in the same topology as sotepe's: one process on SQLite, two on
// PostgreSQL with the residents on one and the professional on the other.
// It reports the peak RSS of the larger process, and stops the processes
// before it returns.
func bareChatLoad(b *testing.B, engine testenv.Engine, bin string) chatLoadResult {
	db := testenv.DSN(b, engine)
	base, cmdA := startBareChat(b, bin, db)
	staffBase, cmdB := base, cmdA
	if engine == testenv.Postgres {
		// Started after the first has made the table.
		staffBase, cmdB = startBareChat(b, bin, db)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4096, MaxConnsPerHost: 0}}
	defer client.CloseIdleConnections()
	session := func(base string) chatLoadUser {
		res, err := client.Post(base+"/sessions", "", nil)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 201 || len(res.Cookies()) != 1 {
			b.Fatalf("barechat session: %d", res.StatusCode)
		}
		return chatLoadUser{cookie: res.Cookies()[0].Name + "=" + res.Cookies()[0].Value}
	}
	t := chatLoadTarget{base: base, staffBase: staffBase, nurse: session(staffBase),
		messages: func(id int64) string { return "/chats/" + strconv.FormatInt(id, 10) + "/messages" },
		events:   func(id int64) string { return "/chats/" + strconv.FormatInt(id, 10) + "/events" },
		pids:     processes(cmdA, cmdB),
	}
	for i := range chatLoadChats {
		t.residents = append(t.residents, session(base))
		t.ids = append(t.ids, int64(i+1))
	}
	r, stop := runChatLoad(b, ctx, client, t, false)
	r.rss = max(peakRSS(b, cmdA.Process.Pid), peakRSS(b, cmdB.Process.Pid))
	r.load1 = loadAverage(b)
	stop()
	for _, cmd := range []*exec.Cmd{cmdA, cmdB} {
		_ = cmd.Process.Kill()
	}
	return r
}
