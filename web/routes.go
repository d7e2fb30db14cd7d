package web

import (
	"net/http"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/residentweb"
)

// routes lists every route of sotepe in one place. A path under /api/v1/
// answers JSON; the same handler often serves the HTML page of the same
// thing. Each handler checks who may call it.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn kit.Handler) { mux.Handle(pattern, s.wrap(fn)) }

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
	h("GET /{$}", s.cachedPage(s.directory.Home))
	h("GET /units", s.cachedPage(s.directory.Units))
	h("GET /api/v1/units", s.cachedJSON(s.directory.Units))
	h("GET /units/{id}", s.cachedPage(s.directory.Unit))
	h("GET /api/v1/units/{id}", s.cachedJSON(s.directory.Unit))
	h("GET /services", s.cachedPage(s.directory.Services))
	h("GET /api/v1/services", s.cachedJSON(s.directory.Services))
	h("GET /api/v1/services/{id}", s.directory.Service)
	h("GET /api/v1/areas", s.directory.Areas)
	h("GET /api/v1/concepts", s.directory.Concepts)
	h("GET /api/v1/districts", s.directory.Districts)
	h("GET /api/v1/producers", s.directory.Producers)

	// Signing in and the user's own data.
	h("GET /login", s.loginPage)
	h("POST /login", s.loginForm)
	h("POST /logout", s.logoutForm)
	h("GET /login/{provider}", s.oidcBegin)
	h("GET /login/{provider}/callback", s.oidcCallback)
	if s.cfg.TestIdP != nil {
		mux.Handle("/test-idp/", s.cfg.TestIdP)
	}
	h("POST /api/v1/session", s.sessionCreate)
	h("DELETE /api/v1/session", s.sessionDelete)
	h("GET /me", kit.User(s.account.Me))
	h("GET /api/v1/me", kit.User(s.account.Me))
	h("GET /me/access-log", kit.Roles(sotepe.RoleResident)(s.account.AccessLog))
	h("GET /api/v1/me/access-log", kit.Roles(sotepe.RoleResident)(s.account.AccessLog))
	h("GET /me/acting-log", kit.Roles(sotepe.RoleResident)(s.account.ActingLog))
	h("GET /api/v1/me/acting-log", kit.Roles(sotepe.RoleResident)(s.account.ActingLog))
	h("POST /me/guardians", kit.Roles(sotepe.RoleResident)(s.account.GuardiansForm))
	h("PUT /api/v1/me/guardians", kit.Roles(sotepe.RoleResident)(s.account.GuardiansPut))

	// Acting for a child or another person.
	h("GET /acting", kit.Roles(sotepe.RoleResident)(s.account.ActingPage))
	h("POST /acting", kit.Roles(sotepe.RoleResident)(s.account.ActingForm))
	h("GET /api/v1/me/principals", kit.Roles(sotepe.RoleResident)(s.account.Principals))
	h("POST /api/v1/session/acting-for", kit.Roles(sotepe.RoleResident)(s.account.ActingFor))

	// Staff reads of residents' data, each audited.
	h("GET /staff/residents", kit.Roles(residentweb.StaffRoles...)(s.residents.LookupPage))
	h("POST /staff/residents", kit.Roles(residentweb.StaffRoles...)(s.residents.LookupForm))
	h("GET /api/v1/residents/{id}", kit.Roles(residentweb.StaffRoles...)(kit.ByID("resident", s.residents.Read)))
	h("POST /api/v1/residents/search", kit.Roles(residentweb.StaffRoles...)(s.residents.Search))
	h("GET /staff/audit", kit.Roles(sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin)(s.residents.AuditSummary))
	h("GET /api/v1/audit/summary", kit.Roles(sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin)(s.residents.AuditSummary))

	// Contact requests: the resident's front door and the professional's queue.
	h("POST /api/v1/contact-requests", s.contact.Create)
	h("GET /api/v1/contact-requests", kit.User(s.contact.List))
	h("GET /api/v1/contact-requests/{id}", kit.User(kit.ByID("contact request", s.contact.Get)))
	h("POST /api/v1/contact-requests/{id}/messages", kit.User(kit.ByID("contact request", s.contact.Reply)))
	h("POST /api/v1/contact-requests/{id}/assign", kit.User(kit.ByID("contact request", s.contact.Assign)))
	h("POST /api/v1/contact-requests/{id}/close", kit.User(kit.ByID("contact request", s.contact.Close)))

	h("GET /requests", kit.Roles(sotepe.RoleResident)(s.contact.RequestsPage))
	h("GET /requests/new", kit.Roles(sotepe.RoleResident)(s.contact.NewRequestPage))
	h("POST /requests/new", kit.Roles(sotepe.RoleResident)(s.contact.NewRequestForm))
	h("GET /requests/{id}", kit.User(kit.ByID("contact request", s.contact.RequestPage)))
	h("POST /requests/{id}/reply", kit.User(kit.ByID("contact request", s.contact.ReplyForm)))
	h("GET /queue", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.contact.QueuePage))
	h("GET /queue/phone", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.contact.PhonePage))
	h("POST /queue/phone", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.contact.PhoneSubmit))
	h("GET /contact", s.contact.WebsiteFormPage)
	h("POST /contact", s.contact.WebsiteFormSubmit)
	h("GET /queue/{id}", kit.User(kit.ByID("contact request", s.contact.QueueItemPage)))
	h("POST /queue/{id}/reply", kit.User(kit.ByID("contact request", s.contact.ReplyForm)))
	h("POST /queue/{id}/{action}", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("contact request", s.contact.QueueActionForm)))

	// Chat with a professional: the chat services open now, the resident's
	// chat and its live stream, the professional's queue and actions.
	h("GET /api/v1/chat-services", s.chat.Services)
	h("GET /api/v1/chats", kit.User(s.chat.List))
	h("POST /api/v1/chats", kit.Roles(sotepe.RoleResident)(s.chat.Create))
	h("GET /api/v1/chats/{id}", kit.User(kit.ByID("chat", s.chat.Get)))
	h("GET /api/v1/chats/{id}/events", kit.User(kit.ByID("chat", s.chat.Stream)))
	h("POST /api/v1/chats/{id}/messages", kit.User(kit.ByID("chat", s.chat.Send)))
	h("POST /api/v1/chats/{id}/typing", kit.User(kit.ByID("chat", s.chat.Typing)))
	h("POST /api/v1/chats/{id}/take", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.Take)))
	h("POST /api/v1/chats/{id}/transfer", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.Transfer)))
	h("POST /api/v1/chats/{id}/handover", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.HandOver)))
	h("POST /api/v1/chats/{id}/close", kit.User(kit.ByID("chat", s.chat.Close)))
	h("GET /chat", s.chat.LinesPage)
	h("POST /chat", kit.Roles(sotepe.RoleResident)(s.chat.StartForm))
	h("GET /chat/{id}", kit.Roles(sotepe.RoleResident)(kit.ByID("chat", s.chat.RoomPage)))
	h("POST /chat/{id}/messages", kit.Roles(sotepe.RoleResident)(kit.ByID("chat", s.chat.SendForm)))
	h("POST /chat/{id}/close", kit.Roles(sotepe.RoleResident)(kit.ByID("chat", s.chat.CloseForm)))
	h("GET /staff/chats", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.chat.StaffQueuePage))
	h("GET /staff/chats/{id}", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.RoomPage)))
	h("POST /staff/chats/{id}/take", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.TakeForm)))
	h("POST /staff/chats/{id}/messages", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.SendForm)))
	h("POST /staff/chats/{id}/transfer", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.TransferForm)))
	h("POST /staff/chats/{id}/handover", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.HandOverForm)))
	h("POST /staff/chats/{id}/close", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("chat", s.chat.CloseForm)))
	// The chat figures for managers (their units' chat services), analysts
	// and administrators: aggregates only.
	h("GET /api/v1/stats/chats", kit.Roles(statsRoles...)(s.chat.Figures))
	h("GET /stats/chats", kit.Roles(statsRoles...)(s.chat.Figures))

	// The rescue department: the figures for rescue officers and analysts
	// (aggregates only), the missions, their import and the fire
	// inspections for rescue officers.
	rescueFigureRoles := []sotepe.Role{sotepe.RoleRescueOfficer, sotepe.RoleAnalyst}
	h("GET /rescue", kit.Roles(rescueFigureRoles...)(s.rescue.Figures))
	h("GET /api/v1/rescue/figures", kit.Roles(rescueFigureRoles...)(s.rescue.Figures))
	h("GET /rescue/missions", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.Missions))
	h("GET /api/v1/rescue/missions", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.Missions))
	h("POST /api/v1/rescue/missions", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.ImportJSON))
	h("POST /rescue/missions/import", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.ImportForm))
	h("GET /rescue/inspections", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.Inspections))
	h("GET /api/v1/rescue/inspections", kit.Roles(sotepe.RoleRescueOfficer)(s.rescue.Inspections))

	// The working-day calendar and the answer promise.
	h("GET /api/v1/calendar/deadline", s.calendar.Deadline)
	h("GET /api/v1/calendar/closures", kit.Roles(sotepe.RoleAdmin)(s.calendar.Closures))
	h("POST /api/v1/calendar/closures", kit.Roles(sotepe.RoleAdmin)(s.calendar.ClosureSave))
	h("DELETE /api/v1/calendar/closures/{date}", kit.Roles(sotepe.RoleAdmin)(s.calendar.ClosureDelete))
	h("GET /api/v1/calendar/{year}", s.calendar.Year)

	// The figures of the answer promise for managers and analysts:
	// aggregates only, no personal data.
	h("GET /stats/contact-requests", kit.Roles(statsRoles...)(s.figures.ContactStats))
	h("GET /api/v1/stats/contact-requests", kit.Roles(statsRoles...)(s.figures.ContactStats))

	// Appointments: free times and bookings for residents, the calendar
	// for professionals, the care-guarantee figures for managers.
	h("GET /api/v1/slots", s.cachedSlots(s.booking.SlotSearch))
	h("POST /api/v1/slots", s.changesSlots(kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.SlotsOpen)))
	h("POST /api/v1/slots/{id}/close", s.changesSlots(kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("slot", s.booking.SlotClose))))
	h("GET /api/v1/appointments", kit.User(s.booking.List))
	h("POST /api/v1/appointments", s.changesSlots(kit.User(s.booking.Create)))
	h("GET /api/v1/appointments/{id}", kit.User(kit.ByID("appointment", s.booking.Get)))
	h("GET /api/v1/appointments/{id}/ics", kit.User(kit.ByID("appointment", s.booking.ICS)))
	h("POST /api/v1/appointments/{id}/cancel", s.changesSlots(kit.User(kit.ByID("appointment", s.booking.Cancel))))
	h("POST /api/v1/appointments/{id}/reschedule", s.changesSlots(kit.User(kit.ByID("appointment", s.booking.Reschedule))))
	h("POST /api/v1/appointments/{id}/mark", kit.User(kit.ByID("appointment", s.booking.Mark)))
	h("GET /api/v1/appointment-calendar", s.booking.Calendar)
	h("GET /api/v1/appointment-tickets", kit.User(s.booking.TicketList))
	h("POST /api/v1/appointment-tickets", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.TicketCreate))
	h("GET /api/v1/waitlist", kit.User(s.booking.WaitlistList))
	h("POST /api/v1/waitlist", kit.User(s.booking.WaitlistJoin))
	h("DELETE /api/v1/waitlist/{id}", s.changesSlots(kit.User(kit.ByID("waiting-list entry", s.booking.WaitlistLeave))))
	h("GET /api/v1/stats/appointments", kit.Roles(sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin)(s.booking.Figures))
	h("GET /api/v1/services/{id}/booking", s.booking.ServiceRules)
	h("PUT /api/v1/services/{id}/booking", kit.Roles(sotepe.RoleAdmin, sotepe.RoleManager)(s.booking.ServiceRulesSave))
	h("GET /appointments", kit.User(s.booking.ListPage))
	h("GET /appointments/new", s.booking.SearchPage)
	h("POST /appointments/book", s.changesSlots(kit.Roles(sotepe.RoleResident)(s.booking.BookForm)))
	h("GET /appointments/{id}", kit.User(kit.ByID("appointment", s.booking.Page)))
	h("POST /appointments/{id}/cancel", s.changesSlots(kit.User(kit.ByID("appointment", s.booking.CancelForm))))
	h("POST /appointments/{id}/waitlist", kit.User(kit.ByID("appointment", s.booking.WaitForm)))
	h("POST /appointments/waitlist/{id}/leave", s.changesSlots(kit.Roles(sotepe.RoleResident)(kit.ByID("waiting-list entry", s.booking.WaitLeaveForm))))
	h("GET /staff/calendar", s.booking.Calendar)
	h("POST /staff/calendar/{id}/mark", kit.User(kit.ByID("appointment", s.booking.CalendarMarkForm)))
	h("POST /staff/slots", s.changesSlots(kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.CalendarOpenForm)))
	h("POST /staff/slots/{id}/close", s.changesSlots(kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.CalendarCloseForm)))
	h("GET /staff/slots/{id}/book", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.BookForPage))
	h("POST /staff/slots/{id}/book", s.changesSlots(kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(s.booking.BookForForm)))
	h("POST /queue/{id}/ticket", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("contact request", s.contact.TicketForm)))
	h("GET /staff/booking-rules", kit.Roles(sotepe.RoleAdmin)(s.booking.RulesPage))
	h("POST /staff/booking-rules", kit.Roles(sotepe.RoleAdmin)(s.booking.RulesForm))
	h("GET /stats/appointments", kit.Roles(sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin)(s.booking.Figures))

	// Video appointments (package videoweb): the waiting room and the call, whose
	// WebSocket only relays the browsers' signalling; "call me instead";
	// invitations for an interpreter or a guardian, whose guests need no
	// account; the device check, for anyone.
	h("GET /appointments/{id}/video", kit.User(kit.ByID("appointment", s.video.Page)))
	h("POST /appointments/{id}/video", kit.User(kit.ByID("appointment", s.video.JoinForm)))
	h("GET /appointments/{id}/video/ws", kit.User(kit.ByID("appointment", s.video.Socket)))
	h("POST /appointments/{id}/video/phone", kit.User(kit.ByID("appointment", s.video.PhoneForm)))
	h("POST /appointments/{id}/video/invites", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("appointment", s.video.InviteForm)))
	h("GET /api/v1/appointments/{id}/video", kit.User(kit.ByID("appointment", s.video.Room)))
	h("POST /api/v1/appointments/{id}/phone", kit.User(kit.ByID("appointment", s.video.Phone)))
	h("POST /api/v1/appointments/{id}/video/invites", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("appointment", s.video.InviteCreate)))
	h("GET /video/check", s.video.CheckPage)
	h("GET /video/invite/{token}", s.video.GuestInvitePage)
	h("POST /video/invite/{token}", s.video.GuestRedeemForm)
	h("GET /video/guest/{id}", s.video.GuestPage)
	h("GET /video/guest/{id}/ws", s.video.GuestSocket)

	// Symptom and service-need assessments: anyone may run one; a
	// signed-in resident hands the result over into the queue, where the
	// professional grades its urgency. Figures for managers and analysts.
	h("GET /api/v1/assessments", s.contact.AssessmentList)
	h("GET /api/v1/assessments/{id}", s.contact.AssessmentGet)
	h("POST /api/v1/assessments/{id}/sessions", s.contact.AssessmentStart)
	h("GET /api/v1/assessment-sessions/{sid}", s.contact.AssessmentSession)
	h("POST /api/v1/assessment-sessions/{sid}/answers", s.contact.AssessmentAnswer)
	h("POST /api/v1/assessment-sessions/{sid}/back", s.contact.AssessmentBack)
	h("POST /api/v1/assessment-sessions/{sid}/handover", kit.Roles(sotepe.RoleResident)(s.contact.AssessmentHandOver))
	h("GET /api/v1/contact-requests/{id}/assessment", kit.User(kit.ByID("contact request", s.contact.RequestAssessment)))
	h("POST /api/v1/contact-requests/{id}/assessment/grading", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("contact request", s.contact.RequestAssessmentGrade)))
	h("GET /api/v1/stats/assessments", kit.Roles(statsRoles...)(s.contact.AssessmentFigures))
	h("GET /stats/assessments", kit.Roles(statsRoles...)(s.contact.AssessmentFigures))
	h("GET /assessments", s.contact.AssessListPage)
	h("GET /assessments/{id}", s.contact.AssessIntroPage)
	h("POST /assessments/{id}/start", s.contact.AssessStartForm)
	h("GET /assessment-sessions/{sid}", s.contact.AssessSessionPage)
	h("POST /assessment-sessions/{sid}/answer", s.contact.AssessAnswerForm)
	h("POST /assessment-sessions/{sid}/back", s.contact.AssessBackForm)
	h("POST /assessment-sessions/{sid}/handover", s.contact.AssessHandOverForm)
	h("GET /queue/{id}/assessment", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("contact request", s.contact.QueueAssessmentPage)))
	h("POST /queue/{id}/assessment", kit.Roles(sotepe.RoleProfessional, sotepe.RoleManager)(kit.ByID("contact request", s.contact.QueueAssessmentForm)))

	// Feedback: anyone answers about a unit (its QR code, the website, a
	// kiosk with its token), residents in the portal and after a visit;
	// managers read their units' screened comments; the NPS figures for
	// managers and analysts.
	h("POST /api/v1/feedback", s.feedback.Create)
	h("GET /api/v1/feedback", kit.User(s.feedback.List))
	h("GET /api/v1/stats/feedback", kit.Roles(statsRoles...)(s.feedback.Figures))
	h("GET /api/v1/stats/feedback/compare", kit.Roles(statsRoles...)(s.feedback.Compare))
	h("POST /api/v1/units/{id}/feedback-kiosks", kit.User(s.feedback.KioskCreate))
	h("GET /api/v1/units/{id}/feedback-kiosks", kit.User(s.feedback.Kiosks))
	h("DELETE /api/v1/units/{id}/feedback-kiosks/{kiosk}", kit.User(s.feedback.KioskRevoke))
	h("GET /units/{id}/feedback", s.feedback.UnitPage)
	h("POST /units/{id}/feedback", s.feedback.UnitSubmit)
	h("GET /units/{id}/feedback-qr", s.feedback.QR)
	h("GET /feedback/kiosk/{token}", s.feedback.KioskPage)
	h("POST /feedback/kiosk/{token}", s.feedback.KioskSubmit)
	h("GET /feedback", s.feedback.PortalPage)
	h("POST /feedback", s.feedback.PortalSubmit)
	h("GET /staff/feedback", s.feedback.StaffPage)
	h("POST /staff/feedback/kiosks", kit.User(s.feedback.KioskCreate))
	h("POST /staff/feedback/kiosks/{kiosk}/revoke", kit.User(s.feedback.KioskRevoke))
	h("GET /api/v1/units/{id}/feedback-questions", s.feedback.QuestionList)
	h("POST /api/v1/units/{id}/feedback-questions", kit.User(s.feedback.QuestionCreate))
	h("GET /api/v1/units/{id}/feedback-questions/results", kit.User(s.feedback.QuestionResults))
	h("DELETE /api/v1/units/{id}/feedback-questions/{qid}", kit.User(s.feedback.QuestionRetire))
	h("POST /staff/feedback/questions", kit.User(s.feedback.QuestionForm))
	h("POST /staff/feedback/questions/{qid}/retire", kit.User(s.feedback.QuestionRetire))
	h("GET /feedback/visit/{token}", s.feedback.VisitPage)
	h("POST /feedback/visit/{token}", s.feedback.VisitSubmit)
	h("GET /stats/feedback", kit.Roles(statsRoles...)(s.feedback.Figures))
	h("GET /stats/feedback/compare", kit.Roles(statsRoles...)(s.feedback.Compare))

	// The resident survey: residents answer with an invitation link and
	// no account; administrators create invitations; analysts and
	// administrators read the figures.
	h("GET /api/v1/surveys", s.feedback.SurveyList)
	h("GET /api/v1/surveys/{id}", s.feedback.SurveyGet)
	h("POST /api/v1/surveys/{id}/invitations", kit.User(s.feedback.SurveyInvite))
	h("GET /api/v1/surveys/{id}/results", kit.User(s.feedback.SurveyResults))
	h("POST /api/v1/survey-responses", s.feedback.SurveyRespond)
	h("GET /survey/{token}", s.feedback.SurveyInvitationPage)
	h("POST /survey/{token}/answer", s.feedback.SurveyAnswerForm)
	h("POST /survey/{token}/back", s.feedback.SurveyBackForm)
	h("POST /survey/{token}/send", s.feedback.SurveySendForm)
	h("GET /surveys/{id}/results", kit.User(s.feedback.SurveyResults))

	// Service statistics: service events from integration clients (a
	// bearer token with the scope events:write), the open data of volumes (public aggregates),
	// the management dashboard for managers and analysts, and the annual
	// report, public as the sector publishes it.
	h("POST /api/v1/events", s.events.Create)
	h("GET /api/v1/stats/volumes", s.figures.Volumes)
	h("GET /dashboard", kit.Roles(statsRoles...)(s.figures.Dashboard))
	h("GET /report/{year}", s.figures.AnnualReport)
	h("GET /report/{year}/print.css", s.figures.ReportPrintCSS)
	h("GET /api/v1/reports/{year}", s.figures.AnnualReport)

	// Staff, economy and sustainability (web/yearweb): HR's and
	// finance's own figures, which analysts read too; only HR and finance
	// store records.
	h("GET /personnel", kit.Roles(sotepe.RoleHR, sotepe.RoleAnalyst)(s.year.StaffFigures))
	h("GET /api/v1/staff/figures", kit.Roles(sotepe.RoleHR, sotepe.RoleAnalyst)(s.year.StaffFigures))
	h("POST /api/v1/staff/employments", kit.Roles(sotepe.RoleHR)(s.year.StaffEmployments))
	h("GET /economy", kit.Roles(sotepe.RoleFinance, sotepe.RoleAnalyst)(s.year.EconomyFigures))
	h("GET /api/v1/economy/figures", kit.Roles(sotepe.RoleFinance, sotepe.RoleAnalyst)(s.year.EconomyFigures))
	h("POST /api/v1/economy/budget", kit.Roles(sotepe.RoleFinance)(s.year.EconomyBudget))
	h("GET /sustainability", kit.Roles(sotepe.RoleFinance, sotepe.RoleAnalyst)(s.year.SustainabilityFigures))
	h("GET /api/v1/sustainability/figures", kit.Roles(sotepe.RoleFinance, sotepe.RoleAnalyst)(s.year.SustainabilityFigures))

	// Purchased services (web/procurementweb): the comparison of producers'
	// quality figures and the year's totals for the contract manager and
	// analysts; contracts, voucher kinds, supervision and producers'
	// registrations for the contract manager only; professionals' voucher
	// decisions for a resident, read on a basis; residents' own voucher
	// decisions.
	procurementFigureRoles := []sotepe.Role{sotepe.RoleContractManager, sotepe.RoleAnalyst}
	h("GET /procurement", kit.Roles(procurementFigureRoles...)(s.procurement.Compare))
	h("GET /api/v1/procurement/comparison", kit.Roles(procurementFigureRoles...)(s.procurement.Compare))
	h("GET /api/v1/procurement/totals", kit.Roles(procurementFigureRoles...)(s.procurement.Totals))
	h("GET /procurement/contracts", kit.Roles(sotepe.RoleContractManager)(s.procurement.Contracts))
	h("GET /api/v1/procurement/contracts", kit.Roles(sotepe.RoleContractManager)(s.procurement.Contracts))
	h("POST /api/v1/procurement/contracts", kit.Roles(sotepe.RoleContractManager)(s.procurement.SaveContract))
	h("GET /api/v1/procurement/voucher-kinds", kit.Roles(sotepe.RoleContractManager)(s.procurement.VoucherKinds))
	h("POST /api/v1/procurement/voucher-kinds", kit.Roles(sotepe.RoleContractManager)(s.procurement.VoucherKindSave))
	h("GET /procurement/voucher-kinds", kit.Roles(sotepe.RoleContractManager)(s.procurement.VoucherKindsPage))
	h("POST /procurement/voucher-kinds", kit.Roles(sotepe.RoleContractManager)(s.procurement.VoucherKindForm))
	h("GET /procurement/supervision", kit.Roles(sotepe.RoleContractManager)(s.procurement.Supervision))
	h("GET /api/v1/procurement/supervision", kit.Roles(sotepe.RoleContractManager)(s.procurement.Supervision))
	h("POST /procurement/supervision/plans", kit.Roles(sotepe.RoleContractManager)(s.procurement.SupervisionPlanForm))
	h("POST /procurement/supervision/visits", kit.Roles(sotepe.RoleContractManager)(s.procurement.SupervisionVisitForm))
	h("POST /api/v1/procurement/plans", kit.Roles(sotepe.RoleContractManager)(s.procurement.AddPlan))
	h("POST /api/v1/procurement/visits", kit.Roles(sotepe.RoleContractManager)(s.procurement.AddVisit))
	h("GET /procurement/producers", kit.Roles(sotepe.RoleContractManager)(s.procurement.ProducersPage))
	h("POST /procurement/producers", kit.Roles(sotepe.RoleContractManager)(s.procurement.ProducerForm))
	h("GET /api/v1/procurement/registrations", kit.Roles(sotepe.RoleContractManager)(s.procurement.RegistrationsList))
	h("PUT /api/v1/procurement/registrations/{producer}", kit.Roles(sotepe.RoleContractManager)(s.procurement.RegistrationPut))
	h("GET /staff/residents/{id}/vouchers", kit.Roles(sotepe.RoleProfessional)(kit.ByID("resident", s.procurement.StaffVouchersPage)))
	h("POST /staff/residents/{id}/vouchers", kit.Roles(sotepe.RoleProfessional)(kit.ByID("resident", s.procurement.StaffVoucherForm)))
	h("GET /api/v1/residents/{id}/voucher-decisions", kit.Roles(sotepe.RoleProfessional)(kit.ByID("resident", s.procurement.StaffVoucherDecisions)))
	h("POST /api/v1/residents/{id}/voucher-decisions", kit.Roles(sotepe.RoleProfessional)(kit.ByID("resident", s.procurement.StaffDecideVoucher)))
	h("GET /me/voucher-decisions", kit.Roles(sotepe.RoleResident)(s.procurement.OwnVouchersPage))
	h("GET /api/v1/me/voucher-decisions", kit.Roles(sotepe.RoleResident)(s.procurement.OwnVoucherDecisions))
	h("GET /api/v1/me/voucher-decisions/{id}", kit.Roles(sotepe.RoleResident)(kit.ByID("voucher decision", s.procurement.OwnVoucherDecision)))

	// HL7 FHIR R4 for other systems (package fhir): it answers every path
	// under the prefix itself, OperationOutcomes included.
	h("/fhir/R4/", s.fhir)

	h("/", s.notFoundHandler)

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return errCrossOrigin
	}))
	return s.observe(s.language(cop.Handler(s.authenticate(s.checkInput(mux)))))
}

// statsRoles may see the figures of the answer promise, the chats, the
// assessments and the feedback, and the dashboard.
var statsRoles = []sotepe.Role{sotepe.RoleManager, sotepe.RoleAnalyst, sotepe.RoleAdmin}
