package dingtalk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzOpen feeds arbitrary headers and bodies to Open: it must never
// panic, must refuse with one of its sentinel errors, and anything it
// accepts must carry the fields the rest of Tapline relies on.
func FuzzOpen(f *testing.F) {
	f.Add(vectorTS, vectorSign, []byte(groupBody), true)
	f.Add(vectorTS, vectorSign, []byte(singleBody), true)
	f.Add(vectorTS, vectorSign, []byte(`{"msgtype":"richText","content":{"richText":[{"text":"@a\u2005b"},{"type":"picture","downloadCode":"c"}]},"msgId":"m","conversationId":"c","senderId":"s"}`), true)
	f.Add(vectorTS, vectorSign, []byte(`{"msgtype":"audio","content":{"downloadCode":"d","duration":4000},"msgId":"m","conversationId":"c","senderStaffId":"s"}`), true)
	f.Add(vectorTS, vectorSign, []byte(`{"msgtype":"text","text":null,"msgId":"m","conversationId":"c","senderId":"s"}`), true)
	f.Add("", "", []byte(`{}`), false)
	f.Add("-1", "x", []byte(`null`), false)
	f.Add(vectorTS, "", []byte("\xff\xfe"), true)
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime}, WithReplays(acceptAll{})) // one header, many bodies
	f.Fuzz(func(t *testing.T, ts, sign string, body []byte, resign bool) {
		if resign { // reach the decoder: a valid signature inside the window
			ts, sign = vectorTS, vectorSign
		}
		h := http.Header{}
		h.Set("timestamp", ts)
		h.Set("sign", sign)
		in, err := v.Open(context.Background(), h, nil, body)
		if err != nil {
			if in != nil {
				t.Fatal("result with error")
			}
			if !errors.Is(err, ErrMissingSignature) && !errors.Is(err, ErrBadSignature) &&
				!errors.Is(err, ErrExpiredTimestamp) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrReplayed) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		u := in.Update
		if u.Platform != "dingtalk" || u.Kind == "" || u.SenderID == "" || u.ChatID == "" || u.MsgID == "" {
			t.Fatalf("accepted an incomplete update %+v", u)
		}
		if u.Text != strings.TrimSpace(u.Text) {
			t.Fatalf("text not trimmed: %q", u.Text)
		}
	})
}

// acceptAll is a replay memory that remembers nothing, for fuzz targets
// that sign every input with the same header.
type acceptAll struct{}

func (acceptAll) Bind(context.Context, string, string, time.Duration) (bool, error) { return true, nil }
