package e2e

import (
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// A workspace defines its own framework once, and every backlog may score
// with it: the weighted rule, explained with the values; an edit re-ranks
// every backlog using it; one in use is not deleted; bad definitions get
// one clear private sentence and change nothing.
func TestAWorkspaceDefinesItsOwnFramework(t *testing.T) {
	p := newPokerTable(t)
	growth := "growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost"
	for typed, answer := range map[string]string{
		"new g: reach (1 2) benefit, reach (1 2 3) cost": "“reach” is named twice; each criterion once.",
		"new g: reach (1 2 3) benefit ×0":                "reach's weight is a number above 0",
		"new g: reach (3 2 1) benefit":                   "reach's scale must increase",
		"new g: reach (1 2 3 4 5 6 7 8 9 10 11) benefit": "reach's scale has 2 to 10 values; it has 11.",
		"new rice: reach (1 2) benefit":                  "“rice” is a built-in framework; name yours otherwise.",
		"nosuch":                                         "There is no framework “nosuch”.",
	} {
		p.slash(p.ann, p.product, "/backlog", "framework "+typed)
		p.ephemeral(p.ann, p.product, answer)
	}
	p.slash(p.ann, p.product, "/backlog", "framework new "+growth)
	p.ephemeral(p.ann, p.product, "Defined growth: score = (2 × reach + impact) ÷ effort")
	p.slash(p.bob, p.product, "/backlog", "framework new "+growth)
	p.ephemeral(p.bob, p.product, "This workspace has a framework “growth” already")

	p.idea(p.ann, p.product, "Dark mode")
	p.slash(p.ann, p.product, "/backlog", "framework growth")
	p.message(p.product, "ann switched this backlog to growth (reach, impact, effort)")
	p.slash(p.ann, p.product, "/backlog", "score #1 reach=8 impact=3 effort=3")
	p.ephemeral(p.ann, p.product, "You scored #1 Dark mode", "score 6.33 ((2 × reach 8 + impact 3) ÷ effort 3)")
	p.slash(p.ann, p.design, "/backlog", "framework growth")
	p.message(p.design, "switched this backlog to growth")
	p.slash(p.ann, p.product, "/backlog", "framework")
	p.ephemeral(p.ann, p.product, "This workspace's own", "growth growth: score = (2 × reach + impact) ÷ effort", "← this backlog")

	p.slash(p.ann, p.product, "/backlog", "framework delete growth")
	p.ephemeral(p.ann, p.product, "growth is in use by #product, #design; switch those backlogs to another framework first. Nothing was deleted.")
	p.slash(p.ann, p.product, "/backlog", "framework edit growth: reach (1 2 3 5 8 13) benefit ×3, impact (1 2 3) benefit, effort (1 2 3 5 8) cost")
	p.ephemeral(p.ann, p.product, "Changed growth", "Re-ranked by it: #product, #design.")
	p.slash(p.ann, p.product, "/backlog", "#1")
	p.ephemeral(p.ann, p.product, "score 9 ((3 × reach 8 + impact 3) ÷ effort 3)")

	session := p.begin("#1 with " + mention(p.dan, "dan"))
	card := p.card(session, 1)
	for _, row := range []string{"Reach · higher is better", "Impact · higher is better", "Effort · lower is better"} {
		if !strings.Contains(card.Text, row) {
			t.Errorf("the card lacks the row %q:\n%s", row, card.Text)
		}
	}
	p.slash(p.ann, p.design, "/backlog", "framework value-effort")
	p.message(p.design, "switched this backlog to Value vs effort")
	p.slash(p.ann, p.product, "/backlog", "framework delete growth")
	p.ephemeral(p.ann, p.product, "growth is in use by #product; switch that backlog to another framework first.")
}

// Two owners editing one framework at once: one wins whole, the other is
// told who changed it. (The store's TestWorkspaceFrameworks races the
// revisions; here the words reach the person.)
func TestAFrameworkEditSaysWhatItDid(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.slash(h.ann, h.product, "/backlog", "framework edit growth: reach (1 2) benefit")
	h.ephemeral(h.ann, h.product, "There is no framework “growth”.")
	h.slash(h.ann, h.product, "/backlog", "framework new growth: reach (1 2) benefit")
	h.ephemeral(h.ann, h.product, "Defined growth")
	h.slash(h.ann, h.product, "/backlog", "framework edit growth: reach (1 2 3) benefit")
	h.ephemeral(h.ann, h.product, "Changed growth", "No backlog uses it yet.")
	h.slash(h.ann, h.product, "/backlog", "framework delete growth")
	h.ephemeral(h.ann, h.product, "Deleted the framework growth.")
}

// Under a workspace's framework, the CSV has a column per criterion and
// the webhook events carry the framework and the criteria by key.
func TestACustomFrameworkReachesTheCSVAndTheEvents(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	rcv := newReceiver(t)
	h.addWebhook(h.ann, h.product, rcv.url())
	h.slash(h.ann, h.product, "/backlog", "framework new growth: reach (1 2 3 5 8 13) benefit ×2, impact (1 2 3) benefit, effort (1 2 3 5 8) cost")
	h.ephemeral(h.ann, h.product, "Defined growth")
	h.slash(h.ann, h.product, "/backlog", "framework growth")
	h.message(h.product, "switched this backlog to growth")
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "score #1 reach=8 impact=3 effort=3")
	h.ephemeral(h.ann, h.product, "You scored #1 Dark mode")
	rcv.wait("the score's event", func(reqs []hookRequest) bool {
		for _, q := range reqs {
			if i := q.Event.Data.Idea; i != nil && i.Score != nil && i.Framework == "growth" &&
				i.Criteria["reach"] == 8 && i.Criteria["impact"] == 3 && i.Criteria["effort"] == 3 && *i.Score == 6.3333 {
				return true
			}
		}
		return false
	})
	rows := h.exported(h.ann)
	for col, want := range map[string]string{"framework": "growth", "reach": "8", "impact": "3", "effort": "3", "score": "6.3333"} {
		if got := column(rows, 1, col); got != want {
			t.Errorf("the CSV's %s is %q, want %q", col, got, want)
		}
	}
}

// Switching frameworks keeps stored values by criterion name: an idea
// scored on value and effort stays scored under a workspace framework
// with a value and an effort, and the values stay for a switch back.
func TestValuesAreKeptByCriterionName(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=3")
	h.ephemeral(h.ann, h.product, "#1")
	h.slash(h.ann, h.product, "/backlog", "framework new lean: value (1 2 3 5 8 13) benefit ×2, effort (1 2 3 5 8) cost")
	h.ephemeral(h.ann, h.product, "Defined lean")
	h.slash(h.ann, h.product, "/backlog", "framework lean")
	h.message(h.product, "switched this backlog to lean")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Dark mode sits 1st of 1", "score 5.33 (2 × value 8 ÷ effort 3)")
	h.slash(h.ann, h.product, "/backlog", "framework value-effort")
	h.message(h.product, "switched this backlog to Value vs effort")
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Dark mode sits 1st of 1", "score 2.67 (value 8 ÷ effort 3)")
}

// The settings form defines a framework as the command does, checked
// before anything changes, and the backlog then scores with it; a second
// definition under the same name changes it.
func TestTheSettingsFormDefinesAFramework(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.slash(h.ann, h.product, "/backlog", "settings")
	form := h.form(h.ann)
	if !strings.Contains(form.Text, "Or define the workspace's own") {
		t.Fatalf("the settings form offers no definition:\n%s", form.Text)
	}
	errs := h.formErrors(h.ann, map[string]string{"framework_def": "g: reach (1 2) benefit, reach (1 2 3) cost"})
	if !strings.Contains(errs["framework_def"], "“reach” is named twice; each criterion once.") {
		t.Errorf("a criterion named twice: %v", errs)
	}
	h.submit(h.ann, map[string]string{"framework_def": "growth: reach (1 2 3 5 8 13) benefit ×2, effort (1 2 3 5 8) cost"})
	h.ephemeral(h.ann, h.product, "Defined growth: score = 2 × reach ÷ effort")
	h.message(h.product, "ann switched this backlog to growth (reach, effort)")

	h.slash(h.ann, h.product, "/backlog", "settings")
	h.form(h.ann)
	h.submit(h.ann, map[string]string{"framework_def": "growth: reach (1 2 3 5 8 13) benefit ×3, effort (1 2 3 5 8) cost"})
	h.ephemeral(h.ann, h.product, "Changed growth", "Re-ranked by it: #product.")
	h.slash(h.ann, h.product, "/backlog", "framework")
	h.ephemeral(h.ann, h.product, "growth growth: score = 3 × reach ÷ effort", "← this backlog")
}
