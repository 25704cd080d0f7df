package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// Placement says where the idea form should send an idea from a message
// (see prio.Placement): one round trip of the team's indexes.
func (s *Store) Placement(ctx context.Context, team, user, channel, ts string) (prio.Placement, error) {
	var (
		last   *redis.StringCmd
		has    *redis.BoolCmd
		some   *redis.StringSliceCmd
		taken  *redis.StringCmd
		counts *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		last = p.Get(ctx, lastBacklogKey(team, user))
		has = p.SIsMember(ctx, backlogsKey(team), channel)
		counts = p.SCard(ctx, backlogsKey(team))
		some = p.SRandMemberN(ctx, backlogsKey(team), 1)
		if ts != "" {
			taken = p.HGet(ctx, messageIdeasKey(team), channel+":"+ts)
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		return prio.Placement{}, translate(err)
	}
	out := prio.Placement{Last: last.Val(), SourceHasBacklog: has.Val()}
	if counts.Val() == 1 && len(some.Val()) == 1 {
		out.Only = some.Val()[0]
	}
	if taken != nil {
		if c, num, ok := strings.Cut(taken.Val(), ":"); ok {
			out.Taken.Channel = c
			out.Taken.Number, _ = strconv.ParseInt(num, 10, 64)
		}
	}
	return out, nil
}
