package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
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

// pageOf pages a short list held in memory; the cursor is the offset.
func pageOf[T any](items []T, p sotepe.PageRequest) (sotepe.Page[T], error) {
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

// smallList answers one of the short lists of the API (areas, concepts,
// districts, producers), paged like every other list.
func smallList[T any](s *Server, load func(context.Context) ([]T, error)) kit.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := kit.ReadPageRequest(r.URL.Query())
		if err != nil {
			return err
		}
		items, err := load(r.Context())
		if err != nil {
			return err
		}
		page, err := pageOf(items, p)
		if err != nil {
			return err
		}
		kit.WriteJSON(w, http.StatusOK, page)
		return nil
	}
}

func (s *Server) areas(w http.ResponseWriter, r *http.Request) error {
	return smallList(s, s.dir.Areas)(w, r)
}

func (s *Server) concepts(w http.ResponseWriter, r *http.Request) error {
	return smallList(s, s.dir.Concepts)(w, r)
}

func (s *Server) districts(w http.ResponseWriter, r *http.Request) error {
	return smallList(s, s.dir.Districts)(w, r)
}

func (s *Server) producers(w http.ResponseWriter, r *http.Request) error {
	return smallList(s, s.dir.Producers)(w, r)
}

// network reads the directory's vocabulary for a page.
func (s *Server) network(ctx context.Context) (vocab.Network, error) {
	return vocab.Read(ctx, s.dir)
}

// home is the front page: search the directory, browse by area and concept.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	n, err := s.network(r.Context())
	return s.showPage(w, r, "home", "home.title", n, err)
}

// unitsView is the directory search page.
type unitsView struct {
	Filter  sotepe.UnitFilter
	Page    sotepe.Page[unitView]
	Net     vocab.Network
	NextURL string
}

// units searches the directory: GET /units and GET /api/v1/units with q,
// service, area, concept, district, language, kind, producer, limit and
// cursor.
func (s *Server) units(w http.ResponseWriter, r *http.Request) error {
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
	page, err := s.dir.Units(r.Context(), f)
	if err != nil {
		return err
	}
	now := s.now().In(s.cfg.Location)
	out := kit.ViewPage(page, func(u sotepe.Unit) unitView { return unitView{Unit: u, OpenNow: u.Hours.OpenAt(now)} })
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	n, err := s.network(r.Context())
	if err != nil {
		return err
	}
	v := unitsView{Filter: f, Page: out, Net: n, NextURL: kit.NextURL(r, out.NextCursor)}
	s.html(w, r, http.StatusOK, "units", pageData{Title: s.cat.T(in.Lang, "units.title", nil), Data: v})
	return nil
}

// unitPageView is one unit's page.
type unitPageView struct {
	Unit  unitView
	Net   vocab.Network
	Today []sotepe.DayHours
}

// unit shows one unit: GET /units/{id} and GET /api/v1/units/{id}.
func (s *Server) unit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.dir.Unit(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	now := s.now().In(s.cfg.Location)
	v := unitView{Unit: u, OpenNow: u.Hours.OpenAt(now)}
	if kit.IsAPI(r) {
		kit.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	n, err := s.network(r.Context())
	if err != nil {
		return err
	}
	s.html(w, r, http.StatusOK, "unit", pageData{Title: u.Names.In(kit.Info(r).Lang), Data: unitPageView{Unit: v, Net: n, Today: u.Hours.Intervals(now)}})
	return nil
}

// services lists services: GET /services (grouped by area) and GET
// /api/v1/services?area=.
func (s *Server) services(w http.ResponseWriter, r *http.Request) error {
	if kit.IsAPI(r) {
		p, err := kit.ReadPageRequest(r.URL.Query())
		if err != nil {
			return err
		}
		page, err := s.dir.Services(r.Context(), r.URL.Query().Get("area"), p)
		if err != nil {
			return err
		}
		kit.WriteJSON(w, http.StatusOK, page)
		return nil
	}
	n, err := s.network(r.Context())
	return s.showPage(w, r, "services", "services.title", n, err)
}

// service returns one service: GET /api/v1/services/{id}.
func (s *Server) service(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.dir.Service(r.Context(), r.PathValue("id"))
	return kit.WriteResult(w, http.StatusOK, sv, err)
}
