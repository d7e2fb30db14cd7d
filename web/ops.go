package web

import (
	"context"
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// healthz answers while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	kit.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
	return nil
}

// readyz answers 200 when the database answers, 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err.Error())
		kit.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	kit.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

// openapi serves the OpenAPI document of the JSON API.
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	if len(s.cfg.OpenAPI) == 0 {
		return sotepe.NotFound("openapi")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(s.cfg.OpenAPI)
	return err
}
