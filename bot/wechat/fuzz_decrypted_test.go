package wechat

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"

	"tapline/bot"
)

// FuzzOpenDecrypted reaches what FuzzOpen can only reach from its seeds:
// the decoding of a decrypted payload. Each input is sealed correctly
// (safe mode, signed, the right AppID) so that any XML or JSON text gets
// to decodeWire; with raw set, the bytes are instead encrypted as they
// are, so the framing checks (padding, length prefix, AppID) see arbitrary
// plaintext. Open must not panic, must fail only with a sentinel error,
// and whatever it accepts must carry a sender and a kind and reply.
func FuzzOpenDecrypted(f *testing.F) {
	for _, mt := range messageTypes {
		f.Add(false, []byte(xmlMsg(mt.fields)))
	}
	f.Add(false, []byte(`{"FromUserName":"o","MsgType":"text","Content":"水发黄😷 <b>","CreateTime":"1","MsgId":"99999999999999999999"}`))
	f.Add(false, []byte(`  {"FromUserName":"o","MsgType":"location","Location_X":"1e400","Label":"幸福路"}`))
	f.Add(false, []byte(xmlMsg("<MsgType>text</MsgType><Content><![CDATA[我的电话是：１５０　１２３４　５６７８'; DROP TABLE x;--]]></Content>")))
	f.Add(false, []byte(xmlMsg("<MsgType>text</MsgType><Content>"+strings.Repeat("水", 5000)+"</Content>")))
	f.Add(false, []byte("<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><CreateTime>-9223372036854775808</CreateTime></xml>"))
	f.Add(true, []byte(strings.Repeat("\x20", 64)))
	f.Add(true, framed([]byte("<xml/>"), 0xffffffff))
	v, err := NewVerifier(testConfig(), clockAt(testNow), WithReplays(acceptAll{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw bool, plain []byte) {
		var enc string
		if raw {
			enc = refEncryptBlocks(t, testKey, blockAligned(plain))
		} else {
			enc = refEncrypt(t, testKey, testRandom, plain, testAppID)
		}
		q := aesQuery(enc)
		body := []byte("<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
		in, err := v.Open(context.Background(), q, "", body)
		if err != nil {
			if in != nil || !isSentinel(err) {
				t.Fatalf("Open: %v (inbound %v)", err, in)
			}
			return
		}
		u := in.Update
		if in.Mode != ModeAES || u.Platform != bot.PlatformWeChat || u.SenderID == "" || u.Kind == "" {
			t.Fatalf("accepted %+v (mode %s)", u, in.Mode)
		}
		if utf8.Valid(plain) && !utf8.ValidString(u.Text) {
			t.Fatalf("text %q from valid UTF-8", u.Text)
		}
		if _, _, err := v.Reply(in, bot.Reply{Text: u.Text + "!"}, q.Get("timestamp"), q.Get("nonce")); err != nil {
			t.Fatalf("Reply: %v", err)
		}
	})
}

// blockAligned pads b with zero bytes to a whole number of AES blocks
// (at least one), leaving the framing as broken as the fuzzer made it.
func blockAligned(b []byte) []byte {
	n := (len(b) + 15) / 16 * 16
	if n == 0 {
		n = 16
	}
	return append(append([]byte(nil), b...), make([]byte, n-len(b))...)
}

// framed is random bytes, a length prefix of n and msg: a frame whose
// length lies.
func framed(msg []byte, n uint32) []byte {
	b := append([]byte(nil), testRandom...)
	b = binary.BigEndian.AppendUint32(b, n)
	return append(b, msg...)
}
