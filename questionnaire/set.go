package questionnaire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Set is a checked collection of definitions (assessments, surveys) by id,
// read once at start-up; it never changes after LoadSet.
type Set[D any] struct {
	defs  map[string]D
	order []string
}

// LoadSet reads every *.json file of fsys with parse and keeps the
// definitions by the id idOf gives them. A file that does not parse or
// breaks a rule, or a second definition with the same id, is an error
// naming its file; every problem found is returned as one error, prefixed
// by kind (the package's name, e.g. "assess").
func LoadSet[D any](fsys fs.FS, kind string, parse func([]byte) (D, error), idOf func(D) string) (*Set[D], error) {
	files, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	set := &Set[D]{defs: map[string]D{}}
	var errs []error
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		d, err := parse(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path.Base(f), err))
			continue
		}
		id := idOf(d)
		if _, dup := set.defs[id]; dup {
			errs = append(errs, fmt.Errorf("%s: %s twice", path.Base(f), id))
			continue
		}
		set.defs[id] = d
		set.order = append(set.order, id)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", kind, errors.Join(errs...))
	}
	sort.Strings(set.order)
	return set, nil
}

// All returns every definition in the order of their ids.
func (s *Set[D]) All() []D {
	out := make([]D, len(s.order))
	for i, id := range s.order {
		out[i] = s.defs[id]
	}
	return out
}

// Get returns the definition with id, and whether there is one.
func (s *Set[D]) Get(id string) (D, bool) {
	d, ok := s.defs[id]
	return d, ok
}

// Decode reads one definition from JSON, rejecting unknown fields, and
// checks it with its Check method: the Parse of assess and survey.
func Decode[T any, P interface {
	*T
	Check() error
}](b []byte) (P, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	d := P(new(T))
	if err := dec.Decode(d); err != nil {
		return nil, err
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	return d, nil
}
