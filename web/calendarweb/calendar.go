package calendarweb

import (
	"net/http"
	"strconv"
	"time"

	"sotepe"
	"sotepe/web/kit"
)

// Year lists a year's non-working days other than plain weekends:
// public holidays, Midsummer Eve, Christmas Eve and closure days, with names
// in fi, sv and en. GET /api/v1/calendar/{year}.
func (h *Handlers) Year(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1900 || year > 2399 {
		return sotepe.Invalid("error.year", "the year must be 1900–2399")
	}
	p, err := kit.ReadPageRequest(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := kit.PageOf(h.cfg.Calendar.Get().NonWorkingDays(year), p)
	return kit.WriteResult(w, http.StatusOK, page, err)
}

// Deadline answers when something received at from is due after
// working_days working days (default 2, the answer promise), by the same rule
// as contact requests. GET /api/v1/calendar/deadline?from=&working_days=.
func (h *Handlers) Deadline(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := time.Parse(time.RFC3339, q.Get("from"))
	if err != nil {
		return sotepe.Invalid("error.from", "from must be an RFC 3339 time with offset")
	}
	if err := sotepe.CheckDeadlineFrom(from); err != nil {
		return err
	}
	n := sotepe.PromiseWorkingDays
	if v := q.Get("working_days"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			return sotepe.Invalid("error.working_days", "working_days must be a whole number")
		}
	}
	due, err := h.cfg.Calendar.Get().Deadline(from, n)
	if err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"from": from.In(h.cfg.Location), "working_days": n, "due_at": due})
	return nil
}

// Closures lists the administrator's closure days: GET
// /api/v1/calendar/closures (administrators).
func (h *Handlers) Closures(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	days, err := h.cfg.Closures.List(r.Context(), u)
	if err != nil {
		return err
	}
	p, err := kit.ReadPageRequest(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := kit.PageOf(days, p)
	return kit.WriteResult(w, http.StatusOK, page, err)
}

// ClosureSave adds or renames a closure day and puts the new calendar in
// force: POST /api/v1/calendar/closures with {"date","names"}.
func (h *Handlers) ClosureSave(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	var d sotepe.ClosureDay
	if err := kit.DecodeJSON(r, &d); err != nil {
		return err
	}
	if err := h.cfg.Closures.Save(r.Context(), u, d); err != nil {
		return err
	}
	kit.WriteJSON(w, http.StatusCreated, d)
	return nil
}

// ClosureDelete removes a closure day: DELETE /api/v1/calendar/closures/{date}.
func (h *Handlers) ClosureDelete(w http.ResponseWriter, r *http.Request, u sotepe.User) error {
	return kit.NoContent(w, h.cfg.Closures.Delete(r.Context(), u, r.PathValue("date")))
}
