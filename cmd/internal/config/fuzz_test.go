package config

import (
	"testing"

	"tapline/bot/wechat"
)

// FuzzWeChatMode holds start-up to the verifier: for any wechat.mode, with
// or without an AES key, the configuration loads exactly when a verifier
// can be built from it, and the server then enforces the mode the
// configuration resolves (safe with a key unless told otherwise).
func FuzzWeChatMode(f *testing.F) {
	for _, m := range []string{"", "plain", "compatible", "safe", "aes", "Safe", "compat"} {
		f.Add(m, true)
		f.Add(m, false)
	}
	const key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
	f.Fuzz(func(t *testing.T, mode string, withKey bool) {
		e := map[string]string{"TAPLINE_WECHAT_TOKEN": "t", "TAPLINE_WECHAT_APP_ID": "wx0123456789abcdef", "TAPLINE_WECHAT_MODE": mode}
		if withKey {
			e["TAPLINE_WECHAT_ENCODING_AES_KEY"] = key
		}
		c, loadErr := Load("", env(e))
		w := c.WeChat
		v, verr := wechat.NewVerifier(wechat.Config{AppID: w.AppID, Token: w.Token, EncodingAESKey: w.EncodingAESKey, Mode: w.Mode}, nil)
		if (loadErr == nil) != (verr == nil) {
			t.Fatalf("mode %q key %v: config %v, verifier %v", mode, withKey, loadErr, verr)
		}
		if loadErr != nil {
			return
		}
		want := wechat.ServerPlain
		switch {
		case w.Mode != "":
			want = w.Mode
		case withKey:
			want = wechat.ServerSafe
		}
		if v.Mode() != want {
			t.Fatalf("mode %q key %v: the server enforces %q, want %q", mode, withKey, v.Mode(), want)
		}
	})
}
