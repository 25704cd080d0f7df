package commands

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/priobot/priobot/prio"
)

// link serves `/backlog link #12 <https-url>`.
func (a *App) link(ctx context.Context, r Request) (*Reply, error) {
	return a.changeLink(ctx, r, "add")
}

// unlink serves `/backlog unlink #12 <https-url>`.
func (a *App) unlink(ctx context.Context, r Request) (*Reply, error) {
	return a.changeLink(ctx, r, "remove")
}

func (a *App) changeLink(ctx context.Context, r Request, op string) (*Reply, error) {
	n, link, err := prio.ParseLink(r.Text)
	if err != nil {
		return nil, err
	}
	err = a.manage(ctx, r, func(actor prio.Actor) error {
		return a.ideas.ChangeLinks(ctx, r.Team, r.Channel, n, actor, op, link, a.now())
	})
	if prio.ErrorCode(err) == prio.Forbidden {
		return nil, prio.Errorf(prio.Forbidden, "Only #%d's author or this backlog's owners (and workspace admins) can change its links.", n)
	}
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	tied := a.tieIssue(ctx, r, n, link, op)
	if op == "add" {
		return ephemeral(fmt.Sprintf("#%d now links to %s. The link shows on its card and in `/backlog #%d`.%s", n, esc(link), n, tied)), nil
	}
	return ephemeral(fmt.Sprintf("#%d no longer links to %s.%s", n, esc(link), tied)), nil
}

// links shows an idea's links by host and path: "Links: jira.example.com/PROJ-12";
// the issue it follows, when pushed there, by name: "acme/app#41".
func links(idea prio.Idea) string {
	var shown []string
	if is := idea.Issue; is != nil && idea.Author != "" && !slices.Contains(idea.Links, is.URL) {
		shown = append(shown, issueRef(is))
	}
	for _, l := range idea.Links {
		label := l
		if u, err := url.Parse(l); err == nil {
			label = strings.TrimSuffix(u.Host+u.EscapedPath(), "/")
		}
		shown = append(shown, "<"+l+"|"+esc(prio.Shorten(label, 60))+">")
	}
	if len(shown) == 0 {
		return ""
	}
	return "Links: " + strings.Join(shown, " · ")
}
