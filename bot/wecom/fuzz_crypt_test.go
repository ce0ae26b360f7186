package wecom

import (
	"bytes"
	"encoding/binary"
	"net/url"
	"testing"
)

// FuzzDecryptFrame encrypts arbitrary plaintext blocks as they are (no
// framing, no padding), so that decrypt's padding, length-prefix and
// receive-id checks see every shape of broken frame, and also seals the
// bytes correctly as an echostr for VerifyURL of the app and the smart
// bot. Nothing may panic; refusals wrap a sentinel error; a correctly
// sealed echostr comes back verbatim.
func FuzzDecryptFrame(f *testing.F) {
	f.Add([]byte("echo-123"), false)
	f.Add(bytes.Repeat([]byte{32}, 64), true)
	f.Add(append(bytes.Repeat([]byte{0}, 20), bytes.Repeat([]byte{12}, 12)...), true)
	f.Add(frame([]byte("1616161616"), 0xffffffff), true)
	f.Add([]byte("水务😀\x00\xff"), false)
	app, bt := newTestApp(f), newTestBot(f)
	key, err := aesKey(tKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte, raw bool) {
		if raw {
			enc := refEncryptRaw(t, tKey, aligned(b))
			msg, id, err := decrypt(key, enc)
			if err != nil && (msg != nil || !sentinel(err)) {
				t.Fatalf("decrypt: %q, %v", msg, err)
			}
			if err == nil && len(msg)+len(id)+randomLen+4 > len(aligned(b)) {
				t.Fatalf("decrypt returned more than it was given: %d + %d bytes", len(msg), len(id))
			}
			checkVerifyURL(t, app.VerifyURL, enc, "", false)
			checkVerifyURL(t, bt.VerifyURL, enc, "", false)
			return
		}
		checkVerifyURL(t, app.VerifyURL, refEncrypt(t, tKey, tRandom, b, tCorpID), string(b), true)
		checkVerifyURL(t, bt.VerifyURL, refEncrypt(t, tKey, tRandom, b, ""), string(b), true)
	})
}

// checkVerifyURL calls verify with echostr enc correctly signed: when sealed
// is true it must answer want, otherwise it may
// refuse, but only with a sentinel error.
func checkVerifyURL(t *testing.T, verify func(url.Values) (string, error), enc, want string, sealed bool) {
	t.Helper()
	q := signedQuery(enc, tNow)
	q.Set("echostr", enc)
	got, err := verify(q)
	switch {
	case err != nil && !sentinel(err):
		t.Fatalf("VerifyURL: %v", err)
	case sealed && (err != nil || got != want):
		t.Fatalf("VerifyURL of a sealed %q: %q, %v", want, got, err)
	}
}

// aligned pads b with zeros to whole AES blocks (at least one).
func aligned(b []byte) []byte {
	n := max((len(b)+15)/16*16, 16)
	return append(append([]byte(nil), b...), make([]byte, n-len(b))...)
}

// frame is 16 random bytes, a length prefix of n and msg.
func frame(msg []byte, n uint32) []byte {
	b := binary.BigEndian.AppendUint32(append([]byte(nil), tRandom...), n)
	return append(b, msg...)
}
