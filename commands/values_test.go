package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

func TestActionValues(t *testing.T) {
	tests := []struct {
		value string
		parse func(string) got
		want  got
	}{
		{"3:5:2", poker3, got{A: 3, B: 5, Round: 2}},
		{"3:5", poker3, got{Err: true}},
		{"3:5:0", poker3, got{Err: true}},
		{"-3:5:1", poker3, got{Err: true}},
		{"3:5:1:9", poker3, got{Err: true}},
		{"12>7", merge2, got{A: 12, B: 7}},
		{"12>12", merge2, got{Err: true}},
		{"12>", merge2, got{Err: true}},
		{"#12>#7", merge2, got{A: 12, B: 7}},
		{"12>7>C0PRODUCT", merge2, got{A: 12, B: 7, Channel: "C0PRODUCT"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.parse(tt.value)); diff != "" {
			t.Errorf("value %q mismatch (-want +got):\n%s", tt.value, diff)
		}
	}
}

// got is what a value parser read: two numbers, a round, or an error.
type got struct {
	A, B    int64
	Round   int
	Channel string
	Err     bool
}

func poker3(v string) got {
	sid, n, round, err := pokerRef(v)
	if err != nil {
		return got{Err: true}
	}
	return got{A: sid, B: n, Round: round}
}

func merge2(v string) got {
	from, into, backlog, err := mergeValue(v)
	if err != nil {
		return got{Err: true}
	}
	return got{A: from, B: into, Channel: backlog}
}

// FuzzActionValues: a button's value, however forged, gives a reference or
// a usage error, never a panic.
func FuzzActionValues(f *testing.F) {
	for _, seed := range []string{"1:2:3", "12>7", "12>7>C123", "", ":::", "9223372036854775807:1:1", ">"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if _, _, _, err := pokerRef(v); err != nil && prio.ErrorCode(err) != prio.Invalid {
			t.Fatalf("pokerRef(%q): %v", v, err)
		}
		if _, _, _, err := mergeValue(v); err != nil && prio.ErrorCode(err) != prio.Invalid {
			t.Fatalf("mergeValue(%q): %v", v, err)
		}
	})
}

func TestCrowdsFitACard(t *testing.T) {
	long := func(string) string { return strings.Repeat("&amp;", 80) } // the longest names Slack allows, escaped
	var users []string
	var votes []poker.Vote
	for i := range 500 {
		u := fmt.Sprintf("U%04d", i)
		users = append(users, u)
		votes = append(votes, poker.Vote{Voter: u, Value: []string{"3", "5", "8", "13"}[i%4]})
	}
	if got := nameList(users, long); len(got) > 1300 || !strings.HasSuffix(got, "more") {
		t.Errorf("500 names: %d characters, ending %q", len(got), got[max(0, len(got)-20):])
	}
	if got := voteList(votes, long); got != "3 ×125 · 5 ×125 · 8 ×125 · 13 ×125" && len(got) > 100 {
		t.Errorf("500 votes: %q", got)
	}
	if got := voteList(votes[:2], func(u string) string { return u }); got != "U0000 3 · U0001 5" {
		t.Errorf("two votes: %q", got)
	}
}
