package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/redisstore/redistest"
)

const (
	testAppKey    = "dingtestappkey01"
	testAppSecret = "GT-test-app-secret-never-logged"
)

// fakeOpenAPI is an httptest fake of api.dingtalk.com: the token endpoint
// issues tok-1, tok-2, … and the robot endpoints accept only the tokens
// still in valid, answering with send (default: a processQueryKey).
type fakeOpenAPI struct {
	t       *testing.T
	mu      sync.Mutex
	fetches int
	valid   map[string]bool
	sends   []map[string]any
	tokens  []string // token header of every send
	send    func(w http.ResponseWriter) bool
}

func newFakeOpenAPI(t *testing.T) (*fakeOpenAPI, *httptest.Server) {
	f := &fakeOpenAPI{t: t, valid: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg, "requestid": "REQ-1"})
}

func (f *fakeOpenAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || json.Unmarshal(data, &body) != nil {
		apiError(w, 400, "invalidParameter", "bad request")
		return
	}
	switch r.URL.Path {
	case "/v1.0/oauth2/accessToken":
		if body["appKey"] != testAppKey || body["appSecret"] != testAppSecret {
			apiError(w, 400, "invalidClientId", "无效的clientId")
			return
		}
		f.fetches++
		tok := fmt.Sprintf("tok-%d", f.fetches)
		f.valid[tok] = true
		_ = json.NewEncoder(w).Encode(map[string]any{"accessToken": tok, "expireIn": 7200})
	case "/v1.0/robot/groupMessages/send", "/v1.0/robot/oToMessages/batchSend":
		tok := r.Header.Get("x-acs-dingtalk-access-token")
		f.tokens = append(f.tokens, tok)
		if !f.valid[tok] {
			apiError(w, 400, "InvalidAuthentication", "不合法的access_token")
			return
		}
		body["_path"] = r.URL.Path
		f.sends = append(f.sends, body)
		if f.send == nil || !f.send(w) {
			_ = json.NewEncoder(w).Encode(map[string]any{"processQueryKey": "pqk-1"})
		}
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeOpenAPI) snapshot() (fetches int, sends []map[string]any, tokens []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches, append([]map[string]any(nil), f.sends...), append([]string(nil), f.tokens...)
}

func newTestAPI(t *testing.T, srv *httptest.Server, rdb redis.UniversalClient, prefix string, opts ...Option) *OpenAPI {
	t.Helper()
	cfg := AppConfig{AppKey: testAppKey, AppSecret: testAppSecret, RobotCode: "dingrobot01"}
	api, err := NewOpenAPI(cfg, rdb, prefix, append([]Option{WithOpenAPIBase(srv.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestGroupSendTokenSharedAcrossReplicas(t *testing.T) {
	f, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	ctx := context.Background()
	a := NewGroupSender(newTestAPI(t, srv, rdb, prefix)) // replica A
	b := NewGroupSender(newTestAPI(t, srv, rdb, prefix)) // replica B, same Redis
	if err := a.Send(ctx, "cidGroup1==", bot.Message{Text: "新工单 TS1"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(ctx, "cidGroup1==", bot.Message{Text: "新工单 TS2"}); err != nil {
		t.Fatal(err)
	}
	fetches, sends, tokens := f.snapshot()
	if fetches != 1 || len(sends) != 2 || tokens[0] != "tok-1" || tokens[1] != "tok-1" {
		t.Fatalf("fetches %d, tokens %v", fetches, tokens)
	}
	ttl, err := rdb.TTL(ctx, prefix+"dingtalk:token:"+testAppKey).Result()
	if err != nil || ttl <= 0 || ttl > 7200*time.Second-5*time.Minute {
		t.Errorf("token ttl %v (%v), want ≤ expireIn − 5 min", ttl, err)
	}
	want := map[string]any{
		"_path": "/v1.0/robot/groupMessages/send", "robotCode": "dingrobot01", "openConversationId": "cidGroup1==",
		"msgKey": "sampleText", "msgParam": `{"content":"新工单 TS1"}`,
	}
	if !jsonEqual(sends[0], want) {
		t.Errorf("body %v\nwant %v", sends[0], want)
	}
}

func TestGroupSendMsgParamIsJSONString(t *testing.T) {
	f, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	card := fixtureCard()
	card.Buttons = []bot.Button{{Key: "accept:TS20240501-0007", Text: "接单"}}
	cases := []struct {
		msg  bot.Message
		key  string
		keys []string
	}{
		{bot.Message{Card: card}, "sampleMarkdown", []string{"title", "text"}},
		{bot.Message{Card: fixtureCard()}, "sampleActionCard", []string{"singleTitle", "singleURL", "text", "title"}},
	}
	s := NewGroupSender(newTestAPI(t, srv, rdb, prefix))
	for i, c := range cases {
		if err := s.Send(context.Background(), "cidG==", c.msg); err != nil {
			t.Fatal(err)
		}
		_, sends, _ := f.snapshot()
		raw, ok := sends[i]["msgParam"].(string)
		var param map[string]string
		if !ok || json.Unmarshal([]byte(raw), &param) != nil || sends[i]["msgKey"] != c.key {
			t.Fatalf("msgKey %v msgParam %#v: not a JSON string", sends[i]["msgKey"], sends[i]["msgParam"])
		}
		for _, k := range c.keys {
			if param[k] == "" {
				t.Errorf("%s: msgParam lacks %s: %v", c.key, k, param)
			}
		}
		if c.key == "sampleMarkdown" && !strings.Contains(param["text"], SendMessageLink("接单 TS20240501-0007")) {
			t.Errorf("no command link in %s", param["text"])
		}
	}
}

func TestGroupSendRefreshesRejectedToken(t *testing.T) {
	f, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	ctx := context.Background()
	s := NewGroupSender(newTestAPI(t, srv, rdb, prefix))
	if err := s.Send(ctx, "cidG==", bot.Message{Text: "1"}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	delete(f.valid, "tok-1") // DingTalk no longer accepts the cached token
	f.mu.Unlock()
	if err := s.Send(ctx, "cidG==", bot.Message{Text: "2"}); err != nil {
		t.Fatal(err)
	}
	fetches, sends, tokens := f.snapshot()
	if fetches != 2 || len(sends) != 2 || strings.Join(tokens, ",") != "tok-1,tok-1,tok-2" {
		t.Fatalf("fetches %d sends %d tokens %v", fetches, len(sends), tokens)
	}
	if got, _ := rdb.Get(ctx, prefix+"dingtalk:token:"+testAppKey).Result(); got != "tok-2" {
		t.Errorf("cached token %q, want tok-2", got)
	}
}

func TestGroupSendRejectedTwice(t *testing.T) {
	f, srv := newFakeOpenAPI(t)
	f.send = func(w http.ResponseWriter) bool {
		apiError(w, 401, "InvalidAuthentication", "不合法的access_token")
		return true
	}
	rdb, prefix := redistest.New(t)
	err := NewGroupSender(newTestAPI(t, srv, rdb, prefix)).Send(context.Background(), "cidG==", bot.Message{Text: "x"})
	checkErr(t, err, false, 0, 401)
	if fetches, sends, _ := f.snapshot(); fetches != 2 || len(sends) != 2 {
		t.Errorf("fetches %d sends %d, want one retry", fetches, len(sends))
	}
}

func TestDropTokenKeepsNewerToken(t *testing.T) {
	_, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	ctx := context.Background()
	api := newTestAPI(t, srv, rdb, prefix)
	key := prefix + "dingtalk:token:" + testAppKey
	rdb.Set(ctx, key, "tok-new", time.Hour)
	api.dropToken(ctx, "tok-old")
	if got, _ := rdb.Get(ctx, key).Result(); got != "tok-new" {
		t.Fatalf("a newer token was dropped: %q", got)
	}
	api.dropToken(ctx, "tok-new")
	if n, _ := rdb.Exists(ctx, key).Result(); n != 0 {
		t.Fatal("rejected token kept")
	}
}

func TestGroupSendErrors(t *testing.T) {
	wait := 3 * time.Minute
	tests := []struct {
		name      string
		status    int
		code      string
		permanent bool
		retry     time.Duration
	}{
		{"429", 429, "", false, wait},
		{"qps limit", 403, "Forbidden.AccessDenied.QpsLimitForApi", false, wait},
		{"throttling", 400, "Throttling.User", false, wait},
		{"robot not in group", 400, "invalidParameter.robotCode.notExsit", true, 0},
		{"bad conversation", 400, "invalid.openConversationId", true, 0},
		{"forbidden", 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", true, 0},
		{"server error", 500, "ServiceUnavailable", false, 0},
		{"gateway", 504, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeOpenAPI(t)
			f.send = func(w http.ResponseWriter) bool { apiError(w, tt.status, tt.code, "失败"); return true }
			rdb, prefix := redistest.New(t)
			s := NewGroupSender(newTestAPI(t, srv, rdb, prefix, WithRateLimitWait(wait)))
			err := s.Send(context.Background(), "cidG==", bot.Message{Text: "x"})
			checkErr(t, err, tt.permanent, tt.retry, tt.status)
			if strings.Contains(err.Error(), "tok-1") || strings.Contains(err.Error(), testAppSecret) {
				t.Errorf("credential in error: %v", err)
			}
		})
	}
}

func TestOpenAPITokenErrors(t *testing.T) {
	_, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	api, err := NewOpenAPI(AppConfig{AppKey: testAppKey, AppSecret: "wrong"}, rdb, prefix, WithOpenAPIBase(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	err = NewGroupSender(api).Send(context.Background(), "cidG==", bot.Message{Text: "x"})
	checkErr(t, err, true, 0, 400)
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("secret in error: %v", err)
	}
	srv.Close()
	err = NewGroupSender(api).Send(context.Background(), "cidG==", bot.Message{Text: "x"})
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("transport error %v, want retryable", err)
	}
}
