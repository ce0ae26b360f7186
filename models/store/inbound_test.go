package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"tapline/models"
	"tapline/models/store"
)

// insertSpy watches the INSERTs into inbound_messages: how many, how many
// rows each, and can hold the first one until released.
type insertSpy struct {
	mu      sync.Mutex
	sizes   []int
	hold    chan struct{} // nil: never hold
	started chan struct{}
	failKey string // a batch holding this DedupeKey fails
}

func spyInbound(t *testing.T, db *store.DB, hold bool, failKey string) *insertSpy {
	t.Helper()
	s := &insertSpy{started: make(chan struct{}), failKey: failKey}
	if hold {
		s.hold = make(chan struct{})
	}
	first := sync.Once{}
	err := db.Gorm().Callback().Create().Before("gorm:create").Register("test:inbound_spy", func(tx *gorm.DB) {
		if tx.Statement.Table != "inbound_messages" {
			return
		}
		rows := inboundRows(tx)
		s.mu.Lock()
		s.sizes = append(s.sizes, len(rows))
		s.mu.Unlock()
		first.Do(func() {
			close(s.started)
			if s.hold != nil {
				<-s.hold
			}
		})
		for _, r := range rows {
			if s.failKey != "" && r.DedupeKey == s.failKey {
				_ = tx.AddError(errors.New("spy: refused row"))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inboundRows returns the rows of one Create: a slice or a single row.
func inboundRows(tx *gorm.DB) []models.InboundMessage {
	switch v := tx.Statement.Dest.(type) {
	case *[]models.InboundMessage:
		return *v
	case *models.InboundMessage:
		return []models.InboundMessage{*v}
	}
	return nil
}

func (s *insertSpy) inserts() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.sizes...)
}

// recordAll records n messages at once and returns each caller's result.
func recordAll(b *store.InboundBatcher, n int, prefix string) ([]*models.InboundMessage, []error) {
	msgs := make([]*models.InboundMessage, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		msgs[i] = &models.InboundMessage{Platform: "wechat", DedupeKey: fmt.Sprintf("%s-%d", prefix, i),
			Sender: "o-batch", Raw: fmt.Sprintf("<xml>%s %d</xml>", prefix, i)}
		wg.Go(func() { errs[i] = b.RecordInbound(context.Background(), msgs[i]) })
	}
	wg.Wait()
	return msgs, errs
}

// Concurrent messages share INSERTs, and each caller gets the ID of its
// own row once that row is committed.
func TestInboundBatcherGroupsConcurrentRows(t *testing.T) {
	db, _ := openClocked(t)
	spy := spyInbound(t, db, true, "")
	b := store.NewInboundBatcher(db, store.WithBatchRows(20))
	first := make(chan error, 1)
	go func() {
		first <- b.RecordInbound(context.Background(), &models.InboundMessage{Platform: "wechat", DedupeKey: "first", Raw: "x"})
	}()
	<-spy.started // the first INSERT is in flight: the others queue behind it
	var msgs []*models.InboundMessage
	var errs []error
	done := make(chan struct{})
	go func() { msgs, errs = recordAll(b, 40, "grp"); close(done) }()
	time.Sleep(300 * time.Millisecond)
	close(spy.hold)
	<-done
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
	assertOwnRows(t, db, msgs)
	sizes := spy.inserts()
	if len(sizes) > 5 {
		t.Fatalf("41 rows took %d INSERTs %v; want them grouped", len(sizes), sizes)
	}
	for _, n := range sizes {
		if n > 20 {
			t.Fatalf("an INSERT of %d rows; the bound is 20 (%v)", n, sizes)
		}
	}
}

// assertOwnRows checks that every caller's ID points to its own stored row.
func assertOwnRows(t *testing.T, db *store.DB, msgs []*models.InboundMessage) {
	t.Helper()
	var rows []models.InboundMessage
	if err := db.Gorm().Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	byID := map[uint64]models.InboundMessage{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	for _, m := range msgs {
		got, ok := byID[m.ID]
		if m.ID == 0 || !ok || got.DedupeKey != m.DedupeKey || got.Raw != m.Raw {
			t.Fatalf("caller %s got ID %d, stored row %+v", m.DedupeKey, m.ID, got)
		}
	}
}

// A batch failing on one row is retried row by row: only that row's
// caller gets the error.
func TestInboundBatcherIsolatesBadRow(t *testing.T) {
	db, _ := openClocked(t)
	spyInbound(t, db, false, "bad-3")
	b := store.NewInboundBatcher(db)
	msgs, errs := recordAll(b, 8, "bad")
	var good []*models.InboundMessage
	for i, err := range errs {
		switch {
		case i == 3 && err == nil:
			t.Fatal("the refused row was reported recorded")
		case i != 3 && err != nil:
			t.Fatalf("caller %d failed with another's row: %v", i, err)
		case i != 3:
			good = append(good, msgs[i])
		}
	}
	assertOwnRows(t, db, good)
}

// Beyond the queue bound callers are refused at once; a caller whose
// context ends stops waiting with EUNAVAILABLE.
func TestInboundBatcherBounds(t *testing.T) {
	db, _ := openClocked(t)
	spy := spyInbound(t, db, true, "")
	b := store.NewInboundBatcher(db, store.WithBatchQueue(1))
	go func() {
		_ = b.RecordInbound(context.Background(), &models.InboundMessage{Platform: "wechat", DedupeKey: "held", Raw: "held"})
	}()
	<-spy.started
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	errs := make([]error, 5)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			errs[i] = b.RecordInbound(ctx, &models.InboundMessage{Platform: "wechat", DedupeKey: fmt.Sprintf("q-%d", i), Raw: "q"})
		})
	}
	time.Sleep(100 * time.Millisecond) // the refused ones return at once
	close(spy.hold)
	wg.Wait()
	refused := 0
	for _, err := range errs {
		if err != nil {
			wantCode(t, err, models.EUNAVAILABLE)
			if !strings.Contains(err.Error(), "Too many") {
				t.Fatalf("error = %v", err)
			}
			refused++
		}
	}
	if refused != 4 {
		t.Fatalf("%d of 5 refused with a queue of 1 (errors %v)", refused, errs)
	}
	gone, stop := context.WithCancel(context.Background())
	stop()
	err := b.RecordInbound(gone, &models.InboundMessage{Platform: "wechat", DedupeKey: "late", Raw: "late"})
	wantCode(t, err, models.EUNAVAILABLE)
	if err := b.RecordInbound(context.Background(), nil); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("nil message: %v", err)
	}
}
