package builtin

import "fmt"

// Voice is what the built-in model says of the shop: its name, the
// assistant's name and the shop's greeting in each language (voice.Settings).
type Voice struct {
	ShopName, AssistantName string
	GreetingEN, GreetingZH  string
}

// SetVoice gives the model the shop's current voice, read at each greeting
// (the console may change it while kefu runs). Nil: kefu's own wording.
func (m *Model) SetVoice(f func() Voice) { m.voice.Store(&f) }

func (m *Model) currentVoice() Voice {
	if f := m.voice.Load(); f != nil && *f != nil {
		return (*f)()
	}
	return Voice{}
}

// greeting is the answer to a hello: the shop's greeting when it set one,
// else kefu's, with the assistant's and the shop's names when set.
func (s *state) greeting() string {
	v := s.m.currentVoice()
	if g := v.GreetingEN; s.lang != "zh" && g != "" {
		return g
	}
	if g := v.GreetingZH; s.lang == "zh" && g != "" {
		return g
	}
	who, whoZH := "the shop's assistant", "店铺的智能客服"
	switch {
	case v.AssistantName != "" && v.ShopName != "":
		who, whoZH = fmt.Sprintf("%s, %s's assistant", v.AssistantName, v.ShopName), fmt.Sprintf("%s的智能客服%s", v.ShopName, v.AssistantName)
	case v.AssistantName != "":
		who, whoZH = v.AssistantName+", the shop's assistant", "店铺的智能客服"+v.AssistantName
	case v.ShopName != "":
		who, whoZH = v.ShopName+"'s assistant", v.ShopName+"的智能客服"
	}
	return s.t("Hello! I'm "+who+". I can check an order, track a parcel, start a return or answer questions about shipping, returns and more. How can I help?",
		"您好！我是"+whoZH+"，可以帮您查订单、查物流、办理退货，也可以解答运费、退换货等问题。请问有什么可以帮您？")
}
