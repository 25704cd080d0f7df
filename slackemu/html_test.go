package slackemu

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHTML(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	n := Names{
		User:    func(id string) string { return map[string]string{"U1": "ann"}[id] },
		Channel: func(id string) string { return map[string]string{"C1": "product"}[id] },
		Zone:    berlin,
	}
	tests := []struct{ name, text, blocks, want, err string }{
		{name: "text only, escaped", text: "a &lt;script&gt; &amp; *b*", want: `<div class="text">a &lt;script&gt; &amp; <b>b</b></div>`},
		{name: "section with mrkdwn", blocks: `[{"type":"section","text":{"type":"mrkdwn","text":"*#1 Dark mode* by <@U1> in <#C1|product>\n&gt; quoted _it_ ~gone~ ` + "`x`" + `"}}]`,
			want: `<div class="section"><div class="text"><b>#1 Dark mode</b> by <span class="mention">@ann</span> in <span class="channel">#product</span><br><q>quoted <i>it</i> <s>gone</s> <code>x</code></q></div></div>`},
		{name: "links and dates in the reader's zone", blocks: `[{"type":"context","elements":[{"type":"mrkdwn","text":"<https://x.example/a?b=1&amp;c=2|the spec> on <!date^1764576000^{date_short} at {time}|1 Dec>"}]}]`,
			want: `<div class="context"><span><a href="https://x.example/a?b=1&amp;c=2" target="_blank" rel="noopener">the spec</a> on Dec 1, 2025 at 09:00</span></div>`},
		{name: "fields and a button accessory", blocks: `[{"type":"section","block_id":"b","fields":[{"type":"plain_text","text":"<a>"}],"accessory":{"type":"button","action_id":"go","value":"1","text":{"type":"plain_text","text":"Go"}}}]`,
			want: `<div class="section"><div class="fields"><div class="field">&lt;a&gt;</div></div><button class="button" data-block="b" data-action="go" data-value="1">Go</button></div>`},
		{name: "actions, header, divider, image", blocks: `[{"type":"header","text":{"type":"plain_text","text":"Weekly"}},{"type":"divider"},{"type":"actions","block_id":"a","elements":[{"type":"button","action_id":"x","value":"v","text":{"type":"plain_text","text":"Me too"},"style":"primary","confirm":{"title":{"type":"plain_text","text":"Sure?"},"text":{"type":"mrkdwn","text":"*Really*"}}}]},{"type":"image","image_url":"https://i.example/m.png","alt_text":"matrix"}]`,
			want: `<h3 class="header">Weekly</h3><hr class="divider"><div class="actions" data-block="a"><button class="button primary" data-block="a" data-action="x" data-value="v" data-confirm="Sure?" data-confirm-text="&lt;b&gt;Really&lt;/b&gt;" data-confirm-ok="Yes" data-confirm-deny="Cancel">Me too</button></div><img class="image" src="https://i.example/m.png" alt="matrix">`},
		{name: "inputs with pickers", blocks: `[{"type":"input","block_id":"title","label":{"type":"plain_text","text":"Title"},"element":{"type":"plain_text_input","action_id":"value","initial_value":"Dark \"mode\"","max_length":150,"placeholder":{"type":"plain_text","text":"Dark mode"}}},{"type":"input","block_id":"who","optional":true,"label":{"type":"plain_text","text":"Requested by"},"hint":{"type":"plain_text","text":"They hear how it moves."},"element":{"type":"multi_users_select","action_id":"value","initial_users":["U1"]}},{"type":"input","block_id":"backlog","label":{"type":"plain_text","text":"Backlog"},"element":{"type":"conversations_select","action_id":"value","initial_conversation":"C1","placeholder":{"type":"plain_text","text":"Choose a channel"}}},{"type":"input","block_id":"fw","label":{"type":"plain_text","text":"Framework"},"element":{"type":"static_select","action_id":"value","options":[{"text":{"type":"plain_text","text":"RICE"},"value":"rice"}],"initial_option":{"text":{"type":"plain_text","text":"RICE"},"value":"rice"}}},{"type":"input","block_id":"when","label":{"type":"plain_text","text":"Closes after"},"element":{"type":"static_select","action_id":"value","options":[{"text":{"type":"plain_text","text":"1h"},"value":"1h"}]}},{"type":"input","block_id":"ideas","label":{"type":"plain_text","text":"Ideas"},"element":{"type":"multi_static_select","action_id":"value","options":[{"text":{"type":"plain_text","text":"#1 <Dark>"},"value":"1"}]}}]`,
			want: `<div class="input" data-block="title" role="group" aria-label="Title"><span class="label">Title</span><input type="text" data-block="title" data-action="value" maxlength="150" placeholder="Dark mode" value="Dark &#34;mode&#34;"></div>` +
				`<div class="input" data-block="who" role="group" aria-label="Requested by"><span class="label">Requested by <span class="optional">(optional)</span></span><div class="multi people" data-block="who" data-action="value" data-initial="U1"></div><span class="hint">They hear how it moves.</span></div>` +
				`<div class="input" data-block="backlog" role="group" aria-label="Backlog"><span class="label">Backlog</span><select class="conversations" data-block="backlog" data-action="value" data-initial="C1" data-placeholder="Choose a channel"></select></div>` +
				`<div class="input" data-block="fw" role="group" aria-label="Framework"><span class="label">Framework</span><select data-block="fw" data-action="value"><option value="rice" selected>RICE</option></select></div>` +
				`<div class="input" data-block="when" role="group" aria-label="Closes after"><span class="label">Closes after</span><select data-block="when" data-action="value"><option value="" selected>Select an item</option><option value="1h">1h</option></select></div>` +
				`<div class="input" data-block="ideas" role="group" aria-label="Ideas"><span class="label">Ideas</span><div class="multi" data-block="ideas" data-action="value"><label><input type="checkbox" value="1"> #1 &lt;Dark&gt;</label></div></div>`},
		{name: "context image, image accessory, danger, one person, @here", blocks: `[{"type":"context","elements":[{"type":"image","image_url":"https://i.example/a.png","alt_text":"ava"},{"type":"plain_text","text":"ava <b>"}]},{"type":"section","text":{"type":"mrkdwn","text":"<!here> look"},"accessory":{"type":"image","image_url":"https://i.example/m.png","alt_text":"matrix"}},{"type":"actions","block_id":"d","elements":[{"type":"button","action_id":"no","value":"1","style":"danger","text":{"type":"plain_text","text":"Decline"}},{"type":"users_select","action_id":"who","initial_user":"U1"}]}]`,
			want: `<div class="context"><img class="context-image" src="https://i.example/a.png" alt="ava"><span>ava &lt;b&gt;</span></div>` +
				`<div class="section"><div class="text"><span class="mention">@here</span> look</div><img class="accessory" src="https://i.example/m.png" alt="matrix"></div>` +
				`<div class="actions" data-block="d"><button class="button danger" data-block="d" data-action="no" data-value="1">Decline</button><select class="people" data-block="d" data-action="who" data-initial="U1" data-placeholder="Select an item"></select></div>`},
		{name: "an unknown block", blocks: `[{"type":"video"}]`, err: `block "video"`},
		{name: "an unknown element", blocks: `[{"type":"actions","elements":[{"type":"datepicker"}]}]`, err: `element "datepicker"`},
	}
	for _, tt := range tests {
		got, err := HTML(tt.text, []byte(tt.blocks), n)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}
