// Package webhook is priobot's way out of Slack: endpoints a backlog's
// owners register, what was sent to them, and the events priobot sends
// them as JSON. It imports neither Slack, Redis nor an HTTP client: the
// sender (webhook/sender) signs and delivers them.
package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"time"

	"github.com/priobot/priobot/prio"
)

// Endpoint is a URL a backlog's events are sent to, with its signing secret.
type Endpoint struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"` // whsec_ and base64: shown once, when added
	Added  int64  `json:"added"`  // unix ms
	By     string `json:"by"`     // who added it, a user id
	// Off says why it no longer gets events: Gone or Failing; "" while on.
	Off   string `json:"off,omitempty"`
	OffAt int64  `json:"off_at,omitempty"`
	// FailingSince is when the first failure since the last success was,
	// unix ms; 0 while it answers.
	FailingSince int64 `json:"failing_since,omitempty"`
}

// Why an endpoint was turned off.
const (
	Gone    = "gone"    // it answered 410 Gone
	Failing = "failing" // it failed for FailFor
)

// OffReason says why an endpoint was turned off, for the events it missed.
func OffReason(off string) string {
	if off == Gone {
		return "the endpoint was turned off: it answered 410 Gone"
	}
	return "the endpoint was turned off: it failed for 3 days"
}

// Attempt is one delivery to an endpoint, for its owners to read.
type Attempt struct {
	At      int64  `json:"at"` // unix ms
	Event   string `json:"event"`
	Idea    int64  `json:"idea,omitempty"`
	Status  int    `json:"status,omitempty"` // the HTTP status; 0 when none came
	Millis  int64  `json:"ms"`               // how long the request took
	Error   string `json:"error,omitempty"`  // why it failed, when it did
	Attempt int    `json:"attempt"`          // 1 for the first try
}

// OK says whether the endpoint took the event: only a 2xx answer counts.
func (a Attempt) OK() bool { return a.Error == "" && a.Status >= 200 && a.Status < 300 }

// The limits of webhooks.
const (
	MaxEndpoints = 5                // per backlog
	Timeout      = 10 * time.Second // per request
	FailFor      = 72 * time.Hour   // failing this long turns an endpoint off (OffReason says 3 days)
	KeepAttempts = 20               // per endpoint, newest first
)

// NewSecret makes a signing secret: 32 random bytes, as Standard Webhooks
// writes them.
func NewSecret() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	return "whsec_" + base64.StdEncoding.EncodeToString(key)
}

// ParseURL checks an endpoint URL as typed (see prio.ParseHTTPS).
func ParseURL(raw string) (string, error) {
	return prio.ParseHTTPS(raw, "an endpoint's URL", "`/backlog webhook add https://example.com/priobot`")
}

// Host is an endpoint URL's host, for messages.
func Host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// MessageID is the webhook-id of an event: the same on every retry, unique
// across teams and backlogs.
func MessageID(team, channel string, item int64) string {
	return fmt.Sprintf("msg_%s_%s_%d", team, channel, item)
}

// Result is how an endpoint answered one request.
type Result struct {
	Status     int           // 0 when no answer came
	Took       time.Duration // until the answer's headers, or the failure
	RetryAfter time.Duration // asked for by a 429 or 503
	Err        error         // a failure to send, or an answer other than 2xx
}
