// Package smtptest is an SMTP server on loopback for tests of what sotepe
// mails: it keeps every message it is given. It speaks just enough of
// RFC 5321 for net/smtp's SendMail, which notify.SMTPSender uses; it offers
// no STARTTLS and no AUTH, so none is attempted.
package smtptest

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one mail as the server received it.
type Message struct {
	To   []string // the addresses of RCPT TO, in order
	Data string   // the headers and body, as sent
}

// Server is a running SMTP server.
type Server struct {
	Addr string // host:port, for notify.SMTPSender or SOTEPE_SMTP_ADDR

	mu   sync.Mutex
	msgs []Message
}

// Start listens on a free loopback port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &Server{Addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Messages returns the mails received so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait returns the first mail whose data holds want, waiting up to within
// for it, and fails the test when none comes.
func (s *Server) Wait(t testing.TB, want string, within time.Duration) Message {
	t.Helper()
	for end := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		msgs := s.Messages()
		for _, m := range msgs {
			if strings.Contains(m.Data, want) {
				return m
			}
		}
		if time.Now().After(end) {
			t.Fatalf("no mail with %q within %v; %d others came", want, within, len(msgs))
		}
	}
}

// serve holds one SMTP session.
func (s *Server) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(c)
	reply := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !reply("220 smtptest ESMTP") {
		return
	}
	var to []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		ok := true
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ok = reply("250 smtptest")
		case "MAIL", "RSET":
			to = nil
			ok = reply("250 OK")
		case "RCPT":
			if _, addr, found := strings.Cut(arg, ":"); found {
				to = append(to, strings.Trim(addr, " <>"))
			}
			ok = reply("250 OK")
		case "NOOP":
			ok = reply("250 OK")
		case "DATA":
			if !reply("354 end with <CRLF>.<CRLF>") {
				return
			}
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, Message{To: to, Data: string(data)})
			s.mu.Unlock()
			to = nil
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
