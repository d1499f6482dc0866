package agents

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kefu-dev/kefu/agents/builtin"
	"github.com/kefu-dev/kefu/agents/voice"
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
	// Voice is the shop's voice (names, tone, instructions, greeting);
	// nil: kefu's own.
	Voice *voice.Live
}

// NewRunner wires the agent over the store: the tools, the built-in model
// with the shop's vocabulary (its order and return number shapes,
// products, articles; kept up to date as the shop's data changes), and the
// configured provider with the built-in model as its fallback. The built-in model also reads the shopper's
// answers to confirmation questions, in code, for every provider.
func NewRunner(ctx context.Context, st *store.Store, o Options) (*Runner, error) {
	local := builtin.NewForShop(builtin.Shop{})
	local.SetReturnWindow(o.Policy.ReturnWindow)
	local.SetVoice(func() builtin.Voice {
		v := o.Voice.Get(context.Background())
		return builtin.Voice{ShopName: v.ShopName, AssistantName: v.AssistantName, GreetingEN: v.GreetingEN, GreetingZH: v.GreetingZH}
	})
	if err := local.Follow(ctx, shopSource{st}, shopRefresh); err != nil {
		return nil, err
	}
	r := &Runner{
		Model:  Model{Model: local, Name: builtin.Name},
		Tools:  tools.Default(st, o.Policy).Without(o.DisableTools...),
		Log:    &StoreLog{Store: st},
		Logger: o.Logger,
		Voice:  o.Voice,
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

// shopRefresh is how old the built-in model's knowledge of the shop may
// get: an import in this process shows at the next turn (the store's
// ShopVersion moves), one by another process (`kefu import` beside a
// running server) within this.
const shopRefresh = time.Minute

// shopSource gives the built-in model the shop's vocabulary from the
// store.
type shopSource struct{ st *store.Store }

func (s shopSource) Version() uint64 { return s.st.ShopVersion() }

func (s shopSource) Shop(ctx context.Context) (builtin.Shop, error) {
	v, err := s.st.Vocabulary(ctx)
	if err != nil {
		return builtin.Shop{}, err
	}
	sh := builtin.Shop{OrderNumbers: v.OrderNumbers, RMAs: v.RMAs}
	for _, p := range v.Products {
		sh.Products = append(sh.Products, builtin.Product{SKU: p.SKU, Title: p.Title, TitleZH: p.TitleZH, Category: p.Category, Tags: p.Tags})
	}
	for _, a := range v.Articles {
		sh.Articles = append(sh.Articles, builtin.Article{Slug: a.Slug, Locale: a.Locale, Title: a.Title, Tags: a.Tags})
	}
	return sh, nil
}
