package config

import (
	"strings"
	"testing"
)

func TestDingTalkCardsAndStream(t *testing.T) {
	app := map[string]string{"TAPLINE_DINGTALK_APP_KEY": "k", "TAPLINE_DINGTALK_APP_SECRET": "s"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range app {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	bad := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TAPLINE_DINGTALK_MODE": "websocket"}, "dingtalk.mode"},
		{map[string]string{"TAPLINE_DINGTALK_MODE": "stream"}, "required with dingtalk.mode stream"},
		{map[string]string{"TAPLINE_DINGTALK_CARD_TEMPLATE_ID": "t.schema"}, "required with dingtalk.card_template_id"},
		{with(map[string]string{"TAPLINE_DINGTALK_CARD_TEMPLATE_ID": "t.schema"}), "dingtalk.card_callback_token"},
		{with(map[string]string{"TAPLINE_DINGTALK_CARD_TEMPLATE_ID": "t.schema",
			"TAPLINE_DINGTALK_CARD_CALLBACK_TOKEN": "short"}), "dingtalk.card_callback_token"},
		{with(map[string]string{"TAPLINE_DINGTALK_CARD_CALLBACK_TOKEN": "0123456789abcdef"}), "dingtalk.card_template_id"},
	}
	for _, tt := range bad {
		if _, err := Load("", env(tt.env)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: err = %v, want %q", tt.env, err, tt.want)
		}
	}
	good := []map[string]string{
		with(map[string]string{"TAPLINE_DINGTALK_CARD_TEMPLATE_ID": "t.schema",
			"TAPLINE_DINGTALK_CARD_CALLBACK_TOKEN": "0123456789abcdef"}),
		with(map[string]string{"TAPLINE_DINGTALK_MODE": "stream", "TAPLINE_DINGTALK_CARD_TEMPLATE_ID": "t.schema"}),
	}
	for _, e := range good {
		c, err := Load("", env(e))
		if err != nil {
			t.Errorf("env %v: %v", e, err)
			continue
		}
		if c.DingTalk.CardTemplateID != "t.schema" || c.DingTalk.CardRouteKey != "tapline" {
			t.Errorf("env %v: %+v", e, c.DingTalk)
		}
	}
	if c, _ := Load("", env(nil)); c.DingTalk.Mode != DingTalkHTTP {
		t.Fatalf("default mode %q", c.DingTalk.Mode)
	}
}
