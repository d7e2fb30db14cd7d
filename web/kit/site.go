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
	// Standalone renders the page template name on its own, without the
	// layout and its navigation to leave the page by (a waiting room's
	// kiosk): the template's "standalone" definition, under title, with
	// data as the page's Data.
	Standalone(w http.ResponseWriter, r *http.Request, status int, name, title string, data any)
	// Now is the server's clock: the current instant in the city's time
	// zone.
	Now() time.Time
}

// ShowPage renders the page template name with 200 OK under the catalog's
// titleKey in r's language, with data as the page's Data, or returns err
// when it is not nil.
func ShowPage(site Site, w http.ResponseWriter, r *http.Request, name, titleKey string, data any, err error) error {
	if err != nil {
		return err
	}
	site.Page(w, r, http.StatusOK, name, site.T(Info(r).Lang, titleKey, nil), data)
	return nil
}

// Respond answers r with apiBody as JSON when r is an API request, else
// with the page template name under title with data as its Data; both
// with 200 OK.
func Respond(site Site, w http.ResponseWriter, r *http.Request, apiBody any, name, title string, data any) error {
	if IsAPI(r) {
		WriteJSON(w, http.StatusOK, apiBody)
	} else {
		site.Page(w, r, http.StatusOK, name, title, data)
	}
	return nil
}

// CatalogNames is the catalog's text of key in the three languages, as
// site writes it: the name of a group the directory does not name (the
// chats nobody took, the answers with no service).
func CatalogNames(site Site, key string) sotepe.Names {
	return sotepe.Names{Fi: site.T(sotepe.Finnish, key, nil), Sv: site.T(sotepe.Swedish, key, nil), En: site.T(sotepe.English, key, nil)}
}

// AddCatalogNames puts the catalog's names of prefix+key into names by key, for
// every key of keys.
func AddCatalogNames[K ~string](site Site, names map[string]sotepe.Names, prefix string, keys []K) {
	for _, k := range keys {
		names[string(k)] = CatalogNames(site, prefix+string(k))
	}
}

// FormErrorIn is err as a form shows it, in site's words in lang, at the
// first of fields it is about (NewFormError); nil when err is.
func FormErrorIn(site Site, lang sotepe.Lang, err error, fields ...string) *FormError {
	return NewFormError(site.ErrText(lang, err), err, fields...)
}
