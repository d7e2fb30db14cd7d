package notify_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"mime"
	netmail "net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"sotepe"
	"sotepe/demo"
	"sotepe/i18n"
	"sotepe/internal/smtptest"
	"sotepe/internal/testenv"
	"sotepe/notify"
	"sotepe/store"
)

// setup is a real store (SQLite, or PostgreSQL inside testenv.Engines)
// with the demo people, and one answered request of erik's, so that the
// outbox holds one notification. The store keeps the real time, as the
// dispatchers here do.
func setup(t *testing.T) (*store.Store, *i18n.Catalog) {
	t.Helper()
	ctx := context.Background()
	env := testenv.New(t, testenv.EngineOf(t))
	st, people := env.Store, env.People
	st.Now = time.Now
	now := time.Now()
	r, _, err := st.CreateContactRequest(ctx, sotepe.ContactRequest{
		ResidentID: people.Residents["erik"], ServiceID: "health-station-nurse", UnitID: "kallio-health-station",
		Channel: sotepe.ChannelPortal, Status: sotepe.StatusNew, Lang: sotepe.Swedish, ReceivedAt: now, DueAt: now.Add(48 * time.Hour),
		Messages: []sotepe.Message{{Body: "Jag har feber.", At: now}},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMessage(ctx, r.ID, sotepe.Message{AuthorID: people.Users["nurse"], FromStaff: true, Body: "Kom i morgon.", At: now}, sotepe.StatusAnswered); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return st, cat
}

func TestLogSenderDeliversWithoutPersonalData(t *testing.T) {
	testenv.Engines(t, testLogSenderDeliversWithoutPersonalData)
}

func testLogSenderDeliversWithoutPersonalData(t *testing.T) {
	st, cat := setup(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: notify.LogSender{Logger: logger}, BaseURL: "http://x", Now: time.Now, Logger: logger}
	n, err := d.Deliver(context.Background(), 10)
	if err != nil || n != 1 {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if n, _ := d.Deliver(context.Background(), 10); n != 0 {
		t.Errorf("a delivered notification went out again")
	}
	out := logs.String()
	if !strings.Contains(out, `"kind":"new_message"`) || strings.Contains(out, "feber") || strings.Contains(out, "morgon") || strings.Contains(out, "@") {
		t.Errorf("log line: %s", out)
	}
}

func TestSMTPSenderMailsInTheUsersLanguage(t *testing.T) {
	testenv.Engines(t, testSMTPSenderMailsInTheUsersLanguage)
}

func testSMTPSenderMailsInTheUsersLanguage(t *testing.T) {
	st, cat := setup(t)
	srv := smtptest.Start(t)
	logger := slog.New(slog.DiscardHandler)
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: notify.SMTPSender{Addr: srv.Addr, From: "noreply@sotepe.example"},
		BaseURL: "https://sotepe.example", Now: time.Now, Logger: logger}
	n, err := d.Deliver(context.Background(), 10)
	if err != nil || n != 1 {
		t.Fatalf("Deliver = %d, %v (the demo's erik has an e-mail address)", n, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d mails", len(msgs))
	}
	mail := msgs[0].Data
	if !strings.Contains(mail, "Du har ett nytt meddelande") || !strings.Contains(mail, "https://sotepe.example/requests") {
		t.Errorf("mail not in Swedish or without the link:\n%s", mail)
	}
	if strings.Contains(mail, "feber") || strings.Contains(mail, "morgon") {
		t.Errorf("mail carries message text:\n%s", mail)
	}
	// The subject reads back as the catalog's Swedish, through a reader
	// of RFC 2047 no one here wrote.
	parsed, err := netmail.ReadMessage(strings.NewReader(mail))
	if err != nil {
		t.Fatalf("the mail does not parse: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
	if want := cat.T(sotepe.Swedish, "notify.new_message.subject", nil); err != nil || subject != want {
		t.Errorf("subject %q (%v), want %q", subject, err, want)
	}
}

// TestSubjectHeaderEncoding checks the subject's encoding: ASCII as it is,
// other letters as RFC 2047 encoded words of at most 75 characters, which
// decode back to the text.
func TestSubjectHeaderEncoding(t *testing.T) {
	srv := smtptest.Start(t)
	long := strings.Repeat("Yhteydenottopyyntöösi on vastattu, äläkä unohda vastata kyselyyn. ", 3)
	for _, subject := range []string{"New message", "Nytt meddelande i ärendet", long} {
		err := notify.SMTPSender{Addr: srv.Addr, From: "noreply@sotepe.example"}.Send(context.Background(),
			notify.Message{To: "erik@example.fi", Subject: subject, Body: "x"})
		if err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		parsed, err := netmail.ReadMessage(strings.NewReader(msgs[len(msgs)-1].Data))
		if err != nil {
			t.Fatal(err)
		}
		raw := parsed.Header.Get("Subject")
		for _, word := range strings.Fields(raw) {
			if strings.HasPrefix(word, "=?") && len(word) > 75 {
				t.Errorf("an encoded word of %d characters: %q", len(word), word)
			}
		}
		if got, err := new(mime.WordDecoder).DecodeHeader(raw); err != nil || got != subject {
			t.Errorf("subject %q reads back as %q (%v)", subject, got, err)
		}
	}
}

// TestBreachMailGoesToTheManager checks that a breach at the Kallio station
// is mailed to its manager's work address, in the manager's language.
func TestBreachMailGoesToTheManager(t *testing.T) { testenv.Engines(t, testBreachMailGoesToTheManager) }

func testBreachMailGoesToTheManager(t *testing.T) {
	st, cat := setup(t)
	ctx := context.Background()
	manager, _, err := st.UserByUsername(ctx, "manager")
	if err != nil || manager.Email == "" {
		t.Fatalf("the demo manager has no work address: %+v %v", manager, err)
	}
	erik, _, err := st.UserByUsername(ctx, "erik")
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-72 * time.Hour)
	if _, _, err := st.CreateContactRequest(ctx, sotepe.ContactRequest{
		ResidentID: erik.ResidentID, ServiceID: "health-station-nurse", UnitID: "kallio-health-station",
		Channel: sotepe.ChannelPhone, Status: sotepe.StatusNew, Lang: sotepe.Swedish, ReceivedAt: past, DueAt: past.Add(time.Hour),
		Messages: []sotepe.Message{{Body: "Ring mig.", At: past}},
	}, ""); err != nil {
		t.Fatal(err)
	}
	if marked, err := st.MarkBreached(ctx, time.Now()); err != nil || len(marked) != 1 {
		t.Fatalf("MarkBreached = %v, %v", marked, err)
	}
	srv := smtptest.Start(t)
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: notify.SMTPSender{Addr: srv.Addr, From: "noreply@sotepe.example"},
		BaseURL: "https://sotepe.example", Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
	if _, err := d.Deliver(ctx, 10); err != nil {
		t.Fatal(err)
	}
	var sentTo []string
	for _, msg := range srv.Messages() {
		sentTo = append(sentTo, msg.To...)
		if slices.Contains(msg.To, manager.Email) {
			// In Finnish ("Yksikkösi …", quoted-printable), with the link,
			// without the message.
			if m := msg.Data; !strings.Contains(m, "Yksikk") || !strings.Contains(m, "/queue?breached=true") || strings.Contains(m, "Ring mig") {
				t.Errorf("the manager's mail is not in Finnish, has no link or carries the message:\n%s", m)
			}
			return
		}
	}
	t.Fatalf("no mail to the manager's %s; mails went to %v", manager.Email, sentTo)
}

// capture keeps the messages it is sent.
type capture struct{ msgs []notify.Message }

func (c *capture) Send(_ context.Context, m notify.Message) error {
	c.msgs = append(c.msgs, m)
	return nil
}

// TestFeedbackRequestCarriesASingleUseVisitLink completes a visit of anna's
// and delivers the feedback request: its link holds a token that answers
// about that visit once, without signing in, and the message names nothing
// of the visit.
func TestFeedbackRequestCarriesASingleUseVisitLink(t *testing.T) {
	testenv.Engines(t, testFeedbackRequestCarriesASingleUseVisitLink)
}

func testFeedbackRequestCarriesASingleUseVisitLink(t *testing.T) {
	st, cat := setup(t)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Helsinki")
	// A fixed Wednesday before dawn: the demo opens slots from the start of
	// the day 48 hours earlier (a Monday), so the first of them still lies
	// ahead of the booking made 47 hours earlier, whatever the hour the
	// test runs at.
	now := time.Date(2026, 11, 25, 6, 0, 0, 0, loc)
	if _, err := demo.LoadAppointments(ctx, st, now.Add(-48*time.Hour), loc); err != nil {
		t.Fatal(err)
	}
	anna, _, err := st.UserByUsername(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	var slot int64
	var unit, service string
	if err := st.DB().QueryRow(`SELECT id, unit_id, service_id FROM slots WHERE state = 'open' ORDER BY start_at, id LIMIT 1`).Scan(&slot, &unit, &service); err != nil {
		t.Fatal(err)
	}
	a, err := st.Book(ctx, sotepe.Booking{SlotID: slot, ResidentID: anna.ResidentID, Service: service, Lang: sotepe.Finnish, Now: now.Add(-47 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkAppointment(ctx, a.ID, []string{unit}, sotepe.AppointmentCompleted, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	sent := &capture{}
	d := &notify.Dispatcher{Store: st, Catalog: cat, Sender: sent, BaseURL: "https://sotepe.example", Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	if _, err := d.Deliver(ctx, 10); err != nil {
		t.Fatal(err)
	}
	var body string
	for _, m := range sent.msgs {
		if m.Kind == sotepe.NotifyApptFeedback {
			body = m.Body
		}
	}
	_, after, ok := strings.Cut(body, "https://sotepe.example/feedback/visit/")
	if !ok {
		t.Fatalf("no visit link in %q", body)
	}
	token := strings.Fields(after)[0]
	if strings.Contains(body, unit) || strings.Contains(body, service) {
		t.Errorf("the message names the visit: %q", body)
	}
	h := sha256.Sum256([]byte(token))
	got, err := st.FeedbackVisitUnit(ctx, h[:])
	if err != nil || got != unit {
		t.Fatalf("the link's unit: %q, %v", got, err)
	}
	f, err := st.AddFeedback(ctx, sotepe.NewFeedback{Score: 10, Channel: sotepe.FeedbackVisit, Lang: sotepe.Finnish, VisitTokenHash: h[:], CreatedAt: now})
	if err != nil || f.AppointmentID != a.ID || f.UnitID != unit {
		t.Fatalf("answer with the link: %+v, %v", f, err)
	}
	if _, err := st.AddFeedback(ctx, sotepe.NewFeedback{Score: 3, Channel: sotepe.FeedbackVisit, Lang: sotepe.Finnish, VisitTokenHash: h[:], CreatedAt: now}); sotepe.ErrorCode(err) != sotepe.EConflict {
		t.Fatalf("a second answer with the link: %v", err)
	}
	if _, err := st.FeedbackVisitUnit(ctx, h[:]); sotepe.ErrorCode(err) != sotepe.EConflict {
		t.Fatalf("the used link: %v", err)
	}
}
