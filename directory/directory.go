// Package directory serves the public, read-only view of the service network
// (sotepe.Directory) from memory.
//
// The network is small (a few hundred units in a city, a few thousand in a
// region) and changes rarely, while the directory search is the busiest
// route of the service. An Index loads the whole network from a
// sotepe.Directory (the store) into an immutable snapshot and answers every
// read from it, with the store's semantics and order but without a query.
//
// A snapshot lives for Options.TTL. The first read after that starts one
// background reload and keeps answering from the old snapshot until the new
// one is ready, so changes to the network show up in every process within
// about TTL (plus the moment a reload takes). A process that changes the
// network itself calls Refresh to see its change at once.
package directory

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sotepe"
)

// DefaultTTL is how long a snapshot serves before a read triggers a reload,
// when Options.TTL is not set.
const DefaultTTL = 30 * time.Second

// loadTimeout bounds the first load in New and every background reload.
const loadTimeout = 10 * time.Second

// Options configure an Index. The zero value is usable.
type Options struct {
	// TTL is how long a snapshot serves before the next read triggers a
	// background reload, and how long to wait before retrying a failed
	// reload. Zero or negative means DefaultTTL.
	TTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives a warning when a background reload fails; nil
	// discards.
	Logger *slog.Logger
}

// Index is a sotepe.Directory answered from an in-memory snapshot of the
// network that it loaded from a source directory, reloaded in the background
// once the snapshot is older than its TTL. It is safe for concurrent use.
//
// The Unit values that Units and Unit return share their slices (Concepts,
// Services, Languages, Hours.Regular, Hours.Exceptions) with the snapshot
// that every other reader sees: callers must treat them as read-only. The
// slices are clipped to their length, so an append by a careless caller
// copies instead of overwriting the snapshot. The lists that Areas,
// Concepts, Districts, Producers and Services return are the caller's own.
type Index struct {
	src sotepe.Directory
	ttl time.Duration
	now func() time.Time
	log *slog.Logger

	snap atomic.Pointer[snapshot]
	// due is the instant (Unix nanoseconds by now) from which a read
	// starts a background reload.
	due atomic.Int64
	// reloading is set while a background reload runs, so that concurrent
	// readers start only one.
	reloading atomic.Bool
	// loadMu serialises loads, so that a slow load that started earlier
	// never replaces the snapshot of one that started later.
	loadMu sync.Mutex

	// mu guards closed and the wg.Add of a starting background reload.
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

var _ sotepe.Directory = (*Index)(nil)

// New loads the network from src (normally the store) and returns an Index
// that answers from it. The first load has ten seconds; its failure is
// New's error, so that a process does not start with an empty directory.
func New(src sotepe.Directory, opts Options) (*Index, error) {
	if src == nil {
		return nil, &sotepe.Error{Code: sotepe.EInternal, Message: "directory: no source to load the network from"}
	}
	x := &Index{src: src, ttl: opts.TTL, now: opts.Now, log: opts.Logger}
	if x.ttl <= 0 {
		x.ttl = DefaultTTL
	}
	if x.now == nil {
		x.now = time.Now
	}
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	if err := x.reload(ctx, false); err != nil {
		return nil, err
	}
	return x, nil
}

// Refresh reloads the network from the source now and waits for it: after
// a process changes the network, Refresh makes its Index show the change
// without waiting for the TTL. On failure the previous snapshot stays.
func (x *Index) Refresh(ctx context.Context) error {
	return x.reload(ctx, false)
}

// Close stops the Index from starting background reloads and waits for one
// that is running, so that the source can be closed after it. The Index
// still answers from its last snapshot, and Refresh still works.
func (x *Index) Close() error {
	x.mu.Lock()
	x.closed = true
	x.mu.Unlock()
	x.wg.Wait()
	// Reads no longer look for a reload to start, until a Refresh.
	x.due.Store(math.MaxInt64)
	return nil
}

// reload loads a snapshot and makes it current. A failed background reload
// is retried a TTL later.
func (x *Index) reload(ctx context.Context, background bool) error {
	x.loadMu.Lock()
	defer x.loadMu.Unlock()
	start := x.now()
	s, err := load(ctx, x.src)
	if err != nil {
		if background {
			x.due.Store(x.now().Add(x.ttl).UnixNano())
		}
		return err
	}
	s.loaded = start
	x.snap.Store(s)
	x.due.Store(start.Add(x.ttl).UnixNano())
	return nil
}

// current returns the snapshot to answer from, starting a background
// reload when it is due.
func (x *Index) current() *snapshot {
	s := x.snap.Load()
	if x.now().UnixNano() >= x.due.Load() {
		x.startReload()
	}
	return s
}

// startReload starts one background reload unless one runs already, or the
// Index is closed.
func (x *Index) startReload() {
	if !x.reloading.CompareAndSwap(false, true) {
		return
	}
	// A reload may have landed between the caller's check and the swap.
	if x.now().UnixNano() < x.due.Load() {
		x.reloading.Store(false)
		return
	}
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		x.reloading.Store(false)
		return
	}
	x.wg.Add(1)
	x.mu.Unlock()
	go func() {
		defer x.wg.Done()
		defer x.reloading.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
		defer cancel()
		if err := x.reload(ctx, true); err != nil {
			age := x.now().Sub(x.snap.Load().loaded)
			x.log.Warn("directory: reload failed; serving the previous snapshot and retrying after the TTL",
				"error", err, "snapshot_age", age.Round(time.Millisecond).String(), "ttl", x.ttl.String())
		}
	}()
}

// Areas returns every service area in the store's order (Order, then id).
func (x *Index) Areas(ctx context.Context) ([]sotepe.Area, error) {
	return slices.Clone(x.current().areas), nil
}

// Concepts returns every service concept, ordered by id.
func (x *Index) Concepts(ctx context.Context) ([]sotepe.Concept, error) {
	return slices.Clone(x.current().concepts), nil
}

// Districts returns every district, ordered by id.
func (x *Index) Districts(ctx context.Context) ([]sotepe.District, error) {
	return slices.Clone(x.current().districts), nil
}

// Producers returns every producer, ordered by id.
func (x *Index) Producers(ctx context.Context) ([]sotepe.Producer, error) {
	return slices.Clone(x.current().producers), nil
}
