// Package feedback carries out feedback on units: who may answer on which
// channel, who may read which answers and figures, and kiosk tokens.
// Comments are screened (package screen) before staff see them.
package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"log/slog"
	"slices"
	"time"

	"sotepe"
	"sotepe/screen"
)

// Service carries out feedback. Anyone may answer on the public channels (the
// QR code, the website) and on a kiosk with its token; the portal and a
// visit need a signed-in resident, a visit being their own completed
// appointment. Residents read their own answers; unit managers read their
// units' answers with comments, always screened; managers see their units'
// figures, analysts and administrators everyone's.
type Service struct {
	store sotepe.FeedbackStore
	now   func() time.Time
	log   *slog.Logger
}

// Config is what a Service needs. Now defaults to time.Now, Logger to
// discarding.
type Config struct {
	Store  sotepe.FeedbackStore
	Now    func() time.Time
	Logger *slog.Logger
}

// New returns a Service.
func New(c Config) *Service {
	s := &Service{store: c.Store, now: c.Now, log: c.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

var _ sotepe.FeedbackService = (*Service)(nil)

func unauthorized() error {
	return &sotepe.Error{Code: sotepe.EUnauthorized, Key: "error.unauthorized", Message: "sign in first"}
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not allowed"}
}

func isResident(u *sotepe.User) bool {
	return u != nil && u.Has(sotepe.RoleResident) && u.ResidentID != 0
}

// Submit stores an answer of user (nil when not signed in) after checking
// the channel's rules and screening the comment. A visit answer with the
// token of the visit's feedback link needs no sign-in; otherwise a visit or
// portal answer without a signed-in resident is EUnauthorized (EForbidden
// for staff) and a visit without an appointment id is EInvalid
// ("error.feedback_appointment"); a kiosk answer without a token ENotFound
// ("error.feedback_kiosk"); an answer to an extra question the unit does
// not ask EInvalid ("feedback.error.extra_question"). The rest is
// sotepe.NewFeedback.Validate's and the store's.
func (s *Service) Submit(ctx context.Context, user *sotepe.User, in sotepe.FeedbackInput) (sotepe.Feedback, error) {
	now := s.now()
	n := sotepe.NewFeedback{UnitID: in.UnitID, Score: in.Score, Channel: in.Channel, Lang: in.Lang, CreatedAt: now}
	if n.Lang == "" {
		n.Lang = sotepe.Finnish
	}
	switch {
	case in.Channel == sotepe.FeedbackVisit && in.VisitToken != "":
		// The link's token stands for the resident: no sign-in needed.
		if len(in.VisitToken) > 64 {
			return sotepe.Feedback{}, &sotepe.Error{Code: sotepe.ENotFound, Key: "feedback.error.visit_link", Message: "unknown visit link"}
		}
		h := sha256.Sum256([]byte(in.VisitToken))
		n.VisitTokenHash, n.UnitID = h[:], ""
	case in.Channel == sotepe.FeedbackVisit || in.Channel == sotepe.FeedbackPortal:
		if user == nil {
			return sotepe.Feedback{}, unauthorized()
		}
		if !isResident(user) {
			return sotepe.Feedback{}, forbidden()
		}
		n.ResidentID = user.ResidentID
		if in.Channel == sotepe.FeedbackVisit {
			if in.AppointmentID <= 0 {
				return sotepe.Feedback{}, sotepe.Invalid("error.feedback_appointment", "a visit answer names its appointment")
			}
			n.AppointmentID, n.UnitID = in.AppointmentID, ""
		}
	case in.Channel == sotepe.FeedbackKioskChannel:
		if in.KioskToken == "" {
			return sotepe.Feedback{}, &sotepe.Error{Code: sotepe.ENotFound, Key: "error.feedback_kiosk", Message: "no kiosk token"}
		}
		h := sha256.Sum256([]byte(in.KioskToken))
		n.KioskTokenHash = h[:]
		if n.UnitID == "" {
			unit, err := s.store.FeedbackKioskUnit(ctx, n.KioskTokenHash)
			if err != nil {
				return sotepe.Feedback{}, err
			}
			n.UnitID = unit
		}
	}
	// The public channels stay anonymous even for a signed-in resident.
	if in.Comment != "" {
		screened, masked := screen.Text(in.Comment)
		n.Comment = screened
		if masked {
			n.Original, n.OriginalUntil = in.Comment, now.AddDate(0, 0, sotepe.FeedbackOriginalDays)
		}
	}
	if err := n.Validate(); err != nil {
		return sotepe.Feedback{}, err
	}
	extra, err := s.extraValues(ctx, n.UnitID, in.Extra)
	if err != nil {
		return sotepe.Feedback{}, err
	}
	n.Extra = extra
	return s.store.AddFeedback(ctx, n)
}

// List returns a resident's own answers, or, for a unit manager, the
// answers with comments of units (all the manager's units when units is
// empty); a unit the manager does not manage is ENotFound. Anyone else is
// EForbidden. Comments are the screened text. Staff never learn which visit
// or resident an answer came from: a manager's list carries no appointment
// and no resident.
func (s *Service) List(ctx context.Context, user sotepe.User, units []string, page sotepe.PageRequest) (sotepe.Page[sotepe.Feedback], error) {
	switch {
	case user.Has(sotepe.RoleManager):
		if len(units) == 0 {
			units = user.Units
		}
		for _, u := range units {
			if !user.MemberOf(u) {
				return sotepe.Page[sotepe.Feedback]{}, sotepe.NotFound("unit")
			}
		}
		p, err := s.store.ListFeedback(ctx, sotepe.FeedbackScope{Units: units, WithComment: true}, page)
		for i := range p.Items {
			// Feedback is anonymous to staff: the visit would name
			// the resident who answered.
			p.Items[i].AppointmentID, p.Items[i].ResidentID, p.Items[i].Original = 0, 0, ""
		}
		return p, err
	case isResident(&user):
		return s.store.ListFeedback(ctx, sotepe.FeedbackScope{ResidentID: user.ResidentID}, page)
	}
	return sotepe.Page[sotepe.Feedback]{}, forbidden()
}

// Counts returns the answer counts for the figures: a manager's own units'
// only, everyone's for analysts and administrators; anyone else is
// EForbidden.
func (s *Service) Counts(ctx context.Context, user sotepe.User, q sotepe.FeedbackCountsQuery) ([]sotepe.FeedbackCount, error) {
	switch {
	case user.Has(sotepe.RoleAnalyst) || user.Has(sotepe.RoleAdmin):
	case user.Has(sotepe.RoleManager):
		if q.Units == nil {
			q.Units = append([]string{}, user.Units...)
		} else {
			q.Units = slices.DeleteFunc(slices.Clone(q.Units), func(u string) bool { return !user.MemberOf(u) })
		}
	default:
		return nil, forbidden()
	}
	return s.store.FeedbackCounts(ctx, q)
}

// CreateKiosk issues a kiosk token for unit, which user must manage (or be
// an administrator); otherwise ENotFound. The token is returned once; only
// its SHA-256 is stored.
func (s *Service) CreateKiosk(ctx context.Context, user sotepe.User, unit string) (sotepe.FeedbackKiosk, error) {
	if !user.Has(sotepe.RoleAdmin) && !(user.Has(sotepe.RoleManager) && user.MemberOf(unit)) {
		return sotepe.FeedbackKiosk{}, sotepe.NotFound("unit")
	}
	token := rand.Text()
	h := sha256.Sum256([]byte(token))
	k, err := s.store.CreateFeedbackKiosk(ctx, unit, h[:], s.now())
	if err != nil {
		return k, err
	}
	k.Token = token
	s.log.InfoContext(ctx, "feedback kiosk created", "kiosk_id", k.ID, "unit", unit)
	return k, nil
}

// Kiosks lists a unit's live kiosk tokens for its manager (or an
// administrator); anyone else gets ENotFound, as for a unit that is not
// there.
func (s *Service) Kiosks(ctx context.Context, user sotepe.User, unit string) ([]sotepe.FeedbackKiosk, error) {
	if !user.Has(sotepe.RoleAdmin) && !(user.Has(sotepe.RoleManager) && user.MemberOf(unit)) {
		return nil, sotepe.NotFound("unit")
	}
	return s.store.FeedbackKiosks(ctx, unit)
}

// RevokeKiosk ends kiosk id of unit for its manager (or an administrator):
// the tablet's address stops taking answers at once.
func (s *Service) RevokeKiosk(ctx context.Context, user sotepe.User, unit string, id int64) error {
	if !user.Has(sotepe.RoleAdmin) && !(user.Has(sotepe.RoleManager) && user.MemberOf(unit)) {
		return sotepe.NotFound("unit")
	}
	if err := s.store.RevokeFeedbackKiosk(ctx, unit, id, s.now()); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "feedback kiosk revoked", "kiosk_id", id, "unit", unit)
	return nil
}

// KioskUnit returns the unit of a kiosk token, or ENotFound
// ("error.feedback_kiosk").
func (s *Service) KioskUnit(ctx context.Context, token string) (string, error) {
	h := sha256.Sum256([]byte(token))
	return s.store.FeedbackKioskUnit(ctx, h[:])
}

// RunSweeps forgets the unscreened comments whose keeping time has ended,
// every interval until ctx ends.
func (s *Service) RunSweeps(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.store.PurgeFeedbackOriginals(ctx, s.now()); err != nil {
			s.log.ErrorContext(ctx, "feedback purge failed", "err", err.Error())
		} else if n > 0 {
			s.log.InfoContext(ctx, "feedback originals purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
