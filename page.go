package sotepe

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
