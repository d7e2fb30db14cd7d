// Package accountweb serves the signed-in person's own pages and API: who
// they are (GET /me and /api/v1/me), who has read their data (the access
// log), whom they act for and the choice of it, a minor's refusal of their
// guardians, and what they did while acting for others (the acting log).
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. Signing
// in and out, and the sessions they make, stay the server's: package web
// answers a new session with MeOf. The acting and resident services decide
// who may do what.
package accountweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Residents reads the resident's own data and its access log.
	Residents sotepe.ResidentService
	// Acting decides whom a resident acts for, and keeps the choice, the
	// guardians' refusal and the acting log.
	Acting sotepe.ActingService
	// Directory gives the own page its vocabulary (the navigation's areas).
	Directory sotepe.Directory
}

// Handlers are the handlers of the person's own pages.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
