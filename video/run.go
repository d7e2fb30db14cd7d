package video

import (
	"context"
	"sync"
	"time"

	"sotepe"
)

// How Run publishes and listens.
const (
	// publishBatch is the most events published in one go (one
	// transaction on PostgreSQL).
	publishBatch = 64
	// publishTimeout bounds one publication.
	publishTimeout = 10 * time.Second
	// relistenAfter is the wait before listening again after the bus
	// failed.
	relistenAfter = 5 * time.Second
)

// Run carries the rooms' events between this process and the others
// sharing the database (Config.Bus) until ctx ends: it publishes what the
// rooms queue, in order, applies what the others publish, tells the
// others every heartbeat who of this process is in which room, and drops
// the participants of other processes no one told of for Expire (a
// process that died). A failed publication is logged and its events are
// lost; the next heartbeat puts the rooms' members right. Without a bus it
// returns at once. Run one per process.
func (s *Service) Run(ctx context.Context) {
	if s.bus == nil {
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.listen(ctx) })
	defer wg.Wait()
	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			// Those who left while the server shut down are gone for
			// the others at once, not after Expire.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			s.flush(fctx)
			cancel()
			return
		case <-s.hub.wake:
			s.flush(ctx)
		case <-beat.C:
			s.hub.heartbeat(s.expire)
			s.flush(ctx)
		}
	}
}

// flush publishes the queued events, in order.
func (s *Service) flush(ctx context.Context) {
	events, dropped := s.hub.take()
	if dropped > 0 {
		s.log.Warn("video: events for other processes dropped, too many queued", "count", dropped)
	}
	for len(events) > 0 {
		n := min(len(events), publishBatch)
		pctx, cancel := context.WithTimeout(ctx, publishTimeout)
		err := s.bus.PublishVideo(pctx, events[:n]...)
		cancel()
		if err != nil && ctx.Err() == nil {
			s.log.Warn("video: publishing to other processes failed", "code", sotepe.ErrorCode(err), "events", n)
		}
		events = events[n:]
	}
}

// listen applies the other processes' events until ctx ends, listening
// again after a failure.
func (s *Service) listen(ctx context.Context) {
	for {
		err := s.bus.ListenVideo(ctx, s.receive)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Warn("video: listening to other processes failed", "code", sotepe.ErrorCode(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(relistenAfter):
		}
	}
}

// receive applies one event of another process, and records a call it
// made held.
func (s *Service) receive(e sotepe.VideoEvent) {
	appt := s.hub.receive(e)
	if appt == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	if err := s.store.RecordVideoCall(ctx, appt, s.now()); err != nil {
		s.hub.unheld(appt)
		s.log.Warn("recording a held video call failed", "code", sotepe.ErrorCode(err))
	}
}
