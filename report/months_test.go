package report

import "testing"

// TestSameFactsInAnyOrder: a month read again holds the same facts when
// only their order differs, whole and by day, and not when a value, a
// day, a fact or the keeping of an event's row differs.
func TestSameFactsInAnyOrder(t *testing.T) {
	a := Fact{Source: SourceEvents, Statistic: "health_station_doctor_visits", Month: "2024-12", Unit: "kallio"}
	b := Fact{Source: SourceContacts, Field: FieldReceived, Month: "2024-12", Unit: "kallio"}
	c := Fact{Source: SourceContacts, Field: FieldReceived, Month: "2024-12", Unit: "malmi"}
	with := func(f Fact, v int64) Fact { f.Value = v; return f }
	// days builds a month's days from rows of (day, key, value); a
	// negative key is an event's row, kept however small.
	days := func(keys []Fact, rows ...[3]int64) *monthDays {
		md := &monthDays{keys: keys}
		var at [33]int
		for _, r := range rows {
			at[r[0]+1]++
		}
		for d := 1; d < len(at); d++ {
			at[d] += at[d-1]
		}
		for d := range md.start {
			md.start[d] = int32(at[min(d, len(at)-1)])
		}
		md.rows = make([]dayValue, len(rows))
		next := at
		for _, r := range rows {
			md.rows[next[r[0]]] = dayValue{key: int32(r[1]), value: r[2]}
			next[r[0]]++
		}
		return md
	}
	base := &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
		days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 1, 1}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}
	for _, tc := range []struct {
		name string
		nm   *keptMonth
		same bool
	}{
		{"the same", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 1, 1}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}, true},
		{"in another order", &keptMonth{stamp: "s", whole: []Fact{with(c, 1), with(a, 5), with(b, 2)},
			days: days([]Fact{c, a, b}, [3]int64{3, 2, 1}, [3]int64{3, -2, 2}, [3]int64{4, 0, 1}, [3]int64{4, 2, 1}, [3]int64{4, -2, 3})}, true},
		{"another value", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 3), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 1, 1}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}, false},
		{"another value on a day", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 1, 2}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 0})}, false},
		{"another day", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 1, 1}, [3]int64{5, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}, false},
		{"another unit's row", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, -1, 2}, [3]int64{3, 2, 1}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}, false},
		{"an event's row not kept", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)},
			days: days([]Fact{a, b, c}, [3]int64{3, 0, 2}, [3]int64{3, 1, 1}, [3]int64{4, -1, 3}, [3]int64{4, 2, 1}, [3]int64{4, 1, 1})}, false},
		{"days not read", &keptMonth{stamp: "s", whole: []Fact{with(a, 5), with(b, 2), with(c, 1)}}, false},
		{"another stamp", &keptMonth{stamp: "t", whole: base.whole, days: base.days}, false},
	} {
		if got := base.sameFacts(tc.nm); got != tc.same {
			t.Errorf("%s: same %v, want %v", tc.name, got, tc.same)
		}
	}
	if (*keptMonth)(nil).sameFacts(base) {
		t.Error("nothing kept: the same as a reading")
	}
}
