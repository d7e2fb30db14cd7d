// Package web serves sotepe over HTTP: the HTML pages residents and staff use
// and the JSON API under /api/v1/, from the same handlers. It sees storage
// only through the root package's interfaces.
package web

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sotepe"
	"sotepe/i18n"
	"sotepe/password"
	"sotepe/report"
	"sotepe/web/accountweb"
	"sotepe/web/bookingweb"
	"sotepe/web/calendarweb"
	"sotepe/web/chatweb"
	"sotepe/web/contactweb"
	"sotepe/web/directoryweb"
	"sotepe/web/eventsweb"
	"sotepe/web/feedbackweb"
	"sotepe/web/figuresweb"
	"sotepe/web/procurementweb"
	"sotepe/web/rescueweb"
	"sotepe/web/residentweb"
	"sotepe/web/videoweb"
	"sotepe/web/yearweb"
	"sotepe/workday"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the server needs. Store, Catalog, Location, Calendar and
// every service are required; the rest have defaults.
type Config struct {
	Store sotepe.Store
	// Directory serves the public directory reads; when nil, Store does.
	// cmd/sotepe gives the in-memory index of package directory.
	Directory sotepe.Directory
	Catalog   *i18n.Catalog
	Logger    *slog.Logger
	Location  *time.Location // the city's time zone, Europe/Helsinki
	Now       func() time.Time
	// Calendar is the working-day calendar in force, rebuilt when an
	// administrator changes the closure days.
	Calendar *workday.Live
	// Contacts carries out contact requests.
	Contacts sotepe.ContactService
	// Assessments runs symptom and service-need assessments.
	Assessments sotepe.AssessmentService
	// Appointments carries out appointment booking.
	Appointments sotepe.AppointmentService
	// Feedback collects feedback and its figures.
	Feedback sotepe.FeedbackService
	// Surveys runs the resident survey.
	Surveys sotepe.SurveyService
	// Residents serves residents' own data and staff's audited reads.
	Residents sotepe.ResidentService
	// Audit serves the aggregates of the audit trail.
	Audit sotepe.AuditService
	// Closures keeps the administrator's closure days.
	Closures sotepe.ClosureService
	// Statistics serves the figures of the answer promise and the volumes.
	Statistics sotepe.StatisticsService
	// Events takes service events from integration clients.
	Events sotepe.EventService
	// Rescue serves the rescue department's figures, missions and
	// inspections.
	Rescue sotepe.RescueService
	// Staff serves HR's staff figures and records.
	Staff sotepe.StaffService
	// Economy serves finance's economy and sustainability figures and
	// records.
	Economy sotepe.EconomyService
	// Procurement serves the contract manager's purchased services: the
	// comparison of producers' quality figures, contracts, voucher kinds
	// and supervision.
	Procurement sotepe.ProcurementService
	// Video runs the rooms of video appointments.
	Video sotepe.VideoService
	// Chats carries out chats with professionals: the queue, messages,
	// hand-overs, and the signals behind the live stream.
	Chats sotepe.ChatService
	// Indicators are the indicator definitions of the dashboard and the
	// annual report; when nil, the embedded ones (report.Load).
	Indicators *report.Indicators
	// Registry receives the HTTP metrics; /metrics serves it.
	Registry *prometheus.Registry
	// OpenAPI is the OpenAPI document served at /api/v1/openapi.json.
	OpenAPI []byte
	// SecureCookies marks cookies Secure and names the session cookie with
	// the __Host- prefix; turn it off only for plain-HTTP demos.
	SecureCookies bool
	// TrustedProxies are the proxies whose X-Forwarded-For is believed:
	// when the peer is in one of them, the client's address is read from
	// that header (clientIP). Empty trusts no forwarding header.
	TrustedProxies []netip.Prefix
	SessionIdle    time.Duration // default 30 minutes
	SessionMax     time.Duration // default 12 hours
	MaxBody        int64         // request body limit in bytes, default 1 MiB
	// Acting decides whom residents act for, and who the user of a
	// request is while they do.
	Acting sotepe.ActingService
	// IdentityProviders are the OpenID providers people sign in with, in
	// the order the login page shows them.
	IdentityProviders []IdentityProvider
	// ResidentPasswords lets residents sign in with a password, as the
	// demo accounts do; outside the demo residents use strong
	// identification only.
	ResidentPasswords bool
	// TestIdP, when set, is served under /test-idp/: the demo's own
	// identity provider. Never in production.
	TestIdP http.Handler
	// FHIR, when set, serves the HL7 FHIR R4 API under /fhir/R4/ (package
	// fhir); it reads the request's user and language through Caller.
	FHIR http.Handler
	// BaseURL is the public address of sotepe (scheme, host and port),
	// where providers send people back after signing out.
	BaseURL string
	// Demo shows the demo banner and the demo accounts on the login page.
	Demo    bool
	Version string
}

// Server is the HTTP side of sotepe. Create it with New; it is an
// http.Handler.
type Server struct {
	cfg      Config
	store    sotepe.Store
	dir      sotepe.Directory
	cat      *i18n.Catalog
	log      *slog.Logger
	now      func() time.Time
	pages    map[string]*template.Template
	metrics  *metrics
	throttle *throttle
	cache    *responseCache
	// slotCache keeps free-time searches for two seconds; this process
	// empties it whenever it changes a slot.
	slotCache *responseCache
	handler   http.Handler
	// dummyHash is a hash of a random password, verified against when an
	// account does not exist so that timing does not reveal usernames.
	dummyHash string
	// verifying holds a place for each password verification under way:
	// at most GOMAXPROCS at once (see verifyPassword).
	verifying chan struct{}

	// idps are the configured identity providers.
	idps []*identityProvider

	// booking serves appointments: free times, bookings, the calendar, the
	// booking rules and the care-guarantee figures.
	booking *bookingweb.Handlers
	// video serves the rooms of video appointments and their guests.
	video *videoweb.Handlers
	// contact serves contact requests, the professional's queue and the
	// assessments.
	contact *contactweb.Handlers
	// feedback serves feedback, its questions and figures, and the
	// resident survey.
	feedback *feedbackweb.Handlers
	// chat serves chats with professionals: the API, the live stream, the
	// pages and the figures.
	chat *chatweb.Handlers
	// rescue serves the rescue department's pages and API.
	rescue *rescueweb.Handlers
	// procurement serves the purchased services' pages and API.
	procurement *procurementweb.Handlers
	// year serves HR's and finance's figures of a year.
	year *yearweb.Handlers
	// account serves the signed-in person's own pages: who they are, who
	// has read their data, whom they act for.
	account *accountweb.Handlers
	// residents serves staff's audited reads of residents and the audit
	// summary.
	residents *residentweb.Handlers
	// directory serves the public service directory.
	directory *directoryweb.Handlers
	// calendar serves the working-day calendar and the closure days.
	calendar *calendarweb.Handlers
	// events takes integration clients' service events.
	events *eventsweb.Handlers

	// figures serves the statistics pages, the open data of volumes, the
	// dashboard and the annual report, with the caches they keep.
	figures *figuresweb.Handlers

	// closing is closed by EndStreams: every live stream ends, so that a
	// graceful shutdown need not wait for them.
	closing   chan struct{}
	closeOnce sync.Once
}

// New checks cfg, parses the templates and builds the routes. A missing
// required field or a template that does not parse is an error.
func New(cfg Config) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Directory == nil {
		cfg.Directory = cfg.Store
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	s := &Server{
		cfg:       cfg,
		store:     cfg.Store,
		dir:       cfg.Directory,
		cat:       cfg.Catalog,
		log:       cfg.Logger,
		now:       cfg.Now,
		throttle:  newThrottle(cfg.Store, cfg.Now),
		cache:     newResponseCache(10*time.Second, 4096, cfg.Now),
		slotCache: newResponseCache(2*time.Second, 4096, cfg.Now),
		closing:   make(chan struct{}),
		verifying: make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	s.booking = bookingweb.New(site{s}, bookingweb.Config{Appointments: cfg.Appointments, Residents: cfg.Residents, Directory: s.dir,
		Location: cfg.Location, Secure: cfg.SecureCookies})
	s.video = videoweb.New(site{s}, videoweb.Config{Video: cfg.Video, Appointments: cfg.Appointments, Directory: s.dir, Location: cfg.Location,
		Secure: cfg.SecureCookies, AppointmentView: func(ctx context.Context, a sotepe.Appointment, u sotepe.User) any { return s.booking.View(ctx, a, u) },
		SessionEnded: s.sessionEnded, Closing: s.closing, Log: s.log})
	s.contact = contactweb.New(site{s}, contactweb.Config{Contacts: cfg.Contacts, Assessments: cfg.Assessments, Appointments: cfg.Appointments,
		Residents: cfg.Residents, Directory: s.dir, Calendar: cfg.Calendar, Location: cfg.Location})
	s.feedback = feedbackweb.New(site{s}, feedbackweb.Config{Feedback: cfg.Feedback, Surveys: cfg.Surveys, Directory: s.dir, Location: cfg.Location})
	s.chat = chatweb.New(site{s}, chatweb.Config{Chats: cfg.Chats, Contacts: cfg.Contacts, Residents: cfg.Residents, Directory: s.dir,
		Location: cfg.Location, ContactView: func(r sotepe.ContactRequest) any { return s.contact.View(r) }, Closing: s.closing, Log: s.log})
	s.rescue = rescueweb.New(site{s}, rescueweb.Config{Rescue: cfg.Rescue, Directory: cfg.Directory})
	s.procurement = procurementweb.New(site{s}, procurementweb.Config{Procurement: cfg.Procurement, Residents: cfg.Residents,
		Directory: cfg.Directory})
	s.year = yearweb.New(site{s}, yearweb.Config{Staff: cfg.Staff, Economy: cfg.Economy, Directory: cfg.Directory})
	s.account = accountweb.New(site{s}, accountweb.Config{Residents: cfg.Residents, Acting: cfg.Acting, Directory: s.dir})
	s.residents = residentweb.New(site{s}, residentweb.Config{Residents: cfg.Residents, Audit: cfg.Audit})
	s.directory = directoryweb.New(site{s}, directoryweb.Config{Directory: s.dir})
	s.events = eventsweb.New(site{s}, eventsweb.Config{Events: cfg.Events})
	s.calendar = calendarweb.New(site{s}, calendarweb.Config{Calendar: cfg.Calendar, Closures: cfg.Closures, Location: cfg.Location})
	for _, p := range cfg.IdentityProviders {
		if p.OIDC.Now == nil {
			p.OIDC.Now = cfg.Now
		}
		s.idps = append(s.idps, &identityProvider{IdentityProvider: p})
	}
	var err error
	if s.dummyHash, err = password.Hash(rand.Text(), password.Default()); err != nil {
		return nil, err
	}
	if s.cfg.Indicators == nil {
		if s.cfg.Indicators, err = report.Load(); err != nil {
			return nil, err
		}
	}
	s.figures = figuresweb.New(site{s}, figuresweb.Config{Statistics: cfg.Statistics, Figures: cfg.Store, Directory: s.dir,
		Calendar: cfg.Calendar, Indicators: s.cfg.Indicators, ChatSection: s.chatSection})
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(cfg.Registry); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// check names the first required field of c that is missing.
func (c Config) check() error {
	required := []struct {
		name    string
		missing bool
	}{
		{"Store", c.Store == nil}, {"Catalog", c.Catalog == nil}, {"Location", c.Location == nil}, {"Calendar", c.Calendar == nil},
		{"Contacts", c.Contacts == nil}, {"Assessments", c.Assessments == nil}, {"Appointments", c.Appointments == nil},
		{"Feedback", c.Feedback == nil}, {"Surveys", c.Surveys == nil}, {"Residents", c.Residents == nil}, {"Audit", c.Audit == nil},
		{"Closures", c.Closures == nil}, {"Statistics", c.Statistics == nil}, {"Events", c.Events == nil}, {"Rescue", c.Rescue == nil},
		{"Staff", c.Staff == nil}, {"Economy", c.Economy == nil}, {"Procurement", c.Procurement == nil},
		{"Acting", c.Acting == nil}, {"Chats", c.Chats == nil}, {"Video", c.Video == nil},
	}
	for _, f := range required {
		if f.missing {
			return errors.New("web: Config." + f.name + " is required")
		}
	}
	return nil
}

// EndStreams ends every live stream (the chats' Server-Sent Events) now
// and any started later; clients reconnect elsewhere with Last-Event-ID.
// Give it to http.Server.RegisterOnShutdown so that a graceful shutdown
// does not wait for streams that never end by themselves. It is safe to
// call more than once.
func (s *Server) EndStreams() { s.closeOnce.Do(func() { close(s.closing) }) }

// WarmDashboard reads into the dashboard's kept months the months it opens
// on and those before them, up to the months it keeps, and returns when
// done, when ctx ends (ctx.Err()) or with the first error of a read
// (figuresweb.Handlers.WarmDashboard). Warmed tells when it has returned.
// The server does not call it: app.Start does, in the background, when
// asked.
func (s *Server) WarmDashboard(ctx context.Context) error { return s.figures.WarmDashboard(ctx) }

// Warmed returns a channel closed when WarmDashboard has returned, done or
// not; it stays open when nobody calls WarmDashboard.
func (s *Server) Warmed() <-chan struct{} { return s.figures.Warmed() }

// WaitDashboard waits for the dashboard's reads in the background, of
// stamps and of months past their minute, to end: for tests and
// benchmarks.
func (s *Server) WaitDashboard() { s.figures.WaitDashboard() }

// chatSection is the dashboard's chat section (chatweb.Handlers.Dashboard)
// as figuresweb takes it: nil, not a nil section, when u may not see
// chat figures.
func (s *Server) chatSection(ctx context.Context, u sotepe.User, lang sotepe.Lang, fromDay, toDay string, from, to time.Time) (any, error) {
	sec, err := s.chat.Dashboard(ctx, u, lang, fromDay, toDay, from, to)
	if sec == nil {
		return nil, err
	}
	return sec, err
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// staticFiles returns the embedded static assets rooted at static/.
func staticFiles() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	return sub
}
