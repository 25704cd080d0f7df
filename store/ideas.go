package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// The fields of an idea's HASH. Criterion values are stored as "v:<id>".
const (
	fNumber     = "number"
	fTitle      = "title"
	fDesc       = "description"
	fAuthor     = "author"
	fAuthorName = "author_name"
	fStatus     = "status"
	fCreated    = "created" // unix milliseconds, like every time here
	fCardTS     = "card_ts"
	fScore      = "score" // "" until every criterion of the framework has a value
	fScoredAt   = "scored_at"
	fScoredBy   = "scored_by"
	fScoredName = "scored_by_name"
	fScoredVia  = "scored_via"
	fStatusBy   = "status_by"
	fStatusName = "status_by_name"
	fStatusAt   = "status_at"
	fReason     = "reason"
	fMergedInto = "merged_into"
	fRev        = "rev"
	valuePrefix = "v:"
)

func admin(a prio.Actor) string {
	if a.Admin {
		return "1"
	}
	return "0"
}

// CreateIdea gives idea the team's next number and stores it in its
// channel's backlog, awaiting scoring; it returns the idea and its 1-based
// place in that queue. Numbers come from one INCR per team, so they are
// never reused across goroutines, replicas or restarts.
func (s *Store) CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error) {
	n, err := s.rdb.Incr(ctx, ideaSeqKey(idea.Team)).Result()
	if err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	idea.Number = n
	t, c := idea.Team, idea.Channel
	place, err := createIdea.Run(ctx, s.rdb,
		[]string{ideaKey(t, c, n), awaitingKey(t, c), titlesKey(t, c), countsKey(t, c), activityKey(t, c)},
		n, member(n), idea.Title, idea.Created.UnixMilli(),
		fNumber, n, fTitle, idea.Title, fDesc, idea.Description, fAuthor, idea.Author, fAuthorName, idea.AuthorName,
		fStatus, string(idea.Status), fCreated, idea.Created.UnixMilli(), fScore, "", fRev, 0,
	).Int64()
	if err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	if place == 0 {
		return prio.Idea{}, 0, fmt.Errorf("idea number %d of team %s already in use", n, t)
	}
	// The indexes live in the team's slot, so they are written apart from
	// the backlog; an idea missing from them is still listed in its channel.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, ideaIndexKey(t), n, c)
		p.ZAdd(ctx, userIdeasKey(t, idea.Author), redis.Z{Score: float64(n), Member: c + ":" + strconv.FormatInt(n, 10)})
		return nil
	})
	if err != nil {
		return prio.Idea{}, 0, translate(err)
	}
	return idea, place, nil
}

// SetCardTS remembers the ts of an idea's card message.
func (s *Store) SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error {
	return translate(s.rdb.HSet(ctx, ideaKey(team, channel, number), fCardTS, ts).Err())
}

// Locate returns the channel whose backlog holds idea number n, or NotFound.
func (s *Store) Locate(ctx context.Context, team string, n int64) (string, error) {
	c, err := s.rdb.HGet(ctx, ideaIndexKey(team), strconv.FormatInt(n, 10)).Result()
	if err == redis.Nil {
		return "", prio.Errorf(prio.NotFound, "There is no idea #%d.", n)
	}
	return c, translate(err)
}

// Where returns an idea with where it sits in its backlog: one round trip.
func (s *Store) Where(ctx context.Context, team, channel string, n int64) (prio.Idea, prio.Position, error) {
	res, err := position.Run(ctx, s.rdb,
		[]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), supportersKey(team, channel, n), metaKey(team, channel)},
		member(n)).Slice()
	if err != nil {
		return prio.Idea{}, prio.Position{}, translate(err)
	}
	if len(res) == 0 {
		return prio.Idea{}, prio.Position{}, notHere(n)
	}
	idea := decodeIdea(team, channel, pairs(res[0]))
	idea.Supporters = res[1].(int64)
	fw, err := prio.LookupFramework(res[6].(string))
	if err != nil {
		return prio.Idea{}, prio.Position{}, err
	}
	pos := prio.Position{Place: res[2].(int64), Of: res[3].(int64), Queue: res[4].(int64) == 1, Framework: fw.Name}
	for _, m := range res[5].([]any) {
		pos.Above = append(pos.Above, parseMember(m.(string)))
	}
	return idea, pos, nil
}

func notHere(n int64) error {
	return prio.Errorf(prio.NotFound, "There is no idea #%d in this channel's backlog.", n)
}

// Ranked returns up to limit of a backlog's ranked ideas from offset (best
// first) and how many are ranked in all.
func (s *Store) Ranked(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.page(ctx, team, channel, rankedKey(team, channel), offset, limit)
}

// Awaiting returns up to limit of a backlog's ideas awaiting scoring, oldest
// first from offset, and how many there are in all.
func (s *Store) Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.page(ctx, team, channel, awaitingKey(team, channel), offset, limit)
}

// page reads a slice of a sorted set of ideas: two round trips, the
// members and then one pipeline of the ideas.
func (s *Store) page(ctx context.Context, team, channel, key string, offset, limit int64) ([]prio.Idea, int64, error) {
	var (
		members *redis.StringSliceCmd
		total   *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		members = p.ZRange(ctx, key, offset, offset+limit-1)
		total = p.ZCard(ctx, key)
		return nil
	})
	if err != nil {
		return nil, 0, translate(err)
	}
	numbers := make([]int64, len(members.Val()))
	for i, m := range members.Val() {
		numbers[i] = parseMember(m)
	}
	ideas, err := s.Ideas(ctx, team, channel, numbers)
	return ideas, total.Val(), err
}

// Ideas loads ideas of one backlog by number, in order, with their
// supporter counts, skipping numbers that are not there.
func (s *Store) Ideas(ctx context.Context, team, channel string, numbers []int64) ([]prio.Idea, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	hashes := make([]*redis.MapStringStringCmd, len(numbers))
	counts := make([]*redis.IntCmd, len(numbers))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range numbers {
			hashes[i] = p.HGetAll(ctx, ideaKey(team, channel, n))
			counts[i] = p.SCard(ctx, supportersKey(team, channel, n))
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	out := make([]prio.Idea, 0, len(numbers))
	for i, h := range hashes {
		if len(h.Val()) > 0 {
			idea := decodeIdea(team, channel, h.Val())
			idea.Supporters = counts[i].Val()
			out = append(out, idea)
		}
	}
	return out, nil
}

// Titles returns every idea's title in a backlog by number.
func (s *Store) Titles(ctx context.Context, team, channel string) (map[int64]string, error) {
	raw, err := s.rdb.HGetAll(ctx, titlesKey(team, channel)).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]string, len(raw))
	for k, v := range raw {
		n, _ := strconv.ParseInt(k, 10, 64)
		out[n] = v
	}
	return out, nil
}

// Counts returns how many ideas a backlog has in each status.
func (s *Store) Counts(ctx context.Context, team, channel string) (map[prio.Status]int64, error) {
	raw, err := s.rdb.HGetAll(ctx, countsKey(team, channel)).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := map[prio.Status]int64{}
	for k, v := range raw {
		if n, _ := strconv.ParseInt(v, 10, 64); n > 0 {
			out[prio.Status(k)] = n
		}
	}
	return out, nil
}

// UserIdeas lists the (channel, number) of up to limit of the ideas a
// person submitted, newest first from offset, and how many they submitted.
func (s *Store) UserIdeas(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error) {
	var (
		page  *redis.StringSliceCmd
		total *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		page = p.ZRevRange(ctx, userIdeasKey(team, user), offset, offset+limit-1)
		total = p.ZCard(ctx, userIdeasKey(team, user))
		return nil
	})
	if err != nil {
		return nil, 0, translate(err)
	}
	refs := page.Val()
	out := make([]prio.Idea, 0, len(refs))
	for _, ref := range refs {
		c, num, _ := strings.Cut(ref, ":")
		n, _ := strconv.ParseInt(num, 10, 64)
		out = append(out, prio.Idea{Team: team, Channel: c, Number: n})
	}
	return out, total.Val(), nil
}

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
// status is one of from. It returns the status it had and now has.
func (s *Store) SetStatus(ctx context.Context, team, channel string, n int64, actor prio.Actor, to prio.Status, reason string, from []prio.Status, now time.Time) (prio.Status, prio.Status, error) {
	allowed := ","
	for _, st := range from {
		allowed += string(st) + ","
	}
	res, err := setStatus.Run(ctx, s.rdb,
		[]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel), activityKey(team, channel)},
		actor.ID, admin(actor), string(to), reason, now.UnixMilli(), allowed, member(n), n, actor.Name).Slice()
	if err != nil {
		return "", "", translate(err)
	}
	if err := refusal(res, n, to.Label()); err != nil {
		return "", "", err
	}
	return prio.Status(res[1].(string)), prio.Status(res[2].(string)), nil
}

// Merge folds idea from into idea into, moving its author and supporters.
// Owners may merge any two open ideas; an author may merge their own. It
// returns who now supports into because of the merge.
func (s *Store) Merge(ctx context.Context, team, channel string, from, into int64, actor prio.Actor, now time.Time) ([]string, error) {
	res, err := merge.Run(ctx, s.rdb,
		[]string{ideaKey(team, channel, from), supportersKey(team, channel, from), ideaKey(team, channel, into), supportersKey(team, channel, into),
			rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel), activityKey(team, channel)},
		actor.ID, admin(actor), now.UnixMilli(), member(from), from, into, actor.Name).Slice()
	if err != nil {
		return nil, translate(err)
	}
	which := from
	if res[0] != "ok" && res[len(res)-1] == "into" {
		which = into
	}
	if err := refusal(res, which, "merged"); err != nil {
		return nil, err
	}
	moved := make([]string, 0, len(res)-2)
	for _, u := range res[2:] {
		moved = append(moved, u.(string))
	}
	return moved, nil
}

// ToggleSupport adds user as a supporter of idea n, or withdraws them if
// they were one. It reports whether they now support it, and the count.
func (s *Store) ToggleSupport(ctx context.Context, team, channel string, n int64, user string) (bool, int64, error) {
	res, err := toggleSupport.Run(ctx, s.rdb, []string{ideaKey(team, channel, n), supportersKey(team, channel, n)}, user).Slice()
	if err != nil {
		return false, 0, translate(err)
	}
	if err := refusal(res, n, "supported"); err != nil {
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
// via is "owner" or "poker"; a poker result needs no owner rights.
func (s *Store) SetScore(ctx context.Context, team, channel string, n int64, actor prio.Actor, values map[string]float64, via string, now time.Time) (prio.Idea, error) {
	for range maxTries {
		fw, err := s.Framework(ctx, team, channel)
		if err != nil {
			return prio.Idea{}, err
		}
		ideas, err := s.Ideas(ctx, team, channel, []int64{n})
		if err != nil {
			return prio.Idea{}, err
		}
		if len(ideas) == 0 {
			return prio.Idea{}, notHere(n)
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
		args := []any{actor.ID, asAdmin, fw.Name, prio.DefaultFramework.Name, idea.Rev, scoreArg, via, now.UnixMilli(), member(n), n, actor.Name}
		for id, v := range values {
			args = append(args, valuePrefix+id, strconv.FormatFloat(v, 'f', -1, 64))
		}
		res, err := setScore.Run(ctx, s.rdb,
			[]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), metaKey(team, channel), countsKey(team, channel), activityKey(team, channel)},
			args...).Slice()
		if err != nil {
			return prio.Idea{}, translate(err)
		}
		if err := refusal(res, n, "scored"); err != errStale {
			if err != nil {
				return prio.Idea{}, err
			}
			idea.Status, idea.Score, idea.Scored = prio.Status(res[2].(string)), score, complete
			return idea, nil
		}
	}
	return prio.Idea{}, errStale
}

// Framework returns the scoring framework of a backlog.
func (s *Store) Framework(ctx context.Context, team, channel string) (prio.Framework, error) {
	name, err := s.rdb.HGet(ctx, metaKey(team, channel), "framework").Result()
	if err != nil && err != redis.Nil {
		return prio.Framework{}, translate(err)
	}
	return prio.LookupFramework(name)
}

// SetFramework switches a backlog to framework fw and re-ranks every idea by
// its stored values under it; ideas lacking a value go back to the queue.
func (s *Store) SetFramework(ctx context.Context, team, channel string, fw prio.Framework, actor prio.Actor) error {
	for range maxTries {
		rev, err := s.rdb.HGet(ctx, metaKey(team, channel), fRev).Result()
		if err == redis.Nil {
			rev = "0"
		} else if err != nil {
			return translate(err)
		}
		titles, err := s.Titles(ctx, team, channel)
		if err != nil {
			return err
		}
		numbers := make([]int64, 0, len(titles))
		for n := range titles {
			numbers = append(numbers, n)
		}
		ideas, err := s.Ideas(ctx, team, channel, numbers)
		if err != nil {
			return err
		}
		keys := []string{metaKey(team, channel), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel)}
		args := []any{actor.ID, admin(actor), fw.Name, rev}
		for _, idea := range ideas {
			score := ""
			if v, ok := fw.Score(idea.Values); ok {
				score = strconv.FormatFloat(v, 'f', -1, 64)
			}
			keys = append(keys, ideaKey(team, channel, idea.Number))
			args = append(args, member(idea.Number), idea.Number, score)
		}
		res, err := setFramework.Run(ctx, s.rdb, keys, args...).Slice()
		if err != nil {
			return translate(err)
		}
		if err := refusal(res, 0, ""); err != errStale {
			return err
		}
	}
	return errStale
}

// Owners lists a backlog's owners; none means anyone may manage it.
func (s *Store) Owners(ctx context.Context, team, channel string) ([]string, error) {
	owners, err := s.rdb.SMembers(ctx, ownersKey(team, channel)).Result()
	return owners, translate(err)
}

// ChangeOwners adds ("add") or removes ("remove") owners and returns the
// owners after the change.
func (s *Store) ChangeOwners(ctx context.Context, team, channel string, actor prio.Actor, op string, users []string) ([]string, error) {
	args := []any{actor.ID, admin(actor), op}
	for _, u := range users {
		args = append(args, u)
	}
	res, err := changeOwners.Run(ctx, s.rdb, []string{ownersKey(team, channel)}, args...).Slice()
	if err != nil {
		return nil, translate(err)
	}
	if err := refusal(res, 0, ""); err != nil {
		return nil, err
	}
	owners := make([]string, 0, len(res)-1)
	for _, u := range res[1:] {
		owners = append(owners, u.(string))
	}
	return owners, nil
}

// ChannelPrivacy returns whether a channel is private, if recorded.
func (s *Store) ChannelPrivacy(ctx context.Context, team, channel string) (private, known bool, err error) {
	v, err := s.rdb.HGet(ctx, metaKey(team, channel), "private").Result()
	if err == redis.Nil {
		return false, false, nil
	}
	return v == "1", err == nil, translate(err)
}

// SetChannelPrivacy records whether a channel is private.
func (s *Store) SetChannelPrivacy(ctx context.Context, team, channel string, private bool) error {
	v := "0"
	if private {
		v = "1"
	}
	return translate(s.rdb.HSet(ctx, metaKey(team, channel), "private", v).Err())
}

func pairs(v any) map[string]string {
	list, _ := v.([]any)
	out := make(map[string]string, len(list)/2)
	for i := 0; i+1 < len(list); i += 2 {
		out[list[i].(string)] = list[i+1].(string)
	}
	return out
}

func parseMember(m string) int64 {
	n, _ := strconv.ParseInt(m, 10, 64)
	return n
}

func millis(s string) time.Time {
	ms, _ := strconv.ParseInt(s, 10, 64)
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func decodeIdea(team, channel string, h map[string]string) prio.Idea {
	idea := prio.Idea{
		Team: team, Channel: channel, Number: parseMember(h[fNumber]),
		Title: h[fTitle], Description: h[fDesc], Author: h[fAuthor], AuthorName: h[fAuthorName],
		Status: prio.Status(h[fStatus]), Created: millis(h[fCreated]), CardTS: h[fCardTS],
		Values:   map[string]float64{},
		ScoredAt: millis(h[fScoredAt]), ScoredBy: h[fScoredBy], ScoredByName: h[fScoredName], ScoredVia: h[fScoredVia],
		StatusBy: h[fStatusBy], StatusByName: h[fStatusName], StatusAt: millis(h[fStatusAt]), Reason: h[fReason],
		MergedInto: parseMember(h[fMergedInto]), Rev: parseMember(h[fRev]), Agreement: h["agreement"],
	}
	if h[fScore] != "" {
		idea.Score, _ = strconv.ParseFloat(h[fScore], 64)
		idea.Scored = true
	}
	for k, v := range h {
		if id, ok := strings.CutPrefix(k, valuePrefix); ok {
			idea.Values[id], _ = strconv.ParseFloat(v, 64)
		}
	}
	return idea
}
