package sotepe

import (
	"context"
	"time"
)

// NotificationKind says what a notification tells. Notifications never carry
// health details or message text: only that there is something to read, and
// where.
type NotificationKind string

// The kinds of notification.
const (
	NotifyNewMessage NotificationKind = "new_message" // a professional answered the resident
	NotifyBreach     NotificationKind = "breach"      // a request of the manager's unit missed its deadline
)

// NotificationKinds lists every kind.
var NotificationKinds = []NotificationKind{NotifyNewMessage, NotifyBreach}

// Notification is one row of the outbox: a message to send to a user (a
// resident's or a manager's account) in their language, pointing at a
// contact request. The outbox row is written in the same transaction as the
// change it tells of, and a Sender delivers it afterwards.
type Notification struct {
	ID        int64            `json:"id"`
	UserID    int64            `json:"user"`
	Kind      NotificationKind `json:"kind"`
	Lang      Lang             `json:"lang"`
	RequestID int64            `json:"request,omitempty"`
	// AppointmentID is the appointment the notification is about, if any.
	AppointmentID int64     `json:"appointment,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	Attempts      int       `json:"attempts"`
	SentAt        time.Time `json:"sent_at"`
}

// Outbox is the store side of notifications.
type Outbox interface {
	// PendingNotifications returns up to limit unsent notifications whose
	// next attempt is due at now, oldest first.
	PendingNotifications(ctx context.Context, now time.Time, limit int) ([]Notification, error)
	// ClaimNotifications claims up to limit notifications due at now for
	// one Sender until now+lease, oldest first: no other Sender gets them
	// meanwhile, in any process on the same database.
	ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// MarkNotificationSent records a delivery.
	MarkNotificationSent(ctx context.Context, id int64, at time.Time) error
	// MarkNotificationFailed records a failed attempt and when to retry.
	MarkNotificationFailed(ctx context.Context, id int64, retryAt time.Time) error
}

// ClosureDay is a day an administrator closes the services on, beyond the
// public holidays: it is not a working day for the answer promise.
type ClosureDay struct {
	Date  string `json:"date"` // YYYY-MM-DD
	Names Names  `json:"names"`
}

// The years around now in which a closure day may be set: last year's
// (corrections to the figures) to five years ahead. A date outside them is
// a slip of the keyboard, not a plan.
const (
	ClosureYearsBack  = 1
	ClosureYearsAhead = 5
)

// CheckDate checks d's date at now: a real YYYY-MM-DD date (EInvalid
// "error.closure_day" otherwise) whose year lies from ClosureYearsBack
// before now's to ClosureYearsAhead after it (EInvalid
// "error.closure_day_range", with the first and last year as From and To).
func (d ClosureDay) CheckDate(now time.Time) error {
	t, err := time.Parse(time.DateOnly, d.Date)
	if err != nil {
		return Invalid("error.closure_day", "a closure day needs a date YYYY-MM-DD")
	}
	from, to := now.Year()-ClosureYearsBack, now.Year()+ClosureYearsAhead
	if t.Year() < from || t.Year() > to {
		return Invalid("error.closure_day_range", "the closure day's date lies outside the years allowed").
			With(map[string]any{"From": from, "To": to})
	}
	return nil
}

// Closures stores the administrator's closure days.
type Closures interface {
	// ClosureDays returns every closure day, ordered by date.
	ClosureDays(ctx context.Context) ([]ClosureDay, error)
	// SaveClosureDay adds or renames a closure day; a malformed date, one
	// outside the years ClosureDay.CheckDate allows, or incomplete names are
	// EInvalid.
	SaveClosureDay(ctx context.Context, d ClosureDay) error
	// DeleteClosureDay removes a closure day, or returns ENotFound.
	DeleteClosureDay(ctx context.Context, date string) error
}
