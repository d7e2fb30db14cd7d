// Package demo holds the demo data of sotepe: a service network modelled on
// Helsinki's social, health and rescue services in 2024, a widener that grows
// it to the sector's 349 units, and the demo accounts and residents.
//
// The hand-written network lives in JSON files under data/, embedded in the
// binary, and is parsed into the root package's types. Nothing in this
// package keeps state between calls: every function builds its result anew.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"sotepe"
)

// dataFS holds the hand-written network; it is read-only.
//
//go:embed data/*.json
var dataFS embed.FS

// Network is a whole service network: what LoadNetwork writes through a
// sotepe.Network, in the order of its fields.
type Network struct {
	Areas     []sotepe.Area
	Concepts  []sotepe.Concept
	Districts []sotepe.District
	Producers []sotepe.Producer
	Services  []sotepe.Service
	Units     []sotepe.Unit
	// Places tells, for each district id, what WidenNetwork needs to name
	// and place generated units there. It is not stored.
	Places map[string]Place
}

// Place is what the demo knows of a district beyond its names: the forms its
// name takes before a noun (Genitive: "Kallion" as in "Kallion kotihoito",
// "Berghälls" as in "Berghälls hemvård", and in English the plain name), its
// centre, its postal code, a few of its streets and whether many Swedish
// speakers live there.
type Place struct {
	Genitive        sotepe.Names    `json:"genitive"`
	Centre          sotepe.Location `json:"centre"`
	PostalCode      string          `json:"postal_code"`
	SwedishSpeaking bool            `json:"swedish_speaking"`
	Streets         []sotepe.Names  `json:"streets"`
}

// districtRecord is one entry of data/districts.json.
type districtRecord struct {
	sotepe.District
	Place
}

// unitsFile is data/units.json: notes for the people who edit it, and units.
type unitsFile struct {
	Notes []string      `json:"notes"`
	Units []sotepe.Unit `json:"units"`
}

// BaseNetwork returns the hand-written demo network parsed from the embedded
// data files. Each call returns a fresh copy that the caller may change. An
// error means the embedded data is broken (a bug caught by the package's
// tests): a file that does not parse, or a network that fails Check.
func BaseNetwork() (Network, error) {
	var n Network
	if err := decodeFile("data/areas.json", &n.Areas); err != nil {
		return Network{}, err
	}
	if err := decodeFile("data/concepts.json", &n.Concepts); err != nil {
		return Network{}, err
	}
	var districts []districtRecord
	if err := decodeFile("data/districts.json", &districts); err != nil {
		return Network{}, err
	}
	n.Places = make(map[string]Place, len(districts))
	for _, d := range districts {
		n.Districts = append(n.Districts, d.District)
		n.Places[d.ID] = d.Place
	}
	if err := decodeFile("data/producers.json", &n.Producers); err != nil {
		return Network{}, err
	}
	if err := decodeFile("data/services.json", &n.Services); err != nil {
		return Network{}, err
	}
	var units unitsFile
	if err := decodeFile("data/units.json", &units); err != nil {
		return Network{}, err
	}
	n.Units = units.Units
	if err := n.Check(); err != nil {
		return Network{}, err
	}
	return n, nil
}

// decodeFile parses one embedded JSON file into v, rejecting unknown fields
// so that a misspelt key in the data fails loudly instead of vanishing.
func decodeFile(name string, v any) error {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("demo: read %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("demo: parse %s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("demo: parse %s: data after the top-level value", name)
	}
	return nil
}

// LoadNetwork writes the hand-written demo network through w in dependency
// order: areas, concepts, districts, producers, services and units. Saves
// insert or replace by id, so loading twice is harmless. It returns the
// first error of w, wrapped with what was being saved; sotepe.ErrorCode still
// finds its code.
func LoadNetwork(ctx context.Context, w sotepe.Network) error {
	n, err := BaseNetwork()
	if err != nil {
		return err
	}
	return n.Save(ctx, w)
}

// Save writes n through w in dependency order: areas, concepts, districts,
// producers, services and units. It stops at the first error of w and
// returns it wrapped with the kind and id of the thing being saved.
func (n Network) Save(ctx context.Context, w sotepe.Network) error {
	if err := saveEach(ctx, "area", n.Areas, func(a sotepe.Area) string { return a.ID }, w.SaveArea); err != nil {
		return err
	}
	if err := saveEach(ctx, "concept", n.Concepts, func(c sotepe.Concept) string { return c.ID }, w.SaveConcept); err != nil {
		return err
	}
	if err := saveEach(ctx, "district", n.Districts, func(d sotepe.District) string { return d.ID }, w.SaveDistrict); err != nil {
		return err
	}
	if err := saveEach(ctx, "producer", n.Producers, func(p sotepe.Producer) string { return p.ID }, w.SaveProducer); err != nil {
		return err
	}
	if err := saveEach(ctx, "service", n.Services, func(s sotepe.Service) string { return s.ID }, w.SaveService); err != nil {
		return err
	}
	for _, u := range n.Units {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.SaveUnit(ctx, u); err != nil {
			return fmt.Errorf("demo: save unit %s: %w", u.ID, err)
		}
	}
	return nil
}

// saveEach saves items in order with save and stops at the first error,
// wrapped with kind and the id of the item.
func saveEach[T any](ctx context.Context, kind string, items []T, id func(T) string, save func(context.Context, T) error) error {
	for _, v := range items {
		if err := save(ctx, v); err != nil {
			return fmt.Errorf("demo: save %s %s: %w", kind, id(v), err)
		}
	}
	return nil
}

// SaveMissingUnits stores the units of n that dir does not have yet (by
// id) and leaves the stored ones as they are, so that a year generated over
// a widened network runs on a database made with fewer units, such as the
// one `sotepe demo` creates. The areas, producers and services the units
// name must be stored already; WidenNetwork's units reuse the base
// network's. It returns how many units it stored.
func (n Network) SaveMissingUnits(ctx context.Context, dir sotepe.Directory, w sotepe.Network) (int, error) {
	added := 0
	for _, u := range n.Units {
		_, err := dir.Unit(ctx, u.ID)
		if err == nil {
			continue
		}
		if sotepe.ErrorCode(err) != sotepe.ENotFound {
			return added, err
		}
		if err := w.SaveUnit(ctx, u); err != nil {
			return added, fmt.Errorf("demo: save unit %s: %w", u.ID, err)
		}
		added++
	}
	return added, nil
}

// Check reports every way n breaks the rules a store would enforce, and a
// few more the demo keeps: ids valid and unique within their kind, names and
// descriptions in fi, sv and en, known producer kinds, every unit valid
// (sotepe.Unit.Validate) with at least one service and language, a Helsinki
// postal code and a complete street, and every reference to an area,
// producer, district, service or concept resolving. The result is nil or an
// error joining one *sotepe.Error (code EInvalid) per problem.
func (n Network) Check() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, sotepe.Errorf(sotepe.EInvalid, "error.demo_network", format, args...))
	}
	ids := func(kind string, id string, names sotepe.Names, seen map[string]bool) {
		switch {
		case !sotepe.ValidID(id):
			bad("%s id %q is not valid", kind, id)
		case seen[id]:
			bad("%s id %q is used twice", kind, id)
		}
		seen[id] = true
		if !names.Complete() {
			bad("%s %s needs names in fi, sv and en", kind, id)
		}
	}

	areas, concepts, districts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	producers, services, units := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range n.Areas {
		ids("area", a.ID, a.Names, areas)
	}
	for _, c := range n.Concepts {
		ids("concept", c.ID, c.Names, concepts)
	}
	for _, d := range n.Districts {
		ids("district", d.ID, d.Names, districts)
	}
	for _, p := range n.Producers {
		ids("producer", p.ID, p.Names, producers)
		if !p.Kind.Valid() {
			bad("producer %s has an unknown kind %q", p.ID, p.Kind)
		}
	}
	for _, s := range n.Services {
		ids("service", s.ID, s.Names, services)
		if !s.Descriptions.Complete() {
			bad("service %s needs descriptions in fi, sv and en", s.ID)
		}
		if !areas[s.AreaID] {
			bad("service %s names an unknown area %q", s.ID, s.AreaID)
		}
	}
	for _, u := range n.Units {
		ids("unit", u.ID, u.Names, units)
		if err := u.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("unit %s: %w", u.ID, err))
		}
		if !areas[u.AreaID] {
			bad("unit %s names an unknown area %q", u.ID, u.AreaID)
		}
		if !producers[u.ProducerID] {
			bad("unit %s names an unknown producer %q", u.ID, u.ProducerID)
		}
		if !districts[u.District] {
			bad("unit %s names an unknown district %q", u.ID, u.District)
		}
		if len(u.Services) == 0 {
			bad("unit %s offers no service", u.ID)
		}
		for _, s := range u.Services {
			if !services[s] {
				bad("unit %s offers an unknown service %q", u.ID, s)
			}
		}
		for _, c := range u.Concepts {
			if !concepts[c] {
				bad("unit %s names an unknown concept %q", u.ID, c)
			}
		}
		if len(u.Languages) == 0 {
			bad("unit %s serves in no language", u.ID)
		}
		if !u.Address.Street.Complete() || !u.Address.City.Complete() {
			bad("unit %s needs its street and city in fi, sv and en", u.ID)
		}
		if !helsinkiPostalCode(u.Address.PostalCode) {
			bad("unit %s has a postal code %q outside Helsinki", u.ID, u.Address.PostalCode)
		}
		if u.Opened != "" {
			if _, err := time.Parse(time.DateOnly, u.Opened); err != nil {
				bad("unit %s has an opening date %q that is not YYYY-MM-DD", u.ID, u.Opened)
			}
		}
	}
	return errors.Join(errs...)
}

// helsinkiPostalCode reports whether s looks like a Helsinki postal code:
// five digits starting with 00.
func helsinkiPostalCode(s string) bool {
	if len(s) != 5 || s[0] != '0' || s[1] != '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// clone returns a deep copy of n, so that changing the copy's units, lists
// or places never changes n.
func (n Network) clone() Network {
	c := Network{
		Areas:     slices.Clone(n.Areas),
		Concepts:  slices.Clone(n.Concepts),
		Districts: slices.Clone(n.Districts),
		Producers: slices.Clone(n.Producers),
		Services:  slices.Clone(n.Services),
		Units:     make([]sotepe.Unit, len(n.Units)),
	}
	for i, u := range n.Units {
		c.Units[i] = cloneUnit(u)
	}
	if n.Places != nil {
		c.Places = make(map[string]Place, len(n.Places))
		for id, p := range n.Places {
			p.Streets = slices.Clone(p.Streets)
			c.Places[id] = p
		}
	}
	return c
}

// cloneUnit returns a copy of u that shares no slice with it.
func cloneUnit(u sotepe.Unit) sotepe.Unit {
	u.Concepts = slices.Clone(u.Concepts)
	u.Services = slices.Clone(u.Services)
	u.Languages = slices.Clone(u.Languages)
	u.Hours.Regular = slices.Clone(u.Hours.Regular)
	u.Hours.Exceptions = slices.Clone(u.Hours.Exceptions)
	return u
}
