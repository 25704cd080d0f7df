package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/priobot/priobot/githubemu"
	"github.com/priobot/priobot/slackemu"
)

// One form changes the framework, the owners, the weekly summary and the
// webhooks at once, each as its command would, with its answer; a problem
// found before any change shows on its input and changes nothing; someone
// who may not is refused in the command's words.
func TestTheSettingsFormChangesEverythingAtOnce(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	card := h.idea(h.ann, h.product, "Dark mode")
	h.github.AddRepo("acme/app", githubemu.RepoOptions{})
	rcv := newReceiver(t)
	h.slash(h.ann, h.product, "/backlog", "settings")
	form := h.form(h.ann)
	for _, want := range []string{"Scoring framework", "Owners", "Weekly summary", "Add a webhook", "This backlog sends no webhooks."} {
		if !strings.Contains(form.Text, want) {
			t.Errorf("the settings form lacks %q:\n%s", want, form.Text)
		}
	}
	if errs := h.formErrors(h.ann, map[string]string{"framework": "rice", "summary_day": "monday", "summary_time": "25:99"}); errs["summary_time"] == "" {
		t.Error("a time of 25:99 was taken")
	}
	if errs := h.formErrors(h.ann, map[string]string{"framework": "rice", "github_repo": "not a repo"}); errs["github_repo"] == "" {
		t.Error("a repository named \"not a repo\" was taken")
	}
	h.slash(h.bob, h.product, "/backlog", "framework")
	h.ephemeral(h.bob, h.product, "This backlog scores with value-effort") // nothing changed
	h.submit(h.ann, map[string]string{"framework": "rice", "owners": h.ann + "," + h.bob, "summary_day": "monday",
		"summary_time": "09:00", "summary_zone": "Europe/Berlin", "webhook_add": rcv.url(), "github_repo": "acme/app"})
	h.message(h.product, "ann switched this backlog to RICE")
	h.message(h.product, "ann scheduled this channel's weekly backlog summary every Monday at 09:00 (Europe/Berlin)")
	h.ephemeral(h.ann, h.product, "Added "+rcv.url(), "Its signing secret, shown only this once:")
	h.ephemeral(h.ann, h.product, "This backlog's owners are now")
	h.ephemeral(h.ann, h.product, "Connected #product's backlog to acme/app")

	// With GitHub connected, an idea's Link… form opens an issue for it.
	h.pick(h.ann, card, "Link…")
	h.form(h.ann)
	h.submit(h.ann, map[string]string{"push": "push"})
	h.dm(h.ann, "#1 Dark mode is on GitHub now: acme/app#1.")

	h.slash(h.ann, h.product, "/backlog", "settings")
	form = h.form(h.ann)
	if !strings.Contains(form.Text, rcv.url()) {
		t.Errorf("the webhook is not listed:\n%s", form.Text)
	}
	h.submit(h.ann, map[string]string{"summary_day": "off", "webhook_test": firstHook(t, h)})
	h.message(h.product, "ann turned off this channel's weekly backlog summary.")
	rcv.wait("a ping", func(reqs []hookRequest) bool { return len(reqs) > 0 && reqs[len(reqs)-1].Event.Type == "ping" })

	carl := h.emu.AddUser("carl", slackemu.UserOptions{})
	h.slash(carl, h.product, "/backlog", "settings")
	h.ephemeral(carl, h.product, "Only this backlog's owners (and workspace admins) can change its settings.")
}

// firstHook is the id of the backlog's webhook the form offers first.
func firstHook(t *testing.T, h *harness) string {
	t.Helper()
	v, _ := h.emu.Modal(h.ann)
	var blocks []struct {
		BlockID string `json:"block_id"`
		Element struct {
			Options []struct{ Value string } `json:"options"`
		} `json:"element"`
	}
	if err := json.Unmarshal(v.BlockKit, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if b.BlockID == "webhook_test" && len(b.Element.Options) > 0 {
			return b.Element.Options[0].Value
		}
	}
	t.Fatal("the form offers no webhook to test")
	return ""
}
