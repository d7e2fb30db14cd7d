// Package notify delivers the notification outbox: it renders each
// notification in its recipient's language and hands it to a Sender (the log
// in demo mode, SMTP in production). Notifications never carry health
// details or message text, only that there is something to read and where.
package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"sotepe"
	"sotepe/i18n"
)

// Message is one rendered notification.
type Message struct {
	To      string // e-mail address; empty when the user has none
	Subject string
	Body    string
	Kind    sotepe.NotificationKind
	UserID  int64
}

// Sender delivers a rendered notification.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender "delivers" by logging that a notification went out: its kind
// and the user's id, never an address or text. It is the demo's sender.
type LogSender struct{ Logger *slog.Logger }

// Send logs the notification.
func (l LogSender) Send(ctx context.Context, m Message) error {
	l.Logger.InfoContext(ctx, "notification sent", "kind", string(m.Kind), "user_id", m.UserID)
	return nil
}

// SMTPSender delivers by e-mail through an SMTP server (with STARTTLS when
// the server offers it, as net/smtp does).
type SMTPSender struct {
	Addr string // host:port
	From string
	Auth smtp.Auth // nil for none
}

// Send mails m within ctx's deadline; a user without an address is an
// error, so the dispatcher retries later (an address may be added
// meanwhile).
func (s SMTPSender) Send(ctx context.Context, m Message) error {
	if m.To == "" {
		return fmt.Errorf("notify: user %d has no e-mail address", m.UserID)
	}
	if strings.ContainsAny(m.To+s.From, "\r\n") {
		return fmt.Errorf("notify: user %d has an address with a line break", m.UserID)
	}
	msg := "From: " + s.From + "\r\nTo: " + m.To + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n"
	return s.mail(ctx, m.To, []byte(msg))
}

// mail is smtp.SendMail bounded by ctx: the connection is dialled with it
// and carries its deadline, so that a hanging server cannot hold a
// notification past the dispatcher's lease.
func (s SMTPSender) mail(ctx context.Context, to string, msg []byte) error {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(deadline); err != nil {
			conn.Close()
			return err
		}
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if s.Auth != nil {
		if ok, _ := c.Extension("AUTH"); ok {
			if err := c.Auth(s.Auth); err != nil {
				return err
			}
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// Dispatcher moves notifications from the outbox to the Sender.
type Dispatcher struct {
	Store   sotepe.Store
	Catalog *i18n.Catalog
	Sender  Sender
	// BaseURL is where links in notifications point, e.g. https://sotepe.example.
	BaseURL string
	Now     func() time.Time
	Logger  *slog.Logger
}

// maxAttempts is how many failed deliveries a notification gets before it is
// left for a month.
const maxAttempts = 10

// Lease is how long a dispatcher holds the notifications it claimed before
// another one (in this process or another on the same database) may claim
// them: a dispatcher killed while delivering leaves its claim for this long.
// SendTimeout bounds each render and send, so that a live dispatcher
// records every claimed notification well within the lease and no two live
// dispatchers send the same one.
const (
	Lease       = 5 * time.Minute
	SendTimeout = time.Minute
)

// batch is how many notifications a round of Run claims at a time: few
// enough that a dispatcher killed mid-round delays few of them by a lease.
const batch = 20

// Deliver claims up to limit due notifications (see
// sotepe.Outbox.ClaimNotifications), sends them and returns how many were
// sent. A failed delivery is retried later with a growing pause. Several
// dispatchers may deliver from one database at once, in one process or
// many: each sends only the notifications it claimed.
func (d *Dispatcher) Deliver(ctx context.Context, limit int) (int, error) {
	now := d.Now()
	pending, err := d.Store.ClaimNotifications(ctx, now, Lease, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	// A notification is sent only while its claim has a whole send left:
	// the rest of a batch slowed by a hanging server is left to the next
	// claim after the lease, never sent while another may hold it.
	last := now.Add(Lease - SendTimeout)
	for _, n := range pending {
		if d.Now().After(last) {
			break
		}
		sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
		m, err := d.render(sendCtx, n)
		if err == nil {
			err = d.Sender.Send(sendCtx, m)
		}
		cancel()
		if err != nil {
			d.Logger.WarnContext(ctx, "notification not delivered", "id", n.ID, "kind", string(n.Kind), "attempts", n.Attempts+1, "err", err.Error())
			pause := time.Duration((n.Attempts+1)*(n.Attempts+1)) * time.Minute
			if n.Attempts+1 >= maxAttempts {
				pause = 30 * 24 * time.Hour
			}
			if ferr := d.Store.MarkNotificationFailed(ctx, n.ID, now.Add(pause)); ferr != nil {
				return sent, ferr
			}
			continue
		}
		if err := d.Store.MarkNotificationSent(ctx, n.ID, now); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// render writes the notification in the user's language, to the e-mail
// address of the resident's record for a resident, the account's for staff.
func (d *Dispatcher) render(ctx context.Context, n sotepe.Notification) (Message, error) {
	u, err := d.Store.User(ctx, n.UserID)
	if err != nil {
		return Message{}, err
	}
	m := Message{Kind: n.Kind, UserID: n.UserID, To: u.Email}
	if u.ResidentID != 0 {
		// The resident's own contact details, read to deliver their own
		// notification: no staff read, no audit row.
		r, err := d.Store.Resident(ctx, u.ResidentID)
		if err != nil {
			return Message{}, err
		}
		m.To = r.Email
	}
	link := d.BaseURL + "/requests"
	switch n.Kind {
	case sotepe.NotifyBreach:
		link = d.BaseURL + "/queue?breached=true"
	case sotepe.NotifyApptReminder, sotepe.NotifyApptOffer:
		link = d.BaseURL + "/appointments"
	case sotepe.NotifyApptFeedback:
		link, err = d.feedbackLink(ctx, u, n)
		if err != nil {
			return Message{}, err
		}
	}
	args := map[string]any{"Link": link}
	m.Subject = d.Catalog.T(n.Lang, "notify."+string(n.Kind)+".subject", args)
	m.Body = d.Catalog.T(n.Lang, "notify."+string(n.Kind)+".body", args)
	return m, nil
}

// feedbackLink is the link of a visit's feedback request: a fresh
// single-use token of the visit (only its hash is stored), with which the
// resident answers without signing in. The link names nothing about the
// visit. When the visit cannot be found, the link is the portal's feedback
// page, behind sign-in.
func (d *Dispatcher) feedbackLink(ctx context.Context, u sotepe.User, n sotepe.Notification) (string, error) {
	if u.ResidentID == 0 || n.AppointmentID == 0 {
		return d.BaseURL + "/feedback", nil
	}
	token := rand.Text()
	h := sha256.Sum256([]byte(token))
	err := d.Store.SetFeedbackVisitToken(ctx, u.ResidentID, n.AppointmentID, h[:], d.Now())
	switch sotepe.ErrorCode(err) {
	case "":
		return d.BaseURL + "/feedback/visit/" + token, nil
	case sotepe.ENotFound:
		return d.BaseURL + "/feedback", nil
	}
	return "", err
}

// Run delivers everything due every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Drain what is due, a batch at a time, then wait for the tick.
		for {
			n, err := d.Deliver(ctx, batch)
			if err != nil && ctx.Err() == nil {
				d.Logger.WarnContext(ctx, "notification delivery failed", "err", err.Error())
			}
			if err != nil || n < batch || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
