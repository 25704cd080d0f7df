package outbox_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/priobot/priobot/outbox"
)

func TestNext(t *testing.T) {
	failed := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		kind       string
		attempts   int
		retryAfter time.Duration
		want       time.Time
		dead       bool
	}{
		{"first failure", outbox.Status, 1, 0, failed.Add(5 * time.Second), false},
		{"a 429 asks for longer", outbox.Status, 1, 20 * time.Second, failed.Add(20 * time.Second), false},
		{"a 429 asks for less", outbox.Invite, 2, time.Second, failed.Add(30 * time.Second), false},
		{"last retry", outbox.Merge, 5, 0, failed.Add(time.Hour), false},
		{"retries spent", outbox.Status, 6, 0, time.Time{}, true},
		{"a webhook's second retry", outbox.Hook, 2, 0, failed.Add(5 * time.Minute), false},
		{"a webhook waits longer than a DM", outbox.Hook, 5, 0, failed.Add(5 * time.Hour), false},
		{"a webhook's last retry", outbox.Hook, 7, 0, failed.Add(10 * time.Hour), false},
		{"a webhook's retries spent", outbox.Hook, 8, 0, time.Time{}, true},
	}
	for _, tt := range tests {
		at, dead := outbox.Next(tt.kind, tt.attempts, failed, tt.retryAfter)
		if diff := cmp.Diff(struct {
			At   time.Time
			Dead bool
		}{tt.want, tt.dead}, struct {
			At   time.Time
			Dead bool
		}{at, dead}); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}
