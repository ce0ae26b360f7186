package seedgen

import (
	"fmt"
	"time"

	"tapline/models"
)

// bundle holds the rows of one chunk of cases.
type bundle struct {
	cases     []models.Case
	events    []models.CaseEvent
	work      []models.CaseWork
	measures  []models.Measure
	approvals []models.Approval
	deadlines []models.Deadline
	warnings  []models.Warning
	callbacks []models.CallBack
	ratings   []models.Rating
	incidents []models.Incident
}

// add counts a written chunk.
func (r *Result) add(b *bundle) {
	r.Cases += len(b.cases)
	r.Events += len(b.events)
	r.Deadlines += len(b.deadlines)
	r.Warnings += len(b.warnings)
	r.CallBacks += len(b.callbacks)
	r.Ratings += len(b.ratings)
}

// clusterPlan is the recurring cluster: size cases of one category at one
// estate spread over the month, the first three of them within an hour
// (an incident of three households, policy 4.1.3 群体性投诉).
type clusterPlan struct {
	size     int
	category string
	area     string
	incident uint64
}

// planCluster picks the cluster's size, category and estate.
func (g *gen) planCluster() {
	size := g.opt.Cluster
	if size == 0 {
		size = 8
	}
	size = min(max(size, 0), g.opt.Cases)
	g.cluster = clusterPlan{size: size, category: "water_pressure", area: estates[0]}
	if g.p.Category(g.cluster.category) == nil && len(g.cats) > 0 {
		g.cluster.category = g.cats[0].Key
	}
	g.res.ClusterCategory, g.res.ClusterArea = g.cluster.category, g.cluster.area
}

// slot is one case to file: when, and its place in the cluster (-1: none).
type slot struct {
	at      time.Time
	cluster int
}

// clusterSlots returns the cluster's filing times in [from, to): the
// first three 20 minutes apart, the rest spread evenly.
func (c *clusterPlan) clusterSlots(from, to time.Time) []slot {
	out := make([]slot, 0, c.size)
	span := to.Sub(from)
	first := from.Add(span / 10)
	for k := 0; k < c.size; k++ {
		at := first.Add(time.Duration(k) * 20 * time.Minute)
		if k >= 3 {
			at = first.Add(span * time.Duration(k) / time.Duration(c.size+1))
		}
		if !at.Before(to) {
			at = to.Add(-time.Duration(c.size-k) * time.Millisecond)
		}
		out = append(out, slot{at: at.Truncate(time.Millisecond), cluster: k})
	}
	return out
}

// people and places.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文斌玉兰海燕志红春梅")
	estates  = []string{"阳光花园", "幸福家园", "锦绣江南", "翠湖苑", "金桥小区", "东方明珠苑", "城南新村", "滨江一号",
		"梧桐里", "书香门第", "学府路", "解放路", "人民路", "建设街", "和平里", "丰收小区", "新华苑", "望江楼小区",
		"紫荆花园", "碧水湾", "长安街", "青年路", "朝阳小区", "桂花园", "香樟苑", "御景湾", "春晓苑", "北城新区",
		"南湖小区", "西山路", "枫林湾", "龙湖小区", "金色家园", "农机站宿舍", "机械厂宿舍", "化肥厂宿舍",
		"供电局宿舍", "老街", "文化路", "东风路"}
	details = map[string][]string{
		"water_quality":  {"自来水发黄有铁锈味，放了很久还是浑浊", "水里有白色沉淀物，烧开后有水垢", "水有消毒水味，小孩不敢喝"},
		"water_pressure": {"高层水压太小，热水器打不着火", "早上经常停水也没有通知", "水流很小，洗澡都困难"},
		"pipe_leak":      {"小区门口地下冒水好几天了", "楼道里的水管漏水，墙都湿了", "路边水管爆了一直在喷水"},
		"repair":         {"上次维修后又漏了，师傅没修好", "维修人员态度差，修完不清理现场"},
		"construction":   {"施工挖路后一直没恢复，出行不便", "晚上施工噪音太大影响休息"},
		"meter":          {"水表走得特别快，怀疑表坏了", "抄表员估抄，读数和实际不符"},
		"billing":        {"这个月水费比平时多了一倍", "已经缴费了还在催费，还收滞纳金"},
		"hall_service":   {"营业厅窗口排队一个多小时", "大厅工作人员态度冷淡"},
		"engineering":    {"报装接水收费不明白，工程费太高", "新装申请一个月了还没人来勘察"},
		"finance":        {"退费申请两个月没到账", "开发票一直拖着不给开"},
		"other":          {"希望在小区张贴停水通知", "咨询后没有人回复"},
	}
)

// name is a random Chinese name.
func (g *gen) name() string {
	n := string(surnames[g.rng.IntN(len(surnames))]) + string(given[g.rng.IntN(len(given))])
	if g.rng.IntN(2) == 0 {
		n += string(given[g.rng.IntN(len(given))])
	}
	return n
}

// phone is a random mobile number.
func (g *gen) phone() string {
	return fmt.Sprintf("1%d%09d", 3+g.rng.IntN(7), g.rng.IntN(1_000_000_000))
}

// detail is a complaint text of the category.
func (g *gen) detail(cat string) string {
	d := details[cat]
	if len(d) == 0 {
		d = details["other"]
	}
	return d[g.rng.IntN(len(d))]
}
