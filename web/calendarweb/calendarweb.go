// Package calendarweb serves the working-day calendar in the API: a year's
// non-working days with their names in fi, sv and en, the deadline of the
// answer promise (or any number of working days) from a moment, and the
// administrator's closure days, whose change puts a new calendar in force.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers. The closure service decides who may change the
// closure days (administrators).
package calendarweb

import (
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/workday"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Calendar is the working-day calendar in force.
	Calendar *workday.Live
	// Closures keeps the administrator's closure days.
	Closures sotepe.ClosureService
	// Location is the city's time zone, of the deadline's from.
	Location *time.Location
}

// Handlers are the calendar's handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}
