package wecom

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/wechat"
)

const (
	sCorp   = "ww_test_corp"
	sAgent  = "1000002"
	sSecret = "S3cr3t-app-secret-value"
)

// testCache returns a RedisCache on TAPLINE_TEST_REDIS_ADDR or on an
// in-process miniredis, under a random prefix.
func testCache(tb testing.TB) *wechat.RedisCache {
	tb.Helper()
	addr := os.Getenv("TAPLINE_TEST_REDIS_ADDR")
	if addr == "" {
		addr = miniredis.RunT(tb).Addr()
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	tb.Cleanup(func() { _ = rdb.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	prefix := "tapline-test:wecom:" + hex.EncodeToString(b) + ":"
	c := wechat.NewRedisCache(rdb, prefix)
	tb.Cleanup(func() { _ = c.Delete(tokenCacheKey) })
	return c
}

var tokenCacheKey = "gowechat_work__access_token_" + sCorp + "_" + sAgent

// fakeQY is a fake qyapi.weixin.qq.com: gettoken issues tok-1, tok-2, …;
// API calls are recorded and answered from a script (then errcode 0).
type fakeQY struct {
	mu       sync.Mutex
	tokens   int
	tokenErr string // raw gettoken answer when set
	calls    []fakeCall
	script   []func(w http.ResponseWriter)
}

type fakeCall struct {
	Path, Token string
	Body        map[string]any
}

func (f *fakeQY) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/cgi-bin/gettoken" {
		if r.URL.Query().Get("corpid") != sCorp || r.URL.Query().Get("corpsecret") != sSecret {
			_, _ = io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		if f.tokenErr != "" {
			_, _ = io.WriteString(w, f.tokenErr)
			return
		}
		f.tokens++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"tok-%d","expires_in":7200}`, f.tokens)
		return
	}
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &body)
	f.calls = append(f.calls, fakeCall{Path: r.URL.Path, Token: r.URL.Query().Get("access_token"), Body: body})
	if len(f.script) > 0 {
		next := f.script[0]
		f.script = f.script[1:]
		next(w)
		return
	}
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","msgid":"m1","response_code":"RC-send"}`)
}

func errcode(code int, msg string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, code, msg) }
}

func httpStatus(status int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(status) }
}

func newTestSender(t *testing.T, f *fakeQY) *AppSender {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	s, err := NewAppSender(AppSenderConfig{CorpID: sCorp, AgentID: sAgent, Secret: sSecret, BaseURL: srv.URL + "/"},
		testCache(t), WithAppRateLimitWait(7*time.Second), WithAppClock(clockAt(tNow)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewAppSenderConfig(t *testing.T) {
	c := testCache(t)
	for i, cfg := range []AppSenderConfig{
		{AgentID: sAgent, Secret: sSecret},
		{CorpID: sCorp, AgentID: sAgent},
		{CorpID: sCorp, AgentID: "abc", Secret: sSecret},
		{CorpID: sCorp, Secret: sSecret},
	} {
		if _, err := NewAppSender(cfg, c); err == nil {
			t.Errorf("%d: no error", i)
		}
	}
	if _, err := NewAppSender(AppSenderConfig{CorpID: sCorp, AgentID: sAgent, Secret: sSecret}, nil); err == nil {
		t.Error("nil cache accepted")
	}
}

func TestAppSendText(t *testing.T) {
	f := &fakeQY{}
	s := newTestSender(t, f)
	for range 2 {
		if err := s.Send(context.Background(), "zhangsan|lisi", bot.Message{Text: "新工单 TS1"}); err != nil {
			t.Fatal(err)
		}
	}
	if f.tokens != 1 || len(f.calls) != 2 {
		t.Fatalf("tokens %d calls %d: token not cached", f.tokens, len(f.calls))
	}
	c := f.calls[0]
	if c.Path != "/cgi-bin/message/send" || c.Token != "tok-1" || c.Body["touser"] != "zhangsan|lisi" ||
		c.Body["msgtype"] != "text" || c.Body["agentid"] != float64(1000002) ||
		c.Body["text"].(map[string]any)["content"] != "新工单 TS1" {
		t.Fatalf("call %+v", c)
	}
	// A second sender on the same cache (another replica) reuses the token.
	s2, _ := NewAppSender(AppSenderConfig{CorpID: sCorp, AgentID: sAgent, Secret: sSecret, BaseURL: s.base}, s.cache)
	if err := s2.Send(context.Background(), "wangwu", bot.Message{Text: "x"}); err != nil || f.tokens != 1 {
		t.Fatalf("shared cache: %v, tokens %d", err, f.tokens)
	}
	if got, _ := s.cache.Get(tokenCacheKey).(string); got != "tok-1" {
		t.Fatalf("token not under silenceper's key: %q", got)
	}
}

func TestAppSendCards(t *testing.T) {
	f := &fakeQY{}
	s := newTestSender(t, f)
	card := fixtureCard()
	card.Buttons = []bot.Button{{Key: "accept:TS20240501-0007", Text: "受理", Style: 1}, {Key: "reject:TS20240501-0007", Text: "退回"}}
	noURL := fixtureCard()
	noURL.URL = ""
	withID := *card
	withID.TaskID = "TS20240501-0007_fixed"
	for _, m := range []bot.Message{{Card: card}, {Card: fixtureCard()}, {Card: noURL}, {Card: &withID}} {
		if err := s.Send(context.Background(), "zhangsan", m); err != nil {
			t.Fatal(err)
		}
	}
	tc := f.calls[0].Body["template_card"].(map[string]any)
	buttons := tc["button_list"].([]any)
	if f.calls[0].Body["msgtype"] != "template_card" || tc["card_type"] != "button_interaction" || len(buttons) != 2 ||
		buttons[1].(map[string]any)["style"] != float64(1) || buttons[0].(map[string]any)["key"] != "accept:TS20240501-0007" ||
		!taskIDRE.MatchString(tc["task_id"].(string)) || !strings.HasPrefix(tc["task_id"].(string), "TS20240501-0007_") ||
		tc["main_title"].(map[string]any)["title"] != "【重大】停水投诉" || len(tc["horizontal_content_list"].([]any)) != 6 {
		t.Fatalf("button card %+v", tc)
	}
	notice := f.calls[1].Body["template_card"].(map[string]any)
	if notice["card_type"] != "text_notice" || notice["card_action"].(map[string]any)["url"] != fixtureCard().URL {
		t.Fatalf("text_notice %+v", notice)
	}
	if f.calls[2].Body["msgtype"] != "markdown" || !strings.Contains(f.calls[2].Body["markdown"].(map[string]any)["content"].(string), "TS20240501-0007") {
		t.Fatalf("markdown %+v", f.calls[2].Body)
	}
	if f.calls[3].Body["template_card"].(map[string]any)["task_id"] != "TS20240501-0007_fixed" {
		t.Fatalf("fixed task id %+v", f.calls[3].Body)
	}
}

func TestAppSendTokenRetry(t *testing.T) {
	for _, code := range []int{40014, 42001, 40001} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			f := &fakeQY{script: []func(http.ResponseWriter){errcode(code, "access_token expired")}}
			s := newTestSender(t, f)
			if err := s.Send(context.Background(), "zhangsan", bot.Message{Text: "x"}); err != nil {
				t.Fatal(err)
			}
			if f.tokens != 2 || len(f.calls) != 2 || f.calls[1].Token != "tok-2" {
				t.Fatalf("tokens %d calls %+v", f.tokens, f.calls)
			}
		})
	}
	f := &fakeQY{script: []func(http.ResponseWriter){errcode(42001, "expired"), errcode(42001, "expired")}}
	err := newTestSender(t, f).Send(context.Background(), "zhangsan", bot.Message{Text: "x"})
	var ae *bot.APIError
	if !errors.As(err, &ae) || ae.Code != 42001 || errors.Is(err, bot.ErrPermanent) || len(f.calls) != 2 {
		t.Fatalf("twice rejected: %v, %d calls", err, len(f.calls))
	}
}

func TestAppSendErrors(t *testing.T) {
	tests := []struct {
		name       string
		answer     func(http.ResponseWriter)
		permanent  bool
		retryAfter time.Duration
		status     int
	}{
		{"freq limit", errcode(45009, "api freq out of limit"), false, 7 * time.Second, 200},
		{"concurrency limit", errcode(45033, "max concurrent call limit"), false, 7 * time.Second, 200},
		{"all recipients invalid", errcode(81013, "user & party & tag all invalid"), true, 0, 200},
		{"no privilege", errcode(60011, "no privilege to access/modify contact/party/agent"), true, 0, 200},
		{"bad card", errcode(42045, "Template_Card.card_action invalid"), true, 0, 200},
		{"unknown errcode", errcode(-1, "system busy"), false, 0, 200},
		{"http 500", httpStatus(500), false, 0, 500},
		{"http 429", httpStatus(429), false, 7 * time.Second, 429},
		{"http 404", httpStatus(404), true, 0, 404},
		{"no errcode", func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{"ok":true}`) }, false, 0, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeQY{script: []func(http.ResponseWriter){tt.answer}}
			err := newTestSender(t, f).Send(context.Background(), "zhangsan", bot.Message{Text: "x"})
			checkAppError(t, err, tt.permanent, tt.retryAfter, tt.status)
		})
	}
}

func checkAppError(t *testing.T, err error, permanent bool, retryAfter time.Duration, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "tok-") || strings.Contains(err.Error(), sSecret) {
		t.Errorf("error leaks a credential: %v", err)
	}
	if got := errors.Is(err, bot.ErrPermanent); got != permanent {
		t.Errorf("permanent = %v, want %v (%v)", got, permanent, err)
	}
	var ra *bot.RetryAfterError
	if got := errors.As(err, &ra); got != (retryAfter > 0) || (got && ra.After != retryAfter) {
		t.Errorf("retry after: %v, want %v (%v)", got, retryAfter, err)
	}
	var hs interface{ HTTPStatus() int }
	if !errors.As(err, &hs) || hs.HTTPStatus() != status {
		t.Errorf("http status not %d: %v", status, err)
	}
}

func TestAppGetTokenErrors(t *testing.T) {
	f := &fakeQY{tokenErr: `{"errcode":40001,"errmsg":"invalid credential, secret ` + sSecret + `"}`}
	err := newTestSender(t, f).Send(context.Background(), "zhangsan", bot.Message{Text: "x"})
	checkAppError(t, err, true, 0, 200)
	if len(f.calls) != 0 {
		t.Fatal("sent without a token")
	}
	f = &fakeQY{tokenErr: `{"errcode":0,"errmsg":"ok"}`}
	err = newTestSender(t, f).Send(context.Background(), "zhangsan", bot.Message{Text: "x"})
	checkAppError(t, err, false, 0, 200)
}

func TestAppSendRejectsBeforeCalling(t *testing.T) {
	f := &fakeQY{}
	s := newTestSender(t, f)
	bad := fixtureCard()
	bad.Buttons = make([]bot.Button, 7)
	for i := range bad.Buttons {
		bad.Buttons[i] = bot.Button{Key: fmt.Sprint("k", i), Text: "b"}
	}
	for name, tt := range map[string]struct {
		target string
		msg    bot.Message
	}{
		"empty target":  {" | ", bot.Message{Text: "x"}},
		"empty message": {"zhangsan", bot.Message{Text: " "}},
		"seven buttons": {"zhangsan", bot.Message{Card: bad}},
		"bad task id":   {"zhangsan", bot.Message{Card: &bot.Card{TaskID: "含中文", Buttons: []bot.Button{{Key: "k", Text: "t"}}}}},
	} {
		if err := s.Send(context.Background(), tt.target, tt.msg); !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(f.calls) != 0 || f.tokens != 0 {
		t.Fatalf("called WeCom: %+v", f.calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, "zhangsan", bot.Message{Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}
