package wechat

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func clockAt(unix int64) fixedClock { return fixedClock{time.Unix(unix, 0)} }

func mustVerifier(tb testing.TB, cfg Config, unix int64) *Verifier {
	tb.Helper()
	v, err := NewVerifier(cfg, clockAt(unix))
	if err != nil {
		tb.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// Vector E — Tencent's official 消息推送 documentation, safe-mode example
// ("以 debug_demo 事件为例"), https://developers.weixin.qq.com/doc/oplatform/
// Third-party_Platforms/2.0/api/Before_Develop/message_push.html (found with
// the search tool in a stored copy of that page). Every value, both
// signatures, the decrypted message and the encrypted reply are published
// there; ref_test.go reproduces all of them independently.
const (
	vecEToken     = "AAAAA"
	vecEAppID     = "wx134c8103faa5a59e"
	vecETimestamp = "1715943329"
	vecENonce     = "1590219412"
	vecESignature = "cc0c594499c1634947d5b502f158ee518947db27"
	vecEMsgSig    = "6c12a4205838198b8fa631b3220723bb07f1015c"
	vecEEncrypt   = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg=="
	vecEPlain     = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>"
	// The reply half of the same example.
	vecEReplyRandom = "999951349e8ee746"
	vecEReplyMsg    = "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>"
	vecEReplyTS     = "1713424427"
	vecEReplyNonce  = "415670741"
	vecEReplyEnc    = "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7"
	vecEReplySig    = "03e0812039325c2712ef5f0f980fd14c70d6e307"
)

var vecEKey = strings.Repeat("A", 43)

func vecEBody() []byte {
	return []byte("<xml>\n    <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n    <Encrypt><![CDATA[" + vecEEncrypt + "]]></Encrypt>\n</xml>")
}

func vecEQuery() url.Values {
	return url.Values{
		"signature": {vecESignature}, "timestamp": {vecETimestamp}, "nonce": {vecENonce},
		"openid": {"o9AgO5Kd5ggOC-bXrbNODIiE3bGY"}, "encrypt_type": {"aes"}, "msg_signature": {vecEMsgSig},
	}
}

// Vector C — the official sample code's Python Sample.py (cryptoDemo.zip,
// https://wximg.gtimg.com/shake_tv/mpwiki/cryptoDemo.zip), as quoted
// verbatim by many public repositories (found with find_string on its
// msg_sign). It is a compatible-mode body: plaintext fields plus Encrypt.
// The sample publishes msg_sign only; the plain signature is computed here
// with refSignature.
const (
	vecCToken     = "spamtest"
	vecCKey       = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	vecCAppID     = "wx2c2769f8efd9abc2"
	vecCTimestamp = "1409735669"
	vecCNonce     = "1320562132"
	vecCMsgSig    = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	vecCBody      = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>`
)

// Vector A — the official Java sample's WXBizMsgCryptTest (same
// cryptoDemo.zip): encrypting "我是中文abcd123" with randomStr
// "aaaabbbbccccdddd" gives afterAesEncrypt.
const (
	vecAKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	vecAAppID  = "wxb11529c136998cb6"
	vecARandom = "aaaabbbbccccdddd"
	vecAMsg    = "我是中文abcd123"
	vecAEnc    = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
)

// TestReferenceImplementationMatchesPublishedVectors pins ref_test.go to the
// published values, so the other tests can trust it.
func TestReferenceImplementationMatchesPublishedVectors(t *testing.T) {
	if got := refSignature(vecEToken, vecETimestamp, vecENonce); got != vecESignature {
		t.Errorf("vector E signature = %s", got)
	}
	if got := refSignature(vecEToken, vecETimestamp, vecENonce, vecEEncrypt); got != vecEMsgSig {
		t.Errorf("vector E msg_signature = %s", got)
	}
	random, msg, appID, err := refDecrypt(t, vecEKey, vecEEncrypt)
	if err != nil || string(random) != "1205899eaf019bbd" || string(msg) != vecEPlain || appID != vecEAppID {
		t.Errorf("vector E decrypt = %q %q %q %v", random, msg, appID, err)
	}
	if got := refEncrypt(t, vecEKey, []byte(vecEReplyRandom), []byte(vecEReplyMsg), vecEAppID); got != vecEReplyEnc {
		t.Errorf("vector E reply encrypt = %s", got)
	}
	if got := refSignature(vecEToken, vecEReplyTS, vecEReplyNonce, vecEReplyEnc); got != vecEReplySig {
		t.Errorf("vector E reply signature = %s", got)
	}
	if got := refEncrypt(t, vecAKey, []byte(vecARandom), []byte(vecAMsg), vecAAppID); got != vecAEnc {
		t.Errorf("vector A encrypt = %s", got)
	}
}

func TestOpenOfficialSafeModeVector(t *testing.T) {
	v := mustVerifier(t, Config{AppID: vecEAppID, Token: vecEToken, EncodingAESKey: vecEKey}, 1715943329)
	in, err := v.Open(context.Background(), vecEQuery(), "text/xml", vecEBody())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	want := bot.Update{
		Platform: bot.PlatformWeChat, Kind: bot.KindEvent, SenderID: "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
		Event: "debug_demo", At: time.Unix(1715943329, 0).UTC(),
	}
	if in.Mode != ModeAES || in.ToUser != "gh_97417a04a28d" || string(in.Raw) != vecEPlain || in.Update != want {
		t.Fatalf("got mode=%s to=%s update=%+v raw=%q", in.Mode, in.ToUser, in.Update, in.Raw)
	}
}

func TestOpenOfficialCompatModeVector(t *testing.T) {
	v := mustVerifier(t, Config{AppID: vecCAppID, Token: vecCToken, EncodingAESKey: vecCKey}, 1409735669)
	q := url.Values{
		"signature": {refSignature(vecCToken, vecCTimestamp, vecCNonce)}, "timestamp": {vecCTimestamp},
		"nonce": {vecCNonce}, "encrypt_type": {"aes"}, "msg_signature": {vecCMsgSig},
	}
	in, err := v.Open(context.Background(), q, "text/xml", []byte(vecCBody))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	u := in.Update
	if in.Mode != ModeCompat || u.Kind != bot.KindText || u.Text != "abcdteT" ||
		u.MsgID != "6054768590064713728" || u.SenderID != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" ||
		in.ToUser != "gh_10f6c3c3ac5a" || !u.At.Equal(time.Unix(1409735668, 0)) {
		t.Fatalf("got mode=%s update=%+v", in.Mode, u)
	}
	// The encrypted part is what was decoded: Raw is the decrypted XML, with
	// the newlines the sample's plaintext has and the envelope has not.
	if !bytes.Contains(in.Raw, []byte("</ToUserName>\n<FromUserName>")) {
		t.Fatalf("Raw is not the decrypted payload: %q", in.Raw)
	}
}

// The official URL-check example of the 消息推送 docs
// (https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/message_push.md,
// same text in the Mini Program docs) and the plaintext JSON example of
// https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md.
func TestOfficialPlaintextVectors(t *testing.T) {
	v := mustVerifier(t, Config{Token: "AAAAA"}, 1714036504)
	echo, err := v.VerifyURL(url.Values{
		"signature": {"f464b24fc39322e44b38aa78f5edd27bd1441696"}, "echostr": {"4375120948345356249"},
		"timestamp": {"1714036504"}, "nonce": {"1514711492"},
	})
	if err != nil || echo != "4375120948345356249" {
		t.Fatalf("VerifyURL = %q, %v", echo, err)
	}
	v = mustVerifier(t, Config{Token: "AAAAA"}, 1714037059)
	body := `{"ToUserName": "gh_97417a04a28d", "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
	  "CreateTime": 1714037059, "MsgType": "event", "Event": "debug_demo", "debug_str": "hello world"}`
	in, err := v.Open(context.Background(), url.Values{
		"signature": {"899cf89e464efb63f54ddac96b0a0a235f53aa78"}, "timestamp": {"1714037059"}, "nonce": {"486452656"},
	}, "application/json", []byte(body))
	if err != nil || in.Mode != ModePlain || in.Update.Event != "debug_demo" || in.Update.SenderID != "o9AgO5Kd5ggOC-bXrbNODIiE3bGY" {
		t.Fatalf("Open JSON = %+v, %v", in, err)
	}
}

// TestSealOfficialVectors feeds the published random prefixes into seal and
// expects the published ciphertexts and reply signature.
func TestSealOfficialVectors(t *testing.T) {
	tests := []struct {
		name, token, key, appID, random, msg, ts, nonce, wantEnc, wantSig string
	}{
		{"doc reply (E)", vecEToken, vecEKey, vecEAppID, vecEReplyRandom, vecEReplyMsg, vecEReplyTS, vecEReplyNonce, vecEReplyEnc, vecEReplySig},
		{"java sample (A)", "pamtest", vecAKey, vecAAppID, vecARandom, vecAMsg, "1409304348", "xxxxxx", vecAEnc,
			refSignature("pamtest", "1409304348", "xxxxxx", vecAEnc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustVerifier(t, Config{AppID: tt.appID, Token: tt.token, EncodingAESKey: tt.key}, 1)
			v.rand = strings.NewReader(tt.random)
			out, err := v.seal([]byte(tt.msg), tt.ts, tt.nonce)
			if err != nil {
				t.Fatalf("seal: %v", err)
			}
			var env struct {
				Encrypt, MsgSignature, TimeStamp, Nonce string
			}
			if err := xml.Unmarshal(out, &env); err != nil {
				t.Fatalf("envelope %q: %v", out, err)
			}
			if env.Encrypt != tt.wantEnc || env.MsgSignature != tt.wantSig || env.TimeStamp != tt.ts || env.Nonce != tt.nonce {
				t.Fatalf("envelope = %+v", env)
			}
		})
	}
}
