package wecom

import (
	"crypto/aes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"testing"
	"time"
)

// This file holds an independent implementation of WeCom's callback
// cryptography, written from the protocol description (90968/101033)
// without sharing code with crypt.go: CBC is chained by hand over single
// AES blocks, padding and the length prefix are built byte by byte. Tests
// encrypt with one implementation and decrypt with the other.

// Settings of the generated (non-official) test vectors.
const (
	tCorpID = "ww0123456789abcdef"
	tToken  = "tapline-wecom-token"
	tKey    = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
	tNow    = int64(1700000000)
	tNonce  = "1372623149"
)

var tRandom = []byte("abcdefghijklmnop")

// fixedClock is a bot.Clock that always says t.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func clockAt(sec int64) fixedClock { return fixedClock{time.Unix(sec, 0)} }

// refKey decodes an EncodingAESKey.
func refKey(tb testing.TB, encodingAESKey string) []byte {
	tb.Helper()
	k, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(k) != 32 {
		tb.Fatalf("bad test key %q", encodingAESKey)
	}
	return k
}

// refEncrypt seals msg for receiveID: random | len | msg | id, PKCS#7 to
// 32 bytes, AES-256-CBC with IV = key[:16], base64.
func refEncrypt(tb testing.TB, encodingAESKey string, random, msg []byte, receiveID string) string {
	tb.Helper()
	n := len(msg)
	plain := append([]byte{}, random...)
	plain = append(plain, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	plain = append(plain, msg...)
	plain = append(plain, receiveID...)
	pad := 32 - len(plain)%32
	for i := 0; i < pad; i++ {
		plain = append(plain, byte(pad))
	}
	return refEncryptRaw(tb, encodingAESKey, plain)
}

// refEncryptRaw encrypts an already padded plaintext (whole AES blocks), so
// tests can build broken paddings and length prefixes.
func refEncryptRaw(tb testing.TB, encodingAESKey string, plain []byte) string {
	tb.Helper()
	key := refKey(tb, encodingAESKey)
	block, err := aes.NewCipher(key)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]byte, len(plain))
	prev := key[:16]
	for i := 0; i < len(plain); i += 16 {
		var x [16]byte
		for j := range x {
			x[j] = plain[i+j] ^ prev[j]
		}
		block.Encrypt(out[i:i+16], x[:])
		prev = out[i : i+16]
	}
	return base64.StdEncoding.EncodeToString(out)
}

// refDecrypt opens a ciphertext; it fails the test on any inconsistency.
func refDecrypt(tb testing.TB, encodingAESKey, b64 string) (msg []byte, receiveID string) {
	tb.Helper()
	key := refKey(tb, encodingAESKey)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) == 0 || len(raw)%32 != 0 {
		tb.Fatalf("ref decrypt: ciphertext of %d bytes (%v)", len(raw), err)
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(raw))
	prev := key[:16]
	for i := 0; i < len(raw); i += 16 {
		block.Decrypt(plain[i:i+16], raw[i:i+16])
		for j := 0; j < 16; j++ {
			plain[i+j] ^= prev[j]
		}
		prev = raw[i : i+16]
	}
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 {
		tb.Fatalf("ref decrypt: padding %d", pad)
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			tb.Fatal("ref decrypt: padding bytes differ")
		}
	}
	plain = plain[:len(plain)-pad]
	n := int(plain[16])<<24 | int(plain[17])<<16 | int(plain[18])<<8 | int(plain[19])
	if 20+n > len(plain) {
		tb.Fatalf("ref decrypt: length %d", n)
	}
	return plain[20 : 20+n], string(plain[20+n:])
}

// refSignature is sha1 over the sorted, concatenated parts.
func refSignature(parts ...string) string {
	s := append([]string{}, parts...)
	sort.Strings(s)
	joined := ""
	for _, p := range s {
		joined += p
	}
	return fmt.Sprintf("%x", sha1.Sum([]byte(joined)))
}

// signedQuery is a correctly signed callback query for enc at timestamp ts.
func signedQuery(enc string, ts int64) url.Values {
	t := strconv.FormatInt(ts, 10)
	return url.Values{"msg_signature": {refSignature(tToken, t, tNonce, enc)}, "timestamp": {t}, "nonce": {tNonce}}
}

func TestRefRoundTrip(t *testing.T) {
	// The reference implementation must agree with itself before it can
	// judge the production code.
	for _, n := range []int{0, 1, 11, 12, 31, 32, 33, 100} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte('a' + i%26)
		}
		got, id := refDecrypt(t, tKey, refEncrypt(t, tKey, tRandom, msg, tCorpID))
		if string(got) != string(msg) || id != tCorpID {
			t.Fatalf("n=%d: %q %q", n, got, id)
		}
	}
}
