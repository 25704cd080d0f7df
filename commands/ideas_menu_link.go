package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
)

// linkForm manages an idea's links: one to add, those to remove, and,
// when the backlog follows a GitHub repository, an issue to open for it.
func (a *App) linkForm(ctx context.Context, r Request, idea prio.Idea) (actionForm, error) {
	url := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "https://…", false, false), "value")
	blocks := []slack.Block{
		section("Link *#%d %s* to where its work lives: a tracker issue, a spec. An issue of the backlog's GitHub repository is followed both ways.",
			idea.Number, esc(idea.Title)),
		input(inputLink, "Add a link", url, true, "https:// only; at most 5 links an idea."),
	}
	if len(idea.Links) > 0 {
		var links []*slack.OptionBlockObject
		for i, l := range idea.Links {
			links = append(links, plainOption(strconv.Itoa(i), l))
		}
		blocks = append(blocks, input(inputUnlink, "Remove", slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", links...), true, ""))
	}
	if c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel); err != nil {
		return actionForm{}, err
	} else if ok && c.State == tracker.On && idea.Issue == nil && idea.Status.Open() && a.tracker != nil {
		push := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value",
			plainOption("no", "No issue"), plainOption("push", "Open an issue for it on "+c.Repo.Name))
		blocks = append(blocks, input(inputPush, "GitHub", push, true, "They move together from then on; GitHub owns its title."))
	}
	return actionForm{callback: viewIdeaLink, title: fmt.Sprintf("Links of #%d", idea.Number), submit: "Save", blocks: blocks}, nil
}

// submitLinkForm runs `/backlog unlink` for each link to remove, `/backlog
// link` for the one to add, and `/backlog github push` for an issue.
func (a *App) submitLinkForm(ctx context.Context, r Request) (*Reply, error) {
	r, n, problem := a.readIdeaForm(r)
	if problem != nil {
		return problem, nil
	}
	ideas, err := a.ideas.Ideas(ctx, r.Team, r.Channel, []int64{n})
	if err != nil || len(ideas) == 0 {
		return &Reply{ViewErrors: map[string]string{inputLink: prio.ErrorMessage(notFound(n))}}, err
	}
	var steps []settingsChange
	for i, l := range ideas[0].Links {
		if slices.Contains(strings.Split(r.Values[inputUnlink], ","), strconv.Itoa(i)) {
			steps = append(steps, settingsChange{a.unlink, fmt.Sprintf("#%d %s", n, l), inputUnlink})
		}
	}
	if l := strings.TrimSpace(r.Values[inputLink]); l != "" {
		steps = append(steps, settingsChange{a.link, fmt.Sprintf("#%d %s", n, l), inputLink})
	}
	if r.Values[inputPush] == "push" {
		steps = append(steps, settingsChange{a.githubCmd, fmt.Sprintf("push #%d", n), inputPush})
	}
	if len(steps) == 0 {
		return &Reply{ViewErrors: map[string]string{inputLink: "Add a link, pick one to remove, or open an issue."}}, nil
	}
	for _, s := range steps {
		r.Text = s.text
		if reply, err := a.viaForm(ctx, r, s.handle, s.block); err != nil || reply != nil {
			return reply, err
		}
	}
	return nil, nil
}
