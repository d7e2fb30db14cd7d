package kit

import (
	"slices"
	"testing"

	"sotepe"
)

// TestPageOfWalksTheListOnce pages a list of seven by three: every item
// comes once, in order, and the last page has no next cursor.
func TestPageOfWalksTheListOnce(t *testing.T) {
	items := []int{1, 2, 3, 4, 5, 6, 7}
	var got []int
	p := sotepe.PageRequest{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > len(items) {
			t.Fatalf("no end after %d pages", pages)
		}
		page, err := PageOf(items, p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Items...)
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	if !slices.Equal(got, items) {
		t.Errorf("paged %v, want %v", got, items)
	}
}

// TestPageOfRefusesABadCursor: a cursor that is not base64, not a number,
// negative or beyond the list is error.cursor; an empty list is an empty
// page, not null.
func TestPageOfRefusesABadCursor(t *testing.T) {
	for _, c := range []string{"!!", "eA", "LTE", "OQ"} { // "x", "-1", "9"
		_, err := PageOf([]int{1, 2}, sotepe.PageRequest{Limit: 5, Cursor: c})
		if sotepe.ErrorKey(err) != "error.cursor" {
			t.Errorf("cursor %q: got %v, want error.cursor", c, err)
		}
	}
	page, err := PageOf([]int(nil), sotepe.PageRequest{Limit: 5})
	if err != nil || page.Items == nil || len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("empty list: %+v, %v", page, err)
	}
}
