package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// syncStatuses moves the ideas linked to changed issues as the issues'
// states ask (tracker.MoveFor): closed as completed ships an idea, closed
// as not planned declines it, reopened puts it back in play. A change
// made on GitHub is a status change like one made in Slack: its DMs, its
// thread line and its webhook events go out, naming who made it "on
// GitHub". It returns how many ideas moved.
func (a *App) syncStatuses(ctx context.Context, team, channel string, issues []tracker.Issue, made []prio.Idea) int {
	moved := 0
	for _, is := range issues {
		if ctx.Err() != nil {
			break
		}
		if slices.ContainsFunc(made, func(i prio.Idea) bool { return i.Issue != nil && i.Issue.Number == is.Number }) {
			continue // made of it just now, as it is
		}
		n, err := a.github.IssueIdea(ctx, team, channel, is.Repo, is.Number)
		if err != nil || n == 0 {
			continue
		}
		ideas, err := a.ideas.Ideas(ctx, team, channel, []int64{n})
		if err != nil || len(ideas) == 0 || ideas[0].Issue == nil {
			continue
		}
		a.renameFromGitHub(ctx, team, channel, n, is)
		if changedOnGitHub(ideas[0].Issue, is) && a.moveFromGitHub(ctx, team, channel, n, ideas[0].Status, is) {
			moved++
		}
		_ = a.github.SeeIssue(ctx, team, channel, n, is.Repo, is.Number, tracker.State(is))
	}
	return moved
}

// renameFromGitHub gives idea n its issue's title: once linked, GitHub
// owns the title. It returns the title when it changed.
func (a *App) renameFromGitHub(ctx context.Context, team, channel string, n int64, is tracker.Issue) (string, bool) {
	title := prio.Shorten(strings.TrimSpace(is.Title), prio.MaxTitle)
	if title == "" {
		return "", false
	}
	renamed, err := a.github.RenameIdea(ctx, team, channel, n, title, "GitHub ("+is.Ref()+")", a.now())
	if err != nil {
		a.log.WarnContext(ctx, "github title not applied", "team", team, "channel", channel, "idea", n, "err", err)
		return "", false
	}
	if renamed {
		a.refreshCard(team, channel, n)
		a.homesChanged(team, channel)
		a.kickOutbox(ctx, team, channel)
	}
	return title, renamed
}

// changedOnGitHub says whether an issue's state changed on GitHub since
// priobot last saw or wrote it (link.Seen). One that did not is left alone
// even when its idea moved: priobot's own write of that move is on its way.
func changedOnGitHub(link *prio.IssueLink, is tracker.Issue) bool {
	return link.Seen == "" || link.Seen != tracker.State(is)
}

// moveFromGitHub applies one issue's state to idea n, now in status.
func (a *App) moveFromGitHub(ctx context.Context, team, channel string, n int64, status prio.Status, is tracker.Issue) bool {
	var (
		to     prio.Status
		reason string
		from   []prio.Status
	)
	except := func(s prio.Status) []prio.Status {
		return slices.DeleteFunc(slices.Clone(prio.AllStatuses), func(x prio.Status) bool { return x == s || x == prio.StatusMerged })
	}
	switch tracker.MoveFor(is, status) {
	case tracker.Ship:
		to, from = prio.StatusShipped, except(prio.StatusShipped)
	case tracker.Decline:
		to, reason, from = prio.StatusDeclined, tracker.DeclineReason(is), except(prio.StatusDeclined)
	case tracker.Reopen:
		to, from = "reopen", []prio.Status{prio.StatusShipped, prio.StatusDeclined}
	default:
		return false
	}
	// GitHub's people are not Slack's: the change is made as an admin
	// would, and named for them.
	actor := prio.Actor{Name: closer(is) + " on GitHub", Admin: true}
	if _, _, _, err := a.ideas.SetStatus(ctx, team, channel, n, actor, to, reason, from, a.now()); err != nil {
		a.log.WarnContext(ctx, "github state not applied", "team", team, "channel", channel, "idea", n, "issue", is.Ref(), "err", err)
		return false
	}
	a.refreshCard(team, channel, n)
	a.ideaChanged(ctx, Request{Team: team, Channel: channel}, n)
	a.homesChanged(team, channel)
	a.kickOutbox(ctx, team, channel)
	return true
}

// tieIssue ties idea n to the issue a link names (op "add"), or unties it
// ("remove"), when the link is an issue of the backlog's connected
// repository; a tied idea and issue move together. On tying, the issue's
// state is read and applied to the idea now. It returns what to add to
// the answer ("" for a link that is not such an issue).
func (a *App) tieIssue(ctx context.Context, r Request, n int64, link, op string) string {
	if a.tracker == nil {
		return ""
	}
	c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel)
	if err != nil || !ok || c.State == tracker.Off {
		return ""
	}
	number, err := tracker.ParseIssueURL(link, c.Repo.URL)
	if err != nil {
		return ""
	}
	ref := esc(fmt.Sprintf("%s#%d", c.Repo.Name, number))
	if op != "add" {
		if untied, err := a.github.UnlinkIssue(ctx, r.Team, r.Channel, n, c.Repo.Name, number); err == nil && untied {
			return fmt.Sprintf(" It no longer follows %s.", ref)
		}
		return ""
	}
	outcome, err := a.github.LinkIssue(ctx, r.Team, r.Channel, n, c.Repo.Name, number, link)
	if err != nil {
		return " " + prio.ErrorMessage(err)
	}
	text := fmt.Sprintf(" It follows %s now: closing the issue ships or declines #%d, and shipping, declining or reopening #%d closes or reopens the issue.", ref, n, n)
	if outcome == "same" {
		return fmt.Sprintf(" It follows %s already.", ref)
	}
	is, err := a.tracker.Issue(ctx, c.Repo.Name, number)
	if err != nil {
		return text + " I couldn't read the issue now; the next change to it syncs."
	}
	if title, renamed := a.renameFromGitHub(ctx, r.Team, r.Channel, n, is); renamed {
		text += fmt.Sprintf(" GitHub owns its title now: it is “%s”, as the issue's.", esc(title))
	}
	ideas, err := a.ideas.Ideas(ctx, r.Team, r.Channel, []int64{n})
	if err == nil && len(ideas) == 1 && a.moveFromGitHub(ctx, r.Team, r.Channel, n, ideas[0].Status, is) {
		text += fmt.Sprintf(" %s is %s, so #%d moved with it.", ref, stateLabel(tracker.State(is)), n)
	}
	_ = a.github.SeeIssue(ctx, r.Team, r.Channel, n, is.Repo, is.Number, tracker.State(is))
	return text
}

// stateLabel says an issue's state (tracker.State's word) in words.
func stateLabel(state string) string {
	switch state {
	case "open":
		return "open"
	case tracker.NotPlanned:
		return "closed as not planned"
	}
	return "closed as completed"
}

// closer is who closed an issue, by login, when GitHub says; "someone"
// otherwise (GitHub does not say who reopened one).
func closer(is tracker.Issue) string {
	if is.ClosedBy != "" && !is.Open {
		return is.ClosedBy
	}
	return "someone"
}
