package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
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

	mu      sync.Mutex
	blocked map[string]time.Time // Web API method -> end of its Retry-After
	ims     sync.Map             // user id -> id of the bot's DM with them
	links   sync.Map             // "channel:ts" -> permalink; a message's link never changes
	nlinks  atomic.Int32         // how many links are cached, up to maxLinks
}

// maxLinks bounds the permalinks a process remembers; past it, it starts over.
const maxLinks = 10000

// call runs fn, a call of the Web API method, until it is not rate
// limited. A 429's Retry-After holds back every call of that method from
// this process, not only the one that got it: Slack limits a method per
// workspace, and a call inside the wait only earns another 429.
func (w *webAPI) call(ctx context.Context, method string, fn func() error) error {
	for attempt := 1; ; attempt++ {
		if err := w.waitTurn(ctx, method); err != nil {
			return err
		}
		err := fn()
		rl, ok := errors.AsType[*slack.RateLimitedError](err)
		if !ok || attempt == maxAttempts {
			return err
		}
		until := time.Now().Add(max(rl.RetryAfter, 100*time.Millisecond))
		w.mu.Lock()
		if until.After(w.blocked[method]) {
			w.blocked[method] = until
		}
		w.mu.Unlock()
	}
}

// waitTurn waits until method is not held back by a Retry-After.
func (w *webAPI) waitTurn(ctx context.Context, method string) error {
	for {
		w.mu.Lock()
		wait := time.Until(w.blocked[method])
		if wait <= 0 {
			delete(w.blocked, method)
		}
		w.mu.Unlock()
		if wait <= 0 {
			return nil
		}
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
	err := w.call(ctx, "chat.postMessage", func() (err error) {
		_, ts, err = w.client.PostMessageContext(ctx, channel, msgOptions(m)...)
		return err
	})
	return ts, err
}

// Update replaces a message the bot posted.
func (w *webAPI) Update(ctx context.Context, channel, ts string, m commands.Message) error {
	return w.call(ctx, "chat.update", func() error {
		_, _, _, err := w.client.UpdateMessageContext(ctx, channel, ts, msgOptions(m)...)
		return err
	})
}

// PostEphemeral shows a message to one person in a channel.
func (w *webAPI) PostEphemeral(ctx context.Context, channel, user string, m commands.Message) error {
	return w.call(ctx, "chat.postEphemeral", func() error {
		_, err := w.client.PostEphemeralContext(ctx, channel, user, msgOptions(m)...)
		return err
	})
}

// DM sends a person a direct message from the bot.
func (w *webAPI) DM(ctx context.Context, user string, m commands.Message) error {
	channel, err := w.imChannel(ctx, user)
	if err != nil {
		return err
	}
	_, err = w.Post(ctx, channel, m)
	return err
}

// imChannel is the bot's DM with user. It never changes, so it is asked
// of Slack once per process (conversations.open allows ~50 calls a minute).
func (w *webAPI) imChannel(ctx context.Context, user string) (string, error) {
	if id, ok := w.ims.Load(user); ok {
		return id.(string), nil
	}
	var id string
	err := w.call(ctx, "conversations.open", func() error {
		ch, _, _, err := w.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	if err == nil {
		w.ims.Store(user, id)
	}
	return id, err
}

// OpenModal opens a modal in front of the person whose action gave triggerID.
func (w *webAPI) OpenModal(ctx context.Context, triggerID string, view slack.ModalViewRequest) error {
	return w.call(ctx, "views.open", func() error {
		_, err := w.client.OpenViewContext(ctx, triggerID, view)
		return err
	})
}

// User looks a person up: name, time zone, and whether they administer the workspace.
func (w *webAPI) User(ctx context.Context, id string) (commands.User, error) {
	var u *slack.User
	err := w.call(ctx, "users.info", func() (err error) {
		u, err = w.client.GetUserInfoContext(ctx, id)
		return err
	})
	if err != nil {
		return commands.User{}, err
	}
	return person(u), nil
}

// ChannelPrivate reports whether a conversation is private.
func (w *webAPI) ChannelPrivate(ctx context.Context, channel string) (bool, error) {
	var ch *slack.Channel
	err := w.call(ctx, "conversations.info", func() (err error) {
		ch, err = w.client.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channel})
		return err
	})
	if err != nil {
		return false, err
	}
	return ch.IsPrivate || ch.IsIM || ch.IsMpIM, nil
}

// Member says whether user is in a channel.
func (w *webAPI) Member(ctx context.Context, channel, user string) (bool, error) {
	members, err := w.Members(ctx, channel)
	return slices.Contains(members, user), err
}

// Members lists a channel's members, paged through conversations.members
// (groups:read covers a private channel the bot is in).
func (w *webAPI) Members(ctx context.Context, channel string) ([]string, error) {
	var all []string
	cursor := ""
	for {
		var (
			members []string
			next    string
		)
		err := w.call(ctx, "conversations.members", func() (err error) {
			members, next, err = w.client.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 1000})
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, members...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// Users lists every person of the workspace, paged through users.list
// (users:read), 200 a page.
func (w *webAPI) Users(ctx context.Context) ([]commands.User, error) {
	var out []commands.User
	page := w.client.GetUsersPaginated(slack.GetUsersOptionLimit(200))
	for {
		var next slack.UserPagination
		err := w.call(ctx, "users.list", func() (err error) {
			next, err = page.Next(ctx)
			return err
		})
		if page.Done(err) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for _, u := range next.Users {
			out = append(out, person(&u))
		}
		page = next
	}
}

// person is a Slack user as the use cases know them.
func person(u *slack.User) commands.User {
	return commands.User{ID: u.ID, Name: u.Name, TZ: u.TZ, Admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, Bot: u.IsBot, Deleted: u.Deleted}
}

// GroupMembers lists a user group's members (usergroups:read).
func (w *webAPI) GroupMembers(ctx context.Context, group string) ([]string, error) {
	var members []string
	err := w.call(ctx, "usergroups.users.list", func() (err error) {
		members, err = w.client.GetUserGroupMembersContext(ctx, group)
		return err
	})
	return members, err
}

// UploadToDM sends a person a file in their direct conversation with the bot.
func (w *webAPI) UploadToDM(ctx context.Context, user string, f commands.File) error {
	channel, err := w.imChannel(ctx, user)
	if err != nil {
		return err
	}
	return w.Upload(ctx, channel, "", f)
}

// Upload shares a file in a channel, or in a thread of it.
func (w *webAPI) Upload(ctx context.Context, channel, threadTS string, f commands.File) error {
	return w.call(ctx, "files.upload", func() error {
		_, err := w.client.UploadFileContext(ctx, slack.UploadFileParameters{
			Filename: f.Name, Title: f.Title, InitialComment: f.Comment, Channel: channel, ThreadTimestamp: threadTS,
			Reader: bytes.NewReader(f.Content), FileSize: len(f.Content), AltTxt: f.AltText,
		})
		return err
	})
}

// Permalink links to a message; "" when Slack would not say.
func (w *webAPI) Permalink(ctx context.Context, channel, ts string) string {
	key := channel + ":" + ts
	if link, ok := w.links.Load(key); ok {
		return link.(string)
	}
	var link string
	_ = w.call(ctx, "chat.getPermalink", func() (err error) {
		link, err = w.client.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		return err
	})
	if link != "" {
		if w.nlinks.Add(1) > maxLinks {
			w.links.Clear()
			w.nlinks.Store(1)
		}
		w.links.Store(key, link)
	}
	return link
}

// PublishHome replaces a user's App Home tab.
func (w *webAPI) PublishHome(ctx context.Context, user string, blocks []slack.Block) error {
	return w.call(ctx, "views.publish", func() error {
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

// Respond answers privately through a response_url.
func (w *webAPI) Respond(ctx context.Context, url string, m commands.Message) error {
	return w.respond(ctx, url, &commands.Reply{Message: m})
}

// respond sends a reply to a response_url (5 uses within 30 minutes).
func (w *webAPI) respond(ctx context.Context, url string, r *commands.Reply) error {
	body, err := json.Marshal(payloadOf(r))
	if err != nil {
		return err
	}
	return w.call(ctx, "response_url", func() error {
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
