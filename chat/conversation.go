package chat

import (
	"context"
	"sync"

	"sotepe"
	"sotepe/screen"
)

// Start opens a chat on line for the signed-in resident u with a first
// message, and returns it with its place in the queue and an estimated
// wait; created is false when u already had an open chat on the line,
// which is returned instead (the message is then not added again, so a
// repeated submission does nothing twice). While u acts for someone the
// chat is the principal's, opened by u.
//
// Errors: EForbidden for a user who is not a resident; EInvalid
// "chat.error.message" for an empty or too long message, "chat.error.line"
// for an unknown line; EConflict "chat.error.closed" when the line is
// closed (outside its hours, on a closure day, or with nobody present), for
// which the web offers the contact form.
func (s *Service) Start(ctx context.Context, u sotepe.User, line, message string) (sotepe.Chat, bool, error) {
	if !isResident(u) {
		return sotepe.Chat{}, false, forbidden()
	}
	text, err := sotepe.CheckChatMessage(message)
	if err != nil {
		return sotepe.Chat{}, false, err
	}
	st, ok, err := s.state(ctx, line)
	if err != nil {
		return sotepe.Chat{}, false, err
	}
	if !ok {
		return sotepe.Chat{}, false, sotepe.Invalid("chat.error.line", "unknown chat service")
	}
	mine, err := s.store.Chats(ctx, sotepe.ChatFilter{Scope: sotepe.ChatScope{ResidentID: u.ResidentID}})
	if err != nil {
		return sotepe.Chat{}, false, err
	}
	for _, c := range mine {
		if c.Line == line {
			c, err := s.reread(ctx, u, c)
			return c, false, err
		}
	}
	if !st.Open {
		return sotepe.Chat{}, false, sotepe.Errorf(sotepe.EConflict, "chat.error.closed", "the chat service is closed (%s)", st.Closed)
	}
	lang := u.Lang
	if _, ok := sotepe.ParseLang(string(lang)); !ok {
		lang = sotepe.Finnish
	}
	now := s.now()
	screened, _ := screen.Text(text)
	c := sotepe.Chat{
		Line: line, Status: sotepe.ChatWaiting, Lang: lang,
		ResidentID: u.ResidentID, OpenedBy: u.ID,
		StartedAt: now, ResidentSeenAt: now,
	}
	first := []sotepe.ChatEvent{
		{Kind: sotepe.ChatSystem, Key: KeyEmergency, At: now},
		{Kind: sotepe.ChatMessage, AuthorID: u.ID, Body: text, BodyScreened: screened, At: now},
	}
	stored, created, err := s.store.StartChat(ctx, c, first)
	if err != nil {
		return sotepe.Chat{}, false, err
	}
	if created {
		s.status.invalidate()
		s.seen.allow(stored.ID, now)
	}
	stored, err = s.reread(ctx, u, stored)
	return stored, created, err
}

// reread returns the resident's chat c as it stands, with its place in the
// queue (which the store counts on a read) and the estimated wait.
func (s *Service) reread(ctx context.Context, u sotepe.User, c sotepe.Chat) (sotepe.Chat, error) {
	if c.Status == sotepe.ChatWaiting && c.Position == 0 {
		var err error
		if c, err = s.store.Chat(ctx, c.ID, sotepe.ChatScope{ResidentID: u.ResidentID}); err != nil {
			return sotepe.Chat{}, err
		}
	}
	return s.withWait(ctx, c), nil
}

// Mine returns the resident's open chats, oldest first, the waiting ones
// with their place and estimated wait. A user who is not a resident gets
// EForbidden.
func (s *Service) Mine(ctx context.Context, u sotepe.User) ([]sotepe.Chat, error) {
	if !isResident(u) {
		return nil, forbidden()
	}
	chats, err := s.store.Chats(ctx, sotepe.ChatFilter{Scope: sotepe.ChatScope{ResidentID: u.ResidentID}})
	if err != nil {
		return nil, err
	}
	out := make([]sotepe.Chat, 0, len(chats))
	for _, c := range chats {
		c, err := s.reread(ctx, u, c)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Get returns chat id: a resident's own (which counts as them being there:
// a waiting chat they see is not abandoned), or one of the lines of a
// professional's or manager's units, which the store audits. A chat the
// user may not see is ENotFound; a user who is neither resident nor staff
// gets EForbidden.
func (s *Service) Get(ctx context.Context, u sotepe.User, id int64) (sotepe.Chat, error) {
	c, sd, err := s.read(ctx, u, id)
	if err != nil {
		return sotepe.Chat{}, err
	}
	if sd == residentSide {
		s.see(ctx, c)
		return s.withWait(ctx, c), nil
	}
	return c, nil
}

// see records that the resident was shown chat c, at most once per
// seenEvery; a failure is logged, as the read itself succeeded.
func (s *Service) see(ctx context.Context, c sotepe.Chat) {
	if !c.Status.Open() {
		return
	}
	now := s.now()
	if !s.seen.allow(c.ID, now) {
		return
	}
	if err := s.store.SeeChat(ctx, c.ID, now); err != nil {
		s.seen.forget(c.ID)
		s.log.Warn("chat: recording the resident's presence failed", "chat", c.ID, "err", err.Error())
	}
}

// Events returns the events of chat id after seq after, in order, at most
// 500 at a time (ask again after the last one for more), as u sees them:
// a resident their messages as written, staff the screened text; system
// events with their text in the chat's language; staff messages with the
// professional's name. Access and errors are as for Get (a staff read is
// audited, a resident's counts as them being there).
//
// The web's live stream calls Events once at the start (after
// Last-Event-ID) and after every signal from Listen, and also every 30
// seconds or so without one: signals sent while the store's listener
// reconnects are lost, the log is not. As long as Run runs, an open stream
// of the resident also keeps them present. A staff call reads the chat
// (audited) unless the same professional read it within accessTTL and the
// chat has not changed since in this process: a stream's quiet re-reads
// then read only the log, so an idle staff stream writes an audit row
// about twice a minute instead of every few seconds.
func (s *Service) Events(ctx context.Context, u sotepe.User, id int64, after int64) ([]sotepe.ChatEvent, error) {
	now := s.now()
	if e, ok := s.views.entry(id, u.ID, now); ok && !isResident(u) {
		evs, err := s.store.ChatEvents(ctx, id, sotepe.ChatScope{Lines: []string{e.line}}, max(after, 0), eventPage)
		if err != nil {
			return nil, err
		}
		return s.present(ctx, sotepe.Chat{ID: id, Line: e.line, Lang: e.lang}, staffSide, evs), nil
	}
	c, sd, err := s.read(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if sd == staffSide {
		s.views.putEntry(id, u.ID, accessEntry{side: sd, until: now.Add(accessTTL), line: c.Line, lang: c.Lang})
	}
	evs, err := s.store.ChatEvents(ctx, id, scope(u, sd, c), max(after, 0), eventPage)
	if err != nil {
		return nil, err
	}
	if sd == residentSide {
		s.see(ctx, c)
	}
	return s.present(ctx, c, sd, evs), nil
}

// present turns stored events into what side sd sees.
func (s *Service) present(ctx context.Context, c sotepe.Chat, sd side, evs []sotepe.ChatEvent) []sotepe.ChatEvent {
	out := make([]sotepe.ChatEvent, len(evs))
	for i, e := range evs {
		if sd == staffSide {
			// Staff never see the resident's words unscreened, even
			// where the store lost the screened copy.
			e.Body = e.BodyScreened
		}
		e.BodyScreened = ""
		switch {
		case e.Kind == sotepe.ChatSystem:
			e.Text = s.translate(c.Lang, e.Key, map[string]any{"Name": e.Arg})
			e.AuthorName = ""
		case e.FromStaff:
			if e.AuthorName == "" {
				e.AuthorName = s.name(ctx, e.AuthorID)
			}
		default:
			e.AuthorName = ""
		}
		e.AuthorID = 0
		out[i] = e
	}
	return out
}

// Send adds u's message to open chat id: the resident's own (waiting or
// active), or a professional's chat they have taken. The text is kept as
// written and screened (identity codes, phone numbers, e-mail addresses
// masked) for staff views. It returns the event as u sees it, after it is
// stored.
//
// Errors: EInvalid "chat.error.message" for an empty or too long message;
// access as for Get; EForbidden "chat.error.not_holder" for staff of the
// line who have not taken the chat; EConflict "chat.error.ended" when the
// chat has ended.
func (s *Service) Send(ctx context.Context, u sotepe.User, id int64, message string) (sotepe.ChatEvent, error) {
	text, err := sotepe.CheckChatMessage(message)
	if err != nil {
		return sotepe.ChatEvent{}, err
	}
	c, sd, err := s.read(ctx, u, id)
	if err != nil {
		return sotepe.ChatEvent{}, err
	}
	if err := mayWrite(u, sd, c); err != nil {
		return sotepe.ChatEvent{}, err
	}
	screened, _ := screen.Text(text)
	e := sotepe.ChatEvent{
		Kind: sotepe.ChatMessage, FromStaff: sd == staffSide, AuthorID: u.ID,
		Body: text, BodyScreened: screened, At: s.now(),
	}
	if sd == staffSide {
		e.AuthorName = u.Name
	}
	stored, err := s.store.AddChatEvent(ctx, id, e)
	if err != nil {
		return sotepe.ChatEvent{}, conflictAs(err, "chat.error.ended", "the chat has ended")
	}
	s.changed(id)
	if sd == residentSide {
		s.see(ctx, c)
	}
	if stored.Body == "" && stored.BodyScreened == "" {
		stored.Body, stored.BodyScreened = e.Body, e.BodyScreened
	}
	return s.present(ctx, c, sd, []sotepe.ChatEvent{stored})[0], nil
}

// mayWrite says whether u, seeing chat c from side sd, may write in it: an
// open chat, and for staff one they hold.
func mayWrite(u sotepe.User, sd side, c sotepe.Chat) error {
	if !c.Status.Open() {
		return ended()
	}
	if sd == staffSide && (c.Status != sotepe.ChatActive || c.ProfessionalID != u.ID) {
		return notHolder()
	}
	return nil
}

// Typing tells the other side of chat id that u is typing: nothing is
// stored; this process's listeners and, through the store, other
// processes' get a signal (staff with their name). Each side of a chat
// signals at most once a second; more often is accepted and dropped.
// Errors are those of Send, except the message's.
func (s *Service) Typing(ctx context.Context, u sotepe.User, id int64) error {
	now := s.now()
	sd, ok := s.access.get(id, u.ID, now)
	if !ok {
		c, side, err := s.read(ctx, u, id)
		if err != nil {
			return err
		}
		if err := mayWrite(u, side, c); err != nil {
			return err
		}
		sd = side
		s.access.put(id, u.ID, sd, now.Add(accessTTL))
	}
	if !s.typing.allow(typingKey{id, sd.typing()}, now) {
		return nil
	}
	sig := sotepe.ChatSignal{ChatID: id, Typing: sd.typing()}
	if sd == staffSide {
		sig.Name = u.Name
	}
	s.hub.Publish(sig)
	return s.store.SignalChat(ctx, sig)
}

// Listen returns the signals of chat id for u, who must be able to see it
// (as for Get, whose errors it returns; a staff member's Listen is a read
// and audited), until ctx ends or cancel is called; cancel closes the
// channel. A signal says that the log grew (read it with Events) or that
// someone types (both sides' typing reaches every listener: a page shows
// the other side's). A resident's listening counts as them being there,
// refreshed every minute while Run runs.
func (s *Service) Listen(ctx context.Context, u sotepe.User, id int64) (<-chan sotepe.ChatSignal, func(), error) {
	c, sd, err := s.read(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	ch, unsubscribe := s.hub.Subscribe(id)
	end := unsubscribe
	if sd == residentSide {
		s.see(ctx, c)
		s.streamsMu.Lock()
		s.streams[id]++
		s.streamsMu.Unlock()
		end = func() {
			unsubscribe()
			s.streamsMu.Lock()
			if s.streams[id]--; s.streams[id] <= 0 {
				delete(s.streams, id)
			}
			s.streamsMu.Unlock()
		}
	}
	cancel := sync.OnceFunc(end)
	stop := context.AfterFunc(ctx, cancel)
	return ch, func() { stop(); cancel() }, nil
}

// keepPresent records that the residents whose streams listen to chats in
// this process are there.
func (s *Service) keepPresent(ctx context.Context) {
	s.streamsMu.Lock()
	ids := make([]int64, 0, len(s.streams))
	for id := range s.streams {
		ids = append(ids, id)
	}
	s.streamsMu.Unlock()
	now := s.now()
	for _, id := range ids {
		if err := s.store.SeeChat(ctx, id, now); err != nil && ctx.Err() == nil && sotepe.ErrorCode(err) != sotepe.ENotFound && sotepe.ErrorCode(err) != sotepe.EConflict {
			s.log.Warn("chat: keeping a listening resident present failed", "chat", id, "err", err.Error())
		}
		s.seen.allow(id, now)
	}
}
