package web_test

import (
	"testing"
)

// accessRows is the matrix: one row per route. Columns: anon, owner,
// other, pro, proOther, mgrOther, analyst, admin, contractMgr,
// rescueOfficer, hrOfficer, financeOfficer.
func accessRows() []access {
	const (
		req     = "/api/v1/contact-requests/{req}"
		appt    = "/api/v1/appointments/{appt}"
		session = "/api/v1/assessment-sessions/{sid}"
		kallio  = "/api/v1/units/kallio-health-station"
	)
	rows := []access{
		// Operations and the public directory: the same for everyone.
		{route: "GET /healthz", want: everyone(200), method: "GET", path: "/healthz"},
		{route: "GET /readyz", want: everyone(200), method: "GET", path: "/readyz"},
		{route: "GET /metrics", want: everyone(200), method: "GET", path: "/metrics"},
		{route: "GET /static/", want: everyone(200), method: "GET", path: "/static/style.css"},
		{route: "GET /api/v1/openapi.json", want: everyone(200), method: "GET", path: "/api/v1/openapi.json"},
		{route: "GET /{$}", want: everyone(200), method: "GET", path: "/"},
		{route: "GET /units", want: everyone(200), method: "GET", path: "/units"},
		{route: "GET /api/v1/units", want: everyone(200), method: "GET", path: "/api/v1/units"},
		{route: "GET /units/{id}", want: everyone(200), method: "GET", path: "/units/kallio-health-station"},
		{route: "GET /api/v1/units/{id}", want: everyone(200), method: "GET", path: kallio},
		{route: "GET /services", want: everyone(200), method: "GET", path: "/services"},
		{route: "GET /api/v1/services", want: everyone(200), method: "GET", path: "/api/v1/services"},
		{route: "GET /api/v1/services/{id}", want: everyone(200), method: "GET", path: "/api/v1/services/health-station-nurse"},
		{route: "GET /api/v1/areas", want: everyone(200), method: "GET", path: "/api/v1/areas"},
		{route: "GET /api/v1/concepts", want: everyone(200), method: "GET", path: "/api/v1/concepts"},
		{route: "GET /api/v1/districts", want: everyone(200), method: "GET", path: "/api/v1/districts"},
		{route: "GET /api/v1/producers", want: everyone(200), method: "GET", path: "/api/v1/producers"},

		// Signing in and the user's own data.
		{route: "GET /login", want: everyone(200), method: "GET", path: "/login"},
		{route: "POST /login", want: everyone(303), method: "POST", path: "/login", body: "username=erik&password=demo", relogin: true},
		{route: "POST /logout", want: everyone(303), method: "POST", path: "/logout", body: "x=1", relogin: true},
		{route: "POST /api/v1/session", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/session", body: `{"username":"erik","password":"demo"}`, relogin: true},
		{route: "DELETE /api/v1/session", want: want{204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204}, method: "DELETE", path: "/api/v1/session", relogin: true},
		{route: "GET /me", want: want{login, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/me"},
		{route: "GET /api/v1/me", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/api/v1/me"},
		{route: "GET /me/access-log", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/me/access-log"},
		{route: "GET /api/v1/me/access-log", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/access-log"},
		{route: "GET /login/{provider}", want: everyone(303), method: "GET", path: "/login/test-idp"},
		{route: "GET /login/{provider}/callback", want: everyone(401), method: "GET", path: "/login/test-idp/callback?code=x&state=y"},
		{route: "/test-idp/", want: everyone(200), method: "GET", path: "/test-idp/residents/.well-known/openid-configuration"},
		{route: "GET /me/acting-log", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/me/acting-log"},
		{route: "GET /api/v1/me/acting-log", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/acting-log"},
		{route: "POST /me/guardians", want: want{401, 400, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/me/guardians", body: "denied=on"},
		{route: "PUT /api/v1/me/guardians", want: want{401, 400, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "PUT", path: "/api/v1/me/guardians", body: `{"denied":true}`},
		{route: "GET /acting", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/acting"},
		{route: "POST /acting", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/acting", body: "principal=self"},
		{route: "GET /api/v1/me/principals", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/me/principals"},
		{route: "POST /api/v1/session/acting-for", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/session/acting-for", body: `{"principal":null}`},

		// Staff reads of residents' data: any staff member with a basis,
		// audited; residents and analysts never.
		{route: "GET /staff/residents", want: want{login, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/residents"},
		{route: "POST /staff/residents", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/staff/residents", body: "personal_id={pid}&basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		{route: "GET /api/v1/residents/{id}", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/residents/{resident}?basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		{route: "POST /api/v1/residents/search", want: want{401, 403, 403, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/api/v1/residents/search", body: `{"personal_id":"{pid}","basis":"care_relationship"}`, sees: []actor{proOther, mgrOther, admin}},
		{route: "GET /staff/audit", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/audit"},
		{route: "GET /api/v1/audit/summary", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/audit/summary"},

		// Contact requests.
		{route: "POST /api/v1/contact-requests", want: want{401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests", body: `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Uusi viesti."}`},
		// The same route as staff use it: a phone request for anna into
		// Kallio, sent again with the Idempotency-Key under which the Kallio
		// nurse recorded one (issue 13, holes 1 and 3).
		{route: "POST /api/v1/contact-requests", name: "POST /api/v1/contact-requests (phone, another's key)", want: want{401, 403, 403, 200, refused, refused, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests", header: []string{"Idempotency-Key", "{phonekey}"},
			body: `{"service":"health-station-nurse","unit":"kallio-health-station","message":"Soitti.","channel":"phone","resident":{resident}}`},
		{route: "GET /api/v1/contact-requests", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/contact-requests"},
		{route: "GET /api/v1/contact-requests/{id}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: req},
		{route: "POST /api/v1/contact-requests/{id}/messages", want: want{401, 201, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: req + "/messages", body: `{"message":"Lisätieto."}`},
		{route: "POST /api/v1/contact-requests/{id}/assign", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: req + "/assign", body: `{}`},
		{route: "POST /api/v1/contact-requests/{id}/close", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: req + "/close", body: `{"resolution":"answered"}`, fresh: freshRequest},
		{route: "GET /requests", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/requests"},
		{route: "GET /requests/new", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/requests/new"},
		{route: "POST /requests/new", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/requests/new", body: "service=health-station-nurse&unit=kallio-health-station&message=Uusi+viesti."},
		{route: "GET /requests/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/requests/{req}"},
		{route: "POST /requests/{id}/reply", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/requests/{req}/reply", body: "message=Lis%C3%A4tieto."},
		{route: "GET /queue", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue"},
		{route: "GET /queue/phone", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue/phone"},
		{route: "POST /queue/phone", want: want{401, 403, 403, 303, refused, refused, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/phone", body: "personal_id={pid}&service=health-station-nurse&unit=kallio-health-station&received_at=2026-11-20T09:30&message=Soitti."},
		{route: "GET /contact", want: everyone(200), method: "GET", path: "/contact"},
		// The website form takes five an hour from one address, and every
		// cell comes from 127.0.0.1.
		{route: "POST /contact", want: want{200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429}, method: "POST", path: "/contact", body: "service=senior-info&name=Maja&email=maja%40example.org&message=Kysymys."},
		{route: "GET /queue/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/queue/{req}"},
		{route: "POST /queue/{id}/reply", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/queue/{req}/reply", body: "message=Vastaus.&kind=answer"},
		{route: "POST /queue/{id}/{action}", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{req}/close", body: "resolution=answered", fresh: freshRequest},

		// The calendar.
		{route: "GET /api/v1/calendar/deadline", want: everyone(200), method: "GET", path: "/api/v1/calendar/deadline?from=2026-11-23T10:00:00%2B02:00"},
		{route: "GET /api/v1/calendar/closures", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/calendar/closures"},
		{route: "POST /api/v1/calendar/closures", want: want{401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403}, method: "POST", path: "/api/v1/calendar/closures", body: `{"date":"2027-02-01","names":{"fi":"Suljettu","sv":"Stängt","en":"Closed"}}`},
		{route: "DELETE /api/v1/calendar/closures/{date}", want: want{401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403}, method: "DELETE", path: "/api/v1/calendar/closures/{date}", fresh: freshClosure},
		{route: "GET /api/v1/calendar/{year}", want: everyone(200), method: "GET", path: "/api/v1/calendar/2026"},
		{route: "GET /stats/contact-requests", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/contact-requests"},
		{route: "GET /api/v1/stats/contact-requests", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/contact-requests"},

		// Appointments.
		{route: "GET /api/v1/slots", want: everyone(200), method: "GET", path: "/api/v1/slots?service=health-station-nurse&unit=kallio-health-station&limit=3"},
		// A start after the demo's times (demo.DemoApptDays from the test
		// clock): a start that overlaps one of the nurse's is 409.
		{route: "POST /api/v1/slots", want: want{401, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/slots", body: `{"unit":"kallio-health-station","service":"health-station-nurse","mode":"video","minutes":20,"start":"2027-02-02T10:00:00+02:00"}`},
		{route: "POST /api/v1/slots/{id}/close", want: want{401, 403, 403, 204, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/slots/{slot}/close", fresh: freshSlot},
		{route: "GET /api/v1/appointments", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointments"},
		{route: "POST /api/v1/appointments", want: want{401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/appointments", body: `{"slot":{slot}}`, fresh: freshSlot},
		{route: "GET /api/v1/appointments/{id}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: appt},
		{route: "GET /api/v1/appointments/{id}/ics", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: appt + "/ics"},
		{route: "POST /api/v1/appointments/{id}/cancel", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/cancel", fresh: freshAppt},
		{route: "POST /api/v1/appointments/{id}/reschedule", want: want{401, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/reschedule", body: `{"slot":{slot}}`, fresh: func(t *testing.T, f *fixture) map[string]string {
			return map[string]string{"appt": f.newAppt(), "slot": f.newSlot()}
		}},
		{route: "POST /api/v1/appointments/{id}/mark", want: want{401, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: appt + "/mark", body: `{"status":"no_show"}`, fresh: freshAppt},
		{route: "GET /api/v1/appointment-calendar", want: want{401, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointment-calendar"},
		{route: "GET /api/v1/appointment-tickets", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/appointment-tickets"},
		{route: "POST /api/v1/appointment-tickets", want: want{401, 403, 403, 201, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/appointment-tickets", body: `{"resident":{resident},"service":"doctor-appointment","contact_request":{req}}`},
		{route: "GET /api/v1/waitlist", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/waitlist"},
		{route: "POST /api/v1/waitlist", want: want{401, 201, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/waitlist", body: `{"appointment":{appt}}`, fresh: freshApptNoWait},
		{route: "DELETE /api/v1/waitlist/{id}", want: want{401, 204, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "DELETE", path: "/api/v1/waitlist/{wait}", fresh: freshWait},
		{route: "GET /api/v1/stats/appointments", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/appointments"},
		{route: "GET /api/v1/services/{id}/booking", want: everyone(200), method: "GET", path: "/api/v1/services/doctor-appointment/booking"},
		{route: "PUT /api/v1/services/{id}/booking", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "PUT", path: "/api/v1/services/doctor-appointment/booking", body: `{"direct_booking":false,"cancel_limit_hours":24,"offer_hold_hours":12,"guarantee_days":90,"guarantee_days_young":14}`},
		{route: "GET /appointments", want: want{login, 200, 200, 303, 303, 303, 303, 303, 303, 303, 303, 303}, method: "GET", path: "/appointments"},
		{route: "GET /appointments/new", want: everyone(200), method: "GET", path: "/appointments/new"},
		{route: "POST /appointments/book", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/book", body: "slot={slot}", fresh: freshSlot},
		{route: "GET /appointments/{id}", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/appointments/{appt}"},
		{route: "POST /appointments/{id}/cancel", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/appointments/{appt}/cancel", body: "x=1", fresh: freshAppt},
		{route: "POST /appointments/{id}/waitlist", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/{appt}/waitlist", body: "x=1", fresh: freshApptNoWait},
		{route: "POST /appointments/waitlist/{id}/leave", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/waitlist/{wait}/leave", body: "x=1", fresh: freshWait},
		{route: "GET /staff/calendar", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/calendar"},
		{route: "POST /staff/calendar/{id}/mark", want: want{401, 404, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/staff/calendar/{appt}/mark", body: "status=no_show", fresh: freshAppt},
		{route: "POST /staff/slots", want: want{401, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots", body: "unit=kallio-health-station&service=health-station-nurse&mode=video&minutes=20&from=2027-03-01&to=2027-03-02&day=1&start=09:00&end=10:00"},
		{route: "POST /staff/slots/{id}/close", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots/{slot}/close", body: "x=1", fresh: freshSlot},
		{route: "GET /staff/slots/{id}/book", want: want{login, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/slots/{slot2}/book"},
		{route: "POST /staff/slots/{id}/book", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/staff/slots/{slot}/book", body: "personal_id={pid}&basis=care_relationship", fresh: freshSlot},
		{route: "POST /queue/{id}/ticket", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{req}/ticket", body: "service=doctor-appointment"},
		{route: "GET /staff/booking-rules", want: want{login, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/staff/booking-rules"},
		{route: "POST /staff/booking-rules", want: want{401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403}, method: "POST", path: "/staff/booking-rules", body: "service=doctor-appointment&cancel_hours=24&hold_hours=12&guarantee_days=90&guarantee_days_young=14"},
		{route: "GET /stats/appointments", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/appointments"},

		// Assessments.
		{route: "GET /api/v1/assessments", want: everyone(200), method: "GET", path: "/api/v1/assessments"},
		{route: "GET /api/v1/assessments/{id}", want: everyone(200), method: "GET", path: "/api/v1/assessments/dental-pain"},
		{route: "POST /api/v1/assessments/{id}/sessions", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/assessments/dental-pain/sessions"},
		{route: "GET /api/v1/assessment-sessions/{sid}", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: session},
		{route: "POST /api/v1/assessment-sessions/{sid}/answers", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: session + "/answers", body: `{"question":"swelling-breathing","value":false}`, fresh: freshSession},
		{route: "POST /api/v1/assessment-sessions/{sid}/back", want: want{404, 409, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: session + "/back", body: `{}`, fresh: freshSession},
		{route: "POST /api/v1/assessment-sessions/{sid}/handover", want: want{401, 409, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: session + "/handover", body: `{"unit":"kallio-dental-clinic"}`, fresh: freshSession},
		{route: "GET /api/v1/contact-requests/{id}/assessment", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/api/v1/contact-requests/{handed}/assessment"},
		{route: "POST /api/v1/contact-requests/{id}/assessment/grading", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/contact-requests/{handed}/assessment/grading", body: `{"urgency":"urgent"}`},
		{route: "GET /api/v1/stats/assessments", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/assessments"},
		{route: "GET /stats/assessments", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/assessments"},
		{route: "GET /assessments", want: everyone(200), method: "GET", path: "/assessments"},
		{route: "GET /assessments/{id}", want: everyone(200), method: "GET", path: "/assessments/dental-pain"},
		{route: "POST /assessments/{id}/start", want: everyone(303), method: "POST", path: "/assessments/dental-pain/start", body: "x=1"},
		{route: "GET /assessment-sessions/{sid}", want: want{404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/assessment-sessions/{sid}"},
		{route: "POST /assessment-sessions/{sid}/answer", want: want{404, 303, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/assessment-sessions/{sid}/answer", body: "question=swelling-breathing&value=false", fresh: freshSession},
		{route: "POST /assessment-sessions/{sid}/back", want: want{404, 303, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/assessment-sessions/{sid}/back", body: "x=1", fresh: freshSession},
		{route: "POST /assessment-sessions/{sid}/handover", want: want{login, 409, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/assessment-sessions/{sid}/handover", body: "unit=kallio-dental-clinic", fresh: freshSession},
		{route: "GET /queue/{id}/assessment", want: want{login, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/queue/{handed}/assessment"},
		{route: "POST /queue/{id}/assessment", want: want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/queue/{handed}/assessment", body: "urgency=urgent"},

		// Feedback.
		{route: "POST /api/v1/feedback", want: want{201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201}, method: "POST", path: "/api/v1/feedback", body: `{"unit":"kallio-health-station","score":8}`},
		{route: "GET /api/v1/feedback", want: want{401, 200, 200, 403, 403, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/feedback"},
		{route: "GET /api/v1/stats/feedback", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/feedback"},
		{route: "GET /api/v1/stats/feedback/compare", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/feedback/compare"},
		{route: "POST /api/v1/units/{id}/feedback-kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 201, 404, 404, 404, 404}, method: "POST", path: kallio + "/feedback-kiosks"},
		{route: "GET /api/v1/units/{id}/feedback-kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404}, method: "GET", path: kallio + "/feedback-kiosks"},
		{route: "DELETE /api/v1/units/{id}/feedback-kiosks/{kiosk}", want: want{401, 404, 404, 404, 404, 404, 404, 204, 404, 404, 404, 404}, method: "DELETE", path: kallio + "/feedback-kiosks/{kiosk}", fresh: freshKiosk},
		{route: "GET /units/{id}/feedback", want: everyone(200), method: "GET", path: "/units/kallio-health-station/feedback"},
		{route: "POST /units/{id}/feedback", want: everyone(200), method: "POST", path: "/units/kallio-health-station/feedback", body: "score=7&via=qr"},
		{route: "GET /units/{id}/feedback-qr", want: everyone(200), method: "GET", path: "/units/kallio-health-station/feedback-qr"},
		{route: "GET /feedback/kiosk/{token}", want: everyone(200), method: "GET", path: "/feedback/kiosk/{ktoken}"},
		{route: "POST /feedback/kiosk/{token}", want: everyone(200), method: "POST", path: "/feedback/kiosk/{ktoken}", body: "score=7"},
		{route: "GET /feedback", want: want{login, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/feedback"},
		{route: "POST /feedback", want: want{401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/feedback", body: "unit=kallio-health-station&score=7"},
		{route: "GET /staff/feedback", want: want{login, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/feedback"},
		{route: "POST /staff/feedback/kiosks", want: want{401, 404, 404, 404, 404, 404, 404, 403, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/kiosks", body: "unit=kallio-health-station"},
		{route: "POST /staff/feedback/kiosks/{kiosk}/revoke", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/kiosks/{kiosk}/revoke", body: "unit=kallio-health-station", fresh: freshKiosk},
		{route: "GET /api/v1/units/{id}/feedback-questions", want: everyone(200), method: "GET", path: kallio + "/feedback-questions"},
		{route: "POST /api/v1/units/{id}/feedback-questions", want: want{401, 404, 404, 404, 404, 404, 404, 201, 404, 404, 404, 404}, method: "POST", path: kallio + "/feedback-questions", body: `{"kind":"scale","text":{"fi":"A?","sv":"A?","en":"A?"},"low":{"fi":"Ei","sv":"Nej","en":"No"},"high":{"fi":"Kyllä","sv":"Ja","en":"Yes"}}`, fresh: func(t *testing.T, f *fixture) map[string]string {
			// At most three questions per unit: make room for one.
			f.must(f.manager.do("DELETE", "/api/v1/units/kallio-health-station/feedback-questions/"+f.newQuestion(f.manager), ""), 204, "retire")
			return nil
		}},
		{route: "GET /api/v1/units/{id}/feedback-questions/results", want: want{401, 404, 404, 404, 404, 404, 200, 200, 404, 404, 404, 404}, method: "GET", path: kallio + "/feedback-questions/results"},
		{route: "DELETE /api/v1/units/{id}/feedback-questions/{qid}", want: want{401, 404, 404, 404, 404, 404, 404, 204, 404, 404, 404, 404}, method: "DELETE", path: kallio + "/feedback-questions/{qid}", fresh: freshQuestion},
		{route: "POST /staff/feedback/questions", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/questions", body: "unit=kallio-health-station&kind=scale&text_fi=A&text_sv=A&text_en=A&low_fi=Ei&low_sv=Nej&low_en=No&high_fi=Kyll%C3%A4&high_sv=Ja&high_en=Yes"},
		{route: "POST /staff/feedback/questions/{qid}/retire", want: want{401, 404, 404, 404, 404, 404, 404, 303, 404, 404, 404, 404}, method: "POST", path: "/staff/feedback/questions/{qid}/retire", body: "unit=kallio-health-station", fresh: freshQuestion},
		{route: "GET /feedback/visit/{token}", want: everyone(404), method: "GET", path: "/feedback/visit/no-such-token"},
		{route: "POST /feedback/visit/{token}", want: everyone(404), method: "POST", path: "/feedback/visit/no-such-token", body: "score=7"},
		{route: "GET /stats/feedback", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/feedback"},
		{route: "GET /stats/feedback/compare", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/feedback/compare"},

		// The resident survey.
		{route: "GET /api/v1/surveys", want: everyone(200), method: "GET", path: "/api/v1/surveys"},
		{route: "GET /api/v1/surveys/{id}", want: everyone(200), method: "GET", path: "/api/v1/surveys/resident-2025"},
		{route: "POST /api/v1/surveys/{id}/invitations", want: want{401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403}, method: "POST", path: "/api/v1/surveys/resident-2025/invitations", body: `{"count":1}`},
		{route: "GET /api/v1/surveys/{id}/results", want: want{401, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/surveys/resident-2025/results"},
		{route: "POST /api/v1/survey-responses", want: want{400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400}, method: "POST", path: "/api/v1/survey-responses", body: `{"token":"{invite}","lang":"fi","answers":[]}`, fresh: freshInvite},
		{route: "GET /survey/{token}", want: everyone(200), method: "GET", path: "/survey/{invite}"},
		{route: "POST /survey/{token}/answer", want: want{409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409}, method: "POST", path: "/survey/{invite}/answer", body: "question=x&value=1", fresh: freshInvite},
		{route: "POST /survey/{token}/back", want: everyone(303), method: "POST", path: "/survey/{invite}/back", body: "x=1", fresh: freshInvite},
		{route: "POST /survey/{token}/send", want: want{409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409}, method: "POST", path: "/survey/{invite}/send", body: "x=1", fresh: freshInvite},
		{route: "GET /surveys/{id}/results", want: want{login, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/surveys/resident-2025/results"},

		// Service statistics.
		{route: "POST /api/v1/events", want: want{401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401}, method: "POST", path: "/api/v1/events", body: `{"events":[]}`},
		{route: "GET /api/v1/stats/volumes", want: everyone(200), method: "GET", path: "/api/v1/stats/volumes?year=2026"},
		{route: "GET /dashboard", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/dashboard"},
		{route: "GET /report/{year}", want: everyone(200), method: "GET", path: "/report/2026"},
		{route: "GET /report/{year}/print.css", want: everyone(200), method: "GET", path: "/report/2026/print.css"},
		{route: "GET /api/v1/reports/{year}", want: everyone(200), method: "GET", path: "/api/v1/reports/2026"},

		// HL7 FHIR R4 (package fhir): the directory and free times are
		// public; an appointment is its resident's and its unit's; a
		// Patient is the resident themselves, or staff's on a basis.
		{route: "/fhir/R4/", name: "GET /fhir/R4/metadata", want: everyone(200), method: "GET", path: "/fhir/R4/metadata"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Slot", want: everyone(200), method: "GET", path: "/fhir/R4/Slot?service-type=health-station-nurse&_count=3"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Appointment/{appt}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/fhir/R4/Appointment/{appt}"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Appointment", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/fhir/R4/Appointment"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/Patient/{resident}", want: want{401, 200, 404, 200, 200, 200, 403, 200, 403, 403, 403, 403}, method: "GET", path: "/fhir/R4/Patient/{resident}?basis=care_relationship", sees: []actor{proOther, mgrOther, admin}},
		// Staff's names and units are not public: signed-in people only.
		{route: "/fhir/R4/", name: "GET /fhir/R4/Practitioner", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/fhir/R4/Practitioner?name=nurmi"},
		{route: "/fhir/R4/", name: "GET /fhir/R4/PractitionerRole", want: want{401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}, method: "GET", path: "/fhir/R4/PractitionerRole?location=Location/kallio-health-station"},
		// An assessment hand-over: as the contact request's assessment.
		{route: "/fhir/R4/", name: "GET /fhir/R4/QuestionnaireResponse/{handed}", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/fhir/R4/QuestionnaireResponse/{handed}"},
		{route: "/", want: everyone(404), method: "GET", path: "/no/such/page"},
	}
	// Chats with professionals (chats_test.go), and their figures
	// (chat_stats_test.go): aggregates, the Töölö manager's of no chats.
	rows = append(rows,
		access{route: "GET /api/v1/stats/chats", want: want{401, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/api/v1/stats/chats?by=unit"},
		access{route: "GET /stats/chats", want: want{login, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403}, method: "GET", path: "/stats/chats?by=line"})
	rows = append(rows, chatRows()...)
	// The rescue department (rescue_test.go).
	rows = append(rows, rescueRows()...)
	rows = append(rows, staffAccessRows()...)
	// Purchased services (procurement_test.go).
	rows = append(rows, procurementRows()...)
	// Video appointments (video_access_test.go).
	return append(rows, videoRows()...)
}
