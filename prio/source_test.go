package prio_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

func TestTitleFrom(t *testing.T) {
	long := strings.Repeat("word ", 40) // 200 characters
	tests := []struct{ name, text, want string }{
		{"first line", "Dark mode please\nOur night shift can't read the screens.", "Dark mode please"},
		{"emphasis dropped", "Could we get *dark mode* or `themes`? ~maybe~", "Could we get dark mode or themes? maybe"},
		{"blank lines first", "\n  \n  Export to CSV  \nmore", "Export to CSV"},
		{"markup read as people read it", "<@U1|dana> asks: dark mode for <https://app.example.com|the app> &amp; <#C9|support>", "@dana asks: dark mode for the app & #support"},
		{"a long line is cut at a word", long, strings.TrimSpace(strings.Repeat("word ", 29)) + "…"},
		{"one long word is cut anyway", strings.Repeat("x", 200), strings.Repeat("x", 149) + "…"},
		{"files only", "", ""},
		{"control characters folded", "Dark\tmode\u202e now", "Dark mode now"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, prio.TitleFrom(tt.text)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}

func FuzzTitleFrom(f *testing.F) {
	for _, s := range []string{"Dark mode", "<@U1|x> <#C1> <https://a|b>", strings.Repeat("ab ", 100), "\n\n", "<<>>|"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		title := prio.TitleFrom(s)
		if utf8.RuneCountInString(title) > prio.MaxTitle || strings.Contains(title, "\n") {
			t.Fatalf("TitleFrom(%q) = %q", s, title)
		}
		if title != "" && utf8.ValidString(s) {
			if _, err := prio.NewIdea("T1", "C1", "U1", title, "", time.Now()); err != nil {
				t.Fatalf("TitleFrom(%q) = %q, which NewIdea refuses: %v", s, title, err)
			}
		}
	})
}

func TestPlacementBacklog(t *testing.T) {
	tests := []struct {
		name   string
		p      prio.Placement
		source string
		want   string
	}{
		{"where they last added", prio.Placement{Last: "C1", SourceHasBacklog: true, Only: "C2"}, "C3", "C1"},
		{"the message's channel holds a backlog", prio.Placement{SourceHasBacklog: true, Only: "C3"}, "C3", "C3"},
		{"the workspace's only backlog", prio.Placement{Only: "C2"}, "C3", "C2"},
		{"a form from no message", prio.Placement{SourceHasBacklog: true}, "", ""},
		{"none: the person picks", prio.Placement{}, "C3", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.p.Backlog(tt.source)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
