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
		{name: "inputs with pickers", blocks: `[{"type":"input","block_id":"title","label":{"type":"plain_text","text":"Title"},"element":{"type":"plain_text_input","action_id":"value","initial_value":"Dark \"mode\"","max_length":150}},{"type":"input","block_id":"who","label":{"type":"plain_text","text":"Requested by"},"element":{"type":"multi_users_select","action_id":"value","initial_users":["U1"]}},{"type":"input","block_id":"backlog","label":{"type":"plain_text","text":"Backlog"},"element":{"type":"conversations_select","action_id":"value","initial_conversation":"C1"}},{"type":"input","block_id":"fw","label":{"type":"plain_text","text":"Framework"},"element":{"type":"static_select","action_id":"value","options":[{"text":{"type":"plain_text","text":"RICE"},"value":"rice"}],"initial_option":{"text":{"type":"plain_text","text":"RICE"},"value":"rice"}}}]`,
			want: `<label class="input" data-block="title"><span class="label">Title</span><input type="text" data-block="title" data-action="value" maxlength="3000" value="Dark &#34;mode&#34;"></label>` +
				`<label class="input" data-block="who"><span class="label">Requested by</span><select class="people" data-block="who" data-action="value" multiple data-initial="U1"></select></label>` +
				`<label class="input" data-block="backlog"><span class="label">Backlog</span><select class="conversations" data-block="backlog" data-action="value" data-initial="C1"></select></label>` +
				`<label class="input" data-block="fw"><span class="label">Framework</span><select data-block="fw" data-action="value"><option value="rice" selected>RICE</option></select></label>`},
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
