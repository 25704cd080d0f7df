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
	MaxLinkURL = 500
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
	link, err := ParseHTTPS(raw)
	if err != nil {
		return 0, "", err
	}
	return n, link, nil
}

// ParseHTTPS checks a typed URL: https, a host that reads as one, no
// password, at most MaxLinkURL characters.
func ParseHTTPS(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<"), ">")
	if i := strings.IndexByte(raw, '|'); i >= 0 {
		raw = raw[:i]
	}
	if raw == "" {
		return "", Errorf(Invalid, "Give the link's URL, like `/backlog link #12 https://tracker.example.com/PROJ-12`.")
	}
	if n := utf8.RuneCountInString(raw); n > MaxLinkURL {
		return "", Errorf(Invalid, "That URL is %d characters long; a link may have at most %d.", n, MaxLinkURL)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "" || !ValidHost(u):
		return "", Errorf(Invalid, "%s is not a URL; give one such as https://tracker.example.com/PROJ-12.", Quote(raw))
	case u.Scheme != "https":
		return "", Errorf(Invalid, "Links must be https:// URLs, not %s.", Quote(raw))
	case u.User != nil:
		return "", Errorf(Invalid, "Leave the password out of the URL.")
	case strings.ContainsAny(u.String(), "<>| \t\n\""):
		return "", Errorf(Invalid, "A link cannot hold <, >, |, quotes or spaces; give its URL as your browser shows it.")
	}
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
