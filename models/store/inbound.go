package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// Defaults of the InboundBatcher's options.
const (
	defaultInboundRows    = 32
	defaultInboundBytes   = 1 << 20 // well under max_allowed_packet
	defaultInboundQueue   = 4096
	defaultInboundTimeout = 5 * time.Second
)

// InboundBatcher implements models.InboundService by group commit: each
// caller queues its row and waits until the multi-row INSERT holding it
// has committed, so the guarantee of RecordInbound (recorded before
// processing) is kept, while concurrent messages share one statement, one
// round trip and one commit instead of paying one each. One INSERT is in
// flight at a time; the rows that arrive meanwhile form the next one, so a
// lone message waits for no timer, only for the INSERT before it. A batch
// holds at most WithBatchRows rows and WithBatchBytes of raw payload (one
// row at least). No goroutine runs while nothing waits, so there is
// nothing to close. It is safe for concurrent use.
type InboundBatcher struct {
	db       *DB
	stmts    *gorm.PreparedStmtDB // the batcher's own statement cache (session)
	maxRows  int
	maxBytes int
	maxQueue int
	timeout  time.Duration

	mu      sync.Mutex
	queue   []*inboundReq
	running bool
}

// inboundReq is one queued row and where its outcome goes.
type inboundReq struct {
	row  models.InboundMessage
	done chan error // buffered: the writer never blocks on a gone caller
}

var _ models.InboundService = (*InboundBatcher)(nil)

// BatchOption configures an InboundBatcher.
type BatchOption func(*InboundBatcher)

// WithBatchRows bounds the rows of one INSERT (default 32).
func WithBatchRows(n int) BatchOption { return func(b *InboundBatcher) { b.maxRows = max(n, 1) } }

// WithBatchBytes bounds the raw payload bytes of one INSERT (default 1 MiB).
func WithBatchBytes(n int) BatchOption { return func(b *InboundBatcher) { b.maxBytes = max(n, 1) } }

// WithBatchQueue bounds the rows waiting for an INSERT (default 4096);
// beyond it RecordInbound fails at once with EUNAVAILABLE.
func WithBatchQueue(n int) BatchOption { return func(b *InboundBatcher) { b.maxQueue = max(n, 1) } }

// WithBatchTimeout bounds one INSERT (default 5 s).
func WithBatchTimeout(d time.Duration) BatchOption { return func(b *InboundBatcher) { b.timeout = d } }

// NewInboundBatcher returns a batcher writing to db.
func NewInboundBatcher(db *DB, opts ...BatchOption) *InboundBatcher {
	b := &InboundBatcher{db: db, stmts: gorm.NewPreparedStmtDB(db.sqlDB, 0, 0), maxRows: defaultInboundRows,
		maxBytes: defaultInboundBytes, maxQueue: defaultInboundQueue, timeout: defaultInboundTimeout}
	for _, o := range opts {
		o(b)
	}
	return b
}

// RecordInbound implements models.InboundService: it returns once the row
// is committed (m gets its ID), or with the INSERT's error. When ctx ends
// first it returns EUNAVAILABLE, and the row may still be written: callers
// treat that as not recorded, which promises nothing it cannot keep.
func (b *InboundBatcher) RecordInbound(ctx context.Context, m *models.InboundMessage) error {
	const op = "store: record inbound"
	if m == nil {
		return models.Errorf(models.EINVALID, "No inbound message to record.")
	}
	if err := ctx.Err(); err != nil {
		return b.db.wrap(op, err) // an ended caller queues nothing
	}
	req := &inboundReq{row: b.db.inboundRow(m), done: make(chan error, 1)}
	if !b.enqueue(req) {
		return b.db.wrap(op, models.Errorf(models.EUNAVAILABLE, "Too many messages are waiting to be recorded."))
	}
	select {
	case err := <-req.done:
		if err != nil {
			return b.db.inboundError(err)
		}
		*m = req.row
		return nil
	case <-ctx.Done():
		return b.db.wrap(op, ctx.Err())
	}
}

// ReleaseInbound implements models.InboundService.
func (b *InboundBatcher) ReleaseInbound(ctx context.Context, key string) error {
	return b.db.ReleaseInbound(ctx, key)
}

// enqueue queues req and starts the writer unless it runs; false when the
// queue is full.
func (b *InboundBatcher) enqueue(req *inboundReq) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) >= b.maxQueue {
		return false
	}
	b.queue = append(b.queue, req)
	if !b.running {
		b.running = true
		go b.run()
	}
	return true
}

// run writes batches until the queue is empty, then ends.
func (b *InboundBatcher) run() {
	for batch := b.next(); batch != nil; batch = b.next() {
		b.write(batch)
	}
}

// next takes the next batch off the queue, or marks the writer stopped
// and returns nil when there is none.
func (b *InboundBatcher) next() []*inboundReq {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.running = false
		b.queue = nil // let a burst's backing array go
		return nil
	}
	n, size := 0, 0
	for n < len(b.queue) && n < b.maxRows {
		size += len(b.queue[n].row.Raw)
		if n > 0 && size > b.maxBytes {
			break
		}
		n++
	}
	batch := slices.Clone(b.queue[:n])
	b.queue = slices.Delete(b.queue, 0, n)
	return batch
}

// write inserts one batch and tells each caller its outcome. When the
// multi-row INSERT fails for a reason other than an unreachable database,
// each row is tried alone, so that one bad row fails only its own caller.
func (b *InboundBatcher) write(batch []*inboundReq) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	rows := make([]models.InboundMessage, len(batch))
	for i, r := range batch {
		rows[i] = r.row
	}
	err := b.session(ctx).Create(&rows).Error
	if err != nil && len(batch) > 1 && !isUnavailable(err) {
		for _, r := range batch {
			r.done <- b.session(ctx).Create(&r.row).Error
		}
		return
	}
	for i, r := range batch {
		if err == nil {
			r.row.ID = rows[i].ID
		}
		r.done <- err
	}
}

// session returns a handle whose statements go through the batcher's own
// prepared-statement cache, not the store's shared one. Every batch size
// is another SQL text, and a text new to gorm's cache takes the cache's
// write lock while readers may be waiting there, under the read lock, for
// a statement another goroutine prepares; when that one waits for a
// connection held by a transaction that waits for the lock (SQLite has
// one connection; a busy MySQL pool may have none free) nothing moves
// until the contexts expire, which the embedded server did under load. Only
// the batcher's one writer uses its cache, so nobody waits on its lock.
func (b *InboundBatcher) session(ctx context.Context) *gorm.DB {
	conn := b.db.conn.Session(&gorm.Session{NewDB: true, Context: ctx})
	conn.Statement.ConnPool = b.stmts
	return conn
}

// inboundRow readies a copy of m for insertion: a new row, received now
// unless set, in UTC milliseconds.
func (db *DB) inboundRow(m *models.InboundMessage) models.InboundMessage {
	row := *m
	row.ID = 0
	if row.ReceivedAt.IsZero() {
		row.ReceivedAt = db.now()
	}
	row.ReceivedAt = norm(row.ReceivedAt)
	return row
}

// inboundKeyIndex is the unique index of the dedupe key; before it, an
// ordinary index had the same column (retiredIndexes).
const inboundKeyIndex = "uniq_inbound_dedupe_key"

// uniqueInboundKeys readies the inbound messages an earlier version
// recorded for the unique dedupe key: after the first row of a key, each
// one gets "#" and its ID appended, so every raw message is kept and the
// index can be built. It does nothing once the index exists.
func uniqueInboundKeys(conn *gorm.DB, db *DB) error {
	m := conn.Migrator()
	if !m.HasTable(&models.InboundMessage{}) || m.HasIndex(&models.InboundMessage{}, inboundKeyIndex) {
		return nil
	}
	err := conn.Exec("UPDATE inbound_messages SET dedupe_key = " + db.suffixedKey() + " WHERE id IN (" +
		"SELECT id FROM (SELECT i.id FROM inbound_messages i JOIN inbound_messages j " +
		"ON j.dedupe_key = i.dedupe_key AND j.id < i.id) AS later)").Error
	if err != nil {
		return fmt.Errorf("unique inbound keys: %w", err)
	}
	return nil
}
