package agents_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/tools"
)

// The built-in model states the shop's own return window, not 30 days: a
// shop with 14 days that is asked to cancel a shipped order says a
// return is possible within 14 days, in both languages.
func TestBuiltinStatesTheShopsReturnWindow(t *testing.T) {
	for _, sh := range []testShop{teaShop, electronicsShop} {
		for _, c := range []struct{ lang, say, want string }{
			{"en", "please cancel order %s", "within 14 days"},
			{"zh", "帮我取消订单%s", "14天"},
		} {
			t.Run(sh.name+"/"+c.lang, func(t *testing.T) {
				st, path, ds := openShop(t, sh)
				r := findRoles(t, ds, sh.clock())
				runner, err := agents.NewRunner(context.Background(), st, agents.Options{
					Policy: tools.Policy{ReturnWindow: 14 * 24 * time.Hour},
					Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
				if err != nil {
					t.Fatal(err)
				}
				sc := converse(t, st, path, runner, r.shipped.email)
				res := sc.run(fmt.Sprintf(c.say, r.shipped.number))
				if !strings.Contains(res.Reply, c.want) || strings.Contains(res.Reply, "30") {
					t.Fatalf("reply %q, want %q", res.Reply, c.want)
				}
			})
		}
	}
}
