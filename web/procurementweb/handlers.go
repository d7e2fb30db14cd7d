// Package procurementweb serves the purchased services' pages and API
// (issue 14): the comparison of producers' quality figures and the
// totals, contracts, voucher kinds and supervision for the contract
// manager, the producers' registrations, professionals' voucher decisions
// and residents' own. sotepe.ProcurementService decides who may do what.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site.
package procurementweb

import (
	"sotepe"
	"sotepe/web/kit"
)

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
}

// Handlers are the purchased services' handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// option is one choice of a filter or a select.
type option struct {
	Value, Label string
	Selected     bool
}
