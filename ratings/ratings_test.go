package ratings_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/ratings"
)

func TestParse(t *testing.T) {
	tests := []struct {
		text string
		want ratings.Ask
		err  string
	}{
		{`#3 #5 #8 from <@U1|ann> <@U2|bob> <!subteam^S9|@sales-team> <#C7|support> for 3d ask "How much would your customers gain?"`,
			ratings.Ask{Ideas: []int64{3, 5, 8}, People: []string{"U1", "U2"}, Groups: []string{"S9"}, Channels: []string{"C7"},
				GroupNames: map[string]string{"S9": "@sales-team"}, For: 72 * time.Hour, Question: "How much would your customers gain?"}, ""},
		{`#3 #3 from <@U1|ann> <@U1|ann>`, ratings.Ask{Ideas: []int64{3}, People: []string{"U1"}, Question: ratings.DefaultQuestion}, ""},
		{`#3 from <#C7> ask “Would it help?”`, ratings.Ask{Ideas: []int64{3}, Channels: []string{"C7"}, Question: "Would it help?"}, ""},
		{`from <@U1|ann>`, ratings.Ask{}, "Name the ideas to rate"},
		{`#3 <@U1|ann>`, ratings.Ask{}, "Say who rates them after `from`"},
		{`#3 from`, ratings.Ask{}, "Name who rates after `from`"},
		{`#3 from ann`, ratings.Ask{}, "“ann” is not a person, a user group or a channel"},
		{`#3 from <@U1|ann> for ever`, ratings.Ask{}, "ever"},
		{`#3 from <@U1|ann> ask ""`, ratings.Ask{}, "Write the question after `ask`"},
		{`#1 #2 #3 #4 #5 #6 #7 #8 #9 #10 #11 from <@U1|ann>`, ratings.Ask{}, "up to 10 ideas; you named 11"},
	}
	for _, tt := range tests {
		got, err := ratings.Parse(tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(prio.ErrorMessage(err), tt.err) {
				t.Errorf("Parse(%q) = %v, want an error with %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.text, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestSum(t *testing.T) {
	tests := []struct {
		name    string
		ratings []int
		want    ratings.Result
		bars    string
	}{
		{"none", nil, ratings.Result{}, "1  2  3  4  5 "},
		{"one", []int{4}, ratings.Result{Count: 1, Mean: 4, Median: 4, Dist: [5]int{0, 0, 0, 1, 0}}, "1  2  3  4█ 5 "},
		{"even", []int{1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5}, ratings.Result{Count: 17, Mean: 3.65, Median: 4, Dist: [5]int{1, 1, 4, 8, 3}}, "1▁ 2▁ 3▄ 4█ 5▃"},
		{"a median between", []int{2, 5}, ratings.Result{Count: 2, Mean: 3.5, Median: 3.5, Dist: [5]int{0, 1, 0, 0, 1}}, "1  2█ 3  4  5█"},
		{"off the scale is left out", []int{0, 6, 3}, ratings.Result{Count: 1, Mean: 3, Median: 3, Dist: [5]int{0, 0, 1, 0, 0}}, "1  2  3█ 4  5 "},
	}
	for _, tt := range tests {
		got := ratings.Sum(tt.ratings)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if bars := got.Bars(); bars != tt.bars {
			t.Errorf("%s: bars %q, want %q", tt.name, bars, tt.bars)
		}
	}
}

// A mean of 1 is the scale's lowest card, 5 its highest, linearly between.
func TestOnScale(t *testing.T) {
	value := prio.DefaultFramework.Criteria[0] // 1 to 13
	for mean, want := range map[float64]float64{1: 1, 5: 13, 3: 7, 3.59: 8.77, 0: 1, 9: 13} {
		if got := ratings.OnScale(mean, value); got != want {
			t.Errorf("OnScale(%v) = %v, want %v", mean, got, want)
		}
	}
	// Mapped from the exact mean: 5, 4 and 5 make 14/3, shown 4.67, mapped to 12.
	if got := ratings.OnScale(ratings.Sum([]int{5, 4, 5}).Exact(), value); got != 12 {
		t.Errorf("OnScale(14/3) = %v, want 12", got)
	}
}

// FuzzParse: whatever is typed, Parse answers a round within its limits or
// a usage error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`#3 #5 from <@U1|ann> <!subteam^S9|@x> <#C7|support> for 3d ask "Why?"`, `#1 from`, ` ask "`, `#3 from <#C7> ask “”`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ratings.Parse(text)
		if err != nil {
			if prio.ErrorCode(err) != prio.Invalid {
				t.Fatalf("Parse(%q): %v", text, err)
			}
			return
		}
		if len(a.Ideas) == 0 || len(a.Ideas) > ratings.MaxIdeas || len(a.People)+len(a.Groups)+len(a.Channels) == 0 ||
			a.Question == "" || len([]rune(a.Question)) > ratings.MaxQuestion {
			t.Fatalf("Parse(%q) = %+v", text, a)
		}
	})
}
