// Package procurementweb serves the purchased services' pages and API
// (issue 14): the comparison of producers' quality figures and the
// totals, contracts, voucher kinds and supervision for the contract
// manager, the producers' registrations, professionals' voucher decisions
// and residents' own. sotepe.ProcurementService decides who may do what.
//
// It is one area of the web side (ARCHITECTURE.md, "Where web goes next"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through Site.
package procurementweb

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// Site is what the procurement pages need from the server they are served
// by, in the language of the person asking.
type Site interface {
	// T is the catalog's text of key in lang, with args filled in.
	T(lang sotepe.Lang, key string, args map[string]any) string
	// ErrText is what err says in lang, in the catalog's words.
	ErrText(lang sotepe.Lang, err error) string
	// Dates writes dates and times in lang, in the city's time zone.
	Dates(lang sotepe.Lang) view.Dates
	// Page renders the page template name with status, under title, with
	// data as the page's Data.
	Page(w http.ResponseWriter, r *http.Request, status int, name, title string, data any)
}

// Config is what the handlers work with; every field is required.
type Config struct {
	// Procurement serves contracts, voucher kinds and decisions,
	// supervision and the figures.
	Procurement sotepe.ProcurementService
	// Residents reads a resident's data for a professional's voucher
	// decision, on the basis given (audited).
	Residents sotepe.ResidentService
	// Directory names units, services and producers.
	Directory sotepe.Directory
	// Location is the city's time zone.
	Location *time.Location
	// Now returns the current instant.
	Now func() time.Time
}

// Handlers are the purchased services' handlers.
type Handlers struct {
	site Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// formErr explains err in lang for a form whose element ids are fields
// (kit.NewFormError).
func (h *Handlers) formErr(lang sotepe.Lang, err error, fields ...string) *kit.FormError {
	return kit.NewFormError(h.site.ErrText(lang, err), err, fields...)
}

// option is one choice of a filter or a select.
type option struct {
	Value, Label string
	Selected     bool
}
