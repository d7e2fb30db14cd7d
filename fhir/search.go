package fhir

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samply/golang-fhir-models/fhir-models/fhir"

	"sotepe"
)

// commonParams are the parameters every search takes: the page size, the
// page token of a next link, the format (JSON only) and web's language
// switch.
var commonParams = map[string]bool{"_count": true, "_cursor": true, "_format": true, "lang": true}

// searchParams is a search's query, checked against the parameters its
// type takes, with the page it asks for.
type searchParams struct {
	url.Values
	page sotepe.PageRequest
}

// one returns the single value of name ("" when not given); a parameter
// given twice is EInvalid, since no search here ANDs or ORs repeats.
func (p searchParams) one(name string) (string, error) {
	vs := p.Values[name]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", errParamValue(name)
}

func errParamValue(name string) error {
	return sotepe.Invalid("error.fhir_param_value", "bad value of "+name).With(map[string]any{"Name": name})
}

func errParam(name string) error {
	return sotepe.Invalid("error.fhir_param", "unsupported search parameter "+name).With(map[string]any{"Name": name})
}

// parseSearch checks a query against the type's parameters: an unknown
// parameter, or a modifier none of them takes, is EInvalid rather than
// silently ignored, so a client never reads a wider answer than it asked
// for. _count is 1–500 (EInvalid "error.page_limit" otherwise).
func parseSearch(t resourceType, v url.Values) (searchParams, error) {
	p := searchParams{Values: v}
	for name := range v {
		if !commonParams[name] && !t.params[name] {
			return p, errParam(name)
		}
	}
	if f := v.Get("_format"); f != "" && !strings.Contains(f, "json") {
		return p, withStatus(http.StatusNotAcceptable, sotepe.EInvalid, "error.fhir_format", "only JSON is served")
	}
	if c := v.Get("_count"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return p, sotepe.Invalid("error.page_limit", "_count must be 1–500")
		}
		p.page.Limit = min(n, sotepe.MaxPageLimit)
	}
	p.page.Cursor = v.Get("_cursor")
	return p, nil
}

// searchResult is one page of a search: the matches, the resources
// _include brought along, and the cursor of the next page ("" on the last).
type searchResult struct {
	matches  []resource
	includes []resource
	next     string
}

// search answers a type's search as a searchset Bundle with a self link
// and, when there is more, a next link.
func (h *Handler) search(w http.ResponseWriter, q *request, t resourceType, v url.Values) error {
	if err := h.access(q, t); err != nil {
		return err
	}
	p, err := parseSearch(t, v)
	if err != nil {
		return err
	}
	res, err := t.search(h, q, p)
	if err != nil {
		return err
	}
	var next string
	if res.next != "" {
		nv := url.Values{}
		for k, vs := range v {
			if k != "_cursor" && k != "lang" {
				nv[k] = vs
			}
		}
		nv.Set("_cursor", res.next)
		next = linkWith(q, t.name, nv)
	}
	return h.sendBundle(w, q, selfURL(q), next, res, t.scope == "" || t.clientBooked || q.patient)
}

// postSearch is a search sent as a form body (POST [type]/_search); the
// query string and the form are one search.
func (h *Handler) postSearch(w http.ResponseWriter, q *request, t resourceType) error {
	if err := q.r.ParseForm(); err != nil {
		return sotepe.Invalid("error.form", "malformed form")
	}
	return h.search(w, q, t, q.r.Form)
}

// sendBundle writes a searchset Bundle of res. It is put together from
// the entries' own JSON (fhir.Bundle would have encoding/json scan every
// entry again), with the links and the total marshalled as usual.
func (h *Handler) sendBundle(w http.ResponseWriter, q *request, self, next string, res searchResult, private bool) error {
	links := []fhir.BundleLink{{Relation: "self", Url: self}}
	if next != "" {
		links = append(links, fhir.BundleLink{Relation: "next", Url: next})
	}
	lb, err := json.Marshal(links)
	if err != nil {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "fhir: encode bundle", Err: err}
	}
	out := make([]byte, 0, 1024*(1+len(res.matches)+len(res.includes)))
	out = append(out, `{"resourceType":"Bundle","type":"searchset"`...)
	if res.next == "" && q.r.URL.Query().Get("_cursor") == "" {
		// The whole answer is on this page: its size is the total.
		out = append(out, `,"total":`...)
		out = strconv.AppendInt(out, int64(len(res.matches)), 10)
	}
	out = append(out, `,"link":`...)
	out = append(out, lb...)
	first := true
	add := func(r resource, mode string) error {
		body, _, err := r.encode()
		if err != nil {
			return err
		}
		if first {
			out = append(out, `,"entry":[`...)
			first = false
		} else {
			out = append(out, ',')
		}
		out = append(out, '{')
		if r.id != "" {
			full, _ := json.Marshal(q.base + "/" + r.typ + "/" + r.id)
			out = append(out, `"fullUrl":`...)
			out = append(out, full...)
			out = append(out, ',')
		}
		out = append(out, `"resource":`...)
		out = append(out, body...)
		out = append(out, `,"search":{"mode":"`+mode+`"}}`...)
		private = private || r.private
		return nil
	}
	for _, r := range res.matches {
		if err := add(r, "match"); err != nil {
			return err
		}
	}
	for _, r := range res.includes {
		if err := add(r, "include"); err != nil {
			return err
		}
	}
	if !first {
		out = append(out, ']')
	}
	out = append(out, '}')
	h.send(w, q, http.StatusOK, out, private)
	return nil
}

// read answers a read of one resource.
func (h *Handler) read(w http.ResponseWriter, q *request, t resourceType, id string) error {
	if err := h.access(q, t); err != nil {
		return err
	}
	if f := q.r.URL.Query().Get("_format"); f != "" && !strings.Contains(f, "json") {
		return withStatus(http.StatusNotAcceptable, sotepe.EInvalid, "error.fhir_format", "only JSON is served")
	}
	res, err := t.read(h, q, id)
	if err != nil {
		return err
	}
	return h.sendResource(w, q, http.StatusOK, res)
}

// offsetPage returns the page of items that a cursor (an offset) and a
// limit ask for, and the cursor of the next page: the lists paged this way
// (producers, schedules) are the directory's, held in memory.
func offsetPage[T any](items []T, page sotepe.PageRequest) ([]T, string, error) {
	page, err := page.Normalize()
	if err != nil {
		return nil, "", err
	}
	from := 0
	if page.Cursor != "" {
		if from, err = strconv.Atoi(page.Cursor); err != nil || from < 0 {
			return nil, "", sotepe.Invalid("error.cursor", "malformed cursor")
		}
	}
	if from >= len(items) {
		return nil, "", nil
	}
	to := min(from+page.Limit, len(items))
	next := ""
	if to < len(items) {
		next = strconv.Itoa(to)
	}
	return items[from:to], next, nil
}

// offsetResult is the search result of the page of items that page asks
// for (as offsetPage pages them), each item mapped by fn.
func offsetResult[T any](items []T, page sotepe.PageRequest, fn func(T) resource) (searchResult, error) {
	matches, next, err := offsetPage(items, page)
	if err != nil {
		return searchResult{}, err
	}
	res := searchResult{next: next}
	for _, v := range matches {
		res.matches = append(res.matches, fn(v))
	}
	return res, nil
}

// tokenValue reads a token parameter ("code" or "system|code") whose
// system, when given, must be system; it returns the code.
func tokenValue(name, v, system string) (string, error) {
	if sys, code, ok := strings.Cut(v, "|"); ok {
		if sys != "" && sys != system {
			return "", errParamValue(name)
		}
		v = code
	}
	if v == "" || strings.Contains(v, ",") {
		return "", errParamValue(name)
	}
	return v, nil
}

// refValue reads a reference parameter of typ ("Type/id" or a bare id,
// or an absolute URL ending so) and returns the id.
func refValue(name, v, typ string) (string, error) {
	if i := strings.LastIndex(v, "/"+typ+"/"); i >= 0 {
		v = v[i+1:]
	}
	v = strings.TrimPrefix(v, typ+"/")
	if strings.Contains(v, "/") || !validID(v) {
		return "", errParamValue(name)
	}
	return v, nil
}

// token returns the code of the token parameter name of system (see
// tokenValue), or "" when the search does not give it.
func (p searchParams) token(name, system string) (string, error) {
	v, err := p.one(name)
	if err != nil || v == "" {
		return "", err
	}
	return tokenValue(name, v, system)
}

// ref returns the id of the reference parameter name to a typ (see
// refValue), or "" when the search does not give it.
func (p searchParams) ref(name, typ string) (string, error) {
	v, err := p.one(name)
	if err != nil || v == "" {
		return "", err
	}
	return refValue(name, v, typ)
}

// locationUnit returns the unit a search's location parameter refers to,
// or nil when the search has none. A malformed reference is EInvalid; a
// unit the directory does not know is ENotFound, which the searches
// answer with no matches.
func (h *Handler) locationUnit(q *request, p searchParams) (*sotepe.Unit, error) {
	id, err := p.ref("location", "Location")
	if err != nil || id == "" {
		return nil, err
	}
	u, err := h.cfg.Directory.Unit(q.ctx, id)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// dateRange reads the values of a date parameter (prefixes eq, ge, gt, le,
// lt; a date, or a date and time with an offset) into a half-open range
// [from, to); zero bounds are open.
func (h *Handler) dateRange(name string, vs []string) (from, to time.Time, err error) {
	for _, v := range vs {
		prefix := "eq"
		if len(v) > 2 && v[0] >= 'a' && v[0] <= 'z' {
			prefix, v = v[:2], v[2:]
		}
		start, end, ok := h.parseDate(v)
		if !ok {
			return from, to, errParamValue(name)
		}
		lower, upper := time.Time{}, time.Time{}
		switch prefix {
		case "eq":
			lower, upper = start, end
		case "ge":
			lower = start
		case "gt":
			lower = end
		case "le":
			upper = end
		case "lt":
			upper = start
		default:
			return from, to, errParamValue(name)
		}
		if !lower.IsZero() && lower.After(from) {
			from = lower
		}
		if !upper.IsZero() && (to.IsZero() || upper.Before(to)) {
			to = upper
		}
	}
	return from, to, nil
}

// dateParam returns the instants the date parameter name spans (see
// parseDate), or zero instants when the search does not give it.
func (h *Handler) dateParam(p searchParams, name string) (start, end time.Time, err error) {
	v, err := p.one(name)
	if err != nil || v == "" {
		return start, end, err
	}
	start, end, ok := h.parseDate(v)
	if !ok {
		return time.Time{}, time.Time{}, errParamValue(name)
	}
	return start, end, nil
}

// parseDate reads a FHIR date or dateTime as the instants it spans: a date
// is its whole day in the city's time zone, an instant one microsecond.
func (h *Handler) parseDate(v string) (start, end time.Time, ok bool) {
	if d, err := time.ParseInLocation(time.DateOnly, v, h.loc); err == nil {
		return d, d.AddDate(0, 0, 1), true
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return start, end, false
	}
	return t, t.Add(time.Microsecond), true
}
