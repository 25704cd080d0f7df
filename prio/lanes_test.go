package prio_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

func TestLaneOf(t *testing.T) {
	tests := []struct {
		status prio.Status
		placed prio.Lane
		want   prio.Lane
	}{
		{prio.StatusInProgress, prio.Off, prio.Now},
		{prio.StatusInProgress, prio.Later, prio.Now}, // a stale placement never outranks the status
		{prio.StatusPlanned, prio.Off, prio.Next},
		{prio.StatusPlanned, prio.Now, prio.Now},
		{prio.StatusRanked, prio.Later, prio.Later},
		{prio.StatusNew, prio.Later, prio.Later},
		{prio.StatusRanked, prio.Off, prio.Off},
		{prio.StatusShipped, prio.Now, prio.Off},
		{prio.StatusDeclined, prio.Later, prio.Off},
	}
	for _, tt := range tests {
		if got := prio.LaneOf(tt.status, tt.placed); got != tt.want {
			t.Errorf("LaneOf(%s, %q) = %q, want %q", tt.status, tt.placed, got, tt.want)
		}
	}
}

func TestPlace(t *testing.T) {
	tests := []struct {
		name   string
		status prio.Status
		to     prio.Lane
		want   prio.RoadmapMove
		err    string
	}{
		{"a scored idea into Now is planned", prio.StatusRanked, prio.Now, prio.RoadmapMove{Status: prio.StatusPlanned, Placed: prio.Now}, ""},
		{"into Next is planned", prio.StatusNew, prio.Next, prio.RoadmapMove{Status: prio.StatusPlanned}, ""},
		{"into Later stays as it is", prio.StatusRanked, prio.Later, prio.RoadmapMove{Status: prio.StatusRanked, Placed: prio.Later}, ""},
		{"off", prio.StatusRanked, prio.Off, prio.RoadmapMove{Status: prio.StatusRanked}, ""},
		{"planned to Later takes the plan back", prio.StatusPlanned, prio.Later, prio.RoadmapMove{Status: prio.Unplan, Placed: prio.Later}, ""},
		{"planned off", prio.StatusPlanned, prio.Off, prio.RoadmapMove{Status: prio.Unplan}, ""},
		{"planned from Now to Next", prio.StatusPlanned, prio.Next, prio.RoadmapMove{Status: prio.StatusPlanned}, ""},
		{"in progress into Now", prio.StatusInProgress, prio.Now, prio.RoadmapMove{Status: prio.StatusInProgress, Placed: prio.Now}, ""},
		{"in progress out of Now", prio.StatusInProgress, prio.Next, prio.RoadmapMove{}, "#7 is in progress, so it stays in Now until it ships"},
		{"declined", prio.StatusDeclined, prio.Later, prio.RoadmapMove{}, "#7 is declined; only open ideas go on the roadmap."},
	}
	for _, tt := range tests {
		got, err := prio.Place(7, tt.status, tt.to)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}

func TestParseGoal(t *testing.T) {
	tests := []struct {
		text string
		want prio.Goal
		err  string
	}{
		{"Win enterprise deals | SSO, audit logs", prio.Goal{Name: "Win enterprise deals", Description: "SSO, audit logs"}, ""},
		{"  Retention  ", prio.Goal{Name: "Retention"}, ""},
		{"", prio.Goal{}, "Name the goal"},
		{"none", prio.Goal{}, "“none” takes an idea out of its goal"},
		{"x123456789x123456789x123456789x123456789x", prio.Goal{}, "Keep a goal's name to 40 characters (it has 41)"},
	}
	for _, tt := range tests {
		got, err := prio.ParseGoal(tt.text)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseGoal(%q): err %v, want %q", tt.text, err, tt.err)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); err != nil || diff != "" {
			t.Errorf("ParseGoal(%q): %v (-want +got)\n%s", tt.text, err, diff)
		}
	}
}
