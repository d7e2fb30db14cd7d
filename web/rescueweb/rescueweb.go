// Package rescueweb serves the rescue department's pages and API: the
// figures (GET /rescue and /api/v1/rescue/figures, for rescue officers and
// analysts), the missions (GET /rescue/missions and /api/v1/rescue/missions,
// the import by CSV upload and JSON) and the fire inspections with
// re-inspections due (GET /rescue/inspections and
// /api/v1/rescue/inspections), for rescue officers.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site.
// sotepe.RescueService decides who may do what.
package rescueweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Rescue serves the figures, missions and inspections.
	Rescue sotepe.RescueService
	// Directory names the rescue stations and the districts.
	Directory sotepe.Directory
}

// Handlers are the rescue department's handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
