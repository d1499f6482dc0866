package agents

import (
	"strings"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents/builtin"
)

// SuggestionsAuthor marks the system message that holds the replies an
// answer offers as one-click suggestions (one per line), stored just
// before that answer. Models never see it; the widget shows the replies
// as chips under the answer, live and on resume.
const SuggestionsAuthor = "kefu-suggestions"

// SuggestionsKey is the key of an answer's GenerationInfo under which a
// model offers suggestions ([]string): the built-in model does, for the
// options of a clarifying question.
const SuggestionsKey = builtin.SuggestionsKey

// Bounds on what a model may offer: a few short replies.
const (
	maxSuggestions     = 4
	maxSuggestionRunes = 60
)

// suggestionsOf reads the suggestions a response offers, bounded: at
// most four, each one line of at most 60 characters, no blank ones.
func suggestionsOf(resp *llms.ContentResponse) []string {
	var out []string
	for _, ch := range resp.Choices {
		if ch == nil || ch.GenerationInfo == nil {
			continue
		}
		list, _ := ch.GenerationInfo[SuggestionsKey].([]string)
		for _, s := range list {
			s = strings.Join(strings.Fields(s), " ")
			if s == "" || utf8.RuneCountInString(s) > maxSuggestionRunes || len(out) == maxSuggestions {
				continue
			}
			out = append(out, s)
		}
	}
	return out
}

// SplitSuggestions reads the replies a suggestions message holds.
func SplitSuggestions(text string) []string {
	var out []string
	for _, s := range strings.Split(text, "\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
