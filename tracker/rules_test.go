package tracker_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

func TestStateOf(t *testing.T) {
	type state struct {
		Open   bool
		Reason string
		OK     bool
	}
	tests := []struct {
		status prio.Status
		want   state
	}{
		{prio.StatusNew, state{true, "", true}},
		{prio.StatusRanked, state{true, "", true}},
		{prio.StatusPlanned, state{true, "", true}},
		{prio.StatusInProgress, state{true, "", true}},
		{prio.StatusShipped, state{false, tracker.Completed, true}},
		{prio.StatusDeclined, state{false, tracker.NotPlanned, true}},
		{prio.StatusMerged, state{false, "", false}},
	}
	for _, tt := range tests {
		open, reason, ok := tracker.StateOf(tt.status)
		if diff := cmp.Diff(tt.want, state{open, reason, ok}); diff != "" {
			t.Errorf("StateOf(%s) (-want +got):\n%s", tt.status, diff)
		}
	}
}

func TestMoveFor(t *testing.T) {
	open := tracker.Issue{Repo: "acme/app", Number: 5, Open: true}
	done := tracker.Issue{Repo: "acme/app", Number: 5, Reason: tracker.Completed}
	noReason := tracker.Issue{Repo: "acme/app", Number: 5} // closed before GitHub kept reasons: completed
	notPlanned := tracker.Issue{Repo: "acme/app", Number: 5, Reason: tracker.NotPlanned}
	tests := []struct {
		issue  tracker.Issue
		status prio.Status
		want   tracker.Move
	}{
		{open, prio.StatusNew, tracker.Stay},
		{open, prio.StatusPlanned, tracker.Stay},
		{open, prio.StatusInProgress, tracker.Stay},
		{open, prio.StatusShipped, tracker.Reopen},
		{open, prio.StatusDeclined, tracker.Reopen},
		{open, prio.StatusMerged, tracker.Stay},
		{done, prio.StatusRanked, tracker.Ship},
		{done, prio.StatusInProgress, tracker.Ship},
		{done, prio.StatusDeclined, tracker.Ship},
		{done, prio.StatusShipped, tracker.Stay},
		{noReason, prio.StatusPlanned, tracker.Ship},
		{notPlanned, prio.StatusPlanned, tracker.Decline},
		{notPlanned, prio.StatusShipped, tracker.Decline},
		{notPlanned, prio.StatusDeclined, tracker.Stay},
		{notPlanned, prio.StatusMerged, tracker.Stay},
	}
	for _, tt := range tests {
		if got := tracker.MoveFor(tt.issue, tt.status); got != tt.want {
			t.Errorf("MoveFor(open %v, %q; idea %s) = %v, want %v", tt.issue.Open, tt.issue.Reason, tt.status, got, tt.want)
		}
	}
	if got := tracker.DeclineReason(notPlanned); got != "closed as not planned in acme/app#5" {
		t.Errorf("DeclineReason = %q", got)
	}
}

func TestParseRepo(t *testing.T) {
	tests := []struct{ raw, want, err string }{
		{"acme/app", "acme/app", ""},
		{"  Acme-Corp/my.app_2 ", "Acme-Corp/my.app_2", ""},
		{"https://github.com/acme/app", "acme/app", ""},
		{"<https://github.com/acme/app.git>", "acme/app", ""},
		{"acme", "", "is not a repository"},
		{"acme/app/issues", "", "is not a repository"},
		{"-acme/app", "", "is not a repository"},
		{"acme/..", "", "is not a repository"},
		{"<!channel>/x", "", "is not a repository"},
	}
	for _, tt := range tests {
		got, err := tracker.ParseRepo(tt.raw)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !contains(prio.ErrorMessage(err), tt.err)) {
			t.Errorf("ParseRepo(%q) = %q, %v; want %q, %q", tt.raw, got, err, tt.want, tt.err)
		}
	}
}

func TestParseIssueURL(t *testing.T) {
	const repo = "https://github.com/acme/app"
	tests := []struct {
		raw, repoURL string
		want         int
		err          string
	}{
		{"https://github.com/acme/app/issues/5", repo, 5, ""},
		{"<https://github.com/acme/app/issues/12/>", repo, 12, ""},
		{"https://GITHUB.com/acme/app/issues/7#issuecomment-1", repo, 7, ""},
		{"https://ghe.example.com/acme/app/issues/3", "https://ghe.example.com/acme/app", 3, ""},
		{"https://github.com/acme/other/issues/5", repo, 0, "is not an issue of acme/app"},
		{"https://github.com/acme/app/pull/5", repo, 0, "is not an issue of acme/app"},
		{"https://evil.example/acme/app/issues/5", repo, 0, "is not an issue of acme/app"},
		{"https://github.com/acme/app/issues/0", repo, 0, "is not an issue"},
		{"http://github.com/acme/app/issues/5", repo, 0, "https://"},
	}
	for _, tt := range tests {
		got, err := tracker.ParseIssueURL(tt.raw, tt.repoURL)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !contains(prio.ErrorMessage(err), tt.err)) {
			t.Errorf("ParseIssueURL(%q) = %d, %v; want %d, %q", tt.raw, got, err, tt.want, tt.err)
		}
	}
}

func TestMarkOf(t *testing.T) {
	type mark struct {
		Team, Channel string
		N             int64
		OK            bool
	}
	tests := []struct {
		body string
		want mark
	}{
		{"Dark mode, please.\n\n" + tracker.Mark("T1", "C9", 12), mark{"T1", "C9", 12, true}},
		{"no mark here", mark{}},
		{"<!-- priobot:T1/C9#0 -->", mark{}},
		{"<!-- priobot:t1/c9#3 -->", mark{}},
		{"<!-- priobot:T1/C9#99999999999999999999 -->", mark{}},
	}
	for _, tt := range tests {
		var got mark
		got.Team, got.Channel, got.N, got.OK = tracker.MarkOf(tt.body)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("MarkOf(%q) (-want +got):\n%s", tt.body, diff)
		}
	}
}

func contains(s, part string) bool { return strings.Contains(s, part) }

// FuzzParsers: the tracker's parsers never panic, and what they accept
// is what they say.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{"acme/app", "https://github.com/acme/app/issues/5", "<x>", "a/b#1", "text\n<!-- priobot:T1/C1#12 -->"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if name, err := tracker.ParseRepo(raw); err == nil {
			if again, err := tracker.ParseRepo(name); err != nil || again != name {
				t.Errorf("ParseRepo(%q) = %q, which reads back as %q, %v", raw, name, again, err)
			}
		}
		if n, err := tracker.ParseIssueURL(raw, "https://github.com/acme/app"); err == nil && n < 1 {
			t.Errorf("ParseIssueURL(%q) = %d", raw, n)
		}
		if team, channel, n, ok := tracker.MarkOf(raw); ok {
			if t2, c2, n2, ok2 := tracker.MarkOf(tracker.Mark(team, channel, n)); !ok2 || t2 != team || c2 != channel || n2 != n {
				t.Errorf("MarkOf(%q) = %s %s %d, which reads back as %s %s %d %v", raw, team, channel, n, t2, c2, n2, ok2)
			}
		}
	})
}
