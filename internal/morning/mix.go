// Package morning is the load test of a morning at the health stations
// city-wide: it plays the mix of anonymous directory reads, sign-ins,
// contact-request submissions, bookings of free times and staff queue
// views over real HTTP against a base URL, in the ratio of the sector's
// 2024 volumes, and records the p99 per route, the errors, the sustained
// rate and every write the server acknowledged, so that they can be looked
// up in the database afterwards (Verify). Cluster starts several sotepe
// processes on one database behind haproxy, for the test that kills one in
// the middle of the morning and for docs/scaling.md.
//
// It is a test and measurement tool: it sends only to the address it is
// given, on loopback.
package morning

import (
	"encoding/json"
	"fmt"
	"os"
)

// Mix is how many of each action a year brings and what share of them
// falls in the morning's peak hour. Rates derive from it (PeakRate).
type Mix struct {
	// Yearly counts of each action.
	Reads, SignIns, Submissions, Bookings, QueueViews float64
	// Residents is the population the mix is scaled to.
	Residents float64
	// WorkingDays is the number of days the year's volumes fall on, and
	// PeakShare the share of a working day's volume in its busiest hour.
	WorkingDays, PeakShare float64
}

// The assumptions of the derivation (docs/benchmarks.md, "Morning load"):
// the year's volumes fall on 250 working days, and the busiest morning
// hour carries a fifth of a day (a day of ten opening hours, its peak
// twice the average).
const (
	workingDays = 250
	peakShare   = 0.2
)

// reference is the part of the 2024 reference file the mix reads.
type reference struct {
	Population struct {
		Residents float64 `json:"residents"`
	} `json:"population"`
	ServiceVolumes []struct {
		Key   string  `json:"key"`
		Value float64 `json:"value"`
	} `json:"service_volumes"`
	EServices struct {
		PortalContacts      float64 `json:"portal_customer_contacts"`
		SymptomAssessments  float64 `json:"symptom_assessments"`
		ChatContacts        float64 `json:"chat_contacts_and_discussions"`
		ShareUsingPortalPct float64 `json:"share_of_residents_using_portal_percent"`
	} `json:"e_services"`
}

// bookedVisits are the reference's visits that are booked appointment
// times at the health stations: the nurse's and the doctor's reception
// and dental care.
var bookedVisits = []string{"health_station_nurse_visits", "health_station_doctor_visits", "dental_visits"}

// ReadMix derives the morning mix from the 2024 reference file at path
// (the shared reference/helsinki-2024.json, or its copy in the module,
// yeargen/data/reference-2024.json, which yeargen's tests keep equal):
//
//   - directory reads: the portal's customer contacts (24.7 million), each
//     of which starts with finding the service;
//   - bookings: the health stations' booked visits (nurse, doctor, dental);
//   - submissions: contact requests, which the reference does not count;
//     the symptom assessments (each handed over becomes one) and the
//     chats stand for them;
//   - sign-ins: one per booking and per submission, as a resident signs in
//     to do either;
//   - queue views: one per booking and per submission, a professional
//     opening the queue for each piece of work.
//
// A file without these figures is an error.
func ReadMix(path string) (Mix, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Mix{}, err
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		return Mix{}, fmt.Errorf("morning: %s: %w", path, err)
	}
	m := Mix{Residents: ref.Population.Residents, WorkingDays: workingDays, PeakShare: peakShare}
	for _, v := range ref.ServiceVolumes {
		for _, k := range bookedVisits {
			if v.Key == k {
				m.Bookings += v.Value
			}
		}
	}
	m.Reads = ref.EServices.PortalContacts
	m.Submissions = ref.EServices.SymptomAssessments + ref.EServices.ChatContacts
	m.SignIns = m.Bookings + m.Submissions
	m.QueueViews = m.Bookings + m.Submissions
	if m.Residents == 0 || m.Reads == 0 || m.Bookings == 0 || m.Submissions == 0 {
		return Mix{}, fmt.Errorf("morning: %s lacks the population, the portal contacts, the health stations' visits or the e-services", path)
	}
	return m, nil
}

// total is the year's count of all actions.
func (m Mix) total() float64 {
	return m.Reads + m.SignIns + m.Submissions + m.Bookings + m.QueueViews
}

// PeakRate is the actions per second of the busiest morning hour for the
// whole population the mix was read for.
func (m Mix) PeakRate() float64 {
	return m.total() / m.WorkingDays * m.PeakShare / 3600
}

// weights returns each action's share of the mix.
func (m Mix) weights() [numActions]float64 {
	t := m.total()
	return [numActions]float64{
		actRead: m.Reads / t, actSignIn: m.SignIns / t, actSubmit: m.Submissions / t,
		actBook: m.Bookings / t, actQueue: m.QueueViews / t,
	}
}

// String tells the mix's shares and peak rate in one line.
func (m Mix) String() string {
	w := m.weights()
	return fmt.Sprintf("reads %.1f %%, sign-ins %.1f %%, submissions %.2f %%, bookings %.1f %%, queue views %.1f %%; peak hour %.1f actions/s for %.0f residents",
		100*w[actRead], 100*w[actSignIn], 100*w[actSubmit], 100*w[actBook], 100*w[actQueue], m.PeakRate(), m.Residents)
}
