package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"tapline/bot"
)

// fakeWeChat is an httptest stand-in for api.weixin.qq.com: stable_token
// hands out tok-1, tok-2, …; message/custom/send answers with reply(token).
type fakeWeChat struct {
	mu         sync.Mutex
	tokenCalls int
	sends      []sentMessage
	templates  []string
	reply      func(token string) (status int, body string)
}

type sentMessage struct {
	Token   string
	ToUser  string `json:"touser"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

func (f *fakeWeChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/stable_token":
		var req struct {
			GrantType, AppID, Secret string
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		if req.AppID != "wxapp" || req.Secret != "s3cret" {
			fmt.Fprint(w, `{"errcode":40125,"errmsg":"invalid appsecret"}`)
			return
		}
		f.tokenCalls++
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":7200}`, f.tokenCalls)
	case "/cgi-bin/message/template/send":
		var m struct {
			ToUser     string `json:"touser"`
			TemplateID string `json:"template_id"`
			Data       map[string]struct {
				Value string `json:"value"`
			} `json:"data"`
		}
		_ = json.NewDecoder(r.Body).Decode(&m)
		f.templates = append(f.templates, m.ToUser+"|"+m.TemplateID+"|"+m.Data["first"].Value)
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok","msgid":1}`)
	case "/cgi-bin/message/custom/send":
		m := sentMessage{Token: r.URL.Query().Get("access_token")}
		_ = json.NewDecoder(r.Body).Decode(&m)
		f.sends = append(f.sends, m)
		status, body := f.reply(m.Token)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	default:
		http.NotFound(w, r)
	}
}

// snapshot returns the calls so far, under the lock the handler holds.
func (f *fakeWeChat) snapshot() (tokenCalls int, sends []sentMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenCalls, append([]sentMessage(nil), f.sends...)
}

func okReply(string) (int, string) { return http.StatusOK, `{"errcode":0,"errmsg":"ok"}` }

func errReply(code int) func(string) (int, string) {
	return func(string) (int, string) {
		return http.StatusOK, fmt.Sprintf(`{"errcode":%d,"errmsg":"refused rid: 1"}`, code)
	}
}

// newTestSender points the SDK at a fake server (process-wide settings, so
// these tests do not run in parallel) and returns a sender on a fresh cache.
func newTestSender(t *testing.T, reply func(string) (int, string)) (*CSSender, *fakeWeChat) {
	t.Helper()
	fake := &fakeWeChat{reply: reply}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	InstallAPIBase(srv.URL, "")
	InstallHTTPClient(&http.Client{Timeout: 5 * time.Second})
	t.Cleanup(func() { InstallAPIBase("", ""); InstallHTTPClient(http.DefaultClient) })
	rdb, prefix := testRedis(t)
	s, err := NewCSSender(SenderConfig{AppID: "wxapp", AppSecret: "s3cret"}, NewRedisCache(rdb, prefix))
	if err != nil {
		t.Fatalf("NewCSSender: %v", err)
	}
	t.Cleanup(func() { _ = s.cache.Delete(s.tokenKey) })
	return s, fake
}

func TestCSSenderRefreshesRejectedToken(t *testing.T) {
	s, fake := newTestSender(t, func(tok string) (int, string) {
		if tok == "tok-1" {
			return http.StatusOK, `{"errcode":40001,"errmsg":"invalid credential"}`
		}
		return okReply(tok)
	})
	if err := s.Send(t.Context(), "oResident1", bot.Message{Text: "您的工单已受理"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if err := s.Send(t.Context(), "oResident1", bot.Message{Text: "第二条"}); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	tokenCalls, sends := fake.snapshot()
	if tokenCalls != 2 {
		t.Fatalf("stable_token calls = %d, want 2 (one refresh, then the cached token)", tokenCalls)
	}
	got := []string{}
	for _, m := range sends {
		if m.ToUser != "oResident1" || m.MsgType != "text" {
			t.Fatalf("sent %+v", m)
		}
		got = append(got, m.Token+":"+m.Text.Content)
	}
	if want := "tok-1:您的工单已受理 tok-2:您的工单已受理 tok-2:第二条"; strings.Join(got, " ") != want {
		t.Fatalf("sends = %v, want %s", got, want)
	}
}

func TestCSSenderErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		reply      func(string) (int, string)
		permanent  bool
		retryAfter time.Duration
		wantSends  int
	}{
		{"outside 48h window", errReply(45015), true, 0, 1},
		{"not following", errReply(43004), true, 0, 1},
		{"invalid openid", errReply(40003), true, 0, 1},
		{"api quota", errReply(45009), false, time.Minute, 1},
		{"cs message quota", errReply(45047), false, time.Minute, 1},
		{"system busy", errReply(-1), false, 0, 1},
		{"token rejected twice", errReply(42001), false, 0, 2},
		{"http 502", func(string) (int, string) { return http.StatusBadGateway, "bad gateway" }, false, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, fake := newTestSender(t, tt.reply)
			err := s.Send(t.Context(), "oResident1", bot.Message{Text: "hi"})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			var ra *bot.RetryAfterError
			gotAfter := time.Duration(0)
			if errors.As(err, &ra) {
				gotAfter = ra.After
			}
			if errors.Is(err, bot.ErrPermanent) != tt.permanent || gotAfter != tt.retryAfter {
				t.Fatalf("err = %v: permanent=%v after=%v", err, errors.Is(err, bot.ErrPermanent), gotAfter)
			}
			if strings.Contains(err.Error(), "tok-") {
				t.Fatalf("error leaks the access token: %v", err)
			}
			if _, sends := fake.snapshot(); len(sends) != tt.wantSends {
				t.Fatalf("sends = %d, want %d", len(sends), tt.wantSends)
			}
		})
	}
}

func TestCSSenderRefusesWithoutCalling(t *testing.T) {
	s, fake := newTestSender(t, okReply)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		target    string
		msg       bot.Message
		permanent bool
	}{
		{"no target", t.Context(), "", bot.Message{Text: "x"}, true},
		{"no text", t.Context(), "oResident1", bot.Message{Text: "  "}, true},
		{"canceled", canceled, "oResident1", bot.Message{Text: "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Send(tt.ctx, tt.target, tt.msg)
			if err == nil || errors.Is(err, bot.ErrPermanent) != tt.permanent {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if tokenCalls, sends := fake.snapshot(); tokenCalls+len(sends) != 0 {
		t.Fatalf("API called %d/%d times", tokenCalls, len(sends))
	}
}

func TestCSSenderSendsCardAsText(t *testing.T) {
	s, fake := newTestSender(t, okReply)
	card := &bot.Card{Title: "停水投诉", CaseNumber: "WS-0001", Major: true, MajorWhy: "群体性投诉",
		Name: "张*", Phone: "138****0000", Address: "幸福路 1 号", Summary: "整栋楼停水",
		At: time.Date(2024, 5, 1, 2, 30, 0, 0, time.UTC)}
	if err := s.Send(t.Context(), "oResident1", bot.Message{Card: card}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if _, sends := fake.snapshot(); len(sends) != 1 || sends[0].Text.Content != RenderCard(*card) {
		t.Fatalf("sends = %+v", sends)
	}
}

func TestRenderCard(t *testing.T) {
	card := bot.Card{Title: "停水投诉", CaseNumber: "WS-0001", Category: "停水", Department: "供水所",
		Major: true, MajorWhy: "群体性投诉", Name: "张*", Phone: "138****0000", Address: "幸福路 1 号",
		Summary: "整栋楼停水", At: time.Date(2024, 5, 1, 2, 30, 0, 0, time.UTC), URL: "https://t.example/c/1"}
	want := "【重大投诉】停水投诉\n工单号：WS-0001\n类别：停水\n责任部门：供水所\n重大原因：群体性投诉\n" +
		"客户：张*\n电话：138****0000\n地址：幸福路 1 号\n内容：整栋楼停水\n时间：2024-05-01 10:30\n详情：https://t.example/c/1"
	if got := RenderCard(card); got != want {
		t.Fatalf("RenderCard =\n%s\nwant\n%s", got, want)
	}
	if got := RenderCard(bot.Card{Title: "t", MajorWhy: "hidden unless major"}); got != "t" {
		t.Fatalf("minimal card = %q", got)
	}
}

func TestNewCSSenderValidates(t *testing.T) {
	rdb, prefix := testRedis(t)
	c := NewRedisCache(rdb, prefix)
	for _, cfg := range []SenderConfig{{AppID: "wx"}, {AppSecret: "s"}} {
		if _, err := NewCSSender(cfg, c); err == nil {
			t.Fatalf("%+v: no error", cfg)
		}
	}
	if _, err := NewCSSender(SenderConfig{AppID: "wx", AppSecret: "s"}, nil); err == nil {
		t.Fatal("nil cache: no error")
	}
}

func TestRebase(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"https://api.weixin.qq.com/cgi-bin/stable_token", "http://fake:1/cgi-bin/stable_token"},
		{"https://api.weixin.qq.com?x=1", "http://fake:1?x=1"},
		{"https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=a", "http://wecom:2/p/cgi-bin/gettoken?corpid=a"},
		{"https://api.weixin.qq.com.evil.example/x", "https://api.weixin.qq.com.evil.example/x"},
		{"https://api.mch.weixin.qq.com/pay", "https://api.mch.weixin.qq.com/pay"},
	}
	for _, tt := range tests {
		got := tt.uri
		if out, ok := rebase(tt.uri, wechatAPIHost, "http://fake:1"); ok {
			got = out
		} else if out, ok := rebase(tt.uri, wecomAPIHost, "http://wecom:2/p"); ok {
			got = out
		}
		if got != tt.want {
			t.Errorf("rebase(%s) = %s, want %s", tt.uri, got, tt.want)
		}
	}
	if _, ok := rebase("https://api.weixin.qq.com/x", wechatAPIHost, ""); ok {
		t.Error("empty base must leave the URI unchanged")
	}
}

func TestQuietSDKLogs(t *testing.T) {
	old := logrus.GetLevel()
	t.Cleanup(func() { logrus.SetLevel(old) })
	logrus.SetLevel(logrus.DebugLevel)
	QuietSDKLogs()
	if logrus.GetLevel() != logrus.WarnLevel {
		t.Fatalf("level = %v", logrus.GetLevel())
	}
}

func TestCSSenderFallsBackToTemplateOutsideWindow(t *testing.T) {
	s, fake := newTestSender(t, errReply(45015))
	err := s.Send(context.Background(), "o-1", bot.Message{Text: "您的投诉已处理"})
	if !errors.Is(err, ErrOutsideWindow) || !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("without a template: %v", err)
	}
	WithTemplate("TPL-1", "first")(s)
	if err := s.Send(context.Background(), "o-1", bot.Message{Text: "您的投诉已处理"}); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.templates) != 1 || fake.templates[0] != "o-1|TPL-1|您的投诉已处理" {
		t.Fatalf("templates %q", fake.templates)
	}
}
