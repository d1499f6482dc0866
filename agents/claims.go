package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tmc/langchaingo/llms"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/store"
	"github.com/kefu-dev/kefu/tools"
)

// A model's word that a change was made is not a fact: an answer that
// claims one (an order cancelled, a refund, a return started, an address
// changed, a coupon issued) must have a tool result behind it, or kefu
// corrects it before the shopper reads it.

// change is a kind of change an answer can claim.
type change string

const (
	changeCancel  change = "cancel"
	changeRefund  change = "refund"
	changeReturn  change = "return"
	changeAddress change = "address"
	changeCoupon  change = "coupon"
)

// claimPatterns find a claim in one clause of an answer (lower-cased).
// A clause that only offers, asks, conditions, promises or denies the
// change (see hedged) claims nothing.
// Most need the clause to say something happened (done), not how
// things usually go; coupon wording is rarely policy.
var claimPatterns = []struct {
	kind      change
	re        *regexp.Regexp
	needsDone bool
}{
	{changeCancel, regexp.MustCompile(`\bcancell?ed\b|\bcancell?ation (is|was|has been) (complete|completed|done|confirmed|processed)|已[^，。！？、]{0,6}取消|取消成功|成功取消|取消了`), true},
	{changeRefund, regexp.MustCompile(`\brefunded\b|\brefund\b.*\b(issued|processed|sent|initiated|completed|on its way)\b|\b(issued|processed|sent|initiated)\b.*\brefund\b|已[^，。！？、]{0,6}退(款|还)|退款[^，。！？、]{0,4}已|退款成功|退款到账`), true},
	{changeReturn, regexp.MustCompile(`\breturn\b.*\b(started|created|opened|submitted|registered|approved|initiated|set up|booked)\b|\b(started|created|opened|submitted|registered|initiated|set up|booked)\b.*\breturn\b|已[^，。！？、]{0,8}退货|退货[^，。！？、]{0,4}已|退货成功`), true},
	{changeAddress, regexp.MustCompile(`\baddress\b.*\b(changed|updated|modified|corrected)\b|\b(changed|updated|modified|corrected)\b.*\baddress\b|已[^，。！？、]{0,6}(修改|更新|更改|改)[^，。！？、]{0,4}地址|地址[^，。！？、]{0,4}已|地址修改成功|已改为`), true},
	{changeCoupon, regexp.MustCompile(`\b(coupon|voucher|discount code|promo code)\b.*\b(issued|sent|added|applied|created|activated|active|valid|is yours|is ready)\b|\b(issued|sent|added|applied|created|activated)\b.*\b(coupon|voucher|discount code|promo code)\b|here('s| is) (your|a) (coupon|voucher|discount code|promo code)|已[^，。！？、]{0,6}(发放|发送|领取)[^，。！？、]{0,6}(优惠券|优惠码)|(优惠券|优惠码)[^，。！？、]{0,4}(已|是|为)`), false},
}

// hedged reports whether a clause does not say the change happened: a
// question, an offer, a condition, a future or a denial. It is the
// regular expression
//
//	\?|？|\b(not|never|no longer|cannot|can|could|would|will|shall|should|may|might|once|if|when|before|unable|nothing|yet|want|like|let me|ready to|going to|about to)\b|n't|'ll|吗|是否|如果|确认后|将会|将在|将为|会在|要不要|需要我|不|没|未|无法|可以
//
// written out (TestHedgedIsTheRegexp checks they agree): the regexp was
// most of the claim check's time, 3% of the server's CPU under load.
func hedged(clause string) bool {
	for _, w := range hedgeMarks {
		if strings.Contains(clause, w) {
			return true
		}
	}
	for i := 0; i < len(clause); i++ {
		if i > 0 && asciiWord(clause[i-1]) || !asciiWord(clause[i]) {
			continue // not the start of a word
		}
		for _, w := range hedgeWords {
			if j := i + len(w); strings.HasPrefix(clause[i:], w) && (j == len(clause) || !asciiWord(clause[j])) {
				return true
			}
		}
	}
	return false
}

var (
	hedgeMarks = []string{"?", "？", "n't", "'ll", "吗", "是否", "如果", "确认后", "将会", "将在", "将为", "会在", "要不要", "需要我", "不", "没", "未", "无法", "可以"}
	hedgeWords = []string{"not", "never", "no longer", "cannot", "can", "could", "would", "will", "shall", "should", "may", "might",
		"once", "if", "when", "before", "unable", "nothing", "yet", "want", "like", "let me", "ready to", "going to", "about to"}
)

// done marks a clause that says something happened, not how things
// usually go ("refunds are issued within 5 days" is policy, "your refund
// has been issued" a claim).
var done = regexp.MustCompile(`\b(has|have|had) been\b|\b(was|were)\b|\b(i|we)('ve| have)\b|\b(just|successfully|now|already|done)\b|\bis (cancell?ed|refunded)\b|\b(i|we) (cancell?ed|refunded|issued|started|created|opened|submitted|changed|updated|sent|processed|applied|added)\b|^(cancell?ed|refunded)\b|here('s| is)|已|成功|了|优惠码(是|为)`)

// splitClauses splits an answer into clauses that each say one thing. It
// is the regular expression
//
//	[.!;:\n。！；：，,—–]+|\band\b|\bbut\b|\bso\b|但|并且|而且
//
// (its Split, which TestSplitClausesIsTheRegexp checks), written out: Go's
// regexps backtracked over whole answers for it, about 2.5% of the
// server's CPU under load.
func splitClauses(s string) []string {
	var out []string
	beg := 0
	for i := 0; i < len(s); {
		n, size := clauseBreakAt(s, i)
		if n == 0 {
			i += size
			continue
		}
		out = append(out, s[beg:i])
		i += n
		beg = i
	}
	return append(out, s[beg:])
}

// clauseBreakAt is the length of the clause break at s[i:] (0 for none)
// and the size of the rune there.
func clauseBreakAt(s string, i int) (n, size int) {
	n, size = breakRune(s[i:])
	if n > 0 {
		for m := n; m > 0; n += m {
			m, _ = breakRune(s[i+n:])
		}
		return n, size
	}
	var words []string
	switch s[i] {
	case 'a':
		words = []string{"and"}
	case 'b':
		words = []string{"but"}
	case 's':
		words = []string{"so"}
	case "但"[0], "并"[0], "而"[0]:
		words = []string{"但", "并且", "而且"}
	}
	for _, w := range words {
		if !strings.HasPrefix(s[i:], w) {
			continue
		}
		if w[0] >= utf8.RuneSelf || (i == 0 || !asciiWord(s[i-1])) && (i+len(w) == len(s) || !asciiWord(s[i+len(w)])) {
			return len(w), size
		}
	}
	return 0, size
}

// breakRune is the length of the punctuation rune that breaks a clause at
// the start of s (0 for none), and the size of the rune there.
func breakRune(s string) (n, size int) {
	if s == "" {
		return 0, 0
	}
	if c := s[0]; c < utf8.RuneSelf {
		if strings.IndexByte(".!;:\n,", c) >= 0 {
			return 1, 1
		}
		return 0, 1
	}
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '。', '！', '；', '：', '，', '—', '–':
		return size, size
	}
	return 0, size
}

// asciiWord reports whether c is a word byte for the regexp \b.
func asciiWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// changeWords are words every claim pattern needs one of. Go's regexps
// backtrack over every clause of every answer, which was a tenth of a
// built-in turn's CPU; a clause that names no change cannot claim one.
var changeWords = []string{"cancel", "取消", "refund", "退", "return", "address", "地址", "已改为",
	"coupon", "voucher", "discount code", "promo code", "优惠"}

func namesAChange(lower string) bool {
	for _, w := range changeWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// claimedChanges returns the changes text says were made, each with the
// clause that says it. The same answer is read once (an answer the
// built-in model writes comes back word for word, turn after turn): the
// map is shared, so it is only read.
func claimedChanges(text string) map[change][]string { return claimsIn.Get(text, readClaims) }

var claimsIn = memo.New[string, map[change][]string](4096)

func readClaims(text string) map[change][]string {
	out := map[change][]string{}
	text = strings.ToLower(text)
	if !namesAChange(text) {
		return out
	}
	for _, clause := range splitClauses(text) {
		clause = strings.TrimSpace(clause)
		if clause == "" || !namesAChange(clause) || hedged(clause) {
			continue
		}
		happened := done.MatchString(clause)
		for _, p := range claimPatterns {
			if (happened || !p.needsDone) && p.re.MatchString(clause) {
				out[p.kind] = append(out[p.kind], clause)
			}
		}
	}
	return out
}

// evidence is what tool results say was done, or is so: per change, the
// orders it is true of ("" when a result does not name its order).
type evidence struct {
	facts map[change]map[string]bool
	known map[string]bool // every order number the results name
}

func (ev *evidence) add(kind change, order string) {
	if ev.facts[kind] == nil {
		ev.facts[kind] = map[string]bool{}
	}
	ev.facts[kind][order] = true
	ev.note(order)
}

func (ev *evidence) note(order string) {
	if order != "" {
		ev.known[strings.ToLower(order)] = true
	}
}

// gather reads the evidence in the messages the model was given and the
// turn added: a confirmed change, or an order or return that tools show
// in that state. (An earlier turn's confirmed cancellation is as true now,
// so that an answer may repeat it.)
func gather(msgs []llms.MessageContent) *evidence {
	ev := &evidence{facts: map[change]map[string]bool{}, known: map[string]bool{}}
	args := map[string]string{} // tool call id → its order_number argument
	for _, m := range msgs {
		for _, p := range m.Parts {
			switch p := p.(type) {
			case llms.ToolCall:
				if p.FunctionCall != nil {
					args[p.ID] = orderArg(p.FunctionCall.Arguments)
				}
			case llms.ToolCallResponse:
				out, err := tools.DecodeShared(p.Name, p.Content)
				if err != nil {
					continue
				}
				order := args[p.ToolCallID]
				ev.note(order)
				if out.Status == tools.StatusRefused && out.Reason == "already_cancelled" {
					ev.add(changeCancel, order)
				}
				ev.addData(out.Data)
			}
		}
	}
	return ev
}

func (ev *evidence) addData(data any) {
	order := func(o tools.OrderView) {
		ev.note(o.Number)
		if o.Status == store.OrderCancelled {
			ev.add(changeCancel, o.Number)
		}
	}
	switch d := data.(type) {
	case *tools.CancelDone:
		ev.add(changeCancel, d.OrderNumber)
		if d.Refund > 0 {
			ev.add(changeRefund, d.OrderNumber)
		}
	case *tools.ReturnDone:
		ev.add(changeReturn, d.OrderNumber)
	case *tools.ExchangeDone:
		// An exchange is a return of the items sent back (an RMA).
		ev.add(changeReturn, d.OrderNumber)
	case *tools.AddressChanged:
		ev.add(changeAddress, d.OrderNumber)
	case *tools.CouponIssued:
		ev.add(changeCoupon, "")
	case *tools.OrderLookup:
		order(d.Order)
	case *tools.OrderList:
		for _, o := range d.Orders {
			order(o)
		}
	case *tools.ReturnList:
		for _, r := range d.Returns {
			ev.add(changeReturn, r.OrderNumber)
			if r.Status == store.ReturnRefunded {
				ev.add(changeRefund, r.OrderNumber)
			}
		}
	case *tools.Pending:
		// A preview is not a change, but its order is one the shopper
		// and the model are talking about.
		if p, ok := d.Preview.(*tools.CancelPreview); ok {
			ev.note(p.OrderNumber)
		}
		if p, ok := d.Preview.(*tools.ReturnPreview); ok {
			ev.note(p.OrderNumber)
		}
		if p, ok := d.Preview.(*tools.AddressPreview); ok {
			ev.note(p.OrderNumber)
		}
	}
}

// supports reports whether the evidence backs a claim of kind made in
// clause: a result of that kind about the order the clause names, or
// about any order when the clause names none that kefu knows.
func (ev *evidence) supports(kind change, clause string) bool {
	facts := ev.facts[kind]
	if len(facts) == 0 {
		return false
	}
	named := false
	for n := range ev.known {
		if strings.Contains(clause, n) {
			named = true
			if facts[n] || facts[strings.ToUpper(n)] {
				return true
			}
		}
	}
	return !named
}

// unsupportedClaims returns the changes text claims that no tool result in
// msgs supports, in a fixed order.
func unsupportedClaims(text string, msgs []llms.MessageContent) []change {
	claims := claimedChanges(text)
	if len(claims) == 0 {
		return nil
	}
	ev := gather(msgs)
	var out []change
	for _, p := range claimPatterns {
		for _, clause := range claims[p.kind] {
			if !ev.supports(p.kind, clause) {
				out = append(out, p.kind)
				break
			}
		}
	}
	return out
}

func orderArg(args string) string {
	var a struct {
		OrderNumber string `json:"order_number"`
	}
	if json.Unmarshal([]byte(args), &a) != nil {
		return ""
	}
	return a.OrderNumber
}

// correctionText replaces an answer that claimed changes nobody made.
func correctionText(kinds []change, zh bool) string {
	en := map[change]string{changeCancel: "no order was cancelled", changeRefund: "no refund was issued",
		changeReturn: "no return was started", changeAddress: "no address was changed", changeCoupon: "no coupon was issued"}
	cn := map[change]string{changeCancel: "没有取消任何订单", changeRefund: "没有发起退款",
		changeReturn: "没有创建退货", changeAddress: "没有修改地址", changeCoupon: "没有发放优惠券"}
	var parts []string
	for _, k := range kinds {
		if zh {
			parts = append(parts, cn[k])
		} else {
			parts = append(parts, en[k])
		}
	}
	if zh {
		return "抱歉，我需要更正刚才的回复：实际上" + strings.Join(parts, "，") + "，您的订单没有任何变动。如果您需要办理，请告诉我，我会先说明具体内容，经您确认后再办理。"
	}
	return "Sorry, I have to correct myself: nothing has been changed yet (" + strings.Join(parts, ", ") +
		"). If you'd like me to do it, tell me and I'll show you exactly what will happen before anything is done."
}

// vouch checks a model's answer against the tool results the model had
// (msgs). An answer that claims a change none of them supports is
// replaced, in code, by a correction, and the transcript keeps a notice
// with the model's own words. It returns the text to send and who wrote
// it.
func (r *Runner) vouch(ctx context.Context, t Turn, model Model, text string, msgs []llms.MessageContent, ev Events) (string, string, error) {
	kinds := unsupportedClaims(text, msgs)
	if len(kinds) == 0 {
		return text, model.Name, nil
	}
	r.logger().Warn("answer claims a change no tool result supports; corrected", "conversation_id", t.ConversationID,
		"model", model.Name, "claims", kinds, "answer", clip(text, 200))
	note := fmt.Sprintf("The model %s claimed a change no tool result supports (%v), and kefu replaced its answer: %q",
		model.Name, kinds, clip(text, 300))
	if err := r.logOf(t).Record(ctx, t.ConversationID, Step{Kind: StepNotice, Text: note, Model: model.Name}); err != nil {
		return "", "", err
	}
	fixed := correctionText(kinds, chinese(t))
	if ev.Reset != nil {
		ev.Reset()
	}
	if ev.Delta != nil {
		ev.Delta(fixed)
	}
	return fixed, "kefu", nil
}
