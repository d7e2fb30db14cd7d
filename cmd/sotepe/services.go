package main

import (
	"context"
	"log/slog"

	"sotepe"
	"sotepe/audit"
	"sotepe/booking"
	"sotepe/closures"
	"sotepe/contact"
	"sotepe/events"
	"sotepe/feedback"
	"sotepe/residents"
	"sotepe/statistics"
	"sotepe/store"
	"sotepe/web"
	"sotepe/workday"
)

// services are the services of sotepe over one store, and the web
// configuration that carries them all.
type services struct {
	contacts     *contact.Service
	appointments *booking.Service
	feedback     *feedback.Service
	// web has Store, Directory, Calendar and every service set.
	web web.Config
}

// newServices builds every service over st, dir and cal. isDemo lets the
// survey service create the demo survey's invitations.
func newServices(ctx context.Context, st *store.Store, dir sotepe.Directory, cal *workday.Live, logger *slog.Logger, isDemo bool) (services, error) {
	var s services
	s.contacts = contact.New(contact.Config{Store: st, Directory: dir, Calendar: cal, Logger: logger})
	assessments, err := newAssessments(ctx, st, dir, s.contacts, logger)
	if err != nil {
		return s, err
	}
	if s.appointments, err = booking.New(booking.Config{Store: st, Directory: dir, Logger: logger}); err != nil {
		return s, err
	}
	s.feedback = feedback.New(feedback.Config{Store: st, Logger: logger})
	surveys, err := newSurveys(ctx, st, isDemo)
	if err != nil {
		return s, err
	}
	s.web = web.Config{Store: st, Directory: dir, Calendar: cal, Logger: logger,
		Contacts: s.contacts, Assessments: assessments, Appointments: s.appointments, Feedback: s.feedback, Surveys: surveys,
		Residents: residents.New(st), Audit: audit.New(st), Closures: closures.New(st, cal),
		Statistics: statistics.New(st, cal, nil), Events: events.New(st)}
	return s, nil
}
