// Package app wires sotepe's concrete packages into one program: it opens
// and migrates the store, loads the demo data when asked, builds the
// working-day calendar, the directory index, every service, the
// notification dispatcher and the web server, and runs their background
// sweeps. `sotepe serve`, `sotepe demo` and `sotepe report` all start from
// New; cmd/sotepe keeps only the flags and the subcommands.
//
// This is the only package besides cmd/sotepe that knows every concrete
// part. It holds no domain logic.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"sotepe"
	"sotepe/assess"
	"sotepe/audit"
	"sotepe/booking"
	"sotepe/chat"
	"sotepe/closures"
	"sotepe/contact"
	"sotepe/demo"
	"sotepe/directory"
	"sotepe/docs"
	"sotepe/events"
	"sotepe/feedback"
	"sotepe/fhir"
	"sotepe/finance"
	"sotepe/i18n"
	"sotepe/notify"
	"sotepe/password"
	"sotepe/personnel"
	"sotepe/procurement"
	"sotepe/report"
	"sotepe/rescue"
	"sotepe/residents"
	"sotepe/statistics"
	"sotepe/store"
	"sotepe/survey"
	"sotepe/turnserver"
	"sotepe/video"
	"sotepe/web"
	"sotepe/workday"
)

// Config is what New needs. DB is required; the rest has defaults.
type Config struct {
	// DB is a SQLite file path or a postgres:// URL.
	DB string
	// ReadDB, when set, is a postgres:// URL (typically of a standby, with
	// pgx's target_session_attrs) where the figures are read: the
	// dashboard's, the annual report's and the open data's volumes, staff
	// and answer-promise figures (store.Store.UseReplica). Everything else
	// stays on DB.
	ReadDB string
	// Logger receives the program's logs; nil discards them.
	Logger *slog.Logger
	// Demo fills an empty database with the demo network (widened to
	// DemoUnits units when that is more than the hand-written network has)
	// and the demo people, keeps the demo's free times open for the coming
	// weeks at every start, and answers the demo survey once.
	Demo      bool
	DemoUnits int
	// Progress receives the demo loading's one line; nil discards it.
	Progress io.Writer
	// Seed, when set, runs after the demo data is in place and before the
	// services start (they read the network); fresh says whether this start
	// created the demo data. `sotepe demo --year` writes its year here.
	Seed func(ctx context.Context, st *store.Store, fresh bool) error
	// Sender delivers notifications; nil logs them (notify.LogSender).
	Sender notify.Sender
	// BaseURL starts the links notifications carry.
	BaseURL string
	// Identity configures strong identification and acting on behalf.
	Identity Identity
	// TURN, when its Addr is set, runs the embedded TURN server that
	// relays video calls where no direct path exists.
	TURN turnserver.Config
	// WarmDashboard has Start read the dashboard's kept months in the
	// background (web.Server.WarmDashboard), so that the first people
	// after a start do not wait for them. `sotepe serve` and `sotepe demo`
	// turn it on; tests leave it off unless they test it.
	WarmDashboard bool
	// Web holds the web server's own settings (cookies, sessions, the demo
	// banner, the version …). New fills in its Store, Directory, Calendar,
	// services, Catalog, Logger, Location, Registry and OpenAPI.
	Web web.Config
}

// App is the wired program. Its fields are for the subcommands and the
// tests to use; they stay valid until Close.
type App struct {
	Store        *store.Store
	Directory    *directory.Index
	Calendar     *workday.Live
	Contacts     *contact.Service
	Assessments  *assess.Service
	Appointments *booking.Service
	Feedback     *feedback.Service
	Surveys      *survey.Service
	Chats        *chat.Service
	Video        *video.Service
	Audit        *audit.Service
	Catalog      *i18n.Catalog
	Dispatcher   *notify.Dispatcher
	Registry     *prometheus.Registry
	Location     *time.Location
	Web          *web.Server
	Logger       *slog.Logger
	// TURN is the embedded TURN server; nil when not configured.
	TURN *turnserver.Server

	warmDashboard  bool
	stopBackground context.CancelFunc
	background     sync.WaitGroup
	closeOnce      sync.Once
}

// New opens and migrates the database, loads the demo data when cfg.Demo is
// set, and builds every part. It starts no background work (see Start) and
// listens on nothing (see Serve), except the TURN server when cfg.TURN
// sets one. An error from any part closes what was opened and comes back: a
// definition that breaks a rule, a database that cannot be reached or
// migrated, a missing SMTP setting, a TURN address that cannot be used.
func New(ctx context.Context, cfg Config) (_ *App, err error) {
	if cfg.DB == "" {
		return nil, errors.New("--db is required (a SQLite file path or a postgres:// URL)")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &App{Logger: logger, stopBackground: func() {}, warmDashboard: cfg.WarmDashboard}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.Store, err = OpenStore(ctx, cfg.DB, logger); err != nil {
		return nil, err
	}
	st := a.Store
	if cfg.ReadDB != "" {
		if err := st.UseReplica(ctx, cfg.ReadDB); err != nil {
			return nil, err
		}
	}
	if cfg.Demo {
		_, _, uerr := st.UserByUsername(ctx, "admin")
		fresh := sotepe.ErrorCode(uerr) == sotepe.ENotFound
		if err := LoadDemo(ctx, st, cfg.DemoUnits, orDiscard(cfg.Progress)); err != nil {
			return nil, err
		}
		if err := loadDemoAppointments(ctx, st); err != nil {
			return nil, err
		}
		// The staff, economy and sustainability pages show last year.
		if err := demo.LoadSector(ctx, st, time.Now().Year()-1); err != nil {
			return nil, err
		}
		if err := demo.LoadChatLines(ctx, st); err != nil {
			return nil, err
		}
		if cfg.Seed != nil {
			if err := cfg.Seed(ctx, st, fresh); err != nil {
				return nil, err
			}
		}
	}
	if a.Directory, err = directory.New(st, directory.Options{Logger: logger}); err != nil {
		return nil, err
	}
	if a.Calendar, err = workday.NewLive(ctx, st); err != nil {
		return nil, err
	}
	a.Contacts = contact.New(contact.Config{Store: st, Directory: a.Directory, Calendar: a.Calendar, Logger: logger})
	if a.Assessments, err = newAssessments(ctx, st, a.Directory, a.Contacts, logger); err != nil {
		return nil, err
	}
	if a.Appointments, err = booking.New(booking.Config{Store: st, Directory: a.Directory, Logger: logger}); err != nil {
		return nil, err
	}
	a.Feedback = feedback.New(feedback.Config{Store: st, Logger: logger})
	if a.Surveys, err = newSurveys(ctx, st, cfg.Demo); err != nil {
		return nil, err
	}
	if a.Catalog, err = i18n.New(); err != nil {
		return nil, err
	}
	a.Chats = chat.New(chat.Config{Store: st, Contact: a.Contacts, Calendar: a.Calendar, Translate: a.Catalog.T, Logger: logger})
	if cfg.TURN.Addr != "" {
		if a.TURN, err = turnserver.Start(cfg.TURN); err != nil {
			return nil, err
		}
	}
	// On PostgreSQL the processes sharing the database share the rooms
	// through the store's bus; on SQLite the rooms are this process's.
	a.Video = video.New(video.Config{Store: st, Appointments: a.Appointments, ICE: a.iceServers(), Logger: logger, Bus: st.VideoBus()})
	sender := cfg.Sender
	if sender == nil {
		sender = notify.LogSender{Logger: logger}
	}
	a.Dispatcher = &notify.Dispatcher{Store: st, Catalog: a.Catalog, Sender: sender, Now: time.Now, Logger: logger, BaseURL: cfg.BaseURL}
	if a.Location, err = time.LoadLocation("Europe/Helsinki"); err != nil {
		return nil, err
	}
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Registry.MustRegister(collectors.NewDBStatsCollector(st.DB(), st.Dialect()))
	w := cfg.Web
	w.Store, w.Directory, w.Calendar = st, a.Directory, a.Calendar
	w.Contacts, w.Assessments, w.Appointments, w.Feedback, w.Surveys = a.Contacts, a.Assessments, a.Appointments, a.Feedback, a.Surveys
	a.Audit = audit.New(st)
	w.Residents, w.Audit, w.Closures = residents.New(st), a.Audit, closures.New(st, a.Calendar)
	w.Statistics, w.Events = statistics.New(st, a.Calendar, nil), events.New(st)
	w.Rescue = rescue.New(st)
	w.Staff, w.Economy = personnel.New(st), finance.New(st)
	if w.Indicators == nil {
		if w.Indicators, err = report.Load(); err != nil {
			return nil, err
		}
	}
	w.Procurement = procurement.New(st, a.Directory, a.Calendar, w.Indicators, w.Now)
	w.Chats = a.Chats
	w.Video = a.Video
	w.Catalog, w.Logger, w.Location, w.Registry, w.OpenAPI = a.Catalog, logger, a.Location, a.Registry, docs.OpenAPI
	population, err := a.identity(cfg, &w)
	if err != nil {
		return nil, err
	}
	fc := fhir.Config{Directory: a.Directory, Appointments: a.Appointments, Residents: w.Residents, Clients: w.Events,
		Slots: st, Staff: st, Assessments: a.Assessments, Caller: web.Caller, Translate: a.Catalog.T, BaseURL: w.BaseURL, Location: a.Location, Logger: logger,
		ClientBookings: a.Appointments, Population: population}
	tokens, err := accessTokens(cfg, w)
	if err != nil {
		return nil, err
	}
	if tokens != nil {
		// Not a nil *AccessTokens in the interface: nil means none.
		fc.AccessTokens, fc.Identities = tokens, st
	}
	if w.FHIR, err = fhir.New(fc); err != nil {
		return nil, err
	}
	if a.Web, err = web.New(w); err != nil {
		return nil, err
	}
	return a, nil
}

// Start runs the background work until Close: the contact requests' breach
// sweeps and roll-up folding, the audit summary's folding, lapsed
// waiting-list offers and reminders, forgetting unscreened feedback
// comments, the chats' signals from other processes, abandoned chats and
// old transcripts, the video rooms' events between processes, and
// notification delivery, and, when cfg.WarmDashboard, reading the
// dashboard's kept months once (web.Server.Warmed tells when that is
// done). Run it once per process;
// several processes may share one PostgreSQL database. Each piece of the
// work is safe to run in all of them at once: the sweeps are conditional
// updates (a request is marked breached, an offer passed on, a reminder
// queued, a chat abandoned only by the one update that still finds it so),
// the folds take a per-database advisory lock and skip their turn when
// another process holds it, and each dispatcher sends only the
// notifications it claimed (sotepe.Outbox.ClaimNotifications): exactly once
// among live processes, and after a lease (notify.Lease) by another process
// when the one that claimed them dies (see docs/scaling.md).
func (a *App) Start(ctx context.Context) {
	bgCtx, stop := context.WithCancel(ctx)
	a.stopBackground = stop
	a.background.Go(func() { a.Contacts.RunSweeps(bgCtx, time.Minute) })
	a.background.Go(func() { a.Appointments.RunSweeps(bgCtx, time.Minute) })
	a.background.Go(func() { a.Feedback.RunSweeps(bgCtx, time.Hour) })
	a.background.Go(func() { a.Chats.Run(bgCtx) })
	a.background.Go(func() { a.Video.Run(bgCtx) })
	a.background.Go(func() { a.Audit.RunFolds(bgCtx, 10*time.Second, a.Logger) })
	a.background.Go(func() { a.Dispatcher.Run(bgCtx, 10*time.Second) })
	if a.warmDashboard {
		a.background.Go(func() {
			started := time.Now()
			if err := a.Web.WarmDashboard(bgCtx); err != nil {
				if bgCtx.Err() == nil {
					a.Logger.Warn("warming the dashboard's months", "error", err)
				}
				return
			}
			a.Logger.Info("dashboard's months warmed", "ms", float64(time.Since(started).Microseconds())/1000) // as the request log
		})
	}
}

// Serve serves the web server on ln until ctx ends or serving fails, then
// shuts down gracefully: requests in flight get 20 seconds to finish. It
// returns nil after a shutdown that ctx asked for.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	// Chats' live streams never end by themselves: end them at shutdown,
	// and their clients reconnect elsewhere.
	hs.RegisterOnShutdown(a.Web.EndStreams)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close stops the background work and waits for it, then closes the
// directory index and the store, in that order. It is safe to call more
// than once and on a partly built App.
func (a *App) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.stopBackground()
		a.background.Wait()
		if a.Directory != nil {
			a.Directory.Close()
		}
		if a.TURN != nil {
			a.TURN.Close()
		}
		if a.Store != nil {
			err = a.Store.Close()
		}
	})
	return err
}

// iceServers returns how the video rooms hand out the TURN server, or nil
// without one.
func (a *App) iceServers() func(int64, time.Time) []sotepe.ICEServer {
	if a.TURN == nil {
		return nil
	}
	return a.TURN.ICEServers
}

// OpenStore opens and migrates the database at dsn (a SQLite file path or
// a postgres:// URL). The caller closes the store.
func OpenStore(ctx context.Context, dsn string, logger *slog.Logger) (*store.Store, error) {
	return openMigrated(ctx, store.Open, dsn, logger)
}

// OpenBulkStore is OpenStore for a batch load that runs alone on its
// database, `sotepe generate` writing a new SQLite file (see
// store.OpenBulk).
func OpenBulkStore(ctx context.Context, dsn string, logger *slog.Logger) (*store.Store, error) {
	return openMigrated(ctx, store.OpenBulk, dsn, logger)
}

func openMigrated(ctx context.Context, open func(context.Context, string, *slog.Logger) (*store.Store, error), dsn string, logger *slog.Logger) (*store.Store, error) {
	st, err := open(ctx, dsn, logger)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// LoadDemo fills an empty database with the demo network (widened to units
// when that is more than the hand-written network has) and the demo
// people, a little of the rescue department's work and the purchased
// services with the dental units' feedback and contact requests the
// comparison shows, and says so on
// progress; on a database that has them it does nothing.
func LoadDemo(ctx context.Context, st *store.Store, units int, progress io.Writer) error {
	if _, _, err := st.UserByUsername(ctx, "admin"); err == nil {
		return nil
	} else if sotepe.ErrorCode(err) != sotepe.ENotFound {
		return err
	}
	network, err := demo.BaseNetwork()
	if err != nil {
		return err
	}
	if units > len(network.Units) {
		network = demo.WidenNetwork(network, units, 2024)
	}
	fmt.Fprintf(progress, "creating the demo database: %d units …\n", len(network.Units))
	if err := network.Save(ctx, st); err != nil {
		return err
	}
	hash, err := password.Hash(demo.Password, password.Default())
	if err != nil {
		return err
	}
	people, err := demo.LoadPeople(ctx, st, st, hash)
	if err != nil {
		return err
	}
	if err := demo.LoadRescue(ctx, st, time.Now()); err != nil {
		return err
	}
	if err := demo.LoadProcurement(ctx, st, time.Now()); err != nil {
		return err
	}
	return demo.LoadProcurementQuality(ctx, st, people.Users["nurse"], time.Now())
}

// loadDemoAppointments keeps the demo's free times open for the coming
// weeks: it runs at every demo start and opens only the times missing.
func loadDemoAppointments(ctx context.Context, st *store.Store) error {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	_, err = demo.LoadAppointments(ctx, st, time.Now(), loc)
	return err
}

// newAssessments loads the assessment definitions, checks that every
// service they recommend exists in the network (and can take a hand-over),
// and returns the assessment service. A definition that breaks a rule stops
// the program at start. A fresh database without a network yet (serve
// before the network is imported) is only warned about.
func newAssessments(ctx context.Context, st *store.Store, dir sotepe.Directory, contacts *contact.Service, logger *slog.Logger) (*assess.Service, error) {
	defs, err := assess.Load()
	if err != nil {
		return nil, err
	}
	first, err := dir.Services(ctx, "", sotepe.PageRequest{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(first.Items) == 0 {
		logger.Warn("the service network is empty: the services assessments recommend are not checked")
	} else if err := defs.CheckServices(func(id string) (sotepe.Service, bool) {
		svc, err := dir.Service(ctx, id)
		return svc, err == nil
	}); err != nil {
		return nil, err
	}
	return assess.New(assess.Config{Definitions: defs, Store: st, Contacts: contacts}), nil
}

// newSurveys loads and checks the survey definitions (a survey that breaks
// a rule stops the program at start) and returns the survey service; a
// demo also fills the demo survey with answers once.
func newSurveys(ctx context.Context, st *store.Store, isDemo bool) (*survey.Service, error) {
	defs, err := survey.Load()
	if err != nil {
		return nil, err
	}
	svc := survey.New(survey.Config{Surveys: defs, Store: st})
	if isDemo {
		admin := sotepe.User{Username: "admin", Roles: []sotepe.Role{sotepe.RoleAdmin}}
		if u, _, err := st.UserByUsername(ctx, "admin"); err == nil {
			admin.ID = u.ID
		}
		actx := sotepe.WithActor(ctx, sotepe.Actor{UserID: admin.ID, Role: sotepe.RoleAdmin, RequestID: "demo"})
		if err := demo.LoadSurvey(actx, svc, st, admin); err != nil {
			return nil, err
		}
	}
	return svc, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
