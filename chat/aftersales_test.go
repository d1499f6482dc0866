package chat

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu-dev/kefu/agents"
	"github.com/kefu-dev/kefu/store"
)

// newShopServer is newTestServer on a shop imported from store/testdata,
// its clock at now (the file's dates are fixed).
func newShopServer(t *testing.T, file string, now time.Time) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "kefu.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("..", "store", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := store.DecodeDataset(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner, err := agents.NewRunner(ctx, st, agents.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(st, runner, Config{IdentitySecret: testSecret, HelloTimeout: 2 * time.Second}, log, prometheus.NewRegistry())
	srv := httptest.NewServer(http.HandlerFunc(e.ServeWS))
	ts := &testServer{t: t, st: st, engine: e, srv: srv, url: "ws" + strings.TrimPrefix(srv.URL, "http")}
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.Shutdown(ctx)
		st.Close()
	})
	return ts
}

// cardOf returns the first card of kind in an answer's cards.
func cardOf(t *testing.T, f frame, kind string) Card {
	t.Helper()
	var cards []Card
	json.Unmarshal(f.Cards, &cards)
	for _, c := range cards {
		if c.Kind == kind {
			return c
		}
	}
	t.Fatalf("no %s card in %s (text %q)", kind, f.Cards, f.Text)
	return Card{}
}

// An exchange over a real socket with the built-in model, on the demo
// shop: asked, previewed with a card and a confirm box that says what is
// exchanged, confirmed by the button, stored with the replacement's stock
// reserved.
func TestExchangeOverTheSocket(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx := context.Background()
	c := ts.dial(nil)
	c.hello(map[string]any{"identity": identity("cus_1008", time.Now().Add(time.Hour))}) // Hannah Schmidt
	c.send(map[string]any{"type": "message", "client_id": "x1", "text": "can I swap the rain jacket from KF-10031 for a large?"})
	preview, _ := c.until(answer)
	conf, _ := c.until(isType("confirm"))
	if !strings.Contains(preview.Text, "Blue / L") || conf.ActionID == "" {
		t.Fatalf("preview %q, confirm %+v", preview.Text, conf)
	}
	ex := cardOf(t, preview, "exchange")
	if ex.Exchange.Status != "preview" || ex.Exchange.OrderNumber != "KF-10031" || len(ex.Exchange.Lines) != 1 ||
		ex.Exchange.Lines[0].OutOption != "Blue / L" || ex.Exchange.Difference != "0.00" {
		t.Errorf("preview card %+v", ex.Exchange)
	}
	if p, _ := ts.st.Product(ctx, "JKT-RAIN-BLU-L"); *p.Stock != 5 {
		t.Fatalf("a preview reserved stock: %d", *p.Stock)
	}
	c.send(map[string]any{"type": "confirm", "action_id": conf.ActionID, "answer": "yes"})
	done, _ := c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "RMA-") })
	card := cardOf(t, done, "exchange")
	o, _ := ts.st.OrderByNumber(ctx, "KF-10031")
	rs, _ := ts.st.ReturnsByOrder(ctx, o.ID)
	if len(rs) != 1 || rs[0].Kind != store.ReturnKindExchange || rs[0].RMA != card.Exchange.RMA || rs[0].Items[0].Replacement != "JKT-RAIN-BLU-L" {
		t.Fatalf("exchanges %+v, card %+v", rs, card.Exchange)
	}
	if p, _ := ts.st.Product(ctx, "JKT-RAIN-BLU-L"); *p.Stock != 4 {
		t.Errorf("stock after the exchange: %d, want 4", *p.Stock)
	}
}

// The confirm box of an exchange and of an address change states the
// change in the shopper's language.
func TestAfterSalesConfirmBox(t *testing.T) {
	ts := newTestServer(t, nil)
	c := ts.dial(nil)
	c.hello(map[string]any{"identity": identity("cus_1014", time.Now().Add(time.Hour)), "locale": "zh"}) // 陈静
	c.send(map[string]any{"type": "message", "client_id": "x1", "text": "订单KF-10030的夹克颜色换成黑色"})
	raw := c.untilRaw(isType("confirm"))
	if !strings.Contains(raw, "换货：订单 KF-10030") || !strings.Contains(raw, "颜色 Black") {
		t.Errorf("confirm box %s", raw)
	}
}

// An address change over a real socket on an imported shop, in Chinese:
// the preview shows the new address and the old one, a clear yes in words
// confirms it, and the order keeps the old one in its history.
func TestAddressChangeOverTheSocket(t *testing.T) {
	ts := newShopServer(t, "shop_tea.json", time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	ctx := context.Background()
	c := ts.dial(nil)
	c.hello(map[string]any{"identity": identity("cha-203", time.Now().Add(time.Hour)), "locale": "zh"}) // 李雷
	c.send(map[string]any{"type": "message", "client_id": "a1", "text": "改地址"})
	ask, _ := c.until(answer)
	if !strings.Contains(ask.Text, "订单") {
		t.Fatalf("first answer %q", ask.Text)
	}
	c.send(map[string]any{"type": "message", "client_id": "a2", "text": "1008"})
	ask, _ = c.until(answer)
	if !strings.Contains(ask.Text, "新地址") {
		t.Fatalf("second answer %q", ask.Text)
	}
	c.send(map[string]any{"type": "message", "client_id": "a3", "text": "北京市朝阳区建国路88号，李雷，100022"})
	preview, _ := c.until(answer)
	card := cardOf(t, preview, "address")
	if card.Address.Status != "preview" || !strings.Contains(card.Address.Address, "朝阳区建国路88号") || !strings.Contains(card.Address.Previous, "中关村大街27号") {
		t.Fatalf("preview %q, card %+v", preview.Text, card.Address)
	}
	c.until(isType("confirm"))
	c.send(map[string]any{"type": "message", "client_id": "a4", "text": "确认"})
	done, _ := c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "已修改") })
	cardOf(t, done, "address")
	o, _ := ts.st.OrderByNumber(ctx, "1008")
	hist, _ := ts.st.AddressHistory(ctx, o.ID)
	if o.Address == nil || o.Address.Line1 != "朝阳区建国路88号" || o.Address.PostalCode != "100022" || len(hist) != 1 ||
		hist[0].Old == nil || !strings.Contains(hist[0].Old.Line1, "中关村大街27号") {
		t.Fatalf("order %+v, history %+v", o.Address, hist)
	}
}

// untilRaw reads frames until one matches, and returns it as sent.
func (c *client) untilRaw(match func(frame) bool) string {
	c.t.Helper()
	for {
		c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		var f frame
		if json.Unmarshal(b, &f) == nil && match(f) {
			return string(b)
		}
	}
}

// An exchange over a real socket on an imported shop, in Chinese, and an
// address change on the demo in English, each confirmed by a clear yes in
// words.
func TestExchangeAndAddressOnOtherShops(t *testing.T) {
	t.Run("electronics exchange", func(t *testing.T) {
		ts := newShopServer(t, "shop_electronics.json", time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
		ctx := context.Background()
		c := ts.dial(nil)
		c.hello(map[string]any{"identity": identity("vl-9002", time.Now().Add(time.Hour)), "locale": "zh"}) // 陈伟
		c.send(map[string]any{"type": "message", "client_id": "e1", "text": "A-5003 的手表颜色换成银色"})
		preview, _ := c.until(answer)
		if card := cardOf(t, preview, "exchange"); card.Exchange.Lines[0].OutOption != "Silver / 42 mm" {
			t.Fatalf("preview %q, card %+v", preview.Text, card.Exchange)
		}
		c.until(isType("confirm"))
		c.send(map[string]any{"type": "message", "client_id": "e2", "text": "确认"})
		c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "RMA-") })
		o, _ := ts.st.OrderByNumber(ctx, "A-5003")
		rs, _ := ts.st.ReturnsByOrder(ctx, o.ID)
		if len(rs) != 1 || rs[0].Kind != store.ReturnKindExchange || rs[0].Items[0].Replacement != "WAT-S2-SLV" {
			t.Fatalf("exchanges %+v", rs)
		}
		if p, _ := ts.st.Product(ctx, "WAT-S2-SLV"); *p.Stock != 2 {
			t.Errorf("stock %d, want 2", *p.Stock)
		}
	})
	t.Run("demo address", func(t *testing.T) {
		ts := newTestServer(t, nil)
		ctx := context.Background()
		c := ts.dial(nil)
		c.hello(map[string]any{"identity": identity("cus_1003", time.Now().Add(time.Hour))}) // Chloe Martin
		c.send(map[string]any{"type": "message", "client_id": "d1", "text": "change my delivery address"})
		ask, _ := c.until(answer)
		if !strings.Contains(ask.Text, "KF-10054") || !strings.Contains(ask.Text, "new address") {
			t.Fatalf("first answer %q", ask.Text)
		}
		c.send(map[string]any{"type": "message", "client_id": "d2", "text": "Chloe Martin, 500 King Street West, Toronto, ON M5V 1L9, Canada"})
		preview, _ := c.until(answer)
		if card := cardOf(t, preview, "address"); !strings.Contains(card.Address.Address, "500 King Street West") {
			t.Fatalf("preview %q", preview.Text)
		}
		c.until(isType("confirm"))
		c.send(map[string]any{"type": "message", "client_id": "d3", "text": "yes please"})
		c.until(func(f frame) bool { return answer(f) && strings.Contains(f.Text, "Done") })
		o, _ := ts.st.OrderByNumber(ctx, "KF-10054")
		if o.Address == nil || o.Address.PostalCode != "M5V 1L9" || o.Address.Region != "ON" || o.Address.Country != "CA" {
			t.Fatalf("order address %+v", o.Address)
		}
	})
}
