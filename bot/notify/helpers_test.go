package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/wecom"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// randomName returns a unique name for keys and queues of one test.
func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// MustRedis returns a Redis client: TAPLINE_TEST_REDIS_ADDR when set,
// else an in-process miniredis (returned too, nil on real Redis).
func MustRedis(tb testing.TB) (redis.UniversalClient, *miniredis.Miniredis) {
	tb.Helper()
	var m *miniredis.Miniredis
	addr := os.Getenv("TAPLINE_TEST_REDIS_ADDR")
	if addr == "" {
		m = miniredis.RunT(tb)
		addr = m.Addr()
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	tb.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("redis %s: %v", addr, err)
	}
	return rdb, m
}

// fakeWeCom is an httptest fake of the WeCom group robot. It answers the
// scripted replies in order (then errcode 0) and counts each delivered
// text per content.
type fakeWeCom struct {
	mu      sync.Mutex
	replies []int // >=100: errcode with HTTP 200; <100 never used; 500: HTTP 500
	calls   int
	got     map[string]int // content → delivered count
	keys    map[string]int // key → requests
	onOK    chan string
}

func newFakeWeCom(t *testing.T, replies ...int) (*fakeWeCom, *wecom.Robot) {
	f := &fakeWeCom{replies: replies, got: map[string]int{}, keys: map[string]int{}, onOK: make(chan string, 100)}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, wecom.NewRobot(wecom.WithRobotBaseURL(srv.URL))
}

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	content := body.Text.Content + body.Markdown.Content
	f.mu.Lock()
	f.calls++
	f.keys[r.URL.Query().Get("key")]++
	reply := 0
	if len(f.replies) > 0 {
		reply, f.replies = f.replies[0], f.replies[1:]
	}
	if reply == 0 {
		f.got[content]++
	}
	f.mu.Unlock()
	if reply == 500 {
		w.WriteHeader(500)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"errcode": reply, "errmsg": "fake"})
	if reply == 0 {
		select {
		case f.onOK <- content:
		default:
		}
	}
}

func (f *fakeWeCom) counts() (calls int, got map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	got = map[string]int{}
	for k, v := range f.got {
		got[k] = v
	}
	return f.calls, got
}

// fakeScheduler records armed tasks.
type fakeScheduler struct {
	mu  sync.Mutex
	ids []uint64
	at  map[uint64][]time.Time
}

func newFakeScheduler() *fakeScheduler { return &fakeScheduler{at: map[uint64][]time.Time{}} }

func (s *fakeScheduler) Enqueue(ctx context.Context, ids ...uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, ids...)
	return nil
}

func (s *fakeScheduler) EnqueueAt(ctx context.Context, id uint64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[id] = append(s.at[id], at)
	return nil
}

func (s *fakeScheduler) armed(id uint64) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.at[id]...)
}

// MustStore opens a fresh store (storetest) whose clock is clock.
func MustStore(tb testing.TB, clock bot.Clock) *store.DB {
	tb.Helper()
	return storetest.OpenConfig(tb, store.Config{Now: clock.Now})
}

// MustRows adds n pending text rows due at now to channel/target; the
// texts are "消息 <prefix>-<i>".
func MustRows(tb testing.TB, db *store.DB, n int, channel, target, prefix string, now time.Time) []uint64 {
	tb.Helper()
	rows := make([]*models.Outbox, n)
	for i := range rows {
		kind, payload, err := EncodeMessage(bot.Message{Text: textOf(prefix, i)})
		if err != nil {
			tb.Fatal(err)
		}
		rows[i] = &models.Outbox{Channel: channel, Target: target, Audience: "pipes",
			Kind: kind, Payload: payload, NextAt: now}
	}
	if err := db.AddOutbox(context.Background(), rows); err != nil {
		tb.Fatalf("add outbox: %v", err)
	}
	ids := make([]uint64, n)
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

func textOf(prefix string, i int) string {
	return "消息 " + prefix + "-" + string(rune('A'+i%26)) + string(rune('a'+i/26))
}

// MustRow returns a row from the store.
func MustRow(tb testing.TB, db *store.DB, id uint64) *models.Outbox {
	tb.Helper()
	row, err := db.FindOutbox(context.Background(), id)
	if err != nil {
		tb.Fatalf("find outbox %d: %v", id, err)
	}
	return row
}

// MustAttempts returns a row's attempts.
func MustAttempts(tb testing.TB, db *store.DB, id uint64) []*models.DeliveryAttempt {
	tb.Helper()
	as, err := db.Attempts(context.Background(), id)
	if err != nil {
		tb.Fatalf("attempts %d: %v", id, err)
	}
	return as
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

const testKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
