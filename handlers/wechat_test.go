package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot/simclient"
	"tapline/bot/wechat"
	"tapline/models"
)

func TestWeChatURLCheck(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	q := e.plain.SignedQuery(ts, "n1")
	q.Set("echostr", "echo-123")
	resp, body := get(t, e.srv.URL+"/webhooks/wechat?"+q.Encode())
	if resp.StatusCode != 200 || body != "echo-123" {
		t.Fatalf("good check: %d %q", resp.StatusCode, body)
	}
	q.Set("signature", strings.Repeat("0", 40))
	if resp, _ := get(t, e.srv.URL+"/webhooks/wechat?"+q.Encode()); resp.StatusCode != 403 {
		t.Fatalf("bad signature: %d", resp.StatusCode)
	}
}

func TestWeChatMessageBothModes(t *testing.T) {
	e := newEnvMode(t, 4*time.Second, wechat.ServerCompatible)
	for i, c := range []*simclient.Client{e.plain, e.aes} {
		text := fmt.Sprintf("水很黄 😡 <b>'; DROP TABLE cases;--</b> %d", i)
		r, err := c.Send(context.Background(), simclient.Text("o-resident", int64(100+i), text))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != 200 || r.Text != "收到："+text {
			t.Fatalf("mode %d: %d %q", i, r.Status, r.Text)
		}
	}
	if e.inboundCount(t) != 2 {
		t.Fatalf("raw messages recorded = %d, want 2", e.inboundCount(t))
	}
}

func TestWeChatRefusals(t *testing.T) {
	e := newEnvMode(t, 4*time.Second, wechat.ServerCompatible) // plaintext requests reach the decoder
	now := time.Now().Unix()
	good := func(ts int64) url.Values { return e.plain.SignedQuery(strconv.FormatInt(ts, 10), "nonce") }
	msg := []byte("<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>7</MsgId></xml>")
	tests := []struct {
		name string
		q    url.Values
		body []byte
		want int
	}{
		{"no signature", url.Values{"timestamp": {"1"}, "nonce": {"n"}}, msg, 403},
		{"wrong signature", withSig(good(now), strings.Repeat("a", 40)), msg, 403},
		{"stale timestamp", good(now - 3600), msg, 403},
		{"future timestamp", good(now + 3600), msg, 403},
		{"malformed xml", good(now), []byte("<xml><Content>unclosed"), 400},
		{"aes without envelope", withAES(good(now)), msg, 400},
		{"oversized", good(now), append([]byte("<xml><Content>"), make([]byte, 1<<20+10)...), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.plain.PostRaw(context.Background(), tt.q, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.want {
				t.Fatalf("status %d, want %d (%s)", r.Status, tt.want, r.Body)
			}
		})
	}
	if n := e.dialog.calls.Load(); n != 0 {
		t.Fatalf("dialog ran %d times on refused input", n)
	}
	if n := e.inboundCount(t); n != 0 {
		t.Fatalf("%d refused messages recorded", n)
	}
}

func withSig(q url.Values, sig string) url.Values { q.Set("signature", sig); return q }
func withAES(q url.Values) url.Values {
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", strings.Repeat("b", 40))
	return q
}

func TestWeChatRetryRunsOnce(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	e.dialog.delay = 300 * time.Millisecond
	msg := simclient.Text("o-retry", 4242, "停水了")
	var wg sync.WaitGroup
	replies := make([]string, 3)
	for i := range 3 { // WeChat's retries, here overlapping the first attempt
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 50 * time.Millisecond)
			r, err := e.aes.Send(context.Background(), msg)
			if err != nil {
				t.Error(err)
				return
			}
			replies[i] = r.Text
		}()
	}
	wg.Wait()
	if n := e.dialog.calls.Load(); n != 1 {
		t.Fatalf("dialog ran %d times for one MsgId", n)
	}
	// WeChat shows the answer to the attempt it still waits for: each one
	// carries the first reply (issue 13 item 7; it was "success" before).
	for i, r := range replies {
		if r != "收到：停水了" {
			t.Fatalf("delivery %d answered %q: %q", i, r, replies)
		}
	}
	// A later retry after completion repeats it and runs nothing.
	if r, _ := e.aes.Send(context.Background(), msg); r.Text != "收到：停水了" || e.dialog.calls.Load() != 1 {
		t.Fatalf("late retry: %q, calls %d", r.Text, e.dialog.calls.Load())
	}
}

func TestWeChatSlowStepAnswersLater(t *testing.T) {
	e := newEnv(t, 100*time.Millisecond)
	e.dialog.delay = 400 * time.Millisecond
	r, err := e.aes.Send(context.Background(), simclient.Text("o-slow", 9, "水压小"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 200 || r.Body != "success" {
		t.Fatalf("late step should answer success, got %d %q", r.Status, r.Body)
	}
	select {
	case <-e.notifier.sent:
	case <-time.After(5 * time.Second):
		t.Fatal("late reply never sent")
	}
	if len(e.notifier.texts) != 1 || e.notifier.texts[0] != "o-slow:收到：水压小" {
		t.Fatalf("late replies %q", e.notifier.texts)
	}
}

func TestWeChatDialogFailureIsCalm(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	e.dialog.err = models.Errorf(models.EUNAVAILABLE, "redis down")
	r, err := e.aes.Send(context.Background(), simclient.Text("o-err", 11, "你好"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != busyText {
		t.Fatalf("reply %q", r.Text)
	}
	if strings.Contains(r.Body, "redis") {
		t.Fatal("internal detail leaked")
	}
	if e.inboundCount(t) != 1 {
		t.Fatal("raw message not recorded")
	}
	// The resident's resend of the same message runs again.
	e.dialog.err = nil
	if r, _ := e.aes.Send(context.Background(), simclient.Text("o-err", 11, "你好")); r.Text != "收到：你好" {
		t.Fatalf("resend: %q", r.Text)
	}
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return resp, string(b)
}

// Issue 13 item 1: with an AES key configured, a plaintext request (its
// signature covers token, timestamp and nonce, not the body) is refused.
func TestWeChatPlaintextRefusedWithAESKey(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	r, err := e.plain.Send(context.Background(), simclient.Text("o-victim", 77, "接受"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusForbidden || e.dialog.calls.Load() != 0 || e.inboundCount(t) != 0 {
		t.Fatalf("plaintext with a key: %d %q, dialog calls %d, recorded %d", r.Status, r.Body,
			e.dialog.calls.Load(), e.inboundCount(t))
	}
}

// A query seen once (a proxy's access log) cannot carry another body,
// even in compatible mode where plaintext is taken.
func TestWeChatCapturedQueryCannotCarryAnotherBody(t *testing.T) {
	e := newEnvMode(t, 4*time.Second, wechat.ServerCompatible)
	q := e.plain.SignedQuery(strconv.FormatInt(time.Now().Unix(), 10), "n-captured")
	msg := func(from, text string, id int) []byte {
		return []byte(fmt.Sprintf("<xml><ToUserName>gh_test</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
			"<MsgType>text</MsgType><Content>%s</Content><MsgId>%d</MsgId></xml>", from, time.Now().Unix(), text, id))
	}
	first := msg("o-real", "停水了", 501)
	if r, err := e.plain.PostRaw(context.Background(), q, first); err != nil || r.Status != 200 || r.Text != "收到：停水了" {
		t.Fatalf("first: %v %+v", err, r)
	}
	if r, err := e.plain.PostRaw(context.Background(), q, msg("o-victim", "接受", 502)); err != nil || r.Status != http.StatusForbidden {
		t.Fatalf("forged body under the captured query: %v %+v", err, r)
	}
	if r, err := e.plain.PostRaw(context.Background(), q, first); err != nil || r.Status != 200 {
		t.Fatalf("WeChat's retry of the first request: %v %+v", err, r)
	}
	if n := e.dialog.calls.Load(); n != 1 {
		t.Fatalf("dialog ran %d times", n)
	}
}
