package sotepe

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// Feedback: one core question, "How likely would you recommend …", answered
// 0–10 with an optional free-text comment, about one unit, on one of five
// channels. The comment is screened before it is stored for staff: personal
// identity codes, phone numbers and e-mail addresses are masked (package
// feedback). The original text is kept only until OriginalUntil.

// FeedbackChannel is where an answer came from.
type FeedbackChannel string

// The channels of feedback.
const (
	FeedbackVisit        FeedbackChannel = "visit"   // the link after a completed visit (one answer per visit)
	FeedbackQR           FeedbackChannel = "qr"      // the QR code at a unit's door
	FeedbackKioskChannel FeedbackChannel = "kiosk"   // a tablet in a unit's waiting room
	FeedbackPortal       FeedbackChannel = "portal"  // a signed-in resident in the portal
	FeedbackWebsite      FeedbackChannel = "website" // the city website's form
)

// FeedbackChannels lists every channel.
var FeedbackChannels = []FeedbackChannel{FeedbackVisit, FeedbackQR, FeedbackKioskChannel, FeedbackPortal, FeedbackWebsite}

// Valid reports whether c is a known channel.
func (c FeedbackChannel) Valid() bool { return slices.Contains(FeedbackChannels, c) }

// Limits of an answer.
const (
	MaxFeedbackScore   = 10
	MaxFeedbackComment = 2000 // characters
	// FeedbackOriginalDays is how long the unscreened comment is kept, for
	// correcting a mistaken mask; after that only the screened text stays.
	FeedbackOriginalDays = 30
	// MinNPSResponses is the smallest group whose score is shown: fewer
	// answers could point to a person.
	MinNPSResponses = 5
)

// Feedback is one stored answer.
type Feedback struct {
	ID      int64           `json:"id"`
	UnitID  string          `json:"unit"`
	Score   int             `json:"score"`
	Comment string          `json:"comment,omitempty"` // screened
	Channel FeedbackChannel `json:"channel"`
	Lang    Lang            `json:"lang"`
	// ServiceID is the service of the visit, when the answer is about one.
	ServiceID     string `json:"service,omitempty"`
	AppointmentID int64  `json:"appointment_id,omitempty"`
	ResidentID    int64  `json:"-"`
	// Original is the unscreened comment while it is kept; never shown to
	// staff and never in the API.
	Original      string    `json:"-"`
	OriginalUntil time.Time `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// NewFeedback is an answer to store. The feedback service fills Comment
// (screened), Original and OriginalUntil; the store checks AppointmentID
// against ResidentID.
type NewFeedback struct {
	UnitID        string
	Score         int
	Comment       string
	Original      string
	OriginalUntil time.Time
	Channel       FeedbackChannel
	Lang          Lang
	AppointmentID int64
	ResidentID    int64
	// KioskTokenHash is the SHA-256 of the kiosk token an answer of the
	// kiosk channel came with; the store checks it names UnitID.
	KioskTokenHash []byte
	// VisitTokenHash is the SHA-256 of the token of a visit's feedback
	// link: the store finds the appointment by it instead of by
	// AppointmentID and ResidentID.
	VisitTokenHash []byte
	// Extra is the answers to the unit's extra questions; the store checks
	// that each question is asked at the answer's unit.
	Extra     []FeedbackExtraValue
	CreatedAt time.Time
}

// Validate checks the parts of an answer that need no look-up: a score of
// 0–10 ("error.feedback_score"), a known channel ("error.feedback_channel"),
// a known language ("error.lang"), a comment not over the limit
// ("error.feedback_comment_long") and a unit named unless the answer is
// about a visit ("error.feedback_unit"). Each is EInvalid.
func (n NewFeedback) Validate() error {
	switch {
	case n.Score < 0 || n.Score > MaxFeedbackScore:
		return InvalidField("score", "error.feedback_score", "score must be 0–10")
	case !n.Channel.Valid():
		return Invalid("error.feedback_channel", "unknown feedback channel")
	case n.Channel != FeedbackVisit && !ValidID(n.UnitID):
		return InvalidField("unit", "error.feedback_unit", "a unit is required")
	case len([]rune(n.Comment)) > MaxFeedbackComment || len([]rune(n.Original)) > MaxFeedbackComment:
		return InvalidField("comment", "error.feedback_comment_long", "comment too long").With(map[string]any{"Max": MaxFeedbackComment})
	}
	if _, ok := ParseLang(string(n.Lang)); !ok {
		return Invalid("error.lang", "language must be fi, sv or en")
	}
	return nil
}

// FeedbackScope narrows which answers a list returns: a resident's own
// (ResidentID), or those of units (Units). An empty scope returns nothing.
type FeedbackScope struct {
	ResidentID int64
	Units      []string
	// WithComment keeps only answers that have a comment.
	WithComment bool
}

// FeedbackKiosk is a kiosk token's record: the token itself is shown once
// when it is created and only its SHA-256 is kept.
type FeedbackKiosk struct {
	ID        int64     `json:"id"`
	UnitID    string    `json:"unit"`
	Token     string    `json:"token,omitempty"` // only when created
	CreatedAt time.Time `json:"created_at"`
}

// Audit actions of kiosk tokens: a manager gives a tablet its address, or
// takes it back (a tablet lost or replaced).
const (
	ActionFeedbackKiosk       = "feedback_kiosk.create"
	ActionFeedbackKioskRevoke = "feedback_kiosk.revoke"
)

// FeedbackDim is a dimension the store counts answers by.
type FeedbackDim string

// The stored dimensions of the feedback figures. Areas, concepts,
// producers and producer kinds are made of units.
const (
	FeedbackDimUnit    FeedbackDim = "unit"
	FeedbackDimService FeedbackDim = "service"
	FeedbackDimLang    FeedbackDim = "language"
	FeedbackDimChannel FeedbackDim = "channel"
)

// FeedbackCountsQuery asks the store for answer counts received from From to
// To (YYYY-MM-DD in Europe/Helsinki, both included) by key of Dim and by
// day when ByDay, by calendar month when ByMonth, else over the whole
// period. Units narrows to answers about these units; nil means all.
//
// Counts by day may be grouped in the store, so that a year of days does
// not come back unit by unit: with UnitGroups (Dim unit) the key is a group
// of units (a unit in several groups counts in each, one in none is left
// out); with AllUnits the key is "" for every unit together.
type FeedbackCountsQuery struct {
	From, To   string
	Dim        FeedbackDim
	ByDay      bool
	ByMonth    bool
	Units      []string
	UnitGroups map[string][]string
	AllUnits   bool
}

// FeedbackCount is the answers of one key on one day (Day "YYYY-MM-DD"), in
// one month (Day "YYYY-MM", ByMonth) or over the whole period (Day ""),
// split by the NPS classes.
type FeedbackCount struct {
	Key        string
	Day        string
	Promoters  int64 // 9–10
	Passives   int64 // 7–8
	Detractors int64 // 0–6
}

// FeedbackStore keeps feedback answers, kiosk tokens, the tokens of
// visits' feedback links and units' extra questions.
type FeedbackStore interface {
	FeedbackQuestionStore
	// SetFeedbackVisitToken gives the feedback link of the resident's
	// completed appointment the token whose hash is tokenHash, replacing
	// an earlier one. An appointment that is not the resident's, or not
	// completed, is ENotFound.
	SetFeedbackVisitToken(ctx context.Context, residentID, appointmentID int64, tokenHash []byte, at time.Time) error
	// FeedbackVisitUnit returns the unit of the visit of a feedback link's
	// token hash, or ENotFound ("feedback.error.visit_link"); a visit
	// answered already is EConflict ("error.feedback_used").
	FeedbackVisitUnit(ctx context.Context, tokenHash []byte) (string, error)
	// AddFeedback stores an answer at n.CreatedAt. An answer of the visit
	// channel must name a completed appointment of n.ResidentID (else
	// ENotFound), which also gives the unit and service; a second answer
	// for it is EConflict ("error.feedback_used"). An answer of the kiosk
	// channel must carry the hash of a live kiosk token of n.UnitID (else
	// ENotFound); an unknown unit is ENotFound.
	AddFeedback(ctx context.Context, n NewFeedback) (Feedback, error)
	// ListFeedback returns one page of the answers in scope, newest first.
	ListFeedback(ctx context.Context, scope FeedbackScope, page PageRequest) (Page[Feedback], error)
	// FeedbackCounts returns the counts q asks for, in no set order.
	FeedbackCounts(ctx context.Context, q FeedbackCountsQuery) ([]FeedbackCount, error)
	// CreateFeedbackKiosk stores a kiosk token's hash for unit.
	CreateFeedbackKiosk(ctx context.Context, unit string, tokenHash []byte, at time.Time) (FeedbackKiosk, error)
	// FeedbackKioskUnit returns the unit of a live kiosk token's hash, or
	// ENotFound.
	FeedbackKioskUnit(ctx context.Context, tokenHash []byte) (string, error)
	// FeedbackKiosks lists a unit's live kiosk tokens (never the tokens
	// themselves), oldest first.
	FeedbackKiosks(ctx context.Context, unit string) ([]FeedbackKiosk, error)
	// RevokeFeedbackKiosk ends kiosk id of unit at at, with its audit row;
	// a kiosk not live at that unit is ENotFound.
	RevokeFeedbackKiosk(ctx context.Context, unit string, id int64, at time.Time) error
	// PurgeFeedbackOriginals forgets the original comments kept until
	// before now and returns how many.
	PurgeFeedbackOriginals(ctx context.Context, now time.Time) (int, error)
}

// FeedbackInput is an answer as a person sends it; the service decides the
// channel's rules.
type FeedbackInput struct {
	UnitID        string
	Score         int
	Comment       string
	Channel       FeedbackChannel
	Lang          Lang
	AppointmentID int64
	KioskToken    string
	// VisitToken is the token of the feedback link sent after a completed
	// visit: with it a resident answers about the visit without signing in.
	VisitToken string
	// Extra is the answers to the unit's extra questions.
	Extra []FeedbackExtraAnswer
}

// FeedbackQuestionResult is the figures of one extra question.
type FeedbackQuestionResult struct {
	ID      int64 `json:"id"`
	Retired bool  `json:"retired"`
	SurveyQuestionResult
}

// FeedbackService carries out feedback: who may answer on which channel and
// who may read what.
type FeedbackService interface {
	// Submit stores an answer of user (nil when not signed in).
	Submit(ctx context.Context, user *User, in FeedbackInput) (Feedback, error)
	// List returns a resident's own answers, or a manager's units' answers
	// with comments (screened).
	List(ctx context.Context, user User, units []string, page PageRequest) (Page[Feedback], error)
	// Counts returns the counts for the figures within what user may see.
	Counts(ctx context.Context, user User, q FeedbackCountsQuery) ([]FeedbackCount, error)
	// CreateKiosk issues a kiosk token for a unit user manages.
	CreateKiosk(ctx context.Context, user User, unit string) (FeedbackKiosk, error)
	// Kiosks lists a unit's live kiosk tokens for its manager.
	Kiosks(ctx context.Context, user User, unit string) ([]FeedbackKiosk, error)
	// RevokeKiosk ends a kiosk token of a unit user manages.
	RevokeKiosk(ctx context.Context, user User, unit string, id int64) error
	// KioskUnit returns the unit of a kiosk token, or ENotFound.
	KioskUnit(ctx context.Context, token string) (string, error)
	// VisitUnit returns the unit of the visit of a feedback link's token,
	// or ENotFound; a visit answered already is EConflict.
	VisitUnit(ctx context.Context, token string) (string, error)
	// Questions returns the extra questions unit asks, for its forms.
	Questions(ctx context.Context, unit string) ([]FeedbackQuestion, error)
	// AddQuestion adds an extra question to a unit user manages.
	AddQuestion(ctx context.Context, user User, unit string, q NewFeedbackQuestion) (FeedbackQuestion, error)
	// RetireQuestion stops asking an extra question of a unit user manages.
	RetireQuestion(ctx context.Context, user User, unit string, id int64) error
	// QuestionResults returns the figures of a unit's extra questions,
	// retired ones too, for its manager, analysts and administrators.
	QuestionResults(ctx context.Context, user User, unit string) ([]FeedbackQuestionResult, error)
}

// NPSFigures are the figures of one group. NPS is the share of promoters
// (9–10) less the share of detractors (0–6), in percentage points
// (−100…+100). It and its interval are nil, with Withheld set, when the group
// has fewer than MinNPSResponses answers.
//
// The interval is a 95 % normal-approximation confidence interval of the
// NPS seen as a difference of two proportions of one multinomial sample:
// with p = promoters/n and d = detractors/n, Var(p − d) = (p + d − (p − d)²)/n,
// and the interval is (p − d) ± 1.96·√Var, in points, clipped to −100…+100.
type NPSFigures struct {
	Responses  int64    `json:"responses"`
	Promoters  int64    `json:"promoters"`
	Passives   int64    `json:"passives"`
	Detractors int64    `json:"detractors"`
	NPS        *float64 `json:"nps"`
	CILow      *float64 `json:"ci_low"`
	CIHigh     *float64 `json:"ci_high"`
	// Withheld is "too_few_responses" when the group is too small to show.
	Withheld string `json:"withheld,omitempty"`
}

// Add counts c in f (the score is computed by Finish).
func (f *NPSFigures) Add(c FeedbackCount) {
	f.Promoters += c.Promoters
	f.Passives += c.Passives
	f.Detractors += c.Detractors
	f.Responses += c.Promoters + c.Passives + c.Detractors
}

// Finish computes the score and its interval from the counts, or withholds
// them for a small group.
func (f *NPSFigures) Finish() {
	f.NPS, f.CILow, f.CIHigh, f.Withheld = nil, nil, nil, ""
	if f.Responses < MinNPSResponses {
		f.Withheld = "too_few_responses"
		return
	}
	n := float64(f.Responses)
	p, d := float64(f.Promoters)/n, float64(f.Detractors)/n
	nps := p - d
	half := 1.96 * math.Sqrt(max(p+d-nps*nps, 0)/n)
	round := func(v float64) *float64 { r := math.Round(v*1000) / 10; return &r }
	f.NPS = round(nps)
	f.CILow = round(max(nps-half, -1))
	f.CIHigh = round(min(nps+half, 1))
}

// ScoreClass returns the NPS class of a score: "promoter" (9–10), "passive"
// (7–8) or "detractor" (0–6).
func ScoreClass(score int) string {
	switch {
	case score >= 9:
		return "promoter"
	case score >= 7:
		return "passive"
	}
	return "detractor"
}

// NPSCell is the figures of one group in one period ("" when the figures
// are over the whole selection).
type NPSCell struct {
	Group  string `json:"-"`
	Period string `json:"-"`
	NPSFigures
}

// NPSSummary is the figures of a selection: by group and period, by period
// over every group, and in total.
type NPSSummary struct {
	Items   []NPSCell
	Periods []NPSCell
	Totals  NPSFigures
}

// SummarizeFeedback adds counts up into the figures. period maps a count's
// day to its period (nil, or a count without a day: one period ""); groups
// maps a count's key to the groups it falls in, which may be several (a
// unit in two service concepts) or none. Totals and periods count each
// answer once whatever its groups. Items are ordered by group and period,
// periods in order.
func SummarizeFeedback(counts []FeedbackCount, period func(day string) string, groups func(key string) []string) NPSSummary {
	type cell struct{ group, period string }
	items := map[cell]*NPSFigures{}
	periods := map[string]*NPSFigures{}
	var out NPSSummary
	for _, c := range counts {
		p := ""
		if period != nil && c.Day != "" {
			p = period(c.Day)
		}
		for _, g := range groups(c.Key) {
			f := items[cell{g, p}]
			if f == nil {
				f = &NPSFigures{}
				items[cell{g, p}] = f
			}
			f.Add(c)
		}
		f := periods[p]
		if f == nil {
			f = &NPSFigures{}
			periods[p] = f
		}
		f.Add(c)
		out.Totals.Add(c)
	}
	for k, f := range items {
		f.Finish()
		out.Items = append(out.Items, NPSCell{Group: k.group, Period: k.period, NPSFigures: *f})
	}
	for p, f := range periods {
		f.Finish()
		out.Periods = append(out.Periods, NPSCell{Period: p, NPSFigures: *f})
	}
	out.Totals.Finish()
	slices.SortFunc(out.Items, func(a, b NPSCell) int {
		if a.Group != b.Group {
			return strings.Compare(a.Group, b.Group)
		}
		return strings.Compare(a.Period, b.Period)
	})
	slices.SortFunc(out.Periods, func(a, b NPSCell) int { return strings.Compare(a.Period, b.Period) })
	return out
}
