package demo

import (
	"context"
	"fmt"
	"time"

	"sotepe"
)

// The demo's appointments: booking rules for the services that take them,
// schedules at a few units, and free times for the coming weeks, so that
// `sotepe demo` shows bookable times at once.

// BookingRules returns the booking rules of the demo: the nurse's
// reception, dental care and the maternity and child clinic are booked
// directly; the doctor's appointment needs an appointment ticket, as in the
// city's portal. The rest keep sotepe.DefaultBookingRules.
func BookingRules() []sotepe.BookingRules {
	var out []sotepe.BookingRules
	for _, c := range []struct {
		service string
		direct  bool
	}{
		{"health-station-nurse", true},
		{"dental-care", true},
		{"maternity-child-clinic", true},
		{"doctor-appointment", false},
	} {
		cfg := sotepe.DefaultBookingRules(c.service)
		cfg.DirectBooking = c.direct
		out = append(out, cfg)
	}
	return out
}

// apptSchedule is one schedule of the demo and the week it keeps.
type apptSchedule struct {
	unit, service string
	name          string
	kind          sotepe.ResourceKind
	username      string // the professional whose schedule it is
	mode          sotepe.AppointmentMode
	minutes       int
	periods       []sotepe.WeeklyPeriod
}

// weekdays returns the period from start to end on Monday to Friday.
func weekdays(start, end string) []sotepe.WeeklyPeriod {
	out := make([]sotepe.WeeklyPeriod, 5)
	for i := range out {
		out[i] = sotepe.WeeklyPeriod{Weekday: i + 1, Start: start, End: end}
	}
	return out
}

func apptSchedules() []apptSchedule {
	evenings := []sotepe.WeeklyPeriod{{Weekday: 2, Start: "16:00", End: "19:00"}, {Weekday: 4, Start: "16:00", End: "19:00"}}
	return []apptSchedule{
		{unit: kallioStation, service: "health-station-nurse", kind: sotepe.ResourceProfessional, username: "nurse", mode: sotepe.ModeInPerson, minutes: 30,
			periods: append(weekdays("08:00", "12:00"), evenings...)},
		{unit: kallioStation, service: "health-station-nurse", name: "Etävastaanotto / Distansmottagning / Remote line", kind: sotepe.ResourceRemoteLine,
			mode: sotepe.ModeVideo, minutes: 20, periods: append(weekdays("13:00", "15:00"), sotepe.WeeklyPeriod{Weekday: 3, Start: "16:00", End: "18:00"})},
		{unit: kallioStation, service: "doctor-appointment", name: "Lääkärin huone 2 / Läkarrum 2 / Doctor's room 2", kind: sotepe.ResourceRoom,
			mode: sotepe.ModeInPerson, minutes: 30, periods: weekdays("09:00", "15:00")},
		{unit: tooloStation, service: "health-station-nurse", name: "Hoitajan huone / Skötarrum / Nurse's room", kind: sotepe.ResourceRoom,
			mode: sotepe.ModeInPerson, minutes: 30, periods: append(weekdays("08:00", "15:00"), sotepe.WeeklyPeriod{Weekday: 1, Start: "16:00", End: "18:00"})},
		{unit: "vallila-health-station", service: "health-station-nurse", name: "Puhelinaika / Telefontid / Phone line", kind: sotepe.ResourceRemoteLine,
			mode: sotepe.ModePhone, minutes: 15, periods: weekdays("08:00", "10:00")},
		{unit: "kallio-dental-clinic", service: "dental-care", name: "Hoitohuone 1 / Behandlingsrum 1 / Surgery 1", kind: sotepe.ResourceRoom,
			mode: sotepe.ModeInPerson, minutes: 45, periods: append(weekdays("08:00", "15:00"), sotepe.WeeklyPeriod{Weekday: 4, Start: "16:00", End: "19:00"})},
		{unit: "toolo-dental-clinic", service: "dental-care", name: "Hoitohuone 1 / Behandlingsrum 1 / Surgery 1", kind: sotepe.ResourceRoom,
			mode: sotepe.ModeInPerson, minutes: 45, periods: weekdays("08:00", "14:00")},
		{unit: "kallio-child-clinic", service: "maternity-child-clinic", name: "Terveydenhoitajan huone / Hälsovårdarens rum / Public health nurse's room", kind: sotepe.ResourceRoom,
			mode: sotepe.ModeInPerson, minutes: 30, periods: weekdays("08:00", "16:00")},
	}
}

// DemoApptDays is how many days ahead the demo keeps free times.
const DemoApptDays = 21

// LoadAppointments saves the demo's booking rules and schedules and opens
// their free times from now for the next DemoApptDays days (in loc). It is
// idempotent: schedules are found again by unit and name, and times that
// exist are skipped, in any state, so it runs at every demo start and keeps
// the coming weeks bookable without opening again a time that staff
// closed. It returns how many times it opened. The network and
// the people should be loaded first.
func LoadAppointments(ctx context.Context, st sotepe.Store, now time.Time, loc *time.Location) (int, error) {
	for _, c := range BookingRules() {
		// Saved only when they differ, so that a restart writes no audit rows.
		if have, err := st.BookingRules(ctx, c.ServiceID); err == nil && have == c {
			continue
		}
		if err := st.SaveBookingRules(ctx, c); err != nil {
			return 0, fmt.Errorf("demo: booking rules of %s: %w", c.ServiceID, err)
		}
	}
	from := now.In(loc).Format(time.DateOnly)
	to := now.In(loc).AddDate(0, 0, DemoApptDays).Format(time.DateOnly)
	opened := 0
	for _, sc := range apptSchedules() {
		r := sotepe.Resource{UnitID: sc.unit, Kind: sc.kind, Name: sc.name}
		if sc.username != "" {
			u, _, err := st.UserByUsername(ctx, sc.username)
			if err != nil {
				return opened, fmt.Errorf("demo: schedule of %s: %w", sc.username, err)
			}
			r.UserID, r.Name = u.ID, u.Name
		} else {
			existing, err := st.Resources(ctx, sc.unit)
			if err != nil {
				return opened, err
			}
			for _, e := range existing {
				if e.Name == sc.name {
					r = e
				}
			}
		}
		if r.ID == 0 {
			saved, err := st.SaveResource(ctx, r)
			if err != nil {
				return opened, fmt.Errorf("demo: schedule at %s: %w", sc.unit, err)
			}
			r = saved
		}
		length := time.Duration(sc.minutes) * time.Minute
		starts, err := sotepe.WeeklyTemplate{From: from, To: to, Length: length, Periods: sc.periods}.Starts(loc)
		if err != nil {
			return opened, err
		}
		// The store would open a time anew over a closed one (a closed
		// slot holds nothing), so the starts the schedule has are read
		// first, closed ones included.
		had, err := st.UnitSlots(ctx, []string{sc.unit}, now, now.AddDate(0, 0, DemoApptDays+1))
		if err != nil {
			return opened, err
		}
		have := map[int64]bool{}
		for _, sl := range had {
			if sl.ResourceID == r.ID {
				have[sl.Start.UnixMicro()] = true
			}
		}
		var slots []sotepe.Slot
		for _, s := range starts {
			if s.After(now) && !have[s.UnixMicro()] {
				slots = append(slots, sotepe.Slot{ServiceID: sc.service, UnitID: sc.unit, ResourceID: r.ID, Start: s, End: s.Add(length), Mode: sc.mode})
			}
		}
		n, err := st.OpenSlots(ctx, slots)
		if err != nil {
			return opened, fmt.Errorf("demo: times at %s: %w", sc.unit, err)
		}
		opened += n
	}
	return opened, nil
}
