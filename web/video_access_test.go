package web_test

import (
	"testing"
)

// The access matrix's video rows: anna's video appointment at Kallio
// ({video}, from newFixture); rows that use one up (call me instead) get
// a fresh one, rows of invitations a fresh invitation by the Kallio nurse.

// freshVideo books a spare Kallio video time for anna.
func freshVideo(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	for i := len(f.spare) - 1; i >= 0; i-- {
		if f.spare[i].Mode == "video" {
			sl := f.spare[i]
			f.spare = append(f.spare[:i:i], f.spare[i+1:]...)
			return map[string]string{"video": f.book(f.clients[owner], sl.ID)}
		}
	}
	t.Fatal("no spare video slots left")
	return nil
}

// freshVideoInvite has the Kallio nurse invite an interpreter to anna's
// video appointment; vtoken is its token, vinvite its id.
func freshVideoInvite(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	var inv struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	f.must(f.clients[pro].do("POST", "/api/v1/appointments/"+f.vars["video"]+"/video/invites", `{"role":"interpreter"}`), 201, "video invitation").json(t, &inv)
	return map[string]string{"vtoken": inv.Token, "vinvite": itoa(inv.ID)}
}

// videoRows are the access matrix's rows of video appointments. Columns:
// anon, owner, other, pro, proOther, mgrOther, analyst, admin,
// contractMgr, rescueOfficer, hrOfficer, financeOfficer.
func videoRows() []access {
	return []access{
		{route: "GET /appointments/{id}/video", want: want{login, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/appointments/{video}/video"},
		{route: "POST /appointments/{id}/video", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/appointments/{video}/video", body: "x=1"},
		// Not a WebSocket handshake: 400 to those who may join, 404 to the rest.
		{route: "GET /appointments/{id}/video/ws", want: want{login, refused, 404, refused, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/appointments/{video}/video/ws"},
		{route: "POST /appointments/{id}/video/phone", want: want{401, 303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/appointments/{video}/video/phone", body: "x=1", fresh: freshVideo},
		{route: "POST /appointments/{id}/video/invites", want: want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/appointments/{video}/video/invites", body: "role=interpreter"},
		{route: "GET /api/v1/appointments/{id}/video", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "GET", path: "/api/v1/appointments/{video}/video"},
		{route: "POST /api/v1/appointments/{id}/phone", want: want{401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404}, method: "POST", path: "/api/v1/appointments/{video}/phone", fresh: freshVideo},
		{route: "POST /api/v1/appointments/{id}/video/invites", want: want{401, 403, 403, 201, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/appointments/{video}/video/invites", body: `{"role":"guardian"}`},
		{route: "GET /video/check", want: everyone(200), method: "GET", path: "/video/check?appointment={video}"},
		// An invitation shows the unit and the time, nothing of anna.
		{route: "GET /video/invite/{token}", want: everyone(200), method: "GET", path: "/video/invite/{vtoken}", fresh: freshVideoInvite},
		{route: "POST /video/invite/{token}", want: everyone(303), method: "POST", path: "/video/invite/{vtoken}", body: "x=1", fresh: freshVideoInvite},
		// Without the guest's key (its cookie), a guest's room is missing.
		{route: "GET /video/guest/{id}", want: everyone(404), method: "GET", path: "/video/guest/{vinvite}", fresh: freshVideoInvite},
		{route: "GET /video/guest/{id}/ws", want: everyone(404), method: "GET", path: "/video/guest/{vinvite}/ws", fresh: freshVideoInvite},
	}
}
