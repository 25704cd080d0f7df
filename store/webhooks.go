package store

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/webhook"
)

// addWebhook registers an endpoint for a backlog's events, if the actor
// may manage the backlog: a new one while there are fewer than the most
// allowed; one already registered is turned back on if it was off.
//
// KEYS[1] -> webhooks (HASH id -> JSON), KEYS[2] -> their seq, KEYS[3] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> URL,
// ARGV[4] -> secret, ARGV[5] -> now (unix ms), ARGV[6] -> the most allowed
// Output: {"added"|"on"|"exists"|"full"|"forbidden", the endpoint (JSON)}.
var addWebhook = redis.NewScript(prelude + `
if not allowed(KEYS[3], ARGV[1], ARGV[2]) then return {"forbidden", ""} end
local eps = redis.call("HGETALL", KEYS[1])
for i = 1, #eps, 2 do
	local ep = cjson.decode(eps[i + 1])
	if ep.url == ARGV[3] then
		if (ep.off or "") == "" then return {"exists", eps[i + 1]} end
		ep.off, ep.off_at, ep.failing_since = nil, nil, nil
		local raw = cjson.encode(ep)
		redis.call("HSET", KEYS[1], eps[i], raw)
		return {"on", raw}
	end
end
if #eps / 2 >= tonumber(ARGV[6]) then return {"full", ""} end
local id = tostring(redis.call("INCR", KEYS[2]))
local raw = cjson.encode({id = id, url = ARGV[3], secret = ARGV[4], added = tonumber(ARGV[5]), by = ARGV[1]})
redis.call("HSET", KEYS[1], id, raw)
return {"added", raw}
`)

// dropHookLua takes an endpoint's waiting events out of the outbox:
// into the dead letters, saying why (why), or, for none, away.
const dropHookLua = `
local function drophook(items, due, order, dead, age, hook, why)
	local prefix = "hook:" .. hook .. ":"
	for _, m in ipairs(redis.call("ZRANGEBYLEX", order, "[" .. prefix, "[" .. prefix .. "~")) do
		local id = tonumber(string.sub(m, -12))
		local raw = redis.call("HGET", items, id)
		if raw and why then
			local item = cjson.decode(raw)
			item.error = why
			redis.call("LPUSH", dead, cjson.encode(item))
			redis.call("LTRIM", dead, 0, 99)
		end
		redis.call("HDEL", items, id)
		redis.call("ZREM", due, id)
		redis.call("ZREM", age, id)
		redis.call("ZREM", order, m)
	end
end
`

// removeWebhook removes an endpoint, its log and its waiting events, if
// the actor may manage the backlog.
//
// KEYS[1] -> webhooks, KEYS[2] -> owners, KEYS[3] -> its log,
// KEYS[4..8] -> the outbox (seq, items, due, order, age)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> id, ARGV[4] -> URL
// Output: "ok", "missing" (not that URL any more) or "forbidden".
var removeWebhook = redis.NewScript(prelude + dropHookLua + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return "forbidden" end
local raw = redis.call("HGET", KEYS[1], ARGV[3])
if not raw or cjson.decode(raw).url ~= ARGV[4] then return "missing" end
redis.call("HDEL", KEYS[1], ARGV[3])
redis.call("DEL", KEYS[3])
drophook(KEYS[5], KEYS[6], KEYS[7], nil, KEYS[8], ARGV[3], nil)
return "ok"
`)

// pingWebhook queues a ping event for one endpoint, on or off, if the
// actor may manage the backlog; it waits behind no idea's events.
//
// KEYS[1] -> webhooks, KEYS[2] -> owners, KEYS[3..7] -> the outbox
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> id,
// ARGV[4] -> now (unix ms), ARGV[5] -> actor's name, ARGV[6] -> where to
// say how it went (a response_url)
// Output: "ok", "missing" or "forbidden".
var pingWebhook = redis.NewScript(prelude + `
if not allowed(KEYS[2], ARGV[1], ARGV[2]) then return "forbidden" end
local raw = redis.call("HGET", KEYS[1], ARGV[3])
if not raw then return "missing" end
enqueue(3, "hook:" .. ARGV[3] .. ":ping", {kind = "webhook", event = "ping", hook = ARGV[3], url = cjson.decode(raw).url,
	actor = ARGV[5], actor_id = ARGV[1], at = tonumber(ARGV[4]), reply = ARGV[6]}, tonumber(ARGV[4]))
return "ok"
`)

// settleHook settles a webhook event's delivery (see settleLua), logs the
// attempt for the endpoint's owners, and keeps the endpoint's health: a
// success clears its failures; a 410, or failing for long, turns it off,
// drops its waiting events into the dead letters, and tells the owners
// (or, with none named, whoever added it) by DM.
//
// KEYS[1..5] -> the outbox (seq, items, due, order, age), KEYS[6] -> dead,
// KEYS[7] -> webhooks, KEYS[8] -> the endpoint's log, KEYS[9] -> owners
// ARGV[1] -> item id, ARGV[2] -> its order member, ARGV[3] -> "",
// "dead" or when it goes again (unix ms), ARGV[4] -> the item (JSON),
// ARGV[5] -> its recipient, ARGV[6] -> now (unix ms), ARGV[7] -> endpoint
// id, ARGV[8] -> the attempt (JSON), ARGV[9] -> the HTTP status ("0" for
// none), ARGV[10] -> after how long failing turns it off (ms),
// ARGV[11] -> why, in words, when it turns off
// Output: {when the outbox is next due or "", "off" reason or ""}.
var settleHook = redis.NewScript(prelude + settleLua + dropHookLua + `
local now = tonumber(ARGV[6])
local raw = redis.call("HGET", KEYS[7], ARGV[7])
local off = ""
if raw then
	local ep = cjson.decode(raw)
	redis.call("LPUSH", KEYS[8], ARGV[8])
	redis.call("LTRIM", KEYS[8], 0, ` + strconv.Itoa(webhook.KeepAttempts-1) + `)
	if ARGV[3] == "" then
		ep.failing_since = nil
	elseif (ep.off or "") == "" then
		if not ep.failing_since or ep.failing_since == 0 then ep.failing_since = now end
		if ARGV[9] == "410" then
			off = "gone"
		elseif now - ep.failing_since >= tonumber(ARGV[10]) then
			off = "failing"
		end
	end
	if off ~= "" then
		ep.off, ep.off_at = off, now
		local people = redis.call("SMEMBERS", KEYS[9])
		if #people == 0 then people = {ep.by} end
		tell(1, people, "", {kind = "webhook_off", url = ep.url, hook = ARGV[7], reason = off, at = now, actor = "priobot"}, now)
	end
	redis.call("HSET", KEYS[7], ARGV[7], cjson.encode(ep))
end
local item = ARGV[4]
if off ~= "" then
	local it = cjson.decode(item)
	it.error = ARGV[11]
	item = cjson.encode(it)
	settle(KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[5], ARGV[1], ARGV[2], "dead", item, ARGV[5], ARGV[6])
	drophook(KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[5], ARGV[7], ARGV[11])
else
	settle(KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[5], ARGV[1], ARGV[2], ARGV[3], item, ARGV[5], ARGV[6])
end
return {redis.call("ZRANGE", KEYS[3], 0, 0, "WITHSCORES")[2] or "", off}
`)

// summaryPosted marks a week's summary done (when it was scheduled) and
// sends summary.posted to the backlog's webhooks, in one step.
//
// KEYS[1] -> the week's marker, KEYS[2..11] -> the backlog's event keys
// ARGV[1] -> "1" to mark the week done, ARGV[2] -> "1" if it was posted,
// ARGV[3] -> the summary (JSON), ARGV[4] -> now (unix ms)
var summaryPosted = redis.NewScript(prelude + `
if ARGV[1] == "1" then redis.call("SET", KEYS[1], "done", "KEEPTTL") end
if ARGV[2] == "1" then
	announce(2, {event = "summary.posted", summary = ARGV[3], at = tonumber(ARGV[4])}, nil, nil, nil, tonumber(ARGV[4]))
end
return "ok"
`)

// AddWebhook registers url for a backlog's events with secret, or turns
// it back on. It returns the endpoint and "added", "on" (it was off; it
// keeps its secret) or "exists".
func (s *Store) AddWebhook(ctx context.Context, team, channel string, actor prio.Actor, url, secret string, now time.Time) (webhook.Endpoint, string, error) {
	res, err := addWebhook.Run(ctx, s.rdb, []string{webhooksKey(team, channel), webhookSeqKey(team, channel), ownersKey(team, channel)},
		actor.ID, admin(actor), url, secret, now.UnixMilli(), webhook.MaxEndpoints).StringSlice()
	if err != nil {
		return webhook.Endpoint{}, "", translate(err)
	}
	switch res[0] {
	case "forbidden":
		return webhook.Endpoint{}, "", errForbidden
	case "full":
		return webhook.Endpoint{}, "", prio.Errorf(prio.Conflict, "This backlog has %d webhook endpoints already, the most it may have. "+
			"`/backlog webhook remove <url>` makes room.", webhook.MaxEndpoints)
	}
	var ep webhook.Endpoint
	return ep, res[0], json.Unmarshal([]byte(res[1]), &ep)
}

// HasWebhooks says whether a backlog has any webhook endpoint.
func (s *Store) HasWebhooks(ctx context.Context, team, channel string) (bool, error) {
	n, err := s.rdb.HLen(ctx, webhooksKey(team, channel)).Result()
	return n > 0, translate(err)
}

// Webhook is one of a backlog's endpoints, or NotFound.
func (s *Store) Webhook(ctx context.Context, team, channel, id string) (webhook.Endpoint, error) {
	var ep webhook.Endpoint
	raw, err := s.rdb.HGet(ctx, webhooksKey(team, channel), id).Result()
	if err == redis.Nil {
		return ep, prio.Errorf(prio.NotFound, "That webhook endpoint was removed.")
	}
	if err != nil {
		return ep, translate(err)
	}
	return ep, json.Unmarshal([]byte(raw), &ep)
}

// Webhooks lists a backlog's endpoints, oldest first, each with its last
// attempts (newest first): one round trip for each.
func (s *Store) Webhooks(ctx context.Context, team, channel string) ([]webhook.Endpoint, [][]webhook.Attempt, error) {
	raws, err := s.rdb.HGetAll(ctx, webhooksKey(team, channel)).Result()
	if err != nil {
		return nil, nil, translate(err)
	}
	eps := make([]webhook.Endpoint, 0, len(raws))
	for _, raw := range raws {
		var ep webhook.Endpoint
		if json.Unmarshal([]byte(raw), &ep) == nil {
			eps = append(eps, ep)
		}
	}
	slices.SortFunc(eps, func(a, b webhook.Endpoint) int { return int(parseMember(a.ID) - parseMember(b.ID)) })
	logs := make([]*redis.StringSliceCmd, len(eps))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, ep := range eps {
			logs[i] = p.LRange(ctx, webhookLogKey(team, channel, ep.ID), 0, webhook.KeepAttempts-1)
		}
		return nil
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	attempts := make([][]webhook.Attempt, len(eps))
	for i := range eps {
		for _, raw := range logs[i].Val() {
			var a webhook.Attempt
			if json.Unmarshal([]byte(raw), &a) == nil {
				attempts[i] = append(attempts[i], a)
			}
		}
	}
	return eps, attempts, nil
}

// RemoveWebhook removes endpoint ep (as listed) with its log and its
// waiting events.
func (s *Store) RemoveWebhook(ctx context.Context, team, channel string, actor prio.Actor, ep webhook.Endpoint) error {
	res, err := removeWebhook.Run(ctx, s.rdb, with([]string{webhooksKey(team, channel), ownersKey(team, channel), webhookLogKey(team, channel, ep.ID)},
		outboxKeys(team, channel)), actor.ID, admin(actor), ep.ID, ep.URL).Text()
	return hookRefusal(res, err)
}

// PingWebhook queues a ping event for endpoint id; reply is where to say
// how it went.
func (s *Store) PingWebhook(ctx context.Context, team, channel string, actor prio.Actor, id, reply string, now time.Time) error {
	res, err := pingWebhook.Run(ctx, s.rdb, with([]string{webhooksKey(team, channel), ownersKey(team, channel)}, outboxKeys(team, channel)),
		actor.ID, admin(actor), id, now.UnixMilli(), actor.Name, reply).Text()
	return hookRefusal(res, err)
}

func hookRefusal(res string, err error) error {
	switch {
	case err != nil:
		return translate(err)
	case res == "forbidden":
		return errForbidden
	case res == "missing":
		return prio.Errorf(prio.NotFound, "That webhook endpoint was removed meanwhile.")
	}
	return nil
}

// SettleHook settles a webhook event's delivery like SettleOutbox, logs
// the attempt and keeps the endpoint's health. off is why the endpoint
// was turned off by this attempt (webhook.Gone, webhook.Failing), or "".
func (s *Store) SettleHook(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, attempt webhook.Attempt, now time.Time) (next time.Time, off string, err error) {
	when, raw, err := settling(item, again, dead)
	if err != nil {
		return time.Time{}, "", err
	}
	log, err := json.Marshal(attempt)
	if err != nil {
		return time.Time{}, "", err
	}
	t, c := b.Team, b.Channel
	why := webhook.OffReason(webhook.Failing)
	if attempt.Status == 410 {
		why = webhook.OffReason(webhook.Gone)
	}
	res, err := settleHook.Run(ctx, s.rdb, with(outboxKeys(t, c), []string{outboxDeadKey(t, c), webhooksKey(t, c), webhookLogKey(t, c, item.Hook), ownersKey(t, c)}),
		item.ID, orderMember(item), when, raw, item.To, now.UnixMilli(), item.Hook, log, attempt.Status, webhook.FailFor.Milliseconds(), why).StringSlice()
	if err != nil {
		return time.Time{}, "", translate(err)
	}
	return millis(res[0]), res[1], nil
}

// SummaryPosted marks a scheduled week's summary done (week "" for one
// asked for) and, if posted, sends summary.posted with what it said.
func (s *Store) SummaryPosted(ctx context.Context, team, channel, week string, posted bool, summary map[string]any, now time.Time) error {
	raw, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	flag := func(b bool) string { return map[bool]string{true: "1"}[b] }
	return translate(summaryPosted.Run(ctx, s.rdb, with([]string{postedKey(team, channel, week)}, eventKeys(team, channel)),
		flag(week != ""), flag(posted), raw, now.UnixMilli()).Err())
}
