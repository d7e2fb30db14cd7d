package directory

// SearchTexts returns the search text of every unit of x's snapshot, by
// unit id, for the tests that compare it with the store's column.
func SearchTexts(x *Index) map[string]string {
	s := x.snap.Load()
	out := make(map[string]string, len(s.units))
	for i, u := range s.units {
		out[u.ID] = s.text[i]
	}
	return out
}
