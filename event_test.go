package sotepe

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

func TestStatisticsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Statistics {
		if seen[s.Key] {
			t.Errorf("statistic %s twice", s.Key)
		}
		seen[s.Key] = true
		if !slices.Contains(StatisticGroups, s.Group) {
			t.Errorf("statistic %s: unknown group %q", s.Key, s.Group)
		}
		if s.Reference && s.AreaID == "" {
			t.Errorf("reference statistic %s has no area", s.Key)
		}
		got, ok := StatisticByKey(s.Key)
		if !ok || got != s {
			t.Errorf("StatisticByKey(%s) = %+v, %v", s.Key, got, ok)
		}
	}
	for _, k := range []string{StatContactRequestsAnswered, StatSymptomAssessments, StatChatContacts, StatPortalCustomerContacts,
		StatPortalVideoAppointments, StatFeedbackAnswers, StatHomeCareClients, StatHomeCareClientsRemote} {
		if s, ok := StatisticByKey(k); !ok || s.Reference {
			t.Errorf("own statistic %s: %+v, %v", k, s, ok)
		}
	}
	if _, ok := StatisticByKey("nurse_visits"); ok {
		t.Error("an unknown key was found")
	}
	for svc, key := range ServiceStatistics {
		if _, ok := StatisticByKey(key); !ok {
			t.Errorf("service %s counts as unknown statistic %s", svc, key)
		}
	}
	if ServiceStatistic("no-such-service") != StatOtherVisits || ServiceStatistic("dental-care") != "dental_visits" {
		t.Error("ServiceStatistic")
	}
}

// TestStatisticsFollowReference checks the reference statistics against the
// service_volumes of the reference file (the repository's copy, which
// yeargen's TestReferenceCopy keeps equal to the shared one), key by key in its
// order, with the measure and the group order.
func TestStatisticsFollowReference(t *testing.T) {
	b, err := os.ReadFile("yeargen/data/reference-2024.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		ServiceVolumes []struct {
			Key, Group, Measure string
		} `json:"service_volumes"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var refs []Statistic
	for _, s := range Statistics {
		if s.Reference {
			refs = append(refs, s)
		}
	}
	if len(refs) != len(ref.ServiceVolumes) {
		t.Fatalf("%d reference statistics, the file has %d", len(refs), len(ref.ServiceVolumes))
	}
	groupOf := map[string]string{}
	var groups []string
	for i, v := range ref.ServiceVolumes {
		s := refs[i]
		if s.Key != v.Key || string(s.Measure) != v.Measure {
			t.Errorf("line %d: %s/%s, the file has %s/%s", i, s.Key, s.Measure, v.Key, v.Measure)
		}
		if g, ok := groupOf[v.Group]; ok && g != s.Group {
			t.Errorf("%s: group %s, others of %q are %s", s.Key, s.Group, v.Group, g)
		} else if !ok {
			groupOf[v.Group] = s.Group
			groups = append(groups, s.Group)
		}
	}
	if !slices.Equal(groups, StatisticGroups[:len(groups)]) {
		t.Errorf("groups %v, StatisticGroups %v", groups, StatisticGroups)
	}
}

func TestServiceEventValidate(t *testing.T) {
	ok := ServiceEvent{Source: "dispatch", ExternalID: "r-1", Day: "2024-02-29", UnitID: "kallio-health-station",
		Statistic: "fire_rescue_missions", Mode: EventInPerson, Count: 1}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	full := ok
	full.ProducerID, full.AgeBand, full.Lang, full.Count = "helsinki", "75+", "other", 12
	if err := full.Validate(); err != nil {
		t.Fatalf("valid full event: %v", err)
	}
	long := make([]byte, MaxEventExternalID+1)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct {
		name string
		edit func(*ServiceEvent)
		key  string
	}{
		{"no source", func(e *ServiceEvent) { e.Source = "" }, "error.event_source"},
		{"no external id", func(e *ServiceEvent) { e.ExternalID = "" }, "error.event_external_id"},
		{"long external id", func(e *ServiceEvent) { e.ExternalID = string(long) }, "error.event_external_id"},
		{"no such day", func(e *ServiceEvent) { e.Day = "2023-02-29" }, "error.event_day"},
		{"day with time", func(e *ServiceEvent) { e.Day = "2024-02-01T10:00" }, "error.event_day"},
		{"bad unit", func(e *ServiceEvent) { e.UnitID = "Kallio!" }, "error.event_unit"},
		{"unknown statistic", func(e *ServiceEvent) { e.Statistic = "visits" }, "error.event_statistic"},
		{"unknown mode", func(e *ServiceEvent) { e.Mode = "letter" }, "error.event_mode"},
		{"bad producer", func(e *ServiceEvent) { e.ProducerID = "A B" }, "error.event_producer"},
		{"unknown age band", func(e *ServiceEvent) { e.AgeBand = "18-64" }, "error.event_age_band"},
		{"unknown language", func(e *ServiceEvent) { e.Lang = "de" }, "error.event_lang"},
		{"zero count", func(e *ServiceEvent) { e.Count = 0 }, "error.event_count"},
	}
	for _, tt := range tests {
		e := ok
		tt.edit(&e)
		err := e.Validate()
		if ErrorCode(err) != EInvalid || ErrorKey(err) != tt.key {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.key)
		}
	}
}
