package contactweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/screen"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// The HTML pages of contact requests: the resident's own requests under
// /requests and the professional's queue under /queue. They call the same
// contact service as the JSON API.

// requestsView is the resident's list of their own requests.
type requestsView struct {
	Items   []RequestView
	Net     vocab.Network
	NextURL string // the next page, "" on the last
}

// requestsPageSize is how many requests one page of /requests lists.
const requestsPageSize = 50

// RequestsPage lists the resident's own requests, newest first, a page at a
// time: GET /requests, and ?cursor= for the next page as in the API. A
// malformed cursor is EInvalid.
func (h *Handlers) RequestsPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	f := sotepe.ContactFilter{Page: sotepe.PageRequest{Limit: requestsPageSize, Cursor: r.URL.Query().Get("cursor")}}
	page, err := h.cfg.Contacts.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	v := requestsView{}
	for _, c := range page.Items {
		v.Items = append(v.Items, h.View(c))
	}
	v.NextURL = kit.NextURL(r, page.NextCursor)
	if v.Net, err = vocab.Read(r.Context(), h.cfg.Directory); err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "requests", h.site.T(kit.Info(r).Lang, "requests.title", nil), v)
	return nil
}

// newRequestView is the form for a new request.
type newRequestView struct {
	Services []sotepe.Service
	Service  string
	Units    []sotepe.Unit
	Unit     string
	Message  string
	Error    *kit.FormError
}

// NewRequestPage shows the form: first the service, then (once chosen) the
// units that offer it, so that it works without JavaScript.
func (h *Handlers) NewRequestPage(w http.ResponseWriter, r *http.Request, _ sotepe.User) error {
	v, err := h.newRequestView(r, r.URL.Query().Get("service"))
	return kit.ShowPage(h.site, w, r, "request_new", "requests.new_title", v, err)
}

func (h *Handlers) newRequestView(r *http.Request, service string) (newRequestView, error) {
	v := newRequestView{Service: service}
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return v, err
	}
	for _, svc := range n.Services {
		if svc.TakesContactRequests {
			v.Services = append(v.Services, svc)
		}
	}
	if service != "" {
		page, err := h.cfg.Directory.Units(r.Context(), sotepe.UnitFilter{Service: service, SortLang: kit.Info(r).Lang, Page: sotepe.PageRequest{Limit: sotepe.MaxPageLimit}})
		if err != nil && sotepe.ErrorCode(err) != sotepe.EInvalid {
			return v, err
		}
		v.Units = page.Items
	}
	return v, nil
}

// NewRequestForm submits the form and shows the request; a mistake shows
// the form again with what was written and why it was refused.
func (h *Handlers) NewRequestForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	n := sotepe.NewContactRequest{ServiceID: r.PostForm.Get("service"), UnitID: r.PostForm.Get("unit"),
		Body: r.PostForm.Get("message"), Channel: sotepe.ChannelPortal, Lang: in.Lang, IdempotencyKey: r.PostForm.Get("key")}
	c, _, err := h.cfg.Contacts.Submit(r.Context(), &u, n)
	if sotepe.ErrorCode(err) == sotepe.EInvalid {
		v, verr := h.newRequestView(r, n.ServiceID)
		if verr != nil {
			return verr
		}
		v.Unit, v.Message, v.Error = n.UnitID, n.Body, kit.FormErrorIn(h.site, in.Lang, err, "service", "unit", "message")
		h.site.Page(w, r, http.StatusBadRequest, "request_new", h.site.T(in.Lang, "requests.new_title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// requestView is one request's page, for the resident or for staff.
type requestView struct {
	C           RequestView
	Unit        sotepe.Unit
	Resident    *sotepe.Resident // staff only: who wrote, read with an audit row
	Net         vocab.Network
	Staff       bool
	Resolutions []sotepe.Resolution
	Error       string
	// Staff only: the colleagues of the request's unit it may be assigned
	// to, the one it is assigned to (nil when nobody is or they left the
	// unit), and the user looking.
	Colleagues []sotepe.User
	Assignee   *sotepe.User
	Me         int64
}

// RequestPage shows one of the resident's requests with its thread and the
// promised answer time: GET /requests/{id}.
func (h *Handlers) RequestPage(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showRequest(w, r, u, id, "request", "")
}

// QueueItemPage shows a request of the professional's units: GET /queue/{id}.
func (h *Handlers) QueueItemPage(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showRequest(w, r, u, id, "queue_item", "")
}

func (h *Handlers) showRequest(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, page, problem string) error {
	c, err := h.cfg.Contacts.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	v := requestView{C: h.View(c), Staff: u.IsStaff(), Resolutions: sotepe.Resolutions, Error: problem}
	if v.Net, err = vocab.Read(r.Context(), h.cfg.Directory); err != nil {
		return err
	}
	if v.Unit, err = h.cfg.Directory.Unit(r.Context(), c.UnitID); err != nil {
		return err
	}
	if v.Staff {
		v.Me = u.ID
		if v.Colleagues, err = h.cfg.Residents.Colleagues(r.Context(), u, c.UnitID); err != nil {
			return err
		}
		for i := range v.Colleagues {
			if v.Colleagues[i].ID == c.AssignedTo {
				v.Assignee = &v.Colleagues[i]
			}
		}
	}
	if v.Staff && c.ResidentID != 0 {
		res, err := h.cfg.Residents.Read(r.Context(), u, c.ResidentID, sotepe.BasisClientRequest)
		if err != nil {
			return err
		}
		v.Resident = &res
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusBadRequest
	}
	h.site.Page(w, r, status, page, h.site.T(kit.Info(r).Lang, "requests.one_title", nil), v)
	return nil
}

// ReplyForm adds a message from either page and returns to it.
func (h *Handlers) ReplyForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	page, back := "request", "/requests/"
	if u.IsStaff() {
		page, back = "queue_item", "/queue/"
	}
	kind := r.PostForm.Get("kind")
	_, err = h.cfg.Contacts.Reply(r.Context(), u, id, sotepe.Reply{Body: r.PostForm.Get("message"), Internal: kind == "internal", Ask: kind == "ask"})
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		return h.showRequest(w, r, u, id, page, h.site.ErrText(kit.Info(r).Lang, err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, back+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// queueView is a professional's queue page.
type queueView struct {
	Items   []queueRow
	Net     vocab.Network
	Filter  url.Values
	NextURL string
	Now     time.Time
}

// queueRow is one request of the queue page with its subject line.
type queueRow struct {
	RequestView
	Subject string
}

// subjectWords and subjectRunes bound a queue row's subject line.
const (
	subjectWords = 10
	subjectRunes = 70
)

// subjectLine returns the start of a request's first message for its queue
// row: screened of identity codes, phone numbers and e-mail addresses, on
// one line, at most subjectWords words or subjectRunes characters, with an
// ellipsis when cut.
func subjectLine(text string) string {
	text, _ = screen.Text(text)
	words := strings.Fields(text)
	cut := len(words) > subjectWords
	if cut {
		words = words[:subjectWords]
	}
	line := strings.Join(words, " ")
	if r := []rune(line); len(r) > subjectRunes {
		line, cut = string(r[:subjectRunes]), true
		if i := strings.LastIndexByte(line, ' '); i > subjectRunes/2 {
			line = line[:i]
		}
	}
	if cut {
		line = strings.TrimRight(line, " ,.;:-") + "…"
	}
	return line
}

// QueuePage is the professional's queue of their units, ordered by due time,
// with filters: GET /queue?status=&service=&channel=&breached=.
func (h *Handlers) QueuePage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	q := r.URL.Query()
	if !q.Has("status") {
		q.Set("status", "open")
		r.URL.RawQuery = q.Encode()
	}
	f, err := contactFilter(r, u)
	if err != nil {
		return err
	}
	page, err := h.cfg.Contacts.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	v := queueView{Filter: q, Now: h.site.Now()}
	for _, c := range page.Items {
		v.Items = append(v.Items, queueRow{RequestView: h.View(c), Subject: subjectLine(c.Subject)})
	}
	v.NextURL = kit.NextURL(r, page.NextCursor)
	if v.Net, err = vocab.Read(r.Context(), h.cfg.Directory); err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "queue", h.site.T(kit.Info(r).Lang, "queue.title", nil), v)
	return nil
}

// QueueActionForm assigns a request to oneself or a colleague of its unit
// (the form's "to", a user id; oneself when empty) or closes it, from the
// request's page.
func (h *Handlers) QueueActionForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var err error
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	switch r.PathValue("action") {
	case "assign":
		to := u.ID
		if v := r.PostForm.Get("to"); v != "" {
			if to, err = strconv.ParseInt(v, 10, 64); err != nil {
				err = sotepe.Invalid("error.assignee", "to is a user id")
				break
			}
		}
		err = h.cfg.Contacts.Assign(r.Context(), u, id, to)
	case "close":
		err = h.cfg.Contacts.Close(r.Context(), u, id, sotepe.Resolution(r.PostForm.Get("resolution")))
	default:
		return sotepe.NotFound("action")
	}
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		return h.showRequest(w, r, u, id, "queue_item", h.site.ErrText(kit.Info(r).Lang, err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/queue/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// TicketForm gives the resident of a contact request an appointment
// ticket: POST /queue/{id}/ticket with service. The request must be one
// the professional may handle; a refusal shows the request with the
// reason.
func (h *Handlers) TicketForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	c, err := h.cfg.Contacts.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	if c.ResidentID == 0 {
		return h.showRequest(w, r, u, id, "queue_item", h.site.T(kit.Info(r).Lang, "error.resident_required", nil))
	}
	_, err = h.cfg.Appointments.IssueTicket(r.Context(), u, sotepe.Ticket{ResidentID: c.ResidentID, ServiceID: r.PostForm.Get("service"), ContactRequestID: id})
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid {
		return h.showRequest(w, r, u, id, "queue_item", h.site.ErrText(kit.Info(r).Lang, err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/queue/"+strconv.FormatInt(id, 10)+"?ticket=issued", http.StatusSeeOther)
	return nil
}
