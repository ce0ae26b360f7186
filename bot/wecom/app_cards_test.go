package wecom

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
)

// memCodes is an in-memory CardCodes.
type memCodes struct {
	mu    sync.Mutex
	codes map[string][]CardCode
}

func (m *memCodes) Put(_ context.Context, key string, c CardCode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.codes == nil {
		m.codes = map[string][]CardCode{}
	}
	m.codes[key] = append(m.codes[key], c)
	return nil
}

func (m *memCodes) Take(_ context.Context, key string, notBefore time.Time) (CardCode, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.codes[key]) > 0 {
		c := m.codes[key][0]
		m.codes[key] = m.codes[key][1:]
		if c.At.After(notBefore) {
			return c, true, nil
		}
	}
	return CardCode{}, false, nil
}

func updated(w http.ResponseWriter) {
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":[]}`)
}

func alertCard(update bool) bot.Card {
	return bot.Card{Title: "🚨 重大投诉：幸福小区 2 户", CaseNumber: "TS1", TaskID: "major_TS1", Update: update,
		Buttons: []bot.Button{{Key: "ack:TS1", Text: "已阅"}}}
}

// TestAppCardsUpdateInPlace: a card is sent under a task_id of its own and
// its later state replaces it with the send's response_code; the code is
// used once, so the next state (nobody clicked) goes as a new card, whose
// code serves the one after.
func TestAppCardsUpdateInPlace(t *testing.T) {
	f := &fakeQY{}
	a := NewAppCards(newTestSender(t, f), &memCodes{})
	ctx := context.Background()
	send := func(update bool) {
		t.Helper()
		c := alertCard(update)
		if err := a.Send(ctx, "leader.b", bot.Message{Card: &c}); err != nil {
			t.Fatal(err)
		}
	}
	send(false)
	f.script = []func(http.ResponseWriter){updated}
	send(true)
	send(true)
	f.script = []func(http.ResponseWriter){updated}
	send(true)
	if len(f.calls) != 4 {
		t.Fatalf("%d calls", len(f.calls))
	}
	first, second, third, fourth := f.calls[0], f.calls[1], f.calls[2], f.calls[3]
	tid := first.Body["template_card"].(map[string]any)["task_id"].(string)
	if first.Path != "/cgi-bin/message/send" || !strings.HasPrefix(tid, "major_TS1_") {
		t.Fatalf("first %s task_id %q", first.Path, tid)
	}
	if second.Path != "/cgi-bin/message/update_template_card" || second.Body["response_code"] != "RC-send" ||
		second.Body["template_card"].(map[string]any)["task_id"] != tid || second.Body["atall"] != float64(1) {
		t.Fatalf("second %+v", second)
	}
	tid3 := third.Body["template_card"].(map[string]any)["task_id"]
	if third.Path != "/cgi-bin/message/send" || tid3 == tid {
		t.Fatalf("third (no code left) %s task_id %v", third.Path, tid3)
	}
	if fourth.Path != "/cgi-bin/message/update_template_card" || fourth.Body["template_card"].(map[string]any)["task_id"] != tid3 {
		t.Fatalf("fourth %+v", fourth)
	}
}

// TestAppCardsRefusedCode: a code WeCom refuses is skipped, the state goes
// as a new card; cards without a TaskID and texts are sent as before.
func TestAppCardsRefusedCode(t *testing.T) {
	f := &fakeQY{}
	a := NewAppCards(newTestSender(t, f), &memCodes{})
	ctx := context.Background()
	c := alertCard(false)
	if err := a.Send(ctx, "gm", bot.Message{Card: &c}); err != nil {
		t.Fatal(err)
	}
	f.script = []func(http.ResponseWriter){errcode(40058, "invalid response_code")}
	c = alertCard(true)
	if err := a.Send(ctx, "gm", bot.Message{Card: &c}); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 3 || f.calls[1].Path != "/cgi-bin/message/update_template_card" || f.calls[2].Path != "/cgi-bin/message/send" {
		t.Fatalf("calls %+v", f.calls)
	}
	if err := a.Send(ctx, "gm", bot.Message{Text: "x"}); err != nil || f.calls[3].Body["msgtype"] != "text" {
		t.Fatalf("text: %v %+v", err, f.calls[3])
	}
}
