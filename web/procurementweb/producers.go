package procurementweb

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// Producers' registrations: the contract manager reads the purchased
// producers' business ids (Y-tunnus) and provider-register ids at GET
// /procurement/producers and sets them with its form (POST
// /procurement/producers); the API: GET /api/v1/procurement/registrations
// and PUT /api/v1/procurement/registrations/{producer}.

// producerRow is one purchased producer of the page.
type producerRow struct {
	ID, Name, Kind, BusinessID, RegisterID string
}

// producersView is the producers page.
type producersView struct {
	Producers []producerRow
	Choices   []option
	Values    map[string]string
	Saved     string
	Error     *kit.FormError
}

// producerFields are the form's element ids that errors may name.
var producerFields = []string{"producer=reg-producer", "business_id=reg-business-id", "register_id=reg-register-id"}

// producersView lists the producers other than the city's own with their
// registrations, and the form holding values.
func (h *Handlers) producersView(r *http.Request, u sotepe.User, values map[string]string, problem *kit.FormError) (producersView, error) {
	regs, err := h.cfg.Procurement.Registrations(r.Context(), u)
	if err != nil {
		return producersView{}, err
	}
	ps, err := h.cfg.Directory.Producers(r.Context())
	if err != nil {
		return producersView{}, err
	}
	lang := kit.Info(r).Lang
	v := producersView{Values: values, Error: problem}
	for _, p := range ps {
		if p.Kind == sotepe.ProducerOwn {
			continue
		}
		row := producerRow{ID: p.ID, Name: p.Names.In(lang), Kind: h.site.T(lang, "producer."+string(p.Kind), nil),
			BusinessID: view.Missing, RegisterID: view.Missing}
		for _, reg := range regs {
			if reg.ProducerID == p.ID {
				if reg.BusinessID != "" {
					row.BusinessID = reg.BusinessID
				}
				if reg.RegisterID != "" {
					row.RegisterID = reg.RegisterID
				}
			}
		}
		v.Producers = append(v.Producers, row)
		v.Choices = append(v.Choices, option{Value: p.ID, Label: row.Name, Selected: p.ID == values["producer"]})
	}
	slices.SortFunc(v.Producers, func(a, b producerRow) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(v.Choices, func(a, b option) int { return cmp.Compare(a.Label, b.Label) })
	return v, nil
}

// ProducersPage is GET /procurement/producers; ?saved= names the producer
// whose registration was just stored.
func (h *Handlers) ProducersPage(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	v, err := h.producersView(r, u, map[string]string{"producer": r.URL.Query().Get("producer")}, nil)
	if err != nil {
		return err
	}
	for _, p := range v.Producers {
		if p.ID == r.URL.Query().Get("saved") {
			v.Saved = p.Name
		}
		// The producer chosen from the list: its registration to edit.
		if p.ID == v.Values["producer"] {
			v.Values["business_id"], v.Values["register_id"] = unmissing(p.BusinessID), unmissing(p.RegisterID)
		}
	}
	h.site.Page(w, r, http.StatusOK, "procurement_producers", h.site.T(kit.Info(r).Lang, "procurement.producers.title", nil), v)
	return nil
}

// ProducerForm is POST /procurement/producers: the contract manager sets a
// producer's business id and register id. A problem shows the form again
// with what was typed and the error at its field (400); a stored one
// returns to the list, which says so.
func (h *Handlers) ProducerForm(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	values := trimmedValues(r, "producer", "business_id", "register_id")
	err := h.cfg.Procurement.SaveRegistration(r.Context(), u, sotepe.ProducerRegistration{ProducerID: values["producer"],
		BusinessID: values["business_id"], RegisterID: values["register_id"]})
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		err = sotepe.InvalidField("producer", "procurement.error.required", "choose a producer")
	}
	if sotepe.ErrorCode(err) == sotepe.EInvalid {
		lang := kit.Info(r).Lang
		v, verr := h.producersView(r, u, values, kit.FormErrorIn(h.site, lang, err, producerFields...))
		if verr != nil {
			return verr
		}
		h.site.Page(w, r, http.StatusBadRequest, "procurement_producers", h.site.T(lang, "procurement.producers.title", nil), v)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/procurement/producers?saved="+url.QueryEscape(values["producer"]), http.StatusSeeOther)
	return nil
}

// registrationsResponse is GET /api/v1/procurement/registrations.
type registrationsResponse struct {
	Registrations []sotepe.ProducerRegistration `json:"registrations"`
}

// RegistrationsList is GET /api/v1/procurement/registrations: the
// producers that have a business id or a register id.
func (h *Handlers) RegistrationsList(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	regs, err := h.cfg.Procurement.Registrations(r.Context(), u)
	return kit.WriteResult(w, http.StatusOK, registrationsResponse{Registrations: nonNil(regs)}, err)
}

// registrationInput is the body of PUT
// /api/v1/procurement/registrations/{producer}.
type registrationInput struct {
	BusinessID string `json:"business_id"`
	RegisterID string `json:"register_id"`
}

// RegistrationPut is PUT /api/v1/procurement/registrations/{producer}: the
// contract manager sets the producer's business id and register id; 200
// with the registration. A bad one is 400 naming the field, an unknown
// producer 404.
func (h *Handlers) RegistrationPut(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var in registrationInput
	if err := kit.DecodeJSON(r, &in); err != nil {
		return err
	}
	reg := sotepe.ProducerRegistration{ProducerID: r.PathValue("producer"), BusinessID: in.BusinessID, RegisterID: in.RegisterID}
	if err := h.cfg.Procurement.SaveRegistration(r.Context(), u, reg); err != nil {
		return h.fieldError(kit.Info(r).Lang, err)
	}
	kit.WriteJSON(w, http.StatusOK, reg)
	return nil
}

// unmissing is s, or "" for the mark of a missing value.
func unmissing(s string) string {
	if s == view.Missing {
		return ""
	}
	return s
}
