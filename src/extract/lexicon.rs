//! Word classes for the temporal tagger (Arabic and English), looked up after
//! normalization, with Arabic clitics (و ف ب ل ك ال لل) stripped when the
//! whole word is not itself in the table.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::text::norm_str;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Hour,
    Minute,
    Weekend,
    Quarter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cnt {
    One,
    Two,
    Many,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    Start,
    Mid,
    End,
}

/// Lexical class of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lex {
    None,
    /// Gregorian month name (1–12).
    Month(u8),
    /// A month name that is also a common word ("May", "March", آب): needs context.
    MonthWeak(u8),
    /// كانون (1: Jan/Dec), تشرين (2: Oct/Nov): needs الأول/الثاني.
    MonthPre(u8),
    /// Hijri month.
    HMonth(u8),
    /// Hijri month name that is also a name or word (صفر، رجب، رمضان، شعبان).
    HMonthWeak(u8),
    /// ربيع (3), جمادى (5), ذو/ذي (11): needs its second word.
    HMonthPre(u8),
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    Weekday(u8),
    /// A weekday abbreviation that is also a word (Sat, Sun, Wed): needs
    /// capitals and a date after it.
    WeekdayWeak(u8),
    Unit(Unit, Cnt),
    NumWord(u16),
    Ord(u16),
    /// -1 last, 0 this, +1 next.
    Rel(i8),
    Today,
    Yesterday,
    Tomorrow,
    Now,
    Tonight,
    /// A part of a period; the flag is true for the narrow "outset/close" words.
    Part(Which, bool),
    Approx,
    Since,
    Ago,
    After,
    Within,
    From,
    To,
    Between,
    And,
    In,
    HijriMark,
    GregMark,
    Muwafiq,
    This,
    Last,
    Season(u8),
    Decade(u16),
    DayPart(u8),
    Every,
    Few,
    Recent,
    CountNoun,
    TrapPre,
    Hour,
    The,
    Of,
}

fn table() -> &'static HashMap<String, Lex> {
    static T: OnceLock<HashMap<String, Lex>> = OnceLock::new();
    T.get_or_init(|| {
        use Lex::*;
        let mut m = HashMap::new();
        let mut add = |words: &str, l: Lex| {
            for w in words.split_whitespace() {
                let w = w.replace('_', " ");
                m.insert(norm_str(&w), l);
            }
        };
        // Gregorian months: Egyptian/Gulf, Maghreb, Moroccan, Levantine.
        let months: [&str; 12] = [
            "يناير جانفي january jan",
            "فبراير فيفري فبرایر شباط february feb",
            "مارس آذار اذار mar",
            "أبريل إبريل ابريل أفريل افريل نيسان april apr",
            "مايو ماي أيار ايار",
            "يونيو يونيه جوان حزيران june jun",
            "يوليو يوليه جويلية يوليوز تموز july jul",
            "أغسطس اغسطس أغسطوس غشت أوت august aug",
            "سبتمبر شتنبر أيلول ايلول september sep sept",
            "أكتوبر اكتوبر october oct",
            "نوفمبر نونبر november nov",
            "ديسمبر دجنبر december dec",
        ];
        for (i, ws) in months.iter().enumerate() {
            add(ws, Month(i as u8 + 1));
        }
        add("march", MonthWeak(3));
        add("may", MonthWeak(5));
        add("آب", MonthWeak(8));
        add("كانون", MonthPre(1));
        add("تشرين", MonthPre(2));
        // Hijri months.
        add("محرم المحرم", HMonth(1));
        add("صفر", HMonthWeak(2));
        add("ربيع", HMonthPre(3));
        add("جمادى جمادي", HMonthPre(5));
        add("رجب", HMonthWeak(7));
        add("شعبان", HMonthWeak(8));
        add("رمضان", HMonthWeak(9));
        add("شوال", HMonth(10));
        add("ذو ذي", HMonthPre(11));
        add("ذوالقعدة ذيالقعدة", HMonth(11));
        add("ذوالحجة ذيالحجة", HMonth(12));
        // Weekdays.
        let days: [&str; 7] = [
            "الاثنين الإثنين monday mon",
            "الثلاثاء الثلاثا ثلاثاء ثلاثا tuesday tue tues",
            "الأربعاء الاربعاء الاربعا أربعاء اربعاء اربعا wednesday",
            "الخميس خميس thursday thu thur thurs",
            "الجمعة الجمعه friday fri",
            "السبت saturday",
            "الأحد الاحد sunday",
        ];
        for (i, ws) in days.iter().enumerate() {
            add(ws, Weekday(i as u8 + 1));
        }
        add("wed", WeekdayWeak(3));
        add("sat", WeekdayWeak(6));
        add("sun", WeekdayWeak(7));
        // Units.
        add("يوم day", Unit(self::Unit::Day, Cnt::One));
        add("يومين يومان", Unit(self::Unit::Day, Cnt::Two));
        add("أيام الأيام days", Unit(self::Unit::Day, Cnt::Many));
        add("أسبوع الأسبوع week", Unit(self::Unit::Week, Cnt::One));
        add("أسبوعين أسبوعان الأسبوعين", Unit(self::Unit::Week, Cnt::Two));
        add("أسابيع الأسابيع weeks", Unit(self::Unit::Week, Cnt::Many));
        add("شهر الشهر month", Unit(self::Unit::Month, Cnt::One));
        add("شهرين شهران الشهرين", Unit(self::Unit::Month, Cnt::Two));
        add("أشهر شهور الأشهر الشهور months", Unit(self::Unit::Month, Cnt::Many));
        add("عام العام سنة السنة year yr", Unit(self::Unit::Year, Cnt::One));
        add("عامين عامان سنتين سنتان العامين السنتين", Unit(self::Unit::Year, Cnt::Two));
        add("أعوام سنوات سنين الأعوام السنوات years", Unit(self::Unit::Year, Cnt::Many));
        add("عقد العقد decade", Unit(self::Unit::Decade, Cnt::One));
        add("عقدين", Unit(self::Unit::Decade, Cnt::Two));
        add("عقود decades", Unit(self::Unit::Decade, Cnt::Many));
        add("قرن القرن century", Unit(self::Unit::Century, Cnt::One));
        add("قرنين", Unit(self::Unit::Century, Cnt::Two));
        add("قرون centuries", Unit(self::Unit::Century, Cnt::Many));
        add("ساعة hour", Unit(self::Unit::Hour, Cnt::One));
        add("ساعتين ساعتان", Unit(self::Unit::Hour, Cnt::Two));
        add("ساعات hours", Unit(self::Unit::Hour, Cnt::Many));
        add("دقيقة minute", Unit(self::Unit::Minute, Cnt::One));
        add("دقيقتين", Unit(self::Unit::Minute, Cnt::Two));
        add("دقائق minutes", Unit(self::Unit::Minute, Cnt::Many));
        add("weekend wkend", Unit(self::Unit::Weekend, Cnt::One));
        add("weekends wkends", Unit(self::Unit::Weekend, Cnt::Many));
        add("quarter qtr الربع ربع", Unit(self::Unit::Quarter, Cnt::One));
        add("quarters", Unit(self::Unit::Quarter, Cnt::Many));
        add("الساعة o'clock", Hour);
        // Number words.
        let nums: [(&str, u16); 19] = [
            ("واحد واحدة one", 1),
            ("اثنان اثنين اثنتين اثنتان two", 2),
            ("ثلاث ثلاثة three", 3),
            ("أربع أربعة four", 4),
            ("خمس خمسة five", 5),
            ("ست ستة six", 6),
            ("سبع سبعة seven", 7),
            ("ثمان ثماني ثمانية eight", 8),
            ("تسع تسعة nine", 9),
            ("عشر عشرة ten", 10),
            ("eleven", 11),
            ("twelve", 12),
            ("عشرين عشرون twenty", 20),
            ("ثلاثين ثلاثون thirty", 30),
            ("أربعين أربعون forty", 40),
            ("خمسين خمسون fifty", 50),
            ("ستين ستون sixty", 60),
            ("تسعين تسعون ninety", 90),
            ("مئة مائة hundred", 100),
        ];
        for (ws, v) in nums {
            add(ws, NumWord(v));
            if (2..=10).contains(&v) {
                for w in ws.split_whitespace().filter(|w| !w.is_ascii() && !w.starts_with("اثن")) {
                    add(&format!("ال{w}"), NumWord(v));
                }
            }
        }
        add("thirteen", NumWord(13));
        add("fourteen", NumWord(14));
        add("fifteen", NumWord(15));
        add("sixteen", NumWord(16));
        add("seventeen", NumWord(17));
        add("eighteen", NumWord(18));
        add("nineteen", NumWord(19));
        add("seventy", NumWord(70));
        add("eighty", NumWord(80));
        add("سبعين سبعون", NumWord(70));
        add("ثمانين ثمانون", NumWord(80));
        let ords: [(&str, u16); 13] = [
            ("الأول أول الأولى أولى first", 1),
            ("الثاني ثاني ثان الثانية ثانية second", 2),
            ("الثالث ثالث الثالثة ثالثة third", 3),
            ("الرابع رابع الرابعة رابعة fourth", 4),
            ("الخامس خامس الخامسة خامسة fifth", 5),
            ("السادس سادس السادسة سادسة sixth", 6),
            ("السابع سابع السابعة سابعة seventh", 7),
            ("الثامن ثامن الثامنة ثامنة eighth", 8),
            ("التاسع تاسع التاسعة تاسعة ninth", 9),
            ("العاشر عاشر العاشرة عاشرة tenth", 10),
            ("الحادي حادي الحادية eleventh", 11),
            ("العشرين العشرون twentieth", 20),
            ("الثلاثين الثلاثون thirtieth", 30),
        ];
        for (ws, v) in ords {
            add(ws, Ord(v));
        }
        add("twelfth", Ord(12));
        add("thirteenth", Ord(13));
        add("fourteenth", Ord(14));
        add("fifteenth", Ord(15));
        add("sixteenth", Ord(16));
        add("seventeenth", Ord(17));
        add("eighteenth", Ord(18));
        add("nineteenth", Ord(19));
        // Relative.
        add(
            "الماضي الماضية الماضيين الماضيتين الماضيان الماض المنصرم المنصرمة المنصرمين الفائت الفائتة السابق السابقة المنقضي المنقضية last previous past",
            Rel(-1),
        );
        add("الجاري الجارية الحالي الحالية current", Rel(0));
        add(
            "المقبل المقبلة المقبلين المقبلتين القادم القادمة القادمين التالي التالية الجاي الجاية الآتي الآتية next coming following upcoming",
            Rel(1),
        );
        add("هذا هذه this", This);
        add("اليوم today", Today);
        add("أمس الأمس البارحة امبارح yesterday", Yesterday);
        add("غدا غد الغد بكرة بكرا tomorrow", Tomorrow);
        add("الآن حاليا حالا now currently", Now);
        add("الليلة tonight tonite", Tonight);
        // Parts of periods.
        add("مطلع مستهل بداية ابتداء غرة beginning start", Part(Which::Start, true));
        add("أوائل بدايات مطالع early", Part(Which::Start, false));
        add("منتصف نصف نص middle", Part(Which::Mid, true));
        add("أواسط وسط mid", Part(Which::Mid, false));
        add("نهاية ختام أواخر نهايات end late", Part(Which::End, false));
        add("نهاية ختام end", Part(Which::End, true));
        add("حوالي حوالى نحو قرابة تقريبا زهاء بحدود about around approximately roughly circa nearly almost some", Approx);
        add("منذ since", Since);
        add("قبل ago", Ago);
        add("بعد later after", After);
        add("خلال طوال during within over", Within);
        add("من from", From);
        add("إلى الى حتى لغاية until till through thru to", To);
        add("بين between", Between);
        add("و and", And);
        add("في in on at", In);
        add("هـ ه هجري هجرية للهجرة", HijriMark);
        add("م ميلادي ميلادية للميلاد", GregMark);
        add("الموافق الموافقة", Muwafiq);
        add("آخر اخير الأخير الأخيرة", Last);
        add("الربيع spring", Season(1));
        add("صيف الصيف summer", Season(2));
        add("خريف الخريف autumn", Season(3));
        add("شتاء الشتاء winter", Season(4));
        let decades: [(&str, u16); 8] = [
            ("العشرينيات العشرينات", 20),
            ("الثلاثينيات الثلاثينات", 30),
            ("الأربعينيات الأربعينات forties", 40),
            ("الخمسينيات الخمسينات fifties", 50),
            ("الستينيات الستينات sixties", 60),
            ("السبعينيات السبعينات seventies", 70),
            ("الثمانينيات الثمانينات eighties", 80),
            ("التسعينيات التسعينات nineties", 90),
        ];
        for (ws, v) in decades {
            add(ws, Decade(v));
        }
        add("صباحا صباح الصباح الصبح صبحا فجرا الفجر morning", DayPart(1));
        add("ظهرا الظهر عصرا العصر afternoon noon", DayPart(2));
        add("مساء مساءا المساء المغرب evening", DayPart(3));
        add("ليلا الليل العشاء night", DayPart(4));
        add("كل every each", Every);
        add("عدة بضعة بضع several few", Few);
        add("recent recently lately", Recent);
        add(
            "جندي جنود جنديا عسكري عسكريا شخص أشخاص شخصا قتيل قتيلا قتلى هجوم هجوما هجمات صاروخ صواريخ دولة دول دولار مليون ألف مليار عنصر عناصر مقاتل مقاتلا مقاتلين مدني مدنيا مدنيين طفل أطفال طفلا امرأة نساء منزل منازل غارة غارات عملية عمليات نازح لاجئ أسير معتقل مصاب جريح جرحى عضو أعضاء كيلومتر متر طن troops soldiers people members dollars attacks killed civilians fighters percent",
            CountNoun,
        );
        add("القرار قرار رقم المادة القانون resolution no number article flight route page chapter section room", TrapPre);
        add("the", The);
        add("of", Of);
        m
    })
}

/// Lexical class of a normalized word and the byte length of the stripped
/// conjunction/preposition clitic (0 when none).
pub fn lookup(w: &str) -> (Lex, u8) {
    let t = table();
    if let Some(l) = t.get(w) {
        return (*l, 0);
    }
    if w.is_ascii() || w.len() < 4 {
        return (Lex::None, 0);
    }
    // Arabic letters are two bytes each.
    for conj in ["", "و", "ف"] {
        let Some(w1) = w.strip_prefix(conj) else {
            continue;
        };
        for prep in ["", "ب", "ل", "ك"] {
            if conj.is_empty() && prep.is_empty() {
                continue;
            }
            let Some(w2) = w1.strip_prefix(prep) else {
                continue;
            };
            if w2.chars().count() < 2 {
                continue;
            }
            let pre = (conj.len() + prep.len()) as u8;
            if let Some(l) = t.get(w2) {
                return (*l, pre);
            }
            if prep == "ل" && w2.starts_with('ل') {
                let with_article = format!("ا{w2}");
                if let Some(l) = t.get(&with_article) {
                    return (*l, pre);
                }
            }
        }
    }
    (Lex::None, 0)
}
