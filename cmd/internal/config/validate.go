package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"time"

	"tapline/bot/wechat"
)

// minWriteTimeout is WeChat's budget for a passive reply: a response must
// be allowed longer.
const minWriteTimeout = 5 * time.Second

// Validate checks the configuration and returns an error naming the first
// key that is wrong or contradicts another.
func (c *Config) Validate() error {
	checks := []func() error{c.validateCore, c.validateHTTP, c.validateWeChat, c.validateWeCom, c.validateDingTalk,
		c.validateOutbox, c.validateWebhooks}
	for _, check := range checks {
		if err := check(); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	return nil
}

func (c *Config) validateCore() error {
	switch {
	case !slices.Contains([]string{RoleAll, RoleWeb, RoleWorker}, c.Role):
		return fmt.Errorf("role: %q is not one of all, web, worker", c.Role)
	case c.PolicyFile == "":
		return fmt.Errorf("policy_file: required")
	case (c.MySQLDSN == "") != (c.RedisAddr == ""):
		return fmt.Errorf("mysql_dsn and redis_addr: set both for real services or neither for the embedded default (several replicas need both shared)")
	case c.AdminToken != "" && len(c.AdminToken) < 16:
		return fmt.Errorf("admin_token: at least 16 characters")
	case c.Embedded() && c.Role != RoleAll:
		return fmt.Errorf("role: %q needs mysql_dsn and redis_addr (the embedded default runs web and worker in one process)", c.Role)
	case !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel):
		return fmt.Errorf("log_level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.PublicURL != "" {
		if err := checkURL("public_url", c.PublicURL); err != nil {
			return err
		}
	}
	if !c.Embedded() && c.AdminToken == "" {
		return fmt.Errorf("admin_token: required with real services")
	}
	return nil
}

// validateHTTP checks the listeners, their timeouts, the metrics and the
// trusted proxies.
func (c *Config) validateHTTP() error {
	switch {
	case c.HTTPAddr == "":
		return fmt.Errorf("http_addr: required")
	case c.ReadTimeout <= 0:
		return fmt.Errorf("http_read_timeout: must be positive")
	case c.WriteTimeout <= minWriteTimeout:
		return fmt.Errorf("http_write_timeout: must be above %v (WeChat waits 5 s for an answer)", minWriteTimeout)
	case c.IdleTimeout <= 0:
		return fmt.Errorf("http_idle_timeout: must be positive")
	case c.MetricsAddr == "":
		return fmt.Errorf("metrics_addr: required (%q serves no metrics listener)", MetricsOff)
	case c.MetricsToken != "" && len(c.MetricsToken) < 16:
		return fmt.Errorf("metrics_token: at least 16 characters")
	}
	if c.MetricsAddr != MetricsOff {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("metrics_addr: %q is not host:port or %q", c.MetricsAddr, MetricsOff)
		}
	}
	for _, p := range c.TrustedProxyList() {
		if !isNetOrAddr(p) {
			return fmt.Errorf("trusted_proxies: %q is neither an IP address nor a CIDR", p)
		}
	}
	return nil
}

func (c *Config) validateWeChat() error {
	w := c.WeChat
	if err := checkURL("wechat.api_base", w.APIBase); err != nil {
		return err
	}
	if err := checkAESKey("wechat.encoding_aes_key", w.EncodingAESKey); err != nil {
		return err
	}
	if _, err := wechat.ServerMode(w.Mode, w.EncodingAESKey); err != nil {
		return fmt.Errorf("wechat.mode: %w", err)
	}
	switch {
	case w.EncodingAESKey != "" && w.AppID == "":
		return fmt.Errorf("wechat.app_id: required with wechat.encoding_aes_key (it is checked in every decrypted message)")
	case w.AppSecret != "" && w.AppID == "":
		return fmt.Errorf("wechat.app_id: required with wechat.app_secret")
	case !c.Embedded() && w.Token == "":
		return fmt.Errorf("wechat.token: required with real services (the webhook fails closed without it)")
	case w.TemplateID != "" && w.AppSecret == "":
		return fmt.Errorf("wechat.template_id: needs wechat.app_secret (template messages are sent through the API)")
	case w.TemplateID != "" && w.TemplateField == "":
		return fmt.Errorf("wechat.template_field: required with wechat.template_id")
	case w.Window <= 0:
		return fmt.Errorf("wechat.timestamp_window: must be positive")
	}
	return nil
}

func (c *Config) validateWeCom() error {
	w := c.WeCom
	if err := checkURL("wecom.api_base", w.APIBase); err != nil {
		return err
	}
	if err := checkAESKey("wecom.encoding_aes_key", w.EncodingAESKey); err != nil {
		return err
	}
	if err := checkAESKey("wecom_bot.encoding_aes_key", c.WeComBot.EncodingAESKey); err != nil {
		return err
	}
	switch {
	case w.Secret != "" && (w.CorpID == "" || w.AgentID == ""):
		return fmt.Errorf("wecom.corp_id and wecom.agent_id: required with wecom.secret")
	case w.EncodingAESKey != "" && (w.CorpID == "" || w.Token == ""):
		return fmt.Errorf("wecom.corp_id and wecom.token: required with wecom.encoding_aes_key")
	case (c.WeComBot.Token == "") != (c.WeComBot.EncodingAESKey == ""):
		return fmt.Errorf("wecom_bot.token and wecom_bot.encoding_aes_key: set both or neither")
	}
	return nil
}

func (c *Config) validateDingTalk() error {
	d := c.DingTalk
	if err := checkURL("dingtalk.api_base", d.APIBase); err != nil {
		return err
	}
	if err := checkURL("dingtalk.openapi_base", d.OpenAPIBase); err != nil {
		return err
	}
	if err := checkAESKey("dingtalk.aes_key", d.AESKey); err != nil {
		return err
	}
	switch {
	case (d.AppKey == "") != (d.AppSecret == ""):
		return fmt.Errorf("dingtalk.app_key and dingtalk.app_secret: set both or neither")
	case (d.Token == "") != (d.AESKey == ""):
		return fmt.Errorf("dingtalk.token and dingtalk.aes_key: set both or neither")
	case d.AESKey != "" && d.AppKey == "":
		return fmt.Errorf("dingtalk.app_key: required with dingtalk.aes_key (each decrypted body must name it)")
	}
	return d.validateCards()
}

// validateCards checks the interactive cards and Stream mode keys.
func (d DingTalk) validateCards() error {
	switch {
	case d.Mode != DingTalkHTTP && d.Mode != DingTalkStream:
		return fmt.Errorf("dingtalk.mode: %q is neither %q nor %q", d.Mode, DingTalkHTTP, DingTalkStream)
	case d.Mode == DingTalkStream && d.AppKey == "":
		return fmt.Errorf("dingtalk.app_key and dingtalk.app_secret: required with dingtalk.mode stream")
	case d.CardTemplateID != "" && d.AppKey == "":
		return fmt.Errorf("dingtalk.app_key and dingtalk.app_secret: required with dingtalk.card_template_id")
	case d.CardTemplateID != "" && d.Mode == DingTalkHTTP && len(d.CardCallbackToken) < 16:
		return fmt.Errorf("dingtalk.card_callback_token: at least 16 characters with dingtalk.card_template_id in http mode")
	case d.CardTemplateID != "" && d.Mode == DingTalkHTTP && d.CardRouteKey == "":
		return fmt.Errorf("dingtalk.card_route_key: required with dingtalk.card_template_id in http mode")
	case d.CardCallbackToken != "" && d.CardTemplateID == "":
		return fmt.Errorf("dingtalk.card_template_id: required with dingtalk.card_callback_token")
	}
	return nil
}

func checkURL(key, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL", key, s)
	}
	return nil
}

// checkAESKey checks a WeChat-family EncodingAESKey: 43 characters of
// base64 that decode (with "=" appended) to a 32-byte AES key.
func checkAESKey(key, s string) error {
	if s == "" {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(s + "=")
	if len(s) != 43 || err != nil || len(b) != 32 {
		return fmt.Errorf("%s: must be the 43-character key shown by the platform", key)
	}
	return nil
}

func (c *Config) validateWebhooks() error {
	w := c.Webhooks
	if w.Timeout <= 0 || w.Timeout > time.Minute {
		return fmt.Errorf("webhooks.timeout: between 1ns and 1m")
	}
	for _, s := range w.AllowedNets() {
		if !isNetOrAddr(s) {
			return fmt.Errorf("webhooks.allow_private: %q is not an address or CIDR prefix (e.g. 10.0.0.0/8)", s)
		}
	}
	return nil
}

// isNetOrAddr reports whether s is an IP address or a CIDR prefix.
func isNetOrAddr(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
