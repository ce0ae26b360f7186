package wechat

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
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

// compatConfig is testConfig in compatible mode: plaintext and encrypted
// requests are both taken.
func compatConfig() Config {
	c := testConfig()
	c.Mode = ServerCompatible
	return c
}

// nonces makes each signed test query unique, as WeChat's are.
var nonces atomic.Int64

// acceptAll is a replay memory that remembers nothing, for fuzz targets
// that sign millions of requests.
type acceptAll struct{}

func (acceptAll) Bind(context.Context, string, string, time.Duration) (bool, error) { return true, nil }

// xmlMsg wraps message-specific fields in the common header.
func xmlMsg(fields string) string {
	return "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oResident1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime>" + fields + "</xml>"
}

// plainQuery is a correctly signed query at timestamp ts, with a nonce of
// its own.
func plainQuery(ts int64) url.Values {
	t := strconv.FormatInt(ts, 10)
	nonce := testNonce + strconv.FormatInt(nonces.Add(1), 10)
	return url.Values{"signature": {refSignature(testToken, t, nonce)}, "timestamp": {t}, "nonce": {nonce}}
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
	q.Set("msg_signature", refSignature(testToken, q.Get("timestamp"), q.Get("nonce"), enc))
	return q
}
