package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// contentType is the one format the API speaks.
const contentType = "application/fhir+json; charset=utf-8"

// resource is one FHIR resource about to be sent: a samply struct whose Meta
// is left nil, the meta being filled in by encode.
type resource struct {
	typ, id string
	v       any
	// updated is when the resource last changed; zero when unknown.
	updated time.Time
	// private marks personal data: never kept by a cache.
	private bool
}

// encode returns the resource's JSON with meta.versionId set to a hash of
// its content (so the version changes exactly when the content does) and
// meta.lastUpdated when known, and that version.
func (r resource) encode() ([]byte, string, error) {
	var b []byte
	var err error
	if m, ok := r.v.(json.Marshaler); ok {
		// The samply types marshal themselves; calling that directly
		// spares json.Marshal's second pass over the bytes.
		b, err = m.MarshalJSON()
	} else {
		b, err = json.Marshal(r.v)
	}
	if err != nil {
		return nil, "", &sotepe.Error{Code: sotepe.EInternal, Message: "fhir: encode " + r.typ, Err: err}
	}
	sum := sha256.Sum256(b)
	version := hex.EncodeToString(sum[:8])
	meta := fhir.Meta{VersionId: &version}
	if !r.updated.IsZero() {
		meta.LastUpdated = ptr(instant(r.updated))
	}
	m, err := json.Marshal(meta)
	if err != nil {
		return nil, "", &sotepe.Error{Code: sotepe.EInternal, Message: "fhir: encode meta", Err: err}
	}
	// The resource's JSON has no meta (it is nil): put it in front.
	out := make([]byte, 0, len(b)+len(m)+10)
	out = append(out, `{"meta":`...)
	out = append(out, m...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	out = append(out, b[1:]...)
	return out, version, nil
}

// etag is the weak entity tag of a version.
func etag(version string) string { return `W/"` + version + `"` }

// sendResource writes one resource with its ETag, answering 304 to a
// conditional read of the version the client has.
func (h *Handler) sendResource(w http.ResponseWriter, q *request, status int, res resource) error {
	body, version, err := res.encode()
	if err != nil {
		return err
	}
	tag := etag(version)
	w.Header().Set("ETag", tag)
	if !res.updated.IsZero() {
		w.Header().Set("Last-Modified", res.updated.UTC().Format(http.TimeFormat))
	}
	if status == http.StatusOK && matchesTag(q.r.Header.Get("If-None-Match"), tag) {
		h.cacheHeaders(w, res.private)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.send(w, q, status, body, res.private)
	return nil
}

// matchesTag reports whether an If-None-Match or If-Match header names tag
// (weakly compared, as FHIR's version ids are).
func matchesTag(header, tag string) bool {
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// cacheHeaders keeps personal data out of every cache and lets the public
// reads be kept only while the server confirms them (ETag).
func (h *Handler) cacheHeaders(w http.ResponseWriter, private bool) {
	if private {
		w.Header().Set("Cache-Control", "no-store")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
}

// send writes a JSON body.
func (h *Handler) send(w http.ResponseWriter, q *request, status int, body []byte, private bool) {
	h.cacheHeaders(w, private)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if q.r.Method != http.MethodHead {
		w.Write(body)
	}
}

// statusError is an error with an HTTP status of its own, for the answers
// FHIR gives that sotepe's codes do not name (405, 406, 412, 415, 422).
type statusError struct {
	status int
	err    *sotepe.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, code, key, msg string) error {
	return &statusError{status: status, err: &sotepe.Error{Code: code, Key: key, Message: msg}}
}

func errPath() error {
	return &sotepe.Error{Code: sotepe.ENotFound, Key: "error.fhir_path", Message: "no such FHIR resource type or path"}
}

func errMethod(allow string) error {
	return &statusError{status: http.StatusMethodNotAllowed,
		err: (&sotepe.Error{Code: sotepe.EInvalid, Key: "error.fhir_method", Message: "method not allowed"}).With(map[string]any{"Allow": allow})}
}

func errToken() error {
	return &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.integration_token", Message: "the Authorization header is not a bearer token"}
}

func notFound(what string) error { return sotepe.NotFound(what) }

// statusOf maps an error to its HTTP status, as web does for its own
// answers.
func statusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	return sotepe.HTTPStatus(sotepe.ErrorCode(err))
}

// issueType is the OperationOutcome issue code of an error.
func issueType(status int, code string) fhir.IssueType {
	switch {
	case status == http.StatusMethodNotAllowed, status == http.StatusNotAcceptable, status == http.StatusUnsupportedMediaType:
		return fhir.IssueTypeNotSupported
	case status == http.StatusPreconditionFailed:
		return fhir.IssueTypeConflict
	}
	switch code {
	case sotepe.EInvalid:
		return fhir.IssueTypeInvalid
	case sotepe.EUnauthorized:
		return fhir.IssueTypeLogin
	case sotepe.EForbidden:
		return fhir.IssueTypeForbidden
	case sotepe.ENotFound:
		return fhir.IssueTypeNotFound
	case sotepe.EConflict:
		return fhir.IssueTypeConflict
	case sotepe.ETooLarge:
		return fhir.IssueTypeTooLong
	case sotepe.ETooMany:
		return fhir.IssueTypeThrottled
	case sotepe.EUnavailable:
		return fhir.IssueTypeTransient
	}
	return fhir.IssueTypeException
}

// errorSystem names the code system of sotepe's error keys in an
// OperationOutcome's details.
const errorSystem = "urn:sotepe:error"

// fail answers err as an OperationOutcome in the caller's language. An
// internal error is shown only as the generic message.
func (h *Handler) fail(w http.ResponseWriter, q *request, err error) {
	status := statusOf(err)
	code := sotepe.ErrorCode(err)
	key := sotepe.ErrorKey(err)
	if status >= 500 {
		key = "error." + code
		if h.cfg.Logger != nil {
			h.cfg.Logger.ErrorContext(q.ctx, "fhir request failed", "code", code, "err", err.Error())
		}
	}
	args := sotepe.ErrorArgs(err)
	msg := h.cfg.Translate(q.lang, key, args)
	outcome := fhir.OperationOutcome{Issue: []fhir.OperationOutcomeIssue{{
		Severity: fhir.IssueSeverityError,
		Code:     issueType(status, code),
		Details: &fhir.CodeableConcept{
			Coding: []fhir.Coding{{System: ptr(errorSystem), Code: ptr(key)}},
			Text:   &msg,
		},
	}}}
	body, merr := json.Marshal(outcome)
	if merr != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if c := wwwAuthenticate(q, status, args); c != "" {
		w.Header().Set("WWW-Authenticate", c)
	}
	switch status {
	case http.StatusMethodNotAllowed:
		if allow, ok := args["Allow"].(string); ok {
			w.Header().Set("Allow", allow)
		}
	case http.StatusTooManyRequests:
		if secs, ok := args["Seconds"].(int); ok {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
	}
	h.send(w, q, status, body, true)
}

// readBody decodes a JSON body of one of the media types FHIR JSON
// travels in into v; anything else is 415, a body that does not decode 400.
func readBody(r *http.Request, v any, types ...string) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	ok := false
	for _, t := range types {
		ok = ok || ct == t
	}
	if !ok {
		return withStatus(http.StatusUnsupportedMediaType, sotepe.EInvalid, "error.fhir_content_type", "unsupported content type")
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &sotepe.Error{Code: sotepe.ETooLarge, Key: "error.too_large", Message: "request body too large"}
		}
		return sotepe.Invalid("error.fhir_body", "the body is not a FHIR JSON resource")
	}
	if dec.More() {
		return sotepe.Invalid("error.fhir_body", "trailing data after the resource")
	}
	return nil
}

// resourceTypeOf returns the resourceType a JSON body names.
func resourceTypeOf(raw []byte) string {
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.ResourceType
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// instant writes t as a FHIR instant to the second, with t's own offset
// (callers give times in the city's time zone).
func instant(t time.Time) string { return t.Format(time.RFC3339) }

// selfURL is the request's own URL under base.
func selfURL(q *request) string {
	u := *q.r.URL
	rest := strings.TrimPrefix(u.Path, strings.TrimSuffix(Prefix, "/"))
	s := q.base + rest
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// linkWith returns the URL of path under base with the query values.
func linkWith(q *request, path string, v url.Values) string {
	s := q.base + "/" + path
	if enc := v.Encode(); enc != "" {
		s += "?" + enc
	}
	return s
}
