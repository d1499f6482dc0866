package agents

import (
	"encoding/json"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/tools"
)

// notConfirmedText tells the shopper, in code, why the change they said
// yes to (t.ConfirmAction) was not made: it was confirmed already, a newer
// message came between its question and the yes, or this conversation
// never asked about it. (Whether it expired, the tool says when it runs.)
func notConfirmedText(history []llms.MessageContent, t Turn) string {
	previewed, confirmed := false, false
	for _, m := range history {
		for _, p := range m.Parts {
			switch p := p.(type) {
			case llms.ToolCall:
				if p.FunctionCall != nil && p.FunctionCall.Name == confirmTool && confirmedID(p.FunctionCall.Arguments) == t.ConfirmAction {
					confirmed = true
				}
			case llms.ToolCallResponse:
				if out, err := tools.DecodeShared(p.Name, p.Content); err == nil {
					if pd, ok := out.Data.(*tools.Pending); ok && pd.ActionID == t.ConfirmAction {
						previewed = true
					}
				}
			}
		}
	}
	zh := chinese(t)
	switch {
	case confirmed:
		if zh {
			return "您之前已经确认过这项更改，不会再执行一次。"
		}
		return "You already confirmed that change earlier, so nothing more was done."
	case previewed:
		if zh {
			return "这次确认是在之后的新消息之后才收到的，已不再适用，没有做任何更改。如果仍需要，请再告诉我一次。"
		}
		return "That confirmation came after newer messages, so it no longer applies and nothing was changed. If you still want the change, just ask me again."
	}
	if zh {
		return "本次对话中没有等待您确认的更改，所以没有做任何更改。"
	}
	return "There is no change waiting for your confirmation in this chat, so nothing was changed."
}

// confirmedID reads the action id of a recorded confirmation's arguments.
func confirmedID(args string) string {
	var a struct {
		ActionID string `json:"action_id"`
	}
	if json.Unmarshal([]byte(args), &a) != nil {
		return ""
	}
	return a.ActionID
}
