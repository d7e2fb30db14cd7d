package chatweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"sotepe"
	"sotepe/web/kit"
	"sotepe/web/view"
	"sotepe/web/vocab"
)

// The chat figures: GET /stats/chats (a page with a form and a table) and
// GET /api/v1/stats/chats (JSON), chats started, answered, abandoned and
// handed over with the median and 90th percentile of their waits and
// durations, by chat service, unit or hour; and the chat section of the
// dashboard. The chat service decides who sees what (Figures): managers
// their units' chat services, analysts and administrators all. Aggregates
// only; nothing is logged.

// chatGroupings are the groupings of the chat figures, as the chat
// service names them.
var chatGroupings = []string{"line", "unit", "hour"}

// chatStatsParams is a request for the chat figures, defaults filled in:
// the last 30 days up to today, by chat service.
type chatStatsParams struct {
	From, To, By string
	// from and to are the period as instants: from the start of From to
	// the end of To in the city's time.
	from, to time.Time
}

// parseChatStatsParams reads from, to and by. The returned parameters hold
// what was asked even when it is invalid, so the form can show it again.
// Errors: EInvalid "error.date" or "error.stats_period" for the dates,
// "error.dashboard_period" for a period over kit.MaxPeriodMonths months,
// "chat.error.group" for another grouping.
func (h *Handlers) parseChatStatsParams(r *http.Request) (chatStatsParams, error) {
	q := r.URL.Query()
	today := h.site.Now().In(h.cfg.Location)
	p := chatStatsParams{From: q.Get("from"), To: q.Get("to"), By: q.Get("by")}
	if p.From == "" {
		p.From = today.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	if p.To == "" {
		p.To = today.Format(time.DateOnly)
	}
	if p.By == "" {
		p.By = "line"
	}
	from, to, err := sotepe.ParseStatsPeriod(p.From, p.To)
	if err != nil {
		return p, err
	}
	if n := sotepe.IntervalMonth.PeriodCount(from, to); n > kit.MaxPeriodMonths {
		return p, sotepe.Invalid("error.dashboard_period", "the period is too long").With(map[string]any{"Max": kit.MaxPeriodMonths})
	}
	if !slices.Contains(chatGroupings, p.By) {
		return p, sotepe.Invalid("chat.error.group", "by is line, unit or hour")
	}
	p.from, p.to = h.periodInstants(from, to)
	return p, nil
}

// periodInstants turns the dates from and to (midnight UTC, as
// sotepe.ParseStatsPeriod returns them) into the instants that begin from
// and end to in the city's time.
func (h *Handlers) periodInstants(from, to time.Time) (time.Time, time.Time) {
	loc := h.cfg.Location
	return time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc),
		time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
}

// chatFigureRow is one group of the chat figures as the API shows it, with
// the group's names: a chat service's or unit's names, the hour as
// "10–11", or for the unit "" (chats nobody took) the catalog's words.
type chatFigureRow struct {
	sotepe.ChatFigure
	Names sotepe.Names `json:"names"`
}

// chatStatsResponse is the JSON of GET /api/v1/stats/chats.
type chatStatsResponse struct {
	From string          `json:"from"`
	To   string          `json:"to"`
	By   string          `json:"by"`
	Rows []chatFigureRow `json:"rows"`
}

// chatGroupNames returns the names of the groups of by: the chat services
// or the units by id; hours need none (chatGroupName writes them).
func (h *Handlers) chatGroupNames(ctx context.Context, by string) (map[string]sotepe.Names, error) {
	names := map[string]sotepe.Names{}
	switch by {
	case "line":
		lines, err := h.cfg.Chats.Lines(ctx)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			names[l.ID] = l.Names
		}
	case "unit":
		units, err := sotepe.AllUnits(ctx, h.cfg.Directory, sotepe.UnitFilter{})
		if err != nil {
			return nil, err
		}
		vocab.Add(names, units, vocab.Unit)
		names[""] = kit.CatalogNames(h.site, "chat.figures.not_taken")
	}
	return names, nil
}

// chatGroupName names the group key of by: an hour "10" as "10–11", a
// known id by its names, an unknown one (a chat service since removed) by
// itself.
func chatGroupName(names map[string]sotepe.Names, by, key string) sotepe.Names {
	if by == "hour" {
		var h int
		if _, err := fmt.Sscanf(key, "%d", &h); err == nil {
			return vocab.ID(fmt.Sprintf("%02d–%02d", h, h+1))
		}
	}
	if n, ok := names[key]; ok {
		return n
	}
	return vocab.ID(key)
}

// Figures serves the chat figures: the page and its JSON. A bad period
// or grouping is EInvalid: 400 in JSON, the form again with why on the
// page.
func (h *Handlers) Figures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	lang := kit.Info(r).Lang
	title := h.site.T(lang, "chat.figures.title", nil)
	own := u.Has(sotepe.RoleManager) && !u.Has(sotepe.RoleAnalyst) && !u.Has(sotepe.RoleAdmin)
	p, err := h.parseChatStatsParams(r)
	var rows []sotepe.ChatFigure
	if err == nil {
		rows, err = h.cfg.Chats.Figures(r.Context(), u, sotepe.ChatFigureQuery{From: p.from, To: p.to, By: p.By})
	}
	var names map[string]sotepe.Names
	if err == nil {
		names, err = h.chatGroupNames(r.Context(), p.By)
	}
	if err != nil {
		if sotepe.ErrorCode(err) != sotepe.EInvalid || kit.IsAPI(r) {
			return err
		}
		v := chatStatsView{From: p.From, To: p.To, By: p.By, OwnLines: own, Error: h.site.ErrText(lang, err)}
		h.site.Page(w, r, http.StatusBadRequest, "chat_stats", title, v)
		return nil
	}
	resp := chatStatsResponse{From: p.From, To: p.To, By: p.By, Rows: make([]chatFigureRow, len(rows))}
	for i, f := range rows {
		resp.Rows[i] = chatFigureRow{ChatFigure: f, Names: chatGroupName(names, p.By, f.Key)}
	}
	return kit.Respond(h.site, w, r, resp, "chat_stats", title, h.chatStatsView(lang, p, own, resp))
}

// chatStatsView is the page: the form, and the figures by group with a
// total line.
type chatStatsView struct {
	From, To, By string
	OwnLines     bool // a manager: the chat services of their own units
	Error        string
	Shown        bool // figures were computed (no error)
	Rows         []chatStatsRow
	Total        chatStatsRow
}

// chatStatsRow is one line of the table, its numbers written for the
// page's language; a time without a value is "–".
type chatStatsRow struct {
	Group                                      string
	Started, Answered, Abandoned, HandedOver   string
	WaitP50, WaitP90, DurationP50, DurationP90 string
}

// chatMinutes writes seconds as minutes with one decimal in the language's
// way ("2,5 min"); nil is view.Missing.
func chatMinutes(lang sotepe.Lang, secs *float64) string {
	if secs == nil {
		return view.Missing
	}
	return view.Decimal(lang, *secs/60, 1) + "\u00a0min"
}

func (h *Handlers) chatStatsView(lang sotepe.Lang, p chatStatsParams, own bool, resp chatStatsResponse) chatStatsView {
	v := chatStatsView{From: p.From, To: p.To, By: p.By, OwnLines: own, Shown: true}
	n := func(c int) string { return view.Count(lang, int64(c)) }
	var total sotepe.ChatFigure
	for _, row := range resp.Rows {
		f := row.ChatFigure
		v.Rows = append(v.Rows, chatStatsRow{Group: row.Names.In(lang), Started: n(f.Started), Answered: n(f.Answered),
			Abandoned: n(f.Abandoned), HandedOver: n(f.HandedOver), WaitP50: chatMinutes(lang, f.WaitP50), WaitP90: chatMinutes(lang, f.WaitP90),
			DurationP50: chatMinutes(lang, f.DurationP50), DurationP90: chatMinutes(lang, f.DurationP90)})
		total.Started += f.Started
		total.Answered += f.Answered
		total.Abandoned += f.Abandoned
		total.HandedOver += f.HandedOver
	}
	// Medians and percentiles of groups do not add up: the total line
	// leaves them out (the page's definitions say so).
	v.Total = chatStatsRow{Group: h.site.T(lang, "stats.total", nil), Started: n(total.Started), Answered: n(total.Answered),
		Abandoned: n(total.Abandoned), HandedOver: n(total.HandedOver),
		WaitP50: view.Missing, WaitP90: view.Missing, DurationP50: view.Missing, DurationP90: view.Missing}
	return v
}

// The chat section of the dashboard.

// DashboardSection is the dashboard's chat section: tiles over the period and the
// user's chat services, and the link to the figures of the same period.
type DashboardSection struct {
	Tiles []view.Tile
	Link  string
}

// Dashboard returns the chat section of the dashboard for period
// [from, to] (dates as sotepe.ParseStatsPeriod returns them), or nil when
// the user may not see chat figures. The median wait shown is that of the
// chat service with the most answered chats, named in the tile's note:
// medians of several services cannot be combined into one.
func (h *Handlers) Dashboard(ctx context.Context, u sotepe.User, lang sotepe.Lang, fromDay, toDay string, from, to time.Time) (*DashboardSection, error) {
	start, end := h.periodInstants(from, to)
	rows, err := h.cfg.Chats.Figures(ctx, u, sotepe.ChatFigureQuery{From: start, To: end, By: "line"})
	if sotepe.ErrorCode(err) == sotepe.EForbidden {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sum sotepe.ChatFigure
	var busiest *sotepe.ChatFigure
	withAnswers := 0
	for i := range rows {
		f := &rows[i]
		sum.Started += f.Started
		sum.Answered += f.Answered
		sum.Abandoned += f.Abandoned
		if f.Answered > 0 {
			withAnswers++
			// Rows come ordered by id, so of equally busy services the
			// first by id is shown.
			if busiest == nil || f.Answered > busiest.Answered || (f.Answered == busiest.Answered && f.Started > busiest.Started) {
				busiest = f
			}
		}
	}
	count := func(c int) string { return view.Count(lang, int64(c)) }
	noValue := h.site.T(lang, "dashboard.no_value", nil)
	d := &DashboardSection{Link: "/stats/chats?" + url.Values{"from": {fromDay}, "to": {toDay}}.Encode()}
	d.Tiles = append(d.Tiles,
		view.Tile{ID: "tile-chat-started", Label: h.site.T(lang, "chat.figures.started", nil), Value: count(sum.Started)},
		view.Tile{ID: "tile-chat-answered", Label: h.site.T(lang, "chat.figures.answered", nil), Value: count(sum.Answered)})
	share := view.Tile{ID: "tile-chat-abandoned", Label: h.site.T(lang, "chat.figures.abandoned_share", nil), Value: view.Missing, Note: noValue}
	if sum.Started > 0 {
		share.Value = view.Percent(lang, 100*float64(sum.Abandoned)/float64(sum.Started), 1)
		share.Note = h.site.T(lang, "chat.figures.abandoned_note", map[string]any{"Abandoned": count(sum.Abandoned), "Started": count(sum.Started)})
	}
	wait := view.Tile{ID: "tile-chat-wait", Label: h.site.T(lang, "chat.figures.wait_median", nil), Value: view.Missing, Note: noValue}
	if busiest != nil {
		wait.Value = chatMinutes(lang, busiest.WaitP50)
		wait.Note = h.site.T(lang, "chat.figures.wait_all", nil)
		if withAnswers > 1 {
			names, err := h.chatGroupNames(ctx, "line")
			if err != nil {
				return nil, err
			}
			wait.Label = h.site.T(lang, "chat.figures.wait_busiest", nil)
			wait.Note = h.site.T(lang, "chat.figures.wait_busiest_note", map[string]any{"Line": chatGroupName(names, "line", busiest.Key).In(lang)})
		}
	}
	d.Tiles = append(d.Tiles, share, wait)
	return d, nil
}
