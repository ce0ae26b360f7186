// Package config reads Tapline's configuration: a YAML file, then the
// environment (TAPLINE_ + the upper-case key path, and the short forms
// MYSQL_DSN, REDIS_ADDR, HTTP_ADDR), then validation that names the key at
// fault.
package config

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// MetricsOff as metrics_addr serves no metrics listener.
const MetricsOff = "off"

// Roles a process can take.
const (
	RoleAll    = "all"    // HTTP side and worker
	RoleWeb    = "web"    // webhooks and API only
	RoleWorker = "worker" // outbox delivery and timers only
)

// Config is the whole configuration. Keys are documented in
// configs/config.example.yaml.
type Config struct {
	HTTPAddr string `yaml:"http_addr"`
	// HTTP timeouts: a whole request (headers and body), a whole response
	// (above WeChat's 5 s budget), and an idle keep-alive connection.
	ReadTimeout  time.Duration `yaml:"http_read_timeout"`
	WriteTimeout time.Duration `yaml:"http_write_timeout"`
	IdleTimeout  time.Duration `yaml:"http_idle_timeout"`
	// MetricsAddr is the listener of /metrics (MetricsOff: none);
	// MetricsToken, when set, also serves it on http_addr to scrapes that
	// bring it.
	MetricsAddr   string `yaml:"metrics_addr"`
	MetricsToken  string `yaml:"metrics_token"`
	DataDir       string `yaml:"data_dir"`
	MySQLDSN      string `yaml:"mysql_dsn"`
	RedisAddr     string `yaml:"redis_addr"`
	RedisPassword string `yaml:"redis_password"`
	RedisDB       int    `yaml:"redis_db"`
	AdminToken    string `yaml:"admin_token"`
	PolicyFile    string `yaml:"policy_file"`
	CalendarFile  string `yaml:"calendar_file"` // default: calendar.txt beside PolicyFile
	DialogFile    string `yaml:"dialog_file"`
	PublicURL     string `yaml:"public_url"`
	// TrustedProxies lists the reverse proxies (CIDR or address,
	// comma-separated) whose X-Forwarded-For names the client; empty: none.
	TrustedProxies string   `yaml:"trusted_proxies"`
	Role           string   `yaml:"role"`
	LogLevel       string   `yaml:"log_level"`
	WeChat         WeChat   `yaml:"wechat"`
	WeCom          WeCom    `yaml:"wecom"`
	WeComBot       WeComBot `yaml:"wecom_bot"`
	DingTalk       DingTalk `yaml:"dingtalk"`
	Outbox         Outbox   `yaml:"outbox"`
	Webhooks       Webhooks `yaml:"webhooks"`
}

// Webhooks configures the delivery of events to integrations.
type Webhooks struct {
	// AllowPrivate lists the networks (CIDR or address, comma-separated)
	// where subscriptions may point although they are private or loopback;
	// http is accepted there too. Empty: https to public addresses only.
	AllowPrivate string        `yaml:"allow_private"`
	Timeout      time.Duration `yaml:"timeout"` // one POST to a receiver
}

// AllowedNets returns webhooks.allow_private as a list.
func (w Webhooks) AllowedNets() []string { return splitList(w.AllowPrivate) }

// TrustedProxyList returns trusted_proxies as a list.
func (c *Config) TrustedProxyList() []string { return splitList(c.TrustedProxies) }

// splitList splits a comma-separated key into its non-empty items.
func splitList(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// WeChat configures the resident-facing Official Account.
type WeChat struct {
	AppID          string        `yaml:"app_id"`
	AppSecret      string        `yaml:"app_secret"`
	Token          string        `yaml:"token"`
	EncodingAESKey string        `yaml:"encoding_aes_key"`
	Mode           string        `yaml:"mode"` // plain | compatible | safe; "" = safe with a key, else plain
	APIBase        string        `yaml:"api_base"`
	Window         time.Duration `yaml:"timestamp_window"`
	TemplateID     string        `yaml:"template_id"`
	TemplateField  string        `yaml:"template_field"`
}

// WeCom configures the self-built WeCom app used by staff.
type WeCom struct {
	CorpID         string `yaml:"corp_id"`
	AgentID        string `yaml:"agent_id"`
	Secret         string `yaml:"secret"`
	Token          string `yaml:"token"`
	EncodingAESKey string `yaml:"encoding_aes_key"`
	APIBase        string `yaml:"api_base"`
}

// WeComBot configures the WeCom smart bot (智能机器人) in group chats.
type WeComBot struct {
	Token          string `yaml:"token"`
	EncodingAESKey string `yaml:"encoding_aes_key"`
}

// DingTalk configures the DingTalk enterprise app robot and custom robots.
type DingTalk struct {
	AppKey      string `yaml:"app_key"`
	AppSecret   string `yaml:"app_secret"`
	Token       string `yaml:"token"`   // callback encryption: the token shown with aes_key
	AESKey      string `yaml:"aes_key"` // callback encryption: every body must then come encrypted
	RobotCode   string `yaml:"robot_code"`
	APIBase     string `yaml:"api_base"`     // custom robots and legacy API
	OpenAPIBase string `yaml:"openapi_base"` // api.dingtalk.com
	// CardTemplateID is the interactive card template (developer console,
	// 卡片平台) task cards are instances of; empty: no DingTalk cards.
	CardTemplateID string `yaml:"card_template_id"`
	// CardCallbackToken guards the HTTP card callback route
	// (/webhooks/dingtalk/card?token=…); required with card_template_id in
	// http mode, at least 16 characters.
	CardCallbackToken string `yaml:"card_callback_token"`
	// CardRouteKey is the callbackRouteKey the callback URL is registered
	// under (http mode; default "tapline").
	CardRouteKey string `yaml:"card_route_key"`
	// Mode is how robot messages and card clicks arrive: "http" (webhooks,
	// the default) or "stream" (a WebSocket the app opens to DingTalk).
	Mode string `yaml:"mode"`
}

// DingTalk modes.
const (
	DingTalkHTTP   = "http"
	DingTalkStream = "stream"
)

// Defaults returns the configuration of the embedded default.
func Defaults() Config {
	return Config{
		HTTPAddr:     ":8080",
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  2 * time.Minute,
		MetricsAddr:  "127.0.0.1:9464",
		DataDir:      "data",
		PolicyFile:   "configs/policy.yaml",
		DialogFile:   "configs/dialog.yaml",
		Role:         RoleAll,
		LogLevel:     "info",
		WeChat:       WeChat{APIBase: "https://api.weixin.qq.com", Window: 5 * time.Minute, TemplateField: "first"},
		WeCom:        WeCom{APIBase: "https://qyapi.weixin.qq.com"},
		DingTalk: DingTalk{APIBase: "https://oapi.dingtalk.com", OpenAPIBase: "https://api.dingtalk.com",
			Mode: DingTalkHTTP, CardRouteKey: "tapline"},
		Outbox:   defaultOutbox(),
		Webhooks: Webhooks{Timeout: 10 * time.Second},
	}
}

// Load reads the file at path (none if empty), applies the environment and
// validates. getenv is os.Getenv outside tests.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Defaults()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&c, getenv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Embedded reports whether the process runs on the embedded default
// (SQLite and an in-process Redis) rather than real services.
func (c *Config) Embedded() bool { return c.MySQLDSN == "" && c.RedisAddr == "" }
