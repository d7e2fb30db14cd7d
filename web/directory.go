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

// network is the whole directory vocabulary a page needs to name things and
// fill its filters.
type network struct {
	Areas     []sotepe.Area
	Concepts  []sotepe.Concept
	Districts []sotepe.District
	Producers []sotepe.Producer
	Services  []sotepe.Service
}

func (s *Server) network(ctx context.Context) (network, error) {
	var n network
	var err error
	if n.Areas, err = s.dir.Areas(ctx); err != nil {
		return n, err
	}
	if n.Concepts, err = s.dir.Concepts(ctx); err != nil {
		return n, err
	}
	if n.Districts, err = s.dir.Districts(ctx); err != nil {
		return n, err
	}
	if n.Producers, err = s.dir.Producers(ctx); err != nil {
		return n, err
	}
	n.Services, err = sotepe.AllServices(ctx, s.dir, "")
	return n, err
}

// namesIn returns the names of the item of items whose id is id, as named
// tells them, or the id itself in every language when there is none.
func namesIn[T any](items []T, id string, named func(T) (string, sotepe.Names)) sotepe.Names {
	for _, it := range items {
		if itID, names := named(it); itID == id {
			return names
		}
	}
	return idNames(id)
}

// addNames puts the names of every item of items, as named tells them,
// into names by id.
func addNames[T any](names map[string]sotepe.Names, items []T, named func(T) (string, sotepe.Names)) {
	for _, it := range items {
		id, n := named(it)
		names[id] = n
	}
}

// addCatNames puts the catalog's names of prefix+key into names by key, for
// every key of keys.
func addCatNames[K ~string](s *Server, names map[string]sotepe.Names, prefix string, keys []K) {
	for _, k := range keys {
		names[string(k)] = s.catNames(prefix + string(k))
	}
}

// The id and names of each kind of directory item, for namesIn and addNames.
func namedArea(a sotepe.Area) (string, sotepe.Names)         { return a.ID, a.Names }
func namedConcept(c sotepe.Concept) (string, sotepe.Names)   { return c.ID, c.Names }
func namedDistrict(d sotepe.District) (string, sotepe.Names) { return d.ID, d.Names }
func namedProducer(p sotepe.Producer) (string, sotepe.Names) { return p.ID, p.Names }
func namedService(s sotepe.Service) (string, sotepe.Names)   { return s.ID, s.Names }
func namedUnit(u sotepe.Unit) (string, sotepe.Names)         { return u.ID, u.Names }

// idNames is id itself in every language, for an id nothing names.
func idNames(id string) sotepe.Names {
	return sotepe.Names{Fi: id, Sv: id, En: id}
}

// Service returns the names of service id, or the id itself when unknown.
func (n network) Service(id string) sotepe.Names {
	return namesIn(n.Services, id, namedService)
}

// District returns the names of district id.
func (n network) District(id string) sotepe.Names {
	return namesIn(n.Districts, id, namedDistrict)
}

// Area returns the names of area id.
func (n network) Area(id string) sotepe.Names {
	return namesIn(n.Areas, id, namedArea)
}

// Producer returns producer id.
func (n network) Producer(id string) sotepe.Producer {
	for _, p := range n.Producers {
		if p.ID == id {
			return p
		}
	}
	return sotepe.Producer{ID: id, Names: idNames(id)}
}

// Kind returns the names of a kind of unit.
func (n network) Kind(kind string) sotepe.Names {
	k, _ := sotepe.UnitKindNames(kind)
	return k
}

// Concept returns the names of concept id.
func (n network) Concept(id string) sotepe.Names {
	return namesIn(n.Concepts, id, namedConcept)
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
	Net     network
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
	Net   network
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
