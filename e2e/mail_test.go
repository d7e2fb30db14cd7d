package e2e

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// mailSink is an SMTP server on loopback that keeps every message it is
// given, so a test can read what sotepe mails. It speaks just enough of
// RFC 5321 for net/smtp's SendMail, which sotepe's SMTP sender uses: no
// STARTTLS and no AUTH are offered, so none is attempted.
type mailSink struct {
	Addr string // host:port for SOTEPE_SMTP_ADDR

	mu   sync.Mutex
	msgs []string
}

// startMailSink listens on a free loopback port until the test ends.
func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	m := &mailSink{Addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go m.serve(c)
		}
	}()
	return m
}

// serve holds one SMTP session: each message's data is kept whole.
func (m *mailSink) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(c)
	reply := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !reply("220 sink ESMTP") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(strings.ToUpper(line), " ")
		var ok bool
		switch verb {
		case "EHLO", "HELO":
			ok = reply("250 sink")
		case "MAIL", "RCPT", "RSET", "NOOP":
			ok = reply("250 OK")
		case "DATA":
			if !reply("354 end with <CRLF>.<CRLF>") {
				return
			}
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m.mu.Lock()
			m.msgs = append(m.msgs, string(data))
			m.mu.Unlock()
			ok = reply("250 kept")
		case "QUIT":
			reply("221 bye")
			return
		default:
			ok = reply("502 not here")
		}
		if !ok {
			return
		}
	}
}

// wait returns the first message that holds want, waiting up to within
// for it (sotepe's dispatcher sends every 10 seconds).
func (m *mailSink) wait(t *testing.T, want string, within time.Duration) string {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		m.mu.Lock()
		for _, msg := range m.msgs {
			if strings.Contains(msg, want) {
				m.mu.Unlock()
				return msg
			}
		}
		m.mu.Unlock()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t.Fatalf("no mail with %q within %v; %d others came", want, within, len(m.msgs))
	return ""
}
