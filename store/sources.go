package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// supportSource adds people as supporters of the idea a Slack message
// made (a second "Add to backlog" on it), if it is still that idea and
// open; the idea's author is left out.
//
// KEYS[1] -> the backlog's sources, KEYS[2] -> the idea, KEYS[3] -> its
// supporters, KEYS[4..13] -> the backlog's event keys (idea.updated),
// KEYS[14] -> its history
// ARGV[1] -> the message ("channel:ts"), ARGV[2] -> the idea's number,
// ARGV[3] -> the people ("U1,U2"), ARGV[4] -> now (unix ms), ARGV[5] ->
// who added the message again, ARGV[6] -> their name, ARGV[7] -> member
// Output: {how many became supporters, supporters, status}, or {-1} when
// the message no longer names that idea.
var supportSource = redis.NewScript(prelude + `
if redis.call("HGET", KEYS[1], ARGV[1]) ~= ARGV[2] or redis.call("EXISTS", KEYS[2]) == 0 then return {-1} end
local status = redis.call("HGET", KEYS[2], "status")
local had = redis.call("SCARD", KEYS[3])
if isopen(status) then
	local author = redis.call("HGET", KEYS[2], "author")
	for u in string.gmatch(ARGV[3], "[^,]+") do
		if u ~= author then redis.call("SADD", KEYS[3], u) end
	end
end
local has = redis.call("SCARD", KEYS[3])
if has ~= had then
	redis.call("HINCRBY", KEYS[2], "rev", 1)
	record(KEYS[14], KEYS[2], {k = "support", at = tonumber(ARGV[4]), by = ARGV[5], name = ARGV[6], on = true, n = has - had})
	announce(4, {event = "idea.updated", change = "supporters", idea = tonumber(ARGV[2]), from = tostring(had), status = tostring(has),
		actor = ARGV[6], actor_id = ARGV[5], at = tonumber(ARGV[4])}, KEYS[2], KEYS[3], ARGV[7], tonumber(ARGV[4]))
end
return {has - had, has, status}
`)

// CreateRequested makes an idea with requesters as its supporters, in one
// script. One made from a Slack message (idea.Source) is made once per
// backlog: when the message made an idea here already, requesters and
// actor join that idea's supporters instead. Two people adding one
// message at once make one idea.
func (s *Store) CreateRequested(ctx context.Context, idea prio.Idea, requesters []string, actor prio.Actor, now time.Time) (prio.Sourced, error) {
	if idea.Source == nil {
		created, place, _, err := s.create(ctx, idea, requesters)
		return prio.Sourced{Idea: created, Place: place}, err
	}
	t, c := idea.Team, idea.Channel
	ref := sourceRef(idea.Source.Channel, idea.Source.TS)
	taken, err := s.rdb.HGet(ctx, sourcesKey(t, c), ref).Int64()
	if err != nil && err != redis.Nil {
		return prio.Sourced{}, translate(err)
	}
	if taken == 0 {
		created, place, raced, err := s.create(ctx, idea, requesters)
		if err != nil || raced == 0 {
			return prio.Sourced{Idea: created, Place: place}, err
		}
		taken = raced
	}
	res, err := supportSource.Run(ctx, s.rdb, with(with([]string{sourcesKey(t, c), ideaKey(t, c, taken), supportersKey(t, c, taken)}, eventKeys(t, c)),
		[]string{historyKey(t, c, taken)}),
		ref, taken, strings.Join(append(requesters, actor.ID), ","), now.UnixMilli(), actor.ID, actor.Name, member(taken)).Slice()
	if err != nil {
		return prio.Sourced{}, translate(err)
	}
	if res[0].(int64) < 0 {
		return prio.Sourced{Taken: true, Missing: true, Idea: prio.Idea{Number: taken}}, nil
	}
	for _, u := range append(requesters, actor.ID) {
		if err := s.noteSupport(ctx, t, c, taken, u, true, now); err != nil {
			return prio.Sourced{}, err
		}
	}
	return prio.Sourced{Taken: true, Joined: res[0].(int64), Idea: prio.Idea{Team: t, Channel: c, Number: taken, Supporters: res[1].(int64),
		Status: prio.Status(res[2].(string))}}, nil
}

// SilenceSource marks idea n's source thread as one priobot cannot post
// in: its news then go by DM only.
func (s *Store) SilenceSource(ctx context.Context, team, channel string, n int64) error {
	return translate(s.rdb.HSet(ctx, ideaKey(team, channel, n), fSourceSilent, "1").Err())
}

// changeLinks adds or removes a link of an idea, for an owner or the
// idea's author: at most ARGV[5] links, each once.
//
// KEYS[1] -> the idea, KEYS[2] -> owners, KEYS[3] -> its supporters,
// KEYS[4..13] -> the backlog's event keys (idea.updated, change "links"),
// KEYS[14] -> its history
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "add"
// or "remove", ARGV[4] -> the URL, ARGV[5] -> the most links, ARGV[6] ->
// now (unix ms), ARGV[7] -> actor's name, ARGV[8] -> member, ARGV[9] -> number
// Output: {"ok", links after} or "missing", "forbidden", "full", "exists", "absent".
var changeLinks = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if redis.call("HGET", KEYS[1], "author") ~= ARGV[1] and not allowed(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
local raw = redis.call("HGET", KEYS[1], "links")
local links = {}
if raw and raw ~= "" then links = cjson.decode(raw) end
local at = 0
for i, l in ipairs(links) do if l == ARGV[4] then at = i end end
local had = #links
if ARGV[3] == "add" then
	if at > 0 then return {"exists"} end
	if #links >= tonumber(ARGV[5]) then return {"full"} end
	table.insert(links, ARGV[4])
else
	if at == 0 then return {"absent"} end
	table.remove(links, at)
end
local out = "[]"
if #links > 0 then out = cjson.encode(links) end
redis.call("HSET", KEYS[1], "links", out)
redis.call("HINCRBY", KEYS[1], "rev", 1)
record(KEYS[14], KEYS[1], {k = "link", at = tonumber(ARGV[6]), by = ARGV[1], name = ARGV[7], url = ARGV[4], on = ARGV[3] == "add"})
announce(4, {event = "idea.updated", change = "links", idea = tonumber(ARGV[9]), from = tostring(had), status = tostring(#links),
	actor = ARGV[7], actor_id = ARGV[1], at = tonumber(ARGV[6])}, KEYS[1], KEYS[3], ARGV[8], tonumber(ARGV[6]))
return {"ok", #links}
`)

// ChangeLinks adds (op "add") or removes ("remove") a link of idea n, for
// its author or the backlog's owners.
func (s *Store) ChangeLinks(ctx context.Context, team, channel string, n int64, actor prio.Actor, op, link string, now time.Time) error {
	res, err := changeLinks.Run(ctx, s.rdb, with(with([]string{ideaKey(team, channel, n), ownersKey(team, channel), supportersKey(team, channel, n)},
		eventKeys(team, channel)), []string{historyKey(team, channel, n)}), actor.ID, admin(actor), op, link, prio.MaxLinks, now.UnixMilli(), actor.Name, member(n), n).Slice()
	if err != nil {
		return translate(err)
	}
	switch res[0] {
	case "full":
		return prio.Errorf(prio.Conflict, "#%d has %d links already, the most an idea may have. `/backlog unlink #%d <url>` makes room.", n, prio.MaxLinks, n)
	case "exists":
		return prio.Errorf(prio.Conflict, "#%d links to %s already.", n, link)
	case "absent":
		return prio.Errorf(prio.NotFound, "#%d has no link to %s. `/backlog #%d` shows its links.", n, link, n)
	}
	return refusal(res, n, "linked")
}

// History returns up to limit entries of idea n's history from offset,
// oldest first, how many there are, and how many older ones were dropped
// to keep it bounded.
func (s *Store) History(ctx context.Context, team, channel string, n int64, offset, limit int64) ([]prio.Event, int64, int64, error) {
	var (
		list    *redis.StringSliceCmd
		total   *redis.IntCmd
		earlier *redis.StringCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		list = p.LRange(ctx, historyKey(team, channel, n), offset, offset+limit-1)
		total = p.LLen(ctx, historyKey(team, channel, n))
		earlier = p.HGet(ctx, ideaKey(team, channel, n), "history_earlier")
		return nil
	})
	if err != nil && err != redis.Nil {
		return nil, 0, 0, translate(err)
	}
	out := make([]prio.Event, 0, len(list.Val()))
	for _, raw := range list.Val() {
		var e prio.Event
		if json.Unmarshal([]byte(raw), &e) == nil {
			out = append(out, e)
		}
	}
	dropped, _ := strconv.ParseInt(earlier.Val(), 10, 64)
	return out, total.Val(), dropped, nil
}

// Rounds returns the revealed votes of each round of idea n's card in a
// session, "criterion key -> voter -> vote", oldest round first: the
// rounds re-voted, and the last one once revealed. Votes never revealed
// are not returned.
func (s *Store) Rounds(ctx context.Context, ps poker.Session, n int64) ([]map[string]map[string]string, error) {
	card, err := s.Card(ctx, ps, n)
	if err != nil {
		return nil, err
	}
	var out []map[string]map[string]string
	for r := 1; r < card.Round; r++ {
		raw, err := s.rdb.HGetAll(ctx, roundKey(ps.Team, ps.Channel, ps.ID, n, r)).Result()
		if err != nil {
			return nil, translate(err)
		}
		round := map[string]map[string]string{}
		for field, v := range raw {
			voter, crit, _ := strings.Cut(field, "|")
			if round[crit] == nil {
				round[crit] = map[string]string{}
			}
			round[crit][voter], _, _ = strings.Cut(v, "|")
		}
		out = append(out, round)
	}
	if card.Votes != nil && !card.Revealed.IsZero() { // skipped unrevealed: hidden
		out = append(out, card.Votes)
	}
	return out, nil
}
