package wecom

import (
	"bytes"
	"errors"
	"net/url"
	"testing"
)

// Official WeCom sample vectors. They appear in Tencent's WXBizMsgCrypt
// samples, e.g. github.com/sbzhu/weworkapi_golang sample.go (XML callback:
// 使用示例一 VerifyURL and 使用示例二 DecryptMsg) and
// github.com/workweixin/weworkapi_golang json_callback/sample.go (the same
// URL vector, and the JSON callback reqData with msg_signature
// 0623cbc5…2af3), and in the C# Sample.cs of the same SDK. The samples
// print, but do not state, the plaintexts; the expected plaintexts below
// were decrypted by the independent reference implementation in
// crypt_ref_test.go, and "1616140317555161061" is also asserted by a third
// party test of the same vector.
const (
	offCorpID = "wx5823bf96d3bd56c7"
	offToken  = "QDG6eK"
	offKey    = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	offVerifySig   = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	offVerifyTS    = "1409659589"
	offVerifyNonce = "263014780"
	offVerifyEcho  = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	offVerifyPlain = "1616140317555161061"

	offReqSig   = "477715d11cdb4164915debcba66cb864d751f3e6"
	offReqTS    = "1409659813"
	offReqNonce = "1372623149"
	offReqData  = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"

	offJSONSig  = "0623cbc5a8cbee5bcc137c70de99575366fc2af3"
	offJSONData = `{"tousername":"wx5823bf96d3bd56c7","encrypt":"CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=","agentid":"218"}`
)

func officialApp(t *testing.T, now int64) *AppVerifier {
	t.Helper()
	v, err := NewAppVerifier(AppConfig{CorpID: offCorpID, Token: offToken, EncodingAESKey: offKey}, clockAt(now))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOfficialVerifyURL(t *testing.T) {
	q := url.Values{"msg_signature": {offVerifySig}, "timestamp": {offVerifyTS}, "nonce": {offVerifyNonce}, "echostr": {offVerifyEcho}}
	got, err := officialApp(t, 1409659589).VerifyURL(q)
	if err != nil || got != offVerifyPlain {
		t.Fatalf("VerifyURL = %q, %v", got, err)
	}
	if ref, id := refDecrypt(t, offKey, offVerifyEcho); string(ref) != got || id != offCorpID {
		t.Fatalf("reference disagrees: %q %q", ref, id)
	}
	// The sample's own percent-encoded query decodes to the same values.
	raw := "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"
	pq, _ := url.ParseQuery(raw)
	if got, err := officialApp(t, 1409659589).VerifyURL(pq); err != nil || got != offVerifyPlain {
		t.Fatalf("VerifyURL(encoded) = %q, %v", got, err)
	}
}

func TestOfficialOpenMessage(t *testing.T) {
	q := url.Values{"msg_signature": {offReqSig}, "timestamp": {offReqTS}, "nonce": {offReqNonce}}
	in, err := officialApp(t, 1409659813).Open(q, []byte(offReqData))
	if err != nil {
		t.Fatal(err)
	}
	u := in.Update
	if u.Platform != "wecom" || u.Kind != "text" || u.Text != "hello" || u.SenderID != "mycreate" ||
		u.MsgID != "4561255354251345929" || u.ChatType != "single" || u.At.Unix() != 1409659813 {
		t.Fatalf("update = %+v", u)
	}
	if in.AgentID != "218" || in.CorpID != offCorpID || !bytes.Contains(in.Raw, []byte("<Content><![CDATA[hello]]></Content>")) {
		t.Fatalf("inbound = %+v", in)
	}
}

func TestOfficialVectorsRejectTampering(t *testing.T) {
	q := url.Values{"msg_signature": {offReqSig}, "timestamp": {offReqTS}, "nonce": {"1372623148"}}
	if _, err := officialApp(t, 1409659813).Open(q, []byte(offReqData)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("changed nonce: %v", err)
	}
	v, _ := NewAppVerifier(AppConfig{CorpID: "ww_other", Token: offToken, EncodingAESKey: offKey}, clockAt(1409659813))
	q.Set("nonce", offReqNonce)
	if _, err := v.Open(q, []byte(offReqData)); !errors.Is(err, ErrBadEncryption) {
		t.Fatalf("other CorpID: %v", err)
	}
}

func TestOfficialJSONVectorBot(t *testing.T) {
	// The JSON sample encrypts for the CorpID; a bot configured with that
	// receive id verifies and decrypts it, then rejects the payload as not
	// a smart-bot message (it is an app message in JSON).
	v, err := NewBotVerifier(BotConfig{Token: offToken, EncodingAESKey: offKey, ReceiveID: offCorpID}, clockAt(1409659813))
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"msg_signature": {offJSONSig}, "timestamp": {offReqTS}, "nonce": {offReqNonce}}
	_, err = v.Open(q, []byte(offJSONData))
	if !errors.Is(err, ErrMalformed) || errors.Is(err, ErrBadSignature) || errors.Is(err, ErrBadEncryption) {
		t.Fatalf("Open = %v, want ErrMalformed after a good signature and decryption", err)
	}
	vq := url.Values{"msg_signature": {offVerifySig}, "timestamp": {offVerifyTS}, "nonce": {offVerifyNonce}, "echostr": {offVerifyEcho}}
	v.clock = clockAt(1409659589)
	if got, err := v.VerifyURL(vq); err != nil || got != offVerifyPlain {
		t.Fatalf("bot VerifyURL = %q, %v", got, err)
	}
	// An internal bot (receive id "") must refuse the CorpID-tailed vector.
	internal, _ := NewBotVerifier(BotConfig{Token: offToken, EncodingAESKey: offKey}, clockAt(1409659589))
	if _, err := internal.VerifyURL(vq); !errors.Is(err, ErrBadEncryption) {
		t.Fatalf("internal bot accepted a CorpID tail: %v", err)
	}
}

func TestCrossImplementation(t *testing.T) {
	key := refKey(t, tKey)
	for _, id := range []string{"", tCorpID} {
		for _, n := range []int{0, 1, 11, 12, 31, 32, 33, 1000} {
			msg := bytes.Repeat([]byte("水"), n)
			got, gotID, err := decrypt(key, refEncrypt(t, tKey, tRandom, msg, id))
			if err != nil || !bytes.Equal(got, msg) || gotID != id {
				t.Fatalf("decrypt(ref) id=%q n=%d: %v", id, n, err)
			}
			ref, refID := refDecrypt(t, tKey, encrypt(key, tRandom, msg, id))
			if !bytes.Equal(ref, msg) || refID != id {
				t.Fatalf("ref(encrypt) id=%q n=%d", id, n)
			}
			if encrypt(key, tRandom, msg, id) != refEncrypt(t, tKey, tRandom, msg, id) {
				t.Fatalf("ciphertexts differ id=%q n=%d", id, n)
			}
		}
	}
	if signature("b", "a", "c") != refSignature("c", "b", "a") {
		t.Fatal("signature differs")
	}
}
