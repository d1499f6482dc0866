package store_test

import (
	"context"
	"testing"
)

// The console's settings are saved over the ones saved before, on both
// engines.
func TestShopSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st, ctx := open(t), context.Background()
		if m, err := st.ShopSettings(ctx); err != nil || len(m) != 0 {
			t.Fatalf("a new store has settings %v (%v)", m, err)
		}
		if err := st.SetShopSettings(ctx, map[string]string{"shop_name": "Tea House", "accent_color": "#112233"}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetShopSettings(ctx, map[string]string{"shop_name": "茶馆", "greeting_zh": "欢迎光临"}); err != nil {
			t.Fatal(err)
		}
		m, err := st.ShopSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"shop_name": "茶馆", "accent_color": "#112233", "greeting_zh": "欢迎光临"}
		if len(m) != len(want) {
			t.Fatalf("settings %v, want %v", m, want)
		}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("%s = %q, want %q", k, m[k], v)
			}
		}
	})
}

// The email a shopper leaves outside hours is kept on the conversation.
func TestContactEmail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open opener) {
		st, ctx := open(t), context.Background()
		c, _, err := st.CreateConversation(ctx, 0, "en")
		if err != nil {
			t.Fatal(err)
		}
		if e, err := st.ContactEmail(ctx, c.ID); err != nil || e != "" {
			t.Fatalf("new conversation: %q %v", e, err)
		}
		if err := st.SetContactEmail(ctx, c.ID, "lin@example.com"); err != nil {
			t.Fatal(err)
		}
		if e, _ := st.ContactEmail(ctx, c.ID); e != "lin@example.com" {
			t.Errorf("contact email %q", e)
		}
		if err := st.SetContactEmail(ctx, "nope", "x@example.com"); err == nil {
			t.Error("an unknown conversation took an email")
		}
	})
}
