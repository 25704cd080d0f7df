package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// pick picks option in the ⋯ menu of message m as user.
func (h *harness) pick(user string, m slackemu.Message, option string) {
	h.t.Helper()
	if err := h.emu.Pick(h.t.Context(), user, m, option); err != nil {
		h.t.Fatal(err)
	}
}

// formErrors submits the form in front of user and returns the errors it
// shows (the form stays open).
func (h *harness) formErrors(user string, values map[string]string) map[string]string {
	h.t.Helper()
	errs, err := h.emu.Submit(h.t.Context(), user, values)
	if err != nil {
		h.t.Fatal(err)
	}
	return errs
}

// Every management action is on the card's menu: the owner moves,
// declines (with a reason), reopens, scores, merges, links and starts
// poker by clicks, each with the command's checks and answers; someone
// else is refused in the command's words, and nothing changes.
func TestTheCardsMenuManagesTheIdea(t *testing.T) {
	p := newPokerTable(t)
	p.slash(p.ann, p.product, "/backlog", "owners add "+mention(p.ann, "ann"))
	p.ephemeral(p.ann, p.product, "owner")
	dark := p.idea(p.bob, p.product, "Dark mode")
	p.support(p.carl, dark)
	p.idea(p.ann, p.product, "Export")
	night := p.idea(p.bob, p.product, "Night theme")
	if strings.Join(dark.Menu, ", ") != "Change status…, Score…, Merge into…, Link…, Start poker" {
		t.Errorf("an open idea's menu offers %v", dark.Menu)
	}

	for option, refusal := range map[string]string{
		"Change status…": "Only this backlog's owners (and workspace admins) can move #1.",
		"Score…":         "Only this backlog's owners (and workspace admins) can score #1.",
		"Merge into…":    "Only this backlog's owners (and workspace admins) can merge #1 (its author may too).",
		"Link…":          "Only this backlog's owners (and workspace admins) can change #1's links (its author may too).",
	} {
		p.pick(p.carl, dark, option)
		p.ephemeral(p.carl, p.product, refusal)
		if _, open := p.emu.Modal(p.carl); open {
			t.Errorf("%s opened a form for someone who may not use it", option)
		}
	}
	p.click(p.carl, dark, "Where does it sit?")
	p.click(p.carl, p.ephemeral(p.carl, p.product, "#1 Dark mode is 1st of"), "History")
	p.ephemeral(p.carl, p.product, "History of #1 Dark mode", "submitted by bob")

	p.pick(p.ann, dark, "Change status…")
	if form := p.form(p.ann); !strings.Contains(form.Text, "bob, its author, and 1 supporter hear of it by direct message.") {
		t.Errorf("the status form reads %q", form.Text)
	}
	if errs := p.formErrors(p.ann, map[string]string{"status": "declined"}); errs["reason"] == "" {
		t.Error("a decline without a reason was taken")
	}
	p.submit(p.ann, map[string]string{"status": "declined", "reason": "Not this year"})
	p.ephemeral(p.ann, p.product, "You declined #1 Dark mode")
	dark = p.message(p.product, "#1 Dark mode", "declined")
	if strings.Join(dark.Menu, ", ") != "Reopen, Link…, History" {
		t.Errorf("a closed idea's menu offers %v", dark.Menu)
	}
	p.pick(p.ann, dark, "History")
	p.ephemeral(p.ann, p.product, "History of #1 Dark mode", "declined it")
	p.pick(p.ann, dark, "Reopen")
	p.ephemeral(p.ann, p.product, "You reopened #1 Dark mode")

	dark = p.message(p.product, "#1 Dark mode", "awaiting scoring")
	p.pick(p.ann, dark, "Score…")
	p.form(p.ann)
	if errs := p.formErrors(p.ann, map[string]string{"criterion:value": "8"}); errs["criterion:effort"] == "" {
		t.Error("a score without effort was taken")
	}
	if errs := p.formErrors(p.ann, map[string]string{"criterion:value": "8", "between:effort": "99"}); !strings.Contains(errs["criterion:value"], "99") {
		t.Errorf("a value off the scale: %v", errs)
	}
	p.submit(p.ann, map[string]string{"criterion:value": "8", "between:effort": "2.5"})
	p.ephemeral(p.ann, p.product, "You scored #1 Dark mode", "score 3.2")

	p.pick(p.ann, night, "Merge into…")
	p.form(p.ann)
	if errs := p.formErrors(p.ann, map[string]string{"into_number": "3"}); errs["into_number"] == "" {
		t.Error("a merge into itself was taken")
	}
	if errs := p.formErrors(p.ann, map[string]string{"into_number": "#99"}); !strings.Contains(errs["into_number"], "#99") {
		t.Errorf("a merge into an unknown idea: %v", errs)
	}
	p.submit(p.ann, map[string]string{"into": "1"})
	p.ephemeral(p.ann, p.product, "You merged #3 Night theme into #1")

	export := p.message(p.product, "#2 Export")
	p.pick(p.ann, export, "Link…")
	p.form(p.ann)
	p.submit(p.ann, map[string]string{"link": "https://docs.example.com/export"})
	p.ephemeral(p.ann, p.product, "#2 now links to https://docs.example.com/export")
	p.pick(p.ann, export, "Link…")
	if form := p.form(p.ann); !strings.Contains(form.Text, "Remove") {
		t.Errorf("the link form offers no link to remove:\n%s", form.Text)
	}
	if errs := p.formErrors(p.ann, nil); errs["link"] == "" {
		t.Error("an empty link form was taken")
	}
	p.submit(p.ann, map[string]string{"unlink": "0"})
	p.ephemeral(p.ann, p.product, "#2 no longer links to https://docs.example.com/export")
	p.pick(p.ann, export, "Start poker")
	p.form(p.ann)
	p.submit(p.ann, map[string]string{"voters": p.dan})
	p.ephemeral(p.ann, p.product, "Priority poker is on: 1 card in the thread.")
}

// A form is checked again on submit: the idea moved meanwhile, so the
// form says so and nothing changes; a form whose metadata names someone
// else is refused.
func TestAStaleOrForgedIdeaFormChangesNothing(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	card := h.idea(h.ann, h.product, "Dark mode")
	h.pick(h.ann, card, "Change status…")
	h.form(h.ann)
	h.slash(h.ann, h.product, "/backlog", "decline #1 not now")
	h.ephemeral(h.ann, h.product, "You declined #1 Dark mode")
	if errs := h.formErrors(h.ann, map[string]string{"status": "planned"}); !strings.Contains(errs["status"], "#1 is declined") {
		t.Errorf("a stale form: %v", errs)
	}
	h.slash(h.ann, h.product, "/backlog", "#1")
	h.ephemeral(h.ann, h.product, "#1 Dark mode was declined")

	h.idea(h.ann, h.product, "Export")
	h.pick(h.bob, h.message(h.product, "#2 Export"), "Link…")
	h.form(h.bob)
	errs, err := h.emu.SubmitForged(t.Context(), h.bob, `{"t":"`+slackemu.DefaultTeam+`","u":"`+h.ann+`","c":"`+h.product+`","n":2}`,
		map[string]string{"link": "https://evil.example/x"})
	if err != nil || errs["link"] == "" {
		t.Errorf("a forged form was taken: %v %v", errs, err)
	}
}

// The backlog's lists, search results and where-it-sits carry each idea's
// menu, one a row, within Block Kit's limits.
func TestListsCarryEachIdeasMenu(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for i := 1; i <= 14; i++ {
		h.idea(h.ann, h.product, fmt.Sprintf("Idea %02d", i))
		if i <= 12 {
			h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("score #%d value=%d effort=1", i, []int{1, 2, 3, 5, 8, 13}[i%6]))
			h.ephemeral(h.ann, h.product, fmt.Sprintf("#%d", i))
		}
	}
	h.slash(h.ann, h.product, "/backlog", "")
	list := h.ephemeral(h.ann, h.product, "Backlog of #product", "Awaiting scoring")
	if len(list.Menu) != 5*12 || list.Blocks > 50 {
		t.Errorf("the list has %d menu options in %d blocks, want a menu of 5 on each of its 12 rows", len(list.Menu), list.Blocks)
	}
	if err := h.emu.PickRow(t.Context(), h.ann, list, "#13 Idea 13", "Change status…"); err != nil {
		t.Fatal(err)
	}
	h.form(h.ann)
	h.submit(h.ann, map[string]string{"status": "planned"})
	h.ephemeral(h.ann, h.product, "You moved #13 Idea 13 from awaiting scoring to planned")

	h.slash(h.ann, h.product, "/backlog", "search idea 14")
	found := h.ephemeral(h.ann, h.product, "1 idea matching")
	h.pick(h.ann, found, "Link…")
	h.form(h.ann)
	h.submit(h.ann, map[string]string{"link": "https://docs.example.com/14"})
	h.ephemeral(h.ann, h.product, "#14 now links to")

	h.slash(h.ann, h.product, "/backlog", "#14")
	where := h.ephemeral(h.ann, h.product, "#14 Idea 14 is")
	h.pick(h.ann, where, "Score…")
	h.form(h.ann)
}
