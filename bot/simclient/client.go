package simclient

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client posts resident messages to a Tapline WeChat webhook.
type Client struct {
	URL            string // e.g. http://127.0.0.1:8080/webhooks/wechat
	Token          string
	AppID          string
	EncodingAESKey string // empty: plaintext mode
	OA             string // the Official Account's original ID
	HTTP           *http.Client
	Now            func() time.Time
}

// Message is one resident message as WeChat delivers it.
type Message struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content,omitempty"`
	PicURL       string   `xml:"PicUrl,omitempty"`
	MediaID      string   `xml:"MediaId,omitempty"`
	Recognition  string   `xml:"Recognition,omitempty"` // a voice message's speech recognition result
	LocationX    float64  `xml:"Location_X,omitempty"`
	LocationY    float64  `xml:"Location_Y,omitempty"`
	Label        string   `xml:"Label,omitempty"`
	Event        string   `xml:"Event,omitempty"`
	EventKey     string   `xml:"EventKey,omitempty"`
	MsgID        int64    `xml:"MsgId,omitempty"`
}

// Text returns a text message from openID.
func Text(openID string, msgID int64, content string) Message {
	return Message{FromUserName: openID, MsgType: "text", Content: content, MsgID: msgID}
}

// Response is what the webhook answered.
type Response struct {
	Status int
	Text   string // the reply's Content; "" for "success"
	Body   string // the raw body
}

// Send delivers m and opens the passive reply.
func (c *Client) Send(ctx context.Context, m Message) (*Response, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	m.ToUserName, m.CreateTime = c.OA, now().Unix()
	plain, err := xml.Marshal(m)
	if err != nil {
		return nil, err
	}
	ts, nonce := strconv.FormatInt(now().Unix(), 10), strconv.FormatInt(now().UnixNano()%1e9, 10)
	q, body, err := c.envelope(plain, ts, nonce)
	if err != nil {
		return nil, err
	}
	return c.post(ctx, q, body)
}

// envelope signs (and in safe mode encrypts) the plaintext message.
func (c *Client) envelope(plain []byte, ts, nonce string) (url.Values, []byte, error) {
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {Sign(c.Token, ts, nonce)}}
	if c.EncodingAESKey == "" {
		return q, plain, nil
	}
	enc, err := Encrypt(c.EncodingAESKey, c.AppID, plain)
	if err != nil {
		return nil, nil, err
	}
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", Sign(c.Token, ts, nonce, enc))
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", c.OA, enc)
	return q, []byte(body), nil
}

// Post sends a raw body with the given query (for tests of bad input).
func (c *Client) post(ctx context.Context, q url.Values, body []byte) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &Response{Status: resp.StatusCode, Body: string(raw)}
	if resp.StatusCode == http.StatusOK {
		r.Text, err = c.open(raw)
	}
	return r, err
}

type replyEnvelope struct {
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	TimeStamp    string `xml:"TimeStamp"`
	Nonce        string `xml:"Nonce"`
	Content      string `xml:"Content"`
}

// open reads a passive reply, checking its signature in safe mode.
func (c *Client) open(raw []byte) (string, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "success" {
		return "", nil
	}
	var env replyEnvelope
	if err := xml.Unmarshal(raw, &env); err != nil {
		return "", fmt.Errorf("reply is not XML: %w", err)
	}
	if env.Encrypt == "" {
		return env.Content, nil
	}
	if Sign(c.Token, env.TimeStamp, env.Nonce, env.Encrypt) != env.MsgSignature {
		return "", fmt.Errorf("reply MsgSignature does not verify")
	}
	plain, err := Decrypt(c.EncodingAESKey, c.AppID, env.Encrypt)
	if err != nil {
		return "", err
	}
	var inner replyEnvelope
	if err := xml.Unmarshal(plain, &inner); err != nil {
		return "", fmt.Errorf("decrypted reply is not XML: %w", err)
	}
	return inner.Content, nil
}

// PostRaw sends body with query as is (for bad-input tests).
func (c *Client) PostRaw(ctx context.Context, q url.Values, body []byte) (*Response, error) {
	return c.post(ctx, q, body)
}

// SignedQuery returns a valid plain-signature query for ts and nonce.
func (c *Client) SignedQuery(ts, nonce string) url.Values {
	return url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {Sign(c.Token, ts, nonce)}}
}
