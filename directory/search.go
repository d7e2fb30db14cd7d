package directory

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"sotepe"
)

// Services returns one page of services ordered by id; area narrows to one
// service area when not empty. The cursor is the store's: the last id of
// the page before, and the page continues after it. A malformed cursor is
// EInvalid ("error.cursor"), as is a negative limit ("error.page_limit").
func (x *Index) Services(ctx context.Context, area string, page sotepe.PageRequest) (sotepe.Page[sotepe.Service], error) {
	s := x.current()
	out := sotepe.Page[sotepe.Service]{Items: []sotepe.Service{}}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	start := 0
	if page.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(page.Cursor)
		if err != nil || len(raw) == 0 {
			return out, sotepe.Invalid("error.cursor", "malformed cursor")
		}
		after := string(raw)
		start, _ = slices.BinarySearchFunc(s.services, after, func(v sotepe.Service, id string) int {
			if v.ID <= id {
				return -1
			}
			return 1
		})
	}
	for _, v := range s.services[start:] {
		if area != "" && v.AreaID != area {
			continue
		}
		if len(out.Items) == page.Limit {
			last := out.Items[len(out.Items)-1].ID
			out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(last))
			break
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// Service returns one service, or ENotFound.
func (x *Index) Service(ctx context.Context, id string) (sotepe.Service, error) {
	s := x.current()
	i, ok := s.serviceAt[id]
	if !ok {
		return sotepe.Service{}, sotepe.NotFound("service")
	}
	return s.services[i], nil
}

// Unit returns one unit, or ENotFound. The unit's slices are shared with
// other readers and must not be modified.
func (x *Index) Unit(ctx context.Context, id string) (sotepe.Unit, error) {
	s := x.current()
	i, ok := s.unitAt[id]
	if !ok {
		return sotepe.Unit{}, sotepe.NotFound("unit")
	}
	return s.units[i], nil
}

// maxQueryBigrams is how many of a query's byte pairs are looked up in the
// units' bigram filters; more would rule out few more units.
const maxQueryBigrams = 8

// unitQuery is a UnitFilter checked and folded for matching.
type unitQuery struct {
	text                                             string // folded Query
	service, area, concept, district, kind, producer string
	lang                                             sotepe.Lang
	// bits are the bigram filter bits of the first byte pairs of text.
	bits  [maxQueryBigrams]uint32
	nbits int
}

// setText sets the folded query text and its bigram filter bits.
func (q *unitQuery) setText(text string) {
	q.text = text
	for j := 0; j+1 < len(text) && q.nbits < maxQueryBigrams; j++ {
		q.bits[q.nbits] = bigramBit(text[j], text[j+1])
		q.nbits++
	}
}

// matches reports whether unit i of s passes every non-empty part of q.
func (s *snapshot) matches(i int32, q *unitQuery) bool {
	u := &s.units[i]
	switch {
	case q.area != "" && u.AreaID != q.area,
		q.district != "" && u.District != q.district,
		q.kind != "" && u.Kind != q.kind,
		q.producer != "" && u.ProducerID != q.producer,
		q.service != "" && !slices.Contains(u.Services, q.service),
		q.concept != "" && !slices.Contains(u.Concepts, q.concept),
		q.lang != "" && !slices.Contains(u.Languages, q.lang):
		return false
	}
	if q.text == "" {
		return true
	}
	filter := s.bigrams[int(i)*bigramWords : int(i+1)*bigramWords]
	for _, bit := range q.bits[:q.nbits] {
		if filter[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return strings.Contains(s.text[i], q.text)
}

// Units returns one page of the units that match every non-empty field of
// f, with the store's semantics: Query, folded with sotepe.FoldText, is a
// substring of the unit's search text (its names, district, street and
// kind, and the names of its services, in every language, folded); the
// other fields are equal to the unit's, or among its services, concepts or
// languages. The units come in the store's order for f.SortLang (Finnish
// when empty): by name, with å, ä and ö after z in Finnish and Swedish, and
// then by id.
//
// The cursor names the last unit of the page before and its sort language;
// a malformed cursor, one made for another sort language or one naming a
// unit that no longer exists is EInvalid ("error.cursor"). An unknown
// SortLang or Language is EInvalid ("error.lang"), a negative limit
// EInvalid ("error.page_limit"). The units' slices are shared with other
// readers and must not be modified.
func (x *Index) Units(ctx context.Context, f sotepe.UnitFilter) (sotepe.Page[sotepe.Unit], error) {
	s := x.current()
	out := sotepe.Page[sotepe.Unit]{Items: []sotepe.Unit{}}
	f, err := f.Normalize()
	if err != nil {
		return out, err
	}
	page, lang := f.Page, f.SortLang
	q := unitQuery{
		service: f.Service, area: f.Area, concept: f.Concept,
		district: f.District, kind: f.Kind, producer: f.Producer, lang: f.Language,
	}
	q.setText(f.Query)
	li := langIndex(lang)
	order := s.order[li]
	if page.Cursor != "" {
		i, ok := s.decodeCursor(page.Cursor, lang)
		if !ok {
			return out, sotepe.Invalid("error.cursor", "malformed cursor")
		}
		order = order[s.rank[li][i]+1:]
	}
	// One more than the limit tells whether a next page exists.
	var buf [sotepe.MaxPageLimit + 1]int32
	hits := buf[:0]
	for _, i := range order {
		if s.matches(i, &q) {
			hits = append(hits, i)
			if len(hits) > page.Limit {
				break
			}
		}
	}
	if len(hits) > page.Limit {
		hits = hits[:page.Limit]
		out.NextCursor = encodeCursor(lang, s.units[hits[len(hits)-1]].ID)
	}
	if len(hits) > 0 {
		out.Items = make([]sotepe.Unit, len(hits))
		for k, i := range hits {
			out.Items[k] = s.units[i]
		}
	}
	return out, nil
}

// encodeCursor returns the cursor that continues a list in lang after the
// unit id.
func encodeCursor(lang sotepe.Lang, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(lang) + "\x00" + id))
}

// decodeCursor returns the index of the unit that cursor c, made for lang,
// names, and whether c is valid.
func (s *snapshot) decodeCursor(c string, lang sotepe.Lang) (int32, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	l, id, ok := strings.Cut(string(raw), "\x00")
	if !ok || sotepe.Lang(l) != lang {
		return 0, false
	}
	i, ok := s.unitAt[id]
	return i, ok
}
