package poker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

var (
	value = prio.DefaultFramework.Criteria[0] // 1 2 3 5 8 13
	ease  = prio.Frameworks[2].Criteria[2]    // 1..10
)

func votes(values ...string) []poker.Vote {
	out := make([]poker.Vote, len(values))
	for i, v := range values {
		out[i] = poker.Vote{Voter: string(rune('a' + i)), Value: v}
	}
	return out
}

func TestTally(t *testing.T) {
	tests := []struct {
		name  string
		c     prio.Criterion
		votes []poker.Vote
		want  poker.Result
	}{
		{"single voter", value, votes("8"), poker.Result{Median: 8, Counted: 1, Agreement: poker.High}},
		{"all equal", value, votes("5", "5", "5"), poker.Result{Median: 5, Counted: 3, Agreement: poker.High}},
		{"one step apart", value, votes("5", "8", "8"), poker.Result{Median: 8, Counted: 3, Spread: 1, Agreement: poker.High}},
		{"two steps", value, votes("3", "5", "8"), poker.Result{Median: 5, Counted: 3, Spread: 2, Agreement: poker.Medium}},
		{"far apart", value, votes("1", "5", "13", "13"), poker.Result{Median: 9, Counted: 4, Spread: 5, Agreement: poker.Low,
			Lowest: []string{"a"}, Highest: []string{"c", "d"}}},
		{"even count: the mean of the middle two", value, votes("5", "8"), poker.Result{Median: 6.5, Counted: 2, Spread: 1, Agreement: poker.High}},
		{"even count, far apart", value, votes("8", "13"), poker.Result{Median: 10.5, Counted: 2, Spread: 1, Agreement: poker.High}},
		{"even count that lands on a card", value, votes("3", "5", "5", "8"), poker.Result{Median: 5, Counted: 4, Spread: 2, Agreement: poker.Medium}},
		{"unsure votes are left out", value, votes("?", "8", "?"), poker.Result{Median: 8, Counted: 1, Agreement: poker.High}},
		{"only unsure", value, votes("?", "?"), poker.Result{Counted: 0, Agreement: poker.High}},
		{"no votes", value, nil, poker.Result{Agreement: poker.High}},
		{"long scale: 3 of 9 steps is medium", ease, votes("4", "7"), poker.Result{Median: 5.5, Counted: 2, Spread: 3, Agreement: poker.Medium}},
		{"long scale: 4 of 9 steps is low", ease, votes("3", "7"), poker.Result{Median: 5, Counted: 2, Spread: 4, Agreement: poker.Low,
			Lowest: []string{"a"}, Highest: []string{"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := poker.Tally(tt.c, tt.votes)
			tt.want.Votes = got.Votes // checked below
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Tally mismatch (-want +got):\n%s", diff)
			}
			if len(got.Votes) != len(tt.votes) {
				t.Errorf("Tally kept %d of %d votes", len(got.Votes), len(tt.votes))
			}
		})
	}
}

func TestWorst(t *testing.T) {
	got := poker.Worst([]poker.Result{{Counted: 2, Agreement: poker.Medium}, {Counted: 0, Agreement: poker.Low}, {Counted: 1, Agreement: poker.High}})
	if got != poker.Medium {
		t.Errorf("Worst = %s, want medium (a criterion nobody counted does not decide)", got)
	}
}

func TestValidVote(t *testing.T) {
	for v, want := range map[string]bool{"8": true, "?": true, "7": false, "8.0": false, "": false, "13": true} {
		if got := poker.ValidVote(value, v); got != want {
			t.Errorf("ValidVote(%q) = %v", v, got)
		}
	}
	confidence := prio.Frameworks[1].Criteria[2]
	if !poker.ValidVote(confidence, "80%") || poker.ValidVote(confidence, "0.8") {
		t.Error("RICE confidence votes are labelled in percent")
	}
}

func TestParseStart(t *testing.T) {
	tests := []struct {
		text string
		want poker.Start
		err  string
	}{
		{text: "#3 #5 #8", want: poker.Start{Ideas: []int64{3, 5, 8}}},
		{text: "#3 3 with <@U1|ann> <@U2> for 24h quorum 2",
			want: poker.Start{Ideas: []int64{3}, Voters: []string{"U1", "U2"}, Names: []string{"ann", ""}, Deadline: 24 * time.Hour, Quorum: 2}},
		{text: "next 5 for 1d2h", want: poker.Start{Next: 5, Deadline: 26 * time.Hour}},
		{text: "#1 with <@U1|ann> for 2d remind off", want: poker.Start{Ideas: []int64{1}, Voters: []string{"U1"}, Names: []string{"ann"}, Deadline: 48 * time.Hour, NoRemind: true}},
		{text: "#1 remind maybe", err: "Say `remind off`"},
		{text: "", err: "Name the ideas to score"},
		{text: "next", err: "Say how many"},
		{text: "next 21", err: "from 1 to 20"},
		{text: "next 2 #4", err: "either `next 5` or idea numbers"},
		{text: "#1 for 1m", err: `“1m” is not a voting time`},
		{text: "#1 for 8d", err: `“8d” is not a voting time`},
		{text: "#1 for", err: "Say how long"},
		{text: "#1 with ann", err: "Mention the voters after `with`"},
		{text: "#1 quorum 0", err: "`quorum` takes a number"},
		{text: "#1 with <@U1> quorum 2", err: "A quorum of 2 can't be reached by 1 voters"},
		{text: "#0", err: "no #0"},
		{text: "#1 please", err: `I don't understand “please”`},
		{text: "#1 #2 #3 #4 #5 #6 #7 #8 #9 #10 #11 #12 #13 #14 #15 #16 #17 #18 #19 #20 #21", err: "up to 20 ideas"},
	}
	for _, tt := range tests {
		got, err := poker.ParseStart(tt.text)
		if tt.err != "" {
			if err == nil || prio.ErrorCode(err) != prio.Invalid || !contains(err.Error(), tt.err) {
				t.Errorf("ParseStart(%q) error = %v, want one containing %q", tt.text, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseStart(%q): %v", tt.text, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseStart(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func FuzzParseStart(f *testing.F) {
	for _, seed := range []string{"#3 #5 with <@U1|a> for 2h quorum 1", "next 3", "for", "#1 for 99999999999d"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := poker.ParseStart(s); err != nil && prio.ErrorCode(err) != prio.Invalid {
			t.Fatalf("ParseStart(%q): %v is not a usage error", s, err)
		}
	})
}
