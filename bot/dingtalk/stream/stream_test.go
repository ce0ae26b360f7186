package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot/dingtalk/dingtalktest"
	"tapline/bot/redisstore"
	"tapline/bot/redisstore/redistest"
)

// effects is a handler that dedupes each frame by its msgId with the
// webhooks' Redis dedupe before acting, as the handlers' step path does,
// and counts the actions.
type effects struct {
	dedupe *redisstore.Dedupe
	mu     sync.Mutex
	done   map[string]int
	during func(msgID string) // called while handling, before the ACK
}

func (e *effects) handle(ctx context.Context, topic string, data []byte) ([]byte, error) {
	var m struct {
		MsgID string `json:"msgId"`
	}
	if err := json.Unmarshal(data, &m); err != nil || topic != TopicRobot {
		return nil, fmt.Errorf("bad frame %s %s", topic, data)
	}
	first, err := e.dedupe.Claim(ctx, "dingtalk:"+m.MsgID)
	if err != nil {
		return nil, err
	}
	if first {
		e.mu.Lock()
		e.done[m.MsgID]++
		during := e.during
		e.mu.Unlock()
		if during != nil {
			during(m.MsgID)
		}
	}
	return []byte(`{"ok":true}`), nil
}

func (e *effects) count(id string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.done[id]
}

type rig struct {
	g      *dingtalktest.Gateway
	rdb    *redis.Client
	prefix string
	fx     *effects
}

// replica is one running Client with a Redis connection of its own.
type replica struct {
	*Client
	stop  func()
	crash func() // dies without giving up the lease
}

func newRig(t *testing.T) *rig {
	g := dingtalktest.New(t, "dingkey", "dingsecret")
	rdb, prefix := clockedRedis(t)
	return &rig{g: g, rdb: rdb, prefix: prefix,
		fx: &effects{dedupe: redisstore.NewDedupe(rdb, prefix, time.Minute), done: map[string]int{}}}
}

// start runs a replica until the test ends or it is stopped.
func (r *rig) start(t *testing.T) *replica {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: r.rdb.Options().Addr})
	c, err := New(Config{ClientID: "dingkey", ClientSecret: "dingsecret", OpenAPIBase: r.g.URL(),
		Idle: 400 * time.Millisecond, LeaseTTL: 900 * time.Millisecond, Poll: 50 * time.Millisecond,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond},
		r.fx.handle, rdb, r.prefix, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done; _ = rdb.Close() }) }
	crash := func() { once.Do(func() { _ = rdb.Close(); cancel(); <-done }) }
	t.Cleanup(stop)
	return &replica{Client: c, stop: stop, crash: crash}
}

// clockedRedis is the real Redis of TAPLINE_TEST_REDIS_ADDR, or a
// miniredis whose clock runs as the embedded default's does (miniredis
// expires keys only when its clock is moved): the lease must expire.
func clockedRedis(t *testing.T) (*redis.Client, string) {
	if os.Getenv("TAPLINE_TEST_REDIS_ADDR") != "" {
		return redistest.New(t)
	}
	m := miniredis.RunT(t)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				m.FastForward(20 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() { close(done) })
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, redistest.Prefix(t)
}

func robotData(id string) []byte {
	return []byte(`{"msgtype":"text","text":{"content":"接单"},"msgId":"` + id + `","conversationId":"cid1","senderStaffId":"s1"}`)
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStreamHandlesThenAcks(t *testing.T) {
	r := newRig(t)
	c := r.start(t)
	if err := c.Ready(t.Context()); err == nil && !c.Connected() {
		t.Fatal("ready before any connection")
	}
	waitFor(t, "connection", 2*time.Second, c.Connected)
	if err := c.Ready(t.Context()); err != nil {
		t.Fatalf("ready: %v", err)
	}
	subs := r.g.Subscriptions()
	if len(subs) != 2 || subs[0] != "CALLBACK "+TopicRobot || subs[1] != "CALLBACK "+TopicCard {
		t.Fatalf("subscriptions %v", subs)
	}
	id := r.g.Push(TopicRobot, robotData("m1"))
	waitFor(t, "ack", 2*time.Second, func() bool { return len(r.g.Acks(id)) == 1 })
	if a := r.g.Acks(id)[0]; a.Code != 200 || a.Data != `{"ok":true}` || r.fx.count("m1") != 1 {
		t.Fatalf("ack %+v, handled %d", a, r.fx.count("m1"))
	}
	ping := r.g.Ping()
	waitFor(t, "ping echo", 2*time.Second, func() bool { return len(r.g.Acks(ping)) == 1 })
	// A frame the handler refuses is not ACKed: it stays for redelivery.
	bad := r.g.Push(TopicCard, []byte(`{}`))
	time.Sleep(100 * time.Millisecond)
	if len(r.g.Acks(bad)) != 0 {
		t.Fatal("a frame the handler refused was ACKed")
	}
}

// The socket killed mid-frame, a frame whose ACK is lost because the socket
// dies while it is handled, the server's disconnect and a socket gone
// silent: every frame is handled exactly once and none is lost.
func TestStreamEveryFrameExactlyOnce(t *testing.T) {
	r := newRig(t)
	c := r.start(t)
	waitFor(t, "connection", 2*time.Second, c.Connected)
	var ids []string
	push := func(n int) {
		for range n {
			ids = append(ids, r.g.Push(TopicRobot, robotData(fmt.Sprintf("m%d", len(ids)))))
		}
	}
	push(3)
	r.g.KillMidFrame()
	push(2) // kept by the fake until the client is back
	waitFor(t, "reconnect after the kill", 3*time.Second, func() bool { return r.g.Connections() >= 2 })
	r.fx.mu.Lock()
	r.fx.during = func(msgID string) {
		if msgID == "m5" {
			r.g.KillMidFrame() // handled, the ACK cannot reach DingTalk
		}
	}
	r.fx.mu.Unlock()
	push(1)
	waitFor(t, "reconnect after the lost ack", 3*time.Second, func() bool { return r.g.Connections() >= 3 })
	r.g.Disconnect(time.Second)
	push(2) // after disconnect the fake sends nothing on the old socket
	waitFor(t, "reconnect after disconnect", 3*time.Second, func() bool { return r.g.Connections() >= 4 })
	r.g.GoSilent()
	push(1)
	waitFor(t, "every frame ACKed", 5*time.Second, func() bool { return r.g.Pending() == 0 })
	if r.g.Connections() < 5 {
		t.Fatalf("the silent socket was not replaced: %d connections", r.g.Connections())
	}
	for i, id := range ids {
		if n := r.fx.count(fmt.Sprintf("m%d", i)); n != 1 || len(r.g.Acks(id)) != 1 {
			t.Errorf("frame %d: handled %d times, %d ACKs", i, n, len(r.g.Acks(id)))
		}
	}
}

// One connection per app: a second replica stands by; when the holder
// dies without giving the lease up, the other connects within 10 s.
func TestStreamOneConnectionAcrossReplicas(t *testing.T) {
	r := newRig(t)
	// A dead replica holds the lease: nobody connects until it expires.
	dead := NewLease(r.rdb, r.prefix, "dingkey", 900*time.Millisecond)
	if ok, err := dead.Acquire(t.Context()); !ok || err != nil {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	a, b := r.start(t), r.start(t)
	time.Sleep(300 * time.Millisecond)
	if a.Connected() || b.Connected() {
		t.Fatal("connected while another replica held the lease")
	}
	waitFor(t, "takeover", 10*time.Second, func() bool { return a.Connected() || b.Connected() })
	time.Sleep(300 * time.Millisecond)
	if a.Connected() && b.Connected() {
		t.Fatal("two replicas connected")
	}
	holder, other := a, b
	if b.Connected() {
		holder, other = b, a
	}
	id := r.g.Push(TopicRobot, robotData("x1"))
	waitFor(t, "ack", 2*time.Second, func() bool { return len(r.g.Acks(id)) == 1 })
	holder.crash()
	start := time.Now()
	waitFor(t, "the other replica takes over", 10*time.Second, other.Connected)
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("takeover took %s", d)
	}
	id = r.g.Push(TopicRobot, robotData("x2"))
	waitFor(t, "ack by the new holder", 2*time.Second, func() bool { return len(r.g.Acks(id)) == 1 })
	if r.fx.count("x1") != 1 || r.fx.count("x2") != 1 {
		t.Fatalf("handled x1 %d, x2 %d times", r.fx.count("x1"), r.fx.count("x2"))
	}
}
