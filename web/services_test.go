package web_test

import (
	"net/http/httptest"
	"testing"

	"sotepe/acting"
	"sotepe/assess"
	"sotepe/audit"
	"sotepe/booking"
	"sotepe/chat"
	"sotepe/closures"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/events"
	"sotepe/feedback"
	"sotepe/fhir"
	"sotepe/finance"
	"sotepe/personnel"
	"sotepe/procurement"
	sotereport "sotepe/report"
	"sotepe/rescue"
	"sotepe/residents"
	"sotepe/statistics"
	"sotepe/store"
	"sotepe/survey"
	"sotepe/valtuudet"
	"sotepe/video"
	"sotepe/web"
)

// withServices fills every service c lacks with the real one over st, so a
// test or benchmark names only the services it holds on to. c must hold
// Store (a *store.Store) and Calendar.
func withServices(tb testing.TB, c web.Config) web.Config {
	tb.Helper()
	st := c.Store.(*store.Store)
	dir := c.Directory
	if dir == nil {
		dir = st
	}
	if c.Contacts == nil {
		c.Contacts = contact.New(contact.Config{Store: st, Directory: dir, Calendar: c.Calendar, Now: c.Now})
	}
	if c.Assessments == nil {
		defs, err := assess.Load()
		if err != nil {
			tb.Fatal(err)
		}
		contacts, ok := c.Contacts.(*contact.Service)
		if !ok {
			tb.Fatal("withServices: Contacts is not a *contact.Service")
		}
		c.Assessments = assess.New(assess.Config{Definitions: defs, Store: st, Contacts: contacts, Now: c.Now})
	}
	if c.Appointments == nil {
		appts, err := booking.New(booking.Config{Store: st, Directory: dir, Location: c.Location, Now: c.Now})
		if err != nil {
			tb.Fatal(err)
		}
		c.Appointments = appts
	}
	if c.Feedback == nil {
		c.Feedback = feedback.New(feedback.Config{Store: st, Now: c.Now})
	}
	if c.Surveys == nil {
		defs, err := survey.Load()
		if err != nil {
			tb.Fatal(err)
		}
		c.Surveys = survey.New(survey.Config{Surveys: defs, Store: st, Now: c.Now})
	}
	if c.Residents == nil {
		c.Residents = residents.New(st)
	}
	if c.Audit == nil {
		c.Audit = audit.New(st)
	}
	if c.Closures == nil {
		c.Closures = closures.New(st, c.Calendar)
	}
	if c.Statistics == nil {
		c.Statistics = statistics.New(st, c.Calendar, c.Now)
	}
	if c.Events == nil {
		c.Events = events.New(st)
		c.Rescue = rescue.New(st)
	}
	if c.Staff == nil {
		c.Staff = personnel.New(st)
	}
	if c.Economy == nil {
		c.Economy = finance.New(st)
	}
	if c.Procurement == nil {
		inds := c.Indicators
		if inds == nil {
			var err error
			if inds, err = sotereport.Load(); err != nil {
				tb.Fatal(err)
			}
		}
		c.Procurement = procurement.New(st, dir, c.Calendar, inds, c.Now)
	}
	if c.Acting == nil {
		now := c.Now
		if now == nil {
			now = st.Now
		}
		// The demo's registers: anna's children, erik's mandate from his
		// father, the mandates behind a real HTTP fake of Valtuudet.
		fake := httptest.NewServer(demo.MandateServer("web-test", "secret", "checksum", now))
		tb.Cleanup(fake.Close)
		mandates := &valtuudet.Register{Client: &valtuudet.Client{BaseURL: fake.URL, ClientID: "web-test", ClientSecret: "secret",
			ChecksumKey: "checksum", Now: now}, RedirectURI: "http://sotepe.test/valtuudet/return"}
		c.Acting = acting.New(st, demo.PopulationRegister(now), mandates, c.Location, now)
	}
	if c.Chats == nil {
		var translate chat.Translate
		if c.Catalog != nil {
			translate = c.Catalog.T
		}
		c.Chats = chat.New(chat.Config{Store: st, Contact: c.Contacts, Calendar: c.Calendar, Translate: translate, Now: c.Now})
	}
	if c.Video == nil {
		c.Video = video.New(video.Config{Store: st, Appointments: c.Appointments, Now: c.Now})
	}
	if c.FHIR == nil && c.Catalog != nil {
		h, err := fhir.New(fhir.Config{Directory: dir, Appointments: c.Appointments, Residents: c.Residents, Clients: c.Events,
			Slots: st, Staff: st, Assessments: c.Assessments, Caller: web.Caller, Translate: c.Catalog.T, Location: c.Location, Now: c.Now})
		if err != nil {
			tb.Fatal(err)
		}
		c.FHIR = h
	}
	// The demo's residents sign in with passwords here; a test of strong
	// identification only turns it off.
	c.ResidentPasswords = true
	return c
}
