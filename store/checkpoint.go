package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// SQLite in WAL mode appends commits to the log and copies them into the
// database file at a checkpoint, which by default the committing
// connection runs itself once the log holds 1,000 pages: about one booking
// in a hundred then waited for a few thousand page writes and an extra
// sync of the database file, which made the tail of booking times. A
// checkpointer runs PASSIVE checkpoints on a connection of its own every
// interval instead; a passive checkpoint waits for no reader or writer, so
// bookings go on meanwhile, and copies what it can. The writer's own
// automatic checkpoint stays as a bound (at 10,000 pages) in case the
// checkpointer falls behind.
type checkpointer struct {
	db   *sql.DB
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// startCheckpointer checkpoints db's log every interval until stop.
func startCheckpointer(db *sql.DB, every time.Duration, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, quit: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-c.quit:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			var busy, logged, copied int
			err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied)
			cancel()
			if err != nil {
				// The writer's own checkpoint still bounds the log.
				log.Warn("background checkpoint failed", "err", err.Error())
			}
		}
	}()
	return c
}

// stop ends the checkpoints and closes their connection.
func (c *checkpointer) stop() error {
	c.once.Do(func() { close(c.quit) })
	c.wg.Wait()
	return c.db.Close()
}
