package dialog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
	"tapline/models"
	"tapline/models/store/storetest"
)

// memStore is an in-memory Store with real optimistic locking; sessions
// go through JSON like in Redis.
type memStore struct {
	mu   sync.Mutex
	data map[string][]byte
	ver  map[string]int64
	ttl  time.Duration
}

func newMemStore() *memStore {
	return &memStore{data: map[string][]byte{}, ver: map[string]int64{}}
}

func (m *memStore) Load(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.data[id]
	if !ok {
		return nil, nil
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	s.Version = m.ver[id]
	return &s, nil
}

func (m *memStore) Save(_ context.Context, s *Session, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ver[s.ResidentID] != s.Version {
		return models.Errorf(models.ECONFLICT, "session changed")
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	s.Version++
	m.data[s.ResidentID], m.ver[s.ResidentID], m.ttl = b, s.Version, ttl
	return nil
}

func (m *memStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, id)
	delete(m.ver, id)
	return nil
}

// fakeFiler numbers cases like the real service, idempotent on Key.
type fakeFiler struct {
	mu           sync.Mutex
	byKey        map[string]string
	filed        map[string]Draft // by number
	supplemented map[string]Draft
	err          error // returned by File while set
}

func newFakeFiler() *fakeFiler {
	return &fakeFiler{byKey: map[string]string{}, filed: map[string]Draft{}, supplemented: map[string]Draft{}}
}

func (f *fakeFiler) File(_ context.Context, d *Draft) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	if n, ok := f.byKey[d.Key]; ok {
		return n, nil
	}
	n := fmt.Sprintf("TS20261127-%04d", len(f.byKey)+42)
	f.byKey[d.Key], f.filed[n] = n, *d
	return n, nil
}

func (f *fakeFiler) Supplement(_ context.Context, d *Draft) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	if _, ok := f.filed[d.Number]; !ok {
		return models.Errorf(models.ENOTFOUND, "no case")
	}
	f.supplemented[d.Number] = *d
	return nil
}

func (f *fakeFiler) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeFiler) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.filed)
}

// fakeCases serves a fixed list of cases of several residents.
type fakeCases struct{ cases []*models.Case }

func (c *fakeCases) ResidentCases(_ context.Context, id string, limit int) ([]*models.Case, error) {
	var out []*models.Case
	for _, x := range c.cases {
		if x.ResidentID == id && len(out) < limit {
			out = append(out, x)
		}
	}
	return out, nil
}

func (c *fakeCases) CaseByNumber(_ context.Context, n string) (*models.Case, error) {
	for _, x := range c.cases {
		if x.Number == n {
			return x, nil
		}
	}
	return nil, models.Errorf(models.ENOTFOUND, "no case %s", n)
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness plays conversations against an Engine with the fakes above and
// the real resident store (SQLite, or MySQL in CI).
type harness struct {
	t     *testing.T
	e     *Engine
	store *memStore
	filer *fakeFiler
	cases *fakeCases
	res   models.ResidentService
	clock *fakeClock
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	texts, err := LoadTexts("../../configs/dialog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: newMemStore(), filer: newFakeFiler(), cases: &fakeCases{},
		res: storetest.Open(t), clock: &fakeClock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}}
	h.e = New(mustPolicy(t), texts, h.store, h.filer, h.cases, h.res, h.clock)
	return h
}

// send handles one update and returns the reply text.
func (h *harness) send(u bot.Update) string {
	h.t.Helper()
	if u.Platform == "" {
		u.Platform = bot.PlatformWeChat
	}
	r, err := h.e.Handle(context.Background(), u)
	if err != nil {
		h.t.Fatalf("Handle(%+v): %v", u, err)
	}
	return r.Text
}

// say sends a text from resident id.
func (h *harness) say(id, text string) string {
	h.t.Helper()
	return h.send(bot.Update{Kind: bot.KindText, SenderID: id, Text: text})
}

// expect sends a text and checks that the reply contains every want.
func (h *harness) expect(id, text string, want ...string) string {
	h.t.Helper()
	got := h.say(id, text)
	for _, w := range want {
		if !strings.Contains(got, w) {
			h.t.Fatalf("after %q the reply\n%s\nlacks %q", models.CutRunes(text, 80), got, w)
		}
	}
	return got
}

func (h *harness) session(id string) *Session {
	h.t.Helper()
	s, err := h.store.Load(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) draft(id string) Draft {
	h.t.Helper()
	s := h.session(id)
	if s == nil {
		h.t.Fatalf("no session for %s", id)
	}
	return s.Draft
}
