package kit

import (
	"net/http"

	"sotepe"
)

// AutoRefresh is a page that reloads itself every Seconds for people
// without JavaScript (with it, the page's script follows the changes
// live). WCAG 2.2.1 asks that a person can stop such a reload: it would
// otherwise take away a half-written message or the place they were
// reading. The link "stop" adds ?refresh=off to the page's path, and the
// page's forms keep it (KeepRefresh).
type AutoRefresh struct {
	On          bool
	Seconds     int
	Path        string // the page without ?refresh=off: reloads again
	Off         string // the page with ?refresh=off
	Start, Stop string // the links' texts in the page's language
}

// NewAutoRefresh returns the reload of r's page every seconds, off when
// the person turned it off, with its links' texts from site in lang.
func NewAutoRefresh(site Site, r *http.Request, lang sotepe.Lang, seconds int) AutoRefresh {
	args := map[string]any{"Seconds": seconds}
	return AutoRefresh{On: r.URL.Query().Get("refresh") != "off", Seconds: seconds,
		Path: r.URL.Path, Off: r.URL.Path + "?refresh=off",
		Start: site.T(lang, "refresh.start", args), Stop: site.T(lang, "refresh.stop", args)}
}

// KeepRefresh returns "?refresh=off" when r came from a page whose
// reload the person turned off, so that a form's redirect back keeps it
// off, and "" otherwise.
func KeepRefresh(r *http.Request) string {
	if r.URL.Query().Get("refresh") == "off" {
		return "?refresh=off"
	}
	return ""
}

// Query is what a form on the page adds to its action so that the page it
// returns to keeps the reload off: "?refresh=off" when the person turned
// it off, else "".
func (a AutoRefresh) Query() string {
	if a.Seconds > 0 && !a.On {
		return "?refresh=off"
	}
	return ""
}
