package store

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// saveGoal adds a goal (ARGV[3] "0") or renames one, if the actor may
// manage the backlog, the name is free (case aside) and, for a new one,
// the backlog has fewer than ARGV[5].
//
// KEYS[1] -> goals, KEYS[2] -> goal seq, KEYS[3] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> the
// goal's id ("0" for a new one), ARGV[4] -> its name, ARGV[5] -> most
// goals, ARGV[6] -> its description ("" keeps a renamed goal's)
// Output: {"ok", id}, {"taken"}, {"full"}, {"missing"} or {"forbidden"}.
var saveGoal = redis.NewScript(prelude + `
if not allowed(KEYS[3], ARGV[1], ARGV[2]) then return {"forbidden"} end
local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
	if all[i] ~= ARGV[3] and string.lower(cjson.decode(all[i + 1]).name) == string.lower(ARGV[4]) then return {"taken"} end
end
local id = ARGV[3]
local desc = ARGV[6]
if id == "0" then
	if #all / 2 >= tonumber(ARGV[5]) then return {"full"} end
	id = tostring(redis.call("INCR", KEYS[2]))
else
	local was = redis.call("HGET", KEYS[1], id)
	if not was then return {"missing"} end
	if desc == "" then desc = cjson.decode(was).description or "" end
end
local g = {id = tonumber(id), name = ARGV[4]}
if desc ~= "" then g.description = desc end
redis.call("HSET", KEYS[1], id, cjson.encode(g))
return {"ok", id}
`)

// AddGoal adds a goal to a backlog, for an owner.
func (s *Store) AddGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) (prio.Goal, error) {
	return s.saveGoal(ctx, team, channel, g, actor)
}

// RenameGoal renames goal g.ID (and, when given, changes its description).
func (s *Store) RenameGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) (prio.Goal, error) {
	return s.saveGoal(ctx, team, channel, g, actor)
}

func (s *Store) saveGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) (prio.Goal, error) {
	res, err := saveGoal.Run(ctx, s.rdb, []string{goalsKey(team, channel), goalSeqKey(team, channel), ownersKey(team, channel)},
		actor.ID, admin(actor), g.ID, g.Name, prio.MaxGoals, g.Description).StringSlice()
	if err != nil {
		return g, translate(err)
	}
	switch res[0] {
	case "forbidden":
		return g, errForbidden
	case "taken":
		return g, prio.Errorf(prio.Conflict, "This backlog has a goal %s already; name this one otherwise.", prio.Quote(g.Name))
	case "full":
		return g, prio.Errorf(prio.Invalid, "A backlog has at most %d goals; remove one first (`/backlog goal remove <name>`).", prio.MaxGoals)
	case "missing":
		return g, prio.Errorf(prio.NotFound, "That goal was removed meanwhile.")
	}
	g.ID = parseMember(res[1])
	return g, nil
}

// removeGoal removes a goal no idea belongs to, for an owner.
//
// KEYS[1] -> goals, KEYS[2] -> the goal's ideas, KEYS[3] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> goal id
// Output: {"ok"}, {"used", idea numbers…}, {"missing"} or {"forbidden"}.
var removeGoal = redis.NewScript(prelude + `
if not allowed(KEYS[3], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HEXISTS", KEYS[1], ARGV[3]) == 0 then return {"missing"} end
local used = redis.call("SMEMBERS", KEYS[2])
if #used > 0 then
	table.insert(used, 1, "used")
	return used
end
redis.call("HDEL", KEYS[1], ARGV[3])
return {"ok"}
`)

// RemoveGoal removes a goal no idea belongs to, for an owner; otherwise it
// names the ideas.
func (s *Store) RemoveGoal(ctx context.Context, team, channel string, g prio.Goal, actor prio.Actor) error {
	res, err := removeGoal.Run(ctx, s.rdb, []string{goalsKey(team, channel), goalIdeasKey(team, channel, g.ID), ownersKey(team, channel)},
		actor.ID, admin(actor), g.ID).StringSlice()
	if err != nil {
		return translate(err)
	}
	switch res[0] {
	case "forbidden":
		return errForbidden
	case "missing":
		return prio.Errorf(prio.NotFound, "That goal was removed meanwhile.")
	case "used":
		numbers := make([]int64, 0, len(res)-1)
		for _, n := range res[1:] {
			numbers = append(numbers, parseMember(n))
		}
		slices.Sort(numbers)
		refs := make([]string, len(numbers))
		for i, n := range numbers {
			refs[i] = "#" + strconv.FormatInt(n, 10)
		}
		return prio.Errorf(prio.Conflict, "%s serves %s; move %s to another goal (`/backlog goal #%d <goal>` or `none`) first. Nothing was removed.",
			prio.Quote(g.Name), strings.Join(refs, ", "), map[bool]string{true: "it", false: "them"}[len(refs) == 1], numbers[0])
	}
	return nil
}

// Goals lists a backlog's goals, oldest first.
func (s *Store) Goals(ctx context.Context, team, channel string) ([]prio.Goal, error) {
	all, err := s.rdb.HGetAll(ctx, goalsKey(team, channel)).Result()
	if err != nil {
		return nil, translate(err)
	}
	return decodeGoals(all), nil
}

func decodeGoals(all map[string]string) []prio.Goal {
	out := make([]prio.Goal, 0, len(all))
	for _, raw := range all {
		var g prio.Goal
		if json.Unmarshal([]byte(raw), &g) == nil && g.ID != 0 {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b prio.Goal) int { return int(a.ID - b.ID) })
	return out
}

// setGoal puts an idea under a goal (ARGV[4] "0": under none), if the
// actor may manage the backlog, the goal exists and the idea is as read.
//
// KEYS[1] -> idea, KEYS[2] -> goals, KEYS[3] -> its old goal's ideas,
// KEYS[4] -> the new goal's ideas, KEYS[5] -> owners, KEYS[6] ->
// supporters, KEYS[7..16] -> the backlog's event keys, KEYS[17] -> history
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> the
// idea's rev when read, ARGV[4] -> goal id, ARGV[5] -> number, ARGV[6] ->
// member, ARGV[7] -> actor's name, ARGV[8] -> now, ARGV[9], ARGV[10] ->
// the old and new goals' names, for the history and events
// Output: {"ok"}, {"missing"}, {"nogoal"}, {"stale"} or {"forbidden"}.
var setGoal = redis.NewScript(prelude + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {"missing"} end
if not allowed(KEYS[5], ARGV[1], ARGV[2]) then return {"forbidden"} end
if (redis.call("HGET", KEYS[1], "rev") or "0") ~= ARGV[3] then return {"stale"} end
if ARGV[4] ~= "0" and redis.call("HEXISTS", KEYS[2], ARGV[4]) == 0 then return {"nogoal"} end
redis.call("SREM", KEYS[3], ARGV[5])
if ARGV[4] == "0" then
	redis.call("HDEL", KEYS[1], "goal")
else
	redis.call("HSET", KEYS[1], "goal", ARGV[4])
	redis.call("SADD", KEYS[4], ARGV[5])
end
redis.call("HINCRBY", KEYS[1], "rev", 1)
local now = tonumber(ARGV[8])
record(KEYS[17], KEYS[1], {k = "goal", at = now, by = ARGV[1], name = ARGV[7], from = ARGV[9], to = ARGV[10]})
announce(7, {event = "idea.updated", change = "goal", idea = tonumber(ARGV[5]), from = ARGV[9], status = ARGV[10],
	actor = ARGV[7], actor_id = ARGV[1], at = now}, KEYS[1], KEYS[6], ARGV[6], now)
return {"ok"}
`)

// SetGoal puts idea n under goal g (zero: under none), for an owner.
func (s *Store) SetGoal(ctx context.Context, team, channel string, n int64, g prio.Goal, actor prio.Actor, now time.Time) error {
	for range maxTries {
		ideas, err := s.Ideas(ctx, team, channel, []int64{n})
		if err != nil {
			return err
		}
		if len(ideas) == 0 {
			return notHere(n)
		}
		idea := ideas[0]
		if idea.Goal == g.ID {
			return nil // as it is: no write, no history entry
		}
		goals, err := s.Goals(ctx, team, channel)
		if err != nil {
			return err
		}
		old := ""
		for _, x := range goals {
			if x.ID == idea.Goal {
				old = x.Name
			}
		}
		res, err := setGoal.Run(ctx, s.rdb, with([]string{ideaKey(team, channel, n), goalsKey(team, channel), goalIdeasKey(team, channel, idea.Goal),
			goalIdeasKey(team, channel, g.ID), ownersKey(team, channel), supportersKey(team, channel, n)},
			with(eventKeys(team, channel), []string{historyKey(team, channel, n)})),
			actor.ID, admin(actor), idea.Rev, g.ID, n, member(n), actor.Name, now.UnixMilli(), old, g.Name).StringSlice()
		if err != nil {
			return translate(err)
		}
		switch res[0] {
		case "ok":
			return nil
		case "forbidden":
			return errForbidden
		case "missing":
			return notHere(n)
		case "nogoal":
			return prio.Errorf(prio.NotFound, "The goal %s was removed meanwhile.", prio.Quote(g.Name))
		}
	}
	return errStale
}
