// Package directoryweb serves the public service directory, in the API and
// in pages: the front page, the search for units (by text, service, area,
// concept, district, language, kind and producer) with whether each is open
// now, a unit's page, the services grouped by area, and the short lists the
// API pages like every other list (areas, concepts, districts, producers).
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. Package
// web also keeps the ten-second cache of the directory's public answers
// (Server.cachedPage and cachedJSON), which are the same for everyone.
// Nothing here needs a signed-in user.
package directoryweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Directory is the service network, searched in memory.
	Directory sotepe.Directory
}

// Handlers are the directory's handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
