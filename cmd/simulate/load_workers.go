package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"tapline/bot/dialog"
	"tapline/bot/simclient"
)

// wechatCreds are the Official Account credentials of one load run.
type wechatCreds struct{ appID, token, aesKey string }

func (w wechatCreds) client(base string, hc *http.Client) *simclient.Client {
	return &simclient.Client{URL: base + "/webhooks/wechat", Token: w.token, AppID: w.appID,
		EncodingAESKey: w.aesKey, OA: "gh_tapline_load", HTTP: hc}
}

// filings remembers which residents confirmed and the number each got, for
// the database check after the run.
type filings struct {
	mu        sync.Mutex
	confirmed map[string]bool   // sent 确认
	numbers   map[string]string // got a case number back
}

func newFilings() *filings {
	return &filings{confirmed: map[string]bool{}, numbers: map[string]string{}}
}

func (f *filings) confirm(openID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirmed[openID] = true
}

func (f *filings) filed(openID, number string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.numbers[openID] = number
}

// dialogWorker plays one resident after another through the whole intake
// dialog (the simulator's script: a wrong phone number, a corrected
// address, then 确认).
func dialogWorker(c *simclient.Client, run string, f *filings, texts *dialog.Texts) worker {
	return func(ctx context.Context, id int, rec *recorder, stop func() bool) {
		for seq := 0; !stop(); seq++ {
			playDialog(ctx, c, fmt.Sprintf("o-load-%s-%d-%d", run, id, seq), rec, f, stop, texts)
		}
	}
}

const maxTurns = 30

func playDialog(ctx context.Context, c *simclient.Client, openID string, rec *recorder, f *filings, stop func() bool,
	texts *dialog.Texts) {
	playDialogWith(ctx, c, openID, rec, f, stop, texts, nil)
}

// around wraps each message of a dialog (the work probe counts what one
// message costs); nil sends it as it is.
type around func(kind string, send func() (string, bool)) (string, bool)

func playDialogWith(ctx context.Context, c *simclient.Client, openID string, rec *recorder, f *filings, stop func() bool,
	texts *dialog.Texts, wrap around) {
	s := newScript("ordinary", texts)
	var msgID int64
	say := func(kind, text string) (string, bool) {
		msgID++
		m := simclient.Text(openID, msgID, text)
		do := func() (string, bool) { return send(ctx, c, rec, kind, m) }
		if wrap == nil {
			wrap = func(_ string, send func() (string, bool)) (string, bool) { return send() }
		}
		reply, ok := wrap(kind, do)
		if ok && reply == "" {
			rec.errors[kind+": empty reply (step overran the reply budget)"]++
			return "", false
		}
		return reply, ok
	}
	reply, ok := say(kindStep, s.opening)
	for turn := 0; ok && turn < maxTurns; turn++ {
		if stop() {
			return
		}
		text, kind := s.answer(reply), kindStep
		if text == "确认" {
			kind = kindFiling
			f.confirm(openID)
		}
		reply, ok = say(kind, text)
		if kind != kindFiling || !ok {
			continue
		}
		if n := caseNumber.FindString(reply); n != "" {
			f.filed(openID, n)
		} else {
			rec.errors[kindFiling+": no case number in the reply"]++
		}
		return
	}
	if ok {
		rec.errors[fmt.Sprintf("dialog: no read-back after %d turns", maxTurns)]++
	}
}

// echoTexts are the messages the baselines get: the same texts a resident
// sends in the dialog.
var echoTexts = []string{
	newScript("ordinary", nil).opening, "从上周五开始，每天晚上七点到十点水最小，整栋楼都这样",
	"我姓王，叫王建国", "138 1234 567", "１３８ １２３４ ５６７８", "幸福小区3栋2单元501",
	"希望尽快恢复正常水压，给个说法", "地址写错了", "幸福小区5栋2单元501", "确认",
}

// echoWorker sends the dialog's texts, signed and encrypted, to a baseline.
func echoWorker(c *simclient.Client, run string) worker {
	return func(ctx context.Context, id int, rec *recorder, stop func() bool) {
		openID := fmt.Sprintf("o-base-%s-%d", run, id)
		for i := int64(1); !stop(); i++ {
			send(ctx, c, rec, kindEcho, simclient.Text(openID, i, echoTexts[int(i)%len(echoTexts)]))
		}
	}
}
