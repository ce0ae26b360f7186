package wechat

import (
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
)

const (
	testToken = "tapline-token"
	testKey   = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
	testAppID = "wx0123456789abcdef"
	testNow   = int64(1700000000)
	testNonce = "123456789"
)

var testRandom = []byte("0123456789abcdef")

func testConfig() Config {
	return Config{AppID: testAppID, Token: testToken, EncodingAESKey: testKey}
}

// xmlMsg wraps message-specific fields in the common header.
func xmlMsg(fields string) string {
	return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oResident1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime>" + fields + "</xml>"
}

// plainQuery is a correctly signed query at timestamp ts.
func plainQuery(ts int64) url.Values {
	t := strconv.FormatInt(ts, 10)
	return url.Values{"signature": {refSignature(testToken, t, testNonce)}, "timestamp": {t}, "nonce": {testNonce}}
}

// sealed builds an AES request carrying plain, encrypted by the reference
// implementation: the query (with msg_signature) and the envelope body.
// extra is inserted into the XML envelope (compat mode plaintext fields).
func sealed(tb testing.TB, plain, appID, extra string) (url.Values, []byte) {
	tb.Helper()
	enc := refEncrypt(tb, testKey, testRandom, []byte(plain), appID)
	return aesQuery(enc), []byte("<xml><ToUserName><![CDATA[gh_test]]></ToUserName>" + extra +
		"<Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

// sealedJSON is sealed for the JSON push format.
func sealedJSON(tb testing.TB, plain string) (url.Values, []byte) {
	tb.Helper()
	enc := refEncrypt(tb, testKey, testRandom, []byte(plain), testAppID)
	body, _ := json.Marshal(map[string]string{"ToUserName": "gh_test", "Encrypt": enc})
	return aesQuery(enc), body
}

func aesQuery(enc string) url.Values {
	q := plainQuery(testNow)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", refSignature(testToken, q.Get("timestamp"), testNonce, enc))
	return q
}
