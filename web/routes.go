package web

import "net/http"

// routes lists every route of sotepe in one place. A path under /api/v1/
// answers JSON; the same handler often serves the HTML page of the same
// thing. Each handler checks who may call it.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn handler) { mux.Handle(pattern, s.wrap(fn)) }

	// Operations.
	h("GET /healthz", s.healthz)
	h("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		s.metrics.handler.ServeHTTP(w, r)
		return nil
	}))
	static := http.StripPrefix("/static/", http.FileServerFS(staticFiles()))
	mux.Handle("GET /static/", s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		static.ServeHTTP(w, r)
		return nil
	}))
	h("GET /api/v1/openapi.json", s.openapi)

	// The public service directory. Its JSON reads are the same for
	// everyone, so repeats are served from a short-lived cache.
	h("GET /{$}", s.home)
	h("GET /units", s.units)
	h("GET /api/v1/units", s.cachedJSON(s.units))
	h("GET /units/{id}", s.unit)
	h("GET /api/v1/units/{id}", s.cachedJSON(s.unit))
	h("GET /services", s.services)
	h("GET /api/v1/services", s.cachedJSON(s.services))
	h("GET /api/v1/services/{id}", s.service)
	h("GET /api/v1/areas", s.areas)
	h("GET /api/v1/concepts", s.concepts)
	h("GET /api/v1/districts", s.districts)
	h("GET /api/v1/producers", s.producers)

	// Signing in and the user's own data.
	h("GET /login", s.loginPage)
	h("POST /login", s.loginForm)
	h("POST /logout", s.logoutForm)
	h("POST /api/v1/session", s.sessionCreate)
	h("DELETE /api/v1/session", s.sessionDelete)
	h("GET /me", s.me)
	h("GET /api/v1/me", s.me)
	h("GET /me/access-log", s.accessLog)
	h("GET /api/v1/me/access-log", s.accessLog)

	// Staff reads of residents' data, each audited.
	h("GET /staff/residents", s.residentLookupPage)
	h("POST /staff/residents", s.residentLookupForm)
	h("GET /api/v1/residents/{id}", s.residentRead)
	h("POST /api/v1/residents/search", s.residentSearch)
	h("GET /staff/audit", s.auditSummary)
	h("GET /api/v1/audit/summary", s.auditSummary)

	// Contact requests: the resident's front door and the professional's queue.
	h("POST /api/v1/contact-requests", s.contactCreate)
	h("GET /api/v1/contact-requests", s.contactList)
	h("GET /api/v1/contact-requests/{id}", s.contactGet)
	h("POST /api/v1/contact-requests/{id}/messages", s.contactReply)
	h("POST /api/v1/contact-requests/{id}/assign", s.contactAssign)
	h("POST /api/v1/contact-requests/{id}/close", s.contactClose)

	h("GET /requests", s.requestsPage)
	h("GET /requests/new", s.newRequestPage)
	h("POST /requests/new", s.newRequestForm)
	h("GET /requests/{id}", s.requestPage)
	h("POST /requests/{id}/reply", s.replyForm)
	h("GET /queue", s.queuePage)
	h("GET /queue/phone", s.phonePage)
	h("POST /queue/phone", s.phoneSubmit)
	h("GET /contact", s.contactFormPage)
	h("POST /contact", s.contactFormSubmit)
	h("GET /queue/{id}", s.queueItemPage)
	h("POST /queue/{id}/reply", s.replyForm)
	h("POST /queue/{id}/{action}", s.queueActionForm)

	// The working-day calendar and the answer promise.
	h("GET /api/v1/calendar/deadline", s.calendarDeadline)
	h("GET /api/v1/calendar/closures", s.closures)
	h("POST /api/v1/calendar/closures", s.closureSave)
	h("DELETE /api/v1/calendar/closures/{date}", s.closureDelete)
	h("GET /api/v1/calendar/{year}", s.calendarYear)

	// The figures of the answer promise for managers and analysts:
	// aggregates only, no personal data.
	h("GET /stats/contact-requests", s.contactStats)
	h("GET /api/v1/stats/contact-requests", s.contactStats)

	h("/", s.notFoundHandler)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return errCrossOrigin
	}))
	return s.observe(s.language(cop.Handler(s.authenticate(mux))))
}
