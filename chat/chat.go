// Package chat carries out chats between residents and professionals: it
// implements sotepe.ChatService over the store's durable chat log.
//
// A resident opens a chat on a line (a service's chat) while it is open —
// in its hours, not on a closure day, and with a professional of its units
// present — and waits in its queue; a professional of those units takes the
// chat, they talk, and the professional closes it, passes it on, or hands it
// over as a contact request under the two-working-day promise with the
// transcript as its first message.
//
// Every message is stored before it is acknowledged. Live updates are
// wake-ups only: after each write the service publishes a sotepe.ChatSignal
// on its Hub, which the listeners of that chat in this process receive; the
// store passes the same signal to other processes sharing a PostgreSQL
// database, and Run feeds those into the Hub. A listener reads the log
// (Events) after every signal, so a lost or coalesced signal loses nothing.
//
// Who may do what: a resident sees their own chats (while acting on behalf,
// the principal's); professionals and managers see the chats of the lines
// whose units they work in, and each such read writes an audit row in the
// same transaction (the store does). Anything else is ENotFound, the same as
// a missing chat; a user with neither role gets EForbidden.
package chat

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"sotepe"
	"sotepe/workday"
)

// Store is what the service reads and writes: the chat store and, to name
// professionals and find a line's staff, the accounts.
type Store interface {
	sotepe.ChatStore
	// User returns an account, or ENotFound.
	User(ctx context.Context, id int64) (sotepe.User, error)
	// UnitStaff returns the enabled professionals and managers of a unit.
	UnitStaff(ctx context.Context, unitID string) ([]sotepe.User, error)
}

// Translate returns the text of a catalog key in lang with its
// placeholders filled (i18n.Catalog.T).
type Translate func(lang sotepe.Lang, key string, args map[string]any) string

// Config is what a Service needs. Store, Contact and Calendar are
// required; Translate defaults to returning the key, Now to time.Now and
// Logger to discarding.
type Config struct {
	Store Store
	// Contact records hand-overs as contact requests.
	Contact sotepe.ContactService
	// Calendar tells closure days and the city's time zone.
	Calendar  *workday.Live
	Translate Translate
	Now       func() time.Time
	Logger    *slog.Logger
}

// Timings of the service.
const (
	// statusTTL is how long the lines' status is reused; a change this
	// process makes (a chat started, taken, a professional arriving)
	// refreshes it at once, other processes' changes show within it.
	statusTTL = 3 * time.Second
	// linesTTL is how long the lines' definitions are reused.
	linesTTL = 10 * time.Second
	// seenEvery is how often a resident's reads write that they are there.
	seenEvery = 15 * time.Second
	// presenceEvery is how often a professional's queue writes presence.
	presenceEvery = 10 * time.Second
	// typingEvery is how often one side of a chat may signal typing.
	typingEvery = time.Second
	// accessTTL is how long a typing user's right to a chat is trusted
	// without reading the chat again (changes made by this process end
	// it at once).
	accessTTL = 30 * time.Second
	// eventPage is the most events Events returns at once.
	eventPage = 500
)

// The sides of a chat, as ChatSignal.Typing names them.
const (
	TypingResident = "resident"
	TypingStaff    = "staff"
)

// The catalog keys of the system events the service appends.
const (
	KeyEmergency       = "chat.system.emergency"
	KeyTaken           = "chat.system.taken"
	KeyTransferred     = "chat.system.transferred"
	KeyTransferredLine = "chat.system.transferred_line"
	KeyHandedOver      = "chat.system.handed_over"
	KeyClosed          = "chat.system.closed"
	// KeyAbandoned is appended by the store's AbandonChats.
	KeyAbandoned = "chat.system.abandoned"
)

// Service implements sotepe.ChatService. Its caches and rate limits live in
// memory; several processes may serve the same database.
type Service struct {
	store     Store
	contact   sotepe.ContactService
	calendar  *workday.Live
	translate Translate
	now       func() time.Time
	log       *slog.Logger
	loc       *time.Location
	hub       *Hub

	lines  *cache[[]sotepe.ChatLine]
	status *cache[[]lineState]

	seen     *throttle[int64]
	presence *throttle[int64]
	typing   *throttle[typingKey]
	access   accessCache
	// views remembers staff reads of a chat, so that a stream's quiet
	// re-reads do not each read (and audit) the chat again.
	views accessCache

	namesMu sync.Mutex
	names   map[int64]string

	streamsMu sync.Mutex
	streams   map[int64]int // chats a resident's stream listens to, with how many streams
}

var _ sotepe.ChatService = (*Service)(nil)

type typingKey struct {
	chat int64
	side string
}

// New returns a Service.
func New(c Config) *Service {
	s := &Service{
		store: c.Store, contact: c.Contact, calendar: c.Calendar, translate: c.Translate,
		now: c.Now, log: c.Logger, hub: NewHub(),
		seen: newThrottle[int64](seenEvery), presence: newThrottle[int64](presenceEvery),
		typing: newThrottle[typingKey](typingEvery),
		access: accessCache{m: map[int64]map[int64]accessEntry{}},
		views:  accessCache{m: map[int64]map[int64]accessEntry{}},
		names:  map[int64]string{}, streams: map[int64]int{},
	}
	if s.translate == nil {
		s.translate = func(_ sotepe.Lang, key string, _ map[string]any) string { return key }
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.calendar != nil {
		s.loc = s.calendar.Get().Location()
	} else if loc, err := time.LoadLocation("Europe/Helsinki"); err == nil {
		s.loc = loc
	} else {
		s.loc = time.UTC
	}
	s.lines = newCache(linesTTL, s.now, func(ctx context.Context) ([]sotepe.ChatLine, error) {
		return s.store.ChatLines(ctx)
	})
	s.status = newCache(statusTTL, s.now, s.loadStatus)
	return s
}

// Hub returns the service's hub, on which every change this process makes
// is published.
func (s *Service) Hub() *Hub { return s.hub }

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "role not allowed"}
}

func notFound() error { return sotepe.NotFound("chat") }

func notHolder() error {
	return sotepe.Errorf(sotepe.EForbidden, "chat.error.not_holder", "only the professional who has the chat may do this")
}

func ended() error {
	return sotepe.Errorf(sotepe.EConflict, "chat.error.ended", "the chat has ended")
}

// conflictAs gives an EConflict from the store the catalog key key, so the
// person is told what happened; other errors pass unchanged.
func conflictAs(err error, key, msg string) error {
	if sotepe.ErrorCode(err) == sotepe.EConflict {
		return &sotepe.Error{Code: sotepe.EConflict, Key: key, Message: msg, Err: err}
	}
	return err
}

func isResident(u sotepe.User) bool { return u.Has(sotepe.RoleResident) && u.ResidentID != 0 }

// isStaff reports whether u answers chats: professionals and managers.
func isStaff(u sotepe.User) bool {
	return u.Has(sotepe.RoleProfessional) || u.Has(sotepe.RoleManager)
}

// side is whose view of a chat a user has.
type side int

const (
	residentSide side = iota + 1
	staffSide
)

func (sd side) typing() string {
	if sd == staffSide {
		return TypingStaff
	}
	return TypingResident
}

// staffLines returns the ids of the lines whose units u works in.
func (s *Service) staffLines(ctx context.Context, u sotepe.User) ([]string, error) {
	lines, err := s.lines.get(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		if slices.ContainsFunc(l.Units, u.MemberOf) {
			out = append(out, l.ID)
		}
	}
	return out, nil
}

// line returns the definition of line id.
func (s *Service) line(ctx context.Context, id string) (sotepe.ChatLine, bool, error) {
	lines, err := s.lines.get(ctx)
	if err != nil {
		return sotepe.ChatLine{}, false, err
	}
	i := slices.IndexFunc(lines, func(l sotepe.ChatLine) bool { return l.ID == id })
	if i < 0 {
		return sotepe.ChatLine{}, false, nil
	}
	return lines[i], true, nil
}

// read returns chat id as u may see it, and from which side. A resident's
// own chat is read first (unaudited: it is their own); staff read within
// their lines, which the store audits. A user who is neither resident nor
// staff is EForbidden; a chat outside what u may see is ENotFound.
func (s *Service) read(ctx context.Context, u sotepe.User, id int64) (sotepe.Chat, side, error) {
	resident, staff := isResident(u), isStaff(u)
	if !resident && !staff {
		return sotepe.Chat{}, 0, forbidden()
	}
	if resident {
		c, err := s.store.Chat(ctx, id, sotepe.ChatScope{ResidentID: u.ResidentID})
		if err == nil || !staff || sotepe.ErrorCode(err) != sotepe.ENotFound {
			return c, residentSide, err
		}
	}
	c, err := s.readStaff(ctx, u, id)
	return c, staffSide, err
}

// readStaff returns chat id to staff of its line (audited), EForbidden to
// anyone else.
func (s *Service) readStaff(ctx context.Context, u sotepe.User, id int64) (sotepe.Chat, error) {
	if !isStaff(u) {
		return sotepe.Chat{}, forbidden()
	}
	lines, err := s.staffLines(ctx, u)
	if err != nil {
		return sotepe.Chat{}, err
	}
	if len(lines) == 0 {
		return sotepe.Chat{}, notFound()
	}
	return s.store.Chat(ctx, id, sotepe.ChatScope{Lines: lines})
}

// scope returns the scope in which u, reading from side sd, reads chat c's
// events: the resident's own, or c's line for staff.
func scope(u sotepe.User, sd side, c sotepe.Chat) sotepe.ChatScope {
	if sd == residentSide {
		return sotepe.ChatScope{ResidentID: u.ResidentID}
	}
	return sotepe.ChatScope{Lines: []string{c.Line}}
}

// changed tells this process's listeners of chat id that its log grew and
// drops what the service trusted about it. (The store tells the other
// processes when the write commits.)
func (s *Service) changed(id int64) {
	s.access.forget(id)
	s.views.forget(id)
	s.hub.Publish(sotepe.ChatSignal{ChatID: id})
}

// name returns the name of user id, remembered after the first read; ""
// when it cannot be read (logged).
func (s *Service) name(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	s.namesMu.Lock()
	n, ok := s.names[id]
	s.namesMu.Unlock()
	if ok {
		return n
	}
	u, err := s.store.User(ctx, id)
	if err != nil {
		s.log.Warn("chat: reading an author's name failed", "user", id, "err", err.Error())
		return ""
	}
	s.namesMu.Lock()
	if len(s.names) >= pruneAt {
		clear(s.names)
	}
	s.names[id] = u.Name
	s.namesMu.Unlock()
	return u.Name
}

// accessCache remembers for a short while that a user may signal typing in
// a chat, so that a keystroke does not read (and audit) the chat each time.
type accessCache struct {
	mu sync.Mutex
	m  map[int64]map[int64]accessEntry // chat → user → entry
}

type accessEntry struct {
	side  side
	until time.Time
	// line and lang are the chat's, for a staff read's events (views).
	line string
	lang sotepe.Lang
}

func (a *accessCache) get(chat, user int64, now time.Time) (side, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.m[chat][user]
	if !ok || !now.Before(e.until) {
		return 0, false
	}
	return e.side, true
}

// entry returns the whole entry of user in chat while it holds.
func (a *accessCache) entry(chat, user int64, now time.Time) (accessEntry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.m[chat][user]
	return e, ok && now.Before(e.until)
}

func (a *accessCache) put(chat, user int64, sd side, until time.Time) {
	a.putEntry(chat, user, accessEntry{side: sd, until: until})
}

func (a *accessCache) putEntry(chat, user int64, e accessEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.m) >= pruneAt {
		clear(a.m)
	}
	if a.m[chat] == nil {
		a.m[chat] = map[int64]accessEntry{}
	}
	a.m[chat][user] = e
}

func (a *accessCache) forget(chat int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.m, chat)
}
