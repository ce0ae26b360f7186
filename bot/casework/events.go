package casework

import (
	"tapline/bot/remind"
	"tapline/models"
)

// eventNames name the timeline events that are no command: the one table
// chat (查), the console's timeline and the API read.
var eventNames = map[string]string{
	"created": "登记", "supplemented": "补充", EventPhoto: "照片",
	EventResidentAnswer: "居民回复", EventResidentInquiry: "居民询问进度",
	EventResidentQuestion: "居民提问", EventResidentRemark: "居民补充",
	"reopen": "回访不满意，重新处理", "major": "重大投诉",
	"deadline_" + remind.KindRemind: "到期提醒", "deadline_" + remind.KindWarn: "超时警告",
	"deadline_" + remind.KindEscalate: "超时上报", models.EventCorrect: "更正记录",
}

// EventName names a timeline event or action in Chinese; never the raw
// type ("记录" for one it does not know).
func EventName(typ string) string {
	if n := eventNames[typ]; n != "" {
		return n
	}
	if n := actionNames[typ]; n != "" {
		return n
	}
	return "记录"
}
