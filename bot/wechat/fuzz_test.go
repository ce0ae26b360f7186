package wechat

import (
	"context"
	"errors"
	"testing"

	"tapline/bot"
)

// FuzzOpen feeds arbitrary bodies through Open (signatures made valid, so
// the decoders and the decrypter are reached) and answers what opens. Open
// must never panic and must fail only with the package's sentinel errors.
func FuzzOpen(f *testing.F) {
	for _, mt := range messageTypes {
		plain := xmlMsg(mt.fields)
		f.Add(false, "text/xml", []byte(plain))
		_, body := sealed(f, plain, testAppID, "")
		f.Add(true, "text/xml", body)
		_, body = sealed(f, plain, testAppID, compatDecoy)
		f.Add(true, "text/xml", body)
	}
	_, body := sealedJSON(f, `{"FromUserName":"o","MsgType":"text","Content":"hi","CreateTime":"1","MsgId":2}`)
	f.Add(true, "application/json", body)
	f.Add(false, "application/json", []byte(`{"FromUserName":"o","MsgType":"location","Location_X":1e400}`))
	f.Add(true, "text/xml", []byte("<xml><Encrypt>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</Encrypt></xml>"))
	f.Add(false, "", []byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>`))

	v, err := NewVerifier(compatConfig(), clockAt(testNow), WithReplays(acceptAll{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, encrypted bool, ctype string, body []byte) {
		q := plainQuery(testNow)
		if encrypted {
			enc := ""
			if m, err := decodeWire(body, looksJSON(ctype, body)); err == nil {
				enc = m.Encrypt
			}
			q = aesQuery(enc)
		}
		in, err := v.Open(context.Background(), q, ctype, body)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("Open error is no sentinel: %v", err)
			}
			return
		}
		out, _, err := v.Reply(in, bot.Reply{Text: in.Update.Text + "!"}, q.Get("timestamp"), q.Get("nonce"))
		if err != nil || len(out) == 0 {
			t.Fatalf("Reply after Open: %q, %v", out, err)
		}
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrMissingSignature, ErrBadSignature, ErrExpiredTimestamp, ErrBadEncryption, ErrMalformed,
		ErrEncryptionRequired, ErrReplayed, ErrReplayUnchecked} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
