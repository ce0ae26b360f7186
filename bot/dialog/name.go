package dialog

import (
	"strings"
	"unicode"
)

var (
	// nameMarkers introduce a name in free text, longest first.
	nameMarkers = []string{"我的名字叫", "我的名字是", "名字叫", "名字是", "姓名是", "姓名:", "姓名", "本人是",
		"我叫", "我是", "本人", "叫我"}
	nameTitles = []string{"先生", "女士", "小姐", "阿姨", "大爷", "大妈", "师傅", "老师", "奶奶", "爷爷", "大姐", "大哥"}
	// nameCuts end a name ("我叫张三|电话…", "我叫张三|家住…").
	nameCuts = []string{"电话", "手机", "号码", "联系", "住", "家住", "家里", "家在", "家的", "地址", "在", "今天", "昨天",
		"前天", "前几天", "这", "那", "我", "水", "想", "要", "反映", "投诉", "刚才", "刚刚", "已经", "因为", "从昨",
		"从今", "从前", "从上", "从早", "从这", "从那", "从去"}
	// notNames show that what follows 我是 is not a name ("我是|幸福小区的业主").
	notNames = []string{"的", "小区", "业主", "住户", "居民", "用户", "租户", "户主", "楼", "号", "栋", "这里", "这边",
		"行政", "会计", "后勤", "保安", "物业", "经理", "老板", "负责人", "管理员", "前台", "业委会", "租客", "房东", "邻居"}
	// notNameStarts are first characters no name begins with.
	notNameStarts   = "一这那个您你他她它我谁哪啥什不说想要来在真很非刚住从把被给让问快没是对好嗯哦啊呀吧就都还也再又"
	compoundSurname = []string{"欧阳", "司马", "诸葛", "上官", "东方", "慕容", "皇甫", "令狐", "司徒", "夏侯"}
	nonNames        = map[string]bool{"好的": true, "好": true, "嗯": true, "是": true, "是的": true, "对": true,
		"对的": true, "不知道": true, "没有": true, "无": true, "谢谢": true, "哦": true, "啊": true, "行": true,
		"可以": true, "不用": true, "算了": true, "确认": true, "你好": true, "您好": true, "在吗": true, "ok": true,
		"嗯嗯": true, "好吧": true, "不": true, "不要": true, "不想说": true, "保密": true, "匿名": true, "不告诉你": true,
		"不是": true, "不说": true, "不留": true}
	// notNameWords never occur in a name ("你们这什么破系统", "刚说了").
	notNameWords = []string{"什么", "怎么", "为什么", "为啥", "干嘛", "系统", "刚才", "说了", "说过", "不好", "快点", "来人",
		"你们", "我们", "投诉", "问题", "知道", "不行", "可以", "谢谢"}
)

// findName returns the rune span and the name of the first "我叫张三",
// "我是李女士", "本人王五" or "姓赵" in normalised text r.
// A bare surname ("我姓王") is kept only when no full name follows ("我姓王，
// 叫王建国" → 王建国).
func findName(r []rune) (start, end int, name string, ok bool) {
	for i := range r {
		if n, k := markedName(r, i); n != "" {
			if ok && !strings.HasPrefix(n, name) {
				return start, end, name, ok
			}
			return i, k, n, true
		}
		if hasRunesAt(r, i, "叫") && !hasRunesAt(r, i, "叫我") {
			n, k := nameAfter(r, i+1)
			switch {
			case ok && strings.HasPrefix(n, name): // "我姓王，叫王建国"
				return start, k, n, true
			case !ok && n != "" && i > 0 && (isPause(r[i-1]) || r[i-1] == '的'): // "我是业委会的，叫雷鸣远"
				return i, k, n, true
			}
		}
		if !ok && hasRunesAt(r, i, "姓") && (i == 0 || strings.ContainsRune("我人贵，, 拉俺咱侬", r[i-1])) {
			if n, k := surnameAfter(r, i+1); n != "" {
				start, end, name, ok = i, k, n, true
			}
		}
	}
	if ok && len([]rune(name)) <= 2 { // "免贵姓欧阳，欧阳女士": the surname and a title said later
		for i := end; i < len(r); i++ {
			if hasRunesAt(r, i, name) {
				if t := prefixAny(string(r[i+len([]rune(name)):]), nameTitles); t != "" {
					k := i + len([]rune(name+t))
					return i, k, string(r[i:k]), true
				}
			}
		}
	}
	return start, end, name, ok
}

// markedName reads a name after a marker ("我叫", "本人") at i.
func markedName(r []rune, i int) (string, int) {
	for _, m := range nameMarkers {
		if !hasRunesAt(r, i, m) {
			continue
		}
		j := i + len([]rune(m))
		for j < len(r) && r[j] == ' ' {
			j++
		}
		if n, k := nameAfter(r, j); n != "" {
			return n, k
		}
	}
	return "", i
}

// nameAfter reads a name of two to four Han characters (or a surname and a
// title, "李女士") starting at j; it returns "" when what follows is not a
// name.
func nameAfter(r []rune, j int) (string, int) {
	if j >= len(r) || strings.ContainsRune(notNameStarts, r[j]) {
		return "", j
	}
	k, long := j, false
	for k < len(r) && (unicode.Is(unicode.Han, r[k]) || isNameMark(r[k])) {
		rest := string(r[k:])
		if k > j && prefixAny(rest, nameTitles) != "" {
			k += len([]rune(prefixAny(rest, nameTitles)))
			return string(r[j:k]), k
		}
		if prefixAny(rest, notNames) != "" {
			return "", j
		}
		if k > j && prefixAny(rest, nameCuts) != "" {
			break
		}
		long = long || r[k] == '·' // "阿依古丽·买买提": transcribed names run longer
		if (k-j == 4 && !long) || k-j == MaxName {
			return "", j // too long to be a plain name
		}
		k++
	}
	if k-j < 2 {
		return "", j
	}
	return string(r[j:k]), k
}

// isNameMark reports whether r joins the parts of a name: the middle dot of
// transcribed names and the apostrophes some residents type (issue 13
// item 10: "李'…" must not be cut at the apostrophe).
func isNameMark(r rune) bool { return r == '·' || r == '•' || r == '\'' || r == '’' }

// surnameAfter reads "赵" or "欧阳", optionally with a title, after 姓.
func surnameAfter(r []rune, j int) (string, int) {
	if j >= len(r) || !unicode.Is(unicode.Han, r[j]) || strings.ContainsRune(notNameStarts, r[j]) {
		return "", j
	}
	k := j + 1
	if c := prefixAny(string(r[j:]), compoundSurname); c != "" {
		k = j + 2
	}
	if t := prefixAny(string(r[k:]), nameTitles); t != "" {
		k += len([]rune(t))
	}
	return string(r[j:k]), k
}

func prefixAny(s string, words []string) string {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// parseName validates an answer to the name question: one to twenty
// characters without digits after lead words ("我叫", "免贵姓") are dropped;
// "张先生" is a name, "好的" is not.
func parseName(s string) (string, bool) {
	r := []rune(normalize(s))
	if strings.ContainsAny(string(r), "?？") {
		return "", false
	}
	if _, _, n, ok := findName(r); ok {
		return n, true
	}
	parts := clauses(string(r))
	if len(parts) == 0 {
		return "", false
	}
	a := parts[0]
	for _, l := range []string{"免贵姓", "我姓", "姓"} {
		if rest, ok := strings.CutPrefix(a, l); ok && rest != "" {
			if n, _ := surnameAfter([]rune(rest), 0); n != "" {
				return n, true
			}
		}
	}
	return validName(a)
}

// validName applies the name rules to a bare answer.
func validName(a string) (string, bool) {
	n := len([]rune(a))
	switch {
	case n == 0 || n > MaxName || hasDigit(a) || nonNames[strings.ToLower(a)]:
		return "", false
	case strings.ContainsAny(a, "?？吗@/\\<>") || isNegative(a) || prefixAny(a, []string{"什么", "怎么", "为什么", "为啥", "干嘛"}) != "":
		return "", false
	case prefixAny(a, notNames) != "" || strings.Contains(a, "小区") || strings.Contains(a, "单元"):
		return "", false
	case strings.ContainsRune(notNameStarts, []rune(a)[0]) || containsAny(a, notNameWords) || isRefusal(a):
		return "", false
	}
	return a, true
}
