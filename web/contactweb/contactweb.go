// Package contactweb serves contact requests and the assessments that lead
// to them, in the API and in pages: the resident's requests and the form
// of a new one, the city website's form and the phone desk's, the
// professional's queue with its actions (reply, assign, close, an
// appointment ticket), and the symptom and service-need assessments with
// their hand-over as a contact request, the queue's view of an assessment
// and the assessments' figures.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. The
// contact and assessment services decide who may do what; here is the
// limit of the city website's form, which needs no sign-in.
package contactweb

import (
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/workday"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Contacts carries out contact requests.
	Contacts sotepe.ContactService
	// Assessments runs the assessments and their hand-overs.
	Assessments sotepe.AssessmentService
	// Appointments issues the appointment ticket a professional gives from
	// the queue.
	Appointments sotepe.AppointmentService
	// Residents reads the resident of a request (an audited read) and lists
	// a professional's colleagues to assign it to.
	Residents sotepe.ResidentService
	// Directory names the units and services.
	Directory sotepe.Directory
	// Calendar is the working-day calendar in force, for how near a
	// request's answer promise is.
	Calendar *workday.Live
	// Location is the city's time zone, of every time shown.
	Location *time.Location
}

// Handlers are the contact and assessment handlers, with the limit of the
// city website's form in this process.
type Handlers struct {
	site kit.Site
	cfg  Config
	// formLimit slows the website contact form: five an address in ten
	// minutes.
	formLimit *kit.WindowLimit
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg, formLimit: kit.NewWindowLimit(5, 10*time.Minute, site.Now)}
}
