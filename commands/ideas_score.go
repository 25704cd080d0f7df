package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
)

// score serves `/backlog score #12 value=8 effort=3`.
func (a *App) score(ctx context.Context, r Request) (*Reply, error) {
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	n, values, err := prio.ParseScore(r.Text, fw)
	if err != nil {
		return nil, err
	}
	before, _, err := a.ideas.Where(ctx, r.Team, r.Channel, n)
	if err != nil {
		return nil, err
	}
	var (
		idea prio.Idea
		told int
	)
	err = a.asOwner(ctx, r, fmt.Sprintf("score #%d", n), func(actor prio.Actor) (err error) {
		idea, told, err = a.ideas.SetScore(ctx, r.Team, r.Channel, n, actor, values, 0, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	a.homesChanged(r.Team, r.Channel)
	if !idea.Scored {
		var missing []string
		for _, c := range fw.Criteria {
			if _, ok := idea.Values[c.ID]; !ok {
				missing = append(missing, c.Key)
			}
		}
		return ephemeral(fmt.Sprintf("Saved. #%d still needs %s before it is ranked.", n, strings.Join(missing, ", "))), nil
	}
	if before.Status == idea.Status {
		// No status change: nobody else needs a DM.
		_, where, err := a.whereText(ctx, r.Team, r.Channel, n)
		if err != nil {
			return nil, err
		}
		return ephemeral(plainText("Saved. "+where), section("Saved. %s", where)), nil
	}
	return a.announce(ctx, r, outbox.Item{Kind: outbox.Scored, Idea: n, Rescored: before.Scored}, told)
}
