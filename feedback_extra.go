package sotepe

import (
	"context"
	"encoding/json"
	"time"
)

// Extra feedback questions: a unit's manager may add up to
// MaxFeedbackQuestions optional questions (a scale or a single choice, with
// texts in fi, sv and en) to the unit's feedback form. They are the
// questionnaire core's questions (package questionnaire), stored as their
// JSON definition; the answers are stored with the feedback answer and
// shown to the manager as figures, withheld under MinSurveyAnswers answers
// like the survey's.

// MaxFeedbackQuestions is the most extra questions a unit asks at a time.
const MaxFeedbackQuestions = 3

// Audit actions of extra questions: a manager adds one, or retires it.
const (
	ActionFeedbackQuestionAdd    = "feedback_question.add"
	ActionFeedbackQuestionRetire = "feedback_question.retire"
)

// FeedbackQuestionRecord is an extra question as stored: Definition is the
// questionnaire core's question as JSON. RetiredAt is zero while the
// question is asked.
type FeedbackQuestionRecord struct {
	ID         int64
	UnitID     string
	Definition json.RawMessage
	CreatedAt  time.Time
	RetiredAt  time.Time
}

// FeedbackQuestion is an extra question as people see it. Its Question.ID
// is "q" followed by ID.
type FeedbackQuestion struct {
	ID        int64     `json:"id"`
	UnitID    string    `json:"unit"`
	Question  Question  `json:"question"`
	Retired   bool      `json:"retired"`
	CreatedAt time.Time `json:"created_at"`
}

// FeedbackExtraAnswer is an answer to an extra question as a person sends
// it: the question's id and the value as JSON (an option id or a scale's
// number; null or absent skips it).
type FeedbackExtraAnswer struct {
	QuestionID int64           `json:"question"`
	Value      json.RawMessage `json:"value"`
}

// FeedbackExtraValue is an answer to an extra question as stored: the
// chosen option, or the number of a scale.
type FeedbackExtraValue struct {
	QuestionID int64
	Option     string
	Number     *float64
}

// FeedbackExtraCount is how many answers of an extra question have one
// option and number.
type FeedbackExtraCount struct {
	QuestionID int64
	Option     string
	Number     *float64
	Count      int64
}

// FeedbackQuestionStore keeps units' extra questions and counts their
// answers. The answers themselves are stored by AddFeedback, from
// NewFeedback.Extra.
type FeedbackQuestionStore interface {
	// AddFeedbackQuestion stores an extra question of unit with its audit
	// row; a unit that asks MaxFeedbackQuestions already is EConflict
	// ("feedback.error.questions_full").
	AddFeedbackQuestion(ctx context.Context, unit string, definition json.RawMessage, at time.Time) (FeedbackQuestionRecord, error)
	// FeedbackQuestions lists extra questions in the order they were
	// added: unit's when unit is not "", those of ids when ids is not nil,
	// only those still asked when live.
	FeedbackQuestions(ctx context.Context, unit string, ids []int64, live bool) ([]FeedbackQuestionRecord, error)
	// RetireFeedbackQuestion stops asking question id of unit, with its
	// audit row; one not asked at that unit is ENotFound.
	RetireFeedbackQuestion(ctx context.Context, unit string, id int64, at time.Time) error
	// FeedbackExtraCounts counts the answers of questions ids by option and
	// number.
	FeedbackExtraCounts(ctx context.Context, ids []int64) ([]FeedbackExtraCount, error)
}

// NewFeedbackQuestion is an extra question as a manager writes it: a scale
// (1–5, with the ends named by Low and High when given) or a single choice
// with two to six options, every text in fi, sv and en.
type NewFeedbackQuestion struct {
	Kind    QuestionKind `json:"kind"`
	Text    Names        `json:"text"`
	Low     Names        `json:"low"`
	High    Names        `json:"high"`
	Options []Names      `json:"options"`
}
