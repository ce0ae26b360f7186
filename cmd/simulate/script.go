package main

import (
	"fmt"
	"path/filepath"

	"tapline/bot/dialog"
	"tapline/bot/dialog/corpus"
)

// script answers the dialog's questions the way a real resident does: it
// recognises the question by its text key (configs/dialog.yaml, never by
// its wording), gives one wrong phone number first, and corrects the
// address at the read-back.
type script struct {
	texts     *dialog.Texts
	opening   string
	phones    []string
	address   []string
	corrected bool
}

func newScript(scenario string, texts *dialog.Texts) *script {
	s := &script{
		texts:   texts,
		opening: "你好，我们幸福小区这几天水压特别小，楼上洗澡都洗不了 😫",
		phones:  []string{"138 1234 567", "１３８ １２３４ ５６７８"},
		address: []string{"幸福小区3栋2单元501", "幸福小区5栋2单元501"},
	}
	if scenario == "emergency" {
		s.opening = "快来人！人民路和解放路路口水管爆了，水喷得老高，路面都在冒水"
		s.address = []string{"人民路与解放路交叉口东北角", "人民路与解放路交叉口东北角"}
		s.corrected = true
	}
	return s
}

// loadTexts reads the dialog texts the script recognises questions by.
func loadTexts(path string) (*dialog.Texts, error) {
	t, err := dialog.LoadTexts(path)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w (run from the repository, or give -dialog)", err)
	}
	return t, nil
}

// textsIn loads dialog.yaml from a configs folder.
func textsIn(configs string) (*dialog.Texts, error) {
	return loadTexts(filepath.Join(configs, "dialog.yaml"))
}

// question returns what a reply asks for ("" when it asks nothing more).
func (s *script) question(reply string) string { return corpus.Question(s.texts.Recognise(reply)) }

// answer answers the question of reply.
func (s *script) answer(reply string) string {
	switch s.question(reply) {
	case "confirm":
		if !s.corrected {
			s.corrected = true
			return "地址写错了"
		}
		return "确认"
	case "offer":
		return "是的"
	case "name":
		return "我姓王，叫王建国"
	case "phone":
		return pop(&s.phones)
	case "address", "fix":
		return pop(&s.address)
	case "expectation":
		return "希望尽快恢复正常水压，给个说法"
	case "category":
		return "2"
	case "which":
		return "3"
	}
	return "从上周五开始，每天晚上七点到十点水最小，整栋楼都这样"
}

// pop returns the first answer and keeps the last one for repeats.
func pop(list *[]string) string {
	v := (*list)[0]
	if len(*list) > 1 {
		*list = (*list)[1:]
	}
	return v
}
