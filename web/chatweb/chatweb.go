// Package chatweb serves chats with professionals, in the API and in pages:
// the chat services and whether they are open (GET /api/v1/chat-services,
// GET /chat), a resident's chats and the professional's queue, the actions
// on a chat (send, type, take, transfer, hand over, close), its live stream
// of Server-Sent Events (GET /api/v1/chats/{id}/events), and the chat
// figures (GET /stats/chats and /api/v1/stats/chats) with the chat section
// of the dashboard.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site. Every
// decision about a chat is the chat service's (sotepe.ChatService); these
// handlers decode, call it once and encode.
package chatweb

import (
	"log/slog"
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Config is what the handlers work with; every field is required.
type Config struct {
	// Chats decides who may do what with a chat, and carries it out.
	Chats sotepe.ChatService
	// Contacts reads the contact request a hand-over made, for the chat's
	// page.
	Contacts sotepe.ContactService
	// Residents lists a professional's colleagues, to pass a chat to.
	Residents sotepe.ResidentService
	// Directory names the units of the figures by unit.
	Directory sotepe.Directory
	// Location is the city's time zone, of every time shown.
	Location *time.Location
	// ContactView is a contact request as the contact API and pages show
	// it (contactweb.Handlers.View): the hand-over answers with it, and a
	// chat's page shows it. Package web wires the one area to the other, so
	// that neither imports the other.
	ContactView func(sotepe.ContactRequest) any
	// Closing is closed when the server shuts down: every live stream
	// then ends, so that the shutdown need not wait for them.
	Closing <-chan struct{}
	// Log takes what a live stream cannot tell its client (a failed
	// read); never anything personal.
	Log *slog.Logger
}

// Handlers are the chat handlers.
type Handlers struct {
	site kit.Site
	cfg  Config
}

// New returns the handlers, rendering through site.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg}
}

// formErr is err as a form shows it, in r's language, at the first of
// fields it is about; nil when err is.
func (h *Handlers) formErr(r *http.Request, err error, fields ...string) *kit.FormError {
	return kit.FormErrorIn(h.site, kit.Info(r).Lang, err, fields...)
}
