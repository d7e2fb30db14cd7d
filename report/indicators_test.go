package report

import (
	"strings"
	"testing"

	"sotepe"
)

func TestLoadChecksTheEmbeddedIndicators(t *testing.T) {
	inds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"visits", "home_care_remote_share", "answered_in_time_share", "nps", "e_service_share"} {
		if _, ok := inds.ByID(id); !ok {
			t.Errorf("indicator %s missing", id)
		}
	}
}

func TestParseRejectsBadDefinitions(t *testing.T) {
	ok := `{"id": "x", "names": {"fi": "a", "sv": "b", "en": "c"}, "numerator": {"source": "events"}, "factor": 1, "unit": "count"}`
	if _, err := Parse([]byte(`{"indicators": [` + ok + `]}`)); err != nil {
		t.Fatalf("a good definition: %v", err)
	}
	for name, c := range map[string]struct{ def, want string }{
		"unknown statistic": {strings.Replace(ok, `"source": "events"`, `"source": "events", "statistics": ["nurse_visitz"]`, 1), "unknown statistic"},
		"unknown measure":   {strings.Replace(ok, `"source": "events"`, `"source": "events", "measures": ["hug"]`, 1), "measure"},
		"unknown mode":      {strings.Replace(ok, `"source": "events"`, `"source": "events", "modes": ["telepathy"]`, 1), "mode"},
		"no Swedish name":   {strings.Replace(ok, `"sv": "b"`, `"sv": ""`, 1), "fi, sv and en"},
		"unknown source":    {strings.Replace(ok, `"events"`, `"sales"`, 1), "unknown source"},
		"field of events":   {strings.Replace(ok, `"source": "events"`, `"source": "events", "field": "net"`, 1), "no field"},
		"unknown field":     {strings.Replace(ok, `"source": "events"`, `"source": "feedback", "field": "likes"`, 1), "no field"},
		"filter feedback":   {strings.Replace(ok, `"source": "events"`, `"source": "feedback", "field": "net", "modes": ["video"]`, 1), "only events"},
		"zero factor":       {strings.Replace(ok, `"factor": 1`, `"factor": 0`, 1), "factor"},
		"unknown unit":      {strings.Replace(ok, `"count"`, `"furlongs"`, 1), "unit"},
		"unknown JSON":      {strings.Replace(ok, `"factor": 1`, `"factor": 1, "colour": "red"`, 1), "unknown field"},
		"twice":             {ok + `, ` + ok, "twice"},
	} {
		_, err := Parse([]byte(`{"indicators": [` + c.def + `]}`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}

// testFacts is a small sector: two units of area A (one own, one voucher)
// and one of area B (own).
func testFacts() []Fact {
	at := func(f Fact, unit string) Fact {
		f.Unit = unit
		switch unit {
		case "a1":
			f.Area, f.Producer, f.ProducerKind = "A", "city", "own"
		case "a2":
			f.Area, f.Producer, f.ProducerKind = "A", "smile", "voucher"
		default:
			f.Area, f.Producer, f.ProducerKind = "B", "city", "own"
		}
		return f
	}
	ev := func(unit, stat string, mode sotepe.EventMode, month string, v int64) Fact {
		return at(Fact{Source: SourceEvents, Statistic: stat, Mode: mode, Month: month, Value: v}, unit)
	}
	fb := func(unit, field, month string, v int64) Fact {
		return at(Fact{Source: SourceFeedback, Field: field, Month: month, Value: v}, unit)
	}
	return []Fact{
		ev("a1", sotepe.StatHomeCareClients, sotepe.EventInPerson, "2024-01", 90),
		ev("a1", sotepe.StatHomeCareClientsRemote, sotepe.EventRemote, "2024-01", 9),
		ev("a2", sotepe.StatHomeCareClients, sotepe.EventInPerson, "2024-01", 10),
		ev("a2", sotepe.StatHomeCareClientsRemote, sotepe.EventRemote, "2024-02", 9),
		ev("b1", sotepe.StatHomeCareClients, sotepe.EventInPerson, "2024-02", 100),
		ev("b1", sotepe.StatHomeCareClientsRemote, sotepe.EventRemote, "2024-02", 18),
		ev("a1", "health_station_nurse_visits", sotepe.EventInPerson, "2024-01", 700),
		ev("a1", "health_station_nurse_visits", sotepe.EventVideo, "2024-01", 100),
		ev("a2", "dental_visits", sotepe.EventInPerson, "2024-02", 200),
		ev("b1", sotepe.StatPortalCustomerContacts, sotepe.EventRemote, "2024-02", 100000),
		ev("b1", sotepe.StatChatContacts, sotepe.EventRemote, "2024-02", 200),
		ev("b1", "psychiatric_ward_days", sotepe.EventInPerson, "2024-02", 5000),
		fb("a1", FieldResponses, "2024-01", 10), fb("a1", FieldNet, "2024-01", 8),
		fb("a2", FieldResponses, "2024-01", 4), fb("a2", FieldNet, "2024-01", -4),
		fb("b1", FieldResponses, "2024-02", 100), fb("b1", FieldNet, "2024-02", 50),
	}
}

func value(t *testing.T, v Value) float64 {
	t.Helper()
	if v.Value == nil {
		t.Fatalf("no value: %+v", v)
	}
	return *v.Value
}

func TestIndicatorsRollUpBySums(t *testing.T) {
	inds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	get := func(id string) Indicator {
		ind, ok := inds.ByID(id)
		if !ok {
			t.Fatalf("no %s", id)
		}
		return ind
	}
	facts := testFacts()

	remote := get("home_care_remote_share")
	units := remote.Evaluate(facts, LevelUnit)
	if v := units["a1"]; v.Numerator != 9 || v.Denominator != 90 || value(t, v) != 10 {
		t.Errorf("a1 %+v", v)
	}
	if v := units["a2"]; value(t, v) != 90 {
		t.Errorf("a2 %+v", v)
	}
	// Area A adds its units' sums: 18 of 100, not the mean of 10 % and 90 %.
	areas := remote.Evaluate(facts, LevelArea)
	if v := areas["A"]; v.Numerator != 18 || v.Denominator != 100 || value(t, v) != 18 {
		t.Errorf("area A %+v", v)
	}
	if v := remote.Total(facts); v.Numerator != 36 || v.Denominator != 200 || value(t, v) != 18 {
		t.Errorf("sector %+v", v)
	}
	kinds := remote.Evaluate(facts, LevelProducerKind)
	if v := kinds["own"]; v.Numerator != 27 || v.Denominator != 190 || value(t, v) != 14.2 {
		t.Errorf("own production %+v", v)
	}
	months := remote.Evaluate(facts, LevelMonth)
	if v := months["2024-02"]; v.Numerator != 27 || v.Denominator != 100 || value(t, v) != 27 {
		t.Errorf("February %+v", v)
	}

	// NPS: the net over the answers; a group under five answers is withheld.
	nps := get("nps")
	byUnit := nps.Evaluate(facts, LevelUnit)
	if v := byUnit["a2"]; v.Value != nil || v.Denominator != 4 {
		t.Errorf("a2's four answers gave a score: %+v", v)
	}
	if v := byUnit["a1"]; value(t, v) != 80 {
		t.Errorf("a1's NPS %+v", v)
	}
	if v := nps.Evaluate(facts, LevelArea)["A"]; v.Numerator != 4 || v.Denominator != 14 || value(t, v) != 28.6 {
		t.Errorf("area A's NPS %+v", v)
	}
	if v := nps.Total(facts); value(t, v) != 47.4 { // 54/114
		t.Errorf("the sector's NPS %+v", v)
	}

	// A volume has no denominator: the count itself.
	visits := get("visits")
	if v := visits.Total(facts); v.Numerator != 1000 || value(t, v) != 1000 || v.Denominator != 0 {
		t.Errorf("visits %+v", v)
	}
	if v := visits.Evaluate(facts, LevelProducer)["smile"]; value(t, v) != 200 {
		t.Errorf("the voucher producer's visits %+v", v)
	}

	// The e-service share counts video and remote contacts, leaving the
	// portal's contacts and care days out: (100 + 200) of (1000 + 200).
	if v := get("e_service_share").Total(facts); v.Numerator != 300 || v.Denominator != 1200 || value(t, v) != 25 {
		t.Errorf("e-service share %+v", v)
	}

	// Nothing counted: no value, not zero.
	if v := remote.Total(nil); v.Value != nil {
		t.Errorf("empty %+v", v)
	}
	if v := visits.Total(nil); v.Value == nil || *v.Value != 0 {
		t.Errorf("no visits %+v", v)
	}
}

func TestChange(t *testing.T) {
	if c := change(110, 100, true); c == nil || *c != 10 {
		t.Errorf("110 after 100: %v", c)
	}
	if c := change(1, 3, true); c == nil || *c != -66.7 {
		t.Errorf("1 after 3: %v", c)
	}
	if c := change(5, 0, true); c != nil {
		t.Errorf("after 0: %v", *c)
	}
	if c := change(5, 4, false); c != nil {
		t.Errorf("no previous year: %v", *c)
	}
}

func TestNarrow(t *testing.T) {
	facts := testFacts()
	count := func(fs []Fact) map[string]int {
		m := map[string]int{}
		for _, f := range fs {
			m[f.Unit]++
		}
		return m
	}
	if got := Narrow(facts, Filter{}); len(got) != len(facts) {
		t.Errorf("no filter kept %d of %d", len(got), len(facts))
	}
	if got := count(Narrow(facts, Filter{Areas: []string{"A"}})); got["b1"] != 0 || got["a1"] == 0 || got["a2"] == 0 {
		t.Errorf("area A: %v", got)
	}
	if got := count(Narrow(facts, Filter{Areas: []string{"A"}, Producers: []string{"city"}})); got["a2"] != 0 || got["b1"] != 0 || got["a1"] == 0 {
		t.Errorf("area A, own: %v", got)
	}
	if got := Narrow(facts, Filter{Units: []string{}}); len(got) != 0 {
		t.Errorf("no units kept %d", len(got))
	}
	// A manager's own unit: the sums of the unit alone.
	ind, _ := mustLoad(t).ByID("nps")
	if v := ind.Total(Narrow(facts, Filter{Units: []string{"b1"}})); v.Value == nil || *v.Value != 50 {
		t.Errorf("b1's NPS %+v", v)
	}
}

func mustLoad(t *testing.T) *Indicators {
	t.Helper()
	inds, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return inds
}
