package web

import (
	"bytes"
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
)

// site is the server as the handlers of an area package see it
// (kit.Site): the catalog's texts, dates and pages, each in the language
// it is asked for. Areas render through it, so the layout and its
// partials stay parsed once, here.
type site struct{ s *Server }

// T is the catalog's text of key in lang.
func (x site) T(lang sotepe.Lang, key string, args map[string]any) string {
	return x.s.cat.T(lang, key, args)
}

// ErrText is what err says in lang.
func (x site) ErrText(lang sotepe.Lang, err error) string { return x.s.errText(lang, err) }

// Dates writes dates and times in lang.
func (x site) Dates(lang sotepe.Lang) view.Dates { return x.s.datesIn(lang) }

// Page renders the page template name under title with data.
func (x site) Page(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	x.s.html(w, r, status, name, pageData{Title: title, Data: data})
}

// Standalone renders the "standalone" definition of page template name,
// without the layout: the kiosk, which has no navigation to leave it by.
func (x site) Standalone(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	s := x.s
	in := kit.Info(r)
	d := pageData{Title: title, Data: data}
	d.Lang, d.User, d.Demo, d.URL, d.server, d.loc, d.ctx = in.Lang, in.User, s.cfg.Demo, r.URL, s, s.cfg.Location, r.Context()
	if d.fieldProblem() != nil {
		d.Title = s.cat.T(in.Lang, "form.error_title", map[string]any{"Title": d.Title})
	}
	t, ok := s.pages[name]
	if !ok {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "missing page template " + name}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "standalone", d); err != nil {
		return &sotepe.Error{Code: sotepe.EInternal, Message: "standalone template " + name, Err: err}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// Now is the server's clock in the city's time zone.
func (x site) Now() time.Time { return x.s.now().In(x.s.cfg.Location) }
