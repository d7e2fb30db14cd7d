package web

import (
	"log/slog"
	"net/http"
	"strconv"

	"sotepe"
	"sotepe/web/kit"
)

// wrap turns a handler into an http.Handler that renders its error.
func (s *Server) wrap(h kit.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kit.Info(r).Route = r.Pattern
		if err := h(w, r); err != nil {
			s.errorResponse(w, r, err)
		}
	})
}

// apiError is the JSON error body: {"error":{"code":…,"message":…}}.
type apiError struct {
	Error kit.ErrorBody `json:"error"`
}

// errText is what err says in lang, in the catalog's words.
func (s *Server) errText(lang sotepe.Lang, err error) string {
	return s.cat.T(lang, sotepe.ErrorKey(err), sotepe.ErrorArgs(err))
}

// errorResponse renders err: JSON for the API, an HTML page otherwise, with
// the message in the person's language. Internal errors are logged with the
// request id and shown only as a generic message.
func (s *Server) errorResponse(w http.ResponseWriter, r *http.Request, err error) {
	in := kit.Info(r)
	code := sotepe.ErrorCode(err)
	status := sotepe.HTTPStatus(code)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", in.ID, "code", code, "err", err.Error())
	} else {
		s.log.DebugContext(r.Context(), "request refused", "request_id", in.ID, "code", code)
	}
	key := sotepe.ErrorKey(err)
	if status >= 500 {
		key = "error." + code // never explain internals
	}
	msg := s.cat.T(in.Lang, key, sotepe.ErrorArgs(err))
	if secs, ok := sotepe.ErrorArgs(err)["Seconds"].(int); ok && status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if code == sotepe.EUnauthorized && !kit.IsAPI(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+kit.SafeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if kit.IsAPI(r) {
		body := kit.ErrorBody{Code: code, Message: msg}
		if status < 500 {
			body.Field = sotepe.ErrorField(err)
		}
		kit.WriteJSON(w, status, apiError{Error: body})
		return
	}
	s.html(w, r, status, "error", pageData{Title: s.cat.T(in.Lang, "error.title", nil), Data: errorView{Code: code, Message: msg, Status: status}})
}

type errorView struct {
	Code    string
	Message string
	Status  int
}

// logAttrs returns the attributes every request log line carries: never a
// query string, a body or a user's name.
func logAttrs(r *http.Request, in *kit.RequestInfo, status int) []any {
	route := in.Route
	if route == "" {
		route = "unmatched"
	}
	return []any{slog.String("request_id", in.ID), slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status)}
}

// notFoundHandler answers every path no route matches.
func (s *Server) notFoundHandler(w http.ResponseWriter, r *http.Request) error {
	return sotepe.NotFound("page")
}
