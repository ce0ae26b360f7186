package dialog

import (
	"testing"

	"tapline/bot"
)

// benchOpenings are first messages as residents type them.
var benchOpenings = []string{
	happyMessage,
	"上个月抄表员根本没来抄表，水费账单估算得特别高",
	"快来人！人民路和解放路路口水管爆了，水喷得老高，路面都在冒水",
	"你好，我们幸福小区这几天水压特别小，楼上洗澡都洗不了 😫",
}

// BenchmarkStepOpening times one pure step on a first message: reading it
// (category, 4.1.3 and emergency phrases, name, phone, address,
// expectation) and deciding the next question.
func BenchmarkStepOpening(b *testing.B) {
	env := Env{Policy: mustPolicy(b), TTL: DefaultTTL, Pause: DefaultPause}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := Input{Update: bot.Update{Kind: bot.KindText, SenderID: "o1", Text: benchOpenings[i%len(benchOpenings)]},
			Now: stepNow, Key: "o1:k"}
		Step(env, nil, in)
	}
}
