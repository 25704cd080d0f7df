package prio_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b    string
		similar bool
	}{
		{"Dark mode", "dark mode!", true},
		{"Add dark mode", "Dark modes please", true},
		{"Dark mode for the editor", "Editor dark mode", true},
		{"Dark mode", "Export to CSV", false},
		{"Dark mode", "Light mode", false},
		{"", "anything", false},
		{"the a an", "the", false},
	}
	for _, tt := range tests {
		if got := prio.Similarity(tt.a, tt.b) >= prio.SimilarThreshold; got != tt.similar {
			t.Errorf("Similarity(%q, %q) = %.2f; similar %v, want %v", tt.a, tt.b, prio.Similarity(tt.a, tt.b), got, tt.similar)
		}
	}
}

func TestFrameworkScores(t *testing.T) {
	tests := []struct {
		framework string
		typed     string
		score     float64
		explain   string
	}{
		{"value-effort", "value=8 effort=3", 2.6667, "value 8 ÷ effort 3"},
		{"rice", "reach=13 impact=2 confidence=80% effort=2", 10.4, "reach 13 × impact 2 × confidence 80% ÷ effort 2"},
		{"rice", "reach=1 impact=0.25 confidence=0.5 effort=8", 0.0156, "reach 1 × impact 0.25 × confidence 50% ÷ effort 8"},
		{"ice", "impact=7 confidence=5 ease=10", 350, "impact 7 × confidence 5 × ease 10"},
		{"wsjf", "value=8 time=13 risk=3 size=5", 4.8, "(value 8 + time 13 + risk 3) ÷ size 5"},
	}
	for _, tt := range tests {
		f, err := prio.LookupFramework(tt.framework)
		if err != nil {
			t.Fatal(err)
		}
		n, values, err := prio.ParseScore("#4 "+tt.typed, f)
		if err != nil || n != 4 {
			t.Fatalf("ParseScore(%q) = %d, %v", tt.typed, n, err)
		}
		score, ok := f.Score(values)
		if !ok || math.Abs(score-tt.score) > 1e-9 {
			t.Errorf("%s %s: score %v (complete %v), want %v", tt.framework, tt.typed, score, ok, tt.score)
		}
		if got := f.Explain(values); got != tt.explain {
			t.Errorf("%s Explain = %q, want %q", tt.framework, got, tt.explain)
		}
	}
}

func TestScoreNeedsEveryCriterion(t *testing.T) {
	f := prio.DefaultFramework
	if _, ok := f.Score(map[string]float64{"value-effort:value": 8}); ok {
		t.Error("a score with effort missing was complete")
	}
	// Values of another framework are kept but do not count.
	if _, ok := f.Score(map[string]float64{"value-effort:value": 8, "rice:effort": 2}); ok {
		t.Error("RICE effort counted for value-effort")
	}
}

func TestLookupFramework(t *testing.T) {
	if f, err := prio.LookupFramework(" RICE "); err != nil || f.Name != "rice" {
		t.Errorf("LookupFramework(RICE) = %v, %v", f.Name, err)
	}
	if f, _ := prio.LookupFramework(""); f.Name != "value-effort" {
		t.Errorf("default framework = %s", f.Name)
	}
	if _, err := prio.LookupFramework("moscow"); err == nil || !strings.Contains(err.Error(), "value-effort, rice, ice, wsjf") {
		t.Errorf("unknown framework error = %v", err)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"#12", 12, ""}, {"12", 12, ""}, {" #7 ", 7, ""},
		{"#0", 0, "no #0"}, {"#-1", 0, "not an idea number"}, {"-1", 0, "not an idea number"},
		{"#99999999999999999999", 0, "far larger"}, {"#abc", 0, "not an idea number"}, {"#", 0, "by its number"},
		{"#1e3", 0, "not an idea number"}, {"#١٢", 0, "not an idea number"},
	}
	for _, tt := range tests {
		got, err := prio.ParseRef(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || prio.ErrorCode(err) != prio.Invalid {
				t.Errorf("ParseRef(%q) = %d, %v; want an Invalid error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseRef(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	type result struct {
		N, M   int64
		Status prio.Status
		Text   string
		Users  []string
		Err    string
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	tests := []struct {
		name string
		got  func() result
		want result
	}{
		{"status", func() result {
			n, s, err := prio.ParseStatus("#3 in-progress")
			return result{N: n, Status: s, Err: errText(err)}
		},
			result{N: 3, Status: prio.StatusInProgress}},
		{"status words", func() result {
			n, s, err := prio.ParseStatus("3 In Progress")
			return result{N: n, Status: s, Err: errText(err)}
		},
			result{N: 3, Status: prio.StatusInProgress}},
		{"status declined refused", func() result { _, _, err := prio.ParseStatus("#3 declined"); return result{Err: errText(err)} },
			result{Err: "Set a status of planned, in-progress or shipped, like `/backlog status #3 planned`. To decline use `/backlog decline`, to merge `/backlog merge`."}},
		{"decline", func() result {
			n, r, err := prio.ParseDecline("#5  not   our market ")
			return result{N: n, Text: r, Err: errText(err)}
		},
			result{N: 5, Text: "not our market"}},
		{"decline without reason", func() result { _, _, err := prio.ParseDecline("#5"); return result{Err: errText(err)} },
			result{Err: "Say why, so its author and supporters know: `/backlog decline #5 <reason>`."}},
		{"merge", func() result {
			n, m, err := prio.ParseMerge("#12 INTO #7")
			return result{N: n, M: m, Err: errText(err)}
		},
			result{N: 12, M: 7}},
		{"merge into itself", func() result { _, _, err := prio.ParseMerge("#7 into 7"); return result{Err: errText(err)} },
			result{Err: "An idea cannot be merged into itself."}},
		{"merge garbled", func() result { _, _, err := prio.ParseMerge("#7 with #8"); return result{Err: errText(err)} },
			result{Err: "Merge like this: `/backlog merge #12 into #7`."}},
		{"owners add", func() result {
			op, u, err := prio.ParseOwners("add <@U1|ann> <@W22>")
			return result{Text: op, Users: u, Err: errText(err)}
		},
			result{Text: "add", Users: []string{"U1", "W22"}}},
		{"owners list", func() result {
			op, u, err := prio.ParseOwners("")
			return result{Text: op, Users: u, Err: errText(err)}
		},
			result{}},
		{"owners plain name", func() result { _, _, err := prio.ParseOwners("add ann"); return result{Err: errText(err)} },
			result{Err: `“ann” is not a person; mention them like ` + "`@ann`."}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got()); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// A poker median may fall between cards; typed, it is taken as it is.
func TestParseScoreTakesMedians(t *testing.T) {
	rice := prio.Frameworks[1]
	tests := []struct {
		in   string
		fw   prio.Framework
		want map[string]float64
	}{
		{"#4 value=6.5 effort=10.5", prio.DefaultFramework, map[string]float64{"value-effort:value": 6.5, "value-effort:effort": 10.5}},
		{"#4 value=13 effort=1", prio.DefaultFramework, map[string]float64{"value-effort:value": 13, "value-effort:effort": 1}},
		{"#4 confidence=65% impact=0.375", rice, map[string]float64{"rice:confidence": 0.65, "rice:impact": 0.375}},
	}
	for _, tt := range tests {
		_, got, err := prio.ParseScore(tt.in, tt.fw)
		if err != nil {
			t.Errorf("ParseScore(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseScore(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	if got := rice.Criteria[2].Label(0.65); got != "65%" {
		t.Errorf("confidence 0.65 labelled %q, want 65%%", got)
	}
}

func TestParseScoreRefusals(t *testing.T) {
	tests := []struct{ in, err string }{
		{"#4", "Score like this: `/backlog score #4 value=5 effort=5`."},
		{"#4 value=20 effort=3", `Value takes a number from 1 to 13 (the cards are 1 2 3 5 8 13), not “20”.`},
		{"#4 value=0.5", `Value takes a number from 1 to 13 (the cards are 1 2 3 5 8 13), not “0.5”.`},
		{"#4 reach=3", `This backlog scores with value-effort, which has no “reach”. Its criteria: value, effort.`},
		{"#4 value 8", "Score like this: `/backlog score #4 value=5 effort=5`."},
		{"#4 value=NaN", `Value takes a number from 1 to 13 (the cards are 1 2 3 5 8 13), not “NaN”.`},
		{"four value=8", `“four” is not an idea number; use the number from its card, like ` + "`#12`."},
	}
	for _, tt := range tests {
		_, _, err := prio.ParseScore(tt.in, prio.DefaultFramework)
		if err == nil || err.Error() != tt.err {
			t.Errorf("ParseScore(%q) error = %v\nwant %s", tt.in, err, tt.err)
		}
	}
}

// FuzzParsers: every parser answers any input with a value or a usage
// error, never a panic or an internal error.
func FuzzParsers(f *testing.F) {
	for _, seed := range []string{"#12 planned", "#1 into #2", "#3 value=8 effort=3", "add <@U1|a>", "#", "", "#-1", "\x00|<>", "dark mode | x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(err error) {
			if err != nil && prio.ErrorCode(err) != prio.Invalid {
				t.Fatalf("input %q: error %v is not a usage error", s, err)
			}
		}
		_, err := prio.ParseRef(s)
		check(err)
		_, _, err = prio.ParseStatus(s)
		check(err)
		_, _, err = prio.ParseDecline(s)
		check(err)
		_, _, err = prio.ParseMerge(s)
		check(err)
		for _, fw := range prio.Frameworks {
			_, _, err = prio.ParseScore(s, fw)
			check(err)
		}
		_, _, err = prio.ParseOwners(s)
		check(err)
		_, err = prio.ParseSearch(s)
		check(err)
		title, desc := prio.SplitIdea(s)
		_, err = prio.NewIdea("T", "C", "U", title, desc, time.Time{})
		check(err)
	})
}

// Every framework's matrix scales hold every point its cards can make, so
// the matrix's frame and dividers come from the scale, not the ideas.
func TestFrameworkScalesHoldEveryPoint(t *testing.T) {
	for _, fw := range prio.Frameworks {
		n := len(fw.Criteria)
		for mask := 0; mask < 1<<n; mask++ {
			values := map[string]float64{}
			for i, c := range fw.Criteria {
				values[c.ID] = c.Scale[0]
				if mask&(1<<i) != 0 {
					values[c.ID] = c.Scale[len(c.Scale)-1]
				}
			}
			benefit, cost := fw.Axes(values)
			b, c := fw.BenefitScale, fw.CostScale
			if benefit < b[0] || benefit > b[len(b)-1] || cost < c[0] || cost > c[len(c)-1] {
				t.Errorf("%s: benefit %v and cost %v fall outside its scales %v and %v", fw.Name, benefit, cost, b, c)
			}
		}
	}
}
