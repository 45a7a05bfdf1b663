// triggers.js — the extractor's trigger words of each event kind, copied from
// src/extract/events/triggers.rs (normalized: lower case, أ إ آ → ا, ى → ي, ة → ه),
// used to mark the event's words in a source sentence. Regenerate when that list changes.

export const TRIGGERS = {
  FOUNDING: 'تاسس تاسست اسس اسست تاسيس انشئ انشئت انشاء تشكل تشكلت founded established formed created founding formation',
  ATTACK: 'هجوم هجوما هجمات هجمه الهجوم الهجمات استهدف استهدفت استهداف قصف قصفت غاره غارات الغارات تفجير انفجار اشتباكات اشتباك هاجم هاجمت اقتحم اقتحمت اقتحام توغل توغلت قذائف صاروخ صواريخ كمين هجومه ضربه ضربات شن شنت attack attacks attacked attacking strike strikes struck bombing bombings bombed bomb shelling shelled airstrike airstrikes explosion exploded blast raid raids raided clashes clashed offensive ambush ambushed fired shot stormed assault invasion invaded hit targeted launched drone rocket rockets missile missiles fighting battle shooting gunfire',
  DEATH: 'مقتل قتل قتلت قتلي قتيل قتيلا وفاه توفي توفيت اغتيال اغتيل مصرع مصرعه مصرعهم استشهد استشهاد شهيد شهيدا شهداء اودي اودت اسفر اسفرت اصابه اصيب اصيبوا جرحي جريح حصيله ضحايا killed died dies death deaths dead assassinated killing killings wounded injured toll casualties perished',
  ARREST: 'اعتقال اعتقل اعتقلت القبض احتجاز احتجز احتجزت توقيف اوقف اوقفت افرج افرجت الافراج سراح اسر اختطاف اختطف arrested arrest arrests detained detention released release freed captured abducted kidnapped seized custody',
  ELECTION: 'انتخابات الانتخابات انتخاب انتخب انتخبت اقتراع الاقتراع تصويت التصويت صوت صوتت استفتاء election elections elected vote voted votes voting ballot referendum polls re-elected reelected',
  AGREEMENT: 'اتفاق اتفاقيه الاتفاق اتفق اتفقت اتفقا هدنه الهدنه توقيع تمديد مدد مددت تهدئه معاهده agreement agreed signed deal accord treaty truce ceasefire cease-fire extended extension armistice pact',
  WITHDRAWAL: 'انسحاب الانسحاب انسحب انسحبت انسحبوا سحب سحبت خروج رحيل withdrawal withdrew withdraw withdrawn pulled pullout retreated',
  DEPLOYMENT: 'انتشار يوجد يتواجد تمركز تعزيزات deployed deployment deploy stationed dispatched reinforcements',
  NEGOTIATION: 'مفاوضات التفاوض محادثات تفاوض جوله مباحثات وساطه negotiations talks negotiation negotiated negotiators mediation',
  MEETING: 'اجتماع التقي التقت اجتمع اجتمعت قمه لقاء زار زارت زياره استقبل استقبلت meeting met meet summit visited visit hosted',
  REPORT: 'نقلت ذكرت افادت اوردت تقرير reported report reports',
  STATEMENT: 'قال قالت اكد اكدت اعلن اعلنت صرح صرحت اوضح اوضحت اشار اشارت كشف كشفت اعرب اعربت شدد شددت اعتبر اعتبرت نفي نفت طالب طالبت دعا دعت حذر حذرت بيان تصريح تصريحات اضاف اضافت تابع افاد نقل ذكر ادان ادانت رحب رحبت said says announced stated told declared warned denied statement confirmed added urged condemned welcomed claimed insisted acknowledged',
};
