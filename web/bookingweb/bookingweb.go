// Package bookingweb serves appointments, in the API and in pages: the
// search for free times and booking them, a resident's appointments with
// their calendar files, cancelling and moving them, appointment tickets and
// the waiting list for an earlier time; the professional's calendar, where
// slots are opened and closed, visits marked and a time booked for a
// resident at the desk; each service's booking rules; and the figures of
// the care guarantee.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. Package web
// also keeps the two-second cache of free-time searches, which it empties
// after every handler here that changes a slot (Server.changesSlots). The
// video appointments (package videoweb) show an appointment through View.
// The booking service decides who may do what.
package bookingweb

import (
	"context"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Appointments carries out booking, and keeps slots, tickets, the
	// waiting list and the booking rules.
	Appointments sotepe.AppointmentService
	// Residents finds a resident at the desk (an audited read).
	Residents sotepe.ResidentService
	// Directory names the units and services.
	Directory sotepe.Directory
	// Location is the city's time zone, of every time shown.
	Location *time.Location
	// Secure says that the server is reached over https even when the
	// request did not come over TLS (behind a proxy): the calendar file's
	// links are https.
	Secure bool
}

// Handlers are the appointment handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// unitNames returns the names of unit id from the directory, or the id.
func (h *Handlers) unitNames(ctx context.Context, id string) sotepe.Names {
	return vocab.UnitNames(ctx, h.cfg.Directory, id)
}
