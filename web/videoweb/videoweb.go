// Package videoweb serves video appointments: the waiting room and the call
// (GET /appointments/{id}/video and its WebSocket …/video/ws), "call me
// instead", invitations for an interpreter or a guardian and their guest
// pages and socket, and the device check. The browsers talk WebRTC to each
// other; the socket only carries their signalling (see package video).
// static/video.js runs the call, static/video_check.js the device check.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. The video
// service decides who may enter a room.
package videoweb

import (
	"context"
	"log/slog"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Video runs the rooms of video appointments.
	Video sotepe.VideoService
	// Appointments records the resident's entry to the waiting room.
	Appointments sotepe.AppointmentService
	// Directory names the appointment's unit.
	Directory sotepe.Directory
	// Location is the city's time zone, of every time shown.
	Location *time.Location
	// Secure says that the server is reached over https: the guests'
	// cookies are Secure and __Host- prefixed, and the invitation links
	// https.
	Secure bool
	// AppointmentView is an appointment as the appointment API and pages
	// show it (bookingweb.Handlers.View): the room shows it. Package web
	// wires the one area to the other, so that neither imports the other.
	AppointmentView func(ctx context.Context, a sotepe.Appointment, u sotepe.User) any
	// SessionEnded reports whether the signed-in session of a token hash
	// has ended, and keeps a live one alive: a call ends with the session
	// it began in. Sessions are the server's.
	SessionEnded func(ctx context.Context, tokenHash []byte) bool
	// Closing is closed when the server shuts down: every socket then
	// ends, and the browsers reconnect.
	Closing <-chan struct{}
	// Log takes a failed check of a room; never anything personal.
	Log *slog.Logger
}

// Handlers are the video handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// unitNames returns the names of unit id from the directory, or the id.
func (h *Handlers) unitNames(ctx context.Context, id string) sotepe.Names {
	return vocab.UnitNames(ctx, h.cfg.Directory, id)
}
