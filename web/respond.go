package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"sotepe"
)

// handler is a route's handler: it writes the response, or returns an error
// that errorResponse renders in the person's language as HTML or JSON.
type handler func(w http.ResponseWriter, r *http.Request) error

// reqInfo is what the middleware learns about a request; handlers read it
// with info(r).
type reqInfo struct {
	ID        string
	Lang      sotepe.Lang
	User      *sotepe.User    // nil when not signed in
	TokenHash []byte          // the session's, when signed in
	Session   *sotepe.Session // the session, when signed in
	Route     string          // the matched route pattern, for logs and metrics
	Client    string          // the client's IP address (clientIP)
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{Lang: sotepe.Finnish}
}

func withInfo(ctx context.Context, i *reqInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, i)
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// wrap turns a handler into an http.Handler that renders its error.
func (s *Server) wrap(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info(r).Route = r.Pattern
		if err := h(w, r); err != nil {
			s.errorResponse(w, r, err)
		}
	})
}

// apiError is the JSON error body: {"error":{"code":…,"message":…}}.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the input the error is about, when known
}

// errText is what err says in lang, in the catalog's words.
func (s *Server) errText(lang sotepe.Lang, err error) string {
	return s.cat.T(lang, sotepe.ErrorKey(err), sotepe.ErrorArgs(err))
}

// errorResponse renders err: JSON for the API, an HTML page otherwise, with
// the message in the person's language. Internal errors are logged with the
// request id and shown only as a generic message.
func (s *Server) errorResponse(w http.ResponseWriter, r *http.Request, err error) {
	in := info(r)
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
	if code == sotepe.EUnauthorized && !isAPI(r) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if isAPI(r) {
		body := apiErrorBody{Code: code, Message: msg}
		if status < 500 {
			body.Field = sotepe.ErrorField(err)
		}
		writeJSON(w, status, apiError{Error: body})
		return
	}
	s.html(w, r, status, "error", pageData{Title: s.cat.T(in.Lang, "error.title", nil), Data: errorView{Code: code, Message: msg, Status: status}})
}

// tooMany is ETooMany with key, carrying the wait in whole seconds (at
// least one) as the argument "Seconds", which errorResponse also sends as
// Retry-After.
func tooMany(key, message string, wait time.Duration) error {
	return (&sotepe.Error{Code: sotepe.ETooMany, Key: key, Message: message}).
		With(map[string]any{"Seconds": int(wait.Seconds()) + 1})
}

type errorView struct {
	Code    string
	Message string
	Status  int
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away; nothing to do
}

// csvFormat reads the format of figures from q: json (the default) or csv,
// which it reports as true; anything else is EInvalid ("error.stats_format").
func csvFormat(q url.Values) (bool, error) {
	switch q.Get("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, sotepe.Invalid("error.stats_format", "format is json or csv")
}

// writeItems writes {"items": items} with status 200, or returns err when
// it is not nil.
func writeItems[T any](w http.ResponseWriter, items []T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// writeResult writes v as JSON with status, or returns err when it is not
// nil.
func writeResult(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// noContent answers 204 No Content, or returns err when it is not nil.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// viewPage maps the items of page p to their views, keeping its cursor.
func viewPage[T, V any](p sotepe.Page[T], view func(T) V) sotepe.Page[V] {
	out := sotepe.Page[V]{Items: make([]V, len(p.Items)), NextCursor: p.NextCursor}
	for i, it := range p.Items {
		out.Items[i] = view(it)
	}
	return out
}

// writePage writes page p as the views of its items with status 200, or
// returns err when it is not nil.
func writePage[T, V any](w http.ResponseWriter, p sotepe.Page[T], err error, view func(T) V) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPage(p, view))
	return nil
}

// decodeJSON reads exactly one JSON object into dst, rejecting unknown fields
// and trailing data, and explains what is wrong in the catalog's words. A
// body that is not valid UTF-8, or a string that holds NUL (\u0000), is
// EInvalid "error.text_invalid" naming the field: every API handler reads
// its body here, so none can forget the check.
func decodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return sotepe.Invalid("error.json_content_type", "Content-Type must be application/json")
	}
	raw, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &sotepe.Error{Code: sotepe.ETooLarge, Key: "error.too_large", Message: "request body too large"}
	}
	if err != nil {
		return sotepe.Invalid("error.json_malformed", "unreadable body").With(map[string]any{"Offset": 0})
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD: refuse it
	// instead, so what is stored is what was sent.
	if !utf8.Valid(raw) {
		return sotepe.CheckText("body", string(raw))
	}
	if err := decodeJSONBytes(raw, dst); err != nil {
		return err
	}
	// In valid UTF-8 JSON a decoded string can hold NUL only through the
	// escape \u0000 (a raw control character is a syntax error), so a body
	// without it needs no walk: a batch of 10,000 events spent a tenth of
	// its time there.
	if !bytes.Contains(raw, nulEscape) {
		return nil
	}
	return checkDecoded("", reflect.ValueOf(dst))
}

// nulEscape is how JSON writes NUL in a string.
var nulEscape = []byte(`\u0000`)

// decodeJSONBytes decodes raw, which must be one JSON value, into dst.
//
// It decodes with github.com/go-json-experiment/json/v1, the Go team's
// encoding/json on the engine of encoding/json/v2 (the package the standard
// library builds under GOEXPERIMENT=jsonv2): the same behaviour and error
// types as encoding/json, at less than half the time and a quarter of the
// allocations on a batch of 10,000 events (docs/benchmarks.md).
func decodeJSONBytes(raw []byte, dst any) error {
	dec := jsonv1.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.More() || dec.Decode(&struct{}{}) != io.EOF {
			return sotepe.Invalid("error.json_trailing", "body holds more than one JSON value")
		}
		return nil
	}
	var syntax *jsonv1.SyntaxError
	var typeErr *jsonv1.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return sotepe.Invalid("error.json_empty", "request body is empty")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return sotepe.Invalid("error.json_malformed", "malformed JSON").With(map[string]any{"Offset": offsetOf(syntax)})
	case errors.As(err, &typeErr):
		return sotepe.Invalid("error.json_type", "wrong JSON type for "+typeErr.Field).With(map[string]any{"Field": typeErr.Field})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return sotepe.Invalid("error.json_unknown_field", "unknown field "+field).With(map[string]any{"Field": field})
	}
	return sotepe.Invalid("error.json_malformed", "malformed JSON").With(map[string]any{"Offset": 0})
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// checkDecoded walks what decodeJSON filled in and refuses any string (or
// map key) holding NUL, naming its JSON field. A json.RawMessage is decoded
// and walked too, since its handler decodes it later.
func checkDecoded(field string, v reflect.Value) error {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == rawMessageType {
		var x any
		if len(v.Bytes()) == 0 || json.Unmarshal(v.Bytes(), &x) != nil {
			return nil // its handler reports what is wrong with it
		}
		return checkDecoded(field, reflect.ValueOf(x))
	}
	switch v.Kind() {
	case reflect.String:
		return sotepe.CheckText(field, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkDecoded(field, v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				name = tag
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = field
			} else if field != "" {
				name = field + "." + name
			}
			if err := checkDecoded(name, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes ([]byte arrives as base64)
		}
		for i := range v.Len() {
			if err := checkDecoded(field, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			name := field
			if it.Key().Kind() == reflect.String {
				if err := sotepe.CheckText(field, it.Key().String()); err != nil {
					return err
				}
				if name != "" {
					name += "."
				}
				name += it.Key().String()
			}
			if err := checkDecoded(name, it.Value()); err != nil {
				return err
			}
		}
	}
	return nil
}

func offsetOf(e *jsonv1.SyntaxError) int64 {
	if e == nil {
		return 0
	}
	return e.Offset
}

// safeNext keeps a post-login redirect on this site: only a local path.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	return next
}

// logAttrs returns the attributes every request log line carries: never a
// query string, a body or a user's name.
func logAttrs(r *http.Request, in *reqInfo, status int) []any {
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
