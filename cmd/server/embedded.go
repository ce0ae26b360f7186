package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/alicebob/miniredis/v2"
	"gopkg.in/yaml.v3"

	"tapline/cmd/internal/config"
)

// embedded is the default on a fresh machine: an in-process Redis and a
// SQLite file under data_dir, plus demo credentials generated once and kept
// in data_dir (never in the repository).
type embedded struct {
	redis      *miniredis.Miniredis
	sqlitePath string
	demo       Demo
	demoPath   string
	stop       chan struct{}
	// demoDingTalk: the DingTalk app secret is the demo one, so replies go
	// to the sink, not to api.dingtalk.com.
	demoDingTalk bool
}

// Demo holds the generated credentials of the embedded default.
type Demo struct {
	WeChatAppID  string `yaml:"wechat_app_id"`
	WeChatToken  string `yaml:"wechat_token"`
	WeChatAESKey string `yaml:"wechat_encoding_aes_key"`
	AdminToken   string `yaml:"admin_token"`

	WeComCorpID    string `yaml:"wecom_corp_id"`
	WeComToken     string `yaml:"wecom_token"`
	WeComAESKey    string `yaml:"wecom_encoding_aes_key"`
	WeComBotToken  string `yaml:"wecom_bot_token"`
	WeComBotAESKey string `yaml:"wecom_bot_encoding_aes_key"`
	DingTalkAppKey string `yaml:"dingtalk_app_key"`
	DingTalkSecret string `yaml:"dingtalk_app_secret"`

	// Console sign-in (issue 6): hotline.crew and quality.crew.
	ConsoleHotline string `yaml:"console_password_hotline_crew"`
	ConsoleCrew    string `yaml:"console_password_quality_crew"`
}

// DemoFile is the name of the demo credentials file inside data_dir.
const DemoFile = "demo-credentials.yaml"

func startEmbedded(dataDir string, log *slog.Logger) (*embedded, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	e := &embedded{sqlitePath: filepath.Join(dataDir, "tapline.db"),
		demoPath: filepath.Join(dataDir, DemoFile), stop: make(chan struct{})}
	demo, err := loadOrCreateDemo(e.demoPath)
	if err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	e.demo = demo
	e.redis = miniredis.NewMiniRedis()
	if err := e.redis.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	go e.tick() // miniredis expires keys only when told (STACK-NOTES asynq)
	log.Info("embedded default: in-process Redis and SQLite", "sqlite", e.sqlitePath)
	return e, nil
}

func (e *embedded) tick() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.redis.FastForward(time.Second)
		}
	}
}

// applyDemo fills the WeChat credentials and admin token the configuration
// leaves empty with the generated demo ones.
func (e *embedded) applyDemo(c *config.Config) {
	if c.WeChat.Token == "" {
		c.WeChat.Token, c.WeChat.AppID, c.WeChat.EncodingAESKey = e.demo.WeChatToken, e.demo.WeChatAppID, e.demo.WeChatAESKey
	}
	if c.AdminToken == "" {
		c.AdminToken = e.demo.AdminToken
	}
	if c.WeCom.Token == "" {
		c.WeCom.CorpID, c.WeCom.Token, c.WeCom.EncodingAESKey = e.demo.WeComCorpID, e.demo.WeComToken, e.demo.WeComAESKey
	}
	if c.WeComBot.Token == "" {
		c.WeComBot.Token, c.WeComBot.EncodingAESKey = e.demo.WeComBotToken, e.demo.WeComBotAESKey
	}
	if c.DingTalk.AppSecret == "" {
		c.DingTalk.AppKey, c.DingTalk.AppSecret = e.demo.DingTalkAppKey, e.demo.DingTalkSecret
		e.demoDingTalk = true
	}
}

// Close stops the in-process Redis.
func (e *embedded) Close() {
	close(e.stop)
	e.redis.Close()
}

func loadOrCreateDemo(path string) (Demo, error) {
	var d Demo
	b, err := os.ReadFile(path)
	if err == nil {
		if err := yaml.Unmarshal(b, &d); err != nil || d.WeChatToken == "" || d.WeComToken == "" {
			return d, fmt.Errorf("%s is damaged; delete it to generate new demo credentials", path)
		}
		if d.ConsoleHotline == "" || d.ConsoleCrew == "" { // a file from before the console
			d.ConsoleHotline, d.ConsoleCrew = randomHex(8), randomHex(8)
			out, _ := yaml.Marshal(d)
			return d, os.WriteFile(path, out, 0o600)
		}
		return d, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return d, err
	}
	d = Demo{WeChatAppID: "wxdemo" + randomHex(5), WeChatToken: randomHex(16),
		WeChatAESKey: aesKey(), AdminToken: randomHex(20),
		WeComCorpID: "wwdemo" + randomHex(5), WeComToken: randomHex(16), WeComAESKey: aesKey(),
		WeComBotToken: randomHex(16), WeComBotAESKey: aesKey(),
		DingTalkAppKey: "dingdemo" + randomHex(5), DingTalkSecret: randomHex(24),
		ConsoleHotline: randomHex(8), ConsoleCrew: randomHex(8)}
	out, _ := yaml.Marshal(d)
	return d, os.WriteFile(path, out, 0o600)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// aesKey returns a random 43-character EncodingAESKey.
func aesKey() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)[:43]
}
