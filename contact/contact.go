// Package contact carries out contact requests: who may submit, read,
// answer, assign and close which request, where a request is routed, and
// when its answer is due. Storage is the store's; this package holds the
// rules that span the store, the directory and the working-day calendar.
package contact

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"sotepe"
	"sotepe/workday"
)

// Service carries out contact requests. Every method takes the user acting
// (nil for someone writing through the website form without signing in) and
// decides from their roles and units what they may do; anything outside that
// is ENotFound, the same as a missing request.
type Service struct {
	store    sotepe.Store
	dir      sotepe.Directory
	calendar *workday.Live
	now      func() time.Time
	log      *slog.Logger
}

// Config is what a Service needs. Directory defaults to Store; Now to
// time.Now.
type Config struct {
	Store     sotepe.Store
	Directory sotepe.Directory
	Calendar  *workday.Live
	Now       func() time.Time
	Logger    *slog.Logger
}

// New returns a Service.
func New(c Config) *Service {
	s := &Service{store: c.Store, dir: c.Directory, calendar: c.Calendar, now: c.Now, log: c.Logger}
	if s.dir == nil {
		s.dir = c.Store
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

func notFound() error { return sotepe.NotFound("contact request") }

func isStaff(u *sotepe.User) bool {
	return u != nil && (u.Has(sotepe.RoleProfessional) || u.Has(sotepe.RoleManager))
}

// Submit records a new request and returns it with created false when an
// earlier submission with the same idempotency key already stored it.
//
// A resident writes in the portal for themselves; a professional records a
// phone request for a resident (ReceivedAt up to 30 days back) into one of
// their own units only: a chosen unit of another, or a service none of
// their units takes, is EInvalid ("error.phone_unit"). A resident who does
// not exist is EInvalid ("error.unknown_resident"), as any resident staff
// may not record for would be. The website form needs no user but contact
// details. The service must take contact requests; the unit is routed by
// sotepe.Route; the answer is due by the promise of two working days after
// the day of receipt.
//
// An idempotency key belongs to its sender (the recording professional,
// the resident, or for the website form the key alone): a retry gets the
// stored request only when the user may read it (as Get), and EConflict
// ("error.idempotency_key_used") with nothing of the request otherwise.
func (s *Service) Submit(ctx context.Context, u *sotepe.User, n sotepe.NewContactRequest) (sotepe.ContactRequest, bool, error) {
	now := s.now()
	switch n.Channel {
	case sotepe.ChannelPortal, "":
		if u == nil || !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
			return sotepe.ContactRequest{}, false, forbidden()
		}
		n.Channel, n.ResidentID, n.ReceivedAt, n.Contact = sotepe.ChannelPortal, u.ResidentID, now, nil
	case sotepe.ChannelPhone:
		if !isStaff(u) {
			return sotepe.ContactRequest{}, false, forbidden()
		}
		if n.ReceivedAt.IsZero() && !n.ReceivedGiven {
			n.ReceivedAt = now
		}
		n.Contact = nil
	case sotepe.ChannelWebsite:
		n.ResidentID, n.ReceivedAt = 0, now
	default:
		// Assessment and chat hand-overs arrive through their own
		// capabilities (HandOver), not through this entry point.
		return sotepe.ContactRequest{}, false, sotepe.Invalid("error.channel", "unknown channel "+string(n.Channel))
	}
	return s.submit(ctx, u, n, now, sotepe.PromiseWorkingDays)
}

// HandOver records the hand-over of an assessment by the signed-in resident
// u as a contact request on channel "assessment", received now and routed
// like a portal request to n.ServiceID. Its deadline follows urgency: the
// close of service hours on the day of receipt for urgent (the next working
// day's when received after the close or on a day off), the two-working-day
// promise otherwise; an emergency is EInvalid ("assess.error.emergency"),
// as it belongs to 112. n.IdempotencyKey makes a repeated hand-over return
// the stored request with created false.
func (s *Service) HandOver(ctx context.Context, u sotepe.User, n sotepe.NewContactRequest, urgency sotepe.Urgency) (sotepe.ContactRequest, bool, error) {
	if !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
		return sotepe.ContactRequest{}, false, forbidden()
	}
	days, ok := urgency.HandOverWorkingDays()
	if !ok {
		return sotepe.ContactRequest{}, false, sotepe.Invalid("assess.error.emergency", "an emergency is not handed over: call 112")
	}
	now := s.now()
	n.Channel, n.ResidentID, n.ReceivedAt, n.Contact = sotepe.ChannelAssessment, u.ResidentID, now, nil
	return s.submit(ctx, &u, n, now, days)
}

// HandOverChat records professional u's hand-over of a chat as a request
// on channel "chat" (see sotepe.ContactService). Like a phone request it
// goes into one of u's own units only (EInvalid "error.phone_unit"
// otherwise) and names the professional as its recorder; its receipt is
// the chat's start, at most a day back, and the promise of two working
// days runs from it.
func (s *Service) HandOverChat(ctx context.Context, u sotepe.User, n sotepe.NewContactRequest) (sotepe.ContactRequest, bool, error) {
	if !isStaff(&u) {
		return sotepe.ContactRequest{}, false, forbidden()
	}
	n.Channel, n.Contact, n.ReceivedGiven = sotepe.ChannelChat, nil, true
	return s.submit(ctx, &u, n, s.now(), sotepe.PromiseWorkingDays)
}

// submit validates, routes and stores a request whose channel, resident and
// receipt are settled, due days working days after its receipt (see
// workday.Calendar.Deadline).
func (s *Service) submit(ctx context.Context, u *sotepe.User, n sotepe.NewContactRequest, now time.Time, days int) (sotepe.ContactRequest, bool, error) {
	if n.Lang == "" {
		n.Lang = sotepe.Finnish
		if u != nil {
			n.Lang = u.Lang
		}
	}
	if err := n.Validate(now); err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	svc, err := s.dir.Service(ctx, n.ServiceID)
	if sotepe.ErrorCode(err) == sotepe.ENotFound {
		return sotepe.ContactRequest{}, false, sotepe.Invalid("error.unknown_service", "no such service")
	} else if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	if !svc.TakesContactRequests {
		return sotepe.ContactRequest{}, false, sotepe.Invalid("error.service_no_requests", "this service takes no contact requests")
	}
	var resident sotepe.Resident
	if n.ResidentID != 0 {
		// Routing reads where the resident lives; the data is not shown
		// to anyone here, so it is not a staff read.
		if resident, err = s.store.Resident(ctx, n.ResidentID); sotepe.ErrorCode(err) == sotepe.ENotFound {
			return sotepe.ContactRequest{}, false, sotepe.Invalid("error.unknown_resident", "no such resident")
		} else if err != nil {
			return sotepe.ContactRequest{}, false, err
		}
	}
	offering, err := s.unitsOffering(ctx, svc.ID)
	if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	central := svc.CentralUnit
	recorded := n.Channel == sotepe.ChannelPhone || n.Channel == sotepe.ChannelChat
	if recorded {
		// A professional records requests into their own units only, so
		// that nobody fills another unit's queue.
		offering = slices.DeleteFunc(offering, func(x sotepe.Unit) bool { return !u.MemberOf(x.ID) })
		if !u.MemberOf(central) {
			central = ""
		}
		if n.UnitID != "" && !u.MemberOf(n.UnitID) || len(offering) == 0 && central == "" {
			return sotepe.ContactRequest{}, false, sotepe.InvalidField("unit", "error.phone_unit", "a phone request is recorded into one of one's own units")
		}
	}
	unit, err := sotepe.Route(n.UnitID, resident, offering, central)
	if err != nil && recorded && n.UnitID == "" && len(offering) > 0 {
		// None of the professional's units is the resident's own or in
		// their district: the request goes to the first of them that
		// offers the service.
		unit, err = offering[0].ID, nil
	}
	if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	due, err := s.calendar.Get().Deadline(n.ReceivedAt, days)
	if err != nil {
		return sotepe.ContactRequest{}, false, err
	}
	r := sotepe.ContactRequest{
		ResidentID: n.ResidentID, Contact: n.Contact, ServiceID: svc.ID, UnitID: unit, Channel: n.Channel,
		Status: sotepe.StatusNew, Lang: n.Lang, ReceivedAt: n.ReceivedAt, DueAt: due,
		Messages: []sotepe.Message{{Body: strings.TrimSpace(n.Body), At: n.ReceivedAt}},
	}
	if u != nil {
		r.Messages[0].AuthorID = u.ID
		if recorded {
			r.RecordedBy = u.ID
			// The words are the resident's, written down by the
			// professional, or a chat's transcript: the request waits
			// for its answer either way.
			r.Messages[0].FromStaff = false
		}
	}
	stored, created, err := s.store.CreateContactRequest(ctx, r, n.IdempotencyKey)
	if err != nil || created || stored.Channel == sotepe.ChannelWebsite {
		// Whoever holds a website form's key is nobody known: the web
		// layer shows them the receipt only.
		return stored, created, err
	}
	if u == nil || !mayRead(*u, stored) {
		return sotepe.ContactRequest{}, false, &sotepe.Error{Code: sotepe.EConflict, Key: "error.idempotency_key_used",
			Message: "the Idempotency-Key was used for another request"}
	}
	if !isStaff(u) {
		stored.Messages = slices.DeleteFunc(stored.Messages, func(m sotepe.Message) bool { return m.Internal })
	}
	return stored, false, nil
}

// mayRead reports whether u may read request r, by the rule of Get.
func mayRead(u sotepe.User, r sotepe.ContactRequest) bool {
	sc, ok := scope(u)
	switch {
	case !ok:
		return false
	case sc.ResidentID != 0:
		return r.ResidentID == sc.ResidentID
	}
	return slices.Contains(sc.Units, r.UnitID)
}

// unitsOffering lists every unit of the directory that offers service.
func (s *Service) unitsOffering(ctx context.Context, service string) ([]sotepe.Unit, error) {
	return sotepe.AllUnits(ctx, s.dir, sotepe.UnitFilter{Service: service})
}

// scope is whose requests u may see: a resident their own, staff their
// units'. Analysts and administrators see figures, not requests.
func scope(u sotepe.User) (sotepe.ContactScope, bool) {
	switch {
	case u.Has(sotepe.RoleResident) && u.ResidentID != 0:
		return sotepe.ContactScope{ResidentID: u.ResidentID}, true
	case isStaff(&u) && len(u.Units) > 0:
		return sotepe.ContactScope{Units: u.Units}, true
	}
	return sotepe.ContactScope{}, false
}

// Get returns one request the user may see, or ENotFound. Residents do not
// see internal notes. A staff read is audited by the store.
func (s *Service) Get(ctx context.Context, u sotepe.User, id int64) (sotepe.ContactRequest, error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.ContactRequest{}, notFound()
	}
	r, err := s.store.ContactRequest(ctx, id, sc)
	if err != nil {
		return r, err
	}
	if !isStaff(&u) {
		r.Messages = slices.DeleteFunc(r.Messages, func(m sotepe.Message) bool { return m.Internal })
	}
	return r, nil
}

// List returns one page of the requests the user may see: a resident's own,
// or the queue of the staff member's units (narrowed to f.Units when given,
// which must be among them).
func (s *Service) List(ctx context.Context, u sotepe.User, f sotepe.ContactFilter) (sotepe.Page[sotepe.ContactRequest], error) {
	sc, ok := scope(u)
	if !ok {
		return sotepe.Page[sotepe.ContactRequest]{}, forbidden()
	}
	f.ResidentID = sc.ResidentID
	if sc.ResidentID == 0 {
		if f.Units, ok = sotepe.NarrowUnits(f.Units, sc.Units); !ok {
			return sotepe.Page[sotepe.ContactRequest]{}, forbidden()
		}
	}
	return s.store.ContactRequests(ctx, f)
}

// Reply adds a message to a request the user may see. A resident's reply
// puts the request back in progress; a professional's answers it, or with
// Ask waits for the resident; an internal note leaves the status as it is.
func (s *Service) Reply(ctx context.Context, u sotepe.User, id int64, rep sotepe.Reply) (sotepe.Message, error) {
	body := strings.TrimSpace(rep.Body)
	if body == "" {
		return sotepe.Message{}, sotepe.Invalid("error.message_empty", "the message is empty")
	}
	if len([]rune(body)) > sotepe.MaxMessageLength {
		return sotepe.Message{}, sotepe.Invalid("error.message_long", "the message is over 5000 characters").With(map[string]any{"Max": sotepe.MaxMessageLength})
	}
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return sotepe.Message{}, err
	}
	if r.Status == sotepe.StatusClosed {
		return sotepe.Message{}, &sotepe.Error{Code: sotepe.EConflict, Key: "error.request_closed", Message: "the request is closed"}
	}
	m := sotepe.Message{AuthorID: u.ID, Body: body, At: s.now()}
	status := r.Status
	switch {
	case isStaff(&u) && rep.Internal:
		m.FromStaff, m.Internal = true, true
	case isStaff(&u) && rep.Ask:
		m.FromStaff, status = true, sotepe.StatusWaiting
	case isStaff(&u):
		m.FromStaff, status = true, sotepe.StatusAnswered
	default:
		if rep.Internal || rep.Ask {
			return sotepe.Message{}, forbidden()
		}
		status = sotepe.StatusInProgress
	}
	return s.store.AddMessage(ctx, id, m, status)
}

// Assign gives a request of the user's units to the user or a colleague of
// the same unit.
func (s *Service) Assign(ctx context.Context, u sotepe.User, id, to int64) error {
	if !isStaff(&u) {
		return forbidden()
	}
	r, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if to != u.ID {
		colleague, err := s.store.User(ctx, to)
		if err != nil || !colleague.MemberOf(r.UnitID) || !isStaff(&colleague) {
			return sotepe.Invalid("error.assignee", "assign to yourself or a colleague of the unit")
		}
	}
	return s.store.AssignContactRequest(ctx, id, to)
}

// Close closes a request of the user's units with a resolution.
func (s *Service) Close(ctx context.Context, u sotepe.User, id int64, res sotepe.Resolution) error {
	if !isStaff(&u) {
		return forbidden()
	}
	if !res.Valid() {
		return sotepe.Invalid("error.resolution", "choose a resolution")
	}
	if _, err := s.Get(ctx, u, id); err != nil {
		return err
	}
	return s.store.CloseContactRequest(ctx, id, res, s.now())
}

// SweepBreaches marks the requests whose deadline passed unanswered; the
// store queues a notification to each manager of the unit. It returns how
// many were marked.
func (s *Service) SweepBreaches(ctx context.Context) (int, error) {
	marked, err := s.store.MarkBreached(ctx, s.now())
	return len(marked), err
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not allowed"}
}

var _ sotepe.ContactService = (*Service)(nil)

// fillRound is how many answers one transaction of FillWorkingTimes fills:
// few enough that a submission waiting for SQLite's one writer waits
// milliseconds, not seconds.
const fillRound = 2000

// FillWorkingTimes stores the working time from receipt to the first answer
// (by the calendar in force) of every answered request that lacks it, in
// rounds of a short transaction each, and returns how many it filled. The
// figures of the answer promise are exact without it but read the working
// times they lack from the requests themselves, which over a year of
// requests loaded in bulk takes seconds.
func (s *Service) FillWorkingTimes(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.store.FillAnswerWorkingSeconds(ctx, fillRound, s.calendar.Get().WorkingHoursBetween)
		total += n
		if err != nil || n < fillRound || ctx.Err() != nil {
			return total, err
		}
	}
}

// FoldStats adds the logged changes of requests to the roll-up of the
// figures until the log is empty (or another process is folding), in short
// transactions, and returns how many changes it folded. It stops after 100
// rounds even if changes keep coming, so that the other sweeps get their
// turn; the next call goes on.
func (s *Service) FoldStats(ctx context.Context) (int, error) {
	return sotepe.FoldRounds(ctx, maxFoldRounds, foldRows, s.store.FoldContactStats)
}

// maxFoldRounds bounds one call of FoldStats.
const maxFoldRounds = 100

// foldRows is about how many rows of the roll-up one transaction of
// FoldStats writes: some tens of milliseconds on SQLite, whose one writer
// submissions wait for meanwhile.
const foldRows = 300

// foldEvery is how often RunSweeps folds the log of changes: often enough
// that the log stays a few thousand changes long at the busiest hour.
const foldEvery = 5 * time.Second

// RunSweeps keeps the bookkeeping of contact requests until ctx ends: every
// interval it marks breached requests and fills the working times of new
// answers, and every five seconds it folds the figures' log of changes. A
// failed step is logged and tried again at its next tick.
func (s *Service) RunSweeps(ctx context.Context, every time.Duration) {
	sweeps := time.NewTicker(every)
	defer sweeps.Stop()
	folds := time.NewTicker(min(foldEvery, every))
	defer folds.Stop()
	sweep := true
	for {
		if sweep {
			if n, err := s.SweepBreaches(ctx); err != nil {
				s.log.Warn("breach sweep failed", "err", err.Error())
			} else if n > 0 {
				s.log.Info("requests breached their deadline", "count", n)
			}
			if n, err := s.FillWorkingTimes(ctx); err != nil {
				s.log.Warn("filling answer working times failed", "err", err.Error())
			} else if n > 0 {
				s.log.Info("answer working times filled", "count", n)
			}
		}
		if _, err := s.FoldStats(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("folding the figures' log failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-sweeps.C:
			sweep = true
		case <-folds.C:
			sweep = false
		}
	}
}
