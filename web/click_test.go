package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// A click on a SKU the shop does not have (sent by hand over the socket)
// is not counted: not stored, not in the metric; one on a real product is.
func TestClickOnUnknownSKUNotCounted(t *testing.T) {
	ctx := context.Background()
	hs, st := newStack(t)
	ws, conv := shopper(t, hs, "hello")
	ps, err := st.Products(ctx)
	if err != nil || len(ps) == 0 {
		t.Fatal(err)
	}
	for _, sku := range []string{"NOPE-404", "<script>", ps[0].SKU, "NOPE-405"} {
		ws.WriteJSON(map[string]any{"type": "click", "sku": sku})
	}
	// A message after the clicks: its ack comes after they were handled.
	ws.WriteJSON(map[string]any{"type": "message", "client_id": "after", "text": "thanks"})
	readUntil(t, ws, func(f map[string]any) bool { return f["type"] == "ack" && f["client_id"] == "after" })

	var clicked []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		evs, err := st.Events(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		clicked = clicked[:0]
		for _, e := range evs {
			if e.Kind == store.EventRecommendationClick {
				var d struct{ SKU string }
				json.Unmarshal(e.Data, &d)
				clicked = append(clicked, d.SKU)
			}
		}
		if len(clicked) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(clicked) != 1 || clicked[0] != ps[0].SKU {
		t.Errorf("clicks stored: %q, want only [%s]", clicked, ps[0].SKU)
	}
	resp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "\nkefu_recommendation_clicks_total 1\n") {
		t.Errorf("the clicks metric is not 1:\n%s", grepLines(string(b), "kefu_recommendation_clicks_total"))
	}
}

func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
