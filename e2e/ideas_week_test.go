package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/priobot/priobot/slackemu"
)

// "ranked" means one thing: the statuses are counted as statuses, and the
// numbered list says it holds every idea in play with a score.
func TestRankedMeansOneThing(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	for i, title := range []string{"Dark mode", "Export", "SSO"} {
		h.idea(h.ann, h.product, title)
		h.slash(h.ann, h.product, "/backlog", fmt.Sprintf("score #%d value=%d effort=2", i+1, 8-i))
		h.ephemeral(h.ann, h.product, fmt.Sprintf("#%d", i+1))
	}
	h.slash(h.ann, h.product, "/backlog", "status #1 planned")
	h.ephemeral(h.ann, h.product, "You moved #1 Dark mode from scored to planned")
	h.slash(h.ann, h.product, "/backlog", "")
	h.ephemeral(h.ann, h.product, "Backlog of #product: 2 scored · 1 planned",
		"Ranked by score (3: every idea in play with a score, planned and in progress included)", "1. #1 Dark mode — score 4 · planned", "3. #3 SSO")
	h.message(h.product, "#2 Export", "Submitted by ann · score 3.5")
}

// The export opens in a spreadsheet in the backlog's order (the ranking,
// then awaiting scoring), with places, names beside ids, the channel's
// name, how many asked, and the links.
func TestTheExportReadsAsTheBacklog(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	h.support(h.bob, h.idea(h.ann, h.product, "SSO"))
	h.slash(h.ann, h.product, "/backlog", "score #2 value=3 effort=3")
	h.ephemeral(h.ann, h.product, "#2")
	h.slash(h.ann, h.product, "/backlog", "score #3 value=8 effort=2")
	h.ephemeral(h.ann, h.product, "#3")
	h.slash(h.ann, h.product, "/backlog", "link #3 https://docs.example.com/sso")
	h.ephemeral(h.ann, h.product, "#3 now links to")
	rows := h.exported(h.bob)
	var got []string
	for i := 1; i < len(rows); i++ {
		got = append(got, column(rows, i, "place")+" #"+column(rows, i, "number"))
	}
	if want := "1 #3, 2 #2, awaiting scoring 1 #1"; strings.Join(got, ", ") != want {
		t.Errorf("rows in the order %q, want %q", strings.Join(got, ", "), want)
	}
	for col, want := range map[string]string{"scored_by_name": "ann", "author_name": "ann", "channel_name": "product", "requesters": "2",
		"supporters": "1", "links": "https://docs.example.com/sso", "status": "scored"} {
		if got := column(rows, 1, col); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
}

// The Home's ideas include those a person supports or asked for, apart
// from those they submitted, and a merged one says into which idea.
func TestTheHomeShowsTheIdeasYouSupport(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.bob, h.product, "Export")
	// Each support answered before the next step: h.support's wait would
	// take the first answer for the second, and the merge could beat it.
	h.click(h.bob, h.idea(h.ann, h.product, "Dark mode"), "Me too")
	h.ephemeral(h.bob, h.product, "You support #2 now")
	h.click(h.bob, h.idea(h.ann, h.product, "Night theme"), "Me too")
	h.ephemeral(h.bob, h.product, "You support #3 now")
	h.slash(h.ann, h.product, "/backlog", "merge #3 into #2")
	h.ephemeral(h.ann, h.product, "#3")
	if err := h.emu.OpenHome(t.Context(), h.bob); err != nil {
		t.Fatal(err)
	}
	h.homeShows(h.bob, []string{"Your ideas", "#1 Export — 1st of 2 awaiting scoring in #product",
		"Ideas you support or asked for\n#3 Night theme — merged into #2 Dark mode in #product\n#2 Dark mode — 2nd of 2 awaiting scoring in #product"})
	h.click(h.bob, h.message(h.product, "#2 Dark mode"), "Me too") // withdrawn
	h.ephemeral(h.bob, h.product, "You no longer support #2")
	h.homeShows(h.bob, []string{"Ideas you support or asked for\n#3 Night theme"}, "#2 Dark mode — 2nd of 2")
}

// Where no owners are named, a person's first change there says, with
// it, that anyone may manage this backlog until owners are named, and how;
// once per person. The change happens at once all the same.
func TestABacklogWithoutOwnersSaysSoOnce(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	word := "A word about #product's backlog: it has no owners yet, so anyone here may change its statuses, scores and settings, as you just did."
	h.slash(h.bob, h.product, "/backlog", "decline #1 nah")
	h.ephemeral(h.bob, h.product, "You declined #1 Dark mode")
	h.ephemeral(h.bob, h.product, word, "/backlog owners add @name names its owners")
	h.slash(h.bob, h.product, "/backlog", "status #2 planned")
	h.ephemeral(h.bob, h.product, "You moved #2 Export")
	h.slash(h.ann, h.product, "/backlog", "reopen #1")
	h.ephemeral(h.ann, h.product, "You reopened #1 Dark mode")
	h.ephemeral(h.ann, h.product, word)
	told := 0
	for _, m := range h.emu.Ephemerals(h.bob, h.product) {
		if m.Contains("A word about") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("bob was told %d times that the backlog has no owners, want once", told)
	}
}

// The matrix reads true: both dividers at the middle of the same 1–13
// scale, and an idea exactly on one is named as such, in the quadrant it
// is drawn in.
func TestTheMatrixReadsTrue(t *testing.T) {
	h := newHarness(t, slackemu.Options{})
	h.idea(h.ann, h.product, "Dark mode")
	h.idea(h.ann, h.product, "Export")
	h.slash(h.ann, h.product, "/backlog", "score #1 value=8 effort=8")
	h.ephemeral(h.ann, h.product, "#1")
	h.slash(h.ann, h.product, "/backlog", "score #2 value=6.5 effort=7")
	h.ephemeral(h.ann, h.product, "#2")
	h.slash(h.ann, h.product, "/backlog", "matrix")
	if err := h.emu.Wait(t.Context(), func() bool { return len(h.emu.Files(h.product)) == 1 }); err != nil {
		t.Fatal("no matrix")
	}
	want := "Dividers at value 7 and effort 7. Big bets: #1 Dark mode. Fill-ins: #2 Export (on a divider)."
	if alt := h.emu.Files(h.product)[0].AltText; !strings.Contains(alt, want) {
		t.Errorf("the matrix's alt text is %q, want it to hold %q", alt, want)
	}
}
