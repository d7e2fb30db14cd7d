package sotepe_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"sotepe"
)

// TestAll reads a list of three pages in order, passes a source's error
// on, and stops a source that gives the same cursor again.
func TestAll(t *testing.T) {
	items := []int{1, 2, 3, 4, 5, 6, 7}
	pages := func(size int) func(sotepe.PageRequest) (sotepe.Page[int], error) {
		return func(p sotepe.PageRequest) (sotepe.Page[int], error) {
			if p.Limit != sotepe.MaxPageLimit {
				t.Errorf("asked for %d items a page, want %d", p.Limit, sotepe.MaxPageLimit)
			}
			from := 0
			if p.Cursor != "" {
				from, _ = strconv.Atoi(p.Cursor)
			}
			to := min(from+size, len(items))
			page := sotepe.Page[int]{Items: items[from:to]}
			if to < len(items) {
				page.NextCursor = strconv.Itoa(to)
			}
			return page, nil
		}
	}
	got, err := sotepe.All(pages(3))
	if err != nil || !slices.Equal(got, items) {
		t.Errorf("three pages: %v, %v", got, err)
	}
	failed := errors.New("down")
	if _, err := sotepe.All(func(sotepe.PageRequest) (sotepe.Page[int], error) { return sotepe.Page[int]{}, failed }); !errors.Is(err, failed) {
		t.Errorf("a failing source: %v", err)
	}
	stuck := func(sotepe.PageRequest) (sotepe.Page[int], error) {
		return sotepe.Page[int]{Items: []int{1}, NextCursor: "same"}, nil
	}
	if _, err := sotepe.All(stuck); sotepe.ErrorCode(err) != sotepe.EInternal {
		t.Errorf("a source repeating its cursor: %v, want EInternal", err)
	}
}
