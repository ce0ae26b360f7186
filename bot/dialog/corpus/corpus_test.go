package corpus

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

// scriptedDesk asks for a name twice, then files whatever it was told.
type scriptedDesk struct {
	asked int
	cases []*models.Case
}

func (d *scriptedDesk) Say(_ context.Context, openID string, t Turn) (string, error) {
	if d.asked < 2 {
		d.asked++
		return "ASK_NAME", nil
	}
	d.cases = append(d.cases, &models.Case{ID: 1, Number: "TS1", ResidentID: openID, Name: t.Text, Category: "meter"})
	return "FILED", nil
}
func (d *scriptedDesk) Staff(context.Context, string, string) (string, error) { return "", nil }
func (d *scriptedDesk) Cases(context.Context, string) ([]*models.Case, error) { return d.cases, nil }
func (d *scriptedDesk) Events(context.Context, uint64) ([]*models.CaseEvent, error) {
	return nil, nil
}
func (d *scriptedDesk) Rating(context.Context, uint64) (int, error)     { return 0, nil }
func (d *scriptedDesk) Remember(context.Context, string, Contact) error { return nil }
func (d *scriptedDesk) Advance(time.Duration) error                     { return nil }

func keysOf(reply string) []string {
	switch reply {
	case "ASK_NAME":
		return []string{"ask_name"}
	case "FILED":
		return []string{"filed"}
	}
	return []string{"?"}
}

// TestPlayScoresWhatWasFiled: a question asked again with no answer left
// is a slot asked twice, slots are compared, and the report says so.
func TestPlayScoresWhatWasFiled(t *testing.T) {
	c := &Conversation{ID: "t1", Says: []Turn{{Text: "水表坏了"}}, Answers: map[string]Answer{"name": {"张三"}},
		Expect: &Expect{Category: "meter", Name: "张三", Turns: 1}}
	r := Play(context.Background(), &scriptedDesk{}, keysOf, c, "o1")
	if len(r.Intake.Twice) != 1 || r.Intake.Twice[0] != "name" || r.Intake.Turns != 2 || !r.Failed() {
		t.Fatalf("intake %+v, problems %v", r.Intake, r.Problems)
	}
	rep := Summarise("t", []*Result{r})
	if rep.Slots["name"].Pct() != 100 || rep.Twice != 1 || len(rep.Missed()) == 0 {
		t.Fatalf("report %+v missed %v", rep.Slots["name"], rep.Missed())
	}
	var b strings.Builder
	rep.Print(&b, true)
	for _, want := range []string{"asked again although given: name", "2 bot turns before the filing, allowed 1", "居民 > 水表坏了"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestLoadRefusesBadCorpora(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("an empty corpus loaded")
	}
	if _, err := Load("../testdata/corpus"); err != nil {
		t.Fatalf("the shipped corpus: %v", err)
	}
}
