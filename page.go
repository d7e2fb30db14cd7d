package sotepe

import "context"

// Paging limits shared by every list of the API.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// PageRequest asks for one page of a list: at most Limit items after the
// position that Cursor, an opaque string from an earlier Page, names.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Normalize returns the request with Limit defaulted and capped. A negative
// limit is an EInvalid error.
func (p PageRequest) Normalize() (PageRequest, error) {
	switch {
	case p.Limit < 0:
		return p, Invalid("error.page_limit", "limit must be between 1 and 500")
	case p.Limit == 0:
		p.Limit = DefaultPageLimit
	case p.Limit > MaxPageLimit:
		p.Limit = MaxPageLimit
	}
	return p, nil
}

// Page is one page of a list. NextCursor is empty on the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// All reads a whole list through read, a page of MaxPageLimit items at a
// time from the first, and returns the items in order. A cursor that the
// source gives twice in a row is EInternal, so that a faulty source cannot
// hold the caller in a loop.
func All[T any](read func(PageRequest) (Page[T], error)) ([]T, error) {
	out := []T{}
	p := PageRequest{Limit: MaxPageLimit}
	for {
		page, err := read(p)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out, nil
		}
		if page.NextCursor == p.Cursor {
			return nil, &Error{Code: EInternal, Message: "paging: the source repeats a cursor"}
		}
		p.Cursor = page.NextCursor
	}
}

// AllUnits returns every unit of dir that f matches, in f's order (f's
// Page is not used).
func AllUnits(ctx context.Context, dir Directory, f UnitFilter) ([]Unit, error) {
	return All(func(p PageRequest) (Page[Unit], error) {
		f.Page = p
		return dir.Units(ctx, f)
	})
}

// AllServices returns every service of dir, or of one service area when
// area is not empty, ordered by id.
func AllServices(ctx context.Context, dir Directory, area string) ([]Service, error) {
	return All(func(p PageRequest) (Page[Service], error) { return dir.Services(ctx, area, p) })
}
