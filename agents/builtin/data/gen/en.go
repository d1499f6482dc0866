package main

import (
	"math/rand"
	"strings"
)

// english is the English fragments: written for this corpus, in the way
// shoppers type on a phone.
func english() *lang {
	slots := map[string][]string{
		"_frame": {
			"I want to %s", "i wanna %s", "I'd like to %s", "id like to %s", "I need to %s", "i need help to %s",
			"can you help me %s", "could you help me %s", "can you %s", "could you please %s", "can u %s", "please %s",
			"pls %s", "how do I %s", "how can i %s", "is it possible to %s", "can I %s", "I would like to %s",
			"help me %s", "I was hoping to %s", "I'm trying to %s", "im trying to %s", "what do i do to %s",
			"any way to %s", "I'd like some help to %s", "I'm looking to %s", "need to %s asap", "%s please", "%s",
			"%s pls", "%s", "%s", "I need you to %s", "would it be possible to %s", "hi can you %s", "how would I %s",
			"where can i %s", "is there a way to %s", "i need some assistance to %s", "just want to %s",
			"trying to figure out how to %s", "I have to %s", "can someone %s", "want to %s", "need help, want to %s",
		},
		"_open": {
			"hi", "hello", "hey", "hi there", "hello there", "hey there", "good morning", "good afternoon", "good evening",
			"hiya", "hi team", "hello support", "hey guys", "hi, hope you're well", "hello, quick question", "hi sorry to bother",
			"hey so", "ok so", "um hi", "hello?", "hii", "heyy", "yo", "morning", "hi again", "hello I need some help",
			"hi, I need help", "hey quick one", "excuse me", "sorry", "hi it's me again", "hello, hoping you can help",
		},
		"_close": {
			"thanks", "thank you", "thx", "ty", "thanks in advance", "cheers", "please", "pls", "asap", "asap please",
			"appreciate it", "thank you so much", "many thanks", "would appreciate the help", "thanks!", "please help",
			"any help would be great", "let me know", "thanks a lot", "i'm waiting", "please reply", "tia",
		},
		"order": {
			"KF-10042", "KF-10045", "kf-10031", "KF10029", "#10455", "order 10455", "#W2378156", "W2378156", "A-5002",
			"T-1002", "XS-777", "1002", "113542617735902", "#55321", "88213", "SO-44120", "ORD-2291", "#3391",
			"A-5107", "KF-10018", "#W4419026", "kf 10036", "T-1088", "7741", "number 90412", "#A-5033",
		},
		"rma": {"RMA-7K3Q9X", "RMA-2B8L1P", "rma-4h6d2m", "RMA 9QX41", "return #R-5521", "RMA-11730", "the RMA number RMA-K2P9"},
		"item": {
			"jacket", "rain jacket", "boots", "hiking boots", "hoodie", "sneakers", "running shoes", "headphones", "earbuds",
			"backpack", "tent", "sleeping bag", "water bottle", "mug", "t-shirt", "tshirt", "jeans", "dress", "socks",
			"phone case", "charger", "kettle", "blender", "desk lamp", "tea set", "watch", "sunglasses", "scarf", "coat",
			"yoga mat", "keyboard", "mouse", "sweater", "leggings", "shorts", "sandals", "blanket", "pillow", "frying pan",
			"coffee grinder", "green tea", "oolong tea", "speaker", "smart watch", "fleece", "gloves", "beanie", "duffel bag",
			"air fryer", "rice cooker", "usb cable", "power bank", "laptop sleeve", "camping stove", "hat", "skirt",
			"trail runners", "parka", "raincoat", "cardigan", "bluetooth speaker", "tablet case", "cookware set",
		},
		"items": {"boots", "shoes", "jeans", "headphones", "earbuds", "socks", "leggings", "sunglasses", "gloves", "shorts", "sneakers", "pants", "trainers", "sandals"},
		"size":  {"M", "medium", "L", "large", "XL", "small", "S", "size 10", "a 9", "10.5", "size 38", "42", "a size up", "one size smaller", "XXL", "half a size up", "a size 8", "the next size"},
		"color": {"black", "white", "navy", "blue", "red", "green", "grey", "gray", "beige", "pink", "olive", "brown", "the darker one", "another colour", "a different color"},
		"when":  {"last week", "on monday", "yesterday", "3 days ago", "two weeks ago", "last month", "on the 3rd", "this morning", "a week ago", "on friday", "10 days ago", "over the weekend", "on black friday", "last night", "5 days ago"},
		"n":     {"3", "4", "5", "6", "7", "8", "10", "12", "14", "two", "three", "five", "ten"},
		"carrier": {
			"UPS", "FedEx", "USPS", "DHL", "the courier", "royal mail", "the post office", "canada post", "the driver",
		},
		"email": {"jane.doe@gmail.com", "mike_88@yahoo.com", "sam.lee@outlook.com", "k.wong@icloud.com", "anna@example.com", "tomr@hotmail.com"},
		"city":  {"Chicago", "Toronto", "Seattle", "London", "Austin", "Denver", "Boston", "Manchester", "Vancouver", "my office", "my parents' place", "my work address", "my new apartment"},
		"product": {
			"a tent for 4 people", "running shoes for flat feet", "a rain jacket", "headphones for the gym", "a good backpack",
			"a gift for my dad", "a gift for my girlfriend", "something for a 10 year old", "a warm winter coat",
			"a green tea", "hiking boots", "a sleeping bag for winter", "a kettle", "a laptop bag", "a yoga mat",
		},
		"price": {"$50", "$100", "50 bucks", "$30", "100 dollars", "$200", "£40", "$25", "$80"},
		"vent": {
			"honestly so frustrated", "i'm so annoyed", "not happy at all", "this is the worst",
			"seriously?", "ugh", "wtf", "i've been waiting forever", "this is unacceptable", "really disappointed",
			"come on guys", "i'm losing my patience", "third time asking", "nobody is answering me",
		},
		"story_pre": {
			"I ordered a {item} {when}", "i placed an order {when}", "bought a {item} from you guys {when}",
			"my order is {order}", "order number {order}", "so i ordered {when}", "i made a purchase {when}",
			"paid for a {item} {when}", "ordered the {item} {when}", "my order number is {order}", "order {order} here",
			"placed order {order} {when}", "i got an order confirmation {when}", "hi i bought the {item} {when}",
			"it's been {n} days since i ordered", "i ordered {item} and {item} {when}", "my {item} order",
			"its for order {order}", "re: order {order}", "i ordered two things {when}", "my wife ordered a {item} on my account",
		},
		"story_post": {
			"the {item} came {when}", "i got the {item} {when}", "my {item} arrived {when}", "received my order {when}",
			"so the {item} arrived today", "i bought a {item} {when}", "order {order} came {when}", "got the package {when}",
			"my order {order} was delivered {when}", "i opened the box today", "just got my {item}", "my {items} came {when}",
			"bought {items} {when}", "the parcel arrived {when}", "tried the {item} on",
		},
	}
	frame := slots["_frame"]
	_ = frame
	routes := map[string]*routeSpec{
		"greeting": {target: 170, openP: 0, asks: []string{
			"hi", "hello", "hey", "hey there", "hi there", "hello there", "hiya", "howdy", "yo", "good morning", "good afternoon",
			"good evening", "morning!", "gm", "hello?", "anyone there?", "is anybody there", "hello is this the chat",
			"hi, is this customer service?", "hey, you there?", "hi support", "hello team", "hey hey", "hi hi", "hiii",
			"helloooo", "heyyy", "hi :)", "hello!!", "hey, how's it going", "hi how are you", "hello how are you today",
			"hi there hope you're doing well", "hey guys", "hello friend", "hey bot",
			"hi is this the shop", "hello, is this the right place", "hi there, anyone around?", "heya", "sup", "hello hello",
			"greetings", "good day", "hi, good evening", "hey good morning", "hello, good afternoon", "hi, just saying hello",
			"hi assistant", "hello kefu", "hey there :)", "hi all", "hi!! 👋", "👋", "hey what's up", "hello sir", "hi mam",
			"hi, anyone online", "hi again", "hey it's me", "ok hi", "hi ya",
			"hey there friend", "hello again", "good morning team", "morning all", "evening", "afternoon", "hi, you there",
			"is this a real chat", "hello is anyone reading this", "hi there!", "oh hi", "well hello",
		}, post: []string{"", "?", "!", " :)", "..."}, postP: 0.3},
		"thanks": {target: 220, asks: []string{
			"thanks", "thank you", "thanks so much", "thank you so much", "thx", "ty", "tysm", "cheers", "appreciate it",
			"really appreciate it", "thanks a lot", "many thanks", "thank you very much", "great thanks",
			"ok thanks", "ok thx bye", "thanks bye", "bye", "bye bye", "goodbye", "see ya", "see you", "cya", "later",
			"have a good day", "have a nice day", "have a great weekend", "that's all, thanks", "that's everything",
			"that's all i needed", "nothing else, thanks", "no that's all thank you", "all good now thanks", "got it, thanks",
			"awesome thank you", "you've been very helpful", "you were a great help", "thanks for the help", "thanks for your help",
			"thank you for your time", "that answers my question, thanks", "cool thanks",
			"great, that's all for today", "~ok bye", "alright thanks bye", "thanks have a good one", "thank u", "thnx",
			"thanku", "tks", "thank you!!", "much appreciated", "super helpful thanks", "brilliant cheers", "lovely thank you",
			"ok great that helps", "i'm all set thanks", "all sorted, thank you", "perfect that's what i needed",
			"nice one thanks", "thanks, bye for now", "talk later", "ok ill wait then thanks", "noted, thanks",
			"ok understood thank you", "alright, i'll keep an eye out. thanks", "thank you kindly", "thanks mate",
			"great help, bye", "that was quick, thanks", "problem solved thanks", "ok that's fine then, thanks",
			"thanks and goodbye", "good bye", "bye now", "ok cool bye",
		}, post: []string{"!", " :)", " 🙏", " again", " for your help", ", bye", ", take care"}, postP: 0.25},
		"affirm": {target: 240, asks: []string{
			"yes", "yes please", "yeah", "yep", "yup", "ya", "sure", "sure thing", "ok", "okay", "~ok do it", "go ahead",
			"yes go ahead", "please go ahead", "yes please proceed", "proceed", "confirm", "confirmed", "i confirm",
			"yes that's right", "that's right", "correct", "that's correct", "yes correct", "exactly",
			"absolutely", "definitely", "of course", "sounds good", "sounds great", "perfect do that", "do it", "go for it",
			"yes do that", "alright", "fine", "fine by me", "that works", "works for me", "~ok sure", "~yes, that one",
			"that one", "yep that one", "the first one", "the last one", "the first", "the second",
			"option 1", "option 2", "number 2", "#1", "2", "1 please", "the second order", "the first order", "the newer one",
			"the older one", "the one from {when}", "the {color} one", "the {item} please", "yes the {item}",
			"yes order {order}", "that's the one", "yes that's it",
			"yes please return it", "yes refund it", "yes send the label", "yes please connect me", "yes, a person please",
			"yes both", "both of them", "all of them", "yes all", "just the {item}", "yes please do", "ok let's do it",
			"yes let's go", "yes that's fine", "that's fine", "agreed", "k", "kk", "~ok go", "yes sir", "yes!!", "~yess",
			"yea", "yeah sure", "yeah go on", "yeah that's right", "sure go ahead", "ok proceed", "yes proceed with it",
			"approved", "~yes i'd like that", "i'd like that", "please do", "yes, do it now",
			"ok that's fine, go ahead", "right", "~uh huh", "mhm", "yes the address is right", "yes that's my address",
			"yes that's my email", "correct order", "yes the refund to my card", "yes, store credit is fine", "ok cool do it",
			"yes make it so", "lets do it", "~yes, the blue one", "go on then", "alright go ahead", "yes pls", "y",
		}, post: []string{" thanks", " please", "!", " thx", " 👍"}, postP: 0.2},
		"deny": {target: 230, asks: []string{
			"no", "nope", "nah", "no thanks", "~no thank you", "not now", "not right now", "don't", "don't do that",
			"please don't", "no don't", "no, leave it", "leave it", "leave it as is", "never mind", "nevermind", "nvm",
			"forget it", "no need", "no need thanks", "i'm good", "nah i'm good", "not that one", "wrong one", "that's not it",
			"no that's wrong", "that's not right", "incorrect", "no that's not my order", "no, the other one",
			"hold on", "wait", "wait no", "stop", "hold off", "not yet", "maybe later", "later", "i changed my mind",
			"changed my mind, don't do it", "no i'll keep it", "i'll keep it", "keep it", "keep my order", "no keep the order",
			"don't cancel it", "don't return it", "no don't send anything", "no i don't want that",
			"i don't want that", "no please don't", "no no", "nooo", "no!", "negative", "cancel that", "scratch that",
			"no, don't connect me", "no person needed", "no i don't need a human", "no i'm fine", "i'm fine thanks",
			"not interested", "no thanks i'll pass", "pass", "i'll pass", "~rather not", "~i'd rather not", "not really",
			"no, not that", "that's not what i asked", "no wrong item", "no wrong address", "no that's not my email",
			"no let me think", "let me think about it", "hmm no", "actually no", "on second thought no", "nah leave it",
			"no, keep it as it is", "don't bother", "~no it's fine", "it's fine, no", "no i'll do it myself", "dont",
			"no sorry", "sorry no", "no not yet", "not today", "no refund please", "no store credit",
			"no not the {item}", "~not the {color} one", "no, not order {order}", "no not that one the other",
		}, post: []string{" thanks", " thx", ", sorry", "!"}, postP: 0.2},
		"order_status": {target: 300, pre: slots["story_pre"], preP: 0.35, openP: 0.2, closeP: 0.2,
			asks: []string{
				"~where is my order", "~where's my order?", "where is my stuff", "where is my parcel",
				"has my order shipped", "has it shipped yet", "did my order ship", "is my order on the way", "when will it arrive",
				"when will my order arrive", "when does my order get here", "eta on my order?", "what's the eta", "any update on my order",
				"status of my order", "order status", "order status {order}", "what's the status of {order}", "status of order {order}?",
				"tracking number please", "can i get the tracking number", "where's the tracking",
				"tracking says delivered but i didn't get it", "it says delivered but nothing here", "marked as delivered but no package",
				"my package never came", "still haven't received my order", "i never got my {item}", "haven't got my {item} yet",
				"the {item} still hasn't arrived", "it's been {n} days and still nothing", "my order is late", "my order is taking forever",
				"why hasn't my order shipped", "why is my order still processing", "is my order still processing", "did you ship it yet",
				"has the {item} been sent out", "what did i order", "what was in my last order", "show me my orders", "list my orders",
				"what orders do i have", "i can't remember what i ordered", "which items are in {order}", "did my order go through",
				"i didn't get a confirmation, did my order go through", "was my payment received for my order",
				"which courier has my parcel", "who is delivering my order", "what carrier are you using for my order",
				"my tracking link doesn't work", "the tracking page says label created only", "it's stuck in transit",
				"parcel stuck at customs?", "is my parcel lost", "i think my package got lost", "{carrier} says it's delayed, what's going on",
				"when is the delivery date", "expected delivery date?", "will it come before the weekend", "will i get it by friday",
				"will it arrive before christmas", "only got part of my order", "one item is missing from my package",
				"i received one box but there should be two", "where's the rest of my order", "was my order split into two",
				"has order {order} been dispatched", "is {order} out for delivery", "out for delivery since morning, when will it come",
				"the driver didn't come", "did the courier try to deliver", "where is it now", "where is it at", "track my order",
				"can you track my package", "check my order status", "look up my order", "find my order",
				"check on order {order} for me", "i'd like to know where my order is", "need an update on my delivery",
				"any news about my parcel", "what's happening with my order", "is anything happening with my order",
				"the estimated delivery passed", "delivery date passed and no package", "it was supposed to arrive {when}",
				"haven't received a shipping email", "no shipping confirmation yet", "order shows pending, is that normal",
				"my order still says paid, not shipped", "did you get my order", "can you see my order {order}",
				"is it coming today", "how much longer for my order", "how long until my order ships", "when will you ship my order",
				"when does {order} ship", "i want to know when my package will be here",
			},
			vps: []string{
				"track my order", "track my package", "check the status of my order", "find out where my order is",
				"see when my purchase will arrive", "get the tracking number", "check on {order}", "look up order {order}",
				"know where my {item} is", "check if my order shipped", "see my order history", "find my tracking info",
				"get an update on my delivery", "see what i ordered", "check my last order", "locate my parcel",
				"know when my order will be delivered", "confirm my order went through",
			},
		},
		"expedite": {target: 300, pre: slots["story_pre"], preP: 0.35, openP: 0.15, closeP: 0.25,
			asks: []string{
				"can you hurry up my order", "please hurry", "hurry up my order please", "~can you speed up the shipping",
				"can you ship it faster", "can i get it faster", "i need it sooner", "i need it by friday", "i need it by tomorrow",
				"i need this before the weekend", "i need it before {when}", "~can you rush my order", "rush order please",
				"please rush it", "can you expedite my order", "expedite {order} please", "expedite shipping on my order",
				"can i upgrade to express shipping", "upgrade my shipping to express", "can i pay for faster delivery on my order",
				"can i pay extra to get it sooner", "switch my order to next day delivery", "can you make it overnight",
				"can my order be sent priority", "please send it out today", "can you ship it today", "can it go out today",
				"please dispatch it asap", "why is it taking so long to ship, please speed it up", "can you push my order through",
				"please prioritize my order", "can you prioritise my order", "it's a gift, i need it by saturday",
				"it's for a birthday on {when}, can you make sure it gets there", "my flight is on monday, need it before",
				"i'm leaving town, can you get it here sooner", "can you ask the courier to hurry", "can you chase the courier",
				"can you nudge the warehouse", "please chase my order", "can you remind the warehouse to ship it",
				"it hasn't shipped yet, can you hurry them", "can you send it by express instead", "can i change to express",
				"is there any way to get it quicker", "any chance of getting it sooner", "can it arrive by tomorrow",
				"i really need this urgently", "urgent order, please ship fast", "this is urgent please speed it up",
				"please ship {order} asap", "need {order} sent asap", "get my order out the door please",
				"can you fast track my order", "fast track {order}", "please make it faster",
				"can you hurry the delivery", "hurry the delivery please", "ship it quicker", "can you send it sooner",
				"i can't wait {n} more days, please hurry", "{n} days is too long, can it come faster", "need it faster than that",
				"can you bump my order up", "move my order to the front of the queue", "could the {item} be sent first",
				"can you send the {item} separately so it comes faster", "can i pick it up instead so i get it sooner",
				"please ask them to deliver today", "can the driver come earlier", "can you hurry my parcel",
				"i paid for express, why isn't it moving, please hurry", "i need the {item} for a trip, please hurry",
				"rush delivery", "hurry pls", "faster please", "speed up shipping", "express it", "send it express",
				"~can you put a rush on it", "need it quick", "quicker shipping for my order please", "please push the delivery",
			},
			vps: []string{
				"speed up my order", "speed up delivery", "get my order faster", "hurry my shipment", "expedite my order",
				"rush my package", "upgrade the shipping on my order", "get {order} shipped sooner", "have it delivered by friday",
				"get the {item} before the weekend", "make my order arrive sooner", "hurry up the shipping", "prioritize my order",
				"get it sent out today", "chase the delivery",
			},
		},
		"start_return": {target: 300, pre: slots["story_post"], preP: 0.45, openP: 0.15, closeP: 0.15,
			asks: []string{
				"i want to return it", "i want to return my {item}", "i'd like to return the {item}",
				"how do i return this", "can i send it back", "i want to send it back", "i want a refund", "refund please",
				"can i get a refund", "i want my money back", "can i get my money back for the {item}", "~it doesn't fit, i want to return it",
				"too small, i want to return it", "too big, want a refund", "the {item} is broken", "the {item} arrived broken",
				"it came damaged", "the box was crushed and the {item} is damaged", "the {item} is defective", "it stopped working after {n} days",
				"the {item} doesn't work", "it won't turn on", "it's faulty, i want a refund", "wrong item sent", "~you sent me the wrong item",
				"i got someone else's order", "this isn't what i ordered", "the {item} has a hole in it", "the {item} is ripped",
				"the zipper broke", "the stitching came apart", "there's a stain on the {item}", "the {item} smells weird",
				"not as described, i want to return it", "looks nothing like the picture, refund please", "quality is bad, i want to return it",
				"i don't like it, can i return", "changed my mind about the {item}", "i don't need the {item} anymore, can i return it",
				"it was a gift and they don't want it", "i got two by mistake, want to return one", "i want to return part of my order",
				"return only the {item} please", "return {order}", "start a return for {order}", "refund for {order} please",
				"i need a return label", "send me a return label", "can you email me a return label", "how do i get a return label",
				"where do i send the return", "what's the return address", "can i return it in store", "can i drop it off",
				"i want to return the {items}", "the {items} are too tight, return please", "the {items} don't fit", "the {item} is too long",
				"refund my {item}", "i want a refund for the {item}", "please refund me", "full refund please", "i demand a refund",
				"i want to return it, it's the wrong color", "the color is different from the photo, return",
				"missing parts in the box, want to return it", "the {item} leaks", "the {item} cracked", "battery died, refund",
				"arrived with a scratch, i want to send it back", "the {item} is used, i want a refund", "it came open and used",
				"how do returns work for my order", "i'd like to start a return", "can you process a return", "return request",
				"i need to return something", "i have to send back the {item}", "i'm not keeping the {item}",
				"the {item} is too small for me", "i ordered the wrong thing, want to return it", "refund to my card please",
				"can i get store credit instead", "i'd rather have store credit for the {item}", "returning the {item}",
				"return the {item} and refund me", "i'd like a refund, it's not what i expected",
			},
			vps: []string{
				"return my {item}", "return the {item}", "return an item", "send back the {item}", "get a refund for my {item}",
				"get a refund", "return {order}", "start a return", "make a return", "return something i bought",
				"get my money back", "return the {items}", "return a damaged item", "send this back",
				"request a refund for the {item}", "return part of my order",
			},
		},
		"exchange": {target: 300, pre: slots["story_post"], preP: 0.45, openP: 0.15, closeP: 0.15,
			asks: []string{
				"i want to exchange it", "can i exchange the {item}", "exchange please", "i'd like an exchange", "i need an exchange",
				"can i swap it for a {size}", "swap for {size}", "can i get it in {size} instead", "i need a {size} instead",
				"can i exchange for {size}", "exchange the {item} for {size}", "can i swap the {item} for {color}",
				"can i get the {item} in {color} instead", "i want the {color} one instead", "swap the color please",
				"wrong size, can i get the right one", "too small, can i get a bigger size", "too big, need a smaller size",
				"the {items} are too tight, can i get them in {size}", "the {item} doesn't fit, i want a different size",
				"can you send me a bigger one", "can you send a smaller size", "can i have a different size",
				"i ordered the wrong size, can i swap it", "i ordered the wrong colour, can i change it for {color}",
				"can i exchange it for a different model", "can i swap it for another item", "exchange it for something else",
				"i'd like to trade the {item} for {size}", "trade it for a {size}", "can you replace it with {size}",
				"the {item} is broken, can you send a replacement", "i want a replacement not a refund",
				"send me a new one", "can you send me a new {item}", "i'd like a replacement {item}", "replace the damaged {item}",
				"it's defective, please replace it", "i want the same one but working", "don't want a refund, just a new one",
				"exchange {order} for {size}", "exchange the {item} from {order}", "swap {order} item for {size}",
				"how do i exchange the {item}", "how do exchanges work for my order", "can you do an exchange for me",
				"want to change the size of the {item} i got", "can i change the {item} to {size}", "size swap please",
				"colour swap please", "need a size exchange", "exchange for a larger size", "exchange for a smaller size",
				"can i get the next size up", "can i go down a size", "i need a half size bigger", "need one size up",
				"can i exchange it instead of returning", "rather exchange than return", "exchange not refund",
				"~swap it", "swap please", "exchange", "exchange for {color}", "can i have it in {color}",
				"i want the {item} in a different colour", "my {item} is the wrong size, swap it for {size}",
				"fits weird, can i try a {size}", "can i send it back and get {size}", "send it back for a {size}",
				"can you swap the {items} for {size}", "i need the {items} in {size}", "can my husband's {item} be exchanged for {size}",
			},
			vps: []string{
				"exchange my {item}", "exchange the {item} for {size}", "swap my {item} for {color}", "swap it for a different size",
				"get a different size", "change the size of my {item}", "get a replacement for the {item}", "exchange an item",
				"swap the {items} for {size}", "trade in the {item} for another color", "replace my broken {item}",
				"exchange {order}", "get the {item} in {color}",
			},
		},
		"return_status": {target: 300, openP: 0.15, closeP: 0.2,
			pre: []string{
				"i sent my return back {when}", "i returned the {item} {when}", "i dropped off my return {when}",
				"returned it {n} days ago", "my return is {rma}", "i mailed the {item} back {when}", "i shipped the return {when}",
				"you should have my return by now", "the return was delivered to you {when}", "i got a return label {when}",
				"my rma is {rma}", "re: return {rma}", "i returned order {order}", "sent the {items} back {when}",
			}, preP: 0.45,
			asks: []string{
				"where is my refund", "where's my refund?", "when will i get my refund", "when do i get my money back",
				"has my refund been processed", "is my refund processed yet", "did you get my return", "have you received my return",
				"did the return arrive", "status of my return", "what's the status of {rma}", "status of {rma}",
				"any update on my refund", "any news on my return", "i still haven't got my refund", "refund hasn't arrived",
				"refund not showing on my card", "the refund isn't in my bank yet", "how long does the refund take to show up",
				"how many days till my refund", "when will the refund hit my account", "was my refund approved",
				"is my return approved", "has my return been accepted", "check my refund",
				"check my return {rma}", "check the status of my return", "~track my return", "is my return on its way to you",
				"the return tracking says delivered, where's my refund", "you got it {when}, still no refund",
				"i was told the refund was issued, i don't see it", "the refund amount is wrong", "i only got a partial refund",
				"why was my refund less", "why did i only get part of my money back", "refund for {order} still pending",
				"is the refund for {order} done", "did you refund {order} yet", "my refund is taking forever",
				"it's been {n} days since i returned it", "still waiting on my refund", "waiting for the refund for {n} days",
				"when will my store credit show up", "did i get store credit for my return", "where's my replacement",
				"has my exchange shipped", "where's the new size you were sending", "any update on the exchange",
				"was my return received at the warehouse", "has the warehouse checked my return", "has the return been inspected",
				"refund status please", "return update please", "where's my money", "where is my money for the return",
				"i need an update on my return", "can you check if my refund went through", "did my refund go to paypal",
				"which card did the refund go to", "the rma says pending, what does that mean", "my return says in progress",
				"is {rma} complete", "when is {rma} going to be refunded", "{rma} status?", "what happened to my return",
			},
			vps: []string{
				"check my refund", "check on my return", "~track my return", "find out when i get my refund",
				"see if you received my return", "know the status of {rma}", "get an update on my refund",
				"check the refund for {order}", "know when the money will be back",
			},
		},
		"cancel_order": {target: 300, pre: slots["story_pre"], preP: 0.35, openP: 0.15, closeP: 0.2,
			asks: []string{
				"cancel my order", "cancel it", "please cancel my order", "~cancel order {order}", "cancel {order}",
				"i want to cancel my order", "can i cancel my order", "can you cancel it", "how do i cancel",
				"cancel the order please", "stop my order", "stop the order from shipping", "don't ship my order",
				"please don't send it", "i ordered by mistake, cancel", "i placed the order twice, cancel one",
				"duplicate order, please cancel one", "i ordered the wrong thing, cancel it", "i changed my mind, cancel the order",
				"i don't want it anymore, cancel", "cancel before it ships", "can it still be cancelled",
				"i found it cheaper, cancel please", "taking too long, just cancel it", "it hasn't shipped so cancel it",
				"cancel and refund me", "cancel my order and give me my money back", "i need to cancel the {item} order",
				"cancel the {item}", "remove the {item} from my order", "take the {item} off my order", "cancel just the {item}",
				"cancel part of my order", "cancel everything", "cancel all my orders", "cancel the order i just made",
				"i just ordered and want to cancel", "i ordered {when} and want to cancel", "please cancel order number {order}",
				"void my order", "scrap the order", "i'd like to cancel my purchase", "can i still cancel", "~want to cancel",
				"i need to cancel asap", "cancel asap", "cancel pls", "kill the order",
				"cancel the subscription order", "my card was charged twice, cancel one order", "ordered with the wrong card, cancel it",
				"wrong address on the order, just cancel it", "i'll reorder, cancel this one", "undo my order",
				"i want to stop order {order}", "halt my order", "can you stop the shipment before it goes out",
				"please cancel, i don't need the {item}", "no longer need it, cancel", "cancel it i bought it elsewhere",
				"cancel the order and refund to my card", "cancelling my order", "order cancellation please",
				"i'd like a cancellation", "i need a cancellation for {order}", "cancel my recent order", "cancel my last order",
				"i want to cancel the {item} i ordered {when}", "can i cancel the one i placed {when}",
			},
			vps: []string{
				"cancel my order", "~cancel order {order}", "cancel the {item}", "cancel my purchase", "cancel what i ordered",
				"stop my order", "cancel the order i placed {when}", "cancel {order}", "cancel one of my orders",
				"cancel an order", "cancel before it ships",
			},
		},
		"change_address": {target: 300, pre: slots["story_pre"], preP: 0.35, openP: 0.15, closeP: 0.2,
			asks: []string{
				"i need to change my address", "change the shipping address", "can i change the delivery address",
				"wrong address on my order", "~i put the wrong address", "i entered the wrong address", "i made a typo in my address",
				"the address is wrong, can you fix it", "can you update the address on {order}", "update my shipping address please",
				"please ship it to {city} instead", "can you send it to {city} instead", "i moved, can you change the address",
				"i just moved, need to update the address", "change delivery address to {city}", "can i redirect my package",
				"redirect my parcel to {city}", "can you change where it's going", "deliver to {city} instead", "ship to my work instead",
				"wrong zip code on my order", "i forgot my apartment number", "add my apartment number to the address",
				"the postcode is wrong", "i put my old address", "it's going to my old address, can you change it",
				"can you correct the street name", "missing the unit number, can you add it", "i need to fix the address on {order}",
				"change the address before it ships", "is it too late to change the address", "can i still change the address",
				"can the address be changed after ordering", "how do i change my address on an order", "edit the shipping address",
				"can i edit my address", "update address for order {order}", "new address for my order", "send it to a different address",
				"can you hold it and send to another address", "change the recipient name and address", "change the name on the order",
				"my phone number on the delivery is wrong, and the address", "wrong house number", "wrong city on my order",
				"i typed the wrong street", "can the courier deliver to my neighbour instead", "address change please",
				"change address", "changing my address", "need to update where my order ships", "i'll be away, can you ship to {city}",
				"can i change to a pickup point", "ship it to a locker instead", "can it go to a parcel locker",
				"can i change the delivery address with {carrier}", "i need it delivered to {city} not home",
				"i used my billing address by mistake, ship to my home", "my address is incomplete", "address is missing a line",
				"can you change the address to {city}", "please change the shipping address on my order",
			},
			vps: []string{
				"change my address", "change the shipping address", "change the delivery address on {order}", "update my address",
				"fix the address on my order", "redirect my package", "send my order to {city}", "correct my address",
				"edit the address for order {order}", "~change where my order is going",
			},
		},
		"recommend": {target: 280, openP: 0.15, closeP: 0.15,
			asks: []string{
				"can you recommend {product}", "what do you recommend", "any recommendations", "suggest something",
				"i'm looking for {product}", "looking for {product}", "do you have {product}", "what's good for {product}",
				"i need {product}, what should i get", "what should i buy", "help me choose {product}", "which one should i get",
				"what's your best {item}", "what's the best {item} you sell", "best {item} under {price}", "any {item} under {price}",
				"something under {price}", "gift ideas under {price}", "gift ideas?", "what would be a good gift",
				"what's popular right now", "what are your best sellers", "top rated {item}?", "which {item} is the best",
				"which {item} is most comfortable", "what {item} is good for winter", "what's good for camping",
				"do you have something similar to the {item}", "something like the {item} but cheaper", "what goes well with the {item}",
				"i want a {item} for running, which one", "which {item} do people like most", "what's your favourite {item}",
				"show me some {item}", "show me {item} options", "what {item} do you have", "what's new in store",
				"any new arrivals", "what's on sale", "any deals on {item}", "recommend me a {item}", "pick a {item} for me",
				"compare the {item} options for me", "is the {item} better than the other one", "which is better for travel",
				"what should i get my mom", "my son is 12, what would he like", "need a present for a coworker",
				"i need a gift for a tea lover", "something for someone who likes hiking", "what do you suggest for a beginner",
				"anything good for a rainy day", "what's a good starter set", "i'm new to camping what do i need",
				"looking for a waterproof {item}", "looking for a lightweight {item}", "looking for a cheap {item}",
				"i need a {item} that's warm", "which {item} should i buy", "suggest a {item} for me", "got any suggestions for {product}",
			},
			vps: []string{
				"find {product}", "choose a {item}", "pick a gift", "find a gift under {price}", "find something for my dad",
				"pick the right {item}", "find a good {item}",
			},
		},
		"faq": {target: 330, openP: 0.15, closeP: 0.1,
			asks: []string{
				"how much is shipping", "do you offer free shipping", "free shipping over how much",
				"do you ship internationally", "do you ship to the uk", "what are the shipping options",
				"do you have express shipping", "how much is express delivery", "how many days do i have to return",
				"do you accept returns", "is return shipping free", "are sale items returnable",
				"can i return without a receipt", "what payment methods do you accept", "do you accept apple pay",
				"can i pay with a credit card", "can i pay with alipay", "can i pay with wechat pay",
				"can i pay in installments", "do you take amex", "is cash on delivery available", "why was my card declined",
				"is there a warranty", "how long is the warranty", "what does the warranty cover", "how do i claim warranty",
				"how does sizing run", "do your shoes run small", "is there a size chart", "what size should i get if i'm 5'8",
				"are the sizes us or eu", "do you sell gift cards", "how do i use a gift card", "check my gift card balance",
				"do gift cards expire", "how do you use my data", "is my payment info safe",
				"do you sell my data", "what are your opening hours", "when is support open", "are you open on sunday",
				"do you have a physical store", "where is your store", "what's your phone number", "how can i contact you",
				"do you have a promo code", "any discount codes",
				"do you offer student discount", "do you price match", "is there a loyalty program", "how do points work",
				"can i use two codes", "do you charge customs fees", "will i pay duties",
				"do you ship to po boxes", "how long do refunds take in general", "how do refunds work",
				"can i change my order after placing it", "can orders be cancelled", "how do exchanges work in general",
				"is there a fee for exchanges", "how do i wash the {item}", "care instructions for the {item}", "is it machine washable",
				"what's the {item} made of", "is the {item} waterproof", "where are your products made",
				"do you restock sold out items", "when will the {item} be back in stock", "is the {item} in stock",
				"do you have the {item} in {size}", "can i preorder", "do you ship same day", "what time is the cutoff for same day shipping",
				"can i add a gift message", "do you have click and collect",
				"why is the price different in the app", "is the {item} compatible with iphone",
				"how long does the battery last", "what's the difference between the two {item}s", "do you ship to hawaii",
				"how do i reset the {item}", "do you have a size guide for kids", "how do i know my shoe size",
			},
			vps: []string{
				"find your return policy", "see the shipping costs", "use a promo code", "check my gift card balance",
				"pay with paypal", "pay in installments", "claim the warranty", "find the size chart", "contact support by phone",
				"use a gift card", "apply a discount code", "wash the {item}",
			},
		},
		"account": {target: 300, openP: 0.15, closeP: 0.2,
			asks: []string{
				"~i can't log in", "can't log into my account", "reset my password", "password reset please",
				"the password reset email never came", "i'm locked out of my account", "my account got blocked",
				"change my password", "i want to change my email", "update my email address",
				"change the email on my account", "how do i change my phone number", "update my phone number",
				"i got a new phone number", "change my mobile number on the account", "delete my account",
				"how do i delete my account", "remove my account and data", "deactivate my account",
				"unsubscribe me from emails", "stop sending me emails", "i keep getting marketing emails",
				"how do i unsubscribe", "stop the texts", "i don't want sms anymore", "my login code isn't coming",
				"i'm not getting the verification code", "the 2fa code doesn't work", "verification code not received",
				"the sign in link expired", "it says my email is already registered", "i can't create an account",
				"merge my accounts", "someone hacked my account", "i think my account was hacked",
				"there's an order on my account i didn't make", "update my name on the account", "change my username",
				"how do i change my saved address in my profile", "remove my saved card", "delete my saved payment method",
				"update the card on my account", "where do i see my account settings", "how do i sign up", "how do i make an account",
				"my account says suspended", "why was my account disabled", "i can't access my account", "login isn't working",
				"the app keeps logging me out", "the site won't let me sign in", "password not working", "forgot my login",
				"forgot which email i used", "i want to change my account email to {email}", "my email changed to {email}",
				"my points disappeared from my account", "my loyalty points are missing", "change my birthday on my profile",
				"turn off notifications", "how do i link my wechat", "log me out of all devices", "i want a new password",
				"account help", "account issue", "problem with my account", "trouble signing in", "can't sign in with google",
			},
			vps: []string{
				"reset my password", "change my email", "delete my account", "close my account",
				"log into my account", "update my account details", "~unsubscribe from your emails", "recover my account",
				"change the password on my account", "get back into my account", "remove my personal data",
			},
		},
		"invoice": {target: 300, pre: slots["story_pre"], preP: 0.3, openP: 0.15, closeP: 0.2,
			asks: []string{
				"i need an invoice", "send me an invoice", "invoice for {order} please", "i need a receipt",
				"can you send me a receipt", "where can i find my receipt", "i lost my receipt", "can you resend the receipt",
				"receipt for order {order}", "i need a vat invoice", "~i need an invoice with my company name",
				"please put my company name on the invoice", "can you add my vat number to the invoice", "the invoice has the wrong name",
				"the invoice is wrong", "can you correct the invoice", "change the name on my receipt", "the address on the invoice is wrong",
				"i need a receipt for my expenses", "need an invoice for work reimbursement", "my company needs an invoice",
				"how do i download my invoice", "where do i download the invoice", "can't find the invoice in my account",
				"can i get a pdf invoice", "email me the invoice", "send the invoice to {email}", "can i get an itemized receipt",
				"i need a gift receipt", "can you send a gift receipt", "no receipt in the box", "the package had no invoice",
				"i need proof of purchase", "proof of purchase for warranty", "need a proof of purchase for insurance",
				"can i get a receipt without prices", "receipt please", "receipt?", "invoice?",
				"i need the invoice for {order}", "invoice for my last order", "can you issue an invoice", "do you issue invoices",
				"can i get an invoice after the fact", "i need a business invoice", "can you split the invoice",
				"the receipt doesn't show the tax", "i need the invoice to show tax", "the invoice amount doesn't match",
				"i paid {price} but the invoice says different", "i need a credit note for my refund", "can i get a credit note",
				"billing statement please", "i need a copy of my bill", "copy of my invoice", "where's my order confirmation with prices",
				"need a receipt for the {item}", "invoice for the {item} please", "my accountant needs the invoice",
			},
			vps: []string{
				"get an invoice", "download my invoice", "get a vat invoice for {order}", "get a copy of my receipt",
				"have the invoice changed to my company name", "get a receipt for the {item}", "issue an invoice",
			},
		},
		"human": {target: 280, openP: 0.1, closeP: 0.15,
			asks: []string{
				"human", "human please", "agent", "agent please", "representative", "operator", "~a real person please",
				"can i talk to a human", "i want to talk to a person", "let me talk to a real person",
				"connect me to an agent", "get me a human", "is there a human i can talk to",
				"i need to speak with someone", "i'd like to speak with a representative", "customer service rep please",
				"put me through to support", "i want a live agent", "live agent", "live chat with a person please",
				"talk to human", "speak to agent", "stop the bot, i want a person", "are you a bot? i want a human",
				"can a real person help me", "can someone from the team help", "please call me",
				"can i get a call back", "call me at my number", "is there anyone i can call", "phone support please",
				"i'd rather talk to a person", "i prefer a human", "bot isn't helping, human please", "you're not helping, get me a person",
				"need a human asap", "HUMAN", "AGENT", "~person", "someone please", "help me human", "pls a person", "real human pls",
				"connect me with customer service", "i want to chat with staff", "staff please", "can i talk to your support team",
				"i want to speak to support", "send this to a person", "let a human take over",
				"is anyone real there", "is this a real person", "are you real", "i need human help",
				"transfer me", "transfer please", "can you pass me to someone", "pass me to a colleague", "speak to someone in person",
				"can i email a person", "i want to talk to someone who can actually help", "live person", "customer care please",
				"talk to someone", "speak to a human", "please get someone", "a person would be better",
			},
			vps: []string{
				"speak to a real person", "reach a live agent", "get a human on the line", "talk to customer service",
				"speak with someone from your team", "contact a person",
			},
		},
		"complaint": {target: 300, openP: 0.05,
			asks: []string{
				"terrible service", "this is unacceptable", "i'm so angry", "i'm furious",
				"absolutely disgusting service", "you guys are useless", "what a joke", "never ordering again",
				"i want to file a complaint",
				"how do i file a complaint", "i'm going to leave a bad review", "i'll leave a 1 star review",
				"i'm posting this on social media", "i'll report you", "i'm reporting you to the bbb",
				"scam", "rip off", "what a rip-off", "shame on you",
				"i've been waiting weeks and nobody cares", "nobody ever answers", "no one replied to my emails", "third time i'm writing",
				"fed up", "so fed up with you", "this is the worst shopping experience", "disappointed",
				"very disappointed", "extremely disappointed with the service", "your staff were rude",
				"the delivery guy was rude", "the courier threw my box", "your bot is useless", "this bot is stupid", "useless bot",
				"unbelievable", "are you kidding me", "seriously??", "horrible",
				"awful", "pathetic", "what kind of company is this", "i'm really upset",
				"i'm so frustrated right now", "this has ruined my day", "i'm not happy at all", "not happy", "disgraceful",
				"i want compensation for this", "i deserve compensation", "i want someone held accountable", "this is false advertising",
				"you lied to me", "you keep lying", "stop lying to me", "i feel cheated", "lowest quality ever", "cheap junk",
				"your products are garbage", "waste of money", "worst purchase ever", "i'll tell everyone not to buy here",
				"you should be ashamed", "how is this acceptable", "i've wasted hours on this", "i'm escalating this",
				"i want this escalated", "supervisor now", "manager now", "let me talk to the boss", "who's in charge there",
			},
			post: []string{"!!!", "!!", " 😡", " 🤬", ". unbelievable", ". seriously", ", absolutely ridiculous", ", i'm done"}, postP: 0.3,
			pre: slots["vent"], preP: 0.2,
		},
		"out_of_scope": {target: 300,
			asks: []string{
				"will it rain tomorrow", "what's the weather in {city}", "say something funny",
				"who won the game last night", "who's going to win the election", "what do you think of the president",
				"what's your opinion on politics", "can you help with my homework", "what's 17 times 23", "solve this equation for me",
				"write me an essay", "write a poem about cats", "translate this to french", "what's the capital of australia",
				"how far is the moon", "who invented the lightbulb", "what's the meaning of life", "are you alive", "do you have feelings",
				"are you a robot", "what's your name", "how old are you", "where are you from", "do you like music", "what's your favorite movie",
				"let's chat", "talk to me", "i'm lonely", "do you have a girlfriend", "will you marry me",
				"can you recommend a restaurant near me", "book me a flight", "order me a pizza", "what time is it", "what day is it today",
				"what's the date", "what's a good recipe for dinner", "how do i lose weight", "my head hurts what should i do",
				"how do i fix my car", "my wifi isn't working", "how do i install windows",
				"write some python code", "explain quantum physics", "what's bitcoin worth", "should i buy tesla stock",
				"who is the richest person", "what's trending on twitter", "give me the news", "what happened in the world today",
				"what's the best phone on the market", "can you track my amazon order", "my uber eats order is late", "help with my bank account",
				"how do i renew my passport", "what's the lottery number", "flip a coin", "pick a number between 1 and 10",
				"tell me a story", "what's 2+2", "how do you spell necessary", "can you play a game with me", "rock paper scissors",
				"what is love", "do you dream", "what do you eat", "lol", "haha", "asdfgh", "~test", "~testing 123", "blah blah",
				"why is the sky blue", "how many legs does a spider have", "what's the population of china", "recommend a good book",
				"what netflix show should i watch", "who's your creator", "is it going to snow this weekend", "horoscope for today",
			},
		},
	}
	addMore(routes, moreEnglish)
	addMore(routes, thirdEnglish)
	addMore(routes, injectionEnglish)
	addMore(routes, fourthEnglish)
	addMore(routes, fifthEnglish)
	addMore(routes, sixthEnglish)
	addMore(routes, seventhEnglish)
	return &lang{
		code:   "en",
		routes: routes,
		slots:  slots,
		noise:  englishNoise,
		join:   joinEnglish,
	}
}

func joinEnglish(r *rand.Rand, parts ...string) string {
	var out []string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if i > 0 && len(out) > 0 {
			switch x := r.Intn(10); {
			case x < 4:
				out[len(out)-1] += ","
			case x < 6:
				out[len(out)-1] += "."
			case x < 7:
				out[len(out)-1] += " -"
			case x < 8 && i == len(parts)-1:
				// "... thanks"
			case x < 9:
				p = pick(r, []string{"and ", "so ", "but ", "and also ", "anyway "}) + p
			}
		}
		out = append(out, p)
	}
	return strings.Join(out, " ")
}

var shorthand = map[string][]string{
	"you": {"u"}, "your": {"ur", "you're"}, "please": {"pls", "plz", "pleaseee"}, "thanks": {"thx", "thnks", "tks"},
	"want to": {"wanna"}, "going to": {"gonna"}, "i'm": {"im", "i m"}, "don't": {"dont", "do not"}, "can't": {"cant", "cannot"},
	"doesn't": {"doesnt"}, "haven't": {"havent"}, "isn't": {"isnt"}, "didn't": {"didnt"}, "because": {"bc", "cuz", "coz"},
	"received": {"recieved", "receieved"}, "address": {"adress", "addres"}, "cancel": {"cancle", "cancell", "cancl"},
	"package": {"pakage", "packge"}, "tomorrow": {"tmrw", "tomorow"}, "where's": {"wheres", "where is"}, "what's": {"whats"},
	"refund": {"refnd", "refun"}, "return": {"retrun", "retun"}, "exchange": {"exhange", "exchnage"}, "order": {"oder", "ordr"},
	"tracking": {"traking", "trackin"}, "shipping": {"shiping", "shippin"}, "delivery": {"delivry", "dilevery"},
	"invoice": {"invoce", "invioce"}, "receipt": {"reciept", "receit"}, "account": {"acount", "accout"},
	"password": {"pasword", "passwrd"}, "really": {"rly"}, "with": {"w/"}, "okay": {"ok", "k"}, "are": {"r"},
	"to": {"2"}, "for": {"4"}, "it's": {"its"}, "that's": {"thats"}, "i'd": {"id"}, "know": {"kno"}, "people": {"ppl"},
	"someone": {"some1"}, "before": {"b4"}, "message": {"msg"}, "minutes": {"mins"}, "probably": {"prob"},
}

// englishNoise lower-cases, drops punctuation, uses shorthand and
// misspells a word now and then.
func englishNoise(r *rand.Rand, s string) string {
	if r.Float64() < 0.55 {
		s = strings.ToLower(s)
	}
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		lw := strings.ToLower(strings.Trim(words[i], ",.!?"))
		if i+1 < len(words) {
			two := lw + " " + strings.ToLower(strings.Trim(words[i+1], ",.!?"))
			if alts, ok := shorthand[two]; ok && r.Float64() < 0.3 {
				words[i] = pick(r, alts)
				words = append(words[:i+1], words[i+2:]...)
				continue
			}
		}
		if alts, ok := shorthand[lw]; ok && r.Float64() < 0.18 {
			words[i] = strings.Replace(strings.ToLower(words[i]), lw, pick(r, alts), 1)
		}
	}
	if len(words) >= 3 && r.Float64() < 0.15 {
		i := r.Intn(len(words))
		words[i] = typo(r, words[i])
	}
	s = strings.Join(words, " ")
	switch x := r.Float64(); {
	case x < 0.45:
		s = strings.Map(func(c rune) rune {
			if strings.ContainsRune(",.!?;:", c) {
				return -1
			}
			return c
		}, s)
	case x < 0.55:
		s += pick(r, []string{"?", "??", "!", "...", " ?", "!!", " :(", " lol", " pls"})
	}
	if r.Float64() < 0.03 {
		s = strings.ToUpper(s)
	}
	return s
}

// typo swaps, drops or doubles a letter of a longer word.
func typo(r *rand.Rand, w string) string {
	rs := []rune(w)
	if len(rs) < 4 {
		return w
	}
	i := 1 + r.Intn(len(rs)-2)
	switch r.Intn(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs = append(rs[:i+1], rs[i:]...)
	}
	return string(rs)
}
