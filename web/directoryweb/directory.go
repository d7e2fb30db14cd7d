package directoryweb

import (
	"context"
	"net/http"
	"strings"
	"unicode"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/vocab"
)

// unitView is a unit as the directory shows it: the stored unit and whether
// it is open at the moment of the request.
type unitView struct {
	sotepe.Unit
	OpenNow bool `json:"open_now"`
}

// smallList answers one of the short lists of the API (areas, concepts,
// districts, producers), paged like every other list.
func smallList[T any](load func(context.Context) ([]T, error)) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := kit.ReadPageRequest(r.URL.Query())
		if err != nil {
			return err
		}
		items, err := load(r.Context())
		if err != nil {
			return err
		}
		page, err := kit.PageOf(items, p)
		if err != nil {
			return err
		}
		kit.WriteJSON(w, http.StatusOK, page)
		return nil
	}
}

// Areas lists the directory's areas: GET /api/v1/areas.
func (h *Handlers) Areas(w http.ResponseWriter, r *http.Request) error {
	return smallList(h.cfg.Directory.Areas)(w, r)
}

// Concepts lists the directory's concepts: GET /api/v1/concepts.
func (h *Handlers) Concepts(w http.ResponseWriter, r *http.Request) error {
	return smallList(h.cfg.Directory.Concepts)(w, r)
}

// Districts lists the directory's districts: GET /api/v1/districts.
func (h *Handlers) Districts(w http.ResponseWriter, r *http.Request) error {
	return smallList(h.cfg.Directory.Districts)(w, r)
}

// Producers lists the directory's producers: GET /api/v1/producers.
func (h *Handlers) Producers(w http.ResponseWriter, r *http.Request) error {
	return smallList(h.cfg.Directory.Producers)(w, r)
}

// network reads the directory's vocabulary for a page.
func (h *Handlers) network(ctx context.Context) (vocab.Network, error) {
	return vocab.Read(ctx, h.cfg.Directory)
}

// Home is the front page: search the directory, browse by area and concept.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) error {
	n, err := h.network(r.Context())
	return kit.ShowPage(h.site, w, r, "home", "home.title", n, err)
}

// unitsView is the directory search page.
type unitsView struct {
	Filter  sotepe.UnitFilter
	Page    sotepe.Page[unitView]
	Net     vocab.Network
	NextURL string
}

// Units searches the directory: GET /units and GET /api/v1/units with q,
// service, area, concept, district, language, kind, producer, limit and
// cursor.
func (h *Handlers) Units(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	in := kit.Info(r)
	f := sotepe.UnitFilter{
		Query: q.Get("q"), Service: q.Get("service"), Area: q.Get("area"), Concept: q.Get("concept"),
		District: q.Get("district"), Kind: q.Get("kind"), Producer: q.Get("producer"), SortLang: in.Lang,
	}
	if l := q.Get("language"); l != "" {
		lang, ok := sotepe.ParseLang(l)
		if !ok {
			return sotepe.Invalid("error.lang", "language must be fi, sv or en")
		}
		f.Language = lang
	}
	if len([]rune(f.Query)) > 100 {
		return sotepe.Invalid("error.query_long", "search text over 100 characters")
	}
	if strings.ContainsFunc(f.Query, unicode.IsControl) {
		return sotepe.Invalid("error.query_control", "search text holds control characters")
	}
	var err error
	if f.Page, err = kit.ReadPageRequest(q); err != nil {
		return err
	}
	page, err := h.cfg.Directory.Units(r.Context(), f)
	if err != nil {
		return err
	}
	now := h.site.Now()
	out := kit.ViewPage(page, func(u sotepe.Unit) unitView { return unitView{Unit: u, OpenNow: u.Hours.OpenAt(now)} })
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	n, err := h.network(r.Context())
	if err != nil {
		return err
	}
	v := unitsView{Filter: f, Page: out, Net: n, NextURL: kit.NextURL(r, out.NextCursor)}
	return kit.ShowPage(h.site, w, r, "units", "units.title", v, nil)
}

// unitPageView is one unit's page.
type unitPageView struct {
	Unit  unitView
	Net   vocab.Network
	Today []sotepe.DayHours
}

// Unit shows one unit: GET /units/{id} and GET /api/v1/units/{id}.
func (h *Handlers) Unit(w http.ResponseWriter, r *http.Request) error {
	u, err := h.cfg.Directory.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	now := h.site.Now()
	v := unitView{Unit: u, OpenNow: u.Hours.OpenAt(now)}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	n, err := h.network(r.Context())
	if err != nil {
		return err
	}
	h.site.Page(w, r, http.StatusOK, "unit", u.Names.In(kit.Info(r).Lang), unitPageView{Unit: v, Net: n, Today: u.Hours.Intervals(now)})
	return nil
}

// Services lists services: GET /services (grouped by area) and GET
// /api/v1/services?area=.
func (h *Handlers) Services(w http.ResponseWriter, r *http.Request) error {
	if kit.IsAPI(r) {
		p, err := kit.ReadPageRequest(r.URL.Query())
		if err != nil {
			return err
		}
		page, err := h.cfg.Directory.Services(r.Context(), r.URL.Query().Get("area"), p)
		if err != nil {
			return err
		}
		kit.WriteJSON(w, http.StatusOK, page)
		return nil
	}
	n, err := h.network(r.Context())
	return kit.ShowPage(h.site, w, r, "services", "services.title", n, err)
}

// Service returns one service: GET /api/v1/services/{id}.
func (h *Handlers) Service(w http.ResponseWriter, r *http.Request) error {
	sv, err := h.cfg.Directory.Service(r.Context(), r.PathValue("id"))
	return kit.WriteResult(w, http.StatusOK, sv, err)
}
