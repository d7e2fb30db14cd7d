package chat

import (
	"context"
	"sync"
	"time"

	"sotepe"
)

// How often Run does its work.
const (
	abandonEvery   = 30 * time.Second
	retentionEvery = time.Hour
	keepEvery      = time.Minute
	relistenAfter  = 5 * time.Second
	// foldEvery is how often Run folds the log of changes of chats into
	// the figures' roll-up: the figures are exact without it, but read
	// what is not folded one change at a time.
	foldEvery = 5 * time.Second
)

// The folds' bounds: about how many rows of the roll-up one transaction
// writes (some milliseconds on SQLite, whose one writer the chats wait for
// meanwhile), and how many transactions one call of FoldStats runs before
// the other sweeps get their turn.
const (
	foldRows      = 300
	maxFoldRounds = 100
)

// Run passes the signals of other processes (through the store) to this
// process's listeners, keeps residents whose streams are open present,
// abandons waiting chats whose residents have been away for
// sotepe.ChatReturnWindow (every 30 seconds), folds the changes of chats
// into the figures' roll-up (every 5 seconds) and deletes transcripts past
// their line's retention (every hour), until ctx ends. Failures are
// logged and tried again. Run one per process; on PostgreSQL the processes
// sharing a database fold one at a time.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.listen(ctx) })
	defer wg.Wait()
	abandon := time.NewTicker(abandonEvery)
	defer abandon.Stop()
	retention := time.NewTicker(retentionEvery)
	defer retention.Stop()
	keep := time.NewTicker(keepEvery)
	defer keep.Stop()
	fold := time.NewTicker(foldEvery)
	defer fold.Stop()
	s.sweep(ctx, true)
	s.fold(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-abandon.C:
			s.sweep(ctx, false)
		case <-retention.C:
			s.sweep(ctx, true)
		case <-keep.C:
			s.keepPresent(ctx)
		case <-fold.C:
			s.fold(ctx)
		}
	}
}

// listen feeds the store's signals into the hub until ctx ends, listening
// again after a failure.
func (s *Service) listen(ctx context.Context) {
	for {
		err := s.store.ListenChats(ctx, s.hub.Publish)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Warn("chat: listening to other processes failed", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(relistenAfter):
		}
	}
}

// sweep abandons chats and, when retention is set, deletes old
// transcripts, logging what it did.
func (s *Service) sweep(ctx context.Context, retention bool) {
	if n, err := s.SweepAbandoned(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("chat: abandoning chats failed", "err", err.Error())
	} else if n > 0 {
		s.log.Info("chat: chats abandoned", "count", n)
	}
	if !retention {
		return
	}
	if n, err := s.SweepTranscripts(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("chat: deleting transcripts failed", "err", err.Error())
	} else if n > 0 {
		s.log.Info("chat: transcripts deleted after retention", "count", n)
	}
}

// fold folds the log of changes of chats, logging a failure.
func (s *Service) fold(ctx context.Context) {
	if _, err := s.FoldStats(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("chat: folding the figures' log failed", "err", err.Error())
	}
}

// FoldStats adds the logged changes of chats to the roll-up of the figures
// until the log is empty (or another process is folding), in short
// transactions, and returns how many changes it folded. It stops after 100
// rounds even if changes keep coming; the next call goes on. Run calls it
// every 5 seconds.
func (s *Service) FoldStats(ctx context.Context) (int, error) {
	return sotepe.FoldRounds(ctx, maxFoldRounds, foldRows, s.store.FoldChatStats)
}

// SweepAbandoned ends as abandoned every waiting chat whose resident has
// not been seen for sotepe.ChatReturnWindow, tells their listeners, and
// returns how many it ended. Run calls it every 30 seconds.
func (s *Service) SweepAbandoned(ctx context.Context) (int, error) {
	now := s.now()
	chats, err := s.store.AbandonChats(ctx, now.Add(-sotepe.ChatReturnWindow), now)
	if err != nil {
		return 0, err
	}
	if len(chats) > 0 {
		s.status.invalidate()
	}
	for _, c := range chats {
		s.changed(c.ID)
	}
	return len(chats), nil
}

// SweepTranscripts deletes the messages of chats that ended more than
// their line's RetentionDays ago (the chats' figures stay) and returns how
// many chats lost theirs. Run calls it every hour.
func (s *Service) SweepTranscripts(ctx context.Context) (int, error) {
	lines, err := s.store.ChatLines(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	total := 0
	for _, l := range lines {
		n, err := s.store.DeleteChatTranscripts(ctx, l.ID, now.AddDate(0, 0, -l.RetentionDays))
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
