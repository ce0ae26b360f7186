package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"tapline/bot/simclient"
)

type options struct {
	url, credentials, scenario, mode, openID, dialog, policy string
	wait                                                     time.Duration
}

type credentials struct {
	AppID          string `yaml:"wechat_app_id"`
	Token          string `yaml:"wechat_token"`
	AESKey         string `yaml:"wechat_encoding_aes_key"`
	AdminToken     string `yaml:"admin_token"`
	WeComCorpID    string `yaml:"wecom_corp_id"`
	WeComToken     string `yaml:"wecom_token"`
	WeComAESKey    string `yaml:"wecom_encoding_aes_key"`
	WeComBotToken  string `yaml:"wecom_bot_token"`
	WeComBotAESKey string `yaml:"wecom_bot_encoding_aes_key"`
	DingTalkSecret string `yaml:"dingtalk_app_secret"`
}

var caseNumber = regexp.MustCompile(`TS\d{8}-\d{4,}`)

// resident holds one simulated conversation.
type resident struct {
	client *simclient.Client
	openID string
	msgID  int64
	out    io.Writer
	script *script
}

func playResident(ctx context.Context, o options, out io.Writer) error {
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return err
	}
	r, number, err := fileComplaint(ctx, o, creds, out)
	if err != nil {
		return err
	}
	if _, err := r.say(ctx, "我的投诉"); err != nil {
		return err
	}
	admin := &adminClient{base: strings.TrimRight(o.url, "/"), token: creds.AdminToken}
	return admin.show(ctx, out, number, o.wait)
}

// fileComplaint plays the resident's intake dialog and returns the number.
func fileComplaint(ctx context.Context, o options, creds credentials, out io.Writer) (*resident, string, error) {
	texts, err := loadTexts(o.dialog)
	if err != nil {
		return nil, "", err
	}
	r := &resident{out: out, openID: o.openID, msgID: time.Now().UnixNano() % 1e12, script: newScript(o.scenario, texts)}
	if r.openID == "" {
		r.openID = "o-sim-" + randomHex(6)
	}
	r.client = &simclient.Client{URL: strings.TrimRight(o.url, "/") + "/webhooks/wechat",
		Token: creds.Token, AppID: creds.AppID, OA: "gh_tapline_demo"}
	if o.mode == "aes" {
		r.client.EncodingAESKey = creds.AESKey
	}
	fmt.Fprintf(out, "Resident %s on WeChat (%s mode), scenario %q\n\n", r.openID, o.mode, o.scenario)
	number, err := r.converse(ctx)
	return r, number, err
}

// converse answers the dialog until it asks nothing more and returns the
// case number it gave.
func (r *resident) converse(ctx context.Context) (string, error) {
	reply, err := r.say(ctx, r.script.opening)
	number := ""
	for turn := 0; err == nil && turn < 20; turn++ {
		if n := caseNumber.FindString(reply); n != "" {
			number = n
		}
		if r.script.question(reply) == "" {
			if number == "" {
				return "", fmt.Errorf("the dialog asks nothing more and gave no case number; last reply: %q", reply)
			}
			return number, nil
		}
		reply, err = r.say(ctx, r.script.answer(reply))
	}
	if err != nil {
		return "", err
	}
	return "", fmt.Errorf("still asking after 20 turns; last reply: %q", reply)
}

// say sends one text message and prints the exchange.
func (r *resident) say(ctx context.Context, text string) (string, error) {
	r.msgID++
	fmt.Fprintf(r.out, "居民 > %s\n", text)
	resp, err := r.client.Send(ctx, simclient.Text(r.openID, r.msgID, text))
	if err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	if resp.Status != 200 {
		return "", fmt.Errorf("server answered %d: %s", resp.Status, resp.Body)
	}
	fmt.Fprintf(r.out, "客服 < %s\n\n", indent(resp.Text))
	return resp.Text, nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n       ") }

func loadCredentials(path string) (credentials, error) {
	var c credentials
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("credentials: %w (start the server first: go run ./cmd/server)", err)
	}
	if err := yaml.Unmarshal(b, &c); err != nil || c.Token == "" {
		return c, fmt.Errorf("credentials %s: not a demo credentials file", path)
	}
	return c, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
