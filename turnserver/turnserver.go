// Package turnserver runs sotepe's embedded TURN server
// (github.com/pion/turn/v5): it relays the media of a video call between
// browsers that cannot reach each other directly (strict firewalls,
// symmetric NATs), over UDP and TCP on one port, and answers STUN binding
// requests on it too.
//
// Credentials follow the TURN REST convention: the username is
// "expiry:appointmentID" (expiry in Unix seconds) and the password the
// base64 HMAC-SHA1 of the username under a secret the server and sotepe
// share. sotepe hands them out to the participants of a room only, valid
// until a while after the appointment ends; the server checks them without
// any state. The server keeps nothing of what it relays.
package turnserver

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // TURN REST credentials are HMAC-SHA1 by convention
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"

	"sotepe"
)

// Config is what a Server needs. Addr, PublicIP and Secret are required.
type Config struct {
	// Addr is where the server listens, UDP and TCP on the same port
	// (host:port; with port 0 it picks one free for both). Relayed
	// addresses are opened on its host (all addresses when empty).
	Addr string
	// PublicIP is the address browsers reach the server at; relayed
	// addresses carry it too.
	PublicIP net.IP
	// Secret is the shared secret of the credentials.
	Secret string
	// Realm is the TURN realm; "sotepe" when empty.
	Realm string
	// MaxAllocations bounds the relays open at once for one appointment;
	// DefaultMaxAllocations when 0.
	MaxAllocations int
	Now            func() time.Time
}

// DefaultMaxAllocations is enough relays for a call of four, each browser
// relaying over UDP and TCP to each other, with room for reconnecting.
const DefaultMaxAllocations = 48

// Server is a running TURN server.
type Server struct {
	srv    *turn.Server
	port   int
	public net.IP
	secret []byte
	realm  string
	max    int
	now    func() time.Time

	mu     sync.Mutex
	allocs map[string]int // by appointment id
}

// Start starts a TURN server. A missing setting, or an address it cannot
// listen on, is an error.
func Start(c Config) (*Server, error) {
	switch {
	case c.Addr == "":
		return nil, errors.New("turn: an address is required")
	case c.PublicIP == nil || c.PublicIP.IsUnspecified():
		return nil, errors.New("turn: a public IP address is required")
	case c.Secret == "":
		return nil, errors.New("turn: a secret is required")
	}
	s := &Server{public: c.PublicIP, secret: []byte(c.Secret), realm: c.Realm, max: c.MaxAllocations, now: c.Now,
		allocs: map[string]int{}}
	if s.realm == "" {
		s.realm = "sotepe"
	}
	if s.max <= 0 {
		s.max = DefaultMaxAllocations
	}
	if s.now == nil {
		s.now = time.Now
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return nil, fmt.Errorf("turn: %w", err)
	}
	udp, tcp, err := listen(c.Addr)
	if err != nil {
		return nil, err
	}
	s.port = udp.LocalAddr().(*net.UDPAddr).Port
	relayHost := host
	if relayHost == "" {
		relayHost = "0.0.0.0"
	}
	gen := func() turn.RelayAddressGenerator {
		return &turn.RelayAddressGeneratorStatic{RelayAddress: c.PublicIP, Address: relayHost}
	}
	s.srv, err = turn.NewServer(turn.ServerConfig{
		Realm:             s.realm,
		AuthHandler:       s.authenticate,
		QuotaHandler:      s.quota,
		EventHandler:      turn.EventHandler{OnAllocationCreated: s.allocated, OnAllocationDeleted: s.deallocated},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: udp, RelayAddressGenerator: gen(), PermissionHandler: s.permit}},
		ListenerConfigs:   []turn.ListenerConfig{{Listener: tcp, RelayAddressGenerator: gen(), PermissionHandler: s.permit}},
		// pion's own logs carry clients' addresses: personal data, kept
		// out of sotepe's logs.
		LoggerFactory: &logging.DefaultLoggerFactory{Writer: io.Discard, DefaultLogLevel: logging.LogLevelDisabled},
	})
	if err != nil {
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("turn: %w", err)
	}
	return s, nil
}

// listen opens UDP and TCP on addr's port; with port 0, on a port free for
// both.
func listen(addr string) (net.PacketConn, net.Listener, error) {
	host, port, _ := net.SplitHostPort(addr)
	for try := 0; ; try++ {
		udp, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("turn: %w", err)
		}
		p := strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
		tcp, err := net.Listen("tcp", net.JoinHostPort(host, p))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if port != "0" || try == 10 {
			return nil, nil, fmt.Errorf("turn: %w", err)
		}
	}
}

// Port returns the port the server listens on, UDP and TCP.
func (s *Server) Port() int { return s.port }

// Close stops the server and every relay.
func (s *Server) Close() error { return s.srv.Close() }

// Credentials returns the TURN REST credentials of a call of appointment
// id that are valid until expires.
func Credentials(secret string, appointmentID int64, expires time.Time) (username, password string) {
	username = strconv.FormatInt(expires.Unix(), 10) + ":" + strconv.FormatInt(appointmentID, 10)
	return username, sign([]byte(secret), username)
}

func sign(secret []byte, username string) string {
	mac := hmac.New(sha1.New, secret)
	mac.Write([]byte(username))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ICEServers returns the servers a browser in a call of appointment id
// uses: this server for STUN, and for TURN over UDP and over TCP with
// credentials valid until expires.
func (s *Server) ICEServers(appointmentID int64, expires time.Time) []sotepe.ICEServer {
	hp := net.JoinHostPort(s.public.String(), strconv.Itoa(s.port))
	user, pass := Credentials(string(s.secret), appointmentID, expires)
	return []sotepe.ICEServer{
		{URLs: []string{"stun:" + hp}},
		{URLs: []string{"turn:" + hp + "?transport=udp", "turn:" + hp + "?transport=tcp"}, Username: user, Credential: pass},
	}
}

// authenticate checks TURN REST credentials: a username "expiry:id" that
// has not expired, with the password sign gives. The user is the
// appointment.
func (s *Server) authenticate(ra *turn.RequestAttributes) (string, []byte, bool) {
	exp, id, ok := strings.Cut(ra.Username, ":")
	if !ok {
		return "", nil, false
	}
	expires, err1 := strconv.ParseInt(exp, 10, 64)
	appt, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || appt <= 0 || expires <= s.now().Unix() {
		return "", nil, false
	}
	return id, turn.GenerateAuthKey(ra.Username, ra.Realm, sign(s.secret, ra.Username)), true
}

// quota lets an appointment hold at most s.max relays at once.
func (s *Server) quota(userID, _ string, _ net.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.allocs[userID] < s.max
}

func (s *Server) allocated(_, _ net.Addr, _, userID, _ string, _ net.Addr, _ int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allocs[userID]++
}

func (s *Server) deallocated(_, _ net.Addr, _, userID, _ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.allocs[userID]--; s.allocs[userID] <= 0 {
		delete(s.allocs, userID)
	}
}

// permit decides where a relay may send: to the server's own relayed
// addresses (two browsers that both relay), and to public unicast
// addresses. Loopback, private, link-local and other special addresses
// are refused unless they are the public address itself, so that the
// relay is no way into the network it stands in.
func (s *Server) permit(_ net.Addr, peer net.IP) bool {
	if peer.Equal(s.public) {
		return true
	}
	return peer.IsGlobalUnicast() && !peer.IsPrivate()
}
