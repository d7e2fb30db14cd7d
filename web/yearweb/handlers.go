// Package yearweb serves the figures of a year that HR and finance keep:
// the staff figures (GET /personnel and /api/v1/staff/figures; HR stores
// employments), the economy (GET /economy and /api/v1/economy/figures;
// finance stores the budget) and the sustainability figures (GET
// /sustainability and /api/v1/sustainability/figures). Analysts read them
// too. sotepe.StaffService and sotepe.EconomyService decide who may do
// what.
//
// It is one area of the web side (ARCHITECTURE.md, "Where web goes next"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through Site.
package yearweb

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/view"
)

// Site is what the year's figures pages need from the server they are
// served by, in the language of the person asking.
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
	// Staff serves HR's staff figures and employments.
	Staff sotepe.StaffService
	// Economy serves finance's economy and sustainability figures.
	Economy sotepe.EconomyService
	// Directory names the service areas and units.
	Directory sotepe.Directory
	// Location is the city's time zone.
	Location *time.Location
	// Now returns the current instant.
	Now func() time.Time
}

// Handlers are the year's figures' handlers.
type Handlers struct {
	site Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
