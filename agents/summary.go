package agents

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
)

const summaryPrompt = `You write short notes about a shop's customer for the support staff who are about to help them.
Use only the facts given; never add anything. Three sentences at most: what they buy and in what price range, what they like and complain about, and anything open or worth knowing before answering (open returns or orders, repeated contacts, falling satisfaction). Plain text, no lists, no greeting.`

// Summarise asks a model for a short summary of a customer from the facts
// of their needs profile, bounded by timeout.
func Summarise(ctx context.Context, m Model, facts string, timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := m.GenerateContent(ctx, []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, summaryPrompt),
		llms.TextParts(llms.ChatMessageTypeHuman, "Facts:\n"+facts),
	})
	if ctx.Err() != nil {
		return "", fmt.Errorf("%w: summary", ErrModelTimeout)
	}
	if err != nil {
		return "", fmt.Errorf("agents: summary: %w", err)
	}
	text := strings.TrimSpace(answerText(resp))
	if text == "" {
		return "", ErrEmptyResponse
	}
	return clip(text, 1200), nil
}
