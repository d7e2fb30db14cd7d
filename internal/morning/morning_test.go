package morning_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sotepe/internal/morning"
	"sotepe/internal/smtptest"
	"sotepe/internal/testenv"
	"sotepe/notify"
	"sotepe/store"
)

const reference = "../../yeargen/data/reference-2024.json"

func TestReadMix(t *testing.T) {
	m, err := morning.ReadMix(reference)
	if err != nil {
		t.Fatal(err)
	}
	// 24.7 million portal contacts; nurse, doctor and dental visits;
	// symptom assessments and chats.
	if m.Reads != 24_700_000 || m.Bookings != 1_375_195+874_994+480_650 || m.Submissions != 156_700+72_200 || m.Residents != 675_000 {
		t.Fatalf("mix = %+v", m)
	}
	if r := m.PeakRate(); r < 7 || r > 8 {
		t.Errorf("peak rate = %.2f actions/s", r)
	}
}

// TestThreeProcessesLoseNothingWhenOneIsKilled runs three sotepe serve
// processes on one PostgreSQL schema behind haproxy, plays the morning at
// several times the city's peak hour, kills one process (SIGKILL) in the
// middle and goes on. Every acknowledged contact request and booking is
// in the database, a session signed in before the kill goes on in both
// other processes, and the outbox, filled before and after the kill, is
// mailed exactly once by the three processes' dispatchers together.
func TestThreeProcessesLoseNothingWhenOneIsKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three sotepe processes for about a minute")
	}
	if _, err := exec.LookPath("haproxy"); err != nil {
		t.Skip("haproxy is not installed (apt-get install haproxy): skipping the three-process test")
	}
	dsn := testenv.PostgresDSN(t) // skips without SOTEPE_TEST_POSTGRES
	ctx := context.Background()
	mix, err := morning.ReadMix(reference)
	if err != nil {
		t.Fatal(err)
	}
	// Ten times the submissions of the mix (0.7 % of the actions), so
	// that a run of seconds acknowledges dozens to look up.
	mix.Submissions *= 10
	dir := t.TempDir()
	bin, err := morning.Build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := morning.Seed(ctx, bin, dsn); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	c, err := morning.StartCluster(ctx, morning.ClusterConfig{Binary: bin, DB: dsn, Processes: 3, Dir: dir,
		Env: []string{"SOTEPE_SMTP_ADDR=" + mail.Addr, "SOTEPE_SMTP_FROM=noreply@sotepe.example"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	st, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db := st.DB()

	session := signIn(t, c.URL, "erik")
	queue(t, db, 40)

	type result struct {
		rep morning.Report
		err error
	}
	done := make(chan result, 1)
	const duration = 16 * time.Second
	go func() {
		rep, err := morning.Run(ctx, morning.Config{BaseURL: c.URL, Mix: mix, Rate: 5 * mix.PeakRate(), Duration: duration})
		done <- result{rep, err}
	}()
	time.Sleep(duration / 2)
	killed := c.Processes[1]
	killed.Kill()
	queue(t, db, 40)
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	rep := res.rep
	t.Logf("three processes, one killed after %s:\n%s", duration/2, rep)

	if len(rep.Contacts) == 0 || len(rep.Appointments) == 0 {
		t.Fatalf("the morning acknowledged %d contact requests and %d bookings: too few to tell anything", len(rep.Contacts), len(rep.Appointments))
	}
	lost, err := morning.Verify(ctx, dsn, rep)
	if err != nil {
		t.Fatal(err)
	}
	if !lost.Empty() {
		t.Errorf("acknowledged but not in the database: contact requests %v, bookings %v", lost.Contacts, lost.Appointments)
	}
	// Requests in flight at the kill may fail (haproxy answers 502 for a
	// request the dead process had received); no session is ever lost.
	for _, rt := range rep.Routes {
		if rt.Unauthorized > 0 {
			t.Errorf("%s: %d answers 401: a session did not go on in another process", rt.Name, rt.Unauthorized)
		}
	}
	if e := rep.Errors(); e > rep.Requests/50 {
		t.Errorf("%d errors in %d requests", e, rep.Requests)
	}
	for i, p := range c.Processes {
		if p == killed {
			continue
		}
		r := get(t, session, "http://"+p.Addr+"/api/v1/me")
		if r != http.StatusOK {
			t.Errorf("process %d: erik's session signed in before the kill: %d", i, r)
		}
	}

	// Every notification is mailed once. One the killed process had
	// claimed waits for its lease (notify.Lease) and may have been mailed
	// just before the kill: it is neither lost nor sent by two live
	// processes.
	var sent, claimed int
	deadline := time.Now().Add(30 * time.Second)
	for {
		var due int
		now := time.Now().UnixMicro()
		if err := db.QueryRowContext(ctx, `SELECT
				COUNT(*) FILTER (WHERE sent_at IS NOT NULL),
				COUNT(*) FILTER (WHERE sent_at IS NULL AND next_attempt_at > $1),
				COUNT(*) FILTER (WHERE sent_at IS NULL AND next_attempt_at <= $1)
			FROM notifications`, now).Scan(&sent, &claimed, &due); err != nil {
			t.Fatal(err)
		}
		if due == 0 && len(mail.Messages()) >= sent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s, %d notifications are still due (%d sent, %d claimed)", due, sent, claimed)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if sent < 80 {
		t.Errorf("only %d notifications sent", sent)
	}
	if claimed > 20 {
		t.Errorf("%d notifications claimed and not sent: more than one round of the killed process", claimed)
	}
	if n := len(mail.Messages()); n < sent || n > sent+claimed {
		t.Errorf("%d mails for %d notifications recorded as sent (%d claimed by the killed process)", n, sent, claimed)
	}
	// The reminder sweep ran in three processes: one reminder a booking.
	var reminders, reminded int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM notifications WHERE kind = 'appt_reminder'),
		(SELECT COUNT(*) FROM appointments WHERE reminded_at IS NOT NULL)`).Scan(&reminders, &reminded); err != nil {
		t.Fatal(err)
	}
	if reminders != reminded {
		t.Errorf("%d reminders queued for %d appointments reminded", reminders, reminded)
	}
	t.Logf("%d notifications mailed (%d reminders), %d left to the killed process's claim (lease %s)", sent, reminders, claimed, notify.Lease)
}

// queue puts n notifications for erik in the outbox, due now, as answers
// to his requests would.
func queue(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	now := time.Now().UnixMicro()
	var values []string
	for range n {
		values = append(values, fmt.Sprintf("((SELECT id FROM users WHERE username = 'erik'), 'new_message', 'sv', %d, %d)", now, now))
	}
	if _, err := db.Exec(`INSERT INTO notifications (user_id, kind, lang, created_at, next_attempt_at) VALUES ` + strings.Join(values, ", ")); err != nil {
		t.Fatal(err)
	}
}

// signIn returns a client signed in as username (password demo).
func signIn(t *testing.T, base, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	r, err := c.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"username":"`+username+`","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("sign-in of %s: %d", username, r.StatusCode)
	}
	return c
}

// get returns the status of a GET of url with c. The cookie jar keys the
// session by host, and every process is on 127.0.0.1.
func get(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	r, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r.StatusCode
}
