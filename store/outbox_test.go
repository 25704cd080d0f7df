package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
)

// A status change writes one item per person to tell, in the same script;
// each recipient's items go in order, a claimed item is leased, a failed
// one waits its retry, and one that fails every retry becomes a dead letter.
func TestOutbox(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	seed(t, s, "dark mode")
	b := outbox.Backlog{Team: "T1", Channel: "C1"}
	for _, u := range []string{"U5", "U6"} {
		if _, _, err := s.ToggleSupport(ctx, "T1", "C1", 1, prio.Actor{ID: u}, now); err != nil {
			t.Fatal(err)
		}
	}
	owner := prio.Actor{ID: "U9", Name: "nine"}
	if _, _, told, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusPlanned, "", prio.OpenStatuses, now); err != nil || told != 3 {
		t.Fatalf("a status change tells %d (%v), want the author and two supporters", told, err)
	}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusShipped, "", prio.OpenStatuses, now); err != nil {
		t.Fatal(err)
	}
	items, next, err := s.ClaimOutbox(ctx, b, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items {
		got[it.To] += it.Status + " "
	}
	// Each recipient's first item only: "planned" now, "shipped" after it.
	if fmt.Sprint(got) != "map[U1:planned  U5:planned  U6:planned ]" || items[0].Actor != "nine" || items[0].Kind != outbox.Status {
		t.Fatalf("claimed %v (%+v)", got, items[0])
	}
	if !next.Equal(now.Add(outbox.Lease)) {
		t.Errorf("next due %v, want when the leases end", next)
	}
	// Another replica finds nothing while the leases hold, all of them after.
	if again, _, _ := s.ClaimOutbox(ctx, b, now.Add(time.Second), 10); len(again) != 0 {
		t.Errorf("claimed leased items again: %v", again)
	}
	if again, _, _ := s.ClaimOutbox(ctx, b, now.Add(outbox.Lease+time.Millisecond), 10); len(again) != 3 {
		t.Errorf("after the lease %d items, want the 3 again", len(again))
	}
	later := now.Add(outbox.Lease + time.Second)
	for _, it := range items {
		switch it.To {
		case "U1": // delivered
			if _, err := s.SettleOutbox(ctx, b, it, time.Time{}, false, later); err != nil {
				t.Fatal(err)
			}
		case "U5": // failed: again in 5 s
			it.Attempts, it.Error = 1, "timeout"
			_, _ = s.SettleOutbox(ctx, b, it, later.Add(5*time.Second), false, later)
		case "U6": // given up
			it.Error = "user_not_found"
			_, _ = s.SettleOutbox(ctx, b, it, time.Time{}, true, later)
		}
	}
	items, _, _ = s.ClaimOutbox(ctx, b, later, 10)
	got = map[string]string{}
	for _, it := range items {
		got[it.To] += it.Status
	}
	// U1 and U6 are on to "shipped"; U5 waits for its retry of "planned".
	if fmt.Sprint(got) != "map[U1:shipped U6:shipped]" {
		t.Errorf("after settling: %v", got)
	}
	retry, _, _ := s.ClaimOutbox(ctx, b, later.Add(5*time.Second), 10)
	if len(retry) != 1 || retry[0].To != "U5" || retry[0].Status != string(prio.StatusPlanned) || retry[0].Attempts != 1 {
		t.Errorf("the retry: %+v", retry)
	}
	waiting, dead, err := s.OutboxState(ctx, b)
	if err != nil || waiting != 4 || len(dead) != 1 || dead[0].To != "U6" || dead[0].Error != "user_not_found" {
		t.Errorf("%d waiting, dead letters %+v, %v; want U5's two and U1's and U6's shipped, and U6's planned dead", waiting, dead, err)
	}
}
