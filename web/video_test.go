package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"sotepe"
)

// dialVideo opens the WebSocket at path as c, with extra headers.
func (e *env) dialVideo(c *client, path string, header ...string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+path, &websocket.DialOptions{HTTPClient: c.hc, HTTPHeader: h})
}

// mustDial opens the WebSocket at path as c and closes it when the test
// ends.
func (e *env) mustDial(c *client, path string) *websocket.Conn {
	e.t.Helper()
	conn, res, err := e.dialVideo(c, path)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		e.t.Fatalf("dial %s: %d %v", path, status, err)
	}
	e.t.Cleanup(func() { conn.CloseNow() })
	return conn
}

// recvVideo reads the next message of the room that is not of type skip.
func recvVideo(t *testing.T, conn *websocket.Conn, skip string) sotepe.VideoMessage {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, b, err := conn.Read(ctx)
		cancel()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m sotepe.VideoMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != skip {
			return m
		}
	}
}

func sendVideo(t *testing.T, conn *websocket.Conn, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// TestVideoRoom runs a room through the real server and WebSockets: who
// may join and when, the waiting room and admitting, the relay of a signal,
// an interpreter's single-use link, and "call me instead" ending the room.
func TestVideoRoom(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		withSlots(t, e)
		anna := e.as("anna")
		slots := anna.search("service=health-station-nurse&unit=kallio-health-station&mode=video&limit=1")
		r, a := anna.book(slots[0].ID)
		needStatus(t, r, http.StatusCreated, "booking a video time")
		id := itoa(a.ID)
		room := "/appointments/" + id + "/video"

		// Before the room opens: the page says when, the socket refuses. (The
		// clock moves past the sessions' idle limit: everyone signs in again.)
		e.clock.Set(a.Start.Add(-20 * time.Minute))
		anna, nurse, erik := e.as("anna"), e.as("nurse"), e.as("erik")
		page := anna.get(room)
		needStatus(t, page, 200, "the waiting room")
		if !strings.Contains(page.body, "Odotushuone avautuu") || strings.Contains(page.body, `id="enter-room"`) {
			t.Fatalf("before it opens the room reads %.600s", page.body)
		}
		if _, res, err := e.dialVideo(anna, room+"/ws"); err == nil || res == nil || res.StatusCode != http.StatusConflict {
			t.Fatalf("the socket before the room opens: %v %v", res, err)
		}

		e.clock.Set(a.Start.Add(-10 * time.Minute))
		page = anna.get(room)
		for _, want := range []string{`id="enter-room"`, `data-socket="` + room + `/ws"`, `data-role="resident"`, `id="video-no-relay"`, `id="phone-form"`, `/static/video.js`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("anna's open waiting room lacks %s", want)
			}
		}
		if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("the waiting room's CSP: %q", csp)
		}
		if strings.Contains(page.body, `id="invites"`) {
			t.Error("anna is offered invitations")
		}

		// Strangers and other sites' pages.
		if _, res, err := e.dialVideo(erik, room+"/ws"); err == nil || res == nil || res.StatusCode != http.StatusNotFound {
			t.Fatalf("erik's socket: %v %v", res, err)
		}
		wantStatus(t, erik.get(room), http.StatusNotFound, "erik's waiting room")
		if _, res, err := e.dialVideo(anna, room+"/ws", "Origin", "https://evil.example"); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Fatalf("another site's page opens anna's socket: %v %v", res, err)
		}
		wantStatus(t, anna.get(room+"/ws"), http.StatusBadRequest, "the socket without a handshake")

		// anna waits; the nurse sees her and admits her.
		as := e.mustDial(anna, room+"/ws")
		w := recvVideo(t, as, sotepe.VideoMembers)
		if w.Type != sotepe.VideoWelcome || w.Admitted || w.Role != sotepe.VideoResident || len(w.ICEServers) != 0 {
			t.Fatalf("anna's welcome %+v", w)
		}
		ns := e.mustDial(nurse, room+"/ws")
		if nw := recvVideo(t, ns, sotepe.VideoMembers); nw.Type != sotepe.VideoWelcome || !nw.Admitted {
			t.Fatalf("the nurse's welcome %+v", nw)
		}
		recvVideo(t, ns, sotepe.VideoMembers) // admitted, alone
		ms := recvVideo(t, ns, "")
		if ms.Type != sotepe.VideoMembers || len(ms.Members) != 1 || ms.Members[0].Name != "Anna Virtanen" || ms.Members[0].Admitted {
			t.Fatalf("the nurse sees %+v", ms)
		}
		if page := nurse.get(room); !strings.Contains(page.body, "Asiakas odottaa odotushuoneessa") {
			t.Errorf("the nurse's page does not say anna waits: %.600s", page.body)
		}
		sendVideo(t, ns, `{"type":"admit","peer":"`+w.You+`"}`)
		adm := recvVideo(t, as, sotepe.VideoMembers)
		if adm.Type != sotepe.VideoAdmitted || len(adm.Peers) != 1 {
			t.Fatalf("anna admitted with %+v", adm)
		}
		sendVideo(t, as, `{"type":"signal","to":"`+adm.Peers[0]+`","data":{"sdp":{"type":"offer","sdp":"v=0"}}}`)
		recvVideo(t, ns, sotepe.VideoMembers) // joined
		if s := recvVideo(t, ns, sotepe.VideoMembers); s.Type != sotepe.VideoSignal || s.From != w.You || !strings.Contains(string(s.Data), `"offer"`) {
			t.Fatalf("the nurse got %+v", s)
		}

		// A role the form does not offer is an error at the role's field.
		bad := nurse.do("POST", room+"/invites?lang=sv", "role=doctor", "Content-Type", form)
		checkFieldError(t, "an invitation for a doctor", bad, http.StatusBadRequest, "video-error", "invite-role", errorPrefix["sv"])

		// The nurse invites an interpreter; the link works once.
		inv := nurse.do("POST", room+"/invites", "role=interpreter", "Content-Type", form)
		needStatus(t, inv, 200, "invitation")
		m := regexp.MustCompile(`value="(http://[^"]+/video/invite/([A-Z0-9]+))"`).FindStringSubmatch(inv.body)
		if m == nil {
			t.Fatalf("no invitation link on the page: %.800s", inv.body)
		}
		token := m[2]
		guest, late := e.client(), e.client()
		landing := guest.get("/video/invite/" + token)
		needStatus(t, landing, 200, "the invitation")
		if strings.Contains(landing.body, "Anna") || strings.Contains(landing.body, "Virtanen") {
			t.Error("the invitation names the resident")
		}
		used := guest.do("POST", "/video/invite/"+token, "x=1", "Content-Type", form)
		needStatus(t, used, http.StatusSeeOther, "using the invitation")
		guestRoom := used.header.Get("Location")
		if !strings.HasPrefix(guestRoom, "/video/guest/") {
			t.Fatalf("the invitation leads to %q", guestRoom)
		}
		wantStatus(t, late.do("POST", "/video/invite/"+token, "x=1", "Content-Type", form), http.StatusNotFound, "the invitation used twice")
		wantStatus(t, late.get("/video/invite/"+token), http.StatusNotFound, "a used invitation")
		wantStatus(t, late.get(guestRoom), http.StatusNotFound, "the guest's room without the key")
		gp := guest.get(guestRoom)
		needStatus(t, gp, 200, "the guest's room")
		if !strings.Contains(gp.body, `data-role="interpreter"`) || strings.Contains(gp.body, "Virtanen") {
			t.Errorf("the guest's room: %.600s", gp.body)
		}
		gs := e.mustDial(guest, guestRoom+"/ws")
		if gw := recvVideo(t, gs, sotepe.VideoMembers); gw.Type != sotepe.VideoWelcome || gw.Admitted || gw.Role != sotepe.VideoInterpreter {
			t.Fatalf("the interpreter's welcome %+v", gw)
		}
		var waiting sotepe.VideoMessage
		for waiting.Type != sotepe.VideoMembers || len(waiting.Members) != 2 {
			waiting = recvVideo(t, ns, "")
		}

		// A message the room does not know ends the sender's socket.
		sendVideo(t, gs, `{"type":"signal","to":"x","data":{},"extra":1}`)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, err := gs.Read(ctx)
		cancel()
		if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
			t.Fatalf("after a malformed message: %v", err)
		}

		// anna asks to be called instead: the room ends for everyone.
		ph := anna.do("POST", room+"/phone", "x=1", "Content-Type", form)
		needStatus(t, ph, http.StatusSeeOther, "call me instead")
		if loc := ph.header.Get("Location"); loc != "/appointments/"+id+"?phone=1" {
			t.Fatalf("call me instead leads to %q", loc)
		}
		if p := anna.get("/appointments/" + id + "?phone=1"); !strings.Contains(p.body, `id="phone-ok"`) {
			t.Errorf("the appointment does not say the nurse will call: %.600s", p.body)
		}
		for _, c := range []*websocket.Conn{as, ns} {
			var end sotepe.VideoMessage
			for end.Type != sotepe.VideoEnd {
				end = recvVideo(t, c, "")
			}
			if end.Reason != sotepe.VideoEndPhone {
				t.Fatalf("the room ended with %+v", end)
			}
		}
		var after struct {
			Mode string `json:"mode"`
		}
		anna.get("/api/v1/appointments/"+id).json(t, &after)
		if after.Mode != "phone" {
			t.Fatalf("after call me instead the mode is %q", after.Mode)
		}
		wantStatus(t, anna.get(room), http.StatusNotFound, "the waiting room of a phone appointment")
		wantStatus(t, anna.do("POST", "/api/v1/appointments/"+id+"/phone", ""), http.StatusConflict, "call me instead twice")
	})
}

// TestVideoDeviceCheck serves the device check to anyone, in the three
// languages, linking back to a waiting room only by its number.
func TestVideoDeviceCheck(t *testing.T) {
	onEngines(t, func(t *testing.T, e *env) {
		c := e.client()
		for lang, want := range map[string]string{"fi": "Laitteiden tarkistus", "sv": "Kontroll av enheter", "en": "Device check"} {
			r := c.get("/video/check?appointment=12&lang=" + lang)
			needStatus(t, r, 200, "the device check")
			if !strings.Contains(r.body, want) || !strings.Contains(r.body, `href="/appointments/12/video"`) || !strings.Contains(r.body, "/static/video_check.js") {
				t.Errorf("%s: %.500s", lang, r.body)
			}
		}
		if r := c.get("/video/check?appointment=//evil.example"); strings.Contains(r.body, `id="check-back"`) {
			t.Error("the back link takes any address")
		}
		for _, f := range []string{"/static/video.js", "/static/video_check.js", "/static/video.css"} {
			wantStatus(t, c.get(f), 200, f)
		}
	})
}
