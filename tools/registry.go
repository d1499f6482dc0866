package tools

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/store"
)

// DefaultTimeout bounds one tool call when the registry has no other.
const DefaultTimeout = 5 * time.Second

// Registry is the set of tools the agent may use.
type Registry struct {
	tools   []Tool
	byName  map[string]Tool
	defs    []llms.Tool // built once: every model call sends them
	timeout time.Duration
	actions actionStore
}

// actionStore is what Confirm needs to find a pending action.
type actionStore interface {
	PendingAction(ctx context.Context, id string) (*store.PendingAction, error)
}

// confirmer is a change tool that can execute a confirmed pending action.
type confirmer interface {
	Tool
	kind() string
	confirm(ctx context.Context, id Identity, a *store.PendingAction) (Result, error)
}

// NewRegistry returns a registry of the given tools. timeout bounds each
// call (zero: DefaultTimeout); actions finds pending actions for Confirm.
func NewRegistry(actions actionStore, timeout time.Duration, tools ...Tool) *Registry {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r := &Registry{byName: map[string]Tool{}, timeout: timeout, actions: actions}
	for _, t := range tools {
		if _, dup := r.byName[t.Name()]; dup {
			panic("tools: duplicate tool " + t.Name())
		}
		r.tools = append(r.tools, t)
		r.byName[t.Name()] = t
		r.defs = append(r.defs, llms.Tool{Type: "function", Function: &llms.FunctionDefinition{
			Name: t.Name(), Description: t.Description(), Parameters: t.Parameters(),
		}})
	}
	return r
}

// Default returns the registry of every kefu tool over the store.
func Default(st *store.Store, p Policy) *Registry {
	p = p.withDefaults()
	return NewRegistry(st, DefaultTimeout,
		&SearchKnowledgeBase{Articles: st},
		&ListOrders{Orders: st, Returns: st, Policy: p},
		&LookupOrder{Orders: st, Returns: st, Policy: p},
		&TrackShipment{Orders: st, Shipments: st},
		&StartReturn{Store: st, Policy: p},
		&ReturnStatus{Orders: st, Returns: st},
		&CancelOrder{Store: st, Policy: p},
		&StartExchange{Store: st, Policy: p},
		&ChangeShippingAddress{Store: st, Policy: p},
		&RecommendProducts{Catalog: st},
		&OfferCoupon{Store: st, Policy: p},
		&HandoffToHuman{Events: st},
	)
}

// Info describes a tool for the console and docs.
type Info struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Risk        Risk   `json:"risk"`
}

// List describes every tool, in registration order.
func (r *Registry) List() []Info {
	out := make([]Info, 0, len(r.tools))
	for _, t := range r.tools {
		out = append(out, Info{Name: t.Name(), Description: t.Description(), Risk: t.Risk()})
	}
	return out
}

// Names returns the tool names, sorted.
func (r *Registry) Names() []string {
	var ns []string
	for n := range r.byName {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Tool returns the tool with the given name.
func (r *Registry) Tool(name string) (Tool, bool) {
	t, ok := r.byName[name]
	return t, ok
}

// Definitions returns the tools as langchaingo tool definitions for
// llms.WithTools.
func (r *Registry) Definitions() []llms.Tool {
	return slices.Clone(r.defs)
}

// ErrTimeout is returned when a tool call runs past its time limit.
var ErrTimeout = errors.New("tools: call timed out")

// Call runs the named tool for the shopper id with the model's JSON
// arguments, bounded by the registry's timeout. An unknown tool is a
// Result the model can correct; a panic in a tool becomes an error, not a
// crash.
func (r *Registry) Call(ctx context.Context, id Identity, name, args string) (res Result, err error) {
	t, ok := r.byName[name]
	if !ok {
		return invalid(fmt.Sprintf("there is no tool %q; available tools: %v", name, r.Names())), nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("tools: %s panicked: %v\n%s", name, p, debug.Stack())
		}
	}()
	res, err = t.Call(ctx, id, args)
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("%w: %s after %s: %w", ErrTimeout, name, r.timeout, err)
	}
	return res, err
}

// Confirm executes the pending change actionID for the shopper id: the
// shopper said yes (a confirm button, or a clear yes the agent recognised).
// Only the conversation and customer that previewed the change can confirm
// it, it must not have expired, and policy is checked again; a second
// confirmation returns the first outcome with status already_done.
func (r *Registry) Confirm(ctx context.Context, id Identity, actionID string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	a, err := r.actions.PendingAction(ctx, actionID)
	if errors.Is(err, store.ErrNotFound) {
		return Result{Status: StatusNotFound, Reason: "action_not_found", Message: "There is no pending change with that id."}, nil
	}
	if err != nil {
		return Result{}, err
	}
	// A guest is known only by their conversation, so a guest's action can
	// be confirmed only from the conversation that previewed it.
	if a.CustomerID != id.CustomerID || a.ConversationID != id.ConversationID || (id.Guest() && id.ConversationID == "") {
		// Same answer as a missing action: ids are not a capability.
		return Result{Status: StatusNotFound, Reason: "action_not_found", Message: "There is no pending change with that id."}, nil
	}
	for _, t := range r.tools {
		if c, ok := t.(confirmer); ok && c.kind() == a.Kind {
			return c.confirm(ctx, id, a)
		}
	}
	return Result{}, fmt.Errorf("tools: no tool executes %q actions", a.Kind)
}

// Without returns a registry without the named tools: for a shop that
// disables a capability, and for replaying recorded conversations against
// a changed agent.
func (r *Registry) Without(names ...string) *Registry {
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	var keep []Tool
	for _, t := range r.tools {
		if !drop[t.Name()] {
			keep = append(keep, t)
		}
	}
	return NewRegistry(r.actions, r.timeout, keep...)
}
