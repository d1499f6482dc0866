package main

import (
	"strings"
	"testing"
)

// KEFU_LLM=anthropic reads ANTHROPIC_API_KEY for a missing KEFU_LLM_API_KEY,
// and never an OPENAI_* variable: an OpenAI key, endpoint or model left in
// the environment must not go to Anthropic.
func TestConfigAnthropic(t *testing.T) {
	openaiEnv := []string{"OPENAI_API_KEY=sk-openai", "OPENAI_BASE_URL=http://openai-proxy/v1", "OPENAI_MODEL=gpt-x"}
	cfg, err := loadConfig(append([]string{"KEFU_LLM=Anthropic", "ANTHROPIC_API_KEY=sk-ant", "KEFU_LLM_MODEL=claude-haiku-4-5"}, openaiEnv...))
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.LLM; l.Kind != "anthropic" || l.APIKey != "sk-ant" || l.BaseURL != "https://api.anthropic.com/v1" || l.Model != "claude-haiku-4-5" {
		t.Errorf("config: kind %q key %q base %q model %q", l.Kind, l.APIKey, l.BaseURL, l.Model)
	}
	cfg, err = loadConfig([]string{"KEFU_LLM=anthropic", "ANTHROPIC_API_KEY=sk-ant", "KEFU_LLM_API_KEY=sk-kefu", "KEFU_LLM_MODEL=m",
		"KEFU_LLM_BASE_URL=http://proxy:4000/v1"})
	if err != nil || cfg.LLM.APIKey != "sk-kefu" || cfg.LLM.BaseURL != "http://proxy:4000/v1" {
		t.Errorf("KEFU_LLM_* first: %+v, %v", cfg.LLM, err)
	}
	// With only OpenAI's variables, Anthropic's endpoint lacks a key and a model.
	_, err = loadConfig(append([]string{"KEFU_LLM=anthropic"}, openaiEnv...))
	if err == nil || !strings.Contains(err.Error(), "model name is required for the anthropic provider") ||
		!strings.Contains(err.Error(), "API key is required for Anthropic's own endpoint") || strings.Contains(err.Error(), "sk-openai") {
		t.Errorf("anthropic with OpenAI's variables: %v", err)
	}
	// ANTHROPIC_API_KEY is not read for openai.
	cfg, err = loadConfig([]string{"KEFU_LLM=openai", "ANTHROPIC_API_KEY=sk-ant", "KEFU_LLM_MODEL=m", "KEFU_LLM_BASE_URL=http://local/v1"})
	if err != nil || cfg.LLM.APIKey != "" {
		t.Errorf("openai with ANTHROPIC_API_KEY: key %q, %v", cfg.LLM.APIKey, err)
	}
}
