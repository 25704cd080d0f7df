package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/webhook"
)

// An endpoint that answers 410 Gone is turned off at once; one that fails
// for three days is turned off then. The owners are told by DM, what the
// endpoints missed is in the outbox's dead letters, and adding the URL
// again turns it back on.
func TestWebhooksGoneOrFailingAreTurnedOff(t *testing.T) {
	p := newPokerTable(t)
	gone, failing, healthy := newReceiver(t), newReceiver(t), newReceiver(t)
	gone.respond(http.StatusGone)
	failing.respond(http.StatusInternalServerError)
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann")+" "+mention(p.bob, "bob"))
	for _, r := range []*receiver{gone, failing, healthy} {
		p.addWebhook(p.ann, p.product, r.url())
	}

	p.idea(p.carl, p.product, "Dark mode")
	for _, owner := range []string{p.ann, p.bob} {
		p.dm(owner, "In #product, I turned off the webhook "+gone.url()+": it answered 410 Gone. It gets none of the backlog's events now;",
			"/backlog webhook add "+gone.url()+" turns it back on once it works")
	}
	failing.wait("a first try", func(r []hookRequest) bool { return len(r) == 1 })
	p.slash(p.ann, p.product, "/backlog", "webhook")
	p.ephemeral(p.ann, p.product, gone.url()+" — off since", "it answered 410 Gone.", failing.url()+" — on, failing since")

	// Three days later, the failing endpoint's next try fails too.
	p.clock.Advance(webhook.FailFor)
	p.dm(p.ann, "In #product, I turned off the webhook "+failing.url()+": every delivery to it failed for 3 days.")
	p.slash(p.ann, p.product, "/backlog", "webhook")
	p.ephemeral(p.ann, p.product, failing.url()+" — off since", "it failed for 3 days.")
	p.slash(p.ann, p.product, "/backlog", "outbox")
	p.ephemeral(p.ann, p.product, "Given up after every retry (2, newest first):",
		"to "+failing.url()+": idea.created about #1 by carl on", "the endpoint was turned off: it failed for 3 days",
		"to "+gone.url()+": idea.created about #1 by carl on", "the endpoint was turned off: it answered 410 Gone")

	// Off means off: the next change reaches only the healthy endpoint.
	p.slash(p.ann, p.product, "/backlog", "status #1 planned")
	healthy.wait("the status change", func(r []hookRequest) bool { return len(story(r, 1)) == 2 })
	if len(gone.requests()) != 1 || len(failing.requests()) != 2 {
		t.Errorf("endpoints turned off were sent more: %d and %d requests", len(gone.requests()), len(failing.requests()))
	}
	gone.respond(http.StatusOK)
	p.slash(p.ann, p.product, "/backlog", "webhook add "+gone.url())
	p.ephemeral(p.ann, p.product, gone.url()+" is on again: #product's changes go to it from now on, signed with the secret shown when it was added.")
	p.slash(p.ann, p.product, "/backlog", "status #1 in-progress")
	gone.wait("the change after it was turned back on", func(r []hookRequest) bool { return len(r) == 2 })
	if c := gone.requests()[1].Event.Data.Change; c == nil || c.To != "in-progress" {
		t.Errorf("the endpoint turned back on got %s", mustJSON(gone.requests()[1].Event))
	}

	_, metrics := p.get("/metrics")
	for _, want := range []string{`priobot_outbox_deliveries_total{kind="webhook",outcome="dead"} 2`, "priobot_outbox_dead_letters 2"} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// With WEBHOOK_ALLOW_PRIVATE off, an endpoint on loopback, a private
// network or the metadata address is refused when added, with a reason;
// nothing is stored.
func TestWebhooksRefusePrivateAddresses(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.shutdown()
	h.publicOnly = true
	h.start()
	for _, tc := range []struct{ url, says string }{
		{"https://127.0.0.1:8443/hook", "“127.0.0.1” leads to 127.0.0.1, a loopback address. I send webhooks only to public addresses (an operator can allow private ones with WEBHOOK_ALLOW_PRIVATE=true)."},
		{"https://localhost/hook", "a loopback address"},
		{"https://10.1.2.3/hook", "leads to 10.1.2.3, a private address."},
		{"https://169.254.169.254/latest/meta-data", "a link-local address, where cloud metadata services answer."},
		{"https://[fd00:ec2::254]/", "a private address"},
		{"http://example.com/hook", "Give an https:// URL as an endpoint's URL, not “http://example.com/hook”."},
		{"https://user:pass@example.com/hook", "Leave the password out of the URL"},
	} {
		h.slash(h.ann, h.product, "/backlog", "webhook add "+tc.url)
		h.ephemeral(h.ann, h.product, tc.says)
	}
	h.slash(h.ann, h.product, "/backlog", "webhook")
	h.ephemeral(h.ann, h.product, "#product's backlog has no webhooks.")
}

// Two workspaces with a webhook each: neither receives the other's events.
func TestWebhooksStayInTheirWorkspace(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	other := h.emu.AddTeam()
	eve := h.emu.AddUser("eve", slackemu.UserOptions{Team: other})
	theirs := h.emu.AddChannel("product", slackemu.ChannelOptions{Team: other})
	ours, their := newReceiver(t), newReceiver(t)
	h.addWebhook(h.ann, h.product, ours.url())
	h.addWebhook(eve, theirs, their.url())

	h.idea(h.ann, h.product, "Secret roadmap item")
	h.idea(eve, theirs, "Their own idea")
	h.slash(h.ann, h.product, "/backlog", "status #1 planned")
	h.slash(eve, theirs, "/backlog", "status #1 shipped")
	ours.wait("both events", func(r []hookRequest) bool { return len(r) == 2 })
	their.wait("both events", func(r []hookRequest) bool { return len(r) == 2 })
	for _, c := range []struct {
		r             *receiver
		team, channel string
		title         string
	}{{ours, slackemu.DefaultTeam, h.product, "Secret roadmap item"}, {their, other, theirs, "Their own idea"}} {
		for _, q := range c.r.requests() {
			d := q.Event.Data
			if d.Team != c.team || d.Channel != c.channel || d.Idea.Title != c.title {
				t.Errorf("%s's receiver got %s", c.team, q.Body)
			}
		}
	}
}

// `/backlog webhook test` sends a ping and says how it was answered;
// remove stops everything, waiting events too; a sixth endpoint is refused.
func TestWebhookTestAndRemove(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	rcv := newReceiver(t)
	secret := h.addWebhook(h.ann, h.product, rcv.url())
	h.slash(h.ann, h.product, "/backlog", "webhook test "+rcv.url())
	h.ephemeral(h.ann, h.product, "Sending a ping to "+rcv.url()+"; I'll tell you here how it answers.")
	h.ephemeral(h.ann, h.product, rcv.url()+" answered the ping with 200 in")
	ping := rcv.requests()[0]
	verify(t, secret, ping, nil)
	if ping.Event.Type != "ping" || ping.Event.Data.Actor == nil || ping.Event.Data.Actor.Name != "ann" {
		t.Errorf("the ping says %s", ping.Body)
	}
	rcv.respond(http.StatusBadGateway)
	h.slash(h.ann, h.product, "/backlog", "webhook test "+rcv.url())
	h.ephemeral(h.ann, h.product, "The ping to "+rcv.url()+" failed: answered 502 Bad Gateway. I'll try again", "/backlog webhook shows each try.")

	h.slash(h.ann, h.product, "/backlog", "webhook add "+rcv.url())
	h.ephemeral(h.ann, h.product, rcv.url()+" is a webhook of this backlog already.")
	for i := range webhook.MaxEndpoints - 1 {
		h.addWebhook(h.ann, h.product, rcv.url()+"/"+string(rune('a'+i)))
	}
	h.slash(h.ann, h.product, "/backlog", "webhook add "+rcv.url()+"/f")
	h.ephemeral(h.ann, h.product, "This backlog has 5 webhook endpoints already, the most it may have. /backlog webhook remove <url> makes room.")

	h.slash(h.ann, h.product, "/backlog", "webhook remove "+rcv.url())
	h.ephemeral(h.ann, h.product, "Removed "+rcv.url()+": it gets nothing more from #product's backlog, not even what was waiting to be sent.")
	h.slash(h.ann, h.product, "/backlog", "webhook remove "+rcv.url())
	h.ephemeral(h.ann, h.product, rcv.url()+" is not a webhook of this backlog. /backlog webhook lists them.")
	h.slash(h.ann, h.product, "/backlog", "outbox")
	h.ephemeral(h.ann, h.product, "This backlog's outbox: 0 messages waiting to be delivered. Nothing was given up on.")
}
