package demo

import (
	"context"
	"fmt"
	"time"

	"sotepe"
	"sotepe/workday"
)

// QualityStore is what LoadProcurementQuality writes to.
type QualityStore interface {
	AddFeedback(ctx context.Context, n sotepe.NewFeedback) (sotepe.Feedback, error)
	BulkContactRequests(ctx context.Context, rs []sotepe.ContactRequest) error
}

// qualityUnit is the demo's feedback and contact requests of one dental
// unit: the scores given, and for each contact request the working days
// to its first answer (a negative number leaves it unanswered). The working
// days are the city's: weekends and public holidays do not count.
type qualityUnit struct {
	unit     string
	scores   []int
	answered []int
}

// qualityUnits are the dental units whose figures the contract manager's
// comparison shows: the voucher producer Esimerkki Hammas's two clinics
// and three of the city's own dental clinics.
var qualityUnits = []qualityUnit{
	{unit: "esimerkki-hammas-kamppi", scores: []int{10, 9, 9, 8, 10, 7, 6, 10}, answered: []int{0, 1, 1, 3, 0, 2}},
	{unit: "esimerkki-hammas-itakeskus", scores: []int{9, 10, 4, 8, 9}, answered: []int{1, 0, 4, 1}},
	{unit: "kallio-dental-clinic", scores: []int{10, 8, 7, 9, 5, 10, 3, 9, 8, 10}, answered: []int{0, 1, 2, 1, 5, 1, 0}},
	{unit: "malmi-dental-clinic", scores: []int{9, 9, 6, 10, 2, 8}, answered: []int{1, 1, 3, 0}},
	{unit: "toolo-dental-clinic", scores: []int{10, 10, 9, 7, 8, 4, 9}, answered: []int{2, 1, 0, 1, 1}},
}

// LoadProcurementQuality writes the feedback answers (QR code, in
// Finnish) and the website's contact requests of the dental units the
// demo's voucher contract compares, on working days of the last two months
// before today, so that the comparison of purchased services shows the
// producer's NPS and answer promise beside the own units'. A request
// answered within two working days keeps the answer promise; the contact
// details are fictional and no demo account sees the requests. nurse is
// the user id of the professional who answers.
func LoadProcurementQuality(ctx context.Context, st QualityStore, nurse int64, today time.Time) error {
	cal, err := workday.New()
	if err != nil {
		return err
	}
	loc := cal.Location()
	// day returns the n:th working day before today at hour, in Helsinki.
	day := func(n, hour int) time.Time {
		d := time.Date(today.Year(), today.Month(), today.Day(), hour, 0, 0, 0, loc)
		for n > 0 {
			d = d.AddDate(0, 0, -1)
			if cal.IsWorkingDay(d) {
				n--
			}
		}
		return d
	}
	// later returns the instant two hours after d on the days:th working
	// day after it.
	later := func(d time.Time, days int) time.Time {
		for days > 0 {
			d = d.AddDate(0, 0, 1)
			if cal.IsWorkingDay(d) {
				days--
			}
		}
		return d.Add(2 * time.Hour)
	}
	var requests []sotepe.ContactRequest
	for i, q := range qualityUnits {
		for j, score := range q.scores {
			if _, err := st.AddFeedback(ctx, sotepe.NewFeedback{UnitID: q.unit, Score: score, Channel: sotepe.FeedbackQR,
				Lang: sotepe.Finnish, CreatedAt: day(10+4*j+i, 11)}); err != nil {
				return fmt.Errorf("demo feedback of %s: %w", q.unit, err)
			}
		}
		for j, days := range q.answered {
			at := day(12+5*j+i, 9)
			due, err := cal.Deadline(at, sotepe.PromiseWorkingDays)
			if err != nil {
				return err
			}
			r := sotepe.ContactRequest{Contact: &sotepe.ContactDetails{Name: fmt.Sprintf("Esimerkki Asiakas %d-%d", i+1, j+1), Phone: "0401234567"},
				ServiceID: "dental-care", UnitID: q.unit, Channel: sotepe.ChannelWebsite, Status: sotepe.StatusNew, Lang: sotepe.Finnish,
				ReceivedAt: at, DueAt: due,
				Messages: []sotepe.Message{{Body: "Hammas on kipeä, voisitteko soittaa?", At: at}}}
			if days >= 0 {
				answer := later(at, days)
				if days == 0 {
					answer = at.Add(3 * time.Hour)
				}
				r.Status, r.FirstAnsweredAt = sotepe.StatusAnswered, answer
				r.Messages = append(r.Messages, sotepe.Message{AuthorID: nurse, FromStaff: true, Body: "Soitimme ja sovimme ajan.", At: answer})
			}
			requests = append(requests, r)
		}
	}
	return st.BulkContactRequests(ctx, requests)
}
