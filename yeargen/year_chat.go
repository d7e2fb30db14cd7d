package yeargen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"sotepe"
	"sotepe/demo"
)

// ChatLineID is the demo's chat line the generated year's chats are on: the
// social and health services advice chat, answered by the unit that the
// year's chat_contacts events are written for.
const ChatLineID = "client-advice"

// The shape of the generated chats. Waits (start to taken) and durations
// (taken to end) are log-normal, as queue waits and service times tend to
// be: a wait's median is ChatWaitMedian and its 90th percentile about
// four times that, a duration's median ChatDurationMedian. Answered chats
// are handed over with probability ChatHandOverShare; abandoned chats,
// ChatAbandonedShare of the answered ones, come on top.
const (
	ChatWaitMedian     = 3 * time.Minute
	ChatDurationMedian = 8 * time.Minute
	ChatHandOverShare  = 0.08
	ChatAbandonedShare = 0.06
)

// The spreads (σ of the logarithm) and bounds of the draws. A wait's σ of
// ln 4 / 1.2816 puts its 90th percentile at four times its median (3 and
// 12 minutes); a duration's 0.65 puts it at 2.3 times (8 and 18 minutes).
// An abandoned chat's wait, how long the resident stayed in the queue, is
// a little longer than an answered one's.
const (
	chatWaitSigma          = 1.0817
	chatDurationSigma      = 0.65
	chatAbandonMedian      = 4 * time.Minute
	chatAbandonSigma       = 0.9
	chatWaitMin            = 5 * time.Second
	chatWaitMax            = time.Hour
	chatDurationMin        = time.Minute
	chatDurationMax        = 90 * time.Minute
	chatClosedDayOpen      = 9 * 60  // a weekend day's chats start from 09:00 …
	chatClosedDayClose     = 15 * 60 // … until 15:00
	chatMinutesInDay       = 24 * 60
	chatAbandonedWaitFloor = 20 * time.Second
)

// chatHourShape is how the starts spread over a day's open hours: most in
// the late morning, fewer after lunch and towards closing.
var chatHourShape = [24]float64{0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0, 0.95, 0.8, 0.85, 0.8, 0.6, 0.5, 0.5, 0.5, 0.45, 0.4, 0.35, 0.3, 0.3}

// chatSlot is one chat_contacts event of the year: count contacts on a day
// (its index in y.days()) at a unit.
type chatSlot struct {
	day   int
	unit  string
	count int
}

// chatSlots returns the year's chat_contacts events as walk draws them, in
// order of day and unit.
func (y Year) chatSlots() ([]chatSlot, error) {
	var out []chatSlot
	err := y.walk(func(p *plan, day, unit int, _ sotepe.EventMode, count int) error {
		if p.stat.Key == sotepe.StatChatContacts {
			out = append(out, chatSlot{day: day, unit: p.units[unit].ID, count: count})
		}
		return nil
	})
	return out, err
}

// Chats calls fn with every chat of the year on the demo's line ChatLineID,
// in order of start. They are the year's chat contacts as chats: for every
// chat_contacts event Events writes (the same draws, so the same days,
// units and counts), that many answered chats that day taken by that unit,
// so that the answered chats add up to the chat_contacts total exactly,
// day by day and unit by unit. About ChatHandOverShare of them ended handed
// over, the rest closed. On top come round(ChatAbandonedShare × answered)
// abandoned chats, spread over the same days in proportion, never taken
// (no unit) and ended when their resident left the queue; they are not
// chat contacts.
//
// A chat starts within the line's hours on its day in the city's time zone
// (Europe/Helsinki); on a day the line is closed, when the events put
// contacts there, between 09:00 and 15:00, a weekend shift. The resident's
// language is drawn as for the year's contact requests.
//
// The generated year has no residents, no professionals and no contact
// requests: the chats carry none (ResidentID, OpenedBy, ProfessionalID and
// ContactRequestID 0), not even a hand-over's request, and no messages. It
// stops at fn's first error and returns it. The same Year gives the same
// chats.
func (y Year) Chats(fn func(sotepe.Chat) error) error {
	zone, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return fmt.Errorf("yeargen: chats: %w", err)
	}
	line, err := chatLine()
	if err != nil {
		return err
	}
	slots, err := y.chatSlots()
	if err != nil {
		return err
	}
	answered := 0
	weights := make([]float64, len(slots))
	for i, s := range slots {
		if !slices.Contains(line.Units, s.unit) {
			return fmt.Errorf("yeargen: chat contacts at unit %s, which does not answer chat line %s", s.unit, line.ID)
		}
		answered += s.count
		weights[i] = float64(s.count)
	}
	r := rand.New(rand.NewPCG(uint64(y.Seed), uint64(y.Seed)^0xc4a7c4a7))
	abandoned := apportion(int(math.Round(float64(answered)*ChatAbandonedShare)), weights, r)
	days := y.days()
	var day []sotepe.Chat
	for i := 0; i < len(slots); {
		// One day's slots, the day's chats in order of start.
		di := slots[i].day
		d := days[di]
		open := chatOpenMinutes(line.Hours, time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, zone))
		day = day[:0]
		for ; i < len(slots) && slots[i].day == di; i++ {
			for range slots[i].count {
				c := newChat(r, zone, d, open)
				wait := logNormal(r, ChatWaitMedian, chatWaitSigma, chatWaitMin, chatWaitMax)
				c.TakenAt = c.StartedAt.Add(wait)
				c.EndedAt = c.TakenAt.Add(logNormal(r, ChatDurationMedian, chatDurationSigma, chatDurationMin, chatDurationMax))
				c.UnitID, c.Status = slots[i].unit, sotepe.ChatClosed
				if r.Float64() < ChatHandOverShare {
					c.Status = sotepe.ChatHandedOver
				}
				c.ResidentSeenAt = c.EndedAt
				day = append(day, c)
			}
			for range abandoned[i] {
				c := newChat(r, zone, d, open)
				c.EndedAt = c.StartedAt.Add(logNormal(r, chatAbandonMedian, chatAbandonSigma, chatAbandonedWaitFloor, chatWaitMax))
				c.Status = sotepe.ChatAbandoned
				c.ResidentSeenAt = c.EndedAt
				day = append(day, c)
			}
		}
		slices.SortStableFunc(day, func(a, b sotepe.Chat) int { return a.StartedAt.Compare(b.StartedAt) })
		for _, c := range day {
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// newChat returns a chat of the line started at a drawn second of day d
// within the open minutes, in a drawn language.
func newChat(r *rand.Rand, zone *time.Location, d time.Time, open []int) sotepe.Chat {
	minute := open[0]
	if len(open) > 1 {
		// Rejection by the hour's shape: at most a few draws.
		for {
			minute = open[r.IntN(len(open))]
			if r.Float64() < chatHourShape[minute/60] {
				break
			}
		}
	}
	at := time.Date(d.Year(), d.Month(), d.Day(), minute/60, minute%60, r.IntN(60), 0, zone)
	return sotepe.Chat{Line: ChatLineID, Lang: pickLang(r), StartedAt: at.UTC()}
}

// chatOpenMinutes returns the minutes of the day of t (in the city's zone)
// at which a chat of a line with hours h may start: the line's intervals
// that day, every minute when it is always open, and 09:00–15:00 when it
// is closed that day.
func chatOpenMinutes(h sotepe.OpeningHours, t time.Time) []int {
	var out []int
	switch iv := h.Intervals(t); {
	case h.AlwaysOpen:
		for m := range chatMinutesInDay {
			out = append(out, m)
		}
	case len(iv) > 0:
		for _, d := range iv {
			o, _ := sotepe.MinuteOfDay(d.Open)
			c, _ := sotepe.MinuteOfDay(d.Close)
			for m := o; m < c; m++ {
				out = append(out, m)
			}
		}
		slices.Sort(out)
		out = slices.Compact(out)
	}
	if len(out) == 0 {
		for m := chatClosedDayOpen; m < chatClosedDayClose; m++ {
			out = append(out, m)
		}
	}
	return out
}

// logNormal draws a log-normal duration of the given median and σ of its
// logarithm, bounded to [lo, hi] and rounded to whole seconds.
func logNormal(r *rand.Rand, median time.Duration, sigma float64, lo, hi time.Duration) time.Duration {
	d := time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
	return min(max(d, lo), hi).Round(time.Second)
}

// chatLine returns the demo's line ChatLineID.
func chatLine() (sotepe.ChatLine, error) {
	lines, err := demo.ChatLines()
	if err != nil {
		return sotepe.ChatLine{}, err
	}
	i := slices.IndexFunc(lines, func(l sotepe.ChatLine) bool { return l.ID == ChatLineID })
	if i < 0 {
		return sotepe.ChatLine{}, fmt.Errorf("yeargen: the demo has no chat line %s", ChatLineID)
	}
	return lines[i], nil
}
