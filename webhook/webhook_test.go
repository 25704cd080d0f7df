package webhook_test

import (
	"strings"
	"testing"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"https://hooks.example.com/priobot", "https://hooks.example.com/priobot", ""},
		{"<https://hooks.example.com/a?b=c>", "https://hooks.example.com/a?b=c", ""}, // as Slack sends a typed URL
		{"<https://hooks.example.com/a|hooks.example.com/a>", "https://hooks.example.com/a", ""},
		{"https://hooks.example.com/a#frag", "https://hooks.example.com/a", ""},
		{"", "", "Give an endpoint's URL, like `/backlog webhook add https://example.com/priobot`."},
		{"http://hooks.example.com/", "", "Give an https:// URL as an endpoint's URL"},
		{"hooks.example.com/x", "", "is not a URL"},
		{"https://", "", "is not a URL"},
		{"https://>#", "", "is not a URL"},
		{"https://exa mple.com/", "", "is not a URL"},
		{"https://example.com:http/", "", "is not a URL"},
		{"https://[::1]:8443/x", "https://[::1]:8443/x", ""},
		{"https://u:p@hooks.example.com/", "", "Leave the password out"},
		{"https://example.com/" + strings.Repeat("a", 500), "", "an endpoint's URL may have at most 500"},
	}
	for _, tt := range tests {
		got, err := webhook.ParseURL(tt.in)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && prio.ErrorCode(err) != prio.Invalid {
			t.Errorf("ParseURL(%q): %v is not a user's mistake", tt.in, err)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://a.example/x", "<https://a.example|a>", "http://x", "https://[::1]:8/", "%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := webhook.ParseURL(s)
		if err != nil {
			if prio.ErrorCode(err) != prio.Invalid {
				t.Fatalf("ParseURL(%q): %v", s, err)
			}
			return
		}
		if !strings.HasPrefix(u, "https://") || len(u) > prio.MaxLinkURL+10 {
			t.Fatalf("ParseURL(%q) = %q", s, u)
		}
		if again, err := webhook.ParseURL(u); err != nil || again != u {
			t.Fatalf("ParseURL(%q) = %q, but that parses as %q, %v", s, u, again, err)
		}
	})
}
