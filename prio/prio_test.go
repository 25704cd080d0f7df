package prio_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/prio"
)

func TestSplitIdea(t *testing.T) {
	tests := []struct {
		text, title, desc string
	}{
		{"Dark mode", "Dark mode", ""},
		{"  Dark mode  |  for night owls ", "Dark mode", "for night owls"},
		{"a | b | c", "a", "b | c"},
		{"| only a description", "", "only a description"},
		{"See <https://x.test|the doc> | why", "See <https://x.test|the doc>", "why"},
		{"<@U1|ann> asks", "<@U1|ann> asks", ""},
		{"a > b | c", "a > b", "c"},
		{"a < b | c", "a < b", "c"},
		{"a <b> | c", "a <b>", "c"},
		{"", "", ""},
	}
	for _, tt := range tests {
		title, desc := prio.SplitIdea(tt.text)
		if diff := cmp.Diff([2]string{tt.title, tt.desc}, [2]string{title, desc}); diff != "" {
			t.Errorf("SplitIdea(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestSplitWord(t *testing.T) {
	tests := []struct {
		text, word, rest string
	}{
		{"help", "help", ""},
		{"  HELP  me  ", "help", "me"},
		{"status #12 planned", "status", "#12 planned"},
		{"", "", ""},
		{"x\u00a0y", "x", "y"},
	}
	for _, tt := range tests {
		word, rest := prio.SplitWord(tt.text)
		if diff := cmp.Diff([2]string{tt.word, tt.rest}, [2]string{word, rest}); diff != "" {
			t.Errorf("SplitWord(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestNewIdea(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, title, desc string
		want              prio.Idea
		wantErr           string
	}{
		{name: "plain", title: "Dark mode", desc: "please",
			want: prio.Idea{Team: "T1", Channel: "C1", Author: "U1", Title: "Dark mode", Description: "please", Status: prio.StatusNew, Created: now}},
		{name: "white space folded", title: " Dark\n\tmode\x00 ", want: prio.Idea{Team: "T1", Channel: "C1", Author: "U1", Title: "Dark mode", Status: prio.StatusNew, Created: now}},
		{name: "description keeps its lines, loses control characters", title: "x", desc: " one\x08 two \r\n\x1bthree\n",
			want: prio.Idea{Team: "T1", Channel: "C1", Author: "U1", Title: "x", Description: "one two\nthree", Status: prio.StatusNew, Created: now}},
		{name: "bidi overrides dropped, emoji kept", title: "\u202Eedom krad\u202C 🚀 👩\u200d👩\u200d👧",
			want: prio.Idea{Team: "T1", Channel: "C1", Author: "U1", Title: "edom krad 🚀 👩\u200d👩\u200d👧", Status: prio.StatusNew, Created: now}},
		{name: "150 runes is fine", title: strings.Repeat("é", 150),
			want: prio.Idea{Team: "T1", Channel: "C1", Author: "U1", Title: strings.Repeat("é", 150), Status: prio.StatusNew, Created: now}},
		{name: "empty", title: "   ", wantErr: "needs a title with visible characters"},
		{name: "zero-width spaces and joiners", title: "\u200b\u200c\u200d\u2060", wantErr: "needs a title with visible characters"},
		{name: "byte-order mark", title: "\ufeff", wantErr: "needs a title with visible characters"},
		{name: "right-to-left override only", title: "\u202e", wantErr: "needs a title with visible characters"},
		{name: "Hangul filler and braille blank", title: "\u3164 \u2800", wantErr: "needs a title with visible characters"},
		{name: "a lone combining mark", title: "\u0301\ufe0f", wantErr: "needs a title with visible characters"},
		{name: "too long", title: strings.Repeat("a", 151), wantErr: "151 characters"},
		{name: "description too long", title: "ok", desc: strings.Repeat("d", 2001), wantErr: "2001 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := prio.NewIdea("T1", "C1", "U1", tt.title, tt.desc, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || prio.ErrorCode(err) != prio.Invalid {
					t.Fatalf("NewIdea error = %v, want an Invalid error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewIdea mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err      error
		code     prio.Code
		contains string
	}{
		{prio.Errorf(prio.NotFound, "No idea #%d here.", 7), prio.NotFound, "No idea #7 here."},
		{errors.Join(errors.New("ctx"), prio.Errorf(prio.Forbidden, "Only owners.")), prio.Forbidden, "Only owners."},
		{errors.New("redis: connection pool timeout"), prio.Internal, "something went wrong"},
		{prio.Errorf(prio.Internal, "secret detail"), prio.Internal, "something went wrong"},
	}
	for _, tt := range tests {
		if got := prio.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := prio.ErrorMessage(tt.err); !strings.Contains(got, tt.contains) {
			t.Errorf("ErrorMessage(%v) = %q, want it to contain %q", tt.err, got, tt.contains)
		}
	}
}
