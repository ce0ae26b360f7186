package wechat

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestServerMode(t *testing.T) {
	tests := []struct {
		setting string
		key     string
		want    string // "" = an error
	}{
		{"", testKey, ServerSafe}, // a key means safe mode unless told otherwise
		{"", "", ServerPlain},
		{ServerSafe, testKey, ServerSafe},
		{ServerCompatible, testKey, ServerCompatible}, // only when set explicitly
		{ServerPlain, "", ServerPlain},
		{ServerPlain, testKey, ""}, // a configured key is never ignored
		{ServerSafe, "", ""},
		{ServerCompatible, "", ""},
		{"aes", testKey, ""},
		{"Safe", testKey, ""},
	}
	for _, tt := range tests {
		got, err := ServerMode(tt.setting, tt.key)
		if (tt.want == "") != (err != nil) || got != tt.want {
			t.Errorf("ServerMode(%q, key=%v) = %q, %v; want %q", tt.setting, tt.key != "", got, err, tt.want)
		}
	}
}

// requestKinds builds one request of each kind a server may receive.
var requestKinds = map[string]func(t testing.TB, plain string) (url.Values, []byte){
	ModePlain:  func(t testing.TB, plain string) (url.Values, []byte) { return plainQuery(testNow), []byte(plain) },
	ModeAES:    func(t testing.TB, plain string) (url.Values, []byte) { return sealed(t, plain, testAppID, "") },
	ModeCompat: func(t testing.TB, plain string) (url.Values, []byte) { return sealed(t, plain, testAppID, compatDecoy) },
}

// TestOpenByServerMode is issue 13's plaintext downgrade: with an AES key
// a plaintext request (signed only over token, timestamp and nonce) is
// refused unless compatible mode was chosen.
func TestOpenByServerMode(t *testing.T) {
	text := xmlMsg("<MsgType>text</MsgType><Content>查 TS20261127-0001</Content><MsgId>1</MsgId>")
	tests := []struct {
		cfg     Config
		request string
		want    error
	}{
		{testConfig(), ModePlain, ErrEncryptionRequired}, // the default with a key: safe mode
		{testConfig(), ModeAES, nil},
		{testConfig(), ModeCompat, nil},
		{withMode(testConfig(), ServerSafe), ModePlain, ErrEncryptionRequired},
		{compatConfig(), ModePlain, nil},
		{compatConfig(), ModeAES, nil},
		{compatConfig(), ModeCompat, nil},
		{Config{Token: testToken}, ModePlain, nil},
		{Config{Token: testToken}, ModeAES, ErrBadEncryption},
		{Config{Token: testToken, Mode: ServerPlain}, ModeCompat, ErrBadEncryption},
	}
	for _, tt := range tests {
		v := mustVerifier(t, tt.cfg, testNow)
		q, body := requestKinds[tt.request](t, text)
		in, err := v.Open(context.Background(), q, "text/xml", body)
		if !errors.Is(err, tt.want) || (err == nil) != (in != nil) {
			t.Errorf("%s server, %s request: Open = %v, %v; want %v", v.Mode(), tt.request, in, err, tt.want)
		}
		if err == nil && in.Mode != tt.request {
			t.Errorf("%s server, %s request: opened as %s", v.Mode(), tt.request, in.Mode)
		}
	}
}

func withMode(c Config, mode string) Config {
	c.Mode = mode
	return c
}

// TestSignedQueryCarriesOneBody: a (timestamp, nonce, signature) seen in
// one request (a proxy's access log) cannot carry another body, in any
// mode; the same request again (WeChat's retry) still opens.
func TestSignedQueryCarriesOneBody(t *testing.T) {
	first := xmlMsg("<MsgType>text</MsgType><Content>停水</Content><MsgId>1</MsgId>")
	forged := xmlMsg("<MsgType>text</MsgType><Content>接受</Content><MsgId>2</MsgId>")
	for _, cfg := range []Config{{Token: testToken}, compatConfig()} {
		v := mustVerifier(t, cfg, testNow)
		q := plainQuery(testNow)
		ctx := context.Background()
		if _, err := v.Open(ctx, q, "text/xml", []byte(first)); err != nil {
			t.Fatalf("%s: first: %v", v.Mode(), err)
		}
		if _, err := v.Open(ctx, q, "text/xml", []byte(first)); err != nil {
			t.Fatalf("%s: the same request again: %v", v.Mode(), err)
		}
		if in, err := v.Open(ctx, q, "text/xml", []byte(forged)); !errors.Is(err, ErrReplayed) || in != nil {
			t.Fatalf("%s: forged body under a used query: %v, %v", v.Mode(), in, err)
		}
		if _, err := v.Open(ctx, plainQuery(testNow), "text/xml", []byte(forged)); err != nil {
			t.Fatalf("%s: the forged body under its own query: %v", v.Mode(), err)
		}
	}
}

// The triple is remembered for as long as its timestamp is accepted.
func TestReplayMemoryLastsTheWindow(t *testing.T) {
	mem := &recordingReplays{}
	v, err := NewVerifier(Config{Token: testToken}, clockAt(testNow), WithReplays(mem))
	if err != nil {
		t.Fatal(err)
	}
	q := plainQuery(testNow - 60) // a minute old: four minutes of window left
	if _, err := v.Open(context.Background(), q, "text/xml", []byte(xmlMsg("<MsgType>text</MsgType>"))); err != nil {
		t.Fatal(err)
	}
	if want := 4*time.Minute + time.Second; mem.ttl != want {
		t.Fatalf("remembered for %v, want %v", mem.ttl, want)
	}
}

type recordingReplays struct {
	ttl time.Duration
	err error
}

func (r *recordingReplays) Bind(_ context.Context, _, _ string, ttl time.Duration) (bool, error) {
	r.ttl = ttl
	return r.err == nil, r.err
}

// Without its replay memory the verifier does not vouch for a request:
// the message comes back for the record, with ErrReplayUnchecked.
func TestReplayMemoryDown(t *testing.T) {
	v, err := NewVerifier(testConfig(), clockAt(testNow), WithReplays(&recordingReplays{err: errors.New("redis down")}))
	if err != nil {
		t.Fatal(err)
	}
	q, body := sealed(t, xmlMsg("<MsgType>text</MsgType><Content>停水</Content>"), testAppID, "")
	in, err := v.Open(context.Background(), q, "text/xml", body)
	if !errors.Is(err, ErrReplayUnchecked) || in == nil || in.Update.Text != "停水" {
		t.Fatalf("Open = %+v, %v", in, err)
	}
}
