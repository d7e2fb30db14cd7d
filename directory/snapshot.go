package directory

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"time"

	"sotepe"
)

// langs are the sort languages, in the order of a snapshot's per-language
// arrays.
var langs = [3]sotepe.Lang{sotepe.Finnish, sotepe.Swedish, sotepe.English}

// langIndex returns the position of l, a parsed language, in langs.
func langIndex(l sotepe.Lang) int {
	switch l {
	case sotepe.Swedish:
		return 1
	case sotepe.English:
		return 2
	}
	return 0
}

// loadAttempts is how many times load reads the units when a write lands in
// the middle of reading them and the three orders disagree.
const loadAttempts = 3

// snapshot is the whole network at one moment. Nothing in it changes after
// load returns: readers share it without locks.
type snapshot struct {
	loaded time.Time

	areas     []sotepe.Area
	concepts  []sotepe.Concept
	districts []sotepe.District
	producers []sotepe.Producer

	services  []sotepe.Service // ordered by id, byte by byte
	serviceAt map[string]int

	units  []sotepe.Unit // in the store's Finnish order
	unitAt map[string]int32
	// text holds each unit's search text: what the store keeps in
	// units.search_text (see searchText).
	text []string
	// bigrams holds, for unit i at [i*bigramWords:(i+1)*bigramWords], a
	// Bloom filter of the byte pairs of its search text (see bigramBit): a
	// query with a pair the filter lacks cannot be in the text, and most
	// units are ruled out without reading their text.
	bigrams []uint64
	// order[l] lists the units (indices into units) in the store's order
	// for langs[l]; rank[l][i] is the position of unit i in order[l].
	order [3][]int32
	rank  [3][]int32
}

// load reads the whole network from src.
func load(ctx context.Context, src sotepe.Directory) (*snapshot, error) {
	s := &snapshot{}
	var err error
	if s.areas, err = src.Areas(ctx); err != nil {
		return nil, err
	}
	if s.concepts, err = src.Concepts(ctx); err != nil {
		return nil, err
	}
	if s.districts, err = src.Districts(ctx); err != nil {
		return nil, err
	}
	if s.producers, err = src.Producers(ctx); err != nil {
		return nil, err
	}
	if s.services, err = sotepe.AllServices(ctx, src, ""); err != nil {
		return nil, err
	}
	// The store orders by id already; sorting keeps Services' keyset
	// paging right even if a source orders otherwise.
	slices.SortStableFunc(s.services, func(a, b sotepe.Service) int { return strings.Compare(a.ID, b.ID) })
	s.serviceAt = make(map[string]int, len(s.services))
	for i, v := range s.services {
		s.serviceAt[v.ID] = i
	}
	for attempt := 1; ; attempt++ {
		ok, err := s.loadUnits(ctx, src)
		if err != nil {
			return nil, err
		}
		if ok {
			break
		}
		if attempt == loadAttempts {
			return nil, &sotepe.Error{Code: sotepe.EUnavailable,
				Message: "directory: the units changed while they were read; try again"}
		}
	}
	s.index()
	return s, nil
}

// loadUnits reads every unit once per sort language and keeps each
// language's order as the source returned it: the store sorts by a
// collation of its own (å, ä and ö after z) that the directory does not
// repeat. It reports false when the three reads disagree (a unit saved
// between them); the caller then reads again.
func (s *snapshot) loadUnits(ctx context.Context, src sotepe.Directory) (bool, error) {
	var lists [3][]sotepe.Unit
	for l, lang := range langs {
		var err error
		if lists[l], err = sotepe.AllUnits(ctx, src, sotepe.UnitFilter{SortLang: lang}); err != nil {
			return false, err
		}
	}
	s.units = lists[0]
	s.unitAt = make(map[string]int32, len(s.units))
	for i, u := range s.units {
		if _, dup := s.unitAt[u.ID]; dup {
			return false, nil
		}
		s.unitAt[u.ID] = int32(i)
	}
	for l := range langs {
		list := lists[l]
		if len(list) != len(s.units) {
			return false, nil
		}
		order := make([]int32, len(list))
		rank := make([]int32, len(list))
		seen := make([]bool, len(list))
		for k, u := range list {
			i, ok := s.unitAt[u.ID]
			if !ok || seen[i] || (l > 0 && !reflect.DeepEqual(u, s.units[i])) {
				return false, nil
			}
			seen[i] = true
			order[k], rank[i] = i, int32(k)
		}
		s.order[l], s.rank[l] = order, rank
	}
	return true, nil
}

// index computes what searching needs: each unit's search text and its
// bigram filter. It also clips the units' slices, so that a caller's append
// cannot write into the shared snapshot.
func (s *snapshot) index() {
	districts := make(map[string]sotepe.Names, len(s.districts))
	for _, d := range s.districts {
		districts[d.ID] = d.Names
	}
	services := make(map[string]sotepe.Names, len(s.services))
	for _, v := range s.services {
		services[v.ID] = v.Names
	}
	s.text = make([]string, len(s.units))
	s.bigrams = make([]uint64, len(s.units)*bigramWords)
	for i := range s.units {
		u := &s.units[i]
		u.Concepts = slices.Clip(u.Concepts)
		u.Services = slices.Clip(u.Services)
		u.Languages = slices.Clip(u.Languages)
		u.Hours.Regular = slices.Clip(u.Hours.Regular)
		u.Hours.Exceptions = slices.Clip(u.Hours.Exceptions)
		text := searchText(*u, districts[u.District], services)
		s.text[i] = text
		filter := s.bigrams[i*bigramWords : (i+1)*bigramWords]
		for j := 0; j+1 < len(text); j++ {
			bit := bigramBit(text[j], text[j+1])
			filter[bit/64] |= 1 << (bit % 64)
		}
	}
}

// bigramWords is the size of a unit's bigram filter in 64-bit words: 1024
// bits, of which the few hundred byte pairs of a search text set about a
// quarter, so that a query of five pairs passes a unit that lacks it about
// once in a thousand.
const bigramWords = 16

// bigramBit returns the bit that the byte pair (a, b) sets in a bigram
// filter: the top ten bits of a multiplicative hash.
func bigramBit(a, b byte) uint32 {
	return (uint32(a)<<8 | uint32(b)) * 0x9e3779b1 >> (32 - 10)
}

// searchText returns what the store puts in units.search_text and matches
// a query against: sotepe.Unit.SearchText (the unit's names, its district's
// names, its street and its kind's names, in every language) followed by
// the names of the unit's services in every language, joined by " | " and
// folded with sotepe.FoldText. It must stay the same as the store's.
func searchText(u sotepe.Unit, district sotepe.Names, services map[string]sotepe.Names) string {
	parts := make([]string, 0, 1+3*len(u.Services))
	parts = append(parts, u.SearchText(district))
	for _, id := range u.Services {
		n := services[id]
		parts = append(parts, n.Fi, n.Sv, n.En)
	}
	return sotepe.FoldText(strings.Join(parts, " | "))
}
