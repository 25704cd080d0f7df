package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/priobot/priobot/prio"
)

// What changes an idea: its status, a merge, support, its score.

// refusal turns a script's refusal into a domain error about idea n; what
// says what was asked ("declined", "merged"), for a status conflict.
func refusal(res []any, n int64, what string) error {
	code, _ := res[0].(string)
	switch code {
	case "ok", "added", "removed":
		return nil
	case "missing":
		return notHere(n)
	case "forbidden":
		return errForbidden
	case "author":
		return prio.Errorf(prio.Invalid, "You submitted #%d, so it is yours already: Me too is for the others who want it. %s.", n, supportersBesides(res))
	case "state":
		st := prio.Status(res[1].(string))
		return prio.Errorf(prio.Conflict, "#%d is %s, so it can't be %s. `/backlog reopen #%d` puts it back in play first.", n, st.Label(), what, n)
	case "stale":
		return errStale
	}
	return fmt.Errorf("script answered %v", res)
}

// supportersBesides counts the supporters an author's refused Me too
// reports: "It has 2 supporters besides you".
func supportersBesides(res []any) string {
	n, _ := res[1].(int64)
	if n == 1 {
		return "It has 1 supporter besides you"
	}
	return fmt.Sprintf("It has %d supporters besides you", n)
}

var (
	errForbidden = prio.Errorf(prio.Forbidden, "Only this backlog's owners (and workspace admins) can do that. `/backlog owners` shows who they are.")
	errStale     = prio.Errorf(prio.Conflict, "That idea changed while I was saving. Please try again.")
)

// SetStatus moves idea n to status to ("reopen" for back into play) if its
// status is one of from. It returns the status it had and now has, and
// how many people its outbox will tell (the author and supporters).
func (s *Store) SetStatus(ctx context.Context, team, channel string, n int64, actor prio.Actor, to prio.Status, reason string, from []prio.Status, now time.Time) (was, is prio.Status, told int, err error) {
	allowed := ","
	for _, st := range from {
		allowed += string(st) + ","
	}
	res, err := setStatus.Run(ctx, s.rdb,
		with([]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel), activityKey(team, channel),
			unscoredKey(team, channel), supportersKey(team, channel, n), outboxSeqKey(team, channel), outboxItemsKey(team, channel),
			outboxDueKey(team, channel), outboxOrderKey(team, channel), outboxAgeKey(team, channel)}, with(eventKeys(team, channel),
			[]string{historyKey(team, channel, n), roadmapKey(team, channel), doneKey(team, channel)})),
		actor.ID, admin(actor), string(to), reason, now.UnixMilli(), allowed, member(n), n, actor.Name).Slice()
	if err != nil {
		return "", "", 0, translate(err)
	}
	if err := refusal(res, n, to.Label()); err != nil {
		return "", "", 0, err
	}
	return prio.Status(res[1].(string)), prio.Status(res[2].(string)), int(res[3].(int64)), nil
}

// Merge folds idea from into idea into, moving its author and supporters.
// Owners may merge any two open ideas; an author may merge their own. It
// returns how many people its outbox will tell (who followed from, and
// into's author).
func (s *Store) Merge(ctx context.Context, team, channel string, from, into int64, actor prio.Actor, now time.Time) (told int, err error) {
	res, err := merge.Run(ctx, s.rdb,
		with([]string{ideaKey(team, channel, from), supportersKey(team, channel, from), ideaKey(team, channel, into), supportersKey(team, channel, into),
			rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel), activityKey(team, channel),
			unscoredKey(team, channel), outboxSeqKey(team, channel), outboxItemsKey(team, channel), outboxDueKey(team, channel),
			outboxOrderKey(team, channel), outboxAgeKey(team, channel)}, with(eventKeys(team, channel), []string{historyKey(team, channel, from), historyKey(team, channel, into),
			roadmapKey(team, channel), doneKey(team, channel)})),
		actor.ID, admin(actor), now.UnixMilli(), member(from), from, into, actor.Name, member(into)).Slice()
	if err != nil {
		return 0, translate(err)
	}
	which := from
	if res[0] != "ok" && res[len(res)-1] == "into" {
		which = into
	}
	if err := refusal(res, which, "merged"); err != nil {
		return 0, err
	}
	return int(res[2].(int64)), nil
}

// ToggleSupport adds user as a supporter of idea n, or withdraws them if
// they were one. It reports whether they now support it, and the count.
func (s *Store) ToggleSupport(ctx context.Context, team, channel string, n int64, user prio.Actor, now time.Time) (bool, int64, error) {
	res, err := toggleSupport.Run(ctx, s.rdb, with(with([]string{ideaKey(team, channel, n), supportersKey(team, channel, n)}, eventKeys(team, channel)),
		[]string{historyKey(team, channel, n)}),
		user.ID, user.Name, member(n), now.UnixMilli()).Slice()
	if err != nil {
		return false, 0, translate(err)
	}
	if err := refusal(res, n, "supported"); err != nil {
		return false, 0, err
	}
	// The person's index lives in the team's slot: written apart, and a
	// Home shows what the idea says when they differ.
	if err := s.noteSupport(ctx, team, channel, n, user.ID, res[0] == "added", now); err != nil {
		return false, 0, err
	}
	return res[0] == "added", res[1].(int64), nil
}

// ClaimIdeaRedraw takes the right to redraw idea n's card for the next
// second; false when someone else holds it.
func (s *Store) ClaimIdeaRedraw(ctx context.Context, team, channel string, n int64) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, ideaRenderKey(team, channel, n), 1, time.Second).Result()
	return ok, translate(err)
}

// Supporters lists who supports idea n.
func (s *Store) Supporters(ctx context.Context, team, channel string, n int64) ([]string, error) {
	users, err := s.rdb.SMembers(ctx, supportersKey(team, channel, n)).Result()
	return users, translate(err)
}

// maxTries bounds the read-compute-write retries of scoring.
const maxTries = 5

// SetScore stores criterion values for idea n and re-ranks it. The score is
// computed here from all its values under the backlog's framework, and
// written only if neither changed meanwhile (else it is computed again).
// session is the poker session whose result it is, 0 for an owner's
// score; a poker result needs no owner rights.
func (s *Store) SetScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, session int64, now time.Time) (prio.Idea, int, error) {
	src := scoreSource{via: "owner"}
	if session != 0 {
		src = scoreSource{via: "poker", session: session}
	}
	return s.setScore(ctx, team, channel, n, actor, values, src, now)
}

// SetRated stores values an owner took from a closed round of ratings
// (count ratings; set says what was set, "reach 6.2"), as SetScore does.
func (s *Store) SetRated(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, round int64, count int, set string, now time.Time) (prio.Idea, int, error) {
	return s.setScore(ctx, team, channel, n, actor, values, scoreSource{via: "ratings", session: round, count: count, set: set}, now)
}

// scoreSource is where a score came from: an owner, a poker session, or a
// round of ratings (its id, how many ratings, what was set).
type scoreSource struct {
	via     string
	session int64
	count   int
	set     string
}

func (s *Store) setScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, src scoreSource, now time.Time) (prio.Idea, int, error) {
	via, session := src.via, src.session
	for range maxTries {
		fw, err := s.Framework(ctx, team, channel)
		if err != nil {
			return prio.Idea{}, 0, err
		}
		ideas, err := s.Ideas(ctx, team, channel, []int64{n})
		if err != nil {
			return prio.Idea{}, 0, err
		}
		if len(ideas) == 0 {
			return prio.Idea{}, 0, notHere(n)
		}
		idea := ideas[0]
		for id, v := range values {
			idea.Values[id] = v
		}
		score, complete := fw.Score(idea.Values)
		scoreArg := ""
		if complete {
			scoreArg = strconv.FormatFloat(score, 'f', -1, 64)
		}
		asAdmin := admin(actor)
		if via == "poker" {
			asAdmin = "1"
		}
		args := []any{actor.ID, asAdmin, fw.Name, prio.DefaultFramework.Name, idea.Rev, scoreArg, via, now.UnixMilli(), member(n), n, actor.Name, session,
			src.count, src.set}
		for id, v := range values {
			args = append(args, valuePrefix+id, strconv.FormatFloat(v, 'f', -1, 64))
		}
		res, err := setScore.Run(ctx, s.rdb,
			with([]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), metaKey(team, channel), countsKey(team, channel), activityKey(team, channel),
				unscoredKey(team, channel), supportersKey(team, channel, n), outboxSeqKey(team, channel), outboxItemsKey(team, channel),
				outboxDueKey(team, channel), outboxOrderKey(team, channel), outboxAgeKey(team, channel)}, with(eventKeys(team, channel), []string{historyKey(team, channel, n)})),
			args...).Slice()
		if err != nil {
			return prio.Idea{}, 0, translate(err)
		}
		if err := refusal(res, n, "scored"); err != errStale {
			if err != nil {
				return prio.Idea{}, 0, err
			}
			idea.Status, idea.Score, idea.Scored = prio.Status(res[2].(string)), score, complete
			return idea, int(res[3].(int64)), nil
		}
	}
	return prio.Idea{}, 0, errStale
}
