package store

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// batch runs one script for many concurrent callers in pipelines: what is
// waiting when the pipeline leaves goes along, so a burst of calls costs
// a few round trips instead of one each. Calls that wait alone go alone,
// at once.
type batch struct {
	script *redis.Script
	once   sync.Once
	calls  chan *batchCall
	stop   chan struct{} // closed by close: the loop ends
	closed sync.Once
}

type batchCall struct {
	ctx  context.Context
	keys []string
	args []any
	res  chan *redis.Cmd
}

// maxBatch bounds one pipeline.
const maxBatch = 128

func newBatch(script *redis.Script) *batch {
	return &batch{script: script, calls: make(chan *batchCall, maxBatch), stop: make(chan struct{})}
}

// close ends the loop; later calls go alone.
func (b *batch) close() { b.closed.Do(func() { close(b.stop) }) }

// run runs the script with keys and args, in the next pipeline.
func (b *batch) run(ctx context.Context, rdb redis.UniversalClient, keys []string, args ...any) *redis.Cmd {
	b.once.Do(func() { go b.loop(rdb) })
	call := &batchCall{ctx: ctx, keys: keys, args: args, res: make(chan *redis.Cmd, 1)}
	select {
	case b.calls <- call:
	case <-b.stop:
		return b.script.Run(ctx, rdb, keys, args...)
	case <-ctx.Done():
		return b.script.Run(ctx, rdb, keys, args...) // answers with ctx's error
	}
	return <-call.res
}

// loop sends what is waiting, pipeline after pipeline, until close; what
// is waiting then still goes.
func (b *batch) loop(rdb redis.UniversalClient) {
	for {
		var first *batchCall
		select {
		case first = <-b.calls:
		case <-b.stop:
			select {
			case first = <-b.calls:
			default:
				return
			}
		}
		calls := []*batchCall{first}
	gather:
		for len(calls) < maxBatch {
			select {
			case c := <-b.calls:
				calls = append(calls, c)
			default:
				break gather
			}
		}
		cmds := make([]*redis.Cmd, len(calls))
		_, _ = rdb.Pipelined(context.Background(), func(p redis.Pipeliner) error {
			for i, c := range calls {
				cmds[i] = b.script.EvalSha(c.ctx, p, c.keys, c.args...)
			}
			return nil
		})
		for i, c := range calls {
			if err := cmds[i].Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
				cmds[i] = b.script.Run(c.ctx, rdb, c.keys, c.args...) // loads it, once per server
			}
			c.res <- cmds[i]
		}
	}
}
