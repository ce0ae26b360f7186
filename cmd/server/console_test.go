package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"tapline/bot/simclient"
	"tapline/cmd/internal/config"
)

// TestDemoConsolePasswords: the embedded default writes console passwords
// into the demo credentials file, and they sign in.
func TestDemoConsolePasswords(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HTTP_ADDR": "127.0.0.1:0", "TAPLINE_METRICS_ADDR": "127.0.0.1:0", "TAPLINE_DATA_DIR": dir,
		"TAPLINE_POLICY_FILE": "../../configs/policy.yaml", "TAPLINE_DIALOG_FILE": "../../configs/dialog.yaml"}
	base := startServer(t, env)
	b, err := os.ReadFile(filepath.Join(dir, DemoFile))
	if err != nil {
		t.Fatal(err)
	}
	var d Demo
	if err := yaml.Unmarshal(b, &d); err != nil || len(d.ConsoleHotline) < 10 || len(d.ConsoleCrew) < 10 {
		t.Fatalf("demo file: %v %+v", err, d)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(page))
	if csrf == nil {
		t.Fatalf("no CSRF token:\n%s", page)
	}
	resp, err = c.PostForm(base+"/console/login", url.Values{"csrf": {csrf[1]}, "staff_id": {demoHotline},
		"password": {d.ConsoleHotline}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "供水服务热线") {
		t.Fatalf("demo sign-in: %d\n%s", resp.StatusCode, page)
	}
}

func TestSetPasswordRefusals(t *testing.T) {
	env := map[string]string{"TAPLINE_DATA_DIR": t.TempDir(), "TAPLINE_POLICY_FILE": "../../configs/policy.yaml",
		"TAPLINE_DIALOG_FILE": "../../configs/dialog.yaml"}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	ctx := context.Background()
	if err := setPassword(ctx, cfg, "nobody", strings.NewReader("long enough password\n"), &out); err == nil || !strings.Contains(err.Error(), "roster") {
		t.Fatalf("unknown staff: %v", err)
	}
	if err := setPassword(ctx, cfg, "hotline.crew", strings.NewReader("short\n"), &out); err == nil || !strings.Contains(err.Error(), "密码须为") {
		t.Fatalf("short password: %v", err)
	}
	if err := setPassword(ctx, cfg, "hotline.crew", strings.NewReader("long enough password\n"), &out); err != nil ||
		!strings.Contains(out.String(), "set") {
		t.Fatalf("set: %v %s", err, out.String())
	}
}

// TestLoginLinkOverWeCom: `登录` sent to the WeCom app answers a one-time
// link that signs in once; in a group chat (smart bot) no link is given.
func TestLoginLinkOverWeCom(t *testing.T) {
	base := startServer(t, staffEnv(t))
	ctx := context.Background()
	app := &simclient.WeCom{URL: base + "/webhooks/wecom", Token: e2eWeComToken, EncodingAESKey: e2eAESKey, CorpID: e2eCorpID}
	reply, err := app.Text(ctx, "quality.crew", "", "登录")
	m := regexp.MustCompile(`/console/link\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(reply)
	if err != nil || m == nil {
		t.Fatalf("reply %q: %v", reply, err)
	}
	wbot := &simclient.WeCom{URL: base + "/webhooks/wecom-bot", Token: e2eBotToken, EncodingAESKey: e2eAESKey, Bot: true}
	if group, err := wbot.Text(ctx, "quality.crew", "wr-e2e", "登录"); err != nil || strings.Contains(group, "token=") {
		t.Fatalf("group reply %q: %v", group, err)
	}
	redeem := func() (int, string) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.Get(base + "/console/link?token=" + m[1])
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(page))
		if csrf == nil {
			t.Fatalf("landing page:\n%s", page)
		}
		resp, err = c.PostForm(base+"/console/link", url.Values{"csrf": {csrf[1]}, "token": {m[1]}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		page, _ = io.ReadAll(resp.Body)
		return resp.StatusCode, string(page)
	}
	if code, page := redeem(); code != 200 || !strings.Contains(page, "水质检测室") {
		t.Fatalf("first use: %d\n%s", code, page)
	}
	if code, page := redeem(); code != 400 || !strings.Contains(page, "已经使用过") {
		t.Fatalf("second use: %d\n%s", code, page)
	}
}
