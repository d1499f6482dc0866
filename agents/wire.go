package agents

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kefu-dev/kefu/agents/builtin"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// Options configure NewRunner. The zero value runs the built-in model.
type Options struct {
	Provider ProviderConfig
	// DisableTools names tools the agent may not use.
	DisableTools []string
	Policy       tools.Policy
	Config       Config
	Logger       *slog.Logger
}

// NewRunner wires the agent over the store: the tools, the built-in model
// with the shop's catalog, and the configured provider with the built-in
// model as its fallback. The built-in model also reads the shopper's
// answers to confirmation questions, in code, for every provider.
func NewRunner(ctx context.Context, st *store.Store, o Options) (*Runner, error) {
	products, err := st.Products(ctx)
	if err != nil {
		return nil, err
	}
	catalog := make([]builtin.Product, 0, len(products))
	for _, p := range products {
		catalog = append(catalog, builtin.Product{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category})
	}
	local := builtin.New(catalog)
	r := &Runner{
		Model:  Model{Model: local, Name: builtin.Name},
		Tools:  tools.Default(st, o.Policy).Without(o.DisableTools...),
		Log:    &StoreLog{Store: st},
		Logger: o.Logger,
		Now:    st.Now,
		Reply: func(text string) Reply {
			switch local.Reply(text) {
			case builtin.Yes:
				return ReplyYes
			case builtin.No:
				return ReplyNo
			}
			return ReplyOther
		},
		Config: o.Config,
	}
	remote, ok, err := NewProviderModel(o.Provider)
	if err != nil {
		return nil, fmt.Errorf("model provider: %w", err)
	}
	if ok {
		r.Model, r.Fallback = remote, Model{Model: local, Name: builtin.Name}
		r.logger().Info("model provider", "model", remote.Name, "base_url", o.Provider.BaseURL, "fallback", builtin.Name)
	}
	return r, nil
}
