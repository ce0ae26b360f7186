package dialog

import (
	"regexp"
	"strings"
	"unicode"

	"tapline/models"
)

// landmarks are places a crew finds without a house number ("市一医院东门
// 对面", "城东营业厅", "公司总部三楼财务室"): they count with a name before
// them.
var landmarks = []string{"医院", "卫生院", "营业厅", "学校", "中学", "小学", "幼儿园", "大学", "学院", "食堂", "公园",
	"超市", "商场", "银行", "公交站", "地铁站", "车站", "菜场", "菜市场", "市场", "财务室", "办公室", "总部", "公司",
	"工厂", "酒店", "宾馆", "饭店", "餐厅", "派出所", "政府", "街道办", "村委", "居委会", "物业", "加油站",
	"停车场", "车库", "体育馆", "图书馆", "广场", "大厦", "中心", "花园", "菜市场", "桥", "站", "工地", "高架", "地铁",
	"档案馆", "博物馆", "医院"}

// placeSuffixes follow an address and belong to it ("交叉口东北角",
// "南门", "88号门口", "往北50米").
var (
	placeSuffixes = []string{"东北角", "西北角", "东南角", "西南角", "东侧", "西侧", "南侧", "北侧", "东门", "西门", "南门",
		"北门", "大门", "门口", "旁边", "对面", "附近", "楼下", "边上", "里面", "后面", "前面", "路边", "楼道"}
	towardsRe = regexp.MustCompile(`^往[东西南北]\d+米`)
)

// suffixAt returns the length in runes of a place suffix at r[i:], 0 if none.
func suffixAt(r []rune, i int) int {
	rest := string(r[i:])
	if w := prefixAny(rest, placeSuffixes); w != "" {
		return len([]rune(w))
	}
	if m := towardsRe.FindString(rest); m != "" {
		return len([]rune(m))
	}
	return 0
}

// placeAnswer cleans an answer to the address question: lead words
// ("我家住在", "就在", "我屋头在") and trailing punctuation go, the rest
// stays as the resident wrote it.
func placeAnswer(s string) string {
	r := []rune(strings.TrimSpace(normalize(s)))
	for k := stripLead(r); k > 0; k = stripLead(r) {
		r = r[k:]
	}
	r = []rune(strings.TrimSpace(string(r)))
	// "我屋头在 …": a short lead ending in 在/住/是 with no address in it
	for i := 0; i < len(r) && i < 6; i++ {
		if strings.ContainsRune("在住是", r[i]) && !hasAnyMarker(string(r[:i])) && !hasDigit(string(r[:i])) {
			r = []rune(strings.TrimSpace(string(r[i+1:])))
			break
		}
	}
	return strings.TrimRight(strings.TrimSpace(string(r)), " ，,。.！!~～的")
}

// parseAddress validates an answer to the address question: a number with
// an address marker (or six characters with a number), a named estate or
// village ("阳光花园"), an intersection, or a named landmark ("市一医院东
// 门对面"); a bare road ("人民路") or "我家门口" is not enough. The answer
// is kept whole, as the resident wrote it.
func parseAddress(s string) (string, bool) {
	a := placeAnswer(s)
	n := meaningful(a)
	if n == 0 || isNegative(a) || strings.ContainsAny(a, "?？吗") {
		return "", false
	}
	numbered := hasDigit(a) || hasNumberedUnit(a)
	if (numbered && n >= 3 && (hasAnyMarker(a) || n >= 6)) || (n >= 4 && hasEstate(a)) || isIntersection(a) || namedLandmark(a) {
		return models.CutRunes(a, MaxAddress), true
	}
	return "", false
}

// hasNumberedUnit reports whether s numbers a unit in Chinese ("五栋",
// "七十八号", "三楼").
func hasNumberedUnit(s string) bool {
	r := []rune(s)
	for i := 1; i < len(r); i++ {
		if m, place := markerAt(r, i); m != "" && !place && strings.ContainsRune(cnDigits, r[i-1]) {
			return true
		}
	}
	return false
}

// namedLandmark reports whether s names a landmark: a landmark word with
// at least two characters of a name before it that are no lead word.
func namedLandmark(s string) bool { return namedBefore(s, landmarks) }

// namedBefore reports whether one of markers occurs in s with at least two
// characters of a name before it that are no lead word ("城东营业厅", not
// "公园里面").
func namedBefore(s string, markers []string) bool {
	r := []rune(s)
	for i := range r {
		m := prefixAny(string(r[i:]), markers)
		if m == "" {
			continue
		}
		j := i
		for j > 0 && i-j < 6 && unicode.Is(unicode.Han, r[j-1]) && !strings.ContainsRune(addrStops, r[j-1]) {
			j--
		}
		name := r[j:i]
		for k := stripLead(name); k > 0; k = stripLead(name) {
			name = name[k:]
		}
		need := 2
		if len([]rune(m)) == 1 && len(name) > 0 && !strings.ContainsRune(commonBefore, name[len(name)-1]) {
			need = 1 // "翠苑", "杏园": one character names a small estate; "公园" names nothing
		}
		if hanCount(name) >= need && !containsAny(string(name), vaguePlaces) {
			return true
		}
	}
	return false
}

// commonBefore make a one-character place marker a common word (公园, 校园,
// 菜园, 果园, 乐园, 家园, 农村, 山村).
const commonBefore = "公校菜果乐家农山花庄"

// vaguePlaces are no landmark's name ("附近的超市", "我们小区的公园").
var vaguePlaces = []string{"这个", "那个", "这里", "那里", "附近", "隔壁", "对面", "旁边", "我们", "你们", "咱们",
	"一个", "某个", "哪", "什么", "啥", "知道"}

func hanCount(r []rune) int {
	n := 0
	for _, c := range r {
		if unicode.Is(unicode.Han, c) {
			n++
		}
	}
	return n
}

// estateMarkers name a place a crew can find without a number.
var estateMarkers = []string{"小区", "花园", "新村", "家园", "公寓", "大厦", "山庄", "苑", "园", "村", "社区", "广场"}

// hasEstate reports whether s names an estate or a village ("阳光花园"),
// not just a road ("人民路") or a park nobody named ("公园里面").
func hasEstate(s string) bool { return namedBefore(s, estateMarkers) }

// addressLeads introduce an address in free text: what follows them, to
// the next pause, is the address ("地址是临平区星光街道桂花苑11幢").
var addressLeads = []string{"地址是", "地址:", "地址在", "地址", "住址是", "住址", "家住在", "家住", "我家在", "我家住在",
	"我家住", "住在", "我住在", "我住", "位于", "住"}

// placeClauses finds an address said as a place in free text, with no
// lead word and no number: the clauses around a named landmark or an
// intersection that say nothing about the problem ("留石高架下面，沈半路和石祥
// 路交叉的地方，有个阀门一直在漏水"). The span is in runes of r.
func placeClauses(p interface {
	Classify(string) (string, []string)
}, r []rune) (start, end int, ok bool) {
	type clause struct{ s, e int }
	var cs []clause
	for i := 0; i < len(r); {
		j := i
		for j < len(r) && !isPause(r[j]) && r[j] != blankRune {
			j++
		}
		if j > i {
			cs = append(cs, clause{i, j})
		}
		i = j + 1
	}
	placeLike := func(c clause) bool {
		s := string(r[c.s:c.e])
		k, _ := p.Classify(s)
		return k == "" && meaningful(s) >= 2 && !saysMore(s) &&
			(hasAnyMarker(s) || suffixIn(s) || namedLandmark(s) || isIntersection(s))
	}
	for n, c := range cs {
		s := string(r[c.s:c.e])
		if !placeLike(c) || !(namedLandmark(s) || isIntersection(s)) {
			continue
		}
		first, last := n, n
		for first > 0 && placeLike(cs[first-1]) && cs[first-1].e+1 == cs[first].s {
			first--
		}
		for last+1 < len(cs) && placeLike(cs[last+1]) && cs[last].e+1 == cs[last+1].s {
			last++
		}
		return cs[first].s, cs[last].e, true
	}
	return 0, 0, false
}

// saysMore reports whether a clause says something besides a place: who
// the resident is ("我是东方幼儿园的后勤") or what happened ("水漫到车库里了").
func saysMore(s string) bool {
	return strings.Contains(s, "了") || containsAny(s, []string{"我是", "我叫", "本人", "姓", "我们是"})
}

// suffixIn reports whether s holds a place suffix ("下面", "旁边").
func suffixIn(s string) bool {
	return containsAny(s, append(placeSuffixes, "下面", "上面", "附近"))
}

// ledAddress finds an address right after an address lead; the span is
// in runes of r (which may hold blanked spans).
func ledAddress(r []rune) (start, end int, ok bool) {
	for i := range r {
		lead := prefixAny(string(r[i:]), addressLeads)
		if lead == "" {
			continue
		}
		j := i + len([]rune(lead))
		for j < len(r) && r[j] == ' ' {
			j++
		}
		k := j
		for k < len(r) && !isPause(r[k]) && r[k] != blankRune {
			k++
		}
		if s, e, ok := findAddress(r[j:k]); ok && s <= 1 {
			return j + s, j + e, true // the address, not what follows it ("住在六楼，洗澡…")
		}
		a := strings.TrimRight(string(r[j:k]), "的")
		if _, valid := parseAddress(a); valid && len([]rune(a)) <= 12 && !strings.ContainsAny(a, "了时") {
			return j, j + len([]rune(a)), true
		}
	}
	return 0, 0, false
}
