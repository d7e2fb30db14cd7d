package chatweb

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"sotepe"
	"sotepe/web/kit"
)

// The JSON API of chats with professionals: the chat services (lines) and
// whether they are open, a resident's chats, the professional's queue and
// the professional's actions. Every decision about a chat is the chat
// service's; these handlers decode, call it once and encode. The live
// stream is in stream.go, the pages in pages.go, the figures in figures.go.

// chatView is a chat as the API shows it: times in the city's time zone
// and, while it waits, the estimate in whole seconds.
type chatView struct {
	sotepe.Chat
	EstimatedWaitSeconds *int `json:"estimated_wait_seconds,omitempty"`
}

// chatWithEvents is one chat with its events: GET /api/v1/chats/{id}.
type chatWithEvents struct {
	chatView
	Events []sotepe.ChatEvent `json:"events"`
}

func (h *Handlers) viewChat(c sotepe.Chat) chatView {
	loc := h.cfg.Location
	c.StartedAt = c.StartedAt.In(loc)
	if !c.TakenAt.IsZero() {
		c.TakenAt = c.TakenAt.In(loc)
	}
	if !c.EndedAt.IsZero() {
		c.EndedAt = c.EndedAt.In(loc)
	}
	v := chatView{Chat: c}
	if c.Status == sotepe.ChatWaiting {
		secs := int(math.Ceil(c.EstimatedWait.Seconds()))
		v.EstimatedWaitSeconds = &secs
	}
	return v
}

func (h *Handlers) viewChatEvent(e sotepe.ChatEvent) sotepe.ChatEvent {
	e.At = e.At.In(h.cfg.Location)
	return e
}

func (h *Handlers) viewChatEvents(es []sotepe.ChatEvent) []sotepe.ChatEvent {
	out := make([]sotepe.ChatEvent, len(es))
	for i, e := range es {
		out[i] = h.viewChatEvent(e)
	}
	return out
}

// viewChatLine keeps the lists of a line (units, hours) lists in JSON,
// never null.
func viewChatLine(l sotepe.ChatLineStatus) sotepe.ChatLineStatus {
	if l.Units == nil {
		l.Units = []string{}
	}
	if l.Hours.Regular == nil {
		l.Hours.Regular = []sotepe.DayHours{}
	}
	if l.Hours.Exceptions == nil {
		l.Hours.Exceptions = []sotepe.HoursException{}
	}
	return l
}

// Services lists the chat services with whether each is open now and
// how many wait in its queue: GET /api/v1/chat-services, public.
func (h *Handlers) Services(w http.ResponseWriter, r *http.Request) error {
	lines, err := h.cfg.Chats.Lines(r.Context())
	if err != nil {
		return err
	}
	items := make([]sotepe.ChatLineStatus, len(lines))
	for i, l := range lines {
		items[i] = viewChatLine(l)
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// chatStatusParam reads ?status= of the chat list: waiting, active or
// nothing (both); anything else is EInvalid ("chat.error.status").
func chatStatusParam(r *http.Request) ([]sotepe.ChatStatus, error) {
	switch v := sotepe.ChatStatus(r.URL.Query().Get("status")); v {
	case "":
		return []sotepe.ChatStatus{sotepe.ChatWaiting, sotepe.ChatActive}, nil
	case sotepe.ChatWaiting, sotepe.ChatActive:
		return []sotepe.ChatStatus{v}, nil
	}
	return nil, sotepe.Invalid("chat.error.status", "status is waiting or active")
}

// List lists open chats: GET /api/v1/chats?status=waiting|active. A
// resident gets their own; a professional the queue of their lines, oldest
// first, which also counts as them being available to chat.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	statuses, err := chatStatusParam(r)
	if err != nil {
		return err
	}
	chats, err := h.chatsOf(r, u, statuses)
	if err != nil {
		return err
	}
	items := make([]chatView, len(chats))
	for i, c := range chats {
		items[i] = h.viewChat(c)
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// chatsOf returns the open chats with statuses u sees: a resident's own, or
// a professional's queue.
func (h *Handlers) chatsOf(r *http.Request, u sotepe.User, statuses []sotepe.ChatStatus) ([]sotepe.Chat, error) {
	if u.Has(sotepe.RoleResident) {
		mine, err := h.cfg.Chats.Mine(r.Context(), u)
		if err != nil {
			return nil, err
		}
		var out []sotepe.Chat
		for _, c := range mine {
			for _, st := range statuses {
				if c.Status == st {
					out = append(out, c)
				}
			}
		}
		return out, nil
	}
	var out []sotepe.Chat
	for _, st := range statuses {
		chats, err := h.cfg.Chats.Queue(r.Context(), u, st)
		if err != nil {
			return nil, err
		}
		out = append(out, chats...)
	}
	return out, nil
}

// chatStartBody is the JSON of POST /api/v1/chats.
type chatStartBody struct {
	Service string `json:"service"`
	Message string `json:"message"`
}

// Create opens a chat for the signed-in resident: POST /api/v1/chats.
// A new chat answers 201; a resident who already has an open chat on the
// line gets it with 200. A closed line answers 409 with where to leave a
// contact request instead (chatClosedBody).
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var b chatStartBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	c, created, err := h.cfg.Chats.Start(r.Context(), u, b.Service, b.Message)
	if isChatClosed(err) {
		return h.chatClosed(w, r, b.Service, err)
	} else if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/chats/"+strconv.FormatInt(c.ID, 10))
	kit.WriteJSON(w, status, h.viewChat(c))
	return nil
}

// isChatClosed reports whether err says that a chat line is closed.
func isChatClosed(err error) bool {
	return sotepe.ErrorCode(err) == sotepe.EConflict && sotepe.ErrorKey(err) == "chat.error.closed"
}

// chatClosedBody is the 409 of a closed line: the error, why the line is
// closed, and the contact request a client offers instead, under the
// promise of an answer within two working days.
type chatClosedBody struct {
	Error chatClosedError `json:"error"`
}

type chatClosedError struct {
	kit.ErrorBody
	ClosedReason   string          `json:"closed_reason,omitempty"`
	ContactRequest *chatContactAlt `json:"contact_request,omitempty"`
}

// chatContactAlt is where to leave a contact request instead of chatting:
// the service for POST /api/v1/contact-requests, and the page of its form.
type chatContactAlt struct {
	Service string `json:"service"`
	Form    string `json:"form"`
	API     string `json:"api"`
	// PromiseWorkingDays is the answer promise: two working days.
	PromiseWorkingDays int `json:"promise_working_days"`
}

// chatContactFor returns where to leave a contact request instead of a
// chat on line l.
func chatContactFor(l sotepe.ChatLine) *chatContactAlt {
	return &chatContactAlt{Service: l.ServiceID, Form: "/requests/new?service=" + url.QueryEscape(l.ServiceID),
		API: "/api/v1/contact-requests", PromiseWorkingDays: sotepe.PromiseWorkingDays}
}

// chatClosed answers a start on a closed line with 409 and the contact
// request to offer instead.
func (h *Handlers) chatClosed(w http.ResponseWriter, r *http.Request, line string, cause error) error {
	lines, err := h.cfg.Chats.Lines(r.Context())
	if err != nil {
		return err
	}
	body := chatClosedBody{Error: chatClosedError{ErrorBody: kit.ErrorBody{Code: sotepe.EConflict, Message: h.site.ErrText(kit.Info(r).Lang, cause)}}}
	for _, l := range lines {
		if l.ID == line {
			body.Error.ClosedReason = l.Closed
			body.Error.ContactRequest = chatContactFor(l.ChatLine)
		}
	}
	kit.WriteJSON(w, http.StatusConflict, body)
	return nil
}

// Get returns one chat with its events: GET /api/v1/chats/{id}. A
// resident's read counts as them being there; a staff read is audited.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	c, err := h.cfg.Chats.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	events, err := h.cfg.Chats.Events(r.Context(), u, id, 0)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, chatWithEvents{chatView: h.viewChat(c), Events: h.viewChatEvents(events)})
	return nil
}

// Send adds a message: POST /api/v1/chats/{id}/messages. The answer,
// 201 with the event, comes once the message is durable.
func (h *Handlers) Send(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Message string `json:"message"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	e, err := h.cfg.Chats.Send(r.Context(), u, id, b.Message)
	return kit.WriteResult(w, http.StatusCreated, h.viewChatEvent(e), err)
}

// Typing tells the other side that the user is typing: POST
// /api/v1/chats/{id}/typing.
func (h *Handlers) Typing(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return kit.NoContent(w, h.cfg.Chats.Typing(r.Context(), u, id))
}

// Take gives a waiting chat to the professional: POST
// /api/v1/chats/{id}/take. Of two who take the same chat one wins; the
// other gets 409.
func (h *Handlers) Take(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	c, err := h.cfg.Chats.Take(r.Context(), u, id)
	return kit.WriteResult(w, http.StatusOK, h.viewChat(c), err)
}

// chatTransferBody is the JSON of POST /api/v1/chats/{id}/transfer: a chat
// service's id, or a colleague's user id, exactly one.
type chatTransferBody struct {
	To     string `json:"to"`
	ToUser int64  `json:"to_user"`
}

// transfer checks that b names exactly one target (EInvalid
// "chat.error.transfer" otherwise).
func (b chatTransferBody) transfer() (sotepe.ChatTransfer, error) {
	if (b.To == "") == (b.ToUser == 0) {
		return sotepe.ChatTransfer{}, sotepe.Invalid("chat.error.transfer", "give either to (a chat service) or to_user (a colleague)")
	}
	return sotepe.ChatTransfer{Line: b.To, UserID: b.ToUser}, nil
}

// Transfer passes a chat to another line's queue or to a colleague:
// POST /api/v1/chats/{id}/transfer.
func (h *Handlers) Transfer(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b chatTransferBody
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	to, err := b.transfer()
	if err != nil {
		return err
	}
	c, err := h.cfg.Chats.Transfer(r.Context(), u, id, to)
	return kit.WriteResult(w, http.StatusOK, h.viewChat(c), err)
}

// chatHandOverContact is the one kind of hand-over the API takes.
const chatHandOverContact = "contact_request"

// HandOver turns a chat into a contact request with the transcript in
// its thread: POST /api/v1/chats/{id}/handover {"kind":"contact_request"};
// 201 with the request and its due time.
func (h *Handlers) HandOver(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var b struct {
		Kind string `json:"kind"`
	}
	if err := kit.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Kind != chatHandOverContact {
		return sotepe.Invalid("chat.error.handover_kind", "kind is contact_request")
	}
	req, err := h.cfg.Chats.HandOver(r.Context(), u, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contact-requests/"+strconv.FormatInt(req.ID, 10))
	kit.WriteJSON(w, http.StatusCreated, h.cfg.ContactView(req))
	return nil
}

// Close ends a chat: POST /api/v1/chats/{id}/close, by a professional
// or by the resident whose chat it is.
func (h *Handlers) Close(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	c, err := h.cfg.Chats.Close(r.Context(), u, id)
	return kit.WriteResult(w, http.StatusOK, h.viewChat(c), err)
}
