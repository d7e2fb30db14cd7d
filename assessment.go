package sotepe

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Assessments guide a resident to the right service: a symptom or
// service-need questionnaire (its definition is data, kept by package
// assess) ends in an outcome, an urgency and a recommended service. Anyone
// may run one without signing in; a signed-in resident may hand the result
// over to the recommended service as a contact request on channel
// "assessment", whose professional grades the urgency again when answering.

// Urgency is how soon an assessment's outcome says the resident needs help.
type Urgency string

// The urgencies of an assessment's outcome, most urgent first.
const (
	UrgencyEmergency Urgency = "emergency"  // call 112 now
	UrgencyUrgent    Urgency = "urgent"     // the same working day
	UrgencyNonUrgent Urgency = "non_urgent" // within days
	UrgencySelfCare  Urgency = "self_care"  // care for oneself, with instructions
)

// Urgencies lists every urgency, most urgent first.
var Urgencies = []Urgency{UrgencyEmergency, UrgencyUrgent, UrgencyNonUrgent, UrgencySelfCare}

// Valid reports whether u is a known urgency.
func (u Urgency) Valid() bool { return slices.Contains(Urgencies, u) }

// HandOverWorkingDays returns the n that workday.Calendar.Deadline takes for
// a hand-over of urgency u: 0 for urgent (the close of service hours on the
// day of receipt, or of the next working day when received after the close)
// and the two-working-day promise for non-urgent and self-care outcomes. An
// emergency is never handed over (the resident calls 112), so it reports
// false, as does an unknown urgency.
func (u Urgency) HandOverWorkingDays() (int, bool) {
	switch u {
	case UrgencyUrgent:
		return 0, true
	case UrgencyNonUrgent, UrgencySelfCare:
		return PromiseWorkingDays, true
	}
	return 0, false
}

// Audit actions of assessments: a resident hands a result over, a
// professional grades its urgency.
const (
	ActionAssessmentHandOver = "assessment.handover"
	ActionAssessmentGrade    = "assessment.grade"
)

// QuestionKind is the kind of answer a question takes.
type QuestionKind string

// The kinds of question and the JSON value each answer holds.
const (
	KindSingleChoice QuestionKind = "single_choice" // an option id
	KindMultiChoice  QuestionKind = "multi_choice"  // a list of option ids, possibly empty
	KindNumber       QuestionKind = "number"        // a number between the question's Min and Max
	KindYesNo        QuestionKind = "yes_no"        // true or false
	KindText         QuestionKind = "text"          // a short text; it never changes the route
	KindScale        QuestionKind = "scale"         // a whole number between Min and Max chosen on a row of buttons (surveys)
)

// QuestionKinds lists every kind of question. Each questionnaire says
// which it takes: assessments take all but KindScale.
var QuestionKinds = []QuestionKind{KindSingleChoice, KindMultiChoice, KindNumber, KindYesNo, KindText, KindScale}

// Valid reports whether k is a known kind.
func (k QuestionKind) Valid() bool { return slices.Contains(QuestionKinds, k) }

// Limits of assessment answers.
const (
	MaxAssessmentText    = 500 // characters in a short-text answer
	MaxAssessmentAnswers = 100 // answers in one session
)

// AssessmentInfo describes one assessment definition. Demo marks content
// that clinicians have not reviewed: the pages say so.
type AssessmentInfo struct {
	ID          string `json:"id"`
	Version     int    `json:"version"`
	Title       Names  `json:"title"`
	Description Names  `json:"description"`
	Demo        bool   `json:"demo"`
}

// QuestionOption is one choice of a single- or multiple-choice question.
type QuestionOption struct {
	ID   string `json:"id"`
	Text Names  `json:"text"`
}

// Question is one question of a questionnaire (an assessment, a
// survey, a unit's extra feedback question) as a person sees it. Min, Max
// and Unit are for number and scale questions; Low and High name the ends
// of a scale. Optional questions (surveys) may be skipped.
type Question struct {
	ID       string           `json:"id"`
	Kind     QuestionKind     `json:"kind"`
	Text     Names            `json:"text"`
	Help     Names            `json:"help"`
	Options  []QuestionOption `json:"options,omitempty"`
	Min      float64          `json:"min,omitempty"`
	Max      float64          `json:"max,omitempty"`
	Unit     Names            `json:"unit"`
	Low      Names            `json:"low,omitzero"`
	High     Names            `json:"high,omitzero"`
	Optional bool             `json:"optional,omitempty"`
}

// ScaleValues lists the whole numbers of a scale question from Min to Max
// (nil for other kinds), for its row of buttons.
func (q Question) ScaleValues() []int {
	if q.Kind != KindScale {
		return nil
	}
	var out []int
	for v := int(q.Min); v <= int(q.Max); v++ {
		out = append(out, v)
	}
	return out
}

// Option returns the option with id and whether the question has it.
func (q Question) Option(id string) (QuestionOption, bool) {
	for _, o := range q.Options {
		if o.ID == id {
			return o, true
		}
	}
	return QuestionOption{}, false
}

// AssessmentOutcome is where an assessment ends: an urgency, the service it
// recommends and a text that explains what to do.
type AssessmentOutcome struct {
	ID        string  `json:"id"`
	Urgency   Urgency `json:"urgency"`
	ServiceID string  `json:"service"`
	Text      Names   `json:"text"`
}

// AssessmentAnswer is one answer: the question's id and its value as JSON
// (an option id, a list of option ids, a number, true or false, or a text).
type AssessmentAnswer struct {
	Question string          `json:"question"`
	Value    json.RawMessage `json:"value"`
}

// AssessmentSession is one run of an assessment. Its ID is a secret,
// unguessable string: whoever holds it may continue an anonymous session,
// and the store keeps only its hash. Once a resident owns the session
// (they started it signed in, or handed it over), nobody else may see it.
// Revision counts the changes, so that two concurrent answers cannot both
// be stored.
type AssessmentSession struct {
	ID          string
	Definition  string
	Version     int
	ResidentID  int64 // the owner; 0 while anonymous
	Lang        Lang
	Answers     []AssessmentAnswer
	Revision    int
	Outcome     string  // the outcome's id, "" until the assessment ends
	Urgency     Urgency // the outcome's urgency
	ServiceID   string  // the recommended service
	StartedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt time.Time // zero until the outcome is reached
	// ContactRequestID is the contact request of the hand-over, 0 before it.
	ContactRequestID int64
	HandedOverAt     time.Time
	// StaffUrgency is the professional's own grading, "" until given.
	StaffUrgency Urgency
	GradedBy     int64
	GradedAt     time.Time
}

// Finished reports whether the session has reached its outcome.
func (s AssessmentSession) Finished() bool { return s.Outcome != "" }

// AssessmentStep is one answered question of a session, for its summary.
type AssessmentStep struct {
	Question Question         `json:"question"`
	Answer   AssessmentAnswer `json:"answer"`
}

// AssessmentState is a session as the engine reads it: the definition it
// runs, the questions answered so far, and either the question to answer
// next or the outcome.
type AssessmentState struct {
	Session  AssessmentSession
	Info     AssessmentInfo
	Steps    []AssessmentStep
	Question *Question
	Outcome  *AssessmentOutcome
}

// AssessmentCount is an aggregate of assessments for managers and analysts:
// how many sessions of one definition started on one day (Europe/Helsinki)
// ended in one urgency ("" for those not finished), how many of them were
// handed over, how many of those a professional graded, and in how many the
// grading agreed with the tool. It holds no personal data.
type AssessmentCount struct {
	Day        string  `json:"day"`
	Definition string  `json:"definition"`
	Urgency    Urgency `json:"urgency"`
	Started    int64   `json:"started"`
	HandedOver int64   `json:"handed_over"`
	Graded     int64   `json:"graded"`
	Agreed     int64   `json:"agreed"`
}

// AssessmentStore keeps assessment sessions. Sessions are found by their
// secret id; the store keeps only its hash.
type AssessmentStore interface {
	// CreateAssessmentSession stores a new session with revision 0. An id
	// already stored is EConflict.
	CreateAssessmentSession(ctx context.Context, s AssessmentSession) error
	// AssessmentSession returns the session with id, or ENotFound.
	AssessmentSession(ctx context.Context, id string) (AssessmentSession, error)
	// UpdateAssessmentSession stores s's answers, outcome, urgency, service,
	// completion time and owner when the stored revision is still
	// s.Revision and the session has not been handed over, and bumps the
	// revision; otherwise it is EConflict and nothing changes. It returns
	// the session as stored.
	UpdateAssessmentSession(ctx context.Context, s AssessmentSession) (AssessmentSession, error)
	// HandOverAssessment records that the finished session id was handed
	// over by the resident as contact request requestID at at, making the
	// resident its owner, and writes the audit row in the same transaction.
	// A session owned by someone else is ENotFound; one already handed over
	// as another request is EConflict; the same hand-over again does
	// nothing.
	HandOverAssessment(ctx context.Context, id string, residentID, requestID int64, at time.Time) error
	// AssessmentForContactRequest returns the session handed over as
	// contact request requestID, or ENotFound.
	AssessmentForContactRequest(ctx context.Context, requestID int64) (AssessmentSession, error)
	// GradeAssessment records a professional's own urgency for the session
	// handed over as contact request requestID, with its audit row. A
	// later grading replaces an earlier one. No such session is ENotFound.
	GradeAssessment(ctx context.Context, requestID int64, urgency Urgency, by int64, at time.Time) error
	// AssessmentCounts returns the aggregates of the sessions started from
	// from to to (YYYY-MM-DD in Europe/Helsinki, both included), by day,
	// definition and urgency, ordered by those.
	AssessmentCounts(ctx context.Context, from, to string) ([]AssessmentCount, error)
}

// AssessmentService runs assessments for the people using them (package
// assess implements it). u is nil for someone not signed in. A session that
// belongs to another resident is ENotFound, the same as a missing one.
type AssessmentService interface {
	// Definitions lists the assessments in a stable order.
	Definitions() []AssessmentInfo
	// Definition returns one assessment and its questions, or ENotFound.
	Definition(id string) (AssessmentInfo, []Question, error)
	// Start begins a session of definition; a signed-in resident owns it
	// from the start.
	Start(ctx context.Context, u *User, definition string, lang Lang) (AssessmentState, error)
	// State returns a session with its next question or outcome.
	State(ctx context.Context, u *User, id string) (AssessmentState, error)
	// Answer answers the current question: an answer to any other question
	// is EConflict, a value the question does not take EInvalid. Nothing is
	// stored when it fails.
	Answer(ctx context.Context, u *User, id string, a AssessmentAnswer) (AssessmentState, error)
	// Back takes the session back to question (one answered already), or
	// one question back when question is "", forgetting the answers from
	// there on, so that they can be changed.
	Back(ctx context.Context, u *User, id, question string) (AssessmentState, error)
	// HandOver sends a finished session to the recommended service as a
	// contact request of the signed-in resident and returns it; doing it
	// again returns the same request. unit is the unit of the service the
	// resident chose, "" to route as usual (see Route). An emergency is
	// EInvalid: it is for 112, not a queue.
	HandOver(ctx context.Context, u User, id, unit string) (AssessmentState, ContactRequest, error)
	// ForContactRequest returns the session handed over as a contact
	// request the user may see (ContactService.Get decides), or ENotFound.
	ForContactRequest(ctx context.Context, u User, requestID int64) (AssessmentState, error)
	// Grade records the professional's own urgency for the hand-over of a
	// request of their units.
	Grade(ctx context.Context, u User, requestID int64, urgency Urgency) error
	// Counts returns the aggregates from–to for managers, analysts and
	// administrators; anyone else is EForbidden.
	Counts(ctx context.Context, u User, from, to string) ([]AssessmentCount, error)
}

// AssessmentFigures are the figures of one period and definition ("" for
// all definitions together): sessions started, finished, and finished by
// urgency; how many were handed over and their share of the finished; how
// many a professional graded and the share of those whose grading agreed
// with the tool (the agreement rate). Shares are null when their base is 0.
type AssessmentFigures struct {
	Period        string            `json:"period"`
	Definition    string            `json:"definition"`
	Started       int64             `json:"started"`
	Finished      int64             `json:"finished"`
	ByUrgency     map[Urgency]int64 `json:"by_outcome"`
	HandedOver    int64             `json:"handed_over"`
	HandOverShare *float64          `json:"handover_share"`
	Graded        int64             `json:"graded"`
	Agreed        int64             `json:"agreed"`
	AgreementRate *float64          `json:"agreement_rate"`
}

// SummarizeAssessments adds day counts up into figures per period of
// interval and definition, in the order of period and definition, followed
// by the total of each period over all definitions (Definition "") and
// the total of everything (Period and Definition ""), which is last.
func SummarizeAssessments(counts []AssessmentCount, interval StatsInterval) []AssessmentFigures {
	type key struct{ period, definition string }
	figs := map[key]*AssessmentFigures{}
	var keys []key
	get := func(k key) *AssessmentFigures {
		f := figs[k]
		if f == nil {
			f = &AssessmentFigures{Period: k.period, Definition: k.definition, ByUrgency: map[Urgency]int64{}}
			for _, u := range Urgencies {
				f.ByUrgency[u] = 0
			}
			figs[k] = f
			keys = append(keys, k)
		}
		return f
	}
	for _, c := range counts {
		period := c.Day
		if day, err := time.Parse(time.DateOnly, c.Day); err == nil {
			period = interval.Period(day)
		}
		for _, k := range []key{{period, c.Definition}, {period, ""}, {"", ""}} {
			f := get(k)
			f.Started += c.Started
			if c.Urgency != "" {
				f.Finished += c.Started
				f.ByUrgency[c.Urgency] += c.Started
			}
			f.HandedOver += c.HandedOver
			f.Graded += c.Graded
			f.Agreed += c.Agreed
		}
	}
	get(key{"", ""}) // the total exists even without sessions
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.period == "" && b.period != "":
			return 1
		case b.period == "" && a.period != "":
			return -1
		case a.period != b.period:
			return strings.Compare(a.period, b.period)
		case a.definition == "" && b.definition != "":
			return 1
		case b.definition == "" && a.definition != "":
			return -1
		}
		return strings.Compare(a.definition, b.definition)
	})
	out := make([]AssessmentFigures, len(keys))
	for i, k := range keys {
		f := figs[k]
		f.HandOverShare = assessmentShare(f.HandedOver, f.Finished)
		f.AgreementRate = assessmentShare(f.Agreed, f.Graded)
		out[i] = *f
	}
	return out
}

// assessmentShare is part ÷ whole, nil when whole is 0.
func assessmentShare(part, whole int64) *float64 {
	if whole == 0 {
		return nil
	}
	v := float64(part) / float64(whole)
	return &v
}

// answerLabels is a read-only table of the words AnswerText uses.
var answerLabels = struct{ No, Yes, Empty Names }{
	No:    Names{Fi: "Ei", Sv: "Nej", En: "No"},
	Yes:   Names{Fi: "Kyllä", Sv: "Ja", En: "Yes"},
	Empty: Names{Fi: "(ei vastausta)", Sv: "(inget svar)", En: "(no answer)"},
}

// AnswerText writes answer a to q as a person reads it in lang: the
// options' texts, yes or no, the number with its unit (with a decimal
// comma in Finnish and Swedish), or the text; "(no answer)" for an empty
// one.
func (q Question) AnswerText(a AssessmentAnswer, lang Lang) string {
	switch q.Kind {
	case KindSingleChoice:
		var id string
		_ = json.Unmarshal(a.Value, &id)
		if o, ok := q.Option(id); ok {
			return o.Text.In(lang)
		}
	case KindMultiChoice:
		var ids []string
		_ = json.Unmarshal(a.Value, &ids)
		var texts []string
		for _, id := range ids {
			if o, ok := q.Option(id); ok {
				texts = append(texts, o.Text.In(lang))
			}
		}
		if len(texts) > 0 {
			return strings.Join(texts, ", ")
		}
	case KindYesNo:
		var yes bool
		if json.Unmarshal(a.Value, &yes) == nil {
			if yes {
				return answerLabels.Yes.In(lang)
			}
			return answerLabels.No.In(lang)
		}
	case KindNumber, KindScale:
		var n float64
		if json.Unmarshal(a.Value, &n) == nil {
			num := strconv.FormatFloat(n, 'f', -1, 64)
			if lang != English {
				num = strings.Replace(num, ".", ",", 1)
			}
			return strings.TrimSpace(num + " " + q.Unit.In(lang))
		}
	case KindText:
		var t string
		if json.Unmarshal(a.Value, &t) == nil && t != "" {
			return t
		}
	}
	return answerLabels.Empty.In(lang)
}
