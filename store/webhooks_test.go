package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// Endpoints per backlog: at most five; a change writes one event per
// endpoint that is on, with the idea as the change left it; a failing
// endpoint is turned off after webhook.FailFor, its waiting events become
// dead letters and its owners are told; removing one drops its events.
func TestWebhooks(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	b := outbox.Backlog{Team: "T1", Channel: "C1"}
	owner := prio.Actor{ID: "U9", Name: "nine"}
	if _, err := s.ChangeOwners(ctx, "T1", "C1", owner, "add", []string{"U9"}); err != nil {
		t.Fatal(err)
	}
	var eps []webhook.Endpoint
	for i := range webhook.MaxEndpoints {
		ep, outcome, err := s.AddWebhook(ctx, "T1", "C1", owner, fmt.Sprintf("https://hooks.example.com/%d", i), webhook.NewSecret(), now)
		if err != nil || outcome != "added" {
			t.Fatalf("endpoint %d: %q, %v", i, outcome, err)
		}
		eps = append(eps, ep)
	}
	if _, _, err := s.AddWebhook(ctx, "T1", "C1", owner, "https://hooks.example.com/more", webhook.NewSecret(), now); prio.ErrorCode(err) != prio.Conflict {
		t.Errorf("a sixth endpoint: %v", err)
	}
	if _, _, err := s.AddWebhook(ctx, "T1", "C1", prio.Actor{ID: "U5"}, "https://evil.example.com/", webhook.NewSecret(), now); prio.ErrorCode(err) != prio.Forbidden {
		t.Errorf("a non-owner added an endpoint: %v", err)
	}
	for _, ep := range eps[2:] {
		if err := s.RemoveWebhook(ctx, "T1", "C1", owner, ep); err != nil {
			t.Fatal(err)
		}
	}

	seed(t, s, "dark mode") // #1 by U1: idea.created to each of the two endpoints
	items, _, err := s.ClaimOutbox(ctx, b, now, 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("claimed %d items (%v), want idea.created for 2 endpoints", len(items), err)
	}
	it := items[0]
	if it.Kind != outbox.Hook || it.Event != webhook.IdeaCreated || it.Snap == nil || it.Snap.Idea.Title != "dark mode" ||
		it.Snap.List != "awaiting" || it.Snap.Place != 1 || it.URL == "" {
		t.Errorf("the event: %+v, %+v", it, it.Snap)
	}

	// Endpoint 0 fails from now on; a later event waits behind the first.
	failed := func(item outbox.Item, at time.Time) string {
		t.Helper()
		item.Attempts++
		again, _ := outbox.Next(item.Kind, item.Attempts, at, 0)
		_, off, err := s.SettleHook(ctx, b, item, again, false, webhook.Attempt{At: at.UnixMilli(), Event: item.Event, Status: 500, Error: "answered 500"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return off
	}
	first := items[0]
	if first.Hook != eps[0].ID {
		first = items[1]
	}
	if off := failed(first, now); off != "" {
		t.Fatalf("one failure turned the endpoint off: %q", off)
	}
	if _, _, _, err := s.SetStatus(ctx, "T1", "C1", 1, owner, prio.StatusPlanned, "", prio.OpenStatuses, now); err != nil {
		t.Fatal(err)
	}
	if off := failed(first, now.Add(webhook.FailFor)); off != webhook.Failing {
		t.Fatalf("failing for %s: %q, want the endpoint off", webhook.FailFor, off)
	}
	waiting, dead, err := s.OutboxState(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	// Endpoint 0's two events are dead; endpoint 1's two wait, with the
	// DMs of the status change (to U1) and of the endpoint turning off (to U9).
	byTo := map[string]int{}
	for _, d := range dead {
		byTo[d.To]++
		if d.Error != webhook.OffReason(webhook.Failing) {
			t.Errorf("a dead letter says %q", d.Error)
		}
	}
	if fmt.Sprint(byTo) != "map[hook:1:1:2]" || waiting != 4 {
		t.Errorf("dead letters %v, %d waiting", byTo, waiting)
	}
	all, _, _ := s.ClaimOutbox(ctx, b, now.Add(webhook.FailFor), 10)
	kinds := map[string]int{}
	for _, item := range all {
		kinds[item.Kind+":"+item.To]++
	}
	if fmt.Sprint(kinds) != "map[status:U1:1 webhook:hook:2:1:1 webhook_off:U9:1]" {
		t.Errorf("what goes now: %v", kinds)
	}
	list, attempts, err := s.Webhooks(ctx, "T1", "C1")
	if err != nil || len(list) != 2 || list[0].Off != webhook.Failing || len(attempts[0]) != 2 || list[1].Off != "" {
		t.Errorf("the endpoints: %+v, attempts %v, %v", list, attempts, err)
	}

	// Removing endpoint 1 drops its waiting events.
	if err := s.RemoveWebhook(ctx, "T1", "C1", owner, list[1]); err != nil {
		t.Fatal(err)
	}
	if waiting, _, _ := s.OutboxState(ctx, b); waiting != 2 {
		t.Errorf("%d waiting after the removal, want the 2 DMs", waiting)
	}
}

// Ten people add one Slack message to one backlog at once: one idea, and
// every one of them supports it (its author, the first, excepted).
func TestOneIdeaPerMessage(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	src := &prio.Source{Channel: "C9", TS: "1764000000.000100", Author: "U77", AuthorName: "dana"}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created []int64
		taken   int
	)
	for i := range 10 {
		wg.Go(func() {
			user := prio.Actor{ID: fmt.Sprintf("U%d", 10+i), Name: "someone"}
			idea := prio.Idea{Team: "T1", Channel: "C1", Title: "Dark mode", Author: user.ID, Status: prio.StatusNew, Created: now, Source: src}
			done, err := s.CreateRequested(ctx, idea, []string{"U77"}, user, now)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if done.Taken {
				taken++
			} else {
				created = append(created, done.Idea.Number)
			}
		})
	}
	wg.Wait()
	if len(created) != 1 || taken != 9 {
		t.Fatalf("%d ideas made (%v), %d told it was taken", len(created), created, taken)
	}
	supporters, err := s.Supporters(ctx, "T1", "C1", created[0])
	if err != nil || len(supporters) != 10 {
		t.Errorf("%d supporters (%v), want dana and the 9 who added it after the first", len(supporters), err)
	}
	ideas, _ := s.Ideas(ctx, "T1", "C1", created)
	if got := ideas[0].Source; got == nil || got.TS != src.TS || got.AuthorName != "dana" {
		t.Errorf("the source: %+v", got)
	}
}
