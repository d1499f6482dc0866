package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// With the shop's setting on, a return for a damaged or wrong item waits
// for a photo attached in the conversation; other returns do not, and
// without the setting nothing changes.
func TestReturnForFaultyItemNeedsPhoto(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	strict := tools.Default(e.st, tools.Policy{PhotoForFaulty: true})
	call := func(reg *tools.Registry, reason string) tools.Result {
		t.Helper()
		res, err := reg.Call(ctx, e.as(alice), "start_return", `{"order_number":"KF-1001","items":[{"item":"blue jacket"}],"reason":"`+reason+`"}`)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := call(strict, "the zipper is broken"); r.Status != tools.StatusNeedsInfo || r.Missing != "photo" || !strings.Contains(r.Message, "camera button") {
		t.Fatalf("faulty, no photo: %s", r.JSON())
	}
	if r := call(strict, "too big"); r.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("not faulty: %s", r.JSON())
	}
	if r := call(e.reg, "the zipper is broken"); r.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("setting off: %s", r.JSON())
	}
	// A photo uploaded but not sent in a message is not evidence yet.
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv[alice], Role: store.RoleUser, Text: "here", ClientID: "c1"}); err != nil {
		t.Fatal(err)
	}
	p := &store.Photo{ConversationID: e.conv[alice], SHA256: strings.Repeat("ab", 32), ContentType: "image/jpeg", Width: 1, Height: 1, Size: 1}
	if err := e.st.AddPhoto(ctx, p); err != nil {
		t.Fatal(err)
	}
	if r := call(strict, "the zipper is broken"); r.Missing != "photo" {
		t.Fatalf("photo not attached to a message: %s", r.JSON())
	}
	if n, err := e.st.AttachPhotos(ctx, e.conv[alice], 1, []string{p.ID}); err != nil || n != 1 {
		t.Fatalf("attach: %d %v", n, err)
	}
	if r := call(strict, "the zipper is broken"); r.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("with a photo: %s", r.JSON())
	}
}

// An exchange for a damaged or wrong item needs the photo too, when the
// shop asks for one; an exchange for another size does not.
func TestExchangeForFaultyItemNeedsPhoto(t *testing.T) {
	e := newVariantEnv(t)
	ctx := context.Background()
	strict := tools.Default(e.st, tools.Policy{PhotoForFaulty: true})
	call := func(reason string) tools.Result {
		t.Helper()
		res, err := strict.Call(ctx, e.as(alice), "start_exchange", `{"order_number":"KF-1001","item":"JKT-BLU","wanted_variant":"L","reason":"`+reason+`"}`)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := call("the seam arrived torn"); r.Status != tools.StatusNeedsInfo || r.Missing != "photo" {
		t.Fatalf("faulty, no photo: %s", r.JSON())
	}
	if r := call("too small"); r.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("another size: %s", r.JSON())
	}
	if _, err := e.st.AppendMessage(ctx, &store.Message{ConversationID: e.conv[alice], Role: store.RoleUser, Text: "here", ClientID: "c1"}); err != nil {
		t.Fatal(err)
	}
	p := &store.Photo{ConversationID: e.conv[alice], SHA256: strings.Repeat("cd", 32), ContentType: "image/jpeg", Width: 1, Height: 1, Size: 1}
	if err := e.st.AddPhoto(ctx, p); err != nil {
		t.Fatal(err)
	}
	if n, err := e.st.AttachPhotos(ctx, e.conv[alice], 1, []string{p.ID}); err != nil || n != 1 {
		t.Fatalf("attach: %d %v", n, err)
	}
	if r := call("the seam arrived torn"); r.Status != tools.StatusNeedsConfirmation {
		t.Fatalf("faulty, with a photo: %s", r.JSON())
	}
}
