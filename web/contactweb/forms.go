package contactweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// The two ways into the queue for people who do not use the portal: a
// professional records a request made by phone, and anyone may use the city
// website's form without signing in.

// phoneView is the professional's form for a phone request.
type phoneView struct {
	Services []sotepe.Service
	Units    []string
	Values   map[string]string
	Error    *kit.FormError
	Now      string
}

// phoneFields are the phone form's inputs, for errors at their fields.
var phoneFields = []string{"personal_id", "service", "unit", "received_at", "message"}

func (h *Handlers) phoneForm(r *http.Request, values map[string]string, problem *kit.FormError) (phoneView, error) {
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return phoneView{}, err
	}
	v := phoneView{Values: values, Error: problem, Now: h.site.Now().In(h.cfg.Location).Format("2006-01-02T15:04")}
	for _, svc := range n.Services {
		if svc.TakesContactRequests {
			v.Services = append(v.Services, svc)
		}
	}
	if u := kit.Info(r).User; u != nil {
		v.Units = u.Units
	}
	return v, nil
}

// PhonePage shows the form: GET /queue/phone.
func (h *Handlers) PhonePage(w http.ResponseWriter, r *http.Request, _ sotepe.User) error {
	v, err := h.phoneForm(r, map[string]string{}, nil)
	return kit.ShowPage(h.site, w, r, "phone", "phone.title", v, err)
}

// PhoneSubmit finds the resident by personal identity code (an audited read
// on the basis of the phone request) and records the request on their
// behalf: POST /queue/phone.
func (h *Handlers) PhoneSubmit(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	values := kit.FormValues(r, "personal_id", "service", "unit", "received_at", "message")
	id, err := h.recordPhoneRequest(r, u, values)
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.ENotFound {
		v, verr := h.phoneForm(r, values, kit.FormErrorIn(h.site, in.Lang, err, phoneFields...))
		if verr != nil {
			return verr
		}
		h.site.Page(w, r, sotepe.HTTPStatus(code), "phone", h.site.T(in.Lang, "phone.title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/queue/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (h *Handlers) recordPhoneRequest(r *http.Request, u sotepe.User, values map[string]string) (int64, error) {
	if _, err := sotepe.ParsePersonalID(values["personal_id"]); err != nil {
		return 0, err
	}
	received := h.site.Now()
	if values["received_at"] != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", values["received_at"], h.cfg.Location)
		if err != nil {
			return 0, sotepe.InvalidField("received_at", "error.received", "the time of receipt is not a date and time")
		}
		received = t
	}
	res, err := h.cfg.Residents.Find(r.Context(), u, values["personal_id"], sotepe.BasisPhoneRequest)
	if err != nil {
		return 0, kit.AtField(err, "personal_id")
	}
	c, _, err := h.cfg.Contacts.Submit(r.Context(), &u, sotepe.NewContactRequest{
		ServiceID: values["service"], UnitID: values["unit"], Body: values["message"], Channel: sotepe.ChannelPhone,
		ResidentID: res.ID, Lang: res.Lang, ReceivedAt: received, IdempotencyKey: r.PostForm.Get("key"),
	})
	return c.ID, err
}

// websiteView is the public contact form and its receipt.
type websiteView struct {
	Services []sotepe.Service
	Values   map[string]string
	Error    *kit.FormError
	Receipt  *RequestView
}

// websiteFields are the public contact form's inputs, for errors at their
// fields.
var websiteFields = []string{"service", "name", "phone", "email", "message"}

func (h *Handlers) websiteForm(r *http.Request, values map[string]string, problem *kit.FormError) (websiteView, error) {
	n, err := vocab.Read(r.Context(), h.cfg.Directory)
	if err != nil {
		return websiteView{}, err
	}
	v := websiteView{Values: values, Error: problem}
	for _, svc := range n.Services {
		if svc.TakesContactRequests {
			v.Services = append(v.Services, svc)
		}
	}
	return v, nil
}

// WebsiteFormPage is the city website's contact form, open to everyone:
// GET /contact.
func (h *Handlers) WebsiteFormPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.websiteForm(r, map[string]string{}, nil)
	return kit.ShowPage(h.site, w, r, "contact_form", "website.title", v, err)
}

// WebsiteFormSubmit takes the public form, limited per address, and shows a
// receipt with the promised answer time: POST /contact.
func (h *Handlers) WebsiteFormSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	values := kit.FormValues(r, "service", "name", "phone", "email", "message")
	// A stray space around an address typed or pasted into the form is not an error.
	values["email"] = strings.TrimSpace(values["email"])
	// Only accepted submissions count against the limit: a refused one
	// gives its use back below.
	if wait := h.formLimit.Take(kit.ClientAddr(r)); wait > 0 {
		return kit.TooMany("error.too_many", "website form limit", wait)
	}
	c, _, err := h.cfg.Contacts.Submit(r.Context(), in.User, sotepe.NewContactRequest{
		ServiceID: values["service"], Body: values["message"], Channel: sotepe.ChannelWebsite, Lang: in.Lang,
		Contact: &sotepe.ContactDetails{Name: values["name"], Phone: values["phone"], Email: values["email"]}, IdempotencyKey: r.PostForm.Get("key"),
	})
	status := http.StatusOK
	v, verr := h.websiteForm(r, values, nil)
	if verr != nil {
		return verr
	}
	switch code := sotepe.ErrorCode(err); code {
	case "":
		receipt := h.View(c)
		v.Receipt = &receipt
		v.Values = map[string]string{}
	case sotepe.EInvalid:
		h.formLimit.Give(kit.ClientAddr(r))
		status, v.Error = http.StatusBadRequest, kit.FormErrorIn(h.site, in.Lang, err, websiteFields...)
	default:
		return err
	}
	h.site.Page(w, r, status, "contact_form", h.site.T(in.Lang, "website.title", nil), v)
	return nil
}
