package store

import (
	"context"
	"database/sql"
	"strconv"
	"sync"

	"sotepe"
)

// SQLite has one writer, and with synchronous=FULL every commit waits for
// the disk. When many residents submit at once, committing each submission
// on its own makes them queue behind one another's disk waits. A batcher
// runs the writes that arrive together in one transaction, each inside its
// own savepoint so that one failing write undoes only itself, and answers
// every caller only after the shared commit: the same durability for each,
// one disk wait for all (group commit). PostgreSQL commits concurrent
// transactions together by itself, so there the store uses plain
// transactions.

// maxBatch bounds how many writes share one commit.
const maxBatch = 64

// batchJob is one write waiting for a batch.
type batchJob struct {
	ctx  context.Context
	op   string
	fn   func(tx *sql.Tx) error
	done chan error
}

// batcher runs batchJobs on the writer connection.
type batcher struct {
	s    *Store
	jobs chan batchJob
	quit chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, jobs: make(chan batchJob), quit: make(chan struct{})}
	b.wg.Add(1)
	go b.loop()
	return b
}

// stop ends the loop after the batch in progress; later writes are refused.
func (b *batcher) stop() {
	b.once.Do(func() { close(b.quit) })
	b.wg.Wait()
}

// run hands fn to the batch loop and waits for the commit that includes it.
func (b *batcher) run(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	j := batchJob{ctx: ctx, op: op, fn: fn, done: make(chan error, 1)}
	select {
	case b.jobs <- j:
	case <-b.quit:
		return &sotepe.Error{Code: sotepe.EUnavailable, Message: "store: closed"}
	case <-ctx.Done():
		return b.s.fail(op, ctx.Err())
	}
	// The loop always answers a job it took, so wait for it even if ctx
	// ends: the write may already be committed.
	return <-j.done
}

func (b *batcher) loop() {
	defer b.wg.Done()
	for {
		var first batchJob
		select {
		case first = <-b.jobs:
		case <-b.quit:
			return
		}
		batch := []batchJob{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-b.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		b.commit(batch)
	}
}

// commit runs one batch in one transaction and answers each job.
func (b *batcher) commit(batch []batchJob) {
	results := make([]error, len(batch))
	answer := func(err error) {
		for i, j := range batch {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
	}
	tx, err := b.s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		answer(b.s.fail("batch: begin", err))
		return
	}
	ok := 0
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = b.s.fail(j.op, err)
			continue
		}
		sp := "w" + strconv.Itoa(i)
		if _, err := tx.ExecContext(j.ctx, "SAVEPOINT "+sp); err != nil {
			results[i] = b.s.fail(j.op, err)
			continue
		}
		if err := j.fn(tx); err != nil {
			results[i] = b.s.fail(j.op, err)
			if _, rerr := tx.ExecContext(context.Background(), "ROLLBACK TO "+sp); rerr != nil {
				// The transaction is in an unknown state: give up on all.
				_ = tx.Rollback()
				answer(b.s.fail("batch: rollback to savepoint", rerr))
				return
			}
		} else {
			ok++
		}
		if _, err := tx.ExecContext(context.Background(), "RELEASE "+sp); err != nil {
			_ = tx.Rollback()
			answer(b.s.fail("batch: release savepoint", err))
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		answer(nil)
		return
	}
	if err := tx.Commit(); err != nil {
		// Nothing of the batch is stored: every job fails, even those whose
		// own statements went well.
		for i := range results {
			results[i] = nil
		}
		answer(b.s.fail("batch: commit", err))
		return
	}
	answer(nil)
}

// inBatch runs fn in a transaction shared with other concurrent writes on
// SQLite, and in a transaction of its own on PostgreSQL. fn must not keep
// state across calls that a rollback of its savepoint would leave wrong.
func (s *Store) inBatch(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if s.batch == nil {
		return s.inTx(ctx, op, fn)
	}
	return s.batch.run(ctx, op, fn)
}
