// Package eventsweb takes service events from integration clients: POST
// /api/v1/events, a batch of up to sotepe.MaxEventBatch events under a
// bearer token with the scope events:write. The events' source is the
// client's name, so that no client writes another's events.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and gives this one a larger body limit
// (MaxBody). The events service checks the token and the events.
package eventsweb

import (
	"sotepe"
	"sotepe/web/kit"
)

// MaxBody is the body limit of POST /api/v1/events: a full batch of
// sotepe.MaxEventBatch events, more than the default limit of other
// requests. The rescue department's mission uploads have the same.
const MaxBody = 8 << 20

// Config is what the handlers work with; every field is required.
type Config struct {
	// Events knows the integration clients and adds their events.
	Events sotepe.EventService
}

// Handlers are the handlers of integration clients' events.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, answering in site's words.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
