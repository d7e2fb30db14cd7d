// Package video runs the rooms of video appointments: who may join which
// room and when, the waiting room and admitting, single-use invitations for
// an interpreter or a guardian, the relay of the browsers' WebRTC
// signalling (SDP offers and answers, ICE candidates) within a room, and
// the TURN credentials of a call. Media never passes through it, and
// nothing of a call is recorded but that it was held.
//
// Rooms live in memory. Several processes sharing one PostgreSQL database
// share their rooms through a sotepe.VideoBus (Config.Bus, the store's
// NOTIFY and LISTEN): each participant belongs to the process it is
// connected to, the others keep a mirror of it, and Run carries the
// events between them (mirror.go), so that the two sides of a call may be
// connected to different processes. Without a bus a room is the process's
// own. See docs/video.md.
package video

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"strconv"
	"time"

	"sotepe"
)

// TURNGrace is how long after an appointment's end the TURN credentials of
// its call stay valid, so that a call running over its time is not cut.
const TURNGrace = 30 * time.Minute

// checkTimeout bounds one re-check of a participant's right to the room.
const checkTimeout = 10 * time.Second

// Config is what a Service needs. Store and Appointments are required.
type Config struct {
	Store sotepe.Store
	// Appointments decides who may see which appointment.
	Appointments sotepe.AppointmentService
	// ICE returns the STUN and TURN servers of a call of appointment id
	// with credentials valid until expires; nil when no TURN server runs.
	ICE    func(appointmentID int64, expires time.Time) []sotepe.ICEServer
	Now    func() time.Time
	Logger *slog.Logger
	// Bus connects the rooms with those of the other processes sharing
	// the database; nil where one process owns it. Run carries the
	// events.
	Bus sotepe.VideoBus
	// Heartbeat is how often the process tells the others who of it is in
	// which room (DefaultHeartbeat when zero), and Expire how long a
	// participant of another process stays in a room here without being
	// told of (three heartbeats when zero).
	Heartbeat, Expire time.Duration
}

// DefaultHeartbeat is how often, by default, a process tells the others
// who of it is in which room.
const DefaultHeartbeat = 5 * time.Second

// Service runs the video rooms of this process.
type Service struct {
	store sotepe.Store
	appts sotepe.AppointmentService
	ice   func(int64, time.Time) []sotepe.ICEServer
	now   func() time.Time
	log   *slog.Logger
	hub   *hub
	bus   sotepe.VideoBus
	// heartbeat and expire: see Config.
	heartbeat, expire time.Duration
}

var _ sotepe.VideoService = (*Service)(nil)

// New returns a Service.
func New(c Config) *Service {
	s := &Service{store: c.Store, appts: c.Appointments, ice: c.ICE, now: c.Now, log: c.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.hub = newHub(s.now)
	s.bus, s.hub.bus = c.Bus, c.Bus != nil
	s.heartbeat, s.expire = c.Heartbeat, c.Expire
	if s.heartbeat <= 0 {
		s.heartbeat = DefaultHeartbeat
	}
	if s.expire <= 0 {
		s.expire = 3 * s.heartbeat
	}
	return s
}

func notFound() error { return sotepe.NotFound("video room") }

func closed() error {
	return sotepe.Errorf(sotepe.EConflict, "video.error.closed", "the video room is not open now")
}

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// noActor is ctx without the request's actor: what a guest sees of an
// appointment, and the re-checks of a participant's right, read the
// appointment without showing anyone its personal data, so without a staff
// read's audit row.
func noActor(ctx context.Context) context.Context { return sotepe.WithActor(ctx, sotepe.Actor{}) }

// appointment returns the video appointment id as u may see it and u's role
// in its room: the resident's when it is u's own (or, acting, their
// principal's), else a professional's of its unit. Anything else is
// ENotFound.
func (s *Service) appointment(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, sotepe.VideoRole, error) {
	a, err := s.appts.Get(ctx, u, id)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return a, "", notFound()
	}
	if err != nil {
		return a, "", err
	}
	if a.VideoRoom == "" {
		return sotepe.Appointment{}, "", notFound()
	}
	if u.Has(sotepe.RoleResident) && u.ResidentID != 0 && u.ResidentID == a.ResidentID {
		return a, sotepe.VideoResident, nil
	}
	return a, sotepe.VideoProfessional, nil
}

// Room returns the room of video appointment id as u sees it: when it
// opens and closes, whether it is open, whether calls are relayed, and for
// a professional its invitations. A staff read of the appointment is
// audited by the store.
func (s *Service) Room(ctx context.Context, u sotepe.User, id int64) (sotepe.VideoRoom, error) {
	a, role, err := s.appointment(ctx, u, id)
	if err != nil {
		return sotepe.VideoRoom{}, err
	}
	v := sotepe.VideoRoom{Appointment: a, Role: role, Open: sotepe.VideoOpen(a, s.now()), Relay: s.ice != nil}
	v.Opens, v.Closes = sotepe.VideoWindow(a)
	if role == sotepe.VideoProfessional {
		if v.Invites, err = s.store.VideoInvites(ctx, id); err != nil {
			return sotepe.VideoRoom{}, err
		}
	}
	return v, nil
}

// iceServers returns the servers of a call of a, with credentials valid
// TURNGrace past its end.
func (s *Service) iceServers(a sotepe.Appointment) []sotepe.ICEServer {
	if s.ice == nil {
		return nil
	}
	return s.ice(a.ID, a.End.Add(TURNGrace))
}

// Join puts u into the room of video appointment id while it is open
// (EConflict "video.error.closed" otherwise): a professional of its unit
// into the call, the resident (or a guardian acting for them) into the
// waiting room, their entry recorded so that the calendar shows them
// waiting. The same person joining again replaces their earlier
// connection.
func (s *Service) Join(ctx context.Context, u sotepe.User, id int64) (sotepe.VideoConn, error) {
	a, role, err := s.appointment(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !sotepe.VideoOpen(a, s.now()) {
		return nil, closed()
	}
	if role == sotepe.VideoResident {
		if _, err := s.appts.JoinVideo(ctx, u, id); err != nil {
			return nil, err
		}
	}
	m := newMember("u"+strconv.FormatInt(u.ID, 10)+"/"+string(role), role, u.Name)
	c := &conn{svc: s, m: m, appt: id, user: &u}
	s.hub.enter(id, a.End, m, sotepe.VideoMessage{ICEServers: s.iceServers(a)})
	return c, nil
}

// Invite makes a single-use link to the room of video appointment id for an
// interpreter or a guardian (role; EInvalid "video.error.role" otherwise),
// valid until the appointment ends. Only professionals of its unit invite
// (ENotFound for everyone else); an appointment that is over, or no longer
// active, is EConflict ("video.error.closed"). The invitation is audited
// (video.invite); the returned invite carries its token, of which only the
// SHA-256 is kept.
func (s *Service) Invite(ctx context.Context, u sotepe.User, id int64, role sotepe.VideoRole) (sotepe.VideoInvite, error) {
	if !role.Guest() {
		return sotepe.VideoInvite{}, sotepe.InvalidField("role", "video.error.role", "invite an interpreter or a guardian")
	}
	a, as, err := s.appointment(ctx, u, id)
	if err != nil {
		return sotepe.VideoInvite{}, err
	}
	if as != sotepe.VideoProfessional {
		return sotepe.VideoInvite{}, notFound()
	}
	now := s.now()
	if !a.Status.Active() || a.Status == sotepe.AppointmentCompleted || a.Status == sotepe.AppointmentNoShow || !now.Before(a.End) {
		return sotepe.VideoInvite{}, closed()
	}
	token := rand.Text()
	inv, err := s.store.SaveVideoInvite(ctx, sotepe.VideoInvite{AppointmentID: id, UnitID: a.UnitID, Role: role, CreatedBy: u.ID,
		CreatedAt: now, ExpiresAt: a.End}, hash(token))
	if err != nil {
		return sotepe.VideoInvite{}, err
	}
	inv.Token = token
	return inv, nil
}

// guestRoom returns the room of invite inv as its guest sees it.
func (s *Service) guestRoom(ctx context.Context, inv sotepe.VideoInvite) (sotepe.VideoGuestRoom, sotepe.Appointment, error) {
	a, err := s.store.Appointment(noActor(ctx), inv.AppointmentID, sotepe.AppointmentScope{Units: []string{inv.UnitID}})
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.VideoGuestRoom{}, a, notFound()
	}
	if err != nil {
		return sotepe.VideoGuestRoom{}, a, err
	}
	g := sotepe.VideoGuestRoom{Invite: inv, Start: a.Start, End: a.End, Open: sotepe.VideoOpen(a, s.now()), Relay: s.ice != nil}
	g.Opens, _ = sotepe.VideoWindow(a)
	g.Invite.UnitID = a.UnitID
	return g, a, nil
}

// Invitation returns the room an unused, unexpired invitation token leads
// to; any other token is ENotFound.
func (s *Service) Invitation(ctx context.Context, token string) (sotepe.VideoGuestRoom, error) {
	if token == "" {
		return sotepe.VideoGuestRoom{}, notFound()
	}
	inv, err := s.store.VideoInviteByToken(ctx, hash(token))
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && (inv.Used || !s.now().Before(inv.ExpiresAt)) {
		return sotepe.VideoGuestRoom{}, notFound()
	}
	if err != nil {
		return sotepe.VideoGuestRoom{}, err
	}
	g, _, err := s.guestRoom(ctx, inv)
	return g, err
}

// Redeem uses up an invitation token and returns the invite and a new key
// for the guest's browser (only its SHA-256 is kept); a token that is
// unknown, used or expired is ENotFound. Of two redemptions of one token
// one wins.
func (s *Service) Redeem(ctx context.Context, token string) (sotepe.VideoInvite, string, error) {
	if token == "" {
		return sotepe.VideoInvite{}, "", notFound()
	}
	key := rand.Text()
	inv, err := s.store.RedeemVideoInvite(ctx, hash(token), hash(key), s.now())
	if err != nil {
		return sotepe.VideoInvite{}, "", err
	}
	return inv, key, nil
}

// guest returns the redeemed invite id whose guest holds key, while it has
// not expired; anything else is ENotFound.
func (s *Service) guest(ctx context.Context, id int64, key string) (sotepe.VideoInvite, error) {
	if key == "" || id <= 0 {
		return sotepe.VideoInvite{}, notFound()
	}
	inv, err := s.store.VideoGuest(ctx, id, hash(key))
	if sotepe.ErrorCode(err) == sotepe.ENotFound || err == nil && !s.now().Before(inv.ExpiresAt) {
		return sotepe.VideoInvite{}, notFound()
	}
	return inv, err
}

// GuestRoom returns the room of redeemed invite id to the guest holding
// key, or ENotFound.
func (s *Service) GuestRoom(ctx context.Context, id int64, key string) (sotepe.VideoGuestRoom, error) {
	inv, err := s.guest(ctx, id, key)
	if err != nil {
		return sotepe.VideoGuestRoom{}, err
	}
	g, _, err := s.guestRoom(ctx, inv)
	return g, err
}

// JoinAsGuest puts the guest holding key of redeemed invite id into its
// room's waiting room while the room is open (EConflict
// "video.error.closed" otherwise); a professional admits them.
func (s *Service) JoinAsGuest(ctx context.Context, id int64, key string) (sotepe.VideoConn, error) {
	inv, err := s.guest(ctx, id, key)
	if err != nil {
		return nil, err
	}
	_, a, err := s.guestRoom(ctx, inv)
	if err != nil {
		return nil, err
	}
	if !sotepe.VideoOpen(a, s.now()) {
		return nil, closed()
	}
	m := newMember("i"+strconv.FormatInt(inv.ID, 10), inv.Role, "")
	c := &conn{svc: s, m: m, appt: a.ID, invite: inv.ID, key: key}
	s.hub.enter(a.ID, a.End, m, sotepe.VideoMessage{ICEServers: s.iceServers(a)})
	return c, nil
}

// CallMeInstead turns video appointment id into a phone appointment
// (booking's SwitchToPhone: the resident's own, or staff of its unit) and
// ends its room: everyone in it is out (VideoEndPhone).
func (s *Service) CallMeInstead(ctx context.Context, u sotepe.User, id int64) (sotepe.Appointment, error) {
	a, err := s.appts.SwitchToPhone(ctx, u, id)
	if err != nil {
		return a, err
	}
	s.hub.endEverywhere(id, sotepe.VideoEndPhone)
	return a, nil
}

// Rooms returns how many rooms are open in this process and how many
// participants are in them.
func (s *Service) Rooms() (rooms, participants int) { return s.hub.size() }

// conn is one participant's place in a room (sotepe.VideoConn).
type conn struct {
	svc  *Service
	m    *member
	appt int64
	// user is the signed-in participant; invite and key the guest's.
	user   *sotepe.User
	invite int64
	key    string
}

func (c *conn) Messages() <-chan sotepe.VideoMessage { return c.m.out }

func (c *conn) Leave() { c.svc.hub.leave(c.m) }

// Send handles one message of the participant.
func (c *conn) Send(ctx context.Context, msg sotepe.VideoMessage) error {
	h := c.svc.hub
	switch msg.Type {
	case sotepe.VideoSignal:
		return h.signal(c.m, msg.To, msg.Data)
	case sotepe.VideoAdmit:
		return h.admit(c.m, msg.Peer)
	case sotepe.VideoConnected:
		first, err := h.connected(c.m, msg.Peer)
		if err != nil || !first {
			return err
		}
		if err := c.svc.store.RecordVideoCall(ctx, c.appt, c.svc.now()); err != nil {
			h.unheld(c.appt)
			c.svc.log.WarnContext(ctx, "recording a held video call failed", "code", sotepe.ErrorCode(err))
		}
		return nil
	}
	return badMessage("unknown message type")
}

// Check reads the appointment again (without an audit row: nothing is
// shown) and takes the participant out of the room when it may no longer
// be there: the appointment is gone from their sight, no longer held by
// video, or over; or the guest's invitation has expired. A failure to read
// is returned without taking anyone out.
func (c *conn) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(noActor(ctx), checkTimeout)
	defer cancel()
	var a sotepe.Appointment
	var err error
	reason := sotepe.VideoEndClosed
	if c.user != nil {
		a, err = c.svc.appts.Get(ctx, *c.user, c.appt)
	} else {
		var inv sotepe.VideoInvite
		if inv, err = c.svc.guest(ctx, c.invite, c.key); err == nil {
			_, a, err = c.svc.guestRoom(ctx, inv)
		} else if sotepe.ErrorCode(err) == sotepe.ENotFound {
			reason = sotepe.VideoEndSignOut
		}
	}
	if err != nil && sotepe.ErrorCode(err) != sotepe.ENotFound {
		return err
	}
	if err == nil && sotepe.VideoOpen(a, c.svc.now()) {
		return nil
	}
	c.svc.hub.out(c.m, reason)
	return closed()
}
