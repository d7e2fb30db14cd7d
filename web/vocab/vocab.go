// Package vocab is the directory's vocabulary as the pages use it: the
// areas, concepts, districts, producers and services a page names things
// by and fills its filters with (Network), and the naming of one item by
// its id, the id itself when nothing names it. Package web and its area
// packages share it.
package vocab

import (
	"context"

	"sotepe"
)

// Network is the whole directory vocabulary a page needs to name things and
// fill its filters.
type Network struct {
	Areas     []sotepe.Area
	Concepts  []sotepe.Concept
	Districts []sotepe.District
	Producers []sotepe.Producer
	Services  []sotepe.Service
}

// Read reads the vocabulary from dir: every area, concept, district,
// producer and service.
func Read(ctx context.Context, dir sotepe.Directory) (Network, error) {
	var n Network
	var err error
	if n.Areas, err = dir.Areas(ctx); err != nil {
		return n, err
	}
	if n.Concepts, err = dir.Concepts(ctx); err != nil {
		return n, err
	}
	if n.Districts, err = dir.Districts(ctx); err != nil {
		return n, err
	}
	if n.Producers, err = dir.Producers(ctx); err != nil {
		return n, err
	}
	n.Services, err = sotepe.AllServices(ctx, dir, "")
	return n, err
}

// In returns the names of the item of items whose id is id, as named
// tells them, or the id itself in every language when there is none.
func In[T any](items []T, id string, named func(T) (string, sotepe.Names)) sotepe.Names {
	for _, it := range items {
		if itID, names := named(it); itID == id {
			return names
		}
	}
	return ID(id)
}

// Add puts the names of every item of items, as named tells them,
// into names by id.
func Add[T any](names map[string]sotepe.Names, items []T, named func(T) (string, sotepe.Names)) {
	for _, it := range items {
		id, n := named(it)
		names[id] = n
	}
}

// The id and names of each kind of directory item, for In and Add.

// Area is an area's id and names.
func Area(a sotepe.Area) (string, sotepe.Names) { return a.ID, a.Names }

// Concept is a concept's id and names.
func Concept(c sotepe.Concept) (string, sotepe.Names) { return c.ID, c.Names }

// District is a district's id and names.
func District(d sotepe.District) (string, sotepe.Names) { return d.ID, d.Names }

// Producer is a producer's id and names.
func Producer(p sotepe.Producer) (string, sotepe.Names) { return p.ID, p.Names }

// Service is a service's id and names.
func Service(s sotepe.Service) (string, sotepe.Names) { return s.ID, s.Names }

// Unit is a unit's id and names.
func Unit(u sotepe.Unit) (string, sotepe.Names) { return u.ID, u.Names }

// ID is id itself in every language, for an id nothing names.
func ID(id string) sotepe.Names {
	return sotepe.Names{Fi: id, Sv: id, En: id}
}

// Service returns the names of service id, or the id itself when unknown.
func (n Network) Service(id string) sotepe.Names {
	return In(n.Services, id, Service)
}

// District returns the names of district id.
func (n Network) District(id string) sotepe.Names {
	return In(n.Districts, id, District)
}

// Area returns the names of area id.
func (n Network) Area(id string) sotepe.Names {
	return In(n.Areas, id, Area)
}

// Producer returns producer id.
func (n Network) Producer(id string) sotepe.Producer {
	for _, p := range n.Producers {
		if p.ID == id {
			return p
		}
	}
	return sotepe.Producer{ID: id, Names: ID(id)}
}

// Kind returns the names of a kind of unit.
func (n Network) Kind(kind string) sotepe.Names {
	k, _ := sotepe.UnitKindNames(kind)
	return k
}

// Concept returns the names of concept id.
func (n Network) Concept(id string) sotepe.Names {
	return In(n.Concepts, id, Concept)
}

// UnitNames returns the names of unit id from dir, or the id itself.
func UnitNames(ctx context.Context, dir sotepe.Directory, id string) sotepe.Names {
	if u, err := dir.Unit(ctx, id); err == nil {
		return u.Names
	}
	return ID(id)
}
