package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// fakeClock is a settable, goroutine-safe clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is 2026-11-27 10:00:00.123 CST, the default clock of the tests.
var t0 = time.Date(2026, 11, 27, 2, 0, 0, 123_456_789, time.UTC)

// openClocked opens a fresh store whose clock starts at t0.
func openClocked(t testing.TB) (*store.DB, *fakeClock) {
	t.Helper()
	clk := newClock(t0)
	return storetest.OpenConfig(t, store.Config{Now: clk.Now}), clk
}

// newCase returns a filing with the given draft key and n outbox rows.
func newCase(key string, n int) *models.NewCase {
	nc := &models.NewCase{
		Case: models.Case{
			DraftKey: key, Status: models.StatusAssigned, Source: models.SourceWeChat,
			ResidentID: "openid-" + key, Category: "water_quality", Department: "quality",
			Name: "张三", Address: "幸福路 1 号", Phone: "13800001234",
			Details: "水有异味", Attachments: "[]",
		},
		Event: models.CaseEvent{Actor: "openid-" + key, Role: "resident", Channel: "wechat"},
	}
	for i := range n {
		nc.Outbox = append(nc.Outbox, models.Outbox{
			Channel: models.ChannelSink, Target: fmt.Sprintf("quality-%d", i),
			Kind: "text", Payload: `{"text":"new case"}`,
		})
	}
	return nc
}

// mustCreate files nc and fails the test unless a new case was created.
func mustCreate(t testing.TB, db *store.DB, nc *models.NewCase) *models.Case {
	t.Helper()
	c, created, err := db.CreateCase(context.Background(), nc)
	if err != nil || !created {
		t.Fatalf("CreateCase(%s) = created %v, err %v", nc.Case.DraftKey, created, err)
	}
	return c
}

// wantCode fails the test unless err carries the application code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := models.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}
