package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/commands"
)

// maxAttempts bounds how often one Web API call is tried through 429s; the
// caller's context bounds how long.
const maxAttempts = 8

// webAPI is the one way out to Slack: every call waits out HTTP 429 for as
// long as Slack's Retry-After says, so a rate limit delays and never loses
// a message. It implements commands.Slack.
type webAPI struct {
	client *slack.Client
	http   *http.Client
}

// retry runs fn until it is not rate limited, waiting Retry-After between tries.
func retry(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		rl, ok := errors.AsType[*slack.RateLimitedError](err)
		if !ok || attempt == maxAttempts {
			return err
		}
		wait := max(rl.RetryAfter, 100*time.Millisecond)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("rate limited, gave up waiting %s: %w", wait, ctx.Err())
		}
	}
}

func msgOptions(m commands.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl()}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	return opts
}

// Post posts a message in a channel and returns its ts.
func (w *webAPI) Post(ctx context.Context, channel string, m commands.Message) (string, error) {
	var ts string
	err := retry(ctx, func() (err error) {
		_, ts, err = w.client.PostMessageContext(ctx, channel, msgOptions(m)...)
		return err
	})
	return ts, err
}

// PublishHome replaces a user's App Home tab.
func (w *webAPI) PublishHome(ctx context.Context, user string, blocks []slack.Block) error {
	return retry(ctx, func() error {
		_, err := w.client.PublishViewContext(ctx, slack.PublishViewContextRequest{
			UserID: user,
			View:   slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}},
		})
		return err
	})
}

// responsePayload is a message sent to a response_url.
type responsePayload struct {
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original"`
}

func payloadOf(r *commands.Reply) responsePayload {
	p := responsePayload{Text: r.Text, Blocks: r.Blocks, ResponseType: "ephemeral", ReplaceOriginal: r.Replace}
	if r.InChannel {
		p.ResponseType = "in_channel"
	}
	return p
}

// respond sends a reply to a response_url (5 uses within 30 minutes).
func (w *webAPI) respond(ctx context.Context, url string, r *commands.Reply) error {
	body, err := json.Marshal(payloadOf(r))
	if err != nil {
		return err
	}
	return retry(ctx, func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := w.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			secs, _ := time.ParseDuration(resp.Header.Get("Retry-After") + "s")
			return &slack.RateLimitedError{RetryAfter: secs}
		case resp.StatusCode != http.StatusOK:
			return fmt.Errorf("response_url answered %s: %s", resp.Status, msg)
		}
		return nil
	})
}
