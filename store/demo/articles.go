package demo

import (
	"strings"
	"time"

	"github.com/kefu-dev/kefu/store"
)

// articleBody joins paragraphs with a blank line between them.
func articleBody(paragraphs ...string) string {
	return strings.Join(paragraphs, "\n\n")
}

// articles returns the demo shop's knowledge base, in English and Chinese.
//
// The policies here (return window, final-sale items, shipping prices and
// thresholds, cancellation, warranty periods, opening hours) must stay in
// line with what the rest of the demo shop enforces. Each English article
// has a Chinese counterpart with the same slug.
func articles(now time.Time) []store.Article {
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }

	return []store.Article{
		// Shipping in the US.
		{
			Slug: "shipping", Locale: "en", UpdatedAt: ago(23),
			Title: "Shipping times and costs (US)",
			Body: articleBody(
				"We ship every order from our warehouse in Reno, Nevada. Orders are processed in 1–2 business days (Monday to Friday, excluding US public holidays), so an order placed on a Friday evening usually leaves the warehouse on Monday or Tuesday.",
				"US delivery options, counted from the day the parcel ships: Standard takes 3–5 business days and costs $5.95, or is free on orders of $75 or more. Expedited takes 2 business days and costs $14.95. Overnight arrives the next business day and costs $29.95.",
				"The free shipping threshold applies to the order subtotal after discounts and before tax. Expedited and overnight shipping shorten the time in transit, not the 1–2 days of processing, so a standard order typically arrives 4–7 business days after you pay.",
				"US orders ship with UPS or USPS, and we email you a tracking number as soon as the parcel leaves the warehouse. For delivery outside the US, see our international shipping article.",
			),
			Tags: []string{"delivery", "arrive", "how long", "postage", "free shipping", "delivery time", "shipping fee", "express", "overnight", "next day", "ups", "usps", "package", "parcel"},
		},
		{
			Slug: "shipping", Locale: "zh", UpdatedAt: ago(23),
			Title: "美国境内运费与配送时效",
			Body: articleBody(
				"所有订单均从我们位于美国内华达州里诺（Reno）的仓库发出。付款后1–2个工作日内处理发货（周一至周五，美国法定节假日除外），周五晚上下的单一般在下周一或周二发出。",
				"美国境内配送时效从发货当天开始计算：标准快递3–5个工作日送达，运费$5.95，订单满$75包邮；加急快递2个工作日送达，运费$14.95；隔夜达下一个工作日送达，运费$29.95。",
				"包邮门槛按使用优惠后、税前的商品金额计算。加急和隔夜只缩短运输时间，1–2个工作日的处理时间不变，所以标准快递一般在付款后4–7个工作日到货。",
				"美国境内由UPS或USPS承运，包裹发出后我们会把物流单号发到您的邮箱。寄往中国及其他国家和地区的订单，请查看“国际配送、运费与关税”一文。",
			),
			Tags: []string{"多久到", "几天到", "包邮", "快递费", "邮费", "发货时间", "什么时候发货", "加急", "次日达", "包裹", "免运费"},
		},

		// International shipping and duties.
		{
			Slug: "international-shipping", Locale: "en", UpdatedAt: ago(23),
			Title: "International shipping, duties and import taxes",
			Body: articleBody(
				"We ship from Reno, Nevada to Canada, the UK, the EU, Australia, China, Japan and most other countries. International orders are processed in 1–2 business days, then take 7–14 business days to arrive with DHL or UPS.",
				"International shipping costs a flat $19.95 per order and is free on orders of $150 or more (subtotal after discounts).",
				"For the EU and the UK, import duties and VAT are included in the price you pay at checkout, so there is nothing more to pay on delivery. All other destinations, including Canada, Australia, China and Japan, are shipped DDU (delivered duties unpaid): the carrier may collect duties, import taxes and a handling fee from you on delivery. The amount is set by your country's customs rules and the value of the order, not by us.",
				"Orders to mainland China travel with DHL or UPS and are handed over to SF Express for the last mile; your tracking number switches to an SF Express number at that point. SF Express may text you to complete real-name verification for customs clearance — please reply promptly to avoid delays.",
			),
			Tags: []string{"overseas", "abroad", "worldwide", "customs", "vat", "ddu", "dhl", "ups", "sf express", "canada", "uk", "europe", "australia", "china", "japan"},
		},
		{
			Slug: "international-shipping", Locale: "zh", UpdatedAt: ago(23),
			Title: "国际配送、运费与关税",
			Body: articleBody(
				"我们从美国里诺仓库发货，可寄往中国大陆、加拿大、英国、欧盟、澳大利亚、日本等大多数国家和地区。国际订单付款后1–2个工作日内发货，由DHL或UPS承运，一般7–14个工作日送达。",
				"国际运费每单统一$19.95，商品金额（使用优惠后）满$150包邮。",
				"关税说明：寄往欧盟和英国的订单，结账价格已包含进口关税和增值税，收货时无需再付任何费用。寄往其他国家和地区（包括中国、加拿大、澳大利亚、日本）的订单按DDU方式发货，即关税未预付：海关或快递公司可能在派送时向收件人收取关税、进口税及手续费。具体金额由当地海关根据商品价值核定，并非由我们收取。",
				"寄往中国大陆的包裹，清关后会交给顺丰速运完成最后一段派送，物流单号届时会更新为顺丰单号。清关时顺丰可能发短信请您完成收件人实名认证，请及时按提示操作，以免耽误派送。",
			),
			Tags: []string{"海外直邮", "直邮中国", "国际快递", "清关", "海关", "进口税", "税费", "要交税吗", "顺丰", "dhl", "ups", "多久到"},
		},

		// Tracking.
		{
			Slug: "order-tracking", Locale: "en", UpdatedAt: ago(19),
			Title: "How to track your order",
			Body: articleBody(
				"When your order leaves our Reno warehouse, we email a shipping confirmation with the carrier and tracking number. Orders are processed in 1–2 business days, so this email usually arrives within 2 business days of payment.",
				"There are three ways to follow your parcel: click the tracking link in the email, open Orders in your account page, or ask the chat assistant with your order number (for example KF-10042) and the email address used for the order. Guests without an account can track orders this way too.",
				"What the statuses mean: Label created — the parcel is packed but not yet scanned by the carrier; the first scan usually appears within 24 hours. In transit — it is on its way. Out for delivery — it arrives today. Exception — a delay such as a wrong address, weather or customs; we follow these up and contact you if we need anything.",
				"For mainland China, the tracking number switches to an SF Express number for the last mile. If tracking hasn't updated for 5 business days (US) or 10 business days (international), contact us.",
			),
			Tags: []string{"where is my order", "tracking number", "order status", "parcel", "package", "shipped", "in transit", "out for delivery", "not arrived yet", "carrier", "delivery update"},
		},
		{
			Slug: "order-tracking", Locale: "zh", UpdatedAt: ago(19),
			Title: "如何查询订单物流",
			Body: articleBody(
				"订单从里诺仓库发出后，我们会发送一封发货通知邮件，里面有承运的快递公司和物流单号。订单处理需要1–2个工作日，所以一般付款后2个工作日内会收到这封邮件。",
				"查物流有三种方式：点击邮件里的跟踪链接；登录账户，在“我的订单”中查看；或者在聊天窗口发送订单号（例如KF-10042）和下单邮箱，智能客服会直接告诉您包裹到哪了。没有注册账户的游客也可以这样查。",
				"常见状态说明：“已创建运单”表示包裹已打包、快递还没揽收，一般24小时内会有第一条扫描记录；“运输中”表示包裹正在路上；“派送中”表示当天送达；“异常”表示因地址有误、天气或清关等原因延误，我们会跟进，需要您配合时会主动联系。",
				"寄往中国大陆的包裹，最后一段由顺丰派送，单号会更新为顺丰单号，可在顺丰官网或小程序查询。如果物流超过10个工作日没有更新（美国境内为5个工作日），请联系我们。",
			),
			Tags: []string{"查快递", "快递单号", "运单号", "单号", "物流信息", "包裹到哪了", "发货了吗", "还没到", "跟踪", "查件"},
		},

		// Missing parcels.
		{
			Slug: "missing-parcel", Locale: "en", UpdatedAt: ago(31),
			Title: "Lost or missing parcels",
			Body: articleBody(
				"If tracking says your parcel was delivered but you can't find it, first wait 24 hours: carriers sometimes mark a parcel as delivered shortly before it actually arrives. Meanwhile, check around your door, with neighbours, at your building's mailroom or reception, and at any parcel locker or pickup point named in the tracking. In China, SF Express often leaves parcels in a locker or pickup station and texts you a pickup code. Also check the address in your order confirmation.",
				"Still nothing? Contact us in the chat within 14 days of the delivery date, with your order number. We open an investigation with the carrier, which takes up to 5 business days. If the parcel isn't found, we send a free replacement or give you a full refund — your choice.",
				"If tracking hasn't moved for 5 business days in the US or 10 business days for international orders, the parcel may be lost in transit. Tell us and we'll check with UPS, USPS, DHL or SF Express. Once a parcel is confirmed lost, we reship or refund it at no cost to you.",
			),
			Tags: []string{"delivered but not received", "never arrived", "not received", "stolen", "where is my package", "lost in transit", "investigation", "replacement", "locker", "neighbour", "tracking stuck"},
		},
		{
			Slug: "missing-parcel", Locale: "zh", UpdatedAt: ago(31),
			Title: "包裹丢失，或显示已签收却没收到",
			Body: articleBody(
				"如果物流显示已签收，但您没有收到包裹，请先别着急：快递员有时会提前点签收，建议等待24小时。期间请看看门口、门卫或物业前台、邻居家，以及快递柜和驿站；顺丰通常会通过短信发送取件码。也请核对订单确认邮件里的收货地址是否正确。",
				"如果仍然找不到，请在签收日期后14天内通过聊天窗口联系我们，并提供订单号。我们会向快递公司发起调查，一般需要不超过5个工作日。如果最终确认丢件，我们会免费为您补发，或者全额退款，由您选择。",
				"如果物流信息长时间不更新——美国境内超过5个工作日、国际订单超过10个工作日——包裹可能在运输途中丢失。告诉我们后，我们会向UPS、USPS、DHL或顺丰核实，确认丢失后同样免费补发或退款，您不需要承担任何费用。",
			),
			Tags: []string{"丢件", "快递柜", "驿站", "取件码", "找不到", "被拿走", "补发", "物流不更新", "代收", "门卫"},
		},

		// Damaged or wrong items.
		{
			Slug: "damaged-or-wrong-item", Locale: "en", UpdatedAt: ago(31),
			Title: "Damaged, defective or wrong items",
			Body: articleBody(
				"Sorry if something arrived broken or isn't what you ordered. Please tell us within 7 days of delivery through the chat, with your order number and photos of the item, the damage, the outer box and the shipping label. For electronics, a short video of the fault helps.",
				"Once we have seen the photos, we send a free replacement, usually shipped within 1–2 business days, or refund the item to your original payment method if you prefer or if it is out of stock.",
				"We often don't need the damaged item back. If we do — for example when we sent the wrong item — we email you a prepaid return label, free of charge in every country, including international orders. Please keep the packaging until the case is closed.",
				"A fault that appears later, such as a broken zipper or a power bank that stops charging, is covered by our warranty: 1 year on electronics accessories and outdoor gear, 2 years on footwear soles.",
			),
			Tags: []string{"broken", "arrived damaged", "faulty", "not working", "cracked", "torn", "missing item", "incorrect item", "mix-up", "replacement", "photos"},
		},
		{
			Slug: "damaged-or-wrong-item", Locale: "zh", UpdatedAt: ago(31),
			Title: "商品破损、质量问题或发错货",
			Body: articleBody(
				"很抱歉给您带来不便。收到商品后如果发现破损、有质量问题或与订单不符，请在签收后7天内通过聊天窗口联系我们，提供订单号和照片：商品本身、破损或问题部位、外包装箱以及快递面单。电子产品有故障的，拍一段短视频会更有帮助。",
				"核实照片后，我们会免费为您补发新品，通常在1–2个工作日内发出；如果您更希望退款，或商品已经缺货，我们会退款到原付款账户。",
				"很多情况下不需要您寄回破损商品。如果需要寄回（例如我们发错了货），我们会通过邮件提供预付退货面单，无论美国境内还是国际订单，运费都由我们承担。处理完成前请保留原包装。",
				"签收一段时间后才出现的问题，比如拉链损坏、充电宝无法充电，属于保修范围：电子配件和户外装备保修1年，鞋底保修2年。",
			),
			Tags: []string{"坏了", "压坏", "摔坏", "瑕疵", "少件", "漏发", "货不对板", "颜色不对", "不能用", "补发", "换新", "拍照"},
		},

		// Returns.
		{
			Slug: "returns-policy", Locale: "en", UpdatedAt: ago(16),
			Title: "Returns policy",
			Body: articleBody(
				"You can return most items within 30 days of delivery. Items must be unworn, unwashed and unused, with the original tags attached, in their original packaging. Please try shoes on indoors on a clean surface.",
				"Final-sale items cannot be returned: clearance items marked final sale, underwear and swimwear, gift cards, and earbuds or headphones once opened. Defective items are still covered by our warranty.",
				"To start a return, say “return” in the chat or open Orders in your account page and choose the items. You get an RMA number; put it inside the parcel and send it to our warehouse in Reno, Nevada.",
				"Who pays return shipping: for US orders we email a prepaid label and returns are free. For international orders, including China, return shipping is paid by you — we send the return address, please use a tracked service. If the item is defective or we sent the wrong item, we pay and send you a prepaid label wherever you are.",
				"Refunds go to the original payment method within 5–7 business days after the parcel arrives at our warehouse. Original shipping charges are refunded only if the item was defective or wrong.",
			),
			Tags: []string{"send back", "money back", "refund", "rma", "return label", "return shipping", "prepaid label", "final sale", "30 days", "unworn", "can i return"},
		},
		{
			Slug: "returns-policy", Locale: "zh", UpdatedAt: ago(16),
			Title: "退货政策",
			Body: articleBody(
				"大部分商品支持签收后30天内退货。退回的商品需未穿着、未洗涤、未使用，吊牌完好，并保留原包装。试穿鞋子请在室内干净的地面上进行。",
				"以下商品属于最终销售（final sale），不支持退货：标明final sale的清仓商品、内衣和泳装、礼品卡，以及已拆封的耳机和无线耳机。如有质量问题，仍可按保修政策处理。",
				"申请退货：在聊天窗口说“我要退货”，或登录账户在“我的订单”中选择要退的商品。系统会生成退货授权号（RMA号），请把RMA号写在纸条上放进包裹，寄回我们在美国里诺的仓库。",
				"退货运费由谁承担：美国境内订单，我们会通过邮件提供预付退货面单，退货免运费。国际订单（包括寄往中国的订单）退货运费由顾客承担，我们会提供退货地址，请使用可追踪的快递寄回。如果商品有质量问题或我们发错了货，无论寄往哪里，退货运费都由我们承担，并提供预付面单。",
				"仓库收到退货后5–7个工作日内，退款原路返回到您的付款账户。原订单运费不予退还，商品有质量问题或发错货的除外。",
			),
			Tags: []string{"退款", "寄回", "无理由退货", "30天", "退货运费", "谁出运费", "退货地址", "rma", "吊牌", "不能退", "不退不换"},
		},

		// Refunds.
		{
			Slug: "refunds", Locale: "en", UpdatedAt: ago(16),
			Title: "When will I get my refund?",
			Body: articleBody(
				"Refunds always go back to the original payment method: card, PayPal, Apple Pay, Google Pay, Alipay, WeChat Pay or Union Pay. The part of an order paid with a gift card goes back to the gift card balance.",
				"For a return, we issue the refund within 5–7 business days after the parcel arrives at our warehouse in Reno, Nevada, and email you when it's done. You can check the status any time by giving the chat your RMA number or order number.",
				"For a cancelled order, the refund is issued as soon as the order is cancelled.",
				"Once we have issued it, your bank or wallet needs a little time to show it: usually 1–3 business days for PayPal, Alipay and WeChat Pay, and up to 10 business days for cards, depending on your bank.",
				"We refund the amount in US dollars. If you paid in another currency, for example in yuan with Alipay or WeChat Pay, the amount you receive may differ slightly because of exchange rate changes. Original shipping is refunded only when an item was defective or we sent the wrong item.",
			),
			Tags: []string{"money back", "refund status", "how long", "reimburse", "credit", "bank", "card statement", "exchange rate", "where is my refund", "cancelled order"},
		},
		{
			Slug: "refunds", Locale: "zh", UpdatedAt: ago(16),
			Title: "退款多久到账",
			Body: articleBody(
				"退款一律原路返回：用信用卡、PayPal、Apple Pay、Google Pay、支付宝、微信支付或银联付款的，退回原账户；用礼品卡支付的部分，退回礼品卡余额。",
				"退货订单：包裹到达我们美国里诺仓库后5–7个工作日内办理退款，办理完成后会发邮件通知您。您也可以随时在聊天窗口发送RMA号或订单号查询退款进度。",
				"已取消的订单：取消成功后立即办理退款。",
				"我们办理退款后，到账时间取决于支付渠道：支付宝、微信支付和PayPal一般1–3个工作日，信用卡最长可能需要10个工作日，以发卡银行为准。",
				"退款按美元金额退回。如果您用人民币支付（例如支付宝、微信支付），退款时按当时汇率换算，到账的人民币金额可能与付款时略有差异，这是汇率波动造成的。原订单运费只有在商品有质量问题或发错货时才会退还。",
			),
			Tags: []string{"退钱", "退款进度", "原路返回", "到账时间", "什么时候退", "钱退到哪", "信用卡", "汇率", "金额不对", "取消订单"},
		},

		// Exchanges.
		{
			Slug: "exchanges", Locale: "en", UpdatedAt: ago(27),
			Title: "Exchanges for a different size or colour",
			Body: articleBody(
				"Need another size or colour? Exchanges follow the same rules as returns: within 30 days of delivery, unworn, with the tags attached. There are two ways to do it.",
				"Fastest: place a new order for the size or colour you want now, then start a return for the original item in the chat or your account page. You are refunded within 5–7 business days after the return reaches our warehouse.",
				"Or ask for an exchange in the chat. We issue an RMA number and, when the returned item arrives at our warehouse, ship the new size or colour at no extra charge. In the US, one exchange per order is free: both the return label and the shipping of the new item cost you nothing. Further exchanges on the same order are handled as a return plus a new order.",
				"Exchanges are for the same product in another size or colour, at the same price. If the size you want is sold out, we refund you instead. International orders are exchanged as a return plus a new order, and return shipping is paid by you unless the item was defective or wrong.",
			),
			Tags: []string{"swap", "change size", "wrong size", "too small", "too big", "bigger", "smaller", "color", "replace", "doesn't fit"},
		},
		{
			Slug: "exchanges", Locale: "zh", UpdatedAt: ago(27),
			Title: "换货（换尺码或颜色）",
			Body: articleBody(
				"想换尺码或颜色？换货条件和退货相同：签收后30天内，商品未穿着、吊牌完好。可以通过以下两种方式办理。",
				"最快的方式：先直接下单购买您需要的尺码或颜色，再在聊天窗口或账户页面为原商品申请退货。仓库收到退货后5–7个工作日内为您退款。",
				"也可以在聊天窗口申请换货：我们会生成RMA号，仓库收到您寄回的商品后，免费寄出新的尺码或颜色。美国境内每个订单可享受一次免费换货，退货面单和新商品的运费都由我们承担；同一订单再次换货，按退货加重新下单处理。",
				"换货仅限同一款商品换不同尺码或颜色，价格不变；如果您要的尺码已经售罄，我们会改为退款。国际订单（包括寄往中国的订单）请按“退货+重新下单”办理，退货运费由顾客承担，商品有质量问题或发错货的除外。",
			),
			Tags: []string{"换码", "换大一码", "换小一码", "尺码不合适", "偏大", "偏小", "不合身", "换色", "调换", "换一件"},
		},

		// Cancelling or changing an order.
		{
			Slug: "cancel-or-change-order", Locale: "en", UpdatedAt: ago(20),
			Title: "Cancel or change an order",
			Body: articleBody(
				"You can cancel an order, or change its delivery address or a size, until it ships. Changes are usually possible only within 1–2 hours of payment, because the warehouse starts picking and packing soon after that; cancelling is possible until the parcel leaves the warehouse.",
				"Message the chat with your order number as soon as possible, or use Cancel order in your account page. The assistant checks the order status right away and tells you whether it can still be changed.",
				"A cancelled order is refunded in full to the original payment method at once; it may take a few business days to appear. Orders left in pending payment are cancelled automatically after 48 hours, so you don't need to do anything.",
				"Once an order has shipped it can no longer be cancelled or changed. Wait for the delivery and return it within 30 days for a refund (returns are free in the US; international return shipping is paid by the customer). To add an item, place a separate order.",
			),
			Tags: []string{"cancellation", "modify", "edit", "wrong address", "update address", "change size", "stop my order", "mistake", "add an item", "already shipped", "ordered by mistake"},
		},
		{
			Slug: "cancel-or-change-order", Locale: "zh", UpdatedAt: ago(20),
			Title: "取消订单或修改订单",
			Body: articleBody(
				"订单发货前都可以取消，也可以修改收货地址或尺码。不过修改一般只能在付款后1–2小时内进行，因为仓库很快就会开始拣货打包；取消订单则在包裹离开仓库前都可以办理。",
				"需要取消或修改，请尽快在聊天窗口发送订单号，或在账户页面点击“取消订单”。智能客服会实时查看订单状态，马上告诉您还能不能改。",
				"取消成功后，全额退款会立即原路退回，到账时间取决于您的支付方式。待付款订单超过48小时未付款会自动取消，无需您操作。",
				"订单一旦发货，就无法取消或修改。您可以在收货后30天内申请退货退款（美国境内退货免运费，国际订单退货运费由顾客承担）。想加购商品，请另外下一个新订单。",
			),
			Tags: []string{"改地址", "修改地址", "地址写错了", "改尺码", "不想要了", "拍错了", "撤销", "已发货", "加购", "未付款"},
		},

		// Payment.
		{
			Slug: "payment-methods", Locale: "en", UpdatedAt: ago(34),
			Title: "Payment methods",
			Body: articleBody(
				"We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay, Alipay, WeChat Pay and Union Pay. All prices are in US dollars (USD).",
				"Your card or account is charged when you place the order, not when it ships. If an item turns out to be unavailable, we refund it straight away.",
				"Alipay and WeChat Pay show the amount in Chinese yuan at the provider's exchange rate at the time of payment. Some banks charge a foreign transaction fee on USD payments; check with your bank.",
				"If a payment isn't completed — for example you closed the PayPal or Alipay window — the order stays in pending payment. You can finish paying from your account page; pending orders are cancelled automatically after 48 hours.",
				"If your card is declined, check that the billing address matches your card statement, or try another method. We never see or store your full card number.",
			),
			Tags: []string{"credit card", "debit card", "visa", "mastercard", "amex", "paypal", "apple pay", "alipay", "wechat", "unionpay", "checkout", "charged", "declined", "currency"},
		},
		{
			Slug: "payment-methods", Locale: "zh", UpdatedAt: ago(34),
			Title: "付款方式",
			Body: articleBody(
				"我们支持以下付款方式：Visa、Mastercard、American Express（美国运通）、PayPal、Apple Pay、Google Pay、支付宝、微信支付和银联。所有商品均以美元（USD）标价。",
				"下单时即扣款，而不是发货时才扣款。如果个别商品缺货，我们会立即退还相应金额。",
				"使用支付宝或微信支付时，页面会按支付机构当时的汇率显示人民币金额。用信用卡支付美元时，部分银行会收取货币转换费或境外交易手续费，具体请咨询发卡银行。",
				"如果付款没有完成（比如中途关掉了支付宝或PayPal页面），订单会显示为“待付款”，您可以在账户页面继续付款；待付款订单48小时后会自动取消。",
				"付款失败时，请确认账单地址与信用卡账单一致，或换一种付款方式再试。我们不会查看或保存您的完整卡号。",
			),
			Tags: []string{"支付方式", "怎么付款", "支付宝", "微信支付", "银联", "信用卡", "美元", "人民币", "汇率", "扣款", "付款失败", "待付款", "paypal"},
		},

		// Promo codes and price adjustments.
		{
			Slug: "promo-codes-price-adjustments", Locale: "en", UpdatedAt: ago(12),
			Title: "Promo codes and price adjustments",
			Body: articleBody(
				"Enter a promo code in the Discount code box at checkout. You can use one code per order; codes can't be combined with each other, but can be used together with a gift card. Codes don't apply to gift cards or to items marked final sale, and each code has its own expiry date and minimum spend.",
				"If a code doesn't work, check that it hasn't expired, that your cart reaches the minimum spend, and that there are no extra spaces. Forgot to use a valid code? Tell us in the chat within 7 days of placing the order and we refund the discount to your original payment method.",
				"Price adjustment: if something you bought drops in price within 14 days of your order, we refund the difference once. Ask in the chat with your order number and the product link. This doesn't apply to flash sales, clearance items or prices at other shops.",
				"The free shipping thresholds ($75 in the US, $150 international) are counted after discounts.",
			),
			Tags: []string{"coupon", "discount", "voucher", "sale", "price drop", "price match", "cheaper", "code not working", "difference", "offer", "forgot code"},
		},
		{
			Slug: "promo-codes-price-adjustments", Locale: "zh", UpdatedAt: ago(12),
			Title: "优惠码与价格调整",
			Body: articleBody(
				"结账时在“Discount code”（优惠码）栏输入即可使用。每个订单只能用一个优惠码，不能叠加，但可以和礼品卡一起使用。优惠码不能用于购买礼品卡或标明final sale的商品，每个优惠码的有效期和最低消费金额以活动说明为准。",
				"优惠码用不了时，请检查是否已过期、订单金额是否达到最低消费、输入时有没有多余的空格。下单时忘了用有效的优惠码？请在下单后7天内联系在线客服，我们会把优惠金额退回到原付款账户。",
				"价格调整（保价）：下单后14天内，如果您买的商品降价了，我们可以退还一次差价。请在聊天窗口提供订单号和商品链接。限时秒杀、清仓商品以及其他商店的价格不在保价范围内。",
				"包邮门槛（美国$75、国际$150）按使用优惠后的金额计算。",
			),
			Tags: []string{"优惠券", "折扣码", "打折", "降价", "差价", "退差价", "保价", "价保", "促销", "用不了", "活动"},
		},

		// Gift cards.
		{
			Slug: "gift-cards", Locale: "en", UpdatedAt: ago(38),
			Title: "Gift cards",
			Body: articleBody(
				"Our gift cards are digital; there is no physical card. Choose an amount from $25 to $500, enter the recipient's email address and a message, and we deliver the card by email within a few minutes — or on a date you choose.",
				"Gift cards never expire and have no fees. You can combine a gift card with another payment method: if it doesn't cover the total, pay the rest by card, PayPal, Alipay, WeChat Pay or any other method we accept.",
				"To use one, enter the 16-character code at checkout. Any remaining balance stays on the card for next time; you can check it at checkout or in the chat.",
				"Gift cards are not refundable and can't be returned or exchanged for cash. If you return something you paid for with a gift card, that amount goes back onto the card. If the email didn't arrive, check the spam folder, then ask us in the chat — we can resend it to the recipient or the buyer.",
			),
			Tags: []string{"gift certificate", "e-gift", "voucher", "present", "balance", "redeem", "expire", "expiry", "birthday", "gift code"},
		},
		{
			Slug: "gift-cards", Locale: "zh", UpdatedAt: ago(38),
			Title: "礼品卡",
			Body: articleBody(
				"我们的礼品卡是电子卡，没有实体卡。面额可选$25至$500，填写收卡人的邮箱和祝福语后，几分钟内就会通过邮件送达，也可以指定日期发送。",
				"礼品卡永久有效，不收取任何费用，可以和其他付款方式组合使用：礼品卡余额不足时，差额可以用信用卡、PayPal、支付宝、微信支付等方式支付。",
				"使用时在结账页面输入16位礼品卡号即可，没用完的余额会保留在卡内，下次继续使用。余额可以在结账页面或聊天窗口查询。",
				"礼品卡一经售出，不可退款、不可退货，也不能兑换现金。用礼品卡支付的商品如果退货，对应金额会退回到礼品卡。如果没收到礼品卡邮件，请先查看垃圾邮件箱，再联系在线客服，我们可以重新发送给收卡人或购买人。",
			),
			Tags: []string{"电子礼品卡", "购物卡", "代金券", "余额", "送礼", "兑换", "过期", "有效期", "卡号", "怎么用"},
		},

		// Warranty.
		{
			Slug: "warranty", Locale: "en", UpdatedAt: ago(34),
			Title: "Warranty",
			Body: articleBody(
				"Some categories carry a warranty against manufacturing defects, counted from the delivery date. Electronics accessories (chargers, cables, power banks, earbuds, headphones) and outdoor gear (tents, backpacks, trekking poles, headlamps) have 1 year. Footwear soles have 2 years — for example if a sole comes unglued or cracks in normal use.",
				"Not covered: normal wear and tear, accidental damage, misuse, damage from washing or drying against the care label, and items altered or repaired by someone else.",
				"To make a claim, open the chat, give your order number and send clear photos of the problem (a short video for electronics). We usually reply within 1–2 business days. If the claim is approved, we repair or replace the item, or refund it if it is no longer available. We pay the shipping for approved claims, in the US and internationally.",
				"Within 30 days of delivery, a defective item can also simply be returned for a full refund, with return shipping paid by us.",
			),
			Tags: []string{"guarantee", "broken", "stopped working", "faulty", "manufacturing defect", "repair", "replacement", "sole", "zipper", "wear and tear", "claim"},
		},
		{
			Slug: "warranty", Locale: "zh", UpdatedAt: ago(34),
			Title: "保修政策",
			Body: articleBody(
				"以下商品提供制造缺陷保修，从签收之日起计算：电子配件（充电器、数据线、充电宝、耳机等）和户外装备（帐篷、背包、登山杖、头灯等）保修1年；鞋底保修2年，例如正常穿着下出现开胶、断裂。",
				"不在保修范围内的情况：正常磨损老化、意外损坏、使用不当、未按洗涤标签清洗或烘干造成的损坏，以及经他人改动或维修过的商品。",
				"申请保修：在聊天窗口提供订单号，并发送能看清问题的照片（电子产品请拍一段短视频）。我们一般在1–2个工作日内回复。审核通过后，我们会为您维修或更换；如果该商品已经停售，则办理退款。审核通过的保修，往返运费由我们承担，国际订单也一样。",
				"签收后30天内发现质量问题，也可以直接申请退货，全额退款，退货运费由我们承担。",
			),
			Tags: []string{"质保", "保修期", "坏了", "质量问题", "维修", "换新", "开胶", "鞋底", "拉链坏了", "充电宝", "耳机"},
		},

		// Sizing.
		{
			Slug: "size-guide", Locale: "en", UpdatedAt: ago(41),
			Title: "Size guide and fit",
			Body: articleBody(
				"Every product page has a size chart: click Size guide next to the size selector. Measurements are given in centimetres and inches. Compare them with your own body measurements rather than the size you wear in other brands.",
				"How to measure: chest — around the fullest part, under the arms; waist — around your natural waistline, just above the belly button; hips — around the widest part; inseam — from the crotch to the ankle. Keep the tape snug but not tight. For shoes, stand on a sheet of paper in the afternoon and measure from the heel to the tip of the longest toe.",
				"Fit notes: our jackets run true to size — take your usual size, or one size up if you want to layer a thick fleece underneath. Boots run half a size small, so order half a size up. Other footwear is true to size unless the product page says otherwise.",
				"Between two sizes? Send the chat your measurements and we'll recommend one. If it doesn't fit, exchanges are easy (one free exchange per order in the US).",
			),
			Tags: []string{"size chart", "measurements", "what size", "true to size", "too small", "too big", "half size", "boots", "jacket", "measure", "cm", "inches"},
		},
		{
			Slug: "size-guide", Locale: "zh", UpdatedAt: ago(41),
			Title: "尺码指南",
			Body: articleBody(
				"每个商品页面都有尺码表，点击尺码选项旁边的“Size guide”即可查看，尺寸同时标注厘米和英寸。美国尺码和国内尺码的标法不同，建议量好自己的实际尺寸后按厘米数对照，而不是按平时穿的码数直接选。",
				"测量方法：胸围——腋下绕胸部最丰满处一周；腰围——肚脐上方的自然腰线一周；臀围——臀部最宽处一周；内长——裆部到脚踝。软尺贴身但不要勒紧。量脚长时，最好在下午站在白纸上，从脚后跟量到最长的脚趾。",
				"版型提示：我们的夹克和外套尺码标准，按平时尺码选即可；如果想在里面穿厚抓绒衣，可以选大一码。靴子偏小半码，建议选大半码。其他鞋类一般尺码标准，以商品页面说明为准。",
				"在两个尺码之间拿不准？在聊天窗口告诉我们您的身高、体重或具体尺寸，我们帮您推荐。不合适也可以换货，美国境内每个订单可享受一次免费换货。",
			),
			Tags: []string{"尺码表", "码数", "怎么选码", "偏大", "偏小", "正码", "合身", "量尺寸", "胸围", "脚长", "靴子", "夹克"},
		},

		// Care.
		{
			Slug: "care-instructions", Locale: "en", UpdatedAt: ago(45),
			Title: "Care instructions",
			Body: articleBody(
				"Always check the care label first; these tips cover most of what we sell.",
				"Down and insulated jackets: wash cold on a gentle cycle with a down detergent, then tumble dry low with two or three clean tennis balls until completely dry. Waterproof shells: wash cold without fabric softener and tumble dry low to refresh the water-repellent finish; re-proof with a spray-on treatment when water stops beading.",
				"Wool and knitwear: hand wash cold or use the wool cycle, and dry flat — never hang. Cotton tops: wash inside out at 30°C/86°F to keep the colour and avoid shrinking.",
				"Leather boots: brush off dirt, wipe with a damp cloth, let them dry at room temperature away from heaters, and condition the leather every few months.",
				"Cast iron and kitchen knives: hand wash only and dry straight away; oil cast iron lightly. Electronics accessories: keep them dry and don't charge power banks above 35°C/95°F.",
				"Damage caused by washing against the care label isn't covered by the warranty.",
			),
			Tags: []string{"wash", "washing", "laundry", "clean", "dryer", "shrink", "down jacket", "waterproof", "wool", "leather", "cast iron", "stain"},
		},
		{
			Slug: "care-instructions", Locale: "zh", UpdatedAt: ago(45),
			Title: "洗涤与保养",
			Body: articleBody(
				"请先查看商品上的洗涤标签，下面的建议适用于我们店里的大部分商品。",
				"羽绒服和棉服：冷水轻柔模式洗涤，使用羽绒专用洗涤剂，然后放两三个干净的网球低温烘干，直到完全干透。冲锋衣等防水外套：冷水洗，不要用柔顺剂，低温烘干有助于恢复防泼水效果；表面不再形成水珠时，可以用喷雾式防水剂重新处理。",
				"羊毛和针织衫：冷水手洗或用羊毛程序，平铺晾干，不要挂着晾。棉质上衣：翻面后用30°C以下的水洗，防止褪色和缩水。",
				"皮靴：先刷掉泥土，再用湿布擦拭，在室温下自然晾干，远离暖气，每隔几个月做一次皮革护理。",
				"铸铁锅和厨房刀具：只能手洗，洗后立即擦干，铸铁锅薄涂一层油。电子配件：注意防潮，不要在35°C以上的环境给充电宝充电。",
				"未按洗涤标签清洗造成的损坏，不在保修范围内。",
			),
			Tags: []string{"怎么洗", "清洗", "机洗", "手洗", "烘干", "缩水", "掉色", "羽绒服", "冲锋衣", "羊毛", "皮靴", "铸铁锅"},
		},

		// Privacy.
		{
			Slug: "privacy", Locale: "en", UpdatedAt: ago(44),
			Title: "Privacy and your data",
			Body: articleBody(
				"We keep only what we need to handle your orders and support: your name, email address, phone number, shipping and billing addresses, order and return history, and chat transcripts. Card payments are handled by our payment providers; we never see or store your full card number.",
				"Chat transcripts are kept for 2 years and then deleted automatically. Order and invoice records are kept as long as tax and accounting law requires, usually 7 years. We use your data to process orders, answer your questions and prevent fraud, and we never sell it. Marketing emails are sent only if you opt in, and every one has an unsubscribe link.",
				"To get a copy of your data or have it deleted, ask in the chat or email privacy@shop.example.com from the address on your account. We verify your identity and reply within 30 days. Deleting your account removes your profile, addresses and chat transcripts; order records that the law requires us to keep are deleted when their retention period ends.",
			),
			Tags: []string{"personal data", "personal information", "gdpr", "delete my account", "data deletion", "copy of my data", "chat history", "transcripts", "retention", "unsubscribe", "marketing emails", "security"},
		},
		{
			Slug: "privacy", Locale: "zh", UpdatedAt: ago(44),
			Title: "隐私与个人信息",
			Body: articleBody(
				"我们只保存处理订单和提供客服所需的信息：姓名、邮箱、电话、收货和账单地址、订单与退货记录，以及聊天记录。银行卡支付由支付机构处理，我们不会看到、也不会保存您的完整卡号。",
				"聊天记录保存2年后自动删除。订单和发票记录按税务和会计法规的要求保存，一般为7年。这些信息只用于处理订单、解答问题和防范欺诈，我们不会出售您的个人信息。营销邮件只在您同意订阅后发送，每封邮件都有退订链接。",
				"如需获取个人数据副本或删除数据，请在聊天窗口提出，或用账户绑定的邮箱发邮件至privacy@shop.example.com。核实身份后，我们会在30天内处理。删除账户会清除您的个人资料、地址和聊天记录；法律要求保留的订单记录会在保存期满后删除。",
			),
			Tags: []string{"个人数据", "数据安全", "删除账户", "注销账户", "删除数据", "聊天记录", "保存多久", "信息泄露", "退订", "营销邮件", "数据副本"},
		},

		// Contact.
		{
			Slug: "contact-us", Locale: "en", UpdatedAt: ago(15),
			Title: "Contact us and talk to a person",
			Body: articleBody(
				"Our chat assistant answers most questions instantly, 24/7. To reach a member of our team, type “talk to a person” in the chat at any time. During opening hours a staff member joins the same conversation and sees the chat history, so you don't have to repeat yourself; the average wait is under 3 minutes. Outside opening hours, leave your question and we reply by email on the next business day.",
				"Email: support@shop.example.com. We reply within 1 business day; include your order number (for example KF-10042) to speed things up.",
				"Phone: +1 (800) 555-0142, Monday–Friday 8:00–20:00 US Pacific time, in English.",
				"Chinese-speaking team: Monday–Friday 9:00–21:00 Beijing time, by chat and email.",
				"Human support hours are Monday–Friday 8:00–20:00 and weekends 10:00–16:00 US Pacific time; see our opening hours article for public holidays.",
			),
			Tags: []string{"human", "real person", "agent", "live agent", "representative", "customer service", "staff", "speak to someone", "phone number", "call", "email address", "complaint"},
		},
		{
			Slug: "contact-us", Locale: "zh", UpdatedAt: ago(15),
			Title: "联系人工客服",
			Body: articleBody(
				"智能客服7×24小时在线，大部分问题都能马上解答。需要人工客服时，随时在聊天窗口发送“转人工”即可。在人工客服工作时间内，客服会在同一个对话中接手，能看到之前的聊天记录，您不用重复说明，平均等待时间不到3分钟。非工作时间的留言，我们会在下一个工作日通过邮件回复。",
				"中文客服团队：周一至周五北京时间9:00–21:00，通过在线聊天和邮件为您服务。",
				"客服邮箱：support@shop.example.com，1个工作日内回复。邮件里附上订单号（例如KF-10042）可以加快处理。",
				"客服电话：+1（800）555-0142，周一至周五美国太平洋时间8:00–20:00，仅提供英文服务。",
				"英文人工客服周末也在线（太平洋时间10:00–16:00），节假日安排请查看“营业时间”一文。",
			),
			Tags: []string{"转人工", "真人", "在线客服", "人工服务", "中文客服", "客服电话", "客服邮箱", "找客服", "打电话", "投诉", "等多久"},
		},

		// Opening hours.
		{
			Slug: "opening-hours", Locale: "en", UpdatedAt: ago(15),
			Title: "Opening hours",
			Body: articleBody(
				"The chat assistant is available 24 hours a day, 7 days a week, including holidays. It can track orders, start returns and answer policy questions at any time.",
				"Human support (chat, email and phone): Monday–Friday 8:00–20:00 US Pacific time, and Saturday–Sunday 10:00–16:00 Pacific time. Our Chinese-speaking team works Monday–Friday 9:00–21:00 Beijing time.",
				"Public holidays: the US team is closed on New Year's Day, Memorial Day, Independence Day (July 4), Labor Day, Thanksgiving and Christmas Day. The Chinese team is closed during the Spring Festival and National Day holidays. The warehouse doesn't ship on US public holidays; orders placed then are processed on the next business day.",
				"Messages left outside these hours are answered in order on the next business day, and emails get a reply within 1 business day.",
			),
			Tags: []string{"24/7", "business hours", "closed", "weekend", "holidays", "christmas", "time zone", "pacific time", "beijing time", "availability", "schedule", "when can i call"},
		},
		{
			Slug: "opening-hours", Locale: "zh", UpdatedAt: ago(15),
			Title: "营业时间",
			Body: articleBody(
				"智能客服全年无休，7×24小时在线，节假日也可以随时查物流、申请退货、咨询各项政策。",
				"中文人工客服：周一至周五北京时间9:00–21:00。",
				"英文人工客服（聊天、邮件和电话）：周一至周五美国太平洋时间8:00–20:00，周六、周日太平洋时间10:00–16:00。周末中文客服休息，您可以留言，我们会在下一个工作日优先回复。",
				"节假日安排：中文客服在春节和国庆假期期间休息；美国团队在元旦、阵亡将士纪念日、美国独立日（7月4日）、劳动节、感恩节和圣诞节休息。美国法定节假日仓库不发货，期间的订单顺延至下一个工作日处理。",
				"非工作时间的留言会在下一个工作日按顺序回复，邮件在1个工作日内回复。",
			),
			Tags: []string{"客服时间", "上班时间", "几点", "周末", "节假日", "放假", "春节", "国庆", "北京时间", "在线时间", "下班"},
		},
	}
}
