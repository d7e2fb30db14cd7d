// Package figuresweb serves the sector's figures: the answer promise's
// figures (GET /stats/contact-requests and /api/v1/stats/contact-requests,
// for managers, analysts and administrators), the open data of service
// volumes (GET /api/v1/stats/volumes, public), the management dashboard
// (GET /dashboard) and the annual report (GET /report/{year}, its printed
// footer and GET /api/v1/reports/{year}, public). The figures are
// aggregates: no names, no message text, no resident ids.
// sotepe.StatisticsService decides which units a manager sees.
//
// It keeps what the figures take long to read: each year's report and
// each period's facts for a minute, the months' facts the periods are put
// together from (report.MonthFacts) and the dashboards' figures while
// their facts are the same.
//
// It is one area of the web side (ARCHITECTURE.md, "How web is split"):
// package web lists its routes and puts the adapters of package kit in
// front of its handlers, and renders its pages through kit.Site.
package figuresweb

import (
	"context"
	"sync"
	"time"

	"sotepe"
	"sotepe/report"
	"sotepe/web/kit"
	"sotepe/workday"
)

// FigureReader is what the dashboard and the annual report read from the
// store: the aggregates report.Gatherer reads and the months' daily rows
// and stamps report.MonthFacts reads.
type FigureReader interface {
	report.Reader
	report.MonthReader
}

// Config is what the handlers work with; every field is required.
type Config struct {
	// Statistics serves the figures of the answer promise and the
	// volumes, and tells which units a manager's figures cover.
	Statistics sotepe.StatisticsService
	// Figures is read for the dashboard and the annual report.
	Figures FigureReader
	// Directory names the areas, units, producers and services.
	Directory sotepe.Directory
	// Calendar is the working-day calendar in force, for the working
	// time of answers whose working time is not stored yet.
	Calendar *workday.Live
	// Indicators are the indicator definitions of the dashboard and the
	// annual report.
	Indicators *report.Indicators
	// ChatSection is the dashboard's section of the chats of u from
	// fromDay to toDay (from and to as dates) in lang, nil when u may not
	// see chat figures; web wires it to chatweb.Handlers.Dashboard.
	ChatSection func(ctx context.Context, u sotepe.User, lang sotepe.Lang, fromDay, toDay string, from, to time.Time) (any, error)
}

// Handlers are the figures' handlers and the caches they keep.
type Handlers struct {
	site kit.Site
	cfg  Config

	// annual keeps each year's annual report for a minute, facts the
	// dashboard's facts of a period (report.go, dashboard.go), months
	// the facts of whole months and their days that the periods' facts
	// are put together from.
	annual *keepCache[int, builtReport]
	facts  *keepCache[[2]string, []report.Fact]
	months *report.MonthFacts
	// filled keeps dashboards' figures while their period's facts are
	// the same (dashboard.go).
	filledMu sync.Mutex
	filled   map[filledKey]filledFigures

	// warmed is closed when WarmDashboard has returned.
	warmed   chan struct{}
	warmOnce sync.Once
}

// New returns the handlers, rendering through site, with empty caches.
func New(site kit.Site, cfg Config) *Handlers {
	return &Handlers{site: site, cfg: cfg,
		annual: newKeepCache[int, builtReport](time.Minute, 64, site.Now),
		facts:  newKeepCache[[2]string, []report.Fact](time.Minute, 2, site.Now),
		months: report.NewMonthFacts(cfg.Figures, time.Minute, dashboardKeptMonths),
		filled: map[filledKey]filledFigures{},
		warmed: make(chan struct{}),
	}
}
