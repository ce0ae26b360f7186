package dialog

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"tapline/bot/policy"
	"tapline/models"
)

// CaseView is one of a resident's cases as the conversation about it sees
// it.
type CaseView struct {
	Case       *models.Case
	Department string // display name of its department
	Measure    string // the measures or explanation put to the resident, while negotiating (policy 4.3.2)
}

// What a resident's message about an open case is relayed as.
const (
	RelayInquiry  = "inquiry"  // a progress question, told to the department as a reminder
	RelayQuestion = "question" // a question the case cannot answer (about the measures …)
	RelayRemark   = "remark"   // something more about the problem, a photo, a new phone number
)

// CaseDesk is what the conversation about a resident's open case does on
// the case (implemented by bot/casework: every step role-checked and on
// the case's timeline, the department told).
type CaseDesk interface {
	// TalkCases returns the resident's cases a message may be about,
	// newest first: the open ones and those finished lately.
	TalkCases(ctx context.Context, residentID string) ([]CaseView, error)
	// Relay records what the resident said about case number (kind is a
	// Relay… constant; photo an image URL or "") on its timeline and tells
	// the department's group.
	Relay(ctx context.Context, residentID, number, kind, text, photo string) error
	// Answer records the resident's answer to the measures or explanation
	// put to them (policy 4.3.2); done is false when the case no longer
	// waits for it.
	Answer(ctx context.Context, residentID, number string, accept bool, reason string) (done bool, err error)
	// Rate records a 1–5 rating of a finished case (PRODUCT E2): ECONFLICT
	// when it is rated already, EINVALID when it is not finished.
	Rate(ctx context.Context, residentID, number string, score int, comment string) error
}

// talkKind is what a message about an open case asks for.
type talkKind int

const (
	talkNone     talkKind = iota // not about the case: the intake dialog takes it
	talkProgress                 // 进度怎么样了
	talkQuestion                 // 换啥啊？说清楚点
	talkRemark                   // 今天水更黄了, a photo
	talkAccept                   // 行吧 可以 (to measures put to the resident)
	talkUnsure                   // 嗯 — read the measures back
	talkReject                   // 不行，太少了
	talkThanks                   // 谢谢
	talkRating                   // 5分 很满意
	talkHello                    // 在吗
	talkAck                      // 确认 sent again after the filing: where the case stands
)

// talk is the reading of one message.
type talk struct {
	kind  talkKind
	view  *CaseView
	score int
}

// Words of the conversation about an open case.
var (
	newProblem   = []string{"另外", "还有个", "还有一个", "还有件", "还有一件", "另一个问题", "另一件事", "新问题", "新的问题", "别的问题", "再反映", "再投诉", "又一个问题"}
	progressWord = []string{"进度", "怎么样了", "怎么样啦", "处理了没", "处理了吗", "处理好了吗", "有结果", "结果怎么样", "什么时候", "啥时候",
		"几时", "多久", "还要等", "等了", "还没", "没人来", "没人管", "有没有人管", "到底", "快点", "催", "动静", "来了没", "怎么还", "咋还", "到现在",
		"几天", "多长时间", "多少天"}
	thanksWords = []string{"谢谢", "感谢", "辛苦", "多谢", "麻烦你们了", "thank", "thx"}
	rejectWords = []string{"不行", "不同意", "不接受", "不满意", "太少", "不合理", "不可能", "不答应", "没用", "不够", "不要这样",
		"拒绝", "不认可", "不认同", "太晚", "太慢", "太久", "等不了", "不能等", "必须"}
	assentWords = []string{"可以", "同意", "接受", "没问题", "就这么办", "按这个", "照这个", "没意见", "认可", "行的", "ok", "就这样",
		"就这么定", "这样也行", "这样可以"}
	weakAssent   = words("嗯", "嗯嗯", "好", "好吧", "行吧", "哦", "那好吧", "知道了", "收到", "好的", "好的吧", "随便", "都行", "也行", "那行", "行", "是", "是的", "对")
	helloWords   = words("你好", "您好", "在吗", "有人吗", "有人在吗", "在不在", "喂", "hello", "hi", "你好在吗")
	ratingRe     = regexp.MustCompile(`(?:^|[^\d])([1-5])\s*(?:分|星)|([一二三四五])\s*(?:分|星)|(?:评价|打分|评分)\s*[:：]?\s*([1-5])`)
	delightWords = []string{"非常满意", "很满意", "特别满意", "十分满意", "五星好评", "满分"}
)

// ackTokens make up a short acknowledgement ("好的知道了", "收到收到").
var ackTokens = []string{"知道了", "收到", "明白", "了解", "好的", "好", "嗯", "行", "ok", "哦", "噢", "吧", "啦", "了", "啊"}

// onlyAcks reports whether compact text c is an acknowledgement alone.
func onlyAcks(c string) bool {
	if c == "" {
		return false
	}
	for c != "" {
		w := prefixAny(c, ackTokens)
		if w == "" {
			return false
		}
		c = c[len(w):]
	}
	return true
}

// readTalk reads a message of a resident who has cases to talk about
// (cases, newest first). kind is the update's kind.
func readTalk(p *policy.Policy, kind, text string, cases []CaseView) talk {
	t := normalize(text)
	c := compact(t)
	switch {
	case kind == "image" || kind == "location":
		return talk{kind: talkRemark, view: pick(cases, "", isOpen)}
	case c == "" && t != "": // 👌: an acknowledgement
		return talk{kind: talkThanks, view: &cases[0]}
	case c == "" || isCommand(c, t) || containsAny(t, newProblem) || newEmergency(p, t, cases):
		return talk{}
	}
	if tk, ok := rating(t, cases); ok {
		return tk
	}
	if submitWords[c] && pick(cases, "", negotiating) == nil {
		return talk{kind: talkAck, view: orNewest(pick(cases, "", isOpen), cases)}
	}
	if v := pick(cases, "", negotiating); v != nil {
		if tk, ok := aboutMeasures(t, c, v); ok {
			return tk
		}
	}
	return plain(p, t, c, cases)
}

// plain reads a message that is no answer to measures and no rating.
func plain(p *policy.Policy, t, c string, cases []CaseView) talk {
	open := pick(cases, "", isOpen)
	switch {
	case containsAny(t, thanksWords) || weakAssent[c] || onlyAcks(c):
		return talk{kind: talkThanks, view: &cases[0]}
	case helloWords[c]:
		return talk{kind: talkHello, view: orNewest(open, cases)}
	case containsAny(t, progressWord):
		return talk{kind: talkProgress, view: orNewest(open, cases)}
	case isQuestion(t) && open != nil:
		return talk{kind: talkQuestion, view: open}
	}
	k, _ := classify(p, t)
	if v := pick(cases, k, isOpen); v != nil && (k == "" || sameDepartment(p, v.Case.Category, k) || meaningful(t) < 8) {
		return talk{kind: talkRemark, view: v} // more about the open case, not a new problem
	}
	return talk{}
}

// aboutMeasures reads an answer to measures put to the resident.
func aboutMeasures(t, c string, v *CaseView) (talk, bool) {
	switch {
	case isQuestion(t):
		return talk{kind: talkQuestion, view: v}, true
	case containsAny(t, rejectWords):
		return talk{kind: talkReject, view: v}, true
	case containsAny(c, assentWords):
		return talk{kind: talkAccept, view: v}, true
	case weakAssent[c]:
		return talk{kind: talkUnsure, view: v}, true
	}
	return talk{}, false
}

// rating reads a score of a finished case ("5分 很满意", "五星", "评价4").
func rating(t string, cases []CaseView) (talk, bool) {
	v := pick(cases, "", ratable)
	if v == nil {
		return talk{}, false
	}
	if m := ratingRe.FindStringSubmatch(t); m != nil {
		n, err := strconv.Atoi(m[1] + m[3])
		if m[2] != "" {
			n, err = strings.Index("一二三四五", m[2])/3+1, nil
		}
		if err == nil {
			return talk{kind: talkRating, view: v, score: n}, true
		}
	}
	if containsAny(t, delightWords) {
		return talk{kind: talkRating, view: v, score: 5}, true
	}
	return talk{}, false
}

// isCommand reports whether the message is one the intake dialog answers
// for everyone (我的投诉, 人工, 帮助, a case number). "算了，不投诉了" after the
// filing is no command: it goes to the department with the case.
func isCommand(c, t string) bool {
	return queryWords[c] || helpWords[c] || humanWords[c] || restartWords[c] || asksHuman(t) || caseNumber(t) != ""
}

// newEmergency reports whether t is an emergency none of the cases is
// about: a new complaint, with guidance at once.
func newEmergency(p *policy.Policy, t string, cases []CaseView) bool {
	e, _ := p.EmergencyMatch(t)
	if e == nil {
		return false
	}
	return !slices.ContainsFunc(cases, func(v CaseView) bool { return v.Case.Major && isOpen(v) })
}

// isOpen reports whether v is still being handled: open, and its effect
// not yet confirmed (a confirmed case is done for the resident, policy
// 4.3.3; the same problem again is a new complaint).
// sameDepartment reports whether two categories go to one department
// (a leak and its repair are one conversation for the crew).
func sameDepartment(p *policy.Policy, a, b string) bool {
	ca, cb := p.Category(a), p.Category(b)
	return ca != nil && cb != nil && ca.Department == cb.Department
}

func isOpen(v CaseView) bool {
	s, ok := models.StatusOf(v.Case.Status)
	return ok && s.Open && v.Case.Status != models.StatusConfirmed
}

func negotiating(v CaseView) bool { return v.Case.Status == models.StatusNegotiating }

func ratable(v CaseView) bool {
	switch v.Case.Status {
	case models.StatusResolved, models.StatusConfirmed, models.StatusClosed, models.StatusArchived:
		return true
	}
	return false
}

// pick returns the newest case that fits, of category when one is named
// and fits; nil when none fits.
func pick(cases []CaseView, category string, fits func(CaseView) bool) *CaseView {
	var first *CaseView
	for i := range cases {
		if !fits(cases[i]) {
			continue
		}
		if category == "" || cases[i].Case.Category == category {
			return &cases[i]
		}
		if first == nil {
			first = &cases[i]
		}
	}
	return first
}

func orNewest(v *CaseView, cases []CaseView) *CaseView {
	if v != nil {
		return v
	}
	return &cases[0]
}
