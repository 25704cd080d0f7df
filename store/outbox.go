package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/outbox"
)

// outboxKeys are a backlog's outbox keys in the order the change scripts
// take them: seq, items, due, order, age.
func outboxKeys(team, channel string) []string {
	return []string{outboxSeqKey(team, channel), outboxItemsKey(team, channel), outboxDueKey(team, channel), outboxOrderKey(team, channel),
		outboxAgeKey(team, channel)}
}

// orderMember is an item's place in its recipient's order.
func orderMember(item outbox.Item) string { return fmt.Sprintf("%s|%012d", item.To, item.ID) }

// claimOutbox leases up to ARGV[3] due items of a backlog's outbox, each
// the first of its recipient's items (so a recipient's items go in
// order); an item behind another waits until that one may go.
//
// KEYS[1] -> items, KEYS[2] -> due, KEYS[3] -> order
// ARGV[1] -> now (unix ms), ARGV[2] -> lease (ms), ARGV[3] -> how many
// Output: {when the outbox is next due ("" when empty), the items (JSON)…}.
var claimOutbox = redis.NewScript(`
local out = {}
for _, id in ipairs(redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", ARGV[1], "LIMIT", 0, 100)) do
	if #out >= tonumber(ARGV[3]) then break end
	local raw = redis.call("HGET", KEYS[1], id)
	if not raw then
		redis.call("ZREM", KEYS[2], id)
	else
		local to = cjson.decode(raw).to
		local first = redis.call("ZRANGEBYLEX", KEYS[3], "[" .. to .. "|", "[" .. to .. "|~", "LIMIT", 0, 1)[1]
		if first == to .. "|" .. string.format("%012d", id) then
			redis.call("ZADD", KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
			table.insert(out, raw)
		else
			-- Behind another item: due when that one is.
			local ahead = redis.call("ZSCORE", KEYS[2], tonumber(string.sub(first, -12)))
			if ahead then redis.call("ZADD", KEYS[2], ahead, id) end
		end
	end
end
local next = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")[2] or ""
table.insert(out, 1, next)
return out
`)

// settleLua ends an item's delivery: delivered, it leaves; failed, it
// goes again at when, or with none left ("dead") to the dead letters. The
// recipient's next item, if any, is due at once.
const settleLua = `
local function settle(items, due, order, dead, age, id, member, when, item, to, now)
	if when == "" or when == "dead" then
		redis.call("HDEL", items, id)
		redis.call("ZREM", due, id)
		redis.call("ZREM", order, member)
		redis.call("ZREM", age, id)
		if when == "dead" then
			redis.call("LPUSH", dead, item)
			redis.call("LTRIM", dead, 0, 99)
		end
		local after = redis.call("ZRANGEBYLEX", order, "[" .. to .. "|", "[" .. to .. "|~", "LIMIT", 0, 1)[1]
		if after then redis.call("ZADD", due, "LT", now, tonumber(string.sub(after, -12))) end
	elseif redis.call("HEXISTS", items, id) == 1 then
		redis.call("HSET", items, id, item)
		redis.call("ZADD", due, when, id)
	end
end
`

// settleOutbox settles one item (see settleLua).
//
// KEYS[1] -> items, KEYS[2] -> due, KEYS[3] -> order, KEYS[4] -> dead, KEYS[5] -> age
// ARGV[1] -> id, ARGV[2] -> its order member, ARGV[3] -> "" (delivered),
// "dead", or when it goes again (unix ms), ARGV[4] -> the item as it is now
// (JSON), ARGV[5] -> its recipient, ARGV[6] -> now (unix ms)
// Output: when the outbox is next due, or "".
var settleOutbox = redis.NewScript(settleLua + `
settle(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")[2] or ""
`)

// ClaimOutbox leases up to n due items of a backlog's outbox for
// outbox.Lease, and says when the outbox is next due (zero when empty).
func (s *Store) ClaimOutbox(ctx context.Context, b outbox.Backlog, now time.Time, n int) ([]outbox.Item, time.Time, error) {
	res, err := claimOutbox.Run(ctx, s.rdb, []string{outboxItemsKey(b.Team, b.Channel), outboxDueKey(b.Team, b.Channel), outboxOrderKey(b.Team, b.Channel)},
		now.UnixMilli(), outbox.Lease.Milliseconds(), n).StringSlice()
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	items := make([]outbox.Item, 0, len(res)-1)
	for _, raw := range res[1:] {
		var item outbox.Item
		if err := json.Unmarshal([]byte(raw), &item); err != nil {
			return nil, time.Time{}, fmt.Errorf("outbox item %q: %w", raw, err)
		}
		if item.Snap != nil {
			item.Snap.Idea = decodeIdea(b.Team, b.Channel, item.Snap.Fields)
			item.Snap.Idea.Supporters = item.Snap.Supporters
		}
		items = append(items, item)
	}
	return items, millis(res[0]), nil
}

// SettleOutbox ends an item's delivery: delivered (again zero, dead
// false), to go again at again, or dead. It returns when the outbox is next
// due (zero when empty).
func (s *Store) SettleOutbox(ctx context.Context, b outbox.Backlog, item outbox.Item, again time.Time, dead bool, now time.Time) (time.Time, error) {
	when, raw, err := settling(item, again, dead)
	if err != nil {
		return time.Time{}, err
	}
	next, err := settleOutbox.Run(ctx, s.rdb, []string{outboxItemsKey(b.Team, b.Channel), outboxDueKey(b.Team, b.Channel),
		outboxOrderKey(b.Team, b.Channel), outboxDeadKey(b.Team, b.Channel), outboxAgeKey(b.Team, b.Channel)}, item.ID, orderMember(item), when, raw,
		item.To, now.UnixMilli()).Text()
	return millis(next), translate(err)
}

// settling is how the settle scripts take an item's outcome: "" delivered,
// "dead", or when it goes again (unix ms); and the item as it is now.
func settling(item outbox.Item, again time.Time, dead bool) (when string, raw []byte, err error) {
	switch {
	case dead:
		when = "dead"
	case !again.IsZero():
		when = strconv.FormatInt(again.UnixMilli(), 10)
	}
	raw, err = json.Marshal(item)
	return when, raw, err
}

// NoteOutbox tells every replica that a backlog's outbox is due at (or
// earlier, if it is noted so): a hint, so a change made by a replica that
// then stopped is still delivered.
func (s *Store) NoteOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, teamsKey(), b.Team)
		p.ZAddLT(ctx, outboxesKey(b.Team), redis.Z{Score: float64(at.UnixMilli()), Member: b.Channel})
		return nil
	})
	return translate(err)
}

// RecheckOutbox sets when a backlog's outbox is to be looked at next,
// later or earlier, after a delivery round found it so.
func (s *Store) RecheckOutbox(ctx context.Context, b outbox.Backlog, at time.Time) error {
	return translate(s.rdb.ZAdd(ctx, outboxesKey(b.Team), redis.Z{Score: float64(at.UnixMilli()), Member: b.Channel}).Err())
}

// DueOutboxes lists the backlogs whose outbox is due by now, in every team.
func (s *Store) DueOutboxes(ctx context.Context, now time.Time) ([]outbox.Backlog, error) {
	due, err := s.dueBy(ctx, outboxesKey, now, 0)
	out := make([]outbox.Backlog, len(due))
	for i, d := range due {
		out[i] = outbox.Backlog{Team: d.team, Channel: d.member}
	}
	return out, err
}

// OutboxState says how many items a backlog's outbox holds, and what it
// could not deliver after every retry, newest first.
func (s *Store) OutboxState(ctx context.Context, b outbox.Backlog) (waiting int64, dead []outbox.Item, err error) {
	var (
		n    *redis.IntCmd
		raws *redis.StringSliceCmd
	)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		n = p.HLen(ctx, outboxItemsKey(b.Team, b.Channel))
		raws = p.LRange(ctx, outboxDeadKey(b.Team, b.Channel), 0, -1)
		return nil
	})
	if err != nil {
		return 0, nil, translate(err)
	}
	out := make([]outbox.Item, 0, len(raws.Val()))
	for _, raw := range raws.Val() {
		var item outbox.Item
		if json.Unmarshal([]byte(raw), &item) == nil {
			out = append(out, item)
		}
	}
	return n.Val(), out, nil
}

// OutboxTotals sums up every backlog's outbox that the hints name, in
// every team: one pipeline a team.
func (s *Store) OutboxTotals(ctx context.Context) (outbox.Totals, error) {
	var t outbox.Totals
	teams, err := s.rdb.SMembers(ctx, teamsKey()).Result()
	if err != nil {
		return t, translate(err)
	}
	for _, team := range teams {
		channels, err := s.rdb.ZRange(ctx, outboxesKey(team), 0, -1).Result()
		if err != nil {
			return t, translate(err)
		}
		waiting := make([]*redis.IntCmd, len(channels))
		dead := make([]*redis.IntCmd, len(channels))
		oldest := make([]*redis.ZSliceCmd, len(channels))
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, c := range channels {
				waiting[i] = p.HLen(ctx, outboxItemsKey(team, c))
				dead[i] = p.LLen(ctx, outboxDeadKey(team, c))
				oldest[i] = p.ZRangeWithScores(ctx, outboxAgeKey(team, c), 0, 0)
			}
			return nil
		})
		if err != nil {
			return t, translate(err)
		}
		for i := range channels {
			t.Waiting += waiting[i].Val()
			t.Dead += dead[i].Val()
			if z := oldest[i].Val(); len(z) == 1 {
				if at := time.UnixMilli(int64(z[0].Score)); t.Oldest.IsZero() || at.Before(t.Oldest) {
					t.Oldest = at
				}
			}
		}
	}
	return t, nil
}
