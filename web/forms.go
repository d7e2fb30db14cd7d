package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/kit"
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

func (s *Server) phoneForm(r *http.Request, values map[string]string, problem *kit.FormError) (phoneView, error) {
	n, err := s.network(r.Context())
	if err != nil {
		return phoneView{}, err
	}
	v := phoneView{Values: values, Error: problem, Now: s.now().In(s.cfg.Location).Format("2006-01-02T15:04")}
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

// phonePage shows the form: GET /queue/phone.
func (s *Server) phonePage(w http.ResponseWriter, r *http.Request, _ sotepe.User) error {
	v, err := s.phoneForm(r, map[string]string{}, nil)
	return s.showPage(w, r, "phone", "phone.title", v, err)
}

// phoneSubmit finds the resident by personal identity code (an audited read
// on the basis of the phone request) and records the request on their
// behalf: POST /queue/phone.
func (s *Server) phoneSubmit(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	values := kit.FormValues(r, "personal_id", "service", "unit", "received_at", "message")
	id, err := s.recordPhoneRequest(r, u, values)
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.ENotFound {
		v, verr := s.phoneForm(r, values, s.formErr(in.Lang, err, phoneFields...))
		if verr != nil {
			return verr
		}
		s.html(w, r, sotepe.HTTPStatus(code), "phone", pageData{Title: s.cat.T(in.Lang, "phone.title", nil), Data: v})
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/queue/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) recordPhoneRequest(r *http.Request, u sotepe.User, values map[string]string) (int64, error) {
	if _, err := sotepe.ParsePersonalID(values["personal_id"]); err != nil {
		return 0, err
	}
	received := s.now()
	if values["received_at"] != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", values["received_at"], s.cfg.Location)
		if err != nil {
			return 0, sotepe.InvalidField("received_at", "error.received", "the time of receipt is not a date and time")
		}
		received = t
	}
	res, err := s.cfg.Residents.Find(r.Context(), u, values["personal_id"], sotepe.BasisPhoneRequest)
	if err != nil {
		return 0, kit.AtField(err, "personal_id")
	}
	c, _, err := s.cfg.Contacts.Submit(r.Context(), &u, sotepe.NewContactRequest{
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
	Receipt  *contactView
}

// websiteFields are the public contact form's inputs, for errors at their
// fields.
var websiteFields = []string{"service", "name", "phone", "email", "message"}

func (s *Server) websiteForm(r *http.Request, values map[string]string, problem *kit.FormError) (websiteView, error) {
	n, err := s.network(r.Context())
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

// contactFormPage is the city website's contact form, open to everyone:
// GET /contact.
func (s *Server) contactFormPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.websiteForm(r, map[string]string{}, nil)
	return s.showPage(w, r, "contact_form", "website.title", v, err)
}

// contactFormSubmit takes the public form, limited per address, and shows a
// receipt with the promised answer time: POST /contact.
func (s *Server) contactFormSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	in := kit.Info(r)
	values := kit.FormValues(r, "service", "name", "phone", "email", "message")
	// A stray space around an address typed or pasted into the form is not an error.
	values["email"] = strings.TrimSpace(values["email"])
	// Only accepted submissions count against the limit: a refused one
	// gives its use back below.
	if wait := s.formLimit.Take(kit.ClientAddr(r)); wait > 0 {
		return kit.TooMany("error.too_many", "website form limit", wait)
	}
	c, _, err := s.cfg.Contacts.Submit(r.Context(), in.User, sotepe.NewContactRequest{
		ServiceID: values["service"], Body: values["message"], Channel: sotepe.ChannelWebsite, Lang: in.Lang,
		Contact: &sotepe.ContactDetails{Name: values["name"], Phone: values["phone"], Email: values["email"]}, IdempotencyKey: r.PostForm.Get("key"),
	})
	status := http.StatusOK
	v, verr := s.websiteForm(r, values, nil)
	if verr != nil {
		return verr
	}
	switch code := sotepe.ErrorCode(err); code {
	case "":
		receipt := s.viewContact(c)
		v.Receipt = &receipt
		v.Values = map[string]string{}
	case sotepe.EInvalid:
		s.formLimit.Give(kit.ClientAddr(r))
		status, v.Error = http.StatusBadRequest, s.formErr(in.Lang, err, websiteFields...)
	default:
		return err
	}
	s.html(w, r, status, "contact_form", pageData{Title: s.cat.T(in.Lang, "website.title", nil), Data: v})
	return nil
}
