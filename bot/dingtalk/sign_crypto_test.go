package dingtalk

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// DingTalk's published callback-crypto example (the token, aes_key,
// suite key, timestamp, nonce, signature and encrypt of the official
// samples: DingTalk-Callback-Crypto's demos, quoted by many SDKs' tests).
// Checked outside Go: the signature with python3 hashlib.sha1 over the
// sorted parts, the plaintext with
//
//	openssl enc -d -aes-256-cbc -nopad -K <base64(aesKey+"=") as hex> -iv <its first 16 bytes>
//
// which shows random "hU3bEfGZZewzhG5a", length 0x61, the JSON below, the
// suite key and 22 bytes of 0x16 padding.
const (
	vecToken  = "123456"
	vecAESKey = "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"
	vecOwner  = "suite4xxxxxxxxxxxxxxx"
	vecTS     = "1445827045067"
	vecNonce  = "nEXhMP4r"
	vecSig    = "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0"
	vecEnc    = "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ=="
	vecPlain  = `{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}`
)

// refSignature is sha1 over the sorted, concatenated parts, written apart
// from signature().
func refSignature(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p)
	h := sha1.New()
	for _, s := range p {
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func mustCrypto(t testing.TB, token, key, owner string) *Crypto {
	t.Helper()
	c, err := NewCrypto(token, key, owner)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCryptoPublishedVector(t *testing.T) {
	if got := refSignature(vecToken, vecTS, vecNonce, vecEnc); got != vecSig {
		t.Fatalf("reference signature %s", got)
	}
	c := mustCrypto(t, vecToken, vecAESKey, vecOwner)
	msg, err := c.open(vecSig, vecTS, vecNonce, []byte(`{"encrypt":"`+vecEnc+`"}`))
	if err != nil || string(msg) != vecPlain {
		t.Fatalf("open = %q, %v", msg, err)
	}
	// silenceper's WeChat util implements the same scheme independently.
	_, ref, err := util.DecryptMsg(vecOwner, vecEnc, vecAESKey)
	if err != nil || string(ref) != vecPlain {
		t.Fatalf("independent decrypt = %q, %v", ref, err)
	}
}

func TestCryptoRoundTripsWithIndependentImplementation(t *testing.T) {
	c := mustCrypto(t, vecToken, vecAESKey, "dingappkey01")
	msg := []byte(`{"msgtype":"text","text":{"content":"批准 TS1 💧"}}`)
	enc, err := c.encrypt(msg)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := util.DecryptMsg("dingappkey01", enc, vecAESKey); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("ours → independent: %q, %v", got, err)
	}
	theirs, err := util.EncryptMsg([]byte("0123456789abcdef"), msg, "dingappkey01", vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.decrypt(string(theirs)); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("independent → ours: %q, %v", got, err)
	}
}

func TestNewCrypto(t *testing.T) {
	for _, tt := range []struct{ token, key, owner string }{
		{"", vecAESKey, vecOwner}, {vecToken, vecAESKey, ""}, {vecToken, vecAESKey[:42], vecOwner},
		{vecToken, strings.Repeat("!", 43), vecOwner},
	} {
		if _, err := NewCrypto(tt.token, tt.key, tt.owner); err == nil {
			t.Errorf("NewCrypto(%q, %q, %q) accepted", tt.token, tt.key, tt.owner)
		}
	}
}

// encryptedRequest seals body with the independent implementation and
// signs the query as DingTalk does.
func encryptedRequest(t *testing.T, body, owner, ts, nonce string) (url.Values, []byte) {
	t.Helper()
	enc, err := util.EncryptMsg([]byte("fedcba9876543210"), []byte(body), owner, vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"signature": {refSignature(vecToken, ts, nonce, string(enc))}, "timestamp": {ts}, "nonce": {nonce}}
	env, _ := json.Marshal(map[string]string{"encrypt": string(enc)})
	return q, env
}

func TestOpenEncrypted(t *testing.T) {
	const owner = "dingappkey01"
	newV := func() *Verifier {
		return NewVerifier(appSecret, 0, fixedClock{vectorTime}, WithEncryption(mustCrypto(t, vecToken, vecAESKey, owner)))
	}
	ctx := context.Background()
	h := signedHeader(vectorTS, vectorSign)
	q, body := encryptedRequest(t, groupBody, owner, vectorTS, "n0nce1")
	in, err := newV().Open(ctx, h, q, body)
	if err != nil || !in.Encrypted || in.Update.Text != "同意 WO001" || string(in.Raw) != groupBody {
		t.Fatalf("Open = %+v, %v", in, err)
	}
	set := func(k, v string) url.Values {
		c := url.Values{}
		for key, vals := range q {
			c[key] = vals
		}
		c.Set(k, v)
		return c
	}
	wrongOwner, wrongOwnerBody := encryptedRequest(t, groupBody, "another-app", vectorTS, "n0nce2")
	stale := strconv.FormatInt(vectorTime.Add(-2*time.Hour).UnixMilli(), 10)
	staleQ, staleBody := encryptedRequest(t, groupBody, owner, stale, "n0nce3")
	tests := []struct {
		name string
		q    url.Values
		body []byte
		want error
	}{
		{"plaintext body refused", q, []byte(groupBody), ErrMalformed},
		{"msg_signature name", url.Values{"msg_signature": q["signature"], "timeStamp": q["timestamp"], "nonce": q["nonce"]}, body, nil},
		{"no signature", set("signature", ""), body, ErrMissingSignature},
		{"bad signature", set("signature", strings.Repeat("0", 40)), body, ErrBadSignature},
		{"signature of another nonce", set("nonce", "other"), body, ErrBadSignature},
		{"another app's message", wrongOwner, wrongOwnerBody, ErrBadEncryption},
		{"stale envelope", staleQ, staleBody, ErrExpiredTimestamp},
		{"garbled ciphertext", set("signature", refSignature(vecToken, vectorTS, "n0nce1", "AAAA")), []byte(`{"encrypt":"AAAA"}`), ErrBadEncryption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := newV().Open(ctx, h, tt.q, tt.body)
			if !errors.Is(err, tt.want) || (err == nil) != (in != nil) {
				t.Fatalf("Open = %+v, %v; want %v", in, err, tt.want)
			}
		})
	}
	if _, err := newV().Open(ctx, signedHeader(vectorTS, "x"+vectorSign[1:]), q, body); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("the robot's sign header is still required: %v", err)
	}
}

// An encrypted callback is answered with the encrypted "success".
func TestAckEncrypted(t *testing.T) {
	c := mustCrypto(t, vecToken, vecAESKey, "dingappkey01")
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime}, WithEncryption(c))
	if b, _ := v.Ack(&Inbound{}); string(b) != "{}" {
		t.Fatalf("plaintext ack %s", b)
	}
	b, err := v.Ack(&Inbound{Encrypted: true})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["msg_signature"] != refSignature(vecToken, m["timeStamp"], m["nonce"], m["encrypt"]) || m["timeStamp"] != vectorTS {
		t.Fatalf("ack %v", m)
	}
	if _, msg, err := util.DecryptMsg("dingappkey01", m["encrypt"], vecAESKey); err != nil || string(msg) != "success" {
		t.Fatalf("ack decrypts to %q, %v", msg, err)
	}
}

// FuzzCryptoDecrypt: whatever bytes are encrypted (framing, padding and
// owner key as the fuzzer makes them), decrypt never panics, fails only
// with ErrBadEncryption, and what it accepts ends in the owner key.
func FuzzCryptoDecrypt(f *testing.F) {
	f.Add([]byte("0123456789abcdef\x00\x00\x00\x02{}dingappkey01"), true)
	f.Add(bytes.Repeat([]byte{32}, 64), false)
	f.Add([]byte{}, false)
	c := mustCrypto(f, vecToken, vecAESKey, "dingappkey01")
	f.Fuzz(func(t *testing.T, pt []byte, pad bool) {
		pt = append([]byte(nil), pt...)
		if pad { // well padded, so the framing checks are reached
			n := 32 - len(pt)%32
			pt = append(pt, bytes.Repeat([]byte{byte(n)}, n)...)
		}
		pt = append(pt, make([]byte, (16-len(pt)%16)%16)...)
		if len(pt) == 0 {
			pt = make([]byte, 16)
		}
		block, _ := aes.NewCipher(c.key)
		ct := make([]byte, len(pt))
		cipher.NewCBCEncrypter(block, c.key[:16]).CryptBlocks(ct, pt)
		msg, err := c.decrypt(base64.StdEncoding.EncodeToString(ct))
		if err != nil {
			if !errors.Is(err, ErrBadEncryption) {
				t.Fatalf("unclassified %v", err)
			}
			return
		}
		unpadded := pt[:len(pt)-int(pt[len(pt)-1])]
		if !bytes.HasSuffix(unpadded, []byte("dingappkey01")) || len(msg) > len(unpadded)-20 {
			t.Fatalf("accepted %q from %q", msg, pt)
		}
	})
}
