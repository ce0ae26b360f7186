package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"tapline/bot"
)

func TestSink(t *testing.T) {
	var buf bytes.Buffer
	s := NewSink(slog.New(slog.NewTextHandler(&buf, nil)), 2)
	msgs := []bot.Message{{Text: "一"}, {Card: &bot.Card{CaseNumber: "TS2", Phone: "138****5678"}}, {Text: "三"}}
	for _, m := range msgs {
		if err := s.Send(context.Background(), "pipes", m); err != nil {
			t.Fatal(err)
		}
	}
	got := s.Recent()
	if len(got) != 2 || got[0].Message.Card == nil || got[0].Message.Card.CaseNumber != "TS2" || got[1].Message.Text != "三" {
		t.Fatalf("recent %+v", got)
	}
	if got[1].Audience != "pipes" || got[1].At.IsZero() {
		t.Errorf("entry %+v", got[1])
	}
	log := buf.String()
	if strings.Count(log, "sink message") != 3 || !strings.Contains(log, "TS2") || !strings.Contains(log, "audience=pipes") {
		t.Errorf("log:\n%s", log)
	}
}
