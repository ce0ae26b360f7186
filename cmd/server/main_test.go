package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"tapline/bot/simclient"
)

const (
	e2eToken  = "e2e-token"
	e2eAppID  = "wxe2e0000000000001"
	e2eAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	e2eAdmin  = "e2e-admin-token-0123456789"
)

// syncBuffer collects the server's output safely across goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// e2eEnv returns the server's environment: the real MariaDB and Redis when
// the test variables are set (a fresh database), else the embedded default.
func e2eEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{
		"HTTP_ADDR": "127.0.0.1:0", "TAPLINE_METRICS_ADDR": "127.0.0.1:0", "TAPLINE_DATA_DIR": t.TempDir(),
		"TAPLINE_POLICY_FILE": "../../configs/policy.yaml", "TAPLINE_DIALOG_FILE": "../../configs/dialog.yaml",
		"TAPLINE_WECHAT_TOKEN": e2eToken, "TAPLINE_WECHAT_APP_ID": e2eAppID,
		"TAPLINE_WECHAT_ENCODING_AES_KEY": e2eAESKey, "TAPLINE_ADMIN_TOKEN": e2eAdmin,
	}
	dsn, redisAddr := os.Getenv("TAPLINE_TEST_MYSQL_DSN"), os.Getenv("TAPLINE_TEST_REDIS_ADDR")
	if dsn != "" && redisAddr != "" {
		env["MYSQL_DSN"], env["REDIS_ADDR"] = freshDatabase(t, dsn), redisAddr
	}
	return env
}

func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	name := "tapline_e2e_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE " + name) })
	return strings.Replace(dsn, "/test?", "/"+name+"?", 1)
}

var listening = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// startServer runs the real main on :0 and returns its base URL.
func startServer(t *testing.T, env map[string]string) string {
	t.Helper()
	return startServerOut(t, env, &syncBuffer{})
}

// startServerOut is startServer writing the server's output to out.
func startServerOut(t *testing.T, env map[string]string, out *syncBuffer) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server exited with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not shut down")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v\n%s", err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server never listened:\n%s", out.String())
	return ""
}

func TestResidentFilesAndDepartmentGetsCard(t *testing.T) {
	base := startServer(t, e2eEnv(t))
	c := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID,
		EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	ctx := context.Background()
	openID := "o-e2e-" + randomHex(6) // the real Redis outlives test runs
	say := func(id int64, text string) string {
		t.Helper()
		r, err := c.Send(ctx, simclient.Text(openID, id, text))
		if err != nil || r.Status != 200 {
			t.Fatalf("send %q: %v %+v", text, err, r)
		}
		return r.Text
	}
	reply := say(1, "你好，我叫张三，电话13812345678，住幸福路12号3栋，这两天自来水发黄，希望尽快处理")
	if !strings.Contains(reply, "核对") {
		t.Fatalf("expected the read-back, got %q", reply)
	}
	reply = say(2, "确认")
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(reply)
	if number == "" {
		t.Fatalf("no case number in %q", reply)
	}
	if again := say(2, "确认"); strings.Contains(again, "TS") && again != reply {
		t.Fatalf("retry of the confirm answered differently: %q", again)
	}
	var cv struct {
		Case struct {
			Department string
			Phone      string
		} `json:"case"`
	}
	adminGet(t, base+"/api/v1/cases/"+number, &cv)
	if cv.Case.Department != "quality" || cv.Case.Phone != "13812345678" { // policy 3.8
		t.Fatalf("case: %+v", cv.Case)
	}
	waitSent(t, base, number)
	var list struct{ Total int }
	adminGet(t, base+"/api/v1/cases?phone=13812345678", &list)
	if list.Total != 1 {
		t.Fatalf("cases for the phone: %d, want 1", list.Total)
	}
}

// waitSent waits until the case's card rows are delivered (to the sink).
func waitSent(t *testing.T, base, number string) {
	t.Helper()
	var ob struct {
		Outbox []struct {
			Status, Channel string
			Payload         json.RawMessage `json:"message"`
		}
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		adminGet(t, base+"/api/v1/outbox?case="+number, &ob)
		if len(ob.Outbox) == 1 && ob.Outbox[0].Status == "sent" {
			if p := string(ob.Outbox[0].Payload); strings.Contains(p, "13812345678") || !strings.Contains(p, "138****5678") {
				t.Fatalf("card not masked: %s", ob.Outbox[0].Payload)
			}
			return
		}
	}
	t.Fatalf("card not delivered: %+v", ob)
}

func adminGet(t *testing.T, url string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrorsStopStartUp(t *testing.T) {
	env := map[string]string{"TAPLINE_ROLE": "boss"}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("err = %v", err)
	}
	env = map[string]string{"TAPLINE_POLICY_FILE": "nope.yaml", "TAPLINE_DATA_DIR": t.TempDir()}
	err = run(context.Background(), nil, func(k string) string { return env[k] }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "policy_file") {
		t.Fatalf("err = %v", err)
	}
}
