package chatweb

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// The HTML pages of chats. They work without JavaScript: forms post and
// redirect back, and an open chat's page refreshes itself every ten
// seconds (<noscript> meta refresh). static/chat.js makes them live: the
// stream of stream.go, sending with fetch, "… is typing".
//
//	/chat                      the chat services, open or closed (then the contact-request form instead); the resident's open chats
//	/chat/{id}                 the resident's chat: queue place, transcript, send, close; after a hand-over the request and its due time
//	/staff/chats               the professional's queue: waiting chats oldest first, active chats
//	/staff/chats/{id}          one chat for the professional: screened transcript, take, send, transfer, hand over, close

// chatLineItem is one chat service on the page, with the contact-request
// form a closed one offers instead.
type chatLineItem struct {
	sotepe.ChatLineStatus
	ContactForm string
}

// ClosedKey is the catalog key telling why the line is closed.
func (l chatLineItem) ClosedKey() string {
	if l.Closed == sotepe.ChatClosedUnstaffed {
		return "chat.closed_unstaffed"
	}
	return "chat.closed_hours"
}

// chatLinesView is the page of chat services.
type chatLinesView struct {
	Lines []chatLineItem
	// Mine are the resident's open chats, to return to.
	Mine []sotepe.Chat
	// Resident is set when the user may start a chat.
	Resident bool
	// Error, Line and Message come back after a start that was refused.
	Error   *kit.FormError
	Line    string
	Message string
}

// LineName names line id in the page's language (the id itself when the
// line is gone).
func (v chatLinesView) LineName(id string, lang sotepe.Lang) string {
	for _, l := range v.Lines {
		if l.ID == id {
			return l.Names.In(lang)
		}
	}
	return id
}

// LinesPage shows the chat services, open or closed: GET /chat, for
// anyone; a resident also sees their open chats and starts one here.
func (h *Handlers) LinesPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.chatLines(r)
	return kit.ShowPage(h.site, w, r, "chat", "chat.title", v, err)
}

func (h *Handlers) chatLines(r *http.Request) (chatLinesView, error) {
	var v chatLinesView
	lines, err := h.cfg.Chats.Lines(r.Context())
	if err != nil {
		return v, err
	}
	for _, l := range lines {
		v.Lines = append(v.Lines, chatLineItem{ChatLineStatus: l, ContactForm: "/requests/new?service=" + url.QueryEscape(l.ServiceID)})
	}
	if u := kit.Info(r).User; u != nil && u.Has(sotepe.RoleResident) {
		v.Resident = true
		if v.Mine, err = h.cfg.Chats.Mine(r.Context(), *u); err != nil {
			return v, err
		}
	}
	return v, nil
}

// StartForm starts a chat from the page and goes to it: POST /chat
// with service (the chat service) and message. A closed line or a message
// refused shows the page again, with why and with what was written.
func (h *Handlers) StartForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	line, message := r.PostForm.Get("service"), r.PostForm.Get("message")
	c, _, err := h.cfg.Chats.Start(r.Context(), u, line, message)
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		v, verr := h.chatLines(r)
		if verr != nil {
			return verr
		}
		var fields []string
		for _, l := range v.Lines {
			if l.ID == line && l.Open && v.Resident {
				fields = append(fields, "message=message-"+line) // the refused line's own message box
			}
		}
		v.Error, v.Line, v.Message = h.formErr(r, err, fields...), line, message
		h.site.Page(w, r, sotepe.HTTPStatus(code), "chat", h.site.T(kit.Info(r).Lang, "chat.title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/chat/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// chatLogItem is one event of a transcript as the page shows it, labelled
// for the viewer.
type chatLogItem struct {
	Seq   int64
	Class string // resident, staff or system
	Who   string
	At    time.Time
	Text  string
}

// chatRoomView is one chat's page, for the resident or for staff.
type chatRoomView struct {
	C      chatView
	Line   sotepe.ChatLineStatus
	Log    []chatLogItem
	Last   int64
	Staff  bool
	Error  *kit.FormError
	Minute int // the estimate, in whole minutes, while waiting
	// Request is the contact request a hand-over made, with its due time.
	Request any
	// Staff only: where the chat may be transferred, the viewer and
	// whether the chat is theirs, and how long it has waited.
	Lines      []sotepe.ChatLineStatus
	Colleagues []sotepe.User
	Me         int64
	Waited     int
	// Refresh reloads the page while the chat waits, for people
	// without JavaScript.
	Refresh kit.AutoRefresh
}

// Open reports whether the chat still goes on.
func (v chatRoomView) Open() bool { return v.C.Status.Open() }

// Waiting reports whether the chat waits in the queue.
func (v chatRoomView) Waiting() bool { return v.C.Status == sotepe.ChatWaiting }

// Active reports whether a professional has taken the chat.
func (v chatRoomView) Active() bool { return v.C.Status == sotepe.ChatActive }

// chatRoom reads chat id with its events for u and labels them for the
// page; problem is a refusal to show above the forms.
func (h *Handlers) chatRoom(r *http.Request, u sotepe.User, id int64, problem *kit.FormError) (chatRoomView, error) {
	ctx, lang := r.Context(), kit.Info(r).Lang
	c, err := h.cfg.Chats.Get(ctx, u, id)
	if err != nil {
		return chatRoomView{}, err
	}
	events, err := h.cfg.Chats.Events(ctx, u, id, 0)
	if err != nil {
		return chatRoomView{}, err
	}
	lines, err := h.cfg.Chats.Lines(ctx)
	if err != nil {
		return chatRoomView{}, err
	}
	v := chatRoomView{C: h.viewChat(c), Staff: u.IsStaff(), Error: problem, Me: u.ID, Last: c.LastEvent}
	for _, l := range lines {
		if l.ID == c.Line {
			v.Line = l
		}
	}
	if v.Line.ID == "" {
		v.Line.ID, v.Line.Names = c.Line, sotepe.Names{Fi: c.Line, Sv: c.Line, En: c.Line}
	}
	for _, e := range events {
		v.Log = append(v.Log, h.chatLogItem(lang, u, c, e))
		v.Last = max(v.Last, e.Seq)
	}
	if c.Status == sotepe.ChatWaiting {
		v.Refresh = kit.NewAutoRefresh(h.site, r, lang, 10)
		v.Minute = int((c.EstimatedWait + time.Minute - 1) / time.Minute)
		v.Waited = int(h.site.Now().Sub(c.StartedAt) / time.Minute)
	}
	if c.ContactRequestID != 0 {
		req, err := h.cfg.Contacts.Get(ctx, u, c.ContactRequestID)
		if err == nil {
			v.Request = h.cfg.ContactView(req)
		} else if sotepe.ErrorCode(err) != sotepe.ENotFound {
			return v, err
		}
	}
	if v.Staff && c.Status.Open() {
		v.Lines = slices.DeleteFunc(lines, func(l sotepe.ChatLineStatus) bool { return l.ID == c.Line })
		if v.Colleagues, err = h.chatColleagues(r, u, c, v.Line.Units); err != nil {
			return v, err
		}
	}
	return v, nil
}

// chatLogItem labels event e of chat c for viewer u: their own messages
// are "you", the professional's carry their name, the resident's are the
// resident's (their name for staff), and a system event tells its text.
func (h *Handlers) chatLogItem(lang sotepe.Lang, u sotepe.User, c sotepe.Chat, e sotepe.ChatEvent) chatLogItem {
	it := chatLogItem{Seq: e.Seq, At: e.At, Text: e.Body}
	switch {
	case e.Kind == sotepe.ChatSystem:
		it.Class, it.Text = "system", e.Text
	case e.FromStaff:
		it.Class, it.Who = "staff", e.AuthorName
		if u.IsStaff() && e.AuthorName == u.Name {
			it.Who = h.site.T(lang, "chat.you", nil)
		} else if it.Who == "" {
			it.Who = h.site.T(lang, "chat.professional", nil)
		}
	default:
		it.Class, it.Who = "resident", h.site.T(lang, "chat.resident", nil)
		if !u.IsStaff() {
			it.Who = h.site.T(lang, "chat.you", nil)
		} else if c.ResidentName != "" {
			it.Who = c.ResidentName
		}
	}
	return it
}

// chatColleagues lists the professionals a chat may be passed to: the
// colleagues in u's units of the chat's line (the unit that took it, once
// taken), without u.
func (h *Handlers) chatColleagues(r *http.Request, u sotepe.User, c sotepe.Chat, units []string) ([]sotepe.User, error) {
	if c.UnitID != "" {
		units = []string{c.UnitID}
	}
	var out []sotepe.User
	seen := map[int64]bool{u.ID: true}
	for _, unit := range units {
		if !u.MemberOf(unit) {
			continue
		}
		staff, err := h.cfg.Residents.Colleagues(r.Context(), u, unit)
		if err != nil {
			return nil, err
		}
		for _, p := range staff {
			if !seen[p.ID] && p.Has(sotepe.RoleProfessional) {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// RoomPage shows a chat: GET /chat/{id} is the resident's own, GET
// /staff/chats/{id} one of the professional's lines (the chat service
// audits that read).
func (h *Handlers) RoomPage(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showChatRoom(w, r, u, id, http.StatusOK, nil)
}

// showChatRoom renders a chat's page for the resident or for staff with
// status and problem.
func (h *Handlers) showChatRoom(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, status int, problem *kit.FormError) error {
	v, err := h.chatRoom(r, u, id, problem)
	if err != nil {
		return err
	}
	page, title := "chat_room", "chat.room_title"
	if v.Staff {
		page, title = "chat_staff_room", "chat.staff_room_title"
	}
	h.site.Page(w, r, status, page, h.site.T(kit.Info(r).Lang, title, nil), v)
	return nil
}

// chatBack redirects to where a form on a chat's page returns, or shows
// the page again with a refusal the person can act on.
func (h *Handlers) chatBack(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, err error, to string) error {
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		return h.showChatRoom(w, r, u, id, sotepe.HTTPStatus(code), h.formErr(r, err, "message"))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// chatPath is the page of chat id for u.
func chatPath(u sotepe.User, id int64) string {
	if u.IsStaff() {
		return "/staff/chats/" + strconv.FormatInt(id, 10)
	}
	return "/chat/" + strconv.FormatInt(id, 10)
}

// SendForm sends a message from a chat's page and returns to it: POST
// /chat/{id}/messages and /staff/chats/{id}/messages.
func (h *Handlers) SendForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	_, err := h.cfg.Chats.Send(r.Context(), u, id, r.PostForm.Get("message"))
	return h.chatBack(w, r, u, id, err, chatPath(u, id)+kit.KeepRefresh(r))
}

// CloseForm ends a chat from its page: POST /chat/{id}/close and
// /staff/chats/{id}/close.
func (h *Handlers) CloseForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	_, err := h.cfg.Chats.Close(r.Context(), u, id)
	return h.chatBack(w, r, u, id, err, chatPath(u, id)+kit.KeepRefresh(r))
}

// TakeForm takes a waiting chat: POST /staff/chats/{id}/take.
func (h *Handlers) TakeForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	_, err := h.cfg.Chats.Take(r.Context(), u, id)
	return h.chatBack(w, r, u, id, err, chatPath(u, id))
}

// TransferForm passes a chat on: POST /staff/chats/{id}/transfer with
// "to" (a chat service) or "to_user" (a colleague), then back to the
// queue, since the chat may now be out of the professional's reach.
func (h *Handlers) TransferForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	b := chatTransferBody{To: r.PostForm.Get("to")}
	if v := r.PostForm.Get("to_user"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return h.chatBack(w, r, u, id, sotepe.Invalid("chat.error.transfer", "to_user is a user id"), "")
		}
		b.ToUser = n
	}
	to, err := b.transfer()
	if err == nil {
		_, err = h.cfg.Chats.Transfer(r.Context(), u, id, to)
	}
	return h.chatBack(w, r, u, id, err, "/staff/chats")
}

// HandOverForm turns the chat into a contact request and goes to the
// request in the professional's queue: POST /staff/chats/{id}/handover.
func (h *Handlers) HandOverForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	req, err := h.cfg.Chats.HandOver(r.Context(), u, id)
	return h.chatBack(w, r, u, id, err, "/queue/"+strconv.FormatInt(req.ID, 10))
}

// staffChatsView is the professional's chat queue.
type staffChatsView struct {
	Waiting []staffChatItem
	Active  []staffChatItem
	Lines   []sotepe.ChatLineStatus
	Me      int64
	// Refresh reloads the queue for people without JavaScript.
	Refresh kit.AutoRefresh
}

// staffChatItem is one chat in the queue with how long it has waited.
type staffChatItem struct {
	chatView
	Waited int // minutes since it started
}

// LineName names line id in the page's language.
func (v staffChatsView) LineName(id string, lang sotepe.Lang) string {
	for _, l := range v.Lines {
		if l.ID == id {
			return l.Names.In(lang)
		}
	}
	return id
}

// StaffQueuePage is the professional's chat queue: GET /staff/chats,
// waiting chats oldest first and the active ones. Showing it counts as the
// professional being available; the page refreshes itself.
func (h *Handlers) StaffQueuePage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	v := staffChatsView{Me: u.ID, Refresh: kit.NewAutoRefresh(h.site, r, kit.Info(r).Lang, 15)}
	now := h.site.Now()
	for _, st := range []sotepe.ChatStatus{sotepe.ChatWaiting, sotepe.ChatActive} {
		chats, err := h.cfg.Chats.Queue(r.Context(), u, st)
		if err != nil {
			return err
		}
		for _, c := range chats {
			it := staffChatItem{chatView: h.viewChat(c), Waited: int(now.Sub(c.StartedAt) / time.Minute)}
			if st == sotepe.ChatWaiting {
				v.Waiting = append(v.Waiting, it)
			} else {
				v.Active = append(v.Active, it)
			}
		}
	}
	lines, err := h.cfg.Chats.Lines(r.Context())
	if err != nil {
		return err
	}
	v.Lines = lines
	return kit.ShowPage(h.site, w, r, "chat_staff", "chat.staff_title", v, nil)
}
