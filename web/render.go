package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// pageData is what every page template gets. Handlers fill Title and Data;
// html fills the rest.
type pageData struct {
	Title string
	Data  any

	Lang   sotepe.Lang
	User   *sotepe.User
	Demo   bool
	URL    *url.URL
	server *Server
	loc    *time.Location
	ctx    context.Context
}

// T translates key in the page's language; args are name, value pairs.
func (p pageData) T(key string, args ...any) string {
	return p.server.cat.T(p.Lang, key, pairs(args))
}

// N translates the plural form of key for count.
func (p pageData) N(key string, count int, args ...any) string {
	return p.server.cat.N(p.Lang, key, count, pairs(args))
}

// Name picks the page's language from a three-language text.
func (p pageData) Name(n sotepe.Names) string { return n.In(p.Lang) }

// LangURL is the current page in another language, so switching keeps the
// person where they are.
func (p pageData) LangURL(l string) string {
	u := *p.URL
	q := u.Query()
	q.Set("lang", l)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// Langs lists the languages for the switcher, each named in itself.
func (p pageData) Langs() []struct{ Code, Name string } {
	return []struct{ Code, Name string }{{"fi", "Suomeksi"}, {"sv", "På svenska"}, {"en", "In English"}}
}

// Dates is the page's formatter of dates and times: its language and the
// city's time zone.
func (p pageData) Dates() view.Dates {
	return view.NewDates(p.Lang, p.loc, func(key string, args map[string]any) string { return p.server.cat.T(p.Lang, key, args) })
}

// Clock formats an instant as hours and minutes in the city's time zone.
func (p pageData) Clock(t time.Time) string { return p.Dates().Time(t) }

// ISO formats an instant in RFC 3339 in the city's time zone, for
// <time datetime>.
func (p pageData) ISO(t time.Time) string { return t.In(p.loc).Format(time.RFC3339) }

// datesIn is the formatter of dates and times for lang.
func (s *Server) datesIn(lang sotepe.Lang) view.Dates {
	return view.NewDates(lang, s.cfg.Location, func(key string, args map[string]any) string { return s.cat.T(lang, key, args) })
}

// When formats an instant as a weekday, date and time in the page's
// language and the city's time zone: "ma 7.12.2026 klo 12.30",
// "Mon 7 Dec 2026, 12:30".
func (p pageData) When(t time.Time) string { return p.Dates().DateTime(t) }

// Date formats an instant as a date in the page's language and the city's
// time zone: "7.12.2026", "7 Dec 2026".
func (p pageData) Date(t time.Time) string { return p.Dates().Date(t) }

// Day formats an instant as a weekday and date: "ma 7.12.2026".
func (p pageData) Day(t time.Time) string { return p.Dates().Day(t) }

// Clocktime writes a time of day given as "08:00" in the page's language:
// "08.00" in Finnish and Swedish.
func (p pageData) Clocktime(hhmm string) string { return p.Dates().TimeOf(hhmm) }

// Period writes an ISO date, month ("2026-12") or week ("2026-W45") label
// in words in the page's language; other text comes back as it is.
func (p pageData) Period(label string) string { return p.Dates().Period(label) }

// UnitName is the name of unit id in the page's language, so that pages
// show names, not ids; an empty id is empty.
func (p pageData) UnitName(id string) string {
	if id == "" {
		return ""
	}
	ctx := p.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return p.server.unitNames(ctx, id).In(p.Lang)
}

// Long formats an instant (a time.Time or a *time.Time) as a weekday, date
// and time in the page's language and the city's time zone, as promises
// are written: "onsdag 25 november kl. 16.00".
func (p pageData) Long(v any) string {
	switch x := v.(type) {
	case time.Time:
		return p.Dates().Long(x)
	case *time.Time:
		if x == nil {
			return ""
		}
		return p.Dates().Long(*x)
	default:
		return ""
	}
}

// Key returns a fresh random key for a form, sent back as its
// Idempotency-Key so that a double submit stores one request.
func (p pageData) Key() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Statuses lists the statuses of contact requests for filters.
func (p pageData) Statuses() []sotepe.ContactStatus { return sotepe.ContactStatuses }

// Channels lists the channels of contact requests for filters.
func (p pageData) Channels() []sotepe.Channel { return sotepe.Channels }

// Is reports whether the signed-in user holds role.
func (p pageData) Is(role string) bool { return p.User != nil && p.User.Has(sotepe.Role(role)) }

func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasSuffix(name, ".partial") {
			continue
		}
		t, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/*.partial.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// html renders page with data, buffering so a template error becomes an
// error page instead of half a page.
func (s *Server) html(w http.ResponseWriter, r *http.Request, status int, page string, d pageData) {
	s.render(w, r, status, page, "", d)
}

// render renders page with data as html does: the whole page with its
// layout, or when define is not "" only that definition of the page's
// template (the kiosk's "standalone").
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, define string, d pageData) {
	in := kit.Info(r)
	d.Lang, d.User, d.Demo, d.URL, d.server, d.loc, d.ctx = in.Lang, in.User, s.cfg.Demo, r.URL, s, s.cfg.Location, r.Context()
	if d.fieldProblem() != nil {
		d.Title = s.cat.T(in.Lang, "form.error_title", map[string]any{"Title": d.Title})
	}
	t, ok := s.pages[page]
	var buf bytes.Buffer
	if !ok {
		s.log.Error("missing page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var err error
	if define == "" {
		err = t.Execute(&buf, d)
	} else {
		err = t.ExecuteTemplate(&buf, define, d)
	}
	if err != nil {
		s.log.Error("template failed", "page", page, "request_id", in.ID, "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// AppointmentModes lists the modes of appointments for forms.
func (p pageData) AppointmentModes() []sotepe.AppointmentMode { return sotepe.AppointmentModes }

// Weekdays lists the weekdays 1 (Monday) to 7 (Sunday) for forms.
func (p pageData) Weekdays() []int { return []int{1, 2, 3, 4, 5, 6, 7} }

// Percent writes a share (0–1) as a whole percentage in the page's
// language.
func (p pageData) Percent(v *float64) string {
	if v == nil {
		return ""
	}
	return p.T("appt.percent", "Value", strconv.FormatFloat(*v*100, 'f', 0, 64))
}

// Days writes a number of days with one decimal in the page's language
// (a decimal comma in Finnish and Swedish).
func (p pageData) Days(v *float64) string {
	if v == nil {
		return ""
	}
	return p.T("appt.days", "Value", view.Decimal(p.Lang, *v, 1))
}

// unitNames returns the names of unit id from the directory, or the id.
func (s *Server) unitNames(ctx context.Context, id string) sotepe.Names {
	return vocab.UnitNames(ctx, s.dir, id)
}
