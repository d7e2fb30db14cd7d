package sotepe

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Video appointments: the room of a video appointment opens
// VideoOpensBefore its start and closes at its end. The resident (or a
// guardian acting for them) and the professionals of its unit may join; an
// interpreter or a guardian joins with a single-use link a professional
// gives. Professionals enter the call at once, everyone else waits until a
// professional admits them. The browsers talk to each other (WebRTC): sotepe
// only relays their signalling, and a TURN server relays media where no
// direct path exists. Nothing of a call is recorded.

// VideoOpensBefore is how long before its start the room of a video
// appointment opens.
const VideoOpensBefore = 15 * time.Minute

// VideoWindow returns when the room of appointment a opens and closes.
func VideoWindow(a Appointment) (opens, closes time.Time) {
	return a.Start.Add(-VideoOpensBefore), a.End
}

// VideoOpen reports whether the room of appointment a is open at now: a is
// held by video (it has a room), still booked or arrived, and now lies in
// its window.
func VideoOpen(a Appointment, now time.Time) bool {
	opens, closes := VideoWindow(a)
	return a.VideoRoom != "" && (a.Status == AppointmentBooked || a.Status == AppointmentArrived) &&
		!now.Before(opens) && now.Before(closes)
}

// VideoRole is who a participant of a video room is.
type VideoRole string

// The roles of a video room.
const (
	VideoResident     VideoRole = "resident"     // the resident, or a guardian acting for them
	VideoProfessional VideoRole = "professional" // a professional or manager of the unit
	VideoInterpreter  VideoRole = "interpreter"  // invited with a single-use link
	VideoGuardian     VideoRole = "guardian"     // invited with a single-use link
)

// VideoGuestRoles lists the roles an invitation may give.
var VideoGuestRoles = []VideoRole{VideoInterpreter, VideoGuardian}

// Guest reports whether r is a role an invitation gives.
func (r VideoRole) Guest() bool { return slices.Contains(VideoGuestRoles, r) }

// MaxVideoSignal is the largest signalling payload (an SDP description or
// an ICE candidate) a room relays, in bytes.
const MaxVideoSignal = 32 << 10

// VideoInvite is a single-use link to the room of a video appointment for
// an interpreter or a guardian. Only the SHA-256 of its token is stored;
// Token is set once, in the answer that creates the invite. Redeeming it
// gives the guest's browser a key of its own (only its SHA-256 is stored
// either) that lets it into the room until the appointment ends.
type VideoInvite struct {
	ID            int64     `json:"id"`
	AppointmentID int64     `json:"appointment"`
	UnitID        string    `json:"unit"`
	Role          VideoRole `json:"role"`
	CreatedBy     int64     `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	Used          bool      `json:"used"`
	UsedAt        time.Time `json:"-"`
	Token         string    `json:"token,omitempty"`
}

// ICEServer is one STUN or TURN server of a call, as the browser's
// RTCPeerConnection takes it.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// VideoMember is a participant of a room as another participant sees them.
// Name is a professional's own name; the resident's (the signed-in
// person's) only professionals see; guests have none.
type VideoMember struct {
	ID       string    `json:"id"`
	Role     VideoRole `json:"role"`
	Name     string    `json:"name,omitempty"`
	Admitted bool      `json:"admitted"`
}

// The types of the messages of a room. The room sends VideoWelcome,
// VideoMembers, VideoAdmitted, VideoJoined, VideoLeft, VideoSignal and
// VideoEnd; a participant sends VideoSignal, VideoAdmit (professionals only)
// and VideoConnected.
const (
	// VideoWelcome greets a participant who joined: You, Role, Admitted and
	// ICEServers.
	VideoWelcome = "welcome"
	// VideoMembers lists who is in the room, as far as the receiver may
	// see: professionals see everyone, admitted participants the others in
	// the call, waiting ones nobody.
	VideoMembers = "members"
	// VideoAdmitted tells a participant who entered the call the Peers
	// already in it; the newcomer makes the offer to each.
	VideoAdmitted = "admitted"
	// VideoJoined tells those in the call that Peer entered it; its offer
	// follows.
	VideoJoined = "joined"
	// VideoLeft tells those in the call that Peer left it.
	VideoLeft = "left"
	// VideoSignal carries Data (an SDP description or an ICE candidate,
	// opaque to sotepe) from a participant To another, who gets it with
	// From.
	VideoSignal = "signal"
	// VideoEnd tells a participant that they are out of the room, and why
	// (Reason); the connection closes after it.
	VideoEnd = "end"
	// VideoAdmit is a professional letting waiting participant Peer in.
	VideoAdmit = "admit"
	// VideoConnected is a participant telling that their connection with
	// Peer is up: a call between the resident's side and a professional
	// counts as held (RecordVideoCall).
	VideoConnected = "connected"
)

// Why a participant is out of a room (VideoMessage.Reason of VideoEnd).
const (
	VideoEndClosed   = "closed"   // the time is over, or the appointment is no longer held by video
	VideoEndPhone    = "phone"    // the appointment became a phone appointment
	VideoEndReplaced = "replaced" // the same person joined again from another page
	VideoEndSlow     = "slow"     // the connection could not keep up with the room
	VideoEndSignOut  = "signout"  // the session or the invitation ended
	VideoEndShutdown = "shutdown" // the server is shutting down; join again
)

// VideoMessage is one message of a room's signalling, either way; see the
// types above for which fields each uses.
type VideoMessage struct {
	Type       string          `json:"type"`
	You        string          `json:"you,omitempty"`
	Role       VideoRole       `json:"role,omitempty"`
	Admitted   bool            `json:"admitted,omitempty"`
	ICEServers []ICEServer     `json:"ice_servers,omitempty"`
	Members    []VideoMember   `json:"members,omitempty"`
	Peers      []string        `json:"peers,omitempty"`
	Peer       string          `json:"peer,omitempty"`
	From       string          `json:"from,omitempty"`
	To         string          `json:"to,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Reason     string          `json:"reason,omitempty"`
}

// VideoRoom is the room of a video appointment as one participant sees it
// before joining.
type VideoRoom struct {
	Appointment Appointment
	Role        VideoRole
	Opens       time.Time
	Closes      time.Time
	Open        bool
	// Relay reports whether a TURN server relays calls where no direct
	// path exists; without one a call may fail on strict networks.
	Relay bool
	// Invites are the appointment's invitations, for professionals only.
	Invites []VideoInvite
}

// VideoGuestRoom is what an invited guest sees of a room: the invitation,
// the unit and the time, nothing of the resident.
type VideoGuestRoom struct {
	Invite VideoInvite
	Start  time.Time
	End    time.Time
	Opens  time.Time
	Open   bool
	Relay  bool
}

// VideoConn is one participant's place in a room, from joining until Leave.
type VideoConn interface {
	// Messages delivers what the room sends the participant. It closes
	// when the participant is out of the room, after a VideoEnd message
	// unless they left themselves.
	Messages() <-chan VideoMessage
	// Send handles a message of the participant: VideoSignal, VideoAdmit or
	// VideoConnected. A malformed message, or one the participant may not
	// send, is EInvalid ("video.error.message"); one to a participant who
	// is no longer there is dropped.
	Send(ctx context.Context, m VideoMessage) error
	// Check checks again that the participant may still be in the room:
	// the appointment is still held by video, within its time and theirs
	// to join. When it is not, the participant is out of the room with
	// VideoEnd and the error says why.
	Check(ctx context.Context) error
	// Leave takes the participant out of the room; calling it again does
	// nothing.
	Leave()
}

// VideoService runs the rooms of video appointments (package video
// implements it). A room the user may not join is ENotFound, the same as a
// missing one.
type VideoService interface {
	// Room returns the room of a video appointment as user u sees it.
	Room(ctx context.Context, u User, appointmentID int64) (VideoRoom, error)
	// Join puts u into the room of a video appointment: the resident (or a
	// guardian acting for them) waits to be admitted, a professional of
	// the unit enters the call. A room that is not open is EConflict
	// ("video.error.closed").
	Join(ctx context.Context, u User, appointmentID int64) (VideoConn, error)
	// Invite makes a single-use link to the room for an interpreter or a
	// guardian; only professionals of the unit may (ENotFound for others).
	// The returned invite carries its token.
	Invite(ctx context.Context, u User, appointmentID int64, role VideoRole) (VideoInvite, error)
	// Invitation returns the room an unused invitation token leads to;
	// ENotFound for a token that is unknown, used or expired.
	Invitation(ctx context.Context, token string) (VideoGuestRoom, error)
	// Redeem uses up an invitation token and returns the invite and the
	// guest's key; a token that is unknown, used or expired is ENotFound.
	Redeem(ctx context.Context, token string) (VideoInvite, string, error)
	// GuestRoom returns the room of a redeemed invite to the guest holding
	// its key, or ENotFound.
	GuestRoom(ctx context.Context, inviteID int64, key string) (VideoGuestRoom, error)
	// JoinAsGuest puts the guest holding the key of a redeemed invite into
	// its room, waiting to be admitted; ENotFound without the key,
	// EConflict ("video.error.closed") when the room is not open.
	JoinAsGuest(ctx context.Context, inviteID int64, key string) (VideoConn, error)
	// CallMeInstead turns a video appointment into a phone appointment (the
	// professional calls the resident at its time) and ends its room.
	CallMeInstead(ctx context.Context, u User, appointmentID int64) (Appointment, error)
}

// ActionVideoInvite is a professional inviting an interpreter or a guardian
// to the room of a resident's video appointment.
const ActionVideoInvite = "video.invite"

// VideoStore is the store side of video rooms.
type VideoStore interface {
	// SaveVideoInvite stores an invite under tokenHash (the SHA-256 of its
	// token) with its audit row (video.invite) and returns it with its id.
	SaveVideoInvite(ctx context.Context, inv VideoInvite, tokenHash []byte) (VideoInvite, error)
	// VideoInviteByToken returns the invite whose token hashes to
	// tokenHash, used or not; ENotFound when there is none.
	VideoInviteByToken(ctx context.Context, tokenHash []byte) (VideoInvite, error)
	// RedeemVideoInvite marks the invite of tokenHash used at now and
	// stores keyHash, the SHA-256 of the guest's key, in one conditional
	// update: of redemptions racing for one invite exactly one wins. An
	// invite that is unknown, used or expired at now is ENotFound.
	RedeemVideoInvite(ctx context.Context, tokenHash, keyHash []byte, now time.Time) (VideoInvite, error)
	// VideoGuest returns redeemed invite id when keyHash is the hash of
	// its guest's key, or ENotFound.
	VideoGuest(ctx context.Context, id int64, keyHash []byte) (VideoInvite, error)
	// VideoInvites returns the invites of an appointment, newest first.
	VideoInvites(ctx context.Context, appointmentID int64) ([]VideoInvite, error)
	// RecordVideoCall records that a call of the appointment's room
	// connected the resident's side with a professional at at; the first
	// call counts. Completing the appointment then counts a video
	// appointment (StatPortalVideoAppointments).
	RecordVideoCall(ctx context.Context, appointmentID int64, at time.Time) error
}

// Rooms across processes: several processes sharing one PostgreSQL
// database each hold the participants connected to them, and tell each
// other about their rooms through a VideoBus. Each process keeps a mirror
// of the other processes' participants, so that what a participant is told
// is the same as if everyone were connected to one process.

// The kinds of a VideoEvent.
const (
	// VideoPresence lists a process's participants of a room (Members), the
	// keys it knows were admitted (Admitted) and when the room closes
	// (Closes). A process sends it when one of its participants enters or
	// is admitted, when it learns of a participant it did not know, and
	// every heartbeat; a participant of another process that no presence
	// mentions for a while is gone.
	VideoPresence = "presence"
	// VideoGone tells that participant Member left, or was taken out.
	VideoGone = "gone"
	// VideoAdmitEvent asks the process of waiting participant Member to
	// let them into the call; a professional in the call admitted them.
	VideoAdmitEvent = "admit"
	// VideoSignalEvent carries Data from participant From to participant
	// To, for To's process to pass on.
	VideoSignalEvent = "signal"
	// VideoConnectedEvent tells that From reported their connection with
	// To up.
	VideoConnectedEvent = "connected"
	// VideoEndEvent ends the room everywhere, for Reason.
	VideoEndEvent = "end"
)

// VideoEvent is what one process tells the others about the room of
// appointment Appointment; see the kinds above for which fields each uses.
// Origin is the process (the bus) that sent it; the bus fills it in.
type VideoEvent struct {
	Kind        string             `json:"kind"`
	Origin      string             `json:"origin,omitempty"`
	Appointment int64              `json:"appt"`
	Closes      time.Time          `json:"closes,omitzero"`
	Members     []VideoParticipant `json:"members,omitempty"`
	Admitted    []string           `json:"admitted,omitempty"`
	Member      string             `json:"member,omitempty"`
	From        string             `json:"from,omitempty"`
	To          string             `json:"to,omitempty"`
	Data        json.RawMessage    `json:"data,omitempty"`
	Reason      string             `json:"reason,omitempty"`
}

// VideoParticipant is one participant of a room as its process describes
// it to the others. Key is who they are across connections (the user and
// their role, or the invitation): a newer connection of the same key
// (Joined) replaces an older one wherever it is. InCall is when they
// entered the call, zero while they wait; of two participants of different
// processes the one who entered later makes the offer.
type VideoParticipant struct {
	ID       string    `json:"id"`
	Key      string    `json:"key"`
	Role     VideoRole `json:"role"`
	Name     string    `json:"name,omitempty"`
	Admitted bool      `json:"admitted,omitempty"`
	Joined   time.Time `json:"joined"`
	InCall   time.Time `json:"in_call,omitzero"`
}

// VideoBus carries VideoEvents between the processes that share a
// database (the store implements it on PostgreSQL with NOTIFY and LISTEN).
// Where one process owns the database there is none.
type VideoBus interface {
	// PublishVideo sends events to the other processes, in order, in one
	// go; they arrive in the order they were published. A failure is
	// EUnavailable or EInternal, and none of them was sent.
	PublishVideo(ctx context.Context, events ...VideoEvent) error
	// ListenVideo calls fn, on one goroutine, with every event another
	// process publishes, with its Origin, until ctx ends or the bus
	// closes, and returns nil then. Events published while it is away
	// (reconnecting after a failure) are lost.
	ListenVideo(ctx context.Context, fn func(VideoEvent)) error
}
