package commands

import (
	"context"

	"github.com/slack-go/slack"
)

// File is a file to share: its content, name and title, the message that
// comes with it, and for a picture what it shows (for screen readers).
type File struct {
	Name, Title, Comment, AltText string
	Content                       []byte
}

// Message is a Slack message: blocks with their plain-text fallback.
type Message struct {
	Text     string
	Blocks   []slack.Block
	ThreadTS string
}

// User is what Slack says of a person.
type User struct {
	ID, Name, TZ string
	Admin        bool // a workspace admin or owner
	Bot          bool // an app's bot user
	Deleted      bool // deactivated
}

// Slack is what the use cases do in Slack beyond replying; the bot
// implements it with rate-limit-aware Web API calls.
type Slack interface {
	Post(ctx context.Context, channel string, m Message) (ts string, err error)
	Update(ctx context.Context, channel, ts string, m Message) error
	PostEphemeral(ctx context.Context, channel, user string, m Message) error
	DM(ctx context.Context, user string, m Message) error
	PublishHome(ctx context.Context, user string, blocks []slack.Block) error
	OpenModal(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	User(ctx context.Context, id string) (User, error)
	ChannelPrivate(ctx context.Context, channel string) (bool, error)
	// Member says whether a person is in a channel.
	Member(ctx context.Context, channel, user string) (bool, error)
	// Members lists a channel's members; GroupMembers a user group's.
	Members(ctx context.Context, channel string) ([]string, error)
	GroupMembers(ctx context.Context, group string) ([]string, error)
	// Users lists every person of the workspace (users.list, paged).
	Users(ctx context.Context) ([]User, error)
	UploadToDM(ctx context.Context, user string, f File) error
	Upload(ctx context.Context, channel, threadTS string, f File) error
	Permalink(ctx context.Context, channel, ts string) string
	// Respond answers privately through a click's or command's response_url.
	Respond(ctx context.Context, responseURL string, m Message) error
}
