package kit

import (
	"net/http"
	"time"

	"sotepe"
	"sotepe/web/view"
)

// Site is what the handlers of an area package (rescueweb, procurementweb,
// yearweb…) need from the server they are served by, each in the language
// it is asked for. Package web implements it; the areas render through
// it, so the layout and its partials are parsed once, there.
type Site interface {
	// T is the catalog's text of key in lang, with args filled in.
	T(lang sotepe.Lang, key string, args map[string]any) string
	// ErrText is what err says in lang, in the catalog's words.
	ErrText(lang sotepe.Lang, err error) string
	// Dates writes dates and times in lang, in the city's time zone.
	Dates(lang sotepe.Lang) view.Dates
	// Page renders the page template name with status, under title, with
	// data as the page's Data.
	Page(w http.ResponseWriter, r *http.Request, status int, name, title string, data any)
	// Now is the server's clock: the current instant in the city's time
	// zone.
	Now() time.Time
}
