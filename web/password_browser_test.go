package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/store"
)

// fillPassword fills the change-password form and submits it.
func fillPassword(t *testing.T, tab context.Context, current, next, again string) {
	t.Helper()
	run(t, tab, fmt.Sprintf(`(() => { document.querySelector('#pw-current').value = %q; document.querySelector('#pw-new').value = %q;
		document.querySelector('#pw-repeat').value = %q; document.querySelector('button[data-console=password-save]').click(); return true; })()`,
		current, next, again))
}

const toastJS = `document.querySelector('[data-console=error]').hidden ? '' : document.querySelector('[data-console=error] .toast-text').textContent`

// Signing in with the first admin's one-time password shows the
// change-password screen, not the inbox, in the browser's language; the
// form says what is wrong; once changed, the console opens, and the new
// password is the one that signs in. From the header, a staff member
// changes their own password and comes back to the inbox.
func TestBrowserFirstSignInChangesPassword(t *testing.T) {
	for _, c := range []struct {
		lang, title, mismatch, wrong, inbox string
	}{
		{"en-US", "Choose a new password", "The two new passwords differ.", "The current password is wrong.", "waiting for a person"},
		{"zh-CN", "请设置新密码", "两次输入的新密码不一致。", "当前密码不正确。", "等待人工"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			hs, st := newStack(t)
			addStaffMustChange(t, st, "admin@kefu.local", "Admin", store.RoleAdmin)
			tab := browserIn(t, c.lang)
			consoleLogin(t, tab, hs.URL, "admin@kefu.local")
			waitJS(t, tab, "the change-password screen", `document.body.dataset.screen === 'password' && `+visible(`#pw-new`))
			if got := evalString(t, tab, `document.querySelector('#password-title').textContent`); got != c.title {
				t.Errorf("title %q, want %q", got, c.title)
			}
			if evalString(t, tab, `String(document.querySelector('#app').hidden) + document.querySelector('#password-cancel').hidden`) != "truetrue" {
				t.Error("the console or a cancel button shows before the password is changed")
			}
			fillPassword(t, tab, "correct horse battery", "a new password of mine", "a different one")
			waitJS(t, tab, "the mismatch message", fmt.Sprintf(`(%s) === %q`, toastJS, c.mismatch))
			fillPassword(t, tab, "correct horse battery", "a new password of mine", "a new password of mine")
			waitJS(t, tab, "the console", `document.body.dataset.screen === 'app' && document.querySelector('#conn').dataset.conn === 'up'`)
			if got := evalString(t, tab, `document.querySelector('#cols').innerText`); !strings.Contains(strings.ToLower(got), c.inbox) {
				t.Errorf("the inbox does not show %q: %s", c.inbox, got)
			}
			admin, err := st.StaffByEmail(context.Background(), "admin@kefu.local")
			if err != nil || admin.MustChangePassword {
				t.Fatalf("after the change: %+v %v", admin, err)
			}

			// From the header: cancel goes back; a change is kept.
			click(t, tab, `[data-console=change-password]`)
			waitJS(t, tab, "the voluntary change screen", `document.body.dataset.screen === 'password' && `+visible(`#password-cancel`))
			click(t, tab, `#password-cancel`)
			waitJS(t, tab, "the console again", `document.body.dataset.screen === 'app'`)
			click(t, tab, `[data-console=change-password]`)
			waitJS(t, tab, "the voluntary change screen", visible(`#pw-current`))
			fillPassword(t, tab, "wrong one here", "the third password", "the third password")
			waitJS(t, tab, "the wrong-password message", fmt.Sprintf(`(%s) === %q && document.body.dataset.screen === 'password' && !document.querySelector('[data-console=password-save]').disabled`, toastJS, c.wrong))
			fillPassword(t, tab, "a new password of mine", "the third password", "the third password")
			waitJS(t, tab, "the console after a voluntary change", `document.body.dataset.screen === 'app'`)
			fresh := newStaffClient(t, hs)
			if code, _ := fresh.do("POST", "/api/console/login", map[string]string{"email": "admin@kefu.local", "password": "the third password"}); code != 200 {
				t.Errorf("the new password does not sign in: %d", code)
			}
		})
	}
}
