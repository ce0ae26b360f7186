package simclient

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DingTalk plays DingTalk's enterprise robot callback: a JSON message
// signed with headers timestamp and sign = base64(HmacSHA256(appSecret,
// timestamp+"\n"+appSecret)), encrypted as {"encrypt"} with a signed query
// when AESKey is set. Replies go through the sessionWebhook from the
// server's outbox, not in the response.
type DingTalk struct {
	URL       string
	AppSecret string
	// Callback encryption (dingtalk.token, dingtalk.aes_key, the AppKey
	// every body names); empty AESKey: plaintext bodies.
	Token, AESKey, AppKey string
	HTTP                  *http.Client
	seq                   int64
	last                  int64 // the last timestamp sent: each message gets its own
}

// DingSign computes DingTalk's callback signature.
func DingSign(ts int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Text sends an @-message from staffID in conversation cid and returns the
// session webhook the reply will be posted to.
func (d *DingTalk) Text(ctx context.Context, staffID, cid, text string) (string, error) {
	d.seq++
	now := max(time.Now().UnixMilli(), d.last+1) // one signed timestamp per message
	d.last = now
	hook := fmt.Sprintf("https://oapi.dingtalk.com/robot/sendBySession?session=sim%d%d", now, d.seq)
	m := map[string]any{"msgtype": "text", "text": map[string]string{"content": " " + text},
		"msgId": fmt.Sprintf("msgSim%d%d", now, d.seq), "createAt": now, "conversationType": "2",
		"conversationId": cid, "conversationTitle": "部门群", "senderId": "$:LWCP_v1:$" + staffID,
		"senderNick": staffID, "senderStaffId": staffID, "isInAtList": true,
		"sessionWebhook": hook, "sessionWebhookExpiredTime": now + 90*60*1000}
	body, _ := json.Marshal(m)
	u := d.URL
	if d.AESKey != "" {
		var err error
		if u, body, err = d.encrypt(body, now); err != nil {
			return "", err
		}
	}
	hdr := http.Header{"Timestamp": {strconv.FormatInt(now, 10)}, "Sign": {DingSign(now, d.AppSecret)}}
	raw, status, err := doPost(ctx, d.HTTP, u, "application/json", body, hdr)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("dingtalk webhook answered %d: %s", status, raw)
	}
	return hook, nil
}

// encrypt wraps body in DingTalk's encrypted envelope (the WeChat-family
// AES scheme with the AppKey as owner) and returns the signed URL.
func (d *DingTalk) encrypt(body []byte, now int64) (string, []byte, error) {
	enc, err := Encrypt(d.AESKey, d.AppKey, body)
	if err != nil {
		return "", nil, err
	}
	ts, nonce := strconv.FormatInt(now, 10), fmt.Sprintf("n%d", d.seq)
	q := url.Values{"signature": {Sign(d.Token, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	env, _ := json.Marshal(map[string]string{"encrypt": enc})
	return d.URL + "?" + q.Encode(), env, nil
}
