package assess

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sotepe"
	"sotepe/questionnaire"
)

// Contacts is what the Service needs of the contact service: handing a
// result over as a contact request, and reading a request the user may see.
// contact.Service implements it.
type Contacts interface {
	HandOver(ctx context.Context, u sotepe.User, n sotepe.NewContactRequest, urgency sotepe.Urgency) (sotepe.ContactRequest, bool, error)
	Get(ctx context.Context, u sotepe.User, id int64) (sotepe.ContactRequest, error)
}

// Config is what a Service needs. Now defaults to time.Now.
type Config struct {
	Definitions *Set
	Store       sotepe.AssessmentStore
	Contacts    Contacts
	Now         func() time.Time
}

// Service runs assessments: it implements sotepe.AssessmentService over a
// Set of definitions, the store's sessions and the contact service.
type Service struct {
	defs     *Set
	store    sotepe.AssessmentStore
	contacts Contacts
	now      func() time.Time
}

var _ sotepe.AssessmentService = (*Service)(nil)

// New returns a Service.
func New(c Config) *Service {
	s := &Service{defs: c.Definitions, store: c.Store, contacts: c.Contacts, now: c.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func sessionNotFound() error { return sotepe.NotFound("assessment session") }

func conflict(key, message string) error {
	return &sotepe.Error{Code: sotepe.EConflict, Key: key, Message: message}
}

func forbidden() error {
	return &sotepe.Error{Code: sotepe.EForbidden, Key: "error.forbidden", Message: "not allowed"}
}

// Definitions lists the assessments in the order of their ids.
func (s *Service) Definitions() []sotepe.AssessmentInfo {
	var out []sotepe.AssessmentInfo
	for _, d := range s.defs.Definitions() {
		out = append(out, d.AssessmentInfo)
	}
	return out
}

// Definition returns one assessment and its questions in the order of the
// definition, or ENotFound.
func (s *Service) Definition(id string) (sotepe.AssessmentInfo, []sotepe.Question, error) {
	d := s.defs.Definition(id)
	if d == nil {
		return sotepe.AssessmentInfo{}, nil, sotepe.NotFound("assessment")
	}
	return d.AssessmentInfo, questionnaire.PublicQuestions(d.Questions), nil
}

// Start begins a session of the definition with a fresh secret id; a
// signed-in resident owns it from the start. An unknown definition is
// ENotFound.
func (s *Service) Start(ctx context.Context, u *sotepe.User, definition string, lang sotepe.Lang) (sotepe.AssessmentState, error) {
	d := s.defs.Definition(definition)
	if d == nil {
		return sotepe.AssessmentState{}, sotepe.NotFound("assessment")
	}
	if _, ok := sotepe.ParseLang(string(lang)); !ok {
		lang = sotepe.Finnish
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	sess := sotepe.AssessmentSession{
		ID: rand.Text(), Definition: d.ID, Version: d.Version, Lang: lang, Answers: []sotepe.AssessmentAnswer{},
		StartedAt: now, UpdatedAt: now,
	}
	if u != nil && u.Has(sotepe.RoleResident) {
		sess.ResidentID = u.ResidentID
	}
	if err := s.store.CreateAssessmentSession(ctx, sess); err != nil {
		return sotepe.AssessmentState{}, err
	}
	return s.state(d, sess)
}

// visible reports whether u may see sess: anyone holding the id of an
// anonymous session, only its owner once a resident owns it.
func visible(u *sotepe.User, sess sotepe.AssessmentSession) bool {
	if sess.ResidentID == 0 {
		return true
	}
	return u != nil && u.Has(sotepe.RoleResident) && u.ResidentID == sess.ResidentID
}

// load reads a session u may see and the definition it runs. A session of
// a definition that has since changed is EConflict: its answers may not
// fit any more.
func (s *Service) load(ctx context.Context, u *sotepe.User, id string) (*Definition, sotepe.AssessmentSession, error) {
	if id == "" || len(id) > 64 {
		return nil, sotepe.AssessmentSession{}, sessionNotFound()
	}
	sess, err := s.store.AssessmentSession(ctx, id)
	if err != nil {
		return nil, sess, err
	}
	if !visible(u, sess) {
		return nil, sotepe.AssessmentSession{}, sessionNotFound()
	}
	d := s.defs.Definition(sess.Definition)
	if d == nil || d.Version != sess.Version {
		return nil, sess, conflict("assess.error.version", "the assessment has changed since the session started")
	}
	return d, sess, nil
}

// state replays sess on d.
func (s *Service) state(d *Definition, sess sotepe.AssessmentSession) (sotepe.AssessmentState, error) {
	r, err := d.Run(sess.Answers)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	return stateOf(d, sess, r), nil
}

func stateOf(d *Definition, sess sotepe.AssessmentSession, r *Run) sotepe.AssessmentState {
	st := sotepe.AssessmentState{Session: sess, Info: d.AssessmentInfo, Steps: make([]sotepe.AssessmentStep, len(r.Steps))}
	for i, step := range r.Steps {
		st.Steps[i] = sotepe.AssessmentStep{Question: step.Question.Public(), Answer: step.Answer}
	}
	if r.Next != nil {
		q := r.Next.Public()
		st.Question = &q
	}
	if r.Outcome != nil {
		o := *r.Outcome
		st.Outcome = &o
	}
	return st
}

// State returns a session u may see with its next question or outcome.
func (s *Service) State(ctx context.Context, u *sotepe.User, id string) (sotepe.AssessmentState, error) {
	d, sess, err := s.load(ctx, u, id)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	return s.state(d, sess)
}

// Answer answers the current question of a session u may see and stores
// the new answers with the outcome they reach, if any, in one update: an
// answer to another question is EConflict, a value the question does not
// take EInvalid, a session handed over already EConflict. When two answers
// race, one is stored and the other is EConflict.
func (s *Service) Answer(ctx context.Context, u *sotepe.User, id string, a sotepe.AssessmentAnswer) (sotepe.AssessmentState, error) {
	d, sess, err := s.load(ctx, u, id)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	if sess.ContactRequestID != 0 {
		return sotepe.AssessmentState{}, conflict("assess.error.handed_over", "the session was handed over")
	}
	r, err := d.Answer(sess.Answers, a)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	return s.save(ctx, d, sess, r)
}

// Back takes a session u may see back to question, or one question back
// when question is "", forgetting the answers from there on. A question
// not answered in the session is EConflict.
func (s *Service) Back(ctx context.Context, u *sotepe.User, id, question string) (sotepe.AssessmentState, error) {
	d, sess, err := s.load(ctx, u, id)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	if sess.ContactRequestID != 0 {
		return sotepe.AssessmentState{}, conflict("assess.error.handed_over", "the session was handed over")
	}
	keep := -1
	if question == "" {
		keep = len(sess.Answers) - 1
	}
	for i, a := range sess.Answers {
		if a.Question == question {
			keep = i
		}
	}
	if keep < 0 {
		return sotepe.AssessmentState{}, notCurrent()
	}
	r, err := d.Run(sess.Answers[:keep])
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	return s.save(ctx, d, sess, r)
}

// save stores the answers of r in sess, with the outcome they reach.
func (s *Service) save(ctx context.Context, d *Definition, sess sotepe.AssessmentSession, r *Run) (sotepe.AssessmentState, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	sess.Answers = make([]sotepe.AssessmentAnswer, len(r.Steps))
	for i, step := range r.Steps {
		sess.Answers[i] = step.Answer
	}
	sess.UpdatedAt = now
	sess.Outcome, sess.Urgency, sess.ServiceID, sess.CompletedAt = "", "", "", time.Time{}
	if r.Outcome != nil {
		sess.Outcome, sess.Urgency, sess.ServiceID, sess.CompletedAt = r.Outcome.ID, r.Outcome.Urgency, r.Outcome.ServiceID, now
	}
	stored, err := s.store.UpdateAssessmentSession(ctx, sess)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	return stateOf(d, stored, r), nil
}

// HandOver sends the finished session to its recommended service as a
// contact request of the signed-in resident u, routed to unit when the
// resident chose one (it must offer the service) and as usual otherwise,
// whose first message lists
// the questions and answers and the tool's urgency, and makes u the owner
// of the session. A session not finished is EConflict, an emergency
// EInvalid. Doing it again returns the same request: the contact request
// carries an idempotency key derived from the session, so that a hand-over
// interrupted between the request and the session's record completes when
// tried again.
func (s *Service) HandOver(ctx context.Context, u sotepe.User, id, unit string) (sotepe.AssessmentState, sotepe.ContactRequest, error) {
	if !u.Has(sotepe.RoleResident) || u.ResidentID == 0 {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, forbidden()
	}
	d, sess, err := s.load(ctx, &u, id)
	if err != nil {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, err
	}
	r, err := d.Run(sess.Answers)
	if err != nil {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, err
	}
	if r.Outcome == nil {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, conflict("assess.error.unfinished", "the assessment is not finished")
	}
	if sess.ContactRequestID != 0 {
		req, err := s.contacts.Get(ctx, u, sess.ContactRequestID)
		return stateOf(d, sess, r), req, err
	}
	// The request is in the resident's own language, whatever language
	// the assessment was run in.
	lang := sess.Lang
	if l, ok := sotepe.ParseLang(string(u.Lang)); ok {
		lang = l
	}
	sum := sha256.Sum256([]byte(id))
	req, _, err := s.contacts.HandOver(ctx, u, sotepe.NewContactRequest{
		ServiceID: r.Outcome.ServiceID, UnitID: unit, Body: Summary(d, r, lang), Lang: lang,
		// The revision too: answers changed after an interrupted hand-over
		// make a new request rather than return one with the old answers.
		IdempotencyKey: "assessment:" + hex.EncodeToString(sum[:16]) + ":" + strconv.Itoa(sess.Revision),
	}, r.Outcome.Urgency)
	if err != nil {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if err := s.store.HandOverAssessment(ctx, id, u.ResidentID, req.ID, now); err != nil {
		return sotepe.AssessmentState{}, sotepe.ContactRequest{}, err
	}
	sess.ResidentID, sess.ContactRequestID, sess.HandedOverAt = u.ResidentID, req.ID, now
	return stateOf(d, sess, r), req, nil
}

// ForContactRequest returns the session handed over as contact request
// requestID, when u may see the request (the contact service decides, and
// audits a staff read); ENotFound otherwise.
func (s *Service) ForContactRequest(ctx context.Context, u sotepe.User, requestID int64) (sotepe.AssessmentState, error) {
	if _, err := s.contacts.Get(ctx, u, requestID); err != nil {
		return sotepe.AssessmentState{}, err
	}
	sess, err := s.store.AssessmentForContactRequest(ctx, requestID)
	if err != nil {
		return sotepe.AssessmentState{}, err
	}
	d := s.defs.Definition(sess.Definition)
	if d == nil || d.Version != sess.Version {
		return sotepe.AssessmentState{}, conflict("assess.error.version", "the assessment has changed since the session started")
	}
	return s.state(d, sess)
}

// Grade records the urgency a professional or manager gives the hand-over
// of a request of their units. An unknown urgency is EInvalid; a request
// they may not see, or one that is no hand-over, ENotFound.
func (s *Service) Grade(ctx context.Context, u sotepe.User, requestID int64, urgency sotepe.Urgency) error {
	if !u.Has(sotepe.RoleProfessional) && !u.Has(sotepe.RoleManager) {
		return forbidden()
	}
	if !urgency.Valid() {
		return sotepe.Invalid("assess.error.urgency", "unknown urgency "+string(urgency))
	}
	if _, err := s.contacts.Get(ctx, u, requestID); err != nil {
		return err
	}
	return s.store.GradeAssessment(ctx, requestID, urgency, u.ID, s.now().UTC().Truncate(time.Microsecond))
}

// Counts returns the aggregates of the sessions started from–to
// (YYYY-MM-DD) for managers, analysts and administrators.
func (s *Service) Counts(ctx context.Context, u sotepe.User, from, to string) ([]sotepe.AssessmentCount, error) {
	if !u.Has(sotepe.RoleManager) && !u.Has(sotepe.RoleAnalyst) && !u.Has(sotepe.RoleAdmin) {
		return nil, forbidden()
	}
	if _, _, err := sotepe.ParseStatsPeriod(from, to); err != nil {
		return nil, err
	}
	return s.store.AssessmentCounts(ctx, from, to)
}

// urgencyNames and summaryLabels are read-only tables for the hand-over message,
// which is stored as text in the resident's language.
var (
	urgencyNames = map[sotepe.Urgency]sotepe.Names{
		sotepe.UrgencyEmergency: {Fi: "Hätätilanne", Sv: "Nödsituation", En: "Emergency"},
		sotepe.UrgencyUrgent:    {Fi: "Kiireellinen (sama arkipäivä)", Sv: "Brådskande (samma vardag)", En: "Urgent (same working day)"},
		sotepe.UrgencyNonUrgent: {Fi: "Kiireetön", Sv: "Icke brådskande", En: "Non-urgent"},
		sotepe.UrgencySelfCare:  {Fi: "Omahoito", Sv: "Egenvård", En: "Self-care"},
	}
	summaryLabels = struct{ Assessment, Urgency, Demo sotepe.Names }{
		Assessment: sotepe.Names{Fi: "Oirearvio", Sv: "Bedömning", En: "Assessment"},
		Urgency:    sotepe.Names{Fi: "Kiireellisyys arvion mukaan", Sv: "Brådskandegrad enligt bedömningen", En: "Urgency according to the assessment"},
		Demo:       sotepe.Names{Fi: "demosisältö, ei kliinisesti tarkastettu", Sv: "demoinnehåll, inte kliniskt granskat", En: "demonstration content, not clinically reviewed"},
	}
)

// Summary writes the hand-over message of run r of d in lang: the
// assessment, the tool's urgency, then each question and its answer.
func Summary(d *Definition, r *Run, lang sotepe.Lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", summaryLabels.Assessment.In(lang), d.Title.In(lang))
	if d.Demo {
		fmt.Fprintf(&b, " (%s)", summaryLabels.Demo.In(lang))
	}
	b.WriteString("\n")
	if r.Outcome != nil {
		fmt.Fprintf(&b, "%s: %s\n", summaryLabels.Urgency.In(lang), urgencyNames[r.Outcome.Urgency].In(lang))
	}
	b.WriteString("\n")
	for _, step := range r.Steps {
		fmt.Fprintf(&b, "%s\n– %s\n", step.Question.Text.In(lang), step.Question.Public().AnswerText(step.Answer, lang))
	}
	return strings.TrimSpace(b.String())
}
