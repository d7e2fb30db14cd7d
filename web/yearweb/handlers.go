// Package yearweb serves the figures of a year that HR and finance keep:
// the staff figures (GET /personnel and /api/v1/staff/figures; HR stores
// employments), the economy (GET /economy and /api/v1/economy/figures;
// finance stores the budget) and the sustainability figures (GET
// /sustainability and /api/v1/sustainability/figures). Analysts read them
// too. sotepe.StaffService and sotepe.EconomyService decide who may do
// what.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site.
package yearweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Staff serves HR's staff figures and employments.
	Staff sotepe.StaffService
	// Economy serves finance's economy and sustainability figures.
	Economy sotepe.EconomyService
	// Directory names the service areas and units.
	Directory sotepe.Directory
}

// Handlers are the year's figures' handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
