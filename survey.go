package sotepe

import (
	"context"
	"time"
)

// The resident survey: the sector's yearly questionnaire (2,604 answered in
// October 2024). A survey's questions are data (package survey keeps the
// definitions, checked at start-up); residents are invited with single-use
// links whose tokens the store keeps only as hashes; the answers are
// anonymous (a response row names neither the invitation nor the person)
// and are read only as figures, per question, with groups under
// MinSurveyAnswers withheld.

// MinSurveyAnswers is the smallest number of answers to a question whose
// figures are shown: fewer could point to a person.
const MinSurveyAnswers = 5

// MaxSurveyInvitations is the most invitations one call creates.
const MaxSurveyInvitations = 10000

// ActionSurveyInvite is the audit action of creating survey invitations.
const ActionSurveyInvite = "survey.invite"

// SurveyInfo describes one survey definition. Demo marks content written
// for the demonstration.
type SurveyInfo struct {
	ID          string `json:"id"`
	Version     int    `json:"version"`
	Title       Names  `json:"title"`
	Description Names  `json:"description"`
	Demo        bool   `json:"demo"`
}

// SurveyInvitation is an invitation as stored, found by its token's hash:
// the answers given so far (Draft, a skipped question holding a null value)
// while the resident goes through the questions, and UsedOn (the day the
// answer was sent, Europe/Helsinki) once it is used.
type SurveyInvitation struct {
	ID       int64
	Survey   string
	Draft    []AssessmentAnswer
	Revision int
	UsedOn   string
}

// SurveyValue is one stored value of an answer: a chosen option (yes/no as
// "yes" or "no"), a number, a text, or none of them (a multiple-choice
// question answered with no option).
type SurveyValue struct {
	Question string
	Option   string
	Number   *float64
	Text     string
}

// SurveyCount is how many stored values of a survey's answers have one
// question, option and number.
type SurveyCount struct {
	Question string
	Option   string
	Number   *float64
	Count    int64
}

// SurveyTally is what the store counts of a survey: its responses, how many
// of them answered each question, and the counts of the values.
type SurveyTally struct {
	Responses   int64
	Respondents map[string]int64
	Counts      []SurveyCount
}

// SurveyStore keeps survey invitations and anonymous responses.
type SurveyStore interface {
	// CreateSurveyInvitations stores the hashes of new invitation tokens
	// of survey at at, with one audit row for the batch.
	CreateSurveyInvitations(ctx context.Context, survey string, hashes [][]byte, at time.Time) error
	// SurveyInvitation returns the invitation of a token's hash, or
	// ENotFound ("survey.error.link").
	SurveyInvitation(ctx context.Context, hash []byte) (SurveyInvitation, error)
	// SaveSurveyDraft stores the answers given so far when the invitation
	// is unused and its revision is still revision, and returns it as
	// stored; otherwise EConflict ("survey.error.used" or
	// "assess.error.not_current") and nothing changes.
	SaveSurveyDraft(ctx context.Context, hash []byte, draft []AssessmentAnswer, revision int) (SurveyInvitation, error)
	// AddSurveyResponse marks the invitation used and stores the response's
	// values, unlinked from it, in one transaction. A used invitation is
	// EConflict ("survey.error.used"), an unknown one ENotFound; nothing is
	// stored then.
	AddSurveyResponse(ctx context.Context, hash []byte, survey string, version int, lang Lang, values []SurveyValue, at time.Time) error
	// SurveyTally counts survey's responses and their values.
	SurveyTally(ctx context.Context, survey string) (SurveyTally, error)
}

// SurveyState is where an invitation stands: the survey, the answers so
// far, and the question to answer next (nil when every question has its
// answer and the response can be sent).
type SurveyState struct {
	Info     SurveyInfo
	Steps    []AssessmentStep
	Question *Question
	Number   int // the next question's number, from 1
	Total    int // the survey's questions
}

// SurveyOptionResult is one option (or scale value) of a question's
// figures: how many chose it and their share of those who answered.
type SurveyOptionResult struct {
	ID    string   `json:"id"`
	Text  Names    `json:"text"`
	Count int64    `json:"count"`
	Share *float64 `json:"share"`
}

// SurveyQuestionResult is the figures of one question: how many answered,
// the options (choice, yes/no and scale questions) and the mean (scale and
// number questions). Options' counts and shares and the mean are withheld
// (Withheld "too_few_responses") when fewer than MinSurveyAnswers answered.
type SurveyQuestionResult struct {
	Question Question             `json:"question"`
	Answered int64                `json:"answered"`
	Options  []SurveyOptionResult `json:"options,omitempty"`
	Mean     *float64             `json:"mean,omitempty"`
	Withheld string               `json:"withheld,omitempty"`
}

// SurveyResults is the figures of a survey.
type SurveyResults struct {
	Survey    SurveyInfo             `json:"survey"`
	Responses int64                  `json:"responses"`
	Questions []SurveyQuestionResult `json:"questions"`
}

// SurveyService runs surveys (package survey implements it). Residents
// answer with an invitation's token and no account; administrators create
// invitations; analysts and administrators read the figures.
type SurveyService interface {
	// Surveys lists the surveys in a stable order.
	Surveys() []SurveyInfo
	// Survey returns one survey and its questions, or ENotFound.
	Survey(id string) (SurveyInfo, []Question, error)
	// Invite creates count invitations of survey for an administrator and
	// returns their tokens, shown only this once.
	Invite(ctx context.Context, u User, survey string, count int) ([]string, error)
	// State returns where the invitation of token stands: an unknown token
	// is ENotFound ("survey.error.link"), a used one EConflict
	// ("survey.error.used").
	State(ctx context.Context, token string) (SurveyState, error)
	// Answer answers the next question (a null value skips an optional
	// one); an answer to another question is EConflict, a value the
	// question does not take EInvalid.
	Answer(ctx context.Context, token string, a AssessmentAnswer) (SurveyState, error)
	// Back forgets the last answer so that it can be changed.
	Back(ctx context.Context, token string) (SurveyState, error)
	// Send stores the answers given with the invitation as its one
	// response; a question still to answer is EConflict.
	Send(ctx context.Context, token string, lang Lang) error
	// Respond stores a whole response at once (the API): answers in any
	// order, each question at most once, every required one present.
	Respond(ctx context.Context, token string, lang Lang, answers []AssessmentAnswer) error
	// Results returns the figures of a survey for analysts and
	// administrators; anyone else is EForbidden.
	Results(ctx context.Context, u User, survey string) (SurveyResults, error)
}
