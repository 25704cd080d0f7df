package prio

import (
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"
)

// The limits of an idea's links.
const (
	MaxLinks   = 5
	MaxLinkURL = 500 // for webhooks too
)

// ParseLink reads `#12 <https-url>`: which idea, and a link to where its
// work lives (a tracker issue, a spec). Slack's <…> around a typed URL is
// taken off.
func ParseLink(text string) (int64, string, error) {
	ref, raw := SplitWord(text)
	n, err := ParseRef(ref)
	if err != nil {
		return 0, "", err
	}
	link, err := ParseHTTPS(raw, "a link", "`/backlog link #12 https://tracker.example.com/PROJ-12`")
	if err != nil {
		return 0, "", err
	}
	return n, link, nil
}

// ParseHTTPS checks a typed URL (what, for messages: "a link"; example,
// how to give one): https, a host that reads as one, no password, nothing
// that would break a mrkdwn link, at most MaxLinkURL characters. Slack's
// <…> around a typed URL is taken off.
func ParseHTTPS(raw, what, example string) (string, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<"), ">")
	if i := strings.IndexByte(raw, '|'); i >= 0 {
		raw = raw[:i]
	}
	if raw == "" {
		return "", Errorf(Invalid, "Give %s, like %s.", what, example)
	}
	if n := utf8.RuneCountInString(raw); n > MaxLinkURL {
		return "", Errorf(Invalid, "That URL is %d characters long; %s may have at most %d.", n, what, MaxLinkURL)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "" || !ValidHost(u):
		return "", Errorf(Invalid, "%s is not a URL; give %s like %s.", Quote(raw), what, example)
	case u.Scheme != "https":
		return "", Errorf(Invalid, "Give an https:// URL as %s, not %s.", what, Quote(raw))
	case u.User != nil:
		return "", Errorf(Invalid, "Leave the password out of the URL.")
	case strings.ContainsAny(u.String(), "<>| \t\n\""):
		return "", Errorf(Invalid, "A URL here cannot hold <, >, |, quotes or spaces; give it as your browser shows it.")
	}
	u.Fragment = ""
	return u.String(), nil
}

// ValidHost says whether a URL names a host as DNS or an IP literal does,
// with a numeric port if any.
func ValidHost(u *url.URL) bool {
	for _, r := range u.Port() {
		if r < '0' || r > '9' {
			return false
		}
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
