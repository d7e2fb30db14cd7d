// Package feedbackweb serves feedback and the resident survey, in the API
// and in pages: the answers on every channel (the unit's public form from
// its QR code or the city website, the waiting room's kiosk, the portal,
// the link of a completed visit, POST /api/v1/feedback), the manager's
// view with the units' extra questions and kiosks, the comparison of
// units, the NPS figures (GET /stats/feedback and /api/v1/stats/feedback)
// and the survey's invitations, answers and results.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. The rules
// are the feedback and survey services'; here are the abuse limits of the
// anonymous channels. Nothing about an answer is logged.
package feedbackweb

import (
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Abuse limits per hour: an address on the public channels (QR code,
// website), and one kiosk token. Sixty answers an hour is a busy waiting
// room; a kiosk may take four times that, an address half.
const (
	feedbackPerHour = 30
	kioskPerHour    = 240
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Feedback takes answers and serves their figures.
	Feedback sotepe.FeedbackService
	// Surveys runs the resident survey.
	Surveys sotepe.SurveyService
	// Directory names the units and services.
	Directory sotepe.Directory
	// Location is the city's time zone, of every time shown.
	Location *time.Location
}

// Handlers are the feedback and survey handlers, with the limits of the
// anonymous channels in this process.
type Handlers struct {
	site kit.Site
	cfg  Config
	// answerLimit slows anonymous answers (QR code, website) per
	// address; kioskLimit the answers of one kiosk token.
	answerLimit, kioskLimit *kit.WindowLimit
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg,
		answerLimit: kit.NewWindowLimit(feedbackPerHour, time.Hour, site.Now),
		kioskLimit:  kit.NewWindowLimit(kioskPerHour, time.Hour, site.Now)}
}
