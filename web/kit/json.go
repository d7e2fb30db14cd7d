package kit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	jsonv1 "github.com/go-json-experiment/json/v1"

	"sotepe"
)

// TooMany is ETooMany with key, carrying the wait in whole seconds (at
// least one) as the argument "Seconds", which the server also sends as
// Retry-After.
func TooMany(key, message string, wait time.Duration) error {
	return (&sotepe.Error{Code: sotepe.ETooMany, Key: key, Message: message}).
		With(map[string]any{"Seconds": int(wait.Seconds()) + 1})
}

// ErrorBody is the inside of the API's error answer,
// {"error":{"code":…,"message":…,"field":…}}: the code, the message in the
// person's language, and the input it is about when known.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Group is a group of figures as the API shows it: its id and its names.
type Group struct {
	ID    string       `json:"id"`
	Names sotepe.Names `json:"names"`
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away; nothing to do
}

// CSVFormat reads the format of figures from q: json (the default) or csv,
// which it reports as true; anything else is EInvalid ("error.stats_format").
func CSVFormat(q url.Values) (bool, error) {
	switch q.Get("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, sotepe.Invalid("error.stats_format", "format is json or csv")
}

// WriteItems writes {"items": items} with status 200, or returns err when
// it is not nil.
func WriteItems[T any](w http.ResponseWriter, items []T, err error) error {
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// WriteResult writes v as JSON with status, or returns err when it is not
// nil.
func WriteResult(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	WriteJSON(w, status, v)
	return nil
}

// NoContent answers 204 No Content, or returns err when it is not nil.
func NoContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ViewPage maps the items of page p to their views, keeping its cursor.
func ViewPage[T, V any](p sotepe.Page[T], view func(T) V) sotepe.Page[V] {
	out := sotepe.Page[V]{Items: make([]V, len(p.Items)), NextCursor: p.NextCursor}
	for i, it := range p.Items {
		out.Items[i] = view(it)
	}
	return out
}

// WritePage writes page p as the views of its items with status 200, or
// returns err when it is not nil.
func WritePage[T, V any](w http.ResponseWriter, p sotepe.Page[T], err error, view func(T) V) error {
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, ViewPage(p, view))
	return nil
}

// DecodeJSON reads exactly one JSON object into dst, rejecting unknown fields
// and trailing data, and explains what is wrong in the catalog's words. A
// body that is not valid UTF-8, or a string that holds NUL (\u0000), is
// EInvalid "error.text_invalid" naming the field: every API handler reads
// its body here, so none can forget the check.
func DecodeJSON(r *http.Request, dst any) error {
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
	if err := DecodeJSONBytes(raw, dst); err != nil {
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

// DecodeJSONBytes decodes raw, which must be one JSON value, into dst.
//
// It decodes with github.com/go-json-experiment/json/v1, the Go team's
// encoding/json on the engine of encoding/json/v2 (the package the standard
// library builds under GOEXPERIMENT=jsonv2): the same behaviour and error
// types as encoding/json, at less than half the time and a quarter of the
// allocations on a batch of 10,000 events (docs/benchmarks.md).
func DecodeJSONBytes(raw []byte, dst any) error {
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

// checkDecoded walks what DecodeJSON filled in and refuses any string (or
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
