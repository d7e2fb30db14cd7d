// Package rescueweb serves the rescue department's pages and API: the
// figures (GET /rescue and /api/v1/rescue/figures, for rescue officers and
// analysts), the missions (GET /rescue/missions and /api/v1/rescue/missions,
// the import by CSV upload and JSON) and the fire inspections with
// re-inspections due (GET /rescue/inspections and
// /api/v1/rescue/inspections), for rescue officers.
//
// It is one area of the web side (ARCHITECTURE.md, "Where web goes next"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through Site.
// sotepe.RescueService decides who may do what.
package rescueweb

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/view"
)

// Site is what the rescue pages need from the server they are served by,
// in the language of the person asking.
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
	// Rescue serves the figures, missions and inspections.
	Rescue sotepe.RescueService
	// Directory names the rescue stations and the districts.
	Directory sotepe.Directory
	// Location is the city's time zone.
	Location *time.Location
	// Now returns the current instant.
	Now func() time.Time
}

// Handlers are the rescue department's handlers.
type Handlers struct {
	site Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
