package chat

import (
	"context"
	"fmt"
	"slices"

	"sotepe"
)

// Queue returns the chats of the lines of u's units with status (waiting
// or active), oldest first, the waiting ones with their place in their
// line's queue; each chat listed is audited by the store. Asking counts as
// u being present for those lines (written at most every 10 seconds), so a
// queue page polled or streamed keeps the lines staffed.
//
// Errors: EForbidden for anyone but professionals and managers; EInvalid
// "chat.error.status" for another status.
func (s *Service) Queue(ctx context.Context, u sotepe.User, status sotepe.ChatStatus) ([]sotepe.Chat, error) {
	if !isStaff(u) {
		return nil, forbidden()
	}
	if status != sotepe.ChatWaiting && status != sotepe.ChatActive {
		return nil, sotepe.Invalid("chat.error.status", "a queue lists waiting or active chats")
	}
	if err := s.touch(ctx, u); err != nil {
		return nil, err
	}
	lines, err := s.staffLines(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return []sotepe.Chat{}, nil
	}
	chats, err := s.store.Chats(ctx, sotepe.ChatFilter{Scope: sotepe.ChatScope{Lines: lines}, Statuses: []sotepe.ChatStatus{status}})
	if err != nil {
		return nil, err
	}
	if status == sotepe.ChatWaiting {
		// Every waiting chat of the lines is listed (up to the store's
		// limit), oldest first, so the place is the count within its
		// line; a place the store gave is kept.
		place := map[string]int{}
		for i := range chats {
			place[chats[i].Line]++
			if chats[i].Position == 0 {
				chats[i].Position = place[chats[i].Line]
			}
		}
	}
	if chats == nil {
		chats = []sotepe.Chat{}
	}
	return chats, nil
}

// touch records that professional u has their queue open, at most once per
// presenceEvery; a professional who just arrived may open their lines, so
// the lines' status is then computed afresh.
func (s *Service) touch(ctx context.Context, u sotepe.User) error {
	now := s.now()
	last, had := s.presence.since(u.ID)
	if !s.presence.allow(u.ID, now) {
		return nil
	}
	if err := s.store.TouchChatPresence(ctx, u.ID, now); err != nil {
		s.presence.forget(u.ID)
		return err
	}
	if !had || now.Sub(last) >= sotepe.ChatPresenceWindow {
		s.status.invalidate()
	}
	return nil
}

// Take gives waiting chat id to u, a professional or manager of one of its
// line's units, for the first of u's units the line has; the chat tells
// "<name> joined". Access as for Get; EConflict "chat.error.taken" when
// someone else took it first (of two at once, one wins) or it has ended.
func (s *Service) Take(ctx context.Context, u sotepe.User, id int64) (sotepe.Chat, error) {
	c, err := s.readStaff(ctx, u, id)
	if err != nil {
		return sotepe.Chat{}, err
	}
	if c.Status != sotepe.ChatWaiting {
		return sotepe.Chat{}, sotepe.Errorf(sotepe.EConflict, "chat.error.taken", "the chat is %s", c.Status)
	}
	line, ok, err := s.line(ctx, c.Line)
	if err != nil {
		return sotepe.Chat{}, err
	}
	unit := ""
	if ok {
		if i := slices.IndexFunc(u.Units, func(x string) bool { return slices.Contains(line.Units, x) }); i >= 0 {
			unit = u.Units[i]
		}
	}
	if unit == "" {
		// The line changed since the chat was read.
		return sotepe.Chat{}, notFound()
	}
	now := s.now()
	e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: KeyTaken, Arg: u.Name, AuthorID: u.ID, At: now}
	taken, err := s.store.TakeChat(ctx, id, u.ID, unit, now, e)
	if err != nil {
		return sotepe.Chat{}, conflictAs(err, "chat.error.taken", "someone else took the chat first")
	}
	s.status.invalidate()
	s.changed(id)
	return taken, nil
}

// Transfer passes chat id on: to another line's queue (to.Line; the chat
// waits there again) or to a colleague (to.UserID: a professional or
// manager of one of the chat's line's units, who then has it). The
// professional who has an active chat may transfer it, and staff of its
// line a waiting one. The chat tells the resident where it went, in their
// language.
//
// Errors: EInvalid "chat.error.transfer" unless exactly one of to.Line and
// to.UserID is given (or the colleague is u), "chat.error.line" for an
// unknown line, "chat.error.colleague" for someone who does not answer the
// chat's line; EConflict "chat.error.closed" for a closed line and
// "chat.error.ended" for an ended chat; EForbidden "chat.error.not_holder"
// for an active chat someone else has; access as for Get.
func (s *Service) Transfer(ctx context.Context, u sotepe.User, id int64, to sotepe.ChatTransfer) (sotepe.Chat, error) {
	if (to.Line == "") == (to.UserID == 0) || to.UserID == u.ID {
		return sotepe.Chat{}, sotepe.Invalid("chat.error.transfer", "transfer to a chat service or to a colleague")
	}
	c, err := s.readStaff(ctx, u, id)
	if err != nil {
		return sotepe.Chat{}, err
	}
	switch {
	case !c.Status.Open():
		return sotepe.Chat{}, ended()
	case c.Status == sotepe.ChatActive && c.ProfessionalID != u.ID:
		return sotepe.Chat{}, notHolder()
	}
	now := s.now()
	var out sotepe.Chat
	if to.Line != "" {
		target, ok, err := s.state(ctx, to.Line)
		switch {
		case err != nil:
			return sotepe.Chat{}, err
		case !ok:
			return sotepe.Chat{}, sotepe.Invalid("chat.error.line", "unknown chat service")
		case !target.Open:
			// Nobody would answer there: the professional keeps the
			// chat or hands it over.
			return sotepe.Chat{}, sotepe.Errorf(sotepe.EConflict, "chat.error.closed", "the chat service is closed (%s)", target.Closed)
		}
		e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: KeyTransferredLine, Arg: target.Names.In(c.Lang), AuthorID: u.ID, At: now}
		out, err = s.store.TransferChat(ctx, id, to.Line, 0, "", e)
		if err != nil {
			return sotepe.Chat{}, conflictAs(err, "chat.error.ended", "the chat has ended")
		}
	} else {
		colleague, unit, err := s.colleague(ctx, c.Line, to.UserID)
		if err != nil {
			return sotepe.Chat{}, err
		}
		e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: KeyTransferred, Arg: colleague.Name, AuthorID: u.ID, At: now}
		out, err = s.store.TransferChat(ctx, id, c.Line, colleague.ID, unit, e)
		if err != nil {
			return sotepe.Chat{}, conflictAs(err, "chat.error.ended", "the chat has ended")
		}
	}
	s.status.invalidate()
	s.changed(id)
	return out, nil
}

// colleague returns user id if they are a professional or manager of one
// of line's units, with the first such unit; EInvalid
// "chat.error.colleague" otherwise.
func (s *Service) colleague(ctx context.Context, lineID string, id int64) (sotepe.User, string, error) {
	line, ok, err := s.line(ctx, lineID)
	if err != nil {
		return sotepe.User{}, "", err
	}
	if ok {
		for _, unit := range line.Units {
			staff, err := s.store.UnitStaff(ctx, unit)
			if err != nil {
				return sotepe.User{}, "", err
			}
			for _, x := range staff {
				if x.ID == id && isStaff(x) && !x.Disabled {
					return x, unit, nil
				}
			}
		}
	}
	return sotepe.User{}, "", sotepe.Invalid("chat.error.colleague", "the colleague does not answer this chat service")
}

// HandOver turns active chat id, which u has, into a contact request of
// the chat's unit and its line's service on channel "chat": the resident's,
// in their language, received at the chat's start so that the
// two-working-day promise runs from it, its first message the transcript
// (screened). The chat then ends as handed over, telling the resident by
// when they get an answer. A retry completes an interrupted hand-over (the
// request's idempotency key is the chat's), and one after completion
// returns the same request.
//
// Errors: access as for Get; EForbidden "chat.error.not_holder" for
// someone else's chat; EConflict "chat.error.not_active" for a chat nobody
// has taken, "chat.error.ended" for one that ended otherwise; and those of
// ContactService.HandOverChat (EInvalid "error.received_old" a day after
// the chat's start).
func (s *Service) HandOver(ctx context.Context, u sotepe.User, id int64) (sotepe.ContactRequest, error) {
	c, err := s.readStaff(ctx, u, id)
	if err != nil {
		return sotepe.ContactRequest{}, err
	}
	switch {
	case c.Status == sotepe.ChatHandedOver && c.ContactRequestID != 0:
		if c.ProfessionalID != u.ID {
			return sotepe.ContactRequest{}, notHolder()
		}
		return s.contact.Get(ctx, u, c.ContactRequestID)
	case c.Status == sotepe.ChatWaiting:
		return sotepe.ContactRequest{}, sotepe.Errorf(sotepe.EConflict, "chat.error.not_active", "nobody has taken the chat")
	case !c.Status.Open():
		return sotepe.ContactRequest{}, ended()
	case c.ProfessionalID != u.ID:
		return sotepe.ContactRequest{}, notHolder()
	}
	line, ok, err := s.line(ctx, c.Line)
	if err != nil {
		return sotepe.ContactRequest{}, err
	}
	if !ok {
		return sotepe.ContactRequest{}, sotepe.Invalid("chat.error.line", "unknown chat service")
	}
	body, err := s.transcript(ctx, c, line)
	if err != nil {
		return sotepe.ContactRequest{}, err
	}
	req, _, err := s.contact.HandOverChat(ctx, u, sotepe.NewContactRequest{
		ServiceID: line.ServiceID, UnitID: c.UnitID, ResidentID: c.ResidentID,
		Body: body, Lang: c.Lang, ReceivedAt: c.StartedAt,
		IdempotencyKey: fmt.Sprintf("chat-%d", id),
	})
	if err != nil {
		return sotepe.ContactRequest{}, err
	}
	now := s.now()
	e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: KeyHandedOver, Arg: req.DueAt.In(s.loc).Format("02.01.2006"), AuthorID: u.ID, At: now}
	if _, err := s.store.EndChat(ctx, id, sotepe.ChatHandedOver, req.ID, now, e); err != nil {
		if sotepe.ErrorCode(err) != sotepe.EConflict {
			return sotepe.ContactRequest{}, err
		}
		// Ended meanwhile: by this very hand-over, retried at once, all
		// is well; otherwise the request stands and the chat tells how
		// it ended.
		again, rerr := s.readStaff(ctx, u, id)
		if rerr != nil {
			return sotepe.ContactRequest{}, rerr
		}
		if again.Status != sotepe.ChatHandedOver || again.ContactRequestID != req.ID {
			return sotepe.ContactRequest{}, ended()
		}
	}
	s.status.invalidate()
	s.changed(id)
	return req, nil
}

// Close ends open chat id: the professional who has it, or the resident
// (their own, also while it waits). Errors: access as for Get; EForbidden
// "chat.error.not_holder" for staff who do not have it; EConflict
// "chat.error.ended" for an ended chat.
func (s *Service) Close(ctx context.Context, u sotepe.User, id int64) (sotepe.Chat, error) {
	c, sd, err := s.read(ctx, u, id)
	if err != nil {
		return sotepe.Chat{}, err
	}
	if err := mayWrite(u, sd, c); err != nil {
		return sotepe.Chat{}, err
	}
	now := s.now()
	e := sotepe.ChatEvent{Kind: sotepe.ChatSystem, Key: KeyClosed, AuthorID: u.ID, At: now}
	out, err := s.store.EndChat(ctx, id, sotepe.ChatClosed, 0, now, e)
	if err != nil {
		return sotepe.Chat{}, conflictAs(err, "chat.error.ended", "the chat has ended")
	}
	s.status.invalidate()
	s.changed(id)
	return out, nil
}
