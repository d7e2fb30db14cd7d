package web_test

import (
	"fmt"
	"testing"
)

// The access matrix's chats: anna's waiting chat on line A ({chat}), her
// chat on line C that the Kallio nurse has taken ({chatact}), and her
// ended chat on line B ({chatdone}); rows that use chats up get fresh ones
// on line B.

// chatFixture makes the matrix's chats.
func (f *fixture) chatFixture() {
	f.t.Helper()
	anna, nurse := f.clients[owner], f.clients[pro]
	f.e.present(nurse)
	f.vars["chat"] = itoa(anna.startChat(chatLineA, fmt.Sprintf("Chat %s", f.secrets[0]), 201).ID)
	act := anna.startChat(chatLineC, fmt.Sprintf("Chat %s", f.secrets[0]), 201)
	f.must(nurse.do("POST", fmt.Sprintf("/api/v1/chats/%d/take", act.ID), ""), 200, "take")
	f.vars["chatact"] = itoa(act.ID)
	f.vars["chatdone"] = f.newChat(false)
	f.must(anna.do("POST", "/api/v1/chats/"+f.vars["chatdone"]+"/close", ""), 200, "close")
	f.vars["manager"] = itoa(f.e.ids.Users["manager"])
}

// newChat ends anna's open chat on line B, if any, and starts another
// there, taken by the Kallio nurse when take is set.
func (f *fixture) newChat(take bool) string {
	f.t.Helper()
	anna, nurse := f.clients[owner], f.clients[pro]
	var list struct{ Items []chatJSON }
	f.must(anna.get("/api/v1/chats"), 200, "anna's chats").json(f.t, &list)
	for _, c := range list.Items {
		if c.Service == chatLineB {
			f.must(anna.do("POST", fmt.Sprintf("/api/v1/chats/%d/close", c.ID), ""), 200, "close")
		}
	}
	f.n++
	c := anna.startChat(chatLineB, fmt.Sprintf("Chat %s %d", f.secrets[0], f.n), 201)
	if take {
		f.must(nurse.do("POST", fmt.Sprintf("/api/v1/chats/%d/take", c.ID), ""), 200, "take")
	}
	return itoa(c.ID)
}

func freshChat(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"chat": f.newChat(false)}
}

func freshActiveChat(t *testing.T, f *fixture) map[string]string {
	return map[string]string{"chat": f.newChat(true)}
}

// chatRows are the access matrix's rows of chats. Columns: anon, owner,
// other, pro, proOther, mgrOther, analyst, admin, contractMgr,
// rescueOfficer, hrOfficer, financeOfficer.
func chatRows() []access {
	const chat = "/api/v1/chats/{chat}"
	staffOnly := want{401, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}
	staffForm := want{401, 403, 403, 303, 404, 404, 403, 403, 403, 403, 403, 403}
	return []access{
		{route: "GET /api/v1/chat-services", want: everyone(200), method: "GET", path: "/api/v1/chat-services"},
		{route: "GET /api/v1/chats", want: want{401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/chats"},
		{route: "POST /api/v1/chats", want: want{401, 200, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/chats", body: `{"service":"` + chatLineA + `","message":"Hei"}`},
		{route: "GET /api/v1/chats/{id}", want: want{401, 200, 404, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: chat},
		{route: "GET /api/v1/chats/{id}/events", want: want{401, 200, 404, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/api/v1/chats/{chatdone}/events"},
		{route: "POST /api/v1/chats/{id}/messages", want: want{401, 201, 404, 201, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/chats/{chatact}/messages", body: `{"message":"Lisätieto."}`},
		{route: "POST /api/v1/chats/{id}/typing", want: want{401, 204, 404, 204, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/api/v1/chats/{chatact}/typing"},
		{route: "POST /api/v1/chats/{id}/take", want: staffOnly, method: "POST", path: chat + "/take", fresh: freshChat},
		{route: "POST /api/v1/chats/{id}/transfer", want: staffOnly, method: "POST", path: chat + "/transfer", body: `{"to_user":{manager}}`, fresh: freshActiveChat},
		{route: "POST /api/v1/chats/{id}/handover", want: want{401, 403, 403, 201, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: chat + "/handover", body: `{"kind":"contact_request"}`, fresh: freshActiveChat},
		{route: "POST /api/v1/chats/{id}/close", want: want{401, 200, 404, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "POST", path: chat + "/close", fresh: freshActiveChat},
		{route: "GET /chat", want: everyone(200), method: "GET", path: "/chat"},
		{route: "POST /chat", want: want{401, 303, 303, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/chat", body: "service=" + chatLineA + "&message=Hei"},
		{route: "GET /chat/{id}", want: want{login, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/chat/{chat}"},
		{route: "POST /chat/{id}/messages", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/chat/{chat}/messages", body: "message=Hei"},
		{route: "POST /chat/{id}/close", want: want{401, 303, 404, 403, 403, 403, 403, 403, 403, 403, 403, 403}, method: "POST", path: "/chat/{chat}/close", body: "x=1", fresh: freshChat},
		{route: "GET /staff/chats", want: want{login, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/chats"},
		{route: "GET /staff/chats/{id}", want: want{login, 403, 403, 200, 404, 404, 403, 403, 403, 403, 403, 403}, method: "GET", path: "/staff/chats/{chat}"},
		{route: "POST /staff/chats/{id}/take", want: staffForm, method: "POST", path: "/staff/chats/{chat}/take", body: "x=1", fresh: freshChat},
		{route: "POST /staff/chats/{id}/messages", want: staffForm, method: "POST", path: "/staff/chats/{chatact}/messages", body: "message=Vastaus."},
		{route: "POST /staff/chats/{id}/transfer", want: staffForm, method: "POST", path: "/staff/chats/{chat}/transfer", body: "to_user={manager}", fresh: freshActiveChat},
		{route: "POST /staff/chats/{id}/handover", want: staffForm, method: "POST", path: "/staff/chats/{chat}/handover", body: "x=1", fresh: freshActiveChat},
		{route: "POST /staff/chats/{id}/close", want: staffForm, method: "POST", path: "/staff/chats/{chat}/close", body: "x=1", fresh: freshActiveChat},
	}
}
