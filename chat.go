package sotepe

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Chat with a professional: a resident opens a chat with a chat service
// (ChatLine), waits in its queue, and talks live with a professional of one
// of its units; a chat that needs more time is handed over as a contact
// request under the two-working-day promise, its transcript in the thread.
// Every message is durable in the chat's log (ChatEvent) before it is
// acknowledged; live updates only tell listeners that the log grew.

// ChatLine is a chat service as residents see it (GET /api/v1/chat-services):
// a service's chat, answered by the professionals of its units in its hours.
type ChatLine struct {
	ID string `json:"id"`
	// ServiceID is the service whose contact requests a hand-over becomes.
	ServiceID string `json:"service"`
	Names     Names  `json:"names"`
	// Units are the units whose professionals answer the chats.
	Units []string     `json:"units"`
	Hours OpeningHours `json:"hours"`
	// RetentionDays is how long a transcript is kept after its chat ended;
	// a sweep then deletes the messages and keeps the chat's figures.
	RetentionDays int `json:"retention_days"`
}

// Validate checks a line: an id, a service, fi/sv/en names, at least one
// unit, valid hours and a retention of 1–3650 days.
func (l ChatLine) Validate() error {
	switch {
	case strings.TrimSpace(l.ID) == "" || strings.TrimSpace(l.ServiceID) == "":
		return Invalid("chat.error.line", "a chat service needs an id and a service")
	case !l.Names.Complete():
		return Invalid("chat.error.line", "chat service "+l.ID+" needs names in fi, sv and en")
	case len(l.Units) == 0:
		return Invalid("chat.error.line", "chat service "+l.ID+" needs a unit")
	case l.RetentionDays < 1 || l.RetentionDays > 3650:
		return Invalid("chat.error.line", "chat service "+l.ID+" needs a retention of 1–3650 days")
	}
	return l.Hours.Validate()
}

// ChatLineStatus is a line as it stands now: open when it is within its
// hours, not on a closure day, and at least one professional of its units
// is available.
type ChatLineStatus struct {
	ChatLine
	Open bool `json:"open"`
	// Closed says why a line is not open: ChatClosedHours or
	// ChatClosedUnstaffed; empty when open.
	Closed string `json:"closed_reason,omitempty"`
	// Waiting is how many chats wait in its queue.
	Waiting int `json:"waiting"`
}

// Why a chat line is closed.
const (
	ChatClosedHours     = "hours"     // outside its hours, or a closure day
	ChatClosedUnstaffed = "unstaffed" // in its hours, but no professional is available
)

// ChatPresenceWindow is how long a professional counts as available after
// their chat queue was last open (the page, or GET /api/v1/chats).
const ChatPresenceWindow = 60 * time.Second

// ChatReturnWindow is how long a resident may be away from a waiting chat
// and still find it; after that the chat is abandoned.
const ChatReturnWindow = 10 * time.Minute

// The audit actions of chats; the resident's access log names staff reads
// and changes by them ("action."+action in the catalogs).
const (
	ActionChatStart   = "chat.start"
	ActionChatRead    = "chat.read"
	ActionChatMessage = "chat.message"
	ActionChatTake    = "chat.take"
	// ActionChatListRead is a chat shown to staff in their queue.
	ActionChatListRead = "chat_list.read"
	ActionChatTransfer = "chat.transfer"
	ActionChatEnd      = "chat.end"
	// ActionChatTranscripts is the retention sweep deleting transcripts.
	ActionChatTranscripts = "chat.transcripts_deleted"
)

// MaxChatMessage is the longest message, in characters.
const MaxChatMessage = 2000

// ChatStatus is where a chat stands.
type ChatStatus string

// The statuses of a chat. Waiting and active chats are open; the others
// have ended.
const (
	ChatWaiting    ChatStatus = "waiting"     // in the queue, no professional yet
	ChatActive     ChatStatus = "active"      // a professional has taken it
	ChatClosed     ChatStatus = "closed"      // ended by the professional or the resident
	ChatHandedOver ChatStatus = "handed_over" // ended as a contact request
	ChatAbandoned  ChatStatus = "abandoned"   // the resident left the queue before an answer
)

// ChatStatuses lists every status.
var ChatStatuses = []ChatStatus{ChatWaiting, ChatActive, ChatClosed, ChatHandedOver, ChatAbandoned}

// Valid reports whether s is a known status.
func (s ChatStatus) Valid() bool { return slices.Contains(ChatStatuses, s) }

// Open reports whether the chat still goes on.
func (s ChatStatus) Open() bool { return s == ChatWaiting || s == ChatActive }

// Chat is one chat between a resident and the professionals of a line.
type Chat struct {
	ID     int64      `json:"id"`
	Line   string     `json:"service"`
	Status ChatStatus `json:"status"`
	// Lang is the resident's language; it decides the system messages.
	Lang Lang `json:"lang"`
	// ResidentID is whose chat it is (the principal while acting on
	// behalf); ResidentName is shown to staff only.
	ResidentID   int64  `json:"-"`
	ResidentName string `json:"resident_name,omitempty"`
	// OpenedBy is the user who opened the chat: the resident, or the
	// guardian or delegate acting for them.
	OpenedBy int64 `json:"-"`
	// UnitID is the unit of the professional who took the chat.
	UnitID           string    `json:"unit,omitempty"`
	ProfessionalID   int64     `json:"professional,omitempty"`
	ProfessionalName string    `json:"professional_name,omitempty"`
	StartedAt        time.Time `json:"started_at"`
	TakenAt          time.Time `json:"taken_at,omitzero"`
	EndedAt          time.Time `json:"ended_at,omitzero"`
	// ContactRequestID is the request a hand-over made.
	ContactRequestID int64 `json:"contact_request,omitempty"`
	// LastEvent is the sequence number of the chat's newest event.
	LastEvent int64 `json:"last_event"`
	// Position is the 1-based place in the queue while waiting (0
	// otherwise); EstimatedWait its estimate.
	Position      int           `json:"position,omitempty"`
	EstimatedWait time.Duration `json:"-"`
	// ResidentSeenAt is when the resident's page or stream last showed the
	// chat; a waiting chat unseen for ChatReturnWindow is abandoned.
	ResidentSeenAt time.Time `json:"-"`
}

// ChatEventKind is what a chat event is.
type ChatEventKind string

// The kinds of chat event.
const (
	ChatMessage ChatEventKind = "message" // a message from the resident or a professional
	ChatSystem  ChatEventKind = "system"  // a change of the chat, told by a catalog key
)

// ChatEvent is one entry of a chat's durable log. Seq numbers a chat's
// events from 1 without gaps; the live stream sends it as the event id, so a
// client resuming with Last-Event-ID gets every later event once.
type ChatEvent struct {
	Seq    int64         `json:"id"`
	ChatID int64         `json:"chat"`
	Kind   ChatEventKind `json:"kind"`
	// FromStaff is set for a professional's message; AuthorName names them.
	FromStaff  bool   `json:"from_staff"`
	AuthorID   int64  `json:"-"`
	AuthorName string `json:"author,omitempty"`
	// Body is a message's text: as written for the resident, screened
	// (personal identity codes, phone numbers, e-mail addresses masked) in
	// staff views. BodyScreened is the screened text the store keeps.
	Body         string `json:"body,omitempty"`
	BodyScreened string `json:"-"`
	// Key and Arg tell a system event (a catalog key, with the name or
	// service it mentions); Text is it in the chat's language.
	Key  string `json:"key,omitempty"`
	Arg  string `json:"-"`
	Text string `json:"text,omitempty"`
	// Status is the chat's status after the event.
	Status ChatStatus `json:"status"`
	At     time.Time  `json:"at"`
}

// CheckChatMessage trims a message and checks that it holds 1–MaxChatMessage
// characters (EInvalid "chat.error.message" otherwise).
func CheckChatMessage(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > MaxChatMessage {
		return "", InvalidField("message", "chat.error.message", "a message needs 1–2000 characters")
	}
	return s, nil
}

// ChatScope is whose chats a read may return: a resident's own
// (ResidentID), or those of some lines (Lines) for staff, whose reads are
// audited. A scope that names neither returns nothing.
type ChatScope struct {
	ResidentID int64
	Lines      []string
}

// ChatFilter narrows a list of chats: a scope, statuses (none: open
// ones), and at most Limit chats (0: 200), oldest first.
type ChatFilter struct {
	Scope    ChatScope
	Statuses []ChatStatus
	Limit    int
}

// ChatSignal tells a chat's listeners that its log grew (Typing empty) or
// that someone is typing ("resident" or "staff", Name for staff). Signals
// are not durable: a listener reads the log after each one.
type ChatSignal struct {
	ChatID int64  `json:"chat"`
	Typing string `json:"typing,omitempty"`
	Name   string `json:"name,omitempty"`
}

// ChatTime is one chat as the figures need it.
type ChatTime struct {
	Line      string
	UnitID    string
	Status    ChatStatus
	StartedAt time.Time
	TakenAt   time.Time
	EndedAt   time.Time
	// HandedOver is set when the chat ended as a contact request.
	HandedOver bool
}

// ChatStore keeps chat lines, chats and their logs. Reads by staff write an
// audit row in the same transaction; the actor comes from the context.
// Every write that appends an event numbers it after the chat's last one in
// the same transaction and, on engines that can, signals the other
// processes at commit.
type ChatStore interface {
	// ChatLines returns every line, ordered by id.
	ChatLines(ctx context.Context) ([]ChatLine, error)
	// SaveChatLine adds or replaces a line.
	SaveChatLine(ctx context.Context, l ChatLine) error
	// StartChat stores c (waiting, started) with its first events; a
	// resident with an open chat on the same line gets that chat and
	// created false instead.
	StartChat(ctx context.Context, c Chat, first []ChatEvent) (stored Chat, created bool, err error)
	// Chat returns one chat within scope, with Position set while it
	// waits; ENotFound outside scope, exactly as for a missing id. A staff
	// read writes chat.read in the same transaction.
	Chat(ctx context.Context, id int64, scope ChatScope) (Chat, error)
	// Chats returns the chats f asks for, oldest first; a staff list
	// writes chat_list.read for each chat in the same transaction.
	Chats(ctx context.Context, f ChatFilter) ([]Chat, error)
	// ChatEvents returns the events of chat id after seq, in order, at
	// most limit; a chat outside scope is ENotFound.
	ChatEvents(ctx context.Context, id int64, scope ChatScope, after int64, limit int) ([]ChatEvent, error)
	// AddChatEvent appends e to an open chat; an ended chat is EConflict.
	AddChatEvent(ctx context.Context, id int64, e ChatEvent) (ChatEvent, error)
	// TakeChat gives a waiting chat to professional userID of unit (one
	// conditional update: of two takers one wins, the other gets
	// EConflict) and appends e.
	TakeChat(ctx context.Context, id, userID int64, unit string, at time.Time, e ChatEvent) (Chat, error)
	// TransferChat moves an open chat to line (back to its queue, waiting)
	// when userID is 0, else to professional userID of unit (active), and
	// appends e; an ended chat is EConflict.
	TransferChat(ctx context.Context, id int64, line string, userID int64, unit string, e ChatEvent) (Chat, error)
	// EndChat ends an open chat with status (closed, handed_over or
	// abandoned) at at, recording the contact request of a hand-over, and
	// appends e; an ended chat is EConflict.
	EndChat(ctx context.Context, id int64, status ChatStatus, contactRequestID int64, at time.Time, e ChatEvent) (Chat, error)
	// SeeChat records that the resident's page or stream showed chat id.
	SeeChat(ctx context.Context, id int64, at time.Time) error
	// AbandonChats ends as abandoned every waiting chat its resident has
	// not seen since seenBefore, appending the system event
	// chat.system.abandoned, and returns them.
	AbandonChats(ctx context.Context, seenBefore, at time.Time) ([]Chat, error)
	// TouchChatPresence records that professional userID had their chat
	// queue open at at.
	TouchChatPresence(ctx context.Context, userID int64, at time.Time) error
	// ChatStaffPresent returns, per unit, how many professionals of the
	// unit had their chat queue open since since.
	ChatStaffPresent(ctx context.Context, since time.Time) (map[string]int, error)
	// ChatTimes returns the chats started in [from, to) on lines (all
	// when nil), one by one.
	ChatTimes(ctx context.Context, from, to time.Time, lines []string) ([]ChatTime, error)
	// ChatFigureSums returns the chat figures of the chats started in
	// [from, to) on lines (all when nil), grouped by by, as sums (the same
	// figures as ChatFiguresOf over ChatTimes) read from a roll-up, so
	// that a long period costs about what a short one does.
	ChatFigureSums(ctx context.Context, from, to time.Time, by string, lines []string) ([]ChatFigureSums, error)
	// FoldChatStats adds up to limit logged changes of chats to the
	// roll-up behind ChatFigureSums and returns how many it folded; the
	// sums count what is not folded yet too.
	FoldChatStats(ctx context.Context, limit int) (int, error)
	// DeleteChatTranscripts deletes the messages of line's chats that
	// ended before endedBefore, and returns how many chats lost theirs.
	DeleteChatTranscripts(ctx context.Context, line string, endedBefore time.Time) (int, error)
	// SignalChat passes s to the other processes sharing the database
	// (PostgreSQL NOTIFY); a no-op where one process owns the database.
	SignalChat(ctx context.Context, s ChatSignal) error
	// ListenChats calls fn with every signal of the other processes until
	// ctx ends (PostgreSQL LISTEN, reconnecting after a failure); where one
	// process owns the database it waits for ctx.
	ListenChats(ctx context.Context, fn func(ChatSignal)) error
}

// ChatFigureQuery asks for the chat figures of [From, To) grouped by one
// of "line", "unit" or "hour", within Lines (nil: all).
type ChatFigureQuery struct {
	From, To time.Time
	By       string
	Lines    []string
}

// ChatFigure is one group of the chat figures. Waits run from start to a
// professional taking the chat, durations from taking to the end; the
// percentiles are over answered chats, nil when there are none.
type ChatFigure struct {
	Key         string   `json:"key"`
	Started     int      `json:"started"`
	Answered    int      `json:"answered"`
	Abandoned   int      `json:"abandoned"`
	HandedOver  int      `json:"handed_over"`
	WaitP50     *float64 `json:"wait_p50_seconds"`
	WaitP90     *float64 `json:"wait_p90_seconds"`
	DurationP50 *float64 `json:"duration_p50_seconds"`
	DurationP90 *float64 `json:"duration_p90_seconds"`
}

// ChatTransfer is where a professional passes a chat: to another line's
// queue (Line) or to a colleague (UserID), one of them.
type ChatTransfer struct {
	Line   string
	UserID int64
}

// ChatService carries out chats for residents and professionals (package
// chat implements it). A resident sees only their own chats and staff the
// chats of their units' lines; anything else is ENotFound.
type ChatService interface {
	// Lines returns every line with whether it is open now; public.
	Lines(ctx context.Context) ([]ChatLineStatus, error)
	// Start opens a chat on line for the signed-in resident with a first
	// message. A closed line is EConflict ("chat.error.closed").
	Start(ctx context.Context, u User, line, message string) (Chat, bool, error)
	// Mine returns the resident's open chats.
	Mine(ctx context.Context, u User) ([]Chat, error)
	// Get returns one chat the user may see; a resident's read counts as
	// them being there, a staff read is audited.
	Get(ctx context.Context, u User, id int64) (Chat, error)
	// Events returns the chat's events after seq as the user sees them.
	Events(ctx context.Context, u User, id int64, after int64) ([]ChatEvent, error)
	// Send adds a message of the user to an open chat.
	Send(ctx context.Context, u User, id int64, message string) (ChatEvent, error)
	// Typing tells the other side that the user is typing.
	Typing(ctx context.Context, u User, id int64) error
	// Listen returns signals of chat id for a user who may see it, until
	// ctx ends or cancel is called.
	Listen(ctx context.Context, u User, id int64) (signals <-chan ChatSignal, cancel func(), err error)
	// Queue returns the chats of the professional's lines with status
	// (waiting or active), oldest first, and counts as their presence.
	Queue(ctx context.Context, u User, status ChatStatus) ([]Chat, error)
	// Take, Transfer, HandOver and Close are the professional's.
	Take(ctx context.Context, u User, id int64) (Chat, error)
	Transfer(ctx context.Context, u User, id int64, to ChatTransfer) (Chat, error)
	HandOver(ctx context.Context, u User, id int64) (ContactRequest, error)
	// Close ends a chat; the resident may close their own, too.
	Close(ctx context.Context, u User, id int64) (Chat, error)
	// Figures returns the chat figures for managers (their units' lines),
	// analysts and administrators.
	Figures(ctx context.Context, u User, q ChatFigureQuery) ([]ChatFigure, error)
}
