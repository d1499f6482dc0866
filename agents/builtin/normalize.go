package builtin

import (
	"strings"
	"unicode"

	"github.com/kefu-dev/kefu/agents/internal/memo"
	"github.com/kefu-dev/kefu/store"
)

// typos maps frequent misspellings and chat shorthand to the words the
// rest of the model looks for. The classifier tolerates typos through
// character n-grams; slot extraction and answers need the real word.
var typos = map[string]string{
	"recieve": "receive", "recieved": "received", "reciept": "receipt", "cancle": "cancel", "cancell": "cancel",
	"cancelled": "cancelled", "canel": "cancel", "cacnel": "cancel", "refud": "refund", "refnd": "refund",
	"shiping": "shipping", "shippng": "shipping", "adress": "address", "addres": "address", "pakage": "package",
	"packge": "package", "parcle": "parcel", "delivry": "delivery", "deliverd": "delivered", "retrun": "return",
	"retun": "return", "reutrn": "return", "exhange": "exchange", "exchnage": "exchange", "oder": "order",
	"ordr": "order", "trakcing": "tracking", "traking": "tracking", "jakcet": "jacket", "jaket": "jacket",
	"wheres": "where is", "whats": "what is", "hasnt": "has not", "havent": "have not", "didnt": "did not",
	"doesnt": "does not", "dont": "do not", "cant": "cannot", "wont": "will not", "isnt": "is not", "im": "i am",
	"pls": "please", "plz": "please", "u": "you", "ur": "your", "r": "are", "wanna": "want to", "gonna": "going to",
	"gimme": "give me", "thx": "thanks", "ty": "thank you", "tks": "thanks", "asap": "as soon as possible",
	"yep": "yes", "yup": "yes", "yeah": "yes", "ya": "yes", "nope": "no", "nah": "no", "k": "ok", "okay": "ok",
}

// punctuation straightens quotes and maps Chinese punctuation to ASCII.
var punctuation = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "，", ",", "。", ".", "？", "?", "！", "!",
	"：", ":", "；", ";", "（", "(", "）", ")")

// normalized keeps normalize's results: a turn normalizes the history's
// texts and the candidate items' titles again and again.
var normalized = memo.New[string, string](8192)

// normalize folds full-width forms and case, straightens quotes, fixes
// frequent typos word by word and collapses spaces.
func normalize(s string) string {
	return normalized.Get(s, normalizeText)
}

func normalizeText(s string) string {
	s = punctuation.Replace(store.Fold(s))
	words := strings.FieldsFunc(s, unicode.IsSpace)
	for i, w := range words {
		core := strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) && r != '\'' && r != '#' && r != '-' })
		bare := strings.ReplaceAll(core, "'", "")
		if fix, ok := typos[bare]; ok && core != "" {
			words[i] = strings.Replace(w, core, fix, 1)
		}
	}
	return strings.Join(words, " ")
}

// language says whether text is Chinese ("zh"), English ("en"), or has no
// letters at all (""): mixed messages count as Chinese when Han characters
// make up a third or more of the letters, the way a Chinese shopper types
// "这个order什么时候到".
func language(text string) string {
	han, latin := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case han == 0 && latin == 0:
		return ""
	case han*3 >= latin:
		return "zh"
	default:
		return "en"
	}
}
