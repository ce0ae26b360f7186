package dingtalk

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"tapline/bot"
	"tapline/bot/redisstore/redistest"
)

func TestOpenAPIRejectsBadInput(t *testing.T) {
	f, srv := newFakeOpenAPI(t)
	rdb, prefix := redistest.New(t)
	if _, err := NewOpenAPI(AppConfig{AppKey: testAppKey}, rdb, prefix); err == nil {
		t.Error("missing secret accepted")
	}
	if _, err := NewOpenAPI(AppConfig{AppKey: testAppKey, AppSecret: "s"}, nil, prefix); err == nil {
		t.Error("nil redis accepted")
	}
	api := newTestAPI(t, srv, rdb, prefix)
	ctx := context.Background()
	for _, err := range []error{
		NewGroupSender(api).Send(ctx, " ", bot.Message{Text: "x"}),
		NewGroupSender(api).Send(ctx, "cidG==", bot.Message{}),
		NewOneToOneSender(api).Send(ctx, "||", bot.Message{Text: "x"}),
		NewOneToOneSender(api).Send(ctx, strings.Repeat("u|", 21), bot.Message{Text: "x"}),
	} {
		if !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("err = %v, want permanent", err)
		}
	}
	if fetches, sends, _ := f.snapshot(); fetches != 0 || len(sends) != 0 {
		t.Errorf("bad input reached DingTalk: %d fetches, %d sends", fetches, len(sends))
	}
}

func TestOneToOneSend(t *testing.T) {
	tests := []struct {
		name      string
		answer    string
		permanent bool
		retry     bool
	}{
		{"delivered", `{"processQueryKey":"k"}`, false, false},
		{"some invalid", `{"processQueryKey":"k","invalidStaffIdList":["u2"]}`, false, false},
		{"all invalid", `{"processQueryKey":"k","invalidStaffIdList":["u1","u2"]}`, true, false},
		{"all flow-controlled", `{"processQueryKey":"k","flowControlledStaffIdList":["u1","u2"]}`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeOpenAPI(t)
			f.send = func(w http.ResponseWriter) bool { _, _ = io.WriteString(w, tt.answer); return true }
			rdb, prefix := redistest.New(t)
			err := NewOneToOneSender(newTestAPI(t, srv, rdb, prefix)).
				Send(context.Background(), "u1| u2", bot.Message{Text: "请处理 TS1"})
			var ra *bot.RetryAfterError
			if (err != nil) != (tt.permanent || tt.retry) || errors.Is(err, bot.ErrPermanent) != tt.permanent ||
				errors.As(err, &ra) != tt.retry {
				t.Fatalf("err = %v", err)
			}
			_, sends, _ := f.snapshot()
			want := map[string]any{"_path": "/v1.0/robot/oToMessages/batchSend", "robotCode": "dingrobot01",
				"userIds": []string{"u1", "u2"}, "msgKey": "sampleText", "msgParam": `{"content":"请处理 TS1"}`}
			if len(sends) != 1 || !jsonEqual(sends[0], want) {
				t.Errorf("body %v", sends)
			}
		})
	}
}
