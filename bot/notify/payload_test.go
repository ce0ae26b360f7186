package notify

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

func TestEncodeDecodeMessage(t *testing.T) {
	card := &bot.Card{Title: "停水", CaseNumber: "TS1", Name: "张**", At: time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)}
	for _, msg := range []bot.Message{{Card: card}, {Text: "您的工单已受理"}} {
		kind, payload, err := EncodeMessage(msg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeMessage(kind, payload)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != msg.Text || (msg.Card != nil) != (got.Card != nil) || (got.Card != nil && !reflect.DeepEqual(*got.Card, *msg.Card)) {
			t.Errorf("round trip %+v → %s %s → %+v", msg, kind, payload, got)
		}
	}
}

func TestDecodeMessage(t *testing.T) {
	tests := []struct {
		name, kind, payload string
		text, number        string
		perm                bool
	}{
		{name: "bare card", kind: KindCard, payload: `{"case_number":"TS9","title":"x"}`, number: "TS9"},
		{name: "json string", kind: KindText, payload: `"已办结"`, text: "已办结"},
		{name: "plain text", kind: KindText, payload: "已办结", text: "已办结"},
		{name: "broken json", kind: KindCard, payload: `{"card":`, perm: true},
		{name: "empty object", kind: KindText, payload: `{}`, perm: true},
		{name: "empty", kind: KindText, payload: ` `, perm: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeMessage(tt.kind, tt.payload)
			if tt.perm {
				if !errors.Is(err, bot.ErrPermanent) {
					t.Fatalf("err %v, want permanent", err)
				}
				return
			}
			if err != nil || got.Text != tt.text || (tt.number != "" && (got.Card == nil || got.Card.CaseNumber != tt.number)) {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("水", 300)
	if got := truncate(s, 500); len(got) > 500 || !strings.HasPrefix(s, got) || len(got) < 497 {
		t.Errorf("truncate: %d bytes", len(got))
	}
}
