package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/agents/builtin"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// newRunner wires the agent: the tools over the store, the built-in model
// with the shop's catalog, and the configured provider with the built-in
// model as its fallback.
func newRunner(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*agents.Runner, error) {
	products, err := st.Products(ctx)
	if err != nil {
		return nil, err
	}
	catalog := make([]builtin.Product, 0, len(products))
	for _, p := range products {
		catalog = append(catalog, builtin.Product{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category})
	}
	local := builtin.New(catalog)
	r := &agents.Runner{
		Model:  agents.Model{Model: local, Name: builtin.Name},
		Tools:  tools.Default(st, tools.Policy{ReturnWindow: cfg.ReturnWindow}),
		Log:    &agents.StoreLog{Store: st},
		Logger: log,
		Now:    st.Now,
		Reply: func(text string) agents.Reply {
			switch local.Reply(text) {
			case builtin.Yes:
				return agents.ReplyYes
			case builtin.No:
				return agents.ReplyNo
			}
			return agents.ReplyOther
		},
		Config: agents.Config{MaxSteps: cfg.LLMMaxSteps, ModelTimeout: cfg.LLMTimeout},
	}
	remote, ok, err := agents.NewProviderModel(cfg.LLM)
	if err != nil {
		return nil, fmt.Errorf("model provider: %w", err)
	}
	if ok {
		r.Model, r.Fallback = remote, agents.Model{Model: local, Name: builtin.Name}
		log.Info("model provider", "model", remote.Name, "base_url", cfg.LLM.BaseURL, "fallback", builtin.Name)
	}
	return r, nil
}
