package simclient

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WeCom plays WeCom against the app callback (/webhooks/wecom, receive id
// = corp ID, XML) or the smart bot (/webhooks/wecom-bot, receive id "",
// JSON).
type WeCom struct {
	URL            string
	Token          string
	EncodingAESKey string
	CorpID         string // app only; the smart bot's receive id is ""
	Bot            bool
	HTTP           *http.Client
	// Now is the sender's clock (default time.Now): a test whose server runs
	// on a simulated clock signs with the same one.
	Now func() time.Time
	seq int64
}

func (w *WeCom) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Text sends a text from userID (in chatID for the smart bot) and returns
// the reply's text.
func (w *WeCom) Text(ctx context.Context, userID, chatID, text string) (string, error) {
	w.seq++
	now := w.now()
	if w.Bot {
		m := map[string]any{"msgid": fmt.Sprintf("sim-%d-%d", now.UnixNano(), w.seq), "aibotid": "sim-bot",
			"chatid": chatID, "chattype": "group", "from": map[string]string{"userid": userID},
			"msgtype": "text", "text": map[string]string{"content": "@水务助手 " + text}}
		plain, _ := json.Marshal(m)
		return w.post(ctx, plain)
	}
	plain := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>1000002</AgentID></xml>", w.CorpID, userID, now.Unix(), text, now.UnixNano()+w.seq)
	return w.post(ctx, []byte(plain))
}

// Click presses a card button (template_card_event) as userID.
func (w *WeCom) Click(ctx context.Context, userID, key, taskID string) (string, error) {
	now := w.now()
	if w.Bot {
		m := map[string]any{"msgid": fmt.Sprintf("sim-click-%d", now.UnixNano()), "aibotid": "sim-bot", "chattype": "group",
			"from": map[string]string{"userid": userID}, "msgtype": "event",
			"event": map[string]any{"eventtype": "template_card_event",
				"template_card_event": map[string]string{"card_type": "button_interaction", "event_key": key, "task_id": taskID}}}
		plain, _ := json.Marshal(m)
		return w.post(ctx, plain)
	}
	plain := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"+
		"<EventKey><![CDATA[%s]]></EventKey><TaskId><![CDATA[%s]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"+
		"<ResponseCode><![CDATA[rc-%d]]></ResponseCode><AgentID>1000002</AgentID></xml>", w.CorpID, userID, now.Unix(), key, taskID, now.UnixNano())
	return w.post(ctx, []byte(plain))
}

func (w *WeCom) post(ctx context.Context, plain []byte) (string, error) {
	enc, err := Encrypt(w.EncodingAESKey, w.CorpID, plain)
	if err != nil {
		return "", err
	}
	ts, nonce := strconv.FormatInt(w.now().Unix(), 10), strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	q := url.Values{"msg_signature": {Sign(w.Token, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><AgentID>1000002</AgentID><Encrypt><![CDATA[%s]]></Encrypt></xml>", w.CorpID, enc)
	if w.Bot {
		b, _ := json.Marshal(map[string]string{"encrypt": enc})
		body = string(b)
	}
	raw, status, err := doPost(ctx, w.HTTP, w.URL+"?"+q.Encode(), "text/plain", []byte(body), nil)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("wecom webhook answered %d: %s", status, raw)
	}
	return w.open(raw)
}

// open verifies and decrypts a passive reply and returns its text.
func (w *WeCom) open(raw []byte) (string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", nil
	}
	var env struct {
		Encrypt, MsgSignature, Nonce string
		TimeStamp                    string
	}
	if w.Bot {
		var j struct {
			Encrypt, Nonce string
			MsgSignature   string `json:"msgsignature"`
			Timestamp      int64
		}
		if err := json.Unmarshal(raw, &j); err != nil {
			return "", fmt.Errorf("bot reply: %w", err)
		}
		env.Encrypt, env.MsgSignature, env.Nonce, env.TimeStamp = j.Encrypt, j.MsgSignature, j.Nonce, strconv.FormatInt(j.Timestamp, 10)
	} else if err := xml.Unmarshal(raw, &env); err != nil {
		return "", fmt.Errorf("app reply: %w", err)
	}
	if Sign(w.Token, env.TimeStamp, env.Nonce, env.Encrypt) != env.MsgSignature {
		return "", fmt.Errorf("reply signature does not verify")
	}
	plain, err := Decrypt(w.EncodingAESKey, w.CorpID, env.Encrypt)
	if err != nil {
		return "", err
	}
	return replyText(plain, w.Bot), nil
}

// replyText pulls the human-readable part out of a decrypted reply.
func replyText(plain []byte, isBot bool) string {
	if !isBot {
		var x struct {
			Content string
			Button  struct{ ReplaceName string } `xml:"Button"`
		}
		if xml.Unmarshal(plain, &x) == nil && x.Content != "" {
			return x.Content
		} else if x.Button.ReplaceName != "" {
			return "[卡片已更新] " + x.Button.ReplaceName
		}
		return string(plain)
	}
	var j struct {
		Stream struct{ Content string }
		Text   struct{ Content string }
	}
	if json.Unmarshal(plain, &j) == nil && (j.Stream.Content != "" || j.Text.Content != "") {
		return j.Stream.Content + j.Text.Content
	}
	return string(plain)
}

func doPost(ctx context.Context, hc *http.Client, u, ctype string, body []byte, hdr http.Header) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header[k] = v
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return raw, resp.StatusCode, err
}
