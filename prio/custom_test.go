package prio_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

func TestParseFramework(t *testing.T) {
	growth := "growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost"
	tests := []struct {
		name, text, err string
	}{
		{"the example", growth, ""},
		{"percentages and x", "trust: confidence (50% 80% 100%) benefit x3, size (1 2 4) cost", ""},
		{"benefits only", "votes: demand (1 2 3) benefit", ""},
		{"no colon", "growth reach (1 2) benefit", "Write the framework as"},
		{"a bad name", "Growth!: reach (1 2) benefit", "is not a framework name"},
		{"a built-in's name", "rice: reach (1 2) benefit", "is a built-in framework"},
		{"a duplicate criterion", "g: reach (1 2) benefit, reach (1 2 3) cost", "“reach” is named twice"},
		{"a scale not increasing", "g: reach (1 3 2) benefit", "reach's scale must increase"},
		{"11 values", "g: reach (1 2 3 4 5 6 7 8 9 10 11) benefit", "reach's scale has 2 to 10 values; it has 11"},
		{"one value", "g: reach (1) benefit", "reach's scale has 2 to 10 values; it has 1"},
		{"a weight of 0", "g: reach (1 2) benefit ×0", "reach's weight is a number above 0"},
		{"neither benefit nor cost", "g: reach (1 2) bonus", "reach is a benefit or a cost"},
		{"mixed percentages", "g: reach (1 50%) benefit", "mixes percentages and numbers"},
		{"seven criteria", "g: a (1 2) benefit, b (1 2) benefit, c (1 2) benefit, d (1 2) benefit, e (1 2) benefit, f (1 2) benefit, h (1 2) cost", "1 to 6 criteria"},
		{"costs only", "g: effort (1 2) cost", "at least one benefit criterion"},
	}
	for _, tt := range tests {
		_, err := prio.ParseFramework(tt.text)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(prio.ErrorMessage(err), tt.err)) {
			t.Errorf("%s: ParseFramework(%q) = %v, want %q", tt.name, tt.text, err, tt.err)
		}
	}
}

// The weighted rule: benefits' weighted sum over costs', explained with
// the values; value-effort is the rule with one criterion each.
func TestCustomScoreAndExplanation(t *testing.T) {
	fw, err := prio.ParseFramework("growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{"growth:reach": 8, "growth:impact": 3, "growth:effort": 3}
	score, ok := fw.Score(values)
	type got struct {
		Score              float64
		OK                 bool
		Formula, Explained string
		Benefit, Cost      float64
		Definition         string
	}
	g := got{Score: score, OK: ok, Formula: fw.Formula, Explained: fw.Explain(values), Definition: fw.Definition()}
	g.Benefit, g.Cost = fw.Axes(values)
	want := got{Score: 6.3333, OK: true, Formula: "(2 × reach + impact) ÷ effort", Explained: "(2 × reach 8 + impact 3) ÷ effort 3",
		Benefit: 19, Cost: 3, Definition: "growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost"}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("growth (-want +got):\n%s", diff)
	}
	same, _ := prio.ParseFramework("ve: value (1 2 3 5 8 13) benefit, effort (1 2 3 5 8 13) cost")
	builtin := prio.DefaultFramework
	for _, v := range [][2]float64{{8, 3}, {13, 2}, {1, 13}} {
		a, _ := same.Score(map[string]float64{"ve:value": v[0], "ve:effort": v[1]})
		b, _ := builtin.Score(map[string]float64{"value-effort:value": v[0], "value-effort:effort": v[1]})
		if a != b {
			t.Errorf("value %v effort %v: the weighted rule scores %v, value-effort %v", v[0], v[1], a, b)
		}
	}
	if again, err := prio.ParseFramework(fw.Definition()); err != nil || again.Definition() != fw.Definition() {
		t.Errorf("the definition does not read back: %v %q", err, again.Definition())
	}
}

// FuzzParseFramework: whatever is typed, ParseFramework answers a
// framework whose definition reads back the same, or a usage error.
func FuzzParseFramework(f *testing.F) {
	for _, s := range []string{"growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost",
		"t: c (50% 80% 100%) benefit x3", "g: a (0 1) benefit, b (0 1) cost", ":", "a: (", "g: reach (1 2) benefit ×1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fw, err := prio.ParseFramework(text)
		if err != nil {
			if code := prio.ErrorCode(err); code != prio.Invalid && code != prio.Conflict {
				t.Fatalf("ParseFramework(%q): %v", text, err)
			}
			return
		}
		again, err := prio.ParseFramework(fw.Definition())
		if err != nil || again.Definition() != fw.Definition() {
			t.Fatalf("ParseFramework(%q) defines %q, which reads back as %q, %v", text, fw.Definition(), again.Definition(), err)
		}
	})
}
