package kit

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sotepe"
)

// ReadPageRequest reads limit and cursor from the query string.
func ReadPageRequest(q url.Values) (sotepe.PageRequest, error) {
	p := sotepe.PageRequest{Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > sotepe.MaxPageLimit {
			return p, sotepe.Invalid("error.page_limit", "limit must be a whole number from 1 to 500")
		}
		p.Limit = n
	}
	return p.Normalize()
}

// PageOf pages a short list held in memory (the directory's areas, a
// year's non-working days): p's cursor is the offset of the page's first
// item, written in base64. A cursor that is not one, or lies beyond the
// list, is EInvalid ("error.cursor").
func PageOf[T any](items []T, p sotepe.PageRequest) (sotepe.Page[T], error) {
	start := 0
	if p.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		n, aerr := strconv.Atoi(string(b))
		if err != nil || aerr != nil || n < 0 || n > len(items) {
			return sotepe.Page[T]{}, sotepe.Invalid("error.cursor", "malformed cursor")
		}
		start = n
	}
	end := min(start+p.Limit, len(items))
	out := sotepe.Page[T]{Items: items[start:end]}
	if out.Items == nil {
		out.Items = []T{}
	}
	if end < len(items) {
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return out, nil
}

// ListPage reads the page of a list that the query's limit and cursor
// ask for (see ReadPageRequest) through read. The API gets it, or the error,
// as JSON. ok reports that the page is read and the caller is still to
// show it.
func ListPage[T any](w http.ResponseWriter, r *http.Request, read func(sotepe.PageRequest) (sotepe.Page[T], error)) (page sotepe.Page[T], ok bool, err error) {
	pr, err := ReadPageRequest(r.URL.Query())
	if err == nil {
		page, err = read(pr)
	}
	if err != nil || IsAPI(r) {
		if err == nil {
			WriteJSON(w, http.StatusOK, page)
		}
		return page, false, err
	}
	return page, true, nil
}

// NextURL is the link to the page after this one: the request's own path
// and query with cursor set and the parameters drop left out, or "" when
// there is no next page (cursor is "").
func NextURL(r *http.Request, cursor string, drop ...string) string {
	if cursor == "" {
		return ""
	}
	q := r.URL.Query()
	for _, k := range drop {
		q.Del(k)
	}
	q.Set("cursor", cursor)
	return r.URL.Path + "?" + q.Encode()
}

// MaxPeriodMonths bounds the period of one request for figures by period
// (the dashboard, the chat figures): three years.
const MaxPeriodMonths = 36

// FigureYear reads the year of a figures request: ?year=, by default the
// year before the current one (the last whole year). A bad year is
// EInvalid naming the field. now is the current instant in the city's
// time zone.
func FigureYear(r *http.Request, now time.Time) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return now.Year() - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, sotepe.InvalidField("year", "staff.error.year", "the year is 2000-2100")
	}
	return y, nil
}

// SplitList reads a query value that lists things with commas
// ("unit=a,b"): its items trimmed, the empty ones left out.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
