package turnserver_test

import (
	"bytes"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/turn/v5"

	"sotepe/turnserver"
)

func start(t *testing.T, max int) *turnserver.Server {
	t.Helper()
	s, err := turnserver.Start(turnserver.Config{Addr: "127.0.0.1:0", PublicIP: net.IPv4(127, 0, 0, 1), Secret: "s3cret", MaxAllocations: max})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// client is a TURN client over UDP (or TCP) to s with the credentials.
func client(t *testing.T, s *turnserver.Server, tcp bool, user, pass string) *turn.Client {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(s.Port())
	var conn net.PacketConn
	if tcp {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn = turn.NewSTUNConn(c)
	} else {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		conn = c
	}
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: addr, TURNServerAddr: addr, Conn: conn, Username: user, Password: pass, Realm: "sotepe"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c
}

// TestRelayBetweenTwoClients relays a datagram between two relayed
// addresses of one appointment, one client over UDP and one over TCP, with
// the credentials ICEServers hands out.
func TestRelayBetweenTwoClients(t *testing.T) {
	s := start(t, 0)
	ice := s.ICEServers(42, time.Now().Add(time.Hour))
	if len(ice) != 2 || ice[0].URLs[0] != "stun:127.0.0.1:"+strconv.Itoa(s.Port()) ||
		len(ice[1].URLs) != 2 || !strings.HasSuffix(ice[1].URLs[0], "?transport=udp") || !strings.HasSuffix(ice[1].URLs[1], "?transport=tcp") {
		t.Fatalf("ICE servers %+v", ice)
	}
	if !strings.HasSuffix(ice[1].Username, ":42") {
		t.Fatalf("username %q is not expiry:appointment", ice[1].Username)
	}
	a := client(t, s, false, ice[1].Username, ice[1].Credential)
	b := client(t, s, true, ice[1].Username, ice[1].Credential)
	ra, err := a.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	rb, err := b.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	// Each side's first write creates its permission for the other.
	if _, err := rb.WriteTo([]byte("hello"), ra.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		buf := make([]byte, 1500)
		if n, _, err := rb.ReadFrom(buf); err == nil {
			got <- bytes.Clone(buf[:n])
		}
	}()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := ra.WriteTo([]byte("terve"), rb.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		select {
		case b := <-got:
			if string(b) != "terve" {
				t.Fatalf("relayed %q", b)
			}
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("nothing was relayed")
		}
	}
}

// TestCredentialsAreChecked refuses a wrong password, an expired username
// and one that names no appointment, and bounds the relays of one
// appointment.
func TestCredentialsAreChecked(t *testing.T) {
	s := start(t, 2)
	user, pass := turnserver.Credentials("s3cret", 7, time.Now().Add(time.Hour))
	for name, c := range map[string][2]string{
		"wrong secret": func() [2]string {
			u, p := turnserver.Credentials("other", 7, time.Now().Add(time.Hour))
			return [2]string{u, p}
		}(),
		"expired": func() [2]string {
			u, p := turnserver.Credentials("s3cret", 7, time.Now().Add(-time.Minute))
			return [2]string{u, p}
		}(),
		"no appointment": {"9999999999", func() string {
			_, p := turnserver.Credentials("s3cret", 0, time.Unix(9999999999, 0))
			return p
		}()},
		"tampered": {strings.Replace(user, ":7", ":8", 1), pass},
	} {
		if _, err := client(t, s, false, c[0], c[1]).Allocate(); err == nil {
			t.Errorf("%s: allocated", name)
		}
	}
	for i := range 2 {
		if _, err := client(t, s, false, user, pass).Allocate(); err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
	}
	if _, err := client(t, s, false, user, pass).Allocate(); err == nil {
		t.Error("a third relay of one appointment was allowed")
	}
	// Another appointment has its own quota.
	u2, p2 := turnserver.Credentials("s3cret", 8, time.Now().Add(time.Hour))
	if _, err := client(t, s, false, u2, p2).Allocate(); err != nil {
		t.Fatalf("another appointment: %v", err)
	}
}

func TestStartNeedsItsSettings(t *testing.T) {
	for _, c := range []turnserver.Config{
		{PublicIP: net.IPv4(127, 0, 0, 1), Secret: "x"},
		{Addr: "127.0.0.1:0", Secret: "x"},
		{Addr: "127.0.0.1:0", PublicIP: net.IPv4zero, Secret: "x"},
		{Addr: "127.0.0.1:0", PublicIP: net.IPv4(127, 0, 0, 1)},
	} {
		if s, err := turnserver.Start(c); err == nil {
			s.Close()
			t.Errorf("started with %+v", c)
		}
	}
}

// TestNoRelayIntoPrivateNetworks refuses a permission to relay to a
// private or loopback address other than the server's own.
func TestNoRelayIntoPrivateNetworks(t *testing.T) {
	s, err := turnserver.Start(turnserver.Config{Addr: "127.0.0.1:0", PublicIP: net.IPv4(127, 0, 0, 2), Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	user, pass := turnserver.Credentials("s3cret", 7, time.Now().Add(time.Hour))
	r, err := client(t, s, false, user, pass).Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, peer := range []string{"10.0.0.1:9", "127.0.0.1:9", "192.168.1.1:9", "169.254.0.1:9"} {
		addr, _ := net.ResolveUDPAddr("udp", peer)
		if _, err := r.WriteTo([]byte("x"), addr); err == nil {
			t.Errorf("relayed to %s", peer)
		}
	}
}
