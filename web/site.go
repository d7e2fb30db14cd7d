package web

import (
	"net/http"
	"time"

	"sotepe"
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
func (x site) Standalone(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	x.s.render(w, r, status, name, "standalone", pageData{Title: title, Data: data})
}

// Now is the server's clock in the city's time zone.
func (x site) Now() time.Time { return x.s.now().In(x.s.cfg.Location) }
