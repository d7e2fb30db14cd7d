package eventsweb

import (
	"net/http"
	"strings"

	"sotepe"
	"sotepe/web/kit"
)

// eventsRequest is the body of POST /api/v1/events. The events' source is
// the calling client's name, so a client cannot write another's events.
type eventsRequest struct {
	Events []eventIn `json:"events"`
}

// eventIn is one event as an integration client sends it.
type eventIn struct {
	ExternalID string           `json:"external_id"`
	Day        string           `json:"day"`
	UnitID     string           `json:"unit"`
	Statistic  string           `json:"statistic"`
	ProducerID string           `json:"producer"`
	Mode       sotepe.EventMode `json:"mode"`
	AgeBand    string           `json:"age_band"`
	Lang       string           `json:"lang"`
	Count      *int             `json:"count"`
}

// eventsError is the JSON error of a batch whose event at Index is bad: the
// usual error body with the index.
type eventsError struct {
	Error eventsErrorBody `json:"error"`
}

type eventsErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Index   int    `json:"index"`
}

// integrationClient returns the client whose bearer token the request
// carries: no token, or one unknown or revoked, is EUnauthorized; a client
// without scope is EForbidden.
func (h *Handlers) integrationClient(r *http.Request, scope string) (sotepe.IntegrationClient, error) {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return sotepe.IntegrationClient{}, &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.integration_token", Message: "a bearer token is required"}
	}
	return h.cfg.Events.Client(r.Context(), token, scope)
}

// Create is POST /api/v1/events: an integration client with the scope
// events:write sends a batch of 1 to sotepe.MaxEventBatch service events.
// The batch lands whole or not at all; events sent before (the same
// external id from the same client) count as duplicates. 200 tells how many
// were added and how many were there already; 400 names the index of the
// first bad event; 401 without a live token, 403 without the scope.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("WWW-Authenticate", `Bearer realm="sotepe"`)
	c, err := h.integrationClient(r, sotepe.ScopeEventsWrite)
	if err != nil {
		return err
	}
	w.Header().Del("WWW-Authenticate")
	var req eventsRequest
	if err := kit.DecodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.Events) == 0 || len(req.Events) > sotepe.MaxEventBatch {
		return sotepe.Invalid("error.event_batch", "a batch holds 1 to 10000 events").With(map[string]any{"Max": sotepe.MaxEventBatch})
	}
	events := make([]sotepe.ServiceEvent, len(req.Events))
	for i, e := range req.Events {
		count := 0
		if e.Count == nil {
			count = 1
		} else {
			count = *e.Count
		}
		events[i] = sotepe.ServiceEvent{Source: c.Name, ExternalID: e.ExternalID, Day: e.Day, UnitID: e.UnitID, Statistic: e.Statistic,
			ProducerID: e.ProducerID, Mode: e.Mode, AgeBand: e.AgeBand, Lang: e.Lang, Count: count}
	}
	// The store checks each event (sotepe.ServiceEvent.Validate, and its
	// unit and producer) once and names the first bad one's index.
	res, err := h.cfg.Events.Add(r.Context(), c, events)
	if err != nil {
		if i, ok := sotepe.ErrorArgs(err)["Index"].(int); ok && sotepe.ErrorCode(err) == sotepe.EInvalid {
			return h.eventError(w, r, i, err)
		}
		return err
	}
	kit.WriteJSON(w, http.StatusOK, res)
	return nil
}

// eventError answers 400 for the bad event at index i, its message in the
// caller's language naming the index.
func (h *Handlers) eventError(w http.ResponseWriter, r *http.Request, i int, err error) error {
	lang := kit.Info(r).Lang
	reason := h.site.ErrText(lang, err)
	msg := h.site.T(lang, "error.event_at", map[string]any{"Index": i, "Reason": reason})
	kit.WriteJSON(w, http.StatusBadRequest, eventsError{Error: eventsErrorBody{Code: sotepe.EInvalid, Message: msg, Index: i}})
	return nil
}
