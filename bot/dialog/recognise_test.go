package dialog

import (
	"reflect"
	"testing"
)

func TestRecogniseFindsTheKeysOfAReply(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		text string
		want []string
	}{
		{"你好", []string{keyStart}},
		{"水表不走了", []string{"ask_name"}},
		{happyMessage, []string{"ask_confirm"}},
		{"马路上水管爆了，到处都是水！", []string{keyEmergency, keyFiledEmergency, "ask_address"}},
	}
	for i, tt := range tests {
		id := string(rune('a' + i))
		reply := h.say(id, tt.text)
		if got := h.e.texts.Recognise(reply); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q → reply\n%s\nrecognised as %v, want %v", tt.text, reply, got, tt.want)
		}
	}
	if got := h.e.texts.Recognise("完全不是对话里的话"); !reflect.DeepEqual(got, []string{"?"}) {
		t.Errorf("foreign text recognised as %v", got)
	}
}
