package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// GitHubStore keeps a backlog's connection to a GitHub repository and the
// ideas its issues made. store.Store implements it.
type GitHubStore interface {
	ConnectGitHub(ctx context.Context, team, channel, channelName string, actor prio.Actor, repo tracker.Repo, label string, now time.Time) (string, error)
	GitHubConnection(ctx context.Context, team, channel string) (tracker.Connection, bool, error)
	DisconnectGitHub(ctx context.Context, team, channel string, actor prio.Actor) (string, error)
	ImportIssue(ctx context.Context, idea prio.Idea) (created prio.Idea, place, taken int64, err error)
	IssueIdea(ctx context.Context, team, channel, repo string, number int) (int64, error)
	DueGitHubPolls(ctx context.Context, now time.Time) ([]tracker.Due, error)
	ClaimGitHubPoll(ctx context.Context, team, channel string, lease time.Duration) (string, error)
	FinishGitHubPoll(ctx context.Context, team, channel, lease, repo string, cur *tracker.Cursor, outcome string, now, next time.Time) error
	PauseGitHub(ctx context.Context, team, channel, lease, repo, why string, now time.Time) (bool, error)
	LinkIssue(ctx context.Context, team, channel string, n int64, repo string, number int, url string) (string, error)
	UnlinkIssue(ctx context.Context, team, channel string, n int64, repo string, number int) (bool, error)
	RenameIdea(ctx context.Context, team, channel string, n int64, title, by string, now time.Time) (bool, error)
	LinkedIdeas(ctx context.Context, team, channel string) ([]int64, error)
	NoteComment(ctx context.Context, team, channel string, n, id, rev int64, at time.Time) error
	SeeIssue(ctx context.Context, team, channel string, n int64, repo string, number int, state string) error
	PushIssue(ctx context.Context, team, channel string, n int64, actor prio.Actor, now time.Time) error
	QueueComments(ctx context.Context, team, channel string, numbers []int64, now time.Time) (int, error)
}

// UseTracker syncs backlogs with GitHub through t, polling each connected
// repository every poll. Without it, `/backlog github` says how to set a
// token and nothing polls.
func (a *App) UseTracker(t tracker.Tracker, poll time.Duration) { a.tracker, a.poll = t, poll }

// noToken answers the GitHub commands when priobot has no token.
var noToken = prio.Errorf(prio.Invalid, "priobot has no GitHub token yet: whoever runs priobot sets GITHUB_TOKEN "+
	"(a fine-grained token with Issues read and write on the repositories to connect) and restarts it. Then `/backlog github connect owner/repo` works.")

// githubCmd serves `/backlog github [connect owner/repo [label <name>] |
// disconnect | push #12]`: the backlog's connection, a change to it
// (owners), or an issue opened for an idea.
func (a *App) githubCmd(ctx context.Context, r Request) (*Reply, error) {
	verb, rest, _ := strings.Cut(strings.TrimSpace(r.Text), " ")
	switch strings.ToLower(verb) {
	case "":
		return a.githubStatus(ctx, r)
	case "connect":
		return a.connectGitHub(ctx, r, rest)
	case "disconnect":
		return a.disconnectGitHub(ctx, r)
	case "push":
		return a.pushIdea(ctx, r, rest)
	}
	return nil, prio.Errorf(prio.Invalid, "I don't know %s here. `/backlog github` shows this backlog's GitHub sync; "+
		"`/backlog github connect owner/repo [label <name>]` and `/backlog github disconnect` change it; `/backlog github push #12` opens an issue for an idea.", prio.Quote(prio.Shorten(verb, 40)))
}

// parseConnect reads `owner/repo [label <name>]`.
func parseConnect(text string) (string, string, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return "", "", prio.Errorf(prio.Invalid, "Name the repository, like `/backlog github connect acme/app` (or `… label ideas` for another label than `priobot`).")
	}
	repo, err := tracker.ParseRepo(words[0])
	if err != nil {
		return "", "", err
	}
	label := tracker.DefaultLabel
	switch {
	case len(words) == 3 && strings.EqualFold(words[1], "label"):
		label = words[2]
	case len(words) != 1:
		return "", "", prio.Errorf(prio.Invalid, "After the repository, only `label <name>` may follow, like `/backlog github connect acme/app label ideas`.")
	}
	if len(label) > 50 || strings.ContainsAny(label, ",<>&`*_~") {
		return "", "", prio.Errorf(prio.Invalid, "%s is not a label priobot can use: up to 50 characters, without commas, <, >, &, or markup.", prio.Quote(prio.Shorten(label, 60)))
	}
	return repo, label, nil
}

func (a *App) connectGitHub(ctx context.Context, r Request, text string) (*Reply, error) {
	if a.tracker == nil {
		return nil, noToken
	}
	name, label, err := parseConnect(text)
	if err != nil {
		return nil, err
	}
	if err := a.mayManage(ctx, r, "connect it to GitHub"); err != nil {
		return nil, err
	}
	repo, err := a.tracker.Repo(ctx, name)
	if err != nil {
		return nil, githubRefusal(name, err)
	}
	var outcome string
	err = a.asOwner(ctx, r, "connect it to GitHub", func(actor prio.Actor) (err error) {
		outcome, err = a.github.ConnectGitHub(ctx, r.Team, r.Channel, r.ChannelName, actor, repo, label, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.log.InfoContext(ctx, "github connected", "team", r.Team, "channel", r.Channel, "repo", repo.Name, "label", label, "by", r.User, "outcome", outcome)
	repoRef := repoLink(repo)
	switch outcome {
	case "same":
		return ephemeral(fmt.Sprintf("This backlog is connected to %s already, with the label `%s`. `/backlog github` shows how the sync goes.", repoRef, esc(label))), nil
	case "resumed":
		return ephemeral(fmt.Sprintf("The sync with %s is on again (label `%s`), from where it stopped: the next poll is in a moment.", repoRef, esc(label))), nil
	}
	return ephemeral(fmt.Sprintf("Connected %s's backlog to %s. Open issues labelled `%s` there become ideas here: those there now at the first poll, "+
		"in a moment, with one message in this channel; each one labelled later gets its card. priobot asks GitHub what changed every %s "+
		"(an unchanged repository costs nothing against GitHub's rate limit). `/backlog github` shows how it goes; `/backlog github disconnect` stops it.",
		channelRef(r.Channel), repoRef, esc(label), every(a.poll))), nil
}

// githubRefusal says in a sentence why GitHub refused, naming the
// repository; never the token.
func githubRefusal(repo string, err error) error {
	switch {
	case tracker.Pauses(err):
		return prio.Errorf(prio.Invalid, "GitHub refused %s: %s.", esc(repo), err.Error())
	case isRateLimited(err):
		return prio.Errorf(prio.Conflict, "GitHub asks priobot to wait (%s). Try again then.", err.Error())
	}
	return prio.Errorf(prio.Conflict, "I couldn't reach GitHub to check %s (%s). Try again in a minute.", esc(repo), err.Error())
}

func (a *App) githubStatus(ctx context.Context, r Request) (*Reply, error) {
	c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	if !ok || c.State == tracker.Off {
		text := "This backlog is not connected to GitHub. `/backlog github connect owner/repo [label <name>]` connects it (owners): its labelled issues become ideas."
		if a.tracker == nil {
			text = "This backlog is not connected to GitHub, and priobot has no GitHub token yet: whoever runs priobot sets GITHUB_TOKEN first."
		}
		return ephemeral(text), nil
	}
	ideas, err := a.github.LinkedIdeas(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	linked := len(ideas)
	count := fmt.Sprintf("%d ideas are linked to its issues.", linked)
	switch linked {
	case 0:
		count = "No idea is linked to its issues yet."
	case 1:
		count = "1 idea is linked to one of its issues."
	}
	lines := []string{fmt.Sprintf("%s's backlog is connected to %s, label `%s`, by <@%s> on %s. %s",
		channelRef(r.Channel), repoLink(c.Repo), esc(c.Label), c.By, date(c.At), count)}
	switch {
	case c.State == tracker.Paused:
		lines = append(lines, fmt.Sprintf("The sync is paused: %s. `/backlog github connect %s` resumes it once that is fixed.", esc(c.Why), esc(c.Repo.Name)))
	case c.Polled.IsZero():
		lines = append(lines, "The first poll is on its way.")
	default:
		lines = append(lines, fmt.Sprintf("Last poll %s: %s.", moment(c.Polled), esc(c.Outcome)))
	}
	if a.tracker == nil {
		lines = append(lines, "priobot has no GitHub token now (GITHUB_TOKEN), so nothing is polled.")
	}
	return ephemeral(strings.Join(lines, "\n")), nil
}

func (a *App) disconnectGitHub(ctx context.Context, r Request) (*Reply, error) {
	var repo string
	err := a.asOwner(ctx, r, "disconnect it from GitHub", func(actor prio.Actor) (err error) {
		repo, err = a.github.DisconnectGitHub(ctx, r.Team, r.Channel, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	if repo == "" {
		return ephemeral("This backlog is not connected to GitHub."), nil
	}
	a.log.InfoContext(ctx, "github disconnected", "team", r.Team, "channel", r.Channel, "repo", repo, "by", r.User)
	return ephemeral(fmt.Sprintf("Disconnected %s's backlog from %s: priobot stops asking GitHub about it. The ideas made from its issues stay, with their links.",
		channelRef(r.Channel), esc(repo))), nil
}

// repoLink names a repository, linked to its web page.
func repoLink(r tracker.Repo) string {
	if safeURL(r.URL) {
		return "<" + r.URL + "|" + esc(r.Name) + ">"
	}
	return esc(r.Name)
}

// fromIssue says where an imported idea came from: "from acme/app#5 by
// octocat", linked to the issue.
func fromIssue(l *prio.IssueLink) string {
	ref := issueRef(l)
	if l.Author == "" {
		return "from " + ref
	}
	return "from " + ref + " by " + esc(l.Author)
}

// safeURL says whether a URL from outside can stand in a mrkdwn link.
func safeURL(u string) bool {
	return strings.HasPrefix(u, "https://") && !strings.ContainsAny(u, "<>| \t\n\"")
}

// every says how often, in words: "minute", "5 minutes", "30 seconds".
func every(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "minute"
	case d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%d seconds", d/time.Second)
	}
	return d.String()
}
