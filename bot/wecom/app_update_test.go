package wecom

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"tapline/bot"
)

func TestAppSendPartialInvalid(t *testing.T) {
	f := &fakeQY{script: []func(http.ResponseWriter){func(w http.ResponseWriter) {
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":"ghost","msgid":"m"}`)
	}}}
	if err := newTestSender(t, f).Send(context.Background(), "zhangsan|ghost", bot.Message{Text: "x"}); err != nil {
		t.Fatal(err)
	}
}

func TestAppUpdateCard(t *testing.T) {
	f := &fakeQY{}
	s := newTestSender(t, f)
	c := bot.Card{CaseNumber: "TS1", Status: "已处理：张三 批准"}
	if err := s.UpdateCard(context.Background(), nil, "RC-click", c); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateCard(context.Background(), []string{"zhangsan", "lisi"}, "RC-2", bot.Card{}); err != nil {
		t.Fatal(err)
	}
	a, b := f.calls[0], f.calls[1]
	if a.Path != "/cgi-bin/message/update_template_card" || a.Body["response_code"] != "RC-click" || a.Body["atall"] != float64(1) ||
		a.Body["agentid"] != float64(1000002) || a.Body["button"].(map[string]any)["replace_name"] != "已处理：张三 批准" || a.Body["userids"] != nil {
		t.Fatalf("update %+v", a)
	}
	if ids := b.Body["userids"].([]any); len(ids) != 2 || b.Body["atall"] != nil || b.Body["button"].(map[string]any)["replace_name"] != "已处理" {
		t.Fatalf("update with users %+v", b)
	}
	if err := s.UpdateCard(context.Background(), nil, "", c); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("empty response code: %v", err)
	}
	f.script = []func(http.ResponseWriter){errcode(45009, "freq")}
	checkAppError(t, s.UpdateCard(context.Background(), nil, "RC-3", c), false, 7*time.Second, 200)
}

func TestAppSendMessageResult(t *testing.T) {
	f := &fakeQY{}
	s := newTestSender(t, f)
	card := fixtureCard()
	card.TaskID = "TS20240501-0007_t1"
	card.Buttons = []bot.Button{{Key: "accept:TS20240501-0007", Text: "受理"}}
	got, err := s.SendMessage(context.Background(), "zhangsan", bot.Message{Card: card})
	if err != nil || got != (SentMessage{MsgID: "m1", TaskID: "TS20240501-0007_t1", ResponseCode: "RC-send"}) {
		t.Fatalf("SendMessage = %+v, %v", got, err)
	}
	got, err = s.SendMessage(context.Background(), "zhangsan", bot.Message{Text: "x"})
	if err != nil || got.TaskID != "" || got.MsgID != "m1" {
		t.Fatalf("text SendMessage = %+v, %v", got, err)
	}
}

func TestCardUpdaterSendsForEveryone(t *testing.T) {
	f := &fakeQY{}
	u := NewCardUpdater(newTestSender(t, f))
	if err := u.Send(context.Background(), "RC-9", bot.Message{Card: &bot.Card{CaseNumber: "TS1", Status: "已处理：李四 接单"}}); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 1 || f.calls[0].Body["response_code"] != "RC-9" || f.calls[0].Body["atall"] != float64(1) {
		t.Fatalf("calls %+v", f.calls)
	}
	if err := u.Send(context.Background(), "RC-9", bot.Message{Text: "x"}); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("text-only update: %v", err)
	}
}

// TestAppUpdateAnswerWithUserArray: update_template_card answers
// invaliduser as a JSON array (message/send as "a|b"); both decode.
func TestAppUpdateAnswerWithUserArray(t *testing.T) {
	f := &fakeQY{script: []func(http.ResponseWriter){
		func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":[]}`) },
		func(w http.ResponseWriter) {
			_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":["ghost"]}`)
		},
	}}
	s := newTestSender(t, f)
	for i := range 2 {
		if err := s.UpdateCard(context.Background(), nil, "RC-"+string(rune('a'+i)), bot.Card{Status: "已处理"}); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
}
