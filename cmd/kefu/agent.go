package main

import (
	"context"
	"log/slog"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// newRunner builds the agent from the configuration.
func newRunner(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*agents.Runner, error) {
	return agents.NewRunner(ctx, st, agents.Options{
		Provider: cfg.LLM,
		Policy:   tools.Policy{ReturnWindow: cfg.ReturnWindow, CouponPercent: cfg.CouponPercent},
		Config:   agents.Config{MaxSteps: cfg.LLMMaxSteps, ModelTimeout: cfg.LLMTimeout},
		Logger:   log,
	})
}
