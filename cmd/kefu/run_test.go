package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// kefu runs the CLI in-process with the given environment.
func kefu(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	code, out, _ := kefu(t, nil, "help")
	if code != 0 || !strings.Contains(out, "kefu seed") || !strings.Contains(out, "KEFU_DB") {
		t.Fatalf("code %d, usage:\n%s", code, out)
	}
	if code, _, errOut := kefu(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: code %d, %s", code, errOut)
	}
}

func TestConfigValidation(t *testing.T) {
	code, _, errOut := kefu(t, []string{"KEFU_DB=", "KEFU_RETURN_WINDOW_DAYS=thirty", "KEFU_LOG_LEVEL=loud", "KEFU_COUPON_PERCENT=50"}, "seed")
	if code != 1 {
		t.Fatalf("code %d", code)
	}
	for _, want := range []string{"KEFU_DB is set but empty", `KEFU_RETURN_WINDOW_DAYS="thirty"`, `KEFU_LOG_LEVEL="loud"`, `KEFU_COUPON_PERCENT="50"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	db := filepath.Join(t.TempDir(), "k.db")
	_, _, errOut = kefu(t, []string{"KEFU_DB=" + db, "KEFU_DATABASE=x.db"}, "seed")
	if !strings.Contains(errOut, "KEFU_DATABASE") {
		t.Errorf("unknown variable not reported:\n%s", errOut)
	}
}

func TestSeed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kefu.db")
	env := []string{"KEFU_DB=" + db}
	code, out, errOut := kefu(t, env, "seed")
	if code != 0 || !strings.Contains(out, "Seeded the demo shop") || !strings.Contains(out, "orders") {
		t.Fatalf("seed: code %d\n%s%s", code, out, errOut)
	}
	// A second seed refuses to overwrite.
	code, _, errOut = kefu(t, env, "seed")
	if code != 1 || !strings.Contains(errOut, "--reset") {
		t.Fatalf("second seed: code %d, %s", code, errOut)
	}
	// --reset rebuilds it, dropping conversations and what shoppers did.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateConversation(context.Background(), 0, "en"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errOut = kefu(t, env, "seed", "--reset")
	if code != 0 {
		t.Fatalf("seed --reset: code %d\n%s%s", code, out, errOut)
	}
	st, err = store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.Customers(context.Background())
	if err != nil || len(cs) < 12 {
		t.Fatalf("%d customers after reset, %v", len(cs), err)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	env := []string{"KEFU_DB=" + filepath.Join(dir, "kefu.db")}
	good := filepath.Join("..", "..", "store", "testdata", "shop.json")
	code, out, errOut := kefu(t, env, "import", good)
	if code != 0 || !strings.Contains(out, "products            2 created") {
		t.Fatalf("import: code %d\n%s%s", code, out, errOut)
	}
	code, out, _ = kefu(t, env, "import", good)
	if code != 0 || !strings.Contains(out, "0 created    0 updated") {
		t.Fatalf("re-import: code %d\n%s", code, out)
	}

	bad := filepath.Join("..", "..", "store", "testdata", "shop_invalid.json")
	code, _, errOut = kefu(t, env, "import", bad)
	if code != 1 || !strings.Contains(errOut, "nothing was imported") || !strings.Contains(errOut, `orders[0].items[0].sku: unknown product "X"`) {
		t.Fatalf("invalid import: code %d\n%s", code, errOut)
	}

	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte("{\"products\": [\n  {\"sku\": 1}\n]}"), 0o644)
	code, _, errOut = kefu(t, env, "import", broken)
	if code != 1 || !strings.Contains(errOut, "products[0].sku: want a string") {
		t.Fatalf("broken file: code %d\n%s", code, errOut)
	}
	if code, _, _ := kefu(t, env, "import"); code != 2 {
		t.Fatalf("import without a file: code %d", code)
	}
}
