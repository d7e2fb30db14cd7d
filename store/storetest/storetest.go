// Package storetest is the conformance suite of sotepe's store: the tests
// every engine and configuration of store.Store must pass, exported so that
// they run against any of them, as River runs its driver tests.
//
// The store's own tests run it on SQLite and, when SOTEPE_TEST_POSTGRES
// holds a URL, on PostgreSQL:
//
//	func TestStore(t *testing.T) {
//		t.Run("sqlite", func(t *testing.T) { storetest.Run(t, storetest.OpenSQLite) })
//		t.Run("postgres", func(t *testing.T) { storetest.Run(t, storetest.OpenPostgres) })
//	}
//
// A new engine or configuration passes when Run passes with an Opener that
// makes its stores. The tests that need the store's internals stay in
// package store; this package uses only its exported API.
package storetest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sotepe"
	"sotepe/store"
	"sotepe/store/storetest/testdb"
)

// Opener opens a store on a new, empty database of its own that lives as
// long as the test (the opener registers the cleanups), or fails or skips
// the test. The store need not be migrated: the suite migrates it.
type Opener func(t testing.TB) *store.Store

// Clock is the settable clock the suite's stores run on.
type Clock = testdb.Clock

// Store is a migrated store under test and the clock it runs on, which
// starts at testdb.Start.
type Store struct {
	*store.Store
	Clock *Clock
	open  Opener // for the tests that need a second, fresh store
}

// OpenSQLite opens a store on a new SQLite database file in the test's
// temporary directory and closes it when the test ends.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), testdb.SQLite(t), nil)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// OpenPostgres opens a store on a new schema of the database that
// SOTEPE_TEST_POSTGRES names, and closes it and drops the schema when the
// test ends. It skips the test when SOTEPE_TEST_POSTGRES is unset.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	dsn := testdb.Postgres(t)
	s, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { s.Close() })
	return s
}

// New makes s a Store of the suite: it sets s.Now to a new Clock and
// migrates s, failing the test if that fails.
func New(t testing.TB, s *store.Store) Store {
	t.Helper()
	c := testdb.NewClock()
	s.Now = c.Now
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return Store{Store: s, Clock: c}
}

// fresh returns another new store of the same engine and configuration.
func (s Store) fresh(t testing.TB) Store {
	t.Helper()
	n := New(t, s.open(t))
	n.open = s.open
	return n
}

// conformance is a test of the suite; only, when set, is the one dialect
// (store.SQLite or store.Postgres) it is about.
type conformance struct {
	name string
	only string
	fn   func(t *testing.T, s Store)
}

// Run runs the conformance suite on stores that open makes, each test as a
// parallel subtest on a store of its own. Tests about one engine only run
// on that engine.
func Run(t *testing.T, open Opener) {
	t.Helper()
	dialect := open(t).Dialect()
	for _, c := range suite() {
		if c.only != "" && c.only != dialect {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := New(t, open(t))
			s.open = open
			c.fn(t, s)
		})
	}
}

// suite lists the conformance tests.
func suite() []conformance {
	return []conformance{
		{"Users", "", testUsers},
		{"ContactIdempotencyKeyIsTheSenders", "", testContactIdempotencyKeyIsTheSenders},
		{"BookingIdempotencyKey", "", testBookingIdempotencyKey},
		{"StaffAnswersWriteAccessRows", "", testStaffAnswersWriteAccessRows},
		{"Sessions", "", testSessions},
		{"SessionChangesSeenAtOnce", "", testSessionChangesSeenAtOnce},
		{"BookingRace", "", testBookingRace},
		{"BookingRules", "", testBookingRules},
		{"TicketsMarksAndFigures", "", testTicketsMarksAndFigures},
		{"WaitlistOffersAndReminders", "", testWaitlistOffersAndReminders},
		{"OpenSlotsByTemplateAndClose", "", testOpenSlotsByTemplateAndClose},
		{"OpenSlotsOverlap", "", testOpenSlotsOverlap},
		{"OpenSlotsRace", "", testOpenSlotsRace},
		{"AssessmentSessions", "", testAssessmentSessions},
		{"AssessmentRace", "", testAssessmentRace},
		{"AssessmentHandOverAndGrade", "", testAssessmentHandOverAndGrade},
		{"AccessLog", "", testAccessLog},
		{"AuditCounts", "", testAuditCounts},
		{"AuditCountsFold", "", testAuditCountsFold},
		{"AuditAppendOnly", "", testAuditAppendOnly},
		{"ConcurrentSubmissionsShareCommitsSafely", "", testConcurrentSubmissionsShareCommitsSafely},
		{"BulkContactRequests", "", testBulkContactRequests},
		{"BulkContactRequestsTimed", "", testBulkContactRequestsTimed},
		{"MarkBreached", "", testMarkBreached},
		{"ContactList", "", testContactList},
		{"ContactStatsRows", "", testContactStatsRows},
		{"ContactStatsLocalDay", "", testContactStatsLocalDay},
		{"ContactStatsRollupMatchesRequests", "", testContactStatsRollupMatchesRequests},
		{"ContactStatsBacklogMigration", "", testContactStatsBacklogMigration},
		{"ContactRoundTrip", "", testContactRoundTrip},
		{"ContactInvalid", "", testContactInvalid},
		{"ContactIdempotency", "", testContactIdempotency},
		{"ContactIdempotencyRace", store.Postgres, testContactIdempotencyRace},
		{"ContactReadAudit", "", testContactReadAudit},
		{"AddMessage", "", testAddMessage},
		{"AssignAndClose", "", testAssignAndClose},
		{"EventVolumes", "", testEventVolumes},
		{"StaffRecords", "", testStaffRecords},
		{"StaffCounts", "", testStaffCounts},
		{"AddEventsIdempotent", "", testAddEventsIdempotent},
		{"AddEventsBadRowStoresNothing", "", testAddEventsBadRowStoresNothing},
		{"LoadEventsMixed", "", testLoadEventsMixed},
		{"IntegrationClients", "", testIntegrationClients},
		{"RescueMissions", "", testRescueMissions},
		{"RescueRunsAndInspections", "", testRescueRunsAndInspections},
		{"EconomyRecords", "", testEconomyRecords},
		{"FlowsRecordEvents", "", testFlowsRecordEvents},
		{"BulkFeedbackRollUps", "", testBulkFeedbackRollUps},
		{"FeedbackExtraQuestions", "", testFeedbackExtraQuestions},
		{"FeedbackDailyRollupAgreesWithAnswers", "", testFeedbackDailyRollupAgreesWithAnswers},
		{"FeedbackCountsByGroupsOfUnits", "", testFeedbackCountsByGroupsOfUnits},
		{"FeedbackChannelsAndRules", "", testFeedbackChannelsAndRules},
		{"FeedbackCounts", "", testFeedbackCounts},
		{"FeedbackMonthsAgreeWithDays", "", testFeedbackMonthsAgreeWithDays},
		{"FeedbackKioskRevoke", "", testFeedbackKioskRevoke},
		{"Procurement", "", testProcurement},
		{"Participation", "", testParticipation},
		{"MigrateTwice", "", testMigrateTwice},
		{"PingClosed", "", testPingClosed},
		{"NetworkRoundTrip", "", testNetworkRoundTrip},
		{"NetworkNotFoundAndInvalid", "", testNetworkNotFoundAndInvalid},
		{"ServicesPaging", "", testServicesPaging},
		{"Outbox", "", testOutbox},
		{"ClosureDays", "", testClosureDays},
		{"Residents", "", testResidents},
		{"ResidentsConcurrent", "", testResidentsConcurrent},
		{"StaffReads", "", testStaffReads},
		{"SignInResident", "", testSignInResident},
		{"SignInResidentConcurrent", "", testSignInResidentConcurrent},
		{"EnsureResident", "", testEnsureResident},
		{"GuardiansDenied", "", testGuardiansDenied},
		{"SessionsActing", "", testSessionsActing},
		{"LoginAttempts", "", testLoginAttempts},
		{"AuditOnBehalf", "", testAuditOnBehalf},
		{"AccessAndActingLogs", "", testAccessAndActingLogs},
		{"SurveyInvitationsAndResponses", "", testSurveyInvitationsAndResponses},
		{"UnitFilters", "", testUnitFilters},
		{"UnitSearchFollowsRenames", "", testUnitSearchFollowsRenames},
		{"UnitPaging", "", testUnitPaging},
		{"UnitsConcurrentReaders", "", testUnitsConcurrentReaders},
		{"ChatLines", "", testChatLines},
		{"ChatStart", "", testChatStart},
		{"ChatPositions", "", testChatPositions},
		{"ChatScope", "", testChatScope},
		{"ChatEventsConcurrent", "", testChatEventsConcurrent},
		{"ChatTakeRace", "", testChatTakeRace},
		{"ChatTransferAndEnd", "", testChatTransferAndEnd},
		{"ChatAbandon", "", testChatAbandon},
		{"ChatPresence", "", testChatPresence},
		{"ChatTimesAndTranscripts", "", testChatTimesAndTranscripts},
		{"ChatStatsRollupMatchesChats", "", testChatStatsRollupMatchesChats},
		{"ChatStatsMigration", "", testChatStatsMigration},
		{"ChatReadAudit", "", testChatReadAudit},
		{"VideoInvites", "", testVideoInvites},
		{"VideoSwitchToPhone", "", testVideoSwitchToPhone},
		{"VideoCallsCount", "", testVideoCallsCount},
	}
}

// helsinki is the city's time zone, in which days and months are counted.
var helsinki = func() *time.Location {
	z, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return z
}()

// micros is the stored form of an instant (see package store).
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros reads a stored instant back in UTC.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// workingSeconds is the stored form of a working time.
func workingSeconds(d time.Duration) int32 { return int32(d / time.Second) }

// userObject is the audit object of a user.
func userObject(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// wantCode, wantKey and must are testdb's assertions under short names.
func wantCode(t testing.TB, err error, code string) { t.Helper(); testdb.WantCode(t, err, code) }
func wantKey(t testing.TB, err error, code, key string) {
	t.Helper()
	testdb.WantKey(t, err, code, key)
}
func must(t testing.TB, err error) { t.Helper(); testdb.Must(t, err) }

// soleWinner returns the index of the one call of a race whose error in
// errs is nil; every other call must have lost with the code lost and,
// unless key is empty, the catalog key key. what names a call in failures.
func soleWinner(t testing.TB, what string, errs []error, lost, key string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch sotepe.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("%s %d and %d both won", what, winner, i)
			}
			winner = i
		case lost:
			if k := sotepe.ErrorKey(err); key != "" && k != key {
				t.Errorf("loser's key %q", k)
			}
		default:
			t.Fatalf("%s %d: %v", what, i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no %s won", what)
	}
	return winner
}

// uniqueViolation reports whether err is either engine's refusal of a
// duplicate key, as the database itself reports it (the store's own
// classification is internal to it).
func uniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// The audit objects of the store's rows, as the audit log names them.
func contactObject(id int64) string  { return "contact:" + strconv.FormatInt(id, 10) }
func residentObject(id int64) string { return "resident:" + strconv.FormatInt(id, 10) }
func kioskObject(id int64) string    { return "feedback_kiosk:" + strconv.FormatInt(id, 10) }

// statsKeyColumn is the column of contact_requests that holds the key of a
// dimension of the figures.
func statsKeyColumn(dim sotepe.StatsDim) string {
	switch dim {
	case sotepe.DimUnit:
		return "unit_id"
	case sotepe.DimService:
		return "service_id"
	case sotepe.DimChannel:
		return "channel"
	}
	panic("storetest: no column for dimension " + string(dim))
}

// sortKey is the order units are listed in, as the store documents it:
// lower case, accents folded, except that Finnish and Swedish put å, ä and ö
// after z, in that order ('{', '|' and '}' follow 'z' in ASCII).
func sortKey(name string, lang sotepe.Lang) string {
	s := strings.ToLower(name)
	if lang != sotepe.English {
		s = strings.NewReplacer("å", "{", "ä", "|", "æ", "|", "ö", "}", "ø", "}", "ü", "y").Replace(s)
	}
	return sotepe.FoldText(s)
}
