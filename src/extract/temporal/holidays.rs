//! Holidays. Arabic and English (`p_holiday`): عيد الفطر, عيد الأضحى, عيد
//! الميلاد, رأس السنة الهجرية, Christmas, Easter, رمضان 2019.
//!
//! English holiday names: fixed days, nth weekdays, days counted from
//! (Western or Orthodox) Easter, Hijri, Hebrew and Chinese dates, each with
//! an optional year or relative year ("last easter", "MLK day 2012",
//! "thanksgiving in 3 years", "Eid al-Adha of next year").
//!
//! Conventions: a Hebrew holiday starts on its eve (the day before, when it
//! begins at sundown), as in Duckling; multi-day feasts are intervals.
//! Without a year, a past-tense sentence takes the most recent occurrence,
//! a future or short (query) text the next one, otherwise the publication
//! year's.
//!
//! Cases: `tests/cases/timex/holidays_en.toml`.

mod hindu;

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use super::values::{day_val, TimeValue};
use super::{add_days, add_months, last_day, ymd, Ctx, Match};
use crate::domain::{format_date, Precision};
use crate::extract::hijri;
use crate::extract::lexicon::{Cnt, Lex, Unit};
use hindu::Kala;

#[derive(Clone, Copy)]
enum Rule {
    /// Month, day.
    Fixed(u32, u32),
    /// Month, ISO weekday (1 = Monday), n-th (negative: from the end).
    Nth(u32, u32, i32),
    /// Days from Western Easter, length in days.
    Easter(i64, i64),
    /// Days from Orthodox Easter, length in days.
    Orthodox(i64, i64),
    /// Hijri month and day, length in days.
    Hijri(u8, u8, i64),
    /// Last Friday of Ramadan.
    LastFridayRamadan,
    /// Hebrew month (Tishrei = 1, Adar = 6), day; length from the eve.
    Hebrew(u8, u8, i64),
    /// 9 Av, moved to Sunday when it falls on a Saturday, from its eve.
    TishaBav,
    /// Independence Day of Israel (5 Iyar, moved off Friday, Saturday, Monday), from its eve.
    YomHaatzmaut,
    ChineseNewYear,
    /// Thanksgiving (4th Thursday of November) plus days.
    Thanksgiving(i64),
    /// 16 October, on the nearest weekday.
    BossDay,
    /// 27 April, the 26th when the 27th is a Sunday.
    KingsDay,
    /// Nowruz of the Shahenshahi calendar (365 days, no leap year).
    ParsiNewYear,
    /// 31 December / 1 January of the next year.
    NewYearsEve,
    NewYearsDay,
    /// Hindu lunar day: amanta month (1 = Chaitra), tithi, time of day,
    /// days after it, length in days.
    Lunar(u8, u8, Kala, i64, i64),
    /// The Sun entering a sidereal sign (0 = Aries), plus days.
    Sankranti(u8, i64),
    Onam,
}

/// Names, as words (lower case, apostrophes, hyphens and dots ignored),
/// each group with the rule its names share.
const NAMES: &[(&[&str], Rule)] = &[
    (
        &["christmas", "christmas day", "xmas", "xmas day"],
        Rule::Fixed(12, 25),
    ),
    (&["christmas eve"], Rule::Fixed(12, 24)),
    (&["boxing day"], Rule::Fixed(12, 26)),
    (&["new year s eve", "new years eve"], Rule::NewYearsEve),
    (&["new year s day", "new years day"], Rule::NewYearsDay),
    (
        &["valentine s day", "valentines day", "valentine day"],
        Rule::Fixed(2, 14),
    ),
    (&["halloween"], Rule::Fixed(10, 31)),
    // The Roman ides: the 15th of March, May, July and October, the 13th otherwise.
    (&["ides of january"], Rule::Fixed(1, 13)),
    (&["ides of february"], Rule::Fixed(2, 13)),
    (&["ides of march"], Rule::Fixed(3, 15)),
    (&["ides of april"], Rule::Fixed(4, 13)),
    (&["ides of may"], Rule::Fixed(5, 15)),
    (&["ides of june"], Rule::Fixed(6, 13)),
    (&["ides of july"], Rule::Fixed(7, 15)),
    (&["ides of august"], Rule::Fixed(8, 13)),
    (&["ides of september"], Rule::Fixed(9, 13)),
    (&["ides of october"], Rule::Fixed(10, 15)),
    (&["ides of november"], Rule::Fixed(11, 13)),
    (&["ides of december"], Rule::Fixed(12, 13)),
    (
        &[
            "st patrick s day",
            "st patricks day",
            "saint patrick s day",
            "saint patricks day",
            "st paddy s day",
            "saint paddy s day",
        ],
        Rule::Fixed(3, 17),
    ),
    (
        &["guy fawkes day", "guy fawkes night", "bonfire night"],
        Rule::Fixed(11, 5),
    ),
    (&["world vegan day"], Rule::Fixed(11, 1)),
    (&["independence day"], Rule::Fixed(7, 4)),
    (
        &["veterans day", "remembrance day", "armistice day"],
        Rule::Fixed(11, 11),
    ),
    (&["may day", "labour day"], Rule::Fixed(5, 1)),
    (
        &["international women s day", "women s day"],
        Rule::Fixed(3, 8),
    ),
    (&["earth day"], Rule::Fixed(4, 22)),
    (
        &[
            "mlk day",
            "mlk jr day",
            "martin luther king day",
            "martin luther king s day",
            "martin luther kings day",
            "martin luther king jr day",
            "civil rights day",
        ],
        Rule::Nth(1, 1, 3),
    ),
    (&["presidents day", "president s day"], Rule::Nth(2, 1, 3)),
    (&["memorial day"], Rule::Nth(5, 1, -1)),
    (&["labor day"], Rule::Nth(9, 1, 1)),
    (&["columbus day"], Rule::Nth(10, 1, 2)),
    (&["mother s day", "mothers day"], Rule::Nth(5, 7, 2)),
    (&["father s day", "fathers day"], Rule::Nth(6, 7, 3)),
    (
        &[
            "august bank holiday",
            "summer bank holiday",
            "late summer bank holiday",
        ],
        Rule::Nth(8, 1, -1),
    ),
    (&["thanksgiving", "thanksgiving day"], Rule::Thanksgiving(0)),
    (&["black friday"], Rule::Thanksgiving(1)),
    (&["cyber monday"], Rule::Thanksgiving(4)),
    (
        &[
            "boss s day",
            "bosss day",
            "boss day",
            "boss s",
            "bosses day",
        ],
        Rule::BossDay,
    ),
    (&["king s day", "kings day", "koningsdag"], Rule::KingsDay),
    (
        &["easter", "easter sunday", "easter day"],
        Rule::Easter(0, 1),
    ),
    (&["easter monday", "easter mon"], Rule::Easter(1, 1)),
    (&["good friday"], Rule::Easter(-2, 1)),
    (&["holy saturday"], Rule::Easter(-1, 1)),
    (
        &[
            "maundy thursday",
            "holy thursday",
            "covenant thursday",
            "covenant thu",
            "thursday of mysteries",
            "thu of mysteries",
        ],
        Rule::Easter(-3, 1),
    ),
    (&["palm sunday", "branch sunday"], Rule::Easter(-7, 1)),
    (&["ash wednesday"], Rule::Easter(-46, 1)),
    (
        &[
            "shrove tuesday",
            "mardi gras",
            "pancake day",
            "pancake tuesday",
        ],
        Rule::Easter(-47, 1),
    ),
    (&["lent"], Rule::Easter(-46, 46)),
    (&["mothering sunday"], Rule::Easter(-21, 1)),
    (&["ascension day"], Rule::Easter(39, 1)),
    (
        &["pentecost", "whitsunday", "whit sunday", "white sunday"],
        Rule::Easter(49, 1),
    ),
    (
        &["whit monday", "whitmonday", "monday of the holy spirit"],
        Rule::Easter(50, 1),
    ),
    (&["trinity sunday"], Rule::Easter(56, 1)),
    (&["corpus christi"], Rule::Easter(60, 1)),
    (
        &["orthodox easter", "orthodox easter sunday"],
        Rule::Orthodox(0, 1),
    ),
    (
        &["orthodox good friday", "orthodox great friday"],
        Rule::Orthodox(-2, 1),
    ),
    (
        &["clean monday", "orthodox shrove monday"],
        Rule::Orthodox(-48, 1),
    ),
    (&["lazarus saturday"], Rule::Orthodox(-8, 1)),
    (&["great lent", "great fast"], Rule::Orthodox(-48, 40)),
    (
        &["eid al fitr", "eid ul fitr", "id ul fitr"],
        Rule::Hijri(10, 1, 1),
    ),
    (
        &[
            "eid al adha",
            "eid ul adha",
            "id ul adha",
            "sacrifice feast",
            "feast of the sacrifice",
            "bakr id",
            "bakrid",
        ],
        Rule::Hijri(12, 10, 1),
    ),
    (
        &["islamic new year", "hijri new year", "amun jadid"],
        Rule::Hijri(1, 1, 1),
    ),
    (&["ashura", "day of ashura"], Rule::Hijri(1, 10, 1)),
    (
        &[
            "mawlid",
            "mawlid al nabawi",
            "mawlid an nabi",
            "prophet s birthday",
        ],
        Rule::Hijri(3, 12, 1),
    ),
    (
        &[
            "isra and mi raj",
            "isra and miraj",
            "the prophet s ascension",
            "the night journey",
            "ascension to heaven",
        ],
        Rule::Hijri(7, 27, 1),
    ),
    (
        &[
            "laylat al qadr",
            "laylat al kadr",
            "night of power",
            "night of measures",
        ],
        Rule::Hijri(9, 27, 1),
    ),
    (
        &["jamat ul vida", "jumu atul wida", "jumuatul wida"],
        Rule::LastFridayRamadan,
    ),
    (
        &["rosh hashanah", "rosh hashana", "rosh hashanna"],
        Rule::Hebrew(1, 1, 3),
    ),
    (&["yom kippur"], Rule::Hebrew(1, 10, 1)),
    (
        &[
            "sukkot",
            "succos",
            "sukkos",
            "feast of tabernacles",
            "feast of the ingathering",
        ],
        Rule::Hebrew(1, 15, 9),
    ),
    (&["shemini atzeret"], Rule::Hebrew(1, 22, 1)),
    (&["simchat torah"], Rule::Hebrew(1, 23, 1)),
    (
        &["hanukkah", "chanukah", "hanukah", "hannukkah", "chanukkah"],
        Rule::Hebrew(3, 25, 8),
    ),
    (&["tu bishvat", "tu b shvat"], Rule::Hebrew(5, 15, 1)),
    (&["purim"], Rule::Hebrew(6, 14, 1)),
    (&["shushan purim"], Rule::Hebrew(6, 15, 1)),
    (&["passover", "pesach"], Rule::Hebrew(7, 15, 9)),
    (
        &["yom hashoah", "holocaust day", "holocaust remembrance day"],
        Rule::Hebrew(7, 27, 1),
    ),
    (&["yom haatzmaut", "yom ha atzmaut"], Rule::YomHaatzmaut),
    (&["lag b omer", "lag baomer"], Rule::Hebrew(8, 18, 1)),
    (&["shavuot", "shavuos"], Rule::Hebrew(9, 6, 3)),
    (&["tisha b av", "tisha bav"], Rule::TishaBav),
    (
        &[
            "chinese new year",
            "chinese new years",
            "chinese new year s day",
            "chinese lunar new year",
            "chinese lunar new year s day",
            "lunar new year",
            "spring festival",
        ],
        Rule::ChineseNewYear,
    ),
    (&["parsi new year", "jamshedi navroz"], Rule::ParsiNewYear),
    // Hindu, Sikh and Buddhist days (amanta months: 1 Chaitra … 7 Ashvin … 12 Phalguna)
    (
        &["dhanteras", "dhanatrayodashi"],
        Rule::Lunar(7, 28, Kala::Evening, 0, 1),
    ),
    (
        &[
            "naraka chaturdashi",
            "choti diwali",
            "chhoti diwali",
            "kali chaudas",
        ],
        Rule::Lunar(7, 29, Kala::Midnight, 0, 1),
    ),
    (
        &["diwali", "deepavali", "lakshmi puja"],
        Rule::Lunar(7, 30, Kala::Evening, 0, 1),
    ),
    (
        &["bhai dooj", "bhaiya dooj"],
        Rule::Lunar(8, 2, Kala::Afternoon, 0, 1),
    ),
    (
        &["chhath", "chhath puja", "dala puja", "surya shashthi"],
        Rule::Lunar(8, 6, Kala::Sunrise, 0, 1),
    ),
    (
        &["navaratri", "navratri", "durga puja"],
        Rule::Lunar(7, 1, Kala::Sunrise, 0, 10),
    ),
    (&["maha saptami"], Rule::Lunar(7, 7, Kala::Sunrise, 0, 1)),
    (
        &["dussehra", "dasara", "vijayadashami"],
        Rule::Lunar(7, 10, Kala::Afternoon, 0, 1),
    ),
    (
        &["karva chauth", "karwa chauth"],
        Rule::Lunar(7, 19, Kala::Evening, 0, 1),
    ),
    (
        &["ratha yatra", "rath yatra"],
        Rule::Lunar(4, 2, Kala::Sunrise, 0, 1),
    ),
    (
        &["raksha bandhan", "rakhi"],
        Rule::Lunar(5, 15, Kala::Afternoon, 0, 1),
    ),
    (
        &[
            "mahavir jayanti",
            "mahaveer jayanti",
            "mahavir janma kalyanak",
            "mahaveer janma kalyanak",
        ],
        Rule::Lunar(1, 13, Kala::Sunrise, 0, 1),
    ),
    (
        &["maha shivaratri", "maha shivratri", "mahashivratri"],
        Rule::Lunar(11, 29, Kala::Midnight, 0, 1),
    ),
    (
        &["dayananda saraswati jayanti", "saraswati jayanti"],
        Rule::Lunar(11, 25, Kala::Sunrise, 0, 1),
    ),
    (
        &["vasant panchami", "basant panchami"],
        Rule::Lunar(11, 5, Kala::Midday, 0, 1),
    ),
    (
        &["holika dahan", "chhoti holi", "kamudu pyre"],
        Rule::Lunar(12, 15, Kala::Evening, 0, 1),
    ),
    (
        &["holi", "dhulandi", "dhuleti", "phagwah"],
        Rule::Lunar(12, 15, Kala::Evening, 1, 1),
    ),
    (
        &["krishna janmashtami", "janmashtami", "gokulashtami"],
        Rule::Lunar(5, 23, Kala::Midnight, 0, 1),
    ),
    (
        &["ganesh chaturthi", "vinayaka chaturthi"],
        Rule::Lunar(6, 4, Kala::Midday, 0, 1),
    ),
    (
        &["rama navami", "ram navami"],
        Rule::Lunar(1, 9, Kala::Midday, 0, 1),
    ),
    (
        &[
            "ugadi",
            "yugadi",
            "gudi padwa",
            "samvatsaradi",
            "chaitra sukladi",
            "chaitra sukhladi",
        ],
        Rule::Lunar(1, 1, Kala::Sunrise, 0, 1),
    ),
    (
        &[
            "guru ravidas jayanti",
            "guru ravidass jayanti",
            "guru ravidas birthday",
            "guru ravidass birthday",
        ],
        Rule::Lunar(11, 15, Kala::Sunrise, 0, 1),
    ),
    (
        &[
            "valmiki jayanti",
            "maharishi valmiki jayanti",
            "pargat diwas",
        ],
        Rule::Lunar(7, 15, Kala::Sunrise, 0, 1),
    ),
    (
        &[
            "guru gobind singh jayanti",
            "guru govind singh jayanti",
            "guru gobind singh birthday",
        ],
        Rule::Lunar(10, 7, Kala::Sunrise, 0, 1),
    ),
    (
        &["vesak", "vaisakha", "buddha day", "buddha purnima"],
        Rule::Lunar(2, 15, Kala::Sunrise, 0, 1),
    ),
    (
        &[
            "makar sankranti",
            "makara sankranti",
            "makar sankranthi",
            "makara sankranthi",
            "maghi",
            "pongal",
            "thai pongal",
        ],
        Rule::Sankranti(9, 0),
    ),
    (&["bogi", "bhogi", "bogi pandigai"], Rule::Sankranti(9, -1)),
    (&["maattu pongal", "mattu pongal"], Rule::Sankranti(9, 1)),
    (&["kaanum pongal", "kanni pongal"], Rule::Sankranti(9, 2)),
    (
        &["vaisakhi", "baisakhi", "vasakhi", "vaishakhi"],
        Rule::Sankranti(0, 0),
    ),
    (
        &["rabindra jayanti", "rabindranath jayanti"],
        Rule::Sankranti(0, 25),
    ),
    (&["onam", "thiru onam", "thiruvonam"], Rule::Onam),
];

fn nth_weekday(y: i32, m: u32, wd: u32, n: i32) -> Option<NaiveDate> {
    if n > 0 {
        let first = ymd(y, m, 1)?;
        let off = (wd as i64 - first.weekday().number_from_monday() as i64).rem_euclid(7);
        let d = add_days(first, off + 7 * (n as i64 - 1))?;
        (d.month() == m).then_some(d)
    } else {
        let last = last_day(y, m)?;
        let off = (last.weekday().number_from_monday() as i64 - wd as i64).rem_euclid(7);
        add_days(last, -off - 7 * (-n as i64 - 1))
    }
}

/// Every occurrence of the holiday that starts in Gregorian year `y`, as (start, end).
fn occurrences(rule: Rule, y: i32) -> Vec<(NaiveDate, NaiveDate)> {
    let one = |d: Option<NaiveDate>| d.map(|d| (d, d)).into_iter().collect::<Vec<_>>();
    let span = |d: Option<NaiveDate>, len: i64| {
        d.and_then(|d| Some((d, add_days(d, len - 1)?)))
            .into_iter()
            .collect::<Vec<_>>()
    };
    match rule {
        Rule::Fixed(m, d) => one(ymd(y, m, d)),
        Rule::Nth(m, wd, n) => one(nth_weekday(y, m, wd, n)),
        Rule::Easter(off, len) => span(hijri::easter(y).and_then(|e| add_days(e, off)), len),
        Rule::Orthodox(off, len) => span(
            hijri::orthodox_easter(y).and_then(|e| add_days(e, off)),
            len,
        ),
        Rule::Thanksgiving(off) => one(nth_weekday(y, 11, 4, 4).and_then(|d| add_days(d, off))),
        Rule::BossDay => one(
            ymd(y, 10, 16).map(|d| match d.weekday().number_from_monday() {
                6 => d.pred_opt().unwrap_or(d),
                7 => d.succ_opt().unwrap_or(d),
                _ => d,
            }),
        ),
        Rule::KingsDay => one(ymd(y, 4, 27).map(|d| {
            if d.weekday().number_from_monday() == 7 {
                d.pred_opt().unwrap_or(d)
            } else {
                d
            }
        })),
        Rule::ParsiNewYear => {
            // 17 August 2018 was 1 Farvardin; the year has 365 days
            let base = ymd(2018, 8, 17);
            let d = base.and_then(|b| add_days(b, 365 * (y as i64 - 2018)));
            one(d.filter(|d| d.year() == y))
        }
        Rule::NewYearsEve => one(ymd(y, 12, 31)),
        Rule::NewYearsDay => one(ymd(y, 1, 1)),
        Rule::ChineseNewYear => one(hijri::chinese_new_year(y)),
        Rule::Hijri(m, d, len) => {
            let mut out = Vec::new();
            let Some(hy) = ymd(y, 1, 1).and_then(hijri::from_gregorian).map(|h| h.year) else {
                return out;
            };
            for h in [hy, hy + 1] {
                if let Some(s) = hijri::to_gregorian(h, m, d) {
                    if s.year() == y {
                        out.extend(span(Some(s), len));
                    }
                }
            }
            out
        }
        Rule::LastFridayRamadan => {
            let mut out = Vec::new();
            let Some(hy) = ymd(y, 1, 1).and_then(hijri::from_gregorian).map(|h| h.year) else {
                return out;
            };
            for h in [hy, hy + 1] {
                if let Some((_, e)) = hijri::month_bounds(h, 9) {
                    let off = (e.weekday().number_from_monday() as i64 - 5).rem_euclid(7);
                    if let Some(f) = add_days(e, -off) {
                        if f.year() == y {
                            out.push((f, f));
                        }
                    }
                }
            }
            out
        }
        Rule::Hebrew(m, d, len) => {
            // Tishrei–Elul of AM year y+3761 starts in the autumn of y
            let am = if m <= 4 { y + 3761 } else { y + 3760 };
            let mut out = Vec::new();
            for a in [am, am + 1] {
                let s = hijri::hebrew_to_gregorian(a, m, false, d).and_then(|x| add_days(x, -1));
                if let Some(s) = s.filter(|s| s.year() == y) {
                    out.extend(span(Some(s), len));
                }
            }
            out
        }
        Rule::Lunar(m, t, kala, off, len) => span(
            hindu::lunar_day(y, m, t, kala).and_then(|d| add_days(d, off)),
            len,
        ),
        Rule::Sankranti(sign, off) => one(hindu::sankranti(y, sign).and_then(|d| add_days(d, off))),
        Rule::Onam => one(hindu::onam(y)),
        Rule::TishaBav => {
            let d = hijri::hebrew_to_gregorian(y + 3760, 11, false, 9).map(|d| {
                if d.weekday().number_from_monday() == 6 {
                    d
                } else {
                    d.pred_opt().unwrap_or(d)
                }
            });
            one(d)
        }
        Rule::YomHaatzmaut => {
            let d = hijri::hebrew_to_gregorian(y + 3760, 8, false, 5).map(|d| {
                match d.weekday().number_from_monday() {
                    5 => add_days(d, -1),
                    6 => add_days(d, -2),
                    1 => add_days(d, 1),
                    _ => Some(d),
                }
            });
            one(d.flatten().and_then(|d| add_days(d, -1)))
        }
    }
}

impl Ctx<'_, '_> {
    /// Words of the text from token `i`, skipping apostrophes, hyphens and
    /// dots, matched against `name`; the end token on success.
    fn match_words(&self, i: usize, name: &str) -> Option<usize> {
        let mut j = i;
        for w in name.split(' ') {
            // hyphens and dots anywhere; an apostrophe only inside a word ("b'av", "boss's")
            while j > i
                && (self.punct(j, &['-', '.'])
                    || (self.punct(j, &['\'', '’']) && !self.has_space_before(j + 1)))
            {
                j += 1;
            }
            if self.full(j) != w {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The names starting with each first word, with their rules, in table order.
    fn names_by_first() -> &'static HashMap<&'static str, Vec<(&'static str, Rule)>> {
        static BY_FIRST: OnceLock<HashMap<&'static str, Vec<(&'static str, Rule)>>> =
            OnceLock::new();
        BY_FIRST.get_or_init(|| {
            let mut m: HashMap<&'static str, Vec<(&'static str, Rule)>> = HashMap::new();
            for (names, rule) in NAMES {
                for n in *names {
                    if let Some(w) = n.split(' ').next() {
                        m.entry(w).or_default().push((n, *rule));
                    }
                }
            }
            m
        })
    }

    /// Whether a holiday name starts at token `i`.
    pub(super) fn holiday_starts(&self, i: usize) -> bool {
        let w = self.full(i);
        !w.is_empty() && Self::names_by_first().contains_key(w)
    }

    /// A year written in words: "two thousand ten", "two thousand and eighteen".
    fn words_year(&self, k: usize) -> Option<(usize, i32)> {
        if self.full(k) != "two" || self.full(k + 1) != "thousand" {
            return None;
        }
        let mut j = k + 2;
        if self.is(j, Lex::And) {
            j += 1;
        }
        match self.lex(j) {
            Lex::NumWord(n) if n < 100 => {
                let mut v = n as i32;
                let mut e = j + 1;
                if n >= 20 && n % 10 == 0 {
                    let mut h = e;
                    if self.punct(h, &['-']) {
                        h += 1;
                    }
                    if let Lex::NumWord(u) = self.lex(h) {
                        if (1..=9).contains(&u) {
                            v += u as i32;
                            e = h + 1;
                        }
                    }
                }
                Some((e, 2000 + v))
            }
            _ => Some((k + 2, 2000)),
        }
    }

    /// "3 years", "a year", "nine months": (end, amount, unit).
    fn small_amount(&self, k: usize) -> Option<(usize, i32, Unit)> {
        let n = if let Some((n, nd)) = self.num(k) {
            if nd > 2 {
                return None;
            }
            n as i32
        } else if matches!(self.full(k), "a" | "an" | "one") {
            1
        } else if let Lex::NumWord(n) = self.lex(k) {
            n as i32
        } else {
            return None;
        };
        match self.lex(k + 1) {
            Lex::Unit(u @ (Unit::Year | Unit::Month | Unit::Week | Unit::Day), _) => {
                Some((k + 2, n, u))
            }
            _ => None,
        }
    }

    /// The publication day moved by `n` units (days for any unit under a week).
    pub(super) fn shift(&self, n: i32, u: Unit) -> Option<NaiveDate> {
        match u {
            Unit::Year => add_months(self.published, 12 * n),
            Unit::Month => add_months(self.published, n),
            Unit::Week => add_days(self.published, 7 * n as i64),
            _ => add_days(self.published, n as i64),
        }
    }

    /// English holidays with an optional year or relative year.
    pub(super) fn p_holiday_en(&mut self, i: usize) -> Match {
        if !self.en {
            return None;
        }
        // last / next / this
        let (rel, start) = match self.lex(i) {
            Lex::Rel(r) if r != 0 => (r, i + 1),
            Lex::This | Lex::Rel(0) => (0, i + 1),
            _ => (0, i),
        };
        let cands = Self::names_by_first().get(self.full(start))?;
        let mut best: Option<(usize, Rule)> = None;
        for &(name, rule) in cands {
            if let Some(k) = self.match_words(start, name) {
                if best.is_none_or(|b| k > b.0) {
                    best = Some((k, rule));
                }
            }
        }
        let (mut k, rule) = best?;
        // the year: explicit, relative, or shifted by an amount
        let mut year: Option<i32> = None;
        let mut at: Option<NaiveDate> = None;
        let k0 = k;
        if self.is(k, Lex::Of) || self.is(k, Lex::In) {
            k += 1;
        }
        if let Some((k2, y, _)) = self.year_part(k, false).filter(|x| x.1 > 1000) {
            year = Some(y);
            k = k2;
        } else if let Some((k2, y)) = self.words_year(k) {
            year = Some(y);
            k = k2;
        } else if let Some((k2, v)) = self.p_era_year(k) {
            // "the ides of March in 44 BC"
            year = v.start.map(|d| d.year());
            k = k2;
        } else if let (Lex::Rel(r), Lex::Unit(Unit::Year, _)) = (self.lex(k), self.lex(k + 1)) {
            year = Some(self.published.year() + r as i32);
            k += 2;
        } else if let (Lex::This, Lex::Unit(Unit::Year, _)) = (self.lex(k), self.lex(k + 1)) {
            year = Some(self.published.year());
            k += 2;
        } else if let Some((k2, n, u)) = self.small_amount(k) {
            // "in 3 years", "3 months ago", "six years hence", "9 months from now"
            let intro_in = k > k0 && self.is(k0, Lex::In);
            if intro_in {
                at = self.shift(n, u);
                k = k2;
            } else if self.is(k2, Lex::Ago) {
                at = self.shift(-n, u);
                k = k2 + 1;
            } else if self.full(k2) == "hence" {
                at = self.shift(n, u);
                k = k2 + 1;
            } else if self.full(k2) == "from" && self.is(k2 + 1, Lex::Now) {
                at = self.shift(n, u);
                k = k2 + 2;
            } else {
                k = k0;
            }
        } else {
            k = k0;
        }
        if let Some(d) = at {
            year = Some(d.year());
        }
        let pick = |v: Vec<(NaiveDate, NaiveDate)>| v.into_iter().next();
        let (s, e) = if let Some(y) = year {
            pick(occurrences(rule, y))?
        } else {
            let y = self.published.year();
            let all: Vec<(NaiveDate, NaiveDate)> = (y - 1..=y + 1)
                .flat_map(|yy| occurrences(rule, yy))
                .collect();
            let prev = all.iter().rev().find(|o| o.0 < self.published).copied();
            let next = all.iter().find(|o| o.1 >= self.published).copied();
            let this = all.iter().find(|o| o.0.year() == y).copied();
            let dir = if rel != 0 {
                rel
            } else if self.tense < 0 {
                -1
            } else if self.tense > 0 || !self.long {
                1
            } else {
                0
            };
            match dir {
                -1 => prev?,
                1 => next?,
                _ => this.or(next)?,
            }
        };
        let v = if s == e {
            day_val(s)
        } else {
            TimeValue::date(
                s,
                e,
                Precision::Day,
                format!("{}/{}", format_date(s), format_date(e)),
            )
        };
        Some((k, v))
    }
}

impl Ctx<'_, '_> {
    /// Holidays: عيد الفطر, عيد الأضحى, عيد الميلاد, رأس السنة الهجرية, Christmas, Easter, رمضان 2019.
    pub(super) fn p_holiday(&mut self, i: usize) -> Match {
        let w = self.w(i);
        let (k, kind) = if w == "عيد" {
            match self.w(i + 1) {
                "الفطر" => (i + 2, 1),
                "الاضحي" => (i + 2, 2),
                "الميلاد" => (i + 2, 3),
                "الفصح" => (i + 2, 4),
                _ => return None,
            }
        } else if w == "كريسماس" || w == "الكريسماس" || (self.en && w == "christmas")
        {
            (i + 1, 3)
        } else if self.en && w == "easter" {
            (i + 1, 4)
        } else if self.en && matches!(w, "xmas" | "halloween" | "valentine" | "thanksgiving") {
            let k = match w {
                "valentine" => {
                    if self.punct(i + 1, &['\'', '’']) {
                        i + 4
                    } else {
                        i + 2
                    }
                }
                _ => i + 1,
            };
            let k = if w == "thanksgiving" && self.is(k, Lex::Unit(Unit::Day, Cnt::One)) {
                k + 1
            } else {
                k
            };
            (
                k,
                match w {
                    "xmas" => 3,
                    "halloween" => 8,
                    "valentine" => 9,
                    _ => 10,
                },
            )
        } else if self.en
            && w == "new"
            && (self.is(i + 1, Lex::Unit(Unit::Year, Cnt::One)) || self.full(i + 1) == "years")
        {
            let mut k = i + 2;
            if self.punct(k, &['\'', '’']) {
                k += 2;
            }
            match self.full(k) {
                "eve" => (k + 1, 11),
                "day" => (k + 1, 12),
                _ => return None,
            }
        } else if self.en && (w == "eid") {
            let mut k = i + 1;
            if self.full(k) == "al" {
                k += 1;
            }
            if self.punct(k, &['-']) {
                k += 1;
            }
            match self.full(k) {
                "fitr" => (k + 1, 1),
                "adha" => (k + 1, 2),
                _ => return None,
            }
        } else if self.en && w == "ramadan" && self.num(i + 1).is_some_and(|(_, nd)| nd == 4) {
            (i + 1, 7)
        } else if w == "راس" && self.w(i + 1) == "السنه" {
            if self.w(i + 2) == "الهجريه" {
                (i + 3, 5)
            } else {
                (i + 2, 6)
            }
        } else if matches!(self.lex(i), Lex::HMonthWeak(9))
            && self.num(i + 1).is_some_and(|(_, nd)| nd == 4)
        {
            (i + 1, 7)
        } else {
            return None;
        };
        let (k, y) = match self.year_part(k, false) {
            Some((k2, y, _)) if y > 1700 => (k2, y),
            _ => (k, self.published.year()),
        };
        let v = match kind {
            1 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 10)?, 10, 1)?),
            2 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 12)?, 12, 10)?),
            3 => day_val(ymd(y, 12, 25)?),
            4 => day_val(hijri::easter(y)?),
            5 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 1)?, 1, 1)?),
            6 => day_val(ymd(y, 1, 1)?),
            8 => day_val(ymd(y, 10, 31)?),
            9 => day_val(ymd(y, 2, 14)?),
            10 => {
                let nov1 = ymd(y, 11, 1)?;
                let first_thu = add_days(
                    nov1,
                    (4 - nov1.weekday().number_from_monday() as i64).rem_euclid(7),
                )?;
                day_val(add_days(first_thu, 21)?)
            }
            11 => day_val(ymd(y, 12, 31)?),
            12 => day_val(ymd(y + 1, 1, 1)?),
            _ => {
                let (s, e) = hijri::month_bounds(hijri::hijri_year_for(y, 9)?, 9)?;
                TimeValue::date(
                    s,
                    e,
                    Precision::Month,
                    format!("{}/{}", format_date(s), format_date(e)),
                )
            }
        };
        Some((k, v))
    }
}
