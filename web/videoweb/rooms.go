package videoweb

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"sotepe"
	"sotepe/web/kit"
)

const (
	// videoCheckEvery is how often a participant's right to the room and
	// their session are checked again while the socket is open.
	videoCheckEvery = time.Minute
	// videoPing is how often the socket is pinged, so that a connection
	// that died unnoticed is found.
	videoPing = 20 * time.Second
	// videoWriteWait bounds one write to the socket.
	videoWriteWait = 10 * time.Second
)

// videoView is the waiting room of a video appointment.
type videoView struct {
	// A is the appointment as its own page shows it (Config.AppointmentView).
	A         any
	UnitNames sotepe.Names
	Role      sotepe.VideoRole
	Staff     bool
	Joined    bool
	Opens     time.Time
	Closes    time.Time
	IsOpen    bool
	Over      bool
	Relay     bool
	// Socket is the path of the room's WebSocket.
	Socket  string
	Invites []sotepe.VideoInvite
	// NewInvite is the link of an invitation just made, shown once.
	NewInvite     string
	NewInviteRole sotepe.VideoRole
	// CanPhone is whether "call me instead" is offered.
	CanPhone bool
	// Error is a refusal of the invitation or "call me instead" form.
	Error *kit.FormError
}

// Page shows the waiting room of a video appointment to its resident
// and to the professionals of its unit: GET /appointments/{id}/video. It
// changes nothing; entering is a POST (or the socket, with JavaScript).
func (h *Handlers) Page(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	return h.showVideo(w, r, u, id, http.StatusOK, videoView{})
}

// showVideo renders the waiting room of appointment id with status, over
// extra's NewInvite and Error.
func (h *Handlers) showVideo(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64, status int, extra videoView) error {
	room, err := h.cfg.Video.Room(r.Context(), u, id)
	if err != nil {
		return err
	}
	a := room.Appointment
	now := h.site.Now()
	v := extra
	v.A, v.UnitNames, v.Role, v.Staff = h.cfg.AppointmentView(r.Context(), a, u), h.unitNames(r.Context(), a.UnitID), room.Role, room.Role == sotepe.VideoProfessional
	v.Joined, v.Opens, v.Closes, v.IsOpen, v.Relay = !a.JoinedAt.IsZero(), room.Opens.In(h.cfg.Location), room.Closes.In(h.cfg.Location), room.Open, room.Relay
	v.Over = !now.Before(a.End) || a.Status != sotepe.AppointmentBooked && a.Status != sotepe.AppointmentArrived
	v.Socket = "/appointments/" + strconv.FormatInt(id, 10) + "/video/ws"
	v.Invites = room.Invites
	v.CanPhone = !v.Over
	h.site.Page(w, r, status, "appt_video", h.site.T(kit.Info(r).Lang, "appt.video_title", nil), v)
	return nil
}

// JoinForm enters the waiting room without JavaScript: POST
// /appointments/{id}/video. The resident's entry is recorded, so the
// professional sees them waiting.
func (h *Handlers) JoinForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if _, err := h.cfg.Appointments.JoinVideo(r.Context(), u, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments/"+strconv.FormatInt(id, 10)+"/video", http.StatusSeeOther)
	return nil
}

// videoRoomView is the room of a video appointment as the API shows it.
type videoRoomView struct {
	Appointment any                  `json:"appointment"`
	Role        sotepe.VideoRole     `json:"role"`
	Opens       time.Time            `json:"opens"`
	Closes      time.Time            `json:"closes"`
	Open        bool                 `json:"open"`
	Relay       bool                 `json:"relay"`
	Socket      string               `json:"socket"`
	Invites     []sotepe.VideoInvite `json:"invites,omitempty"`
}

// Room answers the room of a video appointment: GET
// /api/v1/appointments/{id}/video.
func (h *Handlers) Room(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	room, err := h.cfg.Video.Room(r.Context(), u, id)
	if err != nil {
		return err
	}
	loc := h.cfg.Location
	v := videoRoomView{Appointment: h.cfg.AppointmentView(r.Context(), room.Appointment, u), Role: room.Role, Opens: room.Opens.In(loc),
		Closes: room.Closes.In(loc), Open: room.Open, Relay: room.Relay, Socket: "/appointments/" + strconv.FormatInt(id, 10) + "/video/ws"}
	for _, inv := range room.Invites {
		v.Invites = append(v.Invites, h.viewInvite(inv))
	}
	kit.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *Handlers) viewInvite(inv sotepe.VideoInvite) sotepe.VideoInvite {
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.In(h.cfg.Location), inv.ExpiresAt.In(h.cfg.Location)
	return inv
}

// PhoneForm turns the appointment into a phone appointment: POST
// /appointments/{id}/video/phone. The appointment's page then says that the
// professional will call.
func (h *Handlers) PhoneForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	_, err := h.cfg.Video.CallMeInstead(r.Context(), u, id)
	if sotepe.ErrorCode(err) == sotepe.EConflict {
		return h.showVideo(w, r, u, id, http.StatusConflict, videoView{Error: kit.FormErrorIn(h.site, kit.Info(r).Lang, err)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments/"+strconv.FormatInt(id, 10)+"?phone=1", http.StatusSeeOther)
	return nil
}

// Phone turns the appointment into a phone appointment: POST
// /api/v1/appointments/{id}/phone answers the appointment.
func (h *Handlers) Phone(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	a, err := h.cfg.Video.CallMeInstead(r.Context(), u, id)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, h.cfg.AppointmentView(r.Context(), a, u))
	return nil
}

// inviteURL is the absolute link of an invitation token.
func (h *Handlers) inviteURL(r *http.Request, token string) string {
	return kit.AbsURL(r, h.cfg.Secure, "/video/invite/"+url.PathEscape(token))
}

// InviteForm makes an invitation and shows its link once on the
// waiting room: POST /appointments/{id}/video/invites (role).
func (h *Handlers) InviteForm(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if err := kit.ParseForm(r); err != nil {
		return err
	}
	inv, err := h.cfg.Video.Invite(r.Context(), u, id, sotepe.VideoRole(r.PostForm.Get("role")))
	if code := sotepe.ErrorCode(err); code == sotepe.EInvalid || code == sotepe.EConflict {
		return h.showVideo(w, r, u, id, sotepe.HTTPStatus(code), videoView{Error: kit.FormErrorIn(h.site, kit.Info(r).Lang, err, "role=invite-role")})
	}
	if err != nil {
		return err
	}
	return h.showVideo(w, r, u, id, http.StatusOK, videoView{NewInvite: h.inviteURL(r, inv.Token), NewInviteRole: inv.Role})
}

// inviteBody is the JSON of POST /api/v1/appointments/{id}/video/invites.
type inviteBody struct {
	Role sotepe.VideoRole `json:"role"`
}

// inviteView is a new invitation with its link.
type inviteView struct {
	sotepe.VideoInvite
	URL string `json:"url"`
}

// InviteCreate makes an invitation: POST
// /api/v1/appointments/{id}/video/invites answers 201 with its link, shown
// only this once.
func (h *Handlers) InviteCreate(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	var body inviteBody
	if err := kit.DecodeJSON(r, &body); err != nil {
		return err
	}
	inv, err := h.cfg.Video.Invite(r.Context(), u, id, body.Role)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, inviteView{VideoInvite: h.viewInvite(inv), URL: h.inviteURL(r, inv.Token)})
	return nil
}

// videoCheckView is the device check page.
type videoCheckView struct {
	// Back is the appointment whose waiting room the page links back to;
	// 0 for none.
	Back int64
}

// CheckPage checks the camera, the microphone and the speaker in the
// browser, for anyone: GET /video/check[?appointment=id]. Nothing leaves
// the browser.
func (h *Handlers) CheckPage(w http.ResponseWriter, r *http.Request) error {
	var v videoCheckView
	if id, err := strconv.ParseInt(r.URL.Query().Get("appointment"), 10, 64); err == nil && id > 0 {
		v.Back = id
	}
	h.site.Page(w, r, http.StatusOK, "video_check", h.site.T(kit.Info(r).Lang, "video.check_title", nil), v)
	return nil
}

// guestView is an invited guest's page: the invitation before it is used,
// or the guest's room.
type guestView struct {
	Room      sotepe.VideoGuestRoom
	UnitNames sotepe.Names
	Token     string
	Socket    string
	Role      sotepe.VideoRole
	Start     time.Time
	Opens     time.Time
}

func (h *Handlers) viewGuest(ctx context.Context, g sotepe.VideoGuestRoom) guestView {
	loc := h.cfg.Location
	return guestView{Room: g, UnitNames: h.unitNames(ctx, g.Invite.UnitID), Role: g.Invite.Role, Start: g.Start.In(loc), Opens: g.Opens.In(loc),
		Socket: "/video/guest/" + strconv.FormatInt(g.Invite.ID, 10) + "/ws"}
}

// GuestInvitePage shows an invitation: GET /video/invite/{token}. It
// changes nothing; using the link is a POST.
func (h *Handlers) GuestInvitePage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	g, err := h.cfg.Video.Invitation(r.Context(), token)
	if err != nil {
		return err
	}
	v := h.viewGuest(r.Context(), g)
	v.Token = token
	h.site.Page(w, r, http.StatusOK, "video_invite", h.site.T(kit.Info(r).Lang, "video.invite_title", nil), v)
	return nil
}

// guestCookie names the cookie holding the key of invitation id's guest.
func (h *Handlers) guestCookie(id int64) string {
	name := "sotepe_video_" + strconv.FormatInt(id, 10)
	if h.cfg.Secure {
		return "__Host-" + name
	}
	return name
}

// GuestRedeemForm uses up an invitation: POST /video/invite/{token} gives
// this browser the guest's key in a cookie until the appointment ends and
// goes to the guest's room.
func (h *Handlers) GuestRedeemForm(w http.ResponseWriter, r *http.Request) error {
	inv, key, err := h.cfg.Video.Redeem(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	// Max-Age, not Expires: the browser's clock may be wrong.
	http.SetCookie(w, &http.Cookie{Name: h.guestCookie(inv.ID), Value: key, Path: "/", MaxAge: max(1, int(inv.ExpiresAt.Sub(h.site.Now()).Seconds())),
		HttpOnly: true, Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/video/guest/"+strconv.FormatInt(inv.ID, 10), http.StatusSeeOther)
	return nil
}

// guestKey reads the guest's key of invitation {id} from its cookie.
func (h *Handlers) guestKey(r *http.Request) (int64, string, error) {
	id, err := kit.PathID(r, "id", "invitation")
	if err != nil {
		return 0, "", err
	}
	c, err := r.Cookie(h.guestCookie(id))
	if err != nil || c.Value == "" {
		return 0, "", sotepe.NotFound("invitation")
	}
	return id, c.Value, nil
}

// GuestPage is an invited guest's room: GET /video/guest/{id}, for the
// browser holding the guest's key; anyone else gets 404.
func (h *Handlers) GuestPage(w http.ResponseWriter, r *http.Request) error {
	id, key, err := h.guestKey(r)
	if err != nil {
		return err
	}
	g, err := h.cfg.Video.GuestRoom(r.Context(), id, key)
	if err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "video_guest", h.site.T(kit.Info(r).Lang, "video.guest_title", nil), h.viewGuest(r.Context(), g))
	return nil
}

// isUpgrade reports whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func notUpgrade() error {
	return sotepe.Invalid("video.error.websocket", "this address answers a WebSocket only")
}

// Socket is the room's WebSocket for the resident and the unit's
// professionals: GET /appointments/{id}/video/ws. Anyone else gets 404, a
// room that is not open 409, a request that is no WebSocket 400.
func (h *Handlers) Socket(w http.ResponseWriter, r *http.Request, u sotepe.User, id int64) error {
	if !isUpgrade(r) {
		if _, err := h.cfg.Video.Room(r.Context(), u, id); err != nil {
			return err
		}
		return notUpgrade()
	}
	c, err := h.cfg.Video.Join(r.Context(), u, id)
	if err != nil {
		return err
	}
	hash := kit.Info(r).TokenHash
	return h.videoRelay(w, r, c, func(ctx context.Context) string {
		// The session must still be alive: signing out, or its end,
		// ends the call's signalling too. A live call keeps it alive.
		if h.cfg.SessionEnded(ctx, hash) {
			return sotepe.VideoEndSignOut
		}
		return ""
	})
}

// GuestSocket is the room's WebSocket for an invited guest: GET
// /video/guest/{id}/ws, for the browser holding the guest's key.
func (h *Handlers) GuestSocket(w http.ResponseWriter, r *http.Request) error {
	id, key, err := h.guestKey(r)
	if err != nil {
		return err
	}
	if !isUpgrade(r) {
		if _, err := h.cfg.Video.GuestRoom(r.Context(), id, key); err != nil {
			return err
		}
		return notUpgrade()
	}
	c, err := h.cfg.Video.JoinAsGuest(r.Context(), id, key)
	if err != nil {
		return err
	}
	return h.videoRelay(w, r, c, func(context.Context) string { return "" })
}

// videoIn is a message from the browser.
type videoIn struct {
	Type string          `json:"type"`
	To   string          `json:"to,omitempty"`
	Peer string          `json:"peer,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// videoRelay carries one participant's messages between its WebSocket and
// the room until the room, the browser or the server ends them. Every
// videoCheckEvery, session tells whether the participant's session still
// holds (a VideoEnd reason when not) and the room checks their right
// again. The server's shutdown ends the socket (VideoEndShutdown) and the
// browser reconnects.
func (h *Handlers) videoRelay(w http.ResponseWriter, r *http.Request, c sotepe.VideoConn, session func(context.Context) string) error {
	defer c.Leave()
	// The server's read and write timeouts would end the socket; each
	// write has its own deadline instead.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	// Accept checks that the page asking is this site's (Origin), so no
	// other site's page can open the room with the visitor's cookies.
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil // Accept has answered
	}
	ws.SetReadLimit(sotepe.MaxVideoSignal + 1024)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	var reading sync.WaitGroup
	defer reading.Wait()
	reading.Go(func() {
		defer cancel()
		for {
			_, raw, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var in videoIn
			err = kit.DecodeJSONBytes(raw, &in)
			if err == nil {
				err = c.Send(ctx, sotepe.VideoMessage{Type: in.Type, To: in.To, Peer: in.Peer, Data: in.Data})
			}
			if sotepe.ErrorCode(err) == sotepe.EInvalid {
				ws.Close(websocket.StatusPolicyViolation, "bad message")
				return
			}
		}
	})
	write := func(m sotepe.VideoMessage) bool {
		wctx, wcancel := context.WithTimeout(ctx, videoWriteWait)
		defer wcancel()
		b, _ := json.Marshal(m)
		return ws.Write(wctx, websocket.MessageText, b) == nil
	}
	end := func(reason string) error {
		c.Leave()
		write(sotepe.VideoMessage{Type: sotepe.VideoEnd, Reason: reason})
		ws.Close(websocket.StatusNormalClosure, reason)
		return nil
	}
	check := time.NewTicker(videoCheckEvery)
	defer check.Stop()
	ping := time.NewTicker(videoPing)
	defer ping.Stop()
	for {
		select {
		case m, ok := <-c.Messages():
			if !ok {
				ws.Close(websocket.StatusNormalClosure, "")
				return nil
			}
			if !write(m) {
				ws.CloseNow()
				return nil
			}
		case <-check.C:
			if reason := session(ctx); reason != "" {
				return end(reason)
			}
			if err := c.Check(ctx); err != nil && sotepe.ErrorCode(err) != sotepe.EConflict {
				h.cfg.Log.WarnContext(ctx, "video room check failed", "code", sotepe.ErrorCode(err))
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, videoWriteWait)
			err := ws.Ping(pctx)
			pcancel()
			if err != nil {
				ws.CloseNow()
				return nil
			}
		case <-ctx.Done():
			ws.CloseNow()
			return nil
		case <-h.cfg.Closing:
			return end(sotepe.VideoEndShutdown)
		}
	}
}
