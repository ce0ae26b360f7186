package wechat

import (
	"context"
	"errors"
	"testing"
)

// FuzzServerMode holds the mode selection to the configuration: for any
// configured mode (with or without a key) and any request — plaintext or
// encrypted, msg_signature right, wrong or missing, with or without the
// plaintext copy of compatible mode — a verifier exists exactly when
// ServerMode accepts the setting, a plaintext request opens only in plain
// and compatible mode, an encrypted one only with a key and a valid
// msg_signature, and nothing opens in safe mode without encryption.
func FuzzServerMode(f *testing.F) {
	for _, setting := range []string{"", ServerPlain, ServerCompatible, ServerSafe, "aes", "raw"} {
		for _, et := range []string{"", "raw", "aes", "AES"} {
			f.Add(setting, true, et, uint8(0), true)
			f.Add(setting, false, et, uint8(1), false)
			f.Add(setting, true, et, uint8(2), true)
		}
	}
	f.Fuzz(func(t *testing.T, setting string, withKey bool, encryptType string, sig uint8, compatCopy bool) {
		cfg := Config{AppID: testAppID, Token: testToken, Mode: setting}
		if withKey {
			cfg.EncodingAESKey = testKey
		}
		want, modeErr := ServerMode(setting, cfg.EncodingAESKey)
		v, err := NewVerifier(cfg, clockAt(testNow))
		if (err != nil) != (modeErr != nil) {
			t.Fatalf("NewVerifier(%q, key %v) = %v; ServerMode says %v", setting, withKey, err, modeErr)
		}
		if err != nil {
			return
		}
		if v.Mode() != want {
			t.Fatalf("verifier mode %q, ServerMode %q", v.Mode(), want)
		}
		plain := xmlMsg("<MsgType>text</MsgType><Content>接受</Content><MsgId>3</MsgId>")
		extra := ""
		if compatCopy {
			extra = compatDecoy
		}
		q, body := sealed(t, plain, testAppID, extra)
		goodSig := true
		switch sig % 3 {
		case 1:
			q.Set("msg_signature", refSignature("another-token", q.Get("timestamp"), q.Get("nonce")))
			goodSig = false
		case 2:
			q.Del("msg_signature")
			goodSig = false
		}
		plaintextReq := encryptType == "" || encryptType == "raw"
		encryptedReq := encryptType == "aes"
		q.Set("encrypt_type", encryptType)
		if plaintextReq {
			body = []byte(plain) // a plaintext request carries the message itself
		}
		in, err := v.Open(context.Background(), q, "text/xml", body)
		shouldOpen := (plaintextReq && (want == ServerPlain || want == ServerCompatible)) ||
			(encryptedReq && withKey && goodSig && (want == ServerCompatible || want == ServerSafe))
		if (err == nil) != shouldOpen {
			t.Fatalf("mode %s, encrypt_type %q, sig %d: Open = %v, %v; should open: %v", want, encryptType, sig%3, in, err, shouldOpen)
		}
		if err != nil {
			if !isSentinel(err) || in != nil {
				t.Fatalf("refusal %v (inbound %v)", err, in)
			}
			if want == ServerSafe && plaintextReq && !errors.Is(err, ErrEncryptionRequired) {
				t.Fatalf("safe mode refused plaintext with %v", err)
			}
			return
		}
		if want == ServerSafe && in.Mode == ModePlain {
			t.Fatal("safe mode opened a plaintext request")
		}
		if in.Update.Text != "接受" || in.Update.SenderID != "oResident1" {
			t.Fatalf("opened %+v: the plaintext copy was used", in.Update)
		}
	})
}
