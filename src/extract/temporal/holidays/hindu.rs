//! A small Hindu lunisolar calendar (amanta months, Lahiri ayanamsa) for
//! festival dates: the Sun and Moon longitudes come from truncated series
//! (the main terms of the lunar theory, accurate to a few hundredths of a
//! degree), a tithi is a 12° step of the Moon's elongation, and a lunar month
//! is named after the sidereal sign the Sun is in at the new moon that starts
//! it (Sun in Pisces → Chaitra). Times are taken for India (UTC+5:30).
//!
//! A festival is a tithi of a month, observed on the day the tithi holds at
//! a given time of day (sunrise, midday, afternoon, evening or midnight), or
//! a solar event (the Sun entering a sign: Makar Sankranti, Vaisakhi).
//!
//! Used by `holidays.rs` for Hindu, Sikh and Buddhist days; cases in
//! `tests/cases/timex/holidays_en.toml`.

use chrono::{Datelike, NaiveDate};

fn sin_d(x: f64) -> f64 {
    x.to_radians().sin()
}

/// Julian centuries since J2000.0 for a day and a UTC hour.
fn centuries(d: NaiveDate, hour_utc: f64) -> f64 {
    let j2000 = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let days = (d - j2000).num_days() as f64 + (hour_utc - 12.0) / 24.0;
    days / 36525.0
}

/// Apparent tropical longitude of the Sun, degrees.
fn sun_lon(t: f64) -> f64 {
    let l0 = 280.46646 + 36000.76983 * t;
    let m = 357.52911 + 35999.05029 * t;
    let c = (1.914602 - 0.004817 * t) * sin_d(m)
        + 0.019993 * sin_d(2.0 * m)
        + 0.000289 * sin_d(3.0 * m);
    let omega = 125.04 - 1934.136 * t;
    (l0 + c - 0.00569 - 0.00478 * sin_d(omega)).rem_euclid(360.0)
}

/// Tropical longitude of the Moon, degrees (main periodic terms).
fn moon_lon(t: f64) -> f64 {
    let lp = 218.3164477 + 481267.88123421 * t;
    let d = 297.8501921 + 445267.1114034 * t;
    let m = 357.5291092 + 35999.0502909 * t;
    let mp = 134.9633964 + 477198.8675055 * t;
    let f = 93.2720950 + 483202.0175233 * t;
    // (D, M, M', F, coefficient in 1e-6 degree)
    const TERMS: &[(f64, f64, f64, f64, f64)] = &[
        (0.0, 0.0, 1.0, 0.0, 6288774.0),
        (2.0, 0.0, -1.0, 0.0, 1274027.0),
        (2.0, 0.0, 0.0, 0.0, 658314.0),
        (0.0, 0.0, 2.0, 0.0, 213618.0),
        (0.0, 1.0, 0.0, 0.0, -185116.0),
        (0.0, 0.0, 0.0, 2.0, -114332.0),
        (2.0, 0.0, -2.0, 0.0, 58793.0),
        (2.0, -1.0, -1.0, 0.0, 57066.0),
        (2.0, 0.0, 1.0, 0.0, 53322.0),
        (2.0, -1.0, 0.0, 0.0, 45758.0),
        (0.0, 1.0, -1.0, 0.0, -40923.0),
        (1.0, 0.0, 0.0, 0.0, -34720.0),
        (0.0, 1.0, 1.0, 0.0, -30383.0),
        (2.0, 0.0, 0.0, -2.0, 15327.0),
        (0.0, 0.0, 1.0, 2.0, -12528.0),
        (0.0, 0.0, 1.0, -2.0, 10980.0),
        (4.0, 0.0, -1.0, 0.0, 10675.0),
        (0.0, 0.0, 3.0, 0.0, 10034.0),
        (4.0, 0.0, -2.0, 0.0, 8548.0),
        (2.0, 1.0, -1.0, 0.0, -7888.0),
        (2.0, 1.0, 0.0, 0.0, -6766.0),
        (1.0, 0.0, -1.0, 0.0, -5163.0),
        (1.0, 1.0, 0.0, 0.0, 4987.0),
        (2.0, -1.0, 1.0, 0.0, 4036.0),
    ];
    let sum: f64 = TERMS
        .iter()
        .map(|&(cd, cm, cmp, cf, c)| c * sin_d(cd * d + cm * m + cmp * mp + cf * f))
        .sum();
    (lp + sum / 1e6).rem_euclid(360.0)
}

/// Lahiri ayanamsa, degrees (linear approximation, good for 1900–2100).
fn ayanamsa(t: f64) -> f64 {
    23.853 + 1.3969 * t
}

fn elongation(t: f64) -> f64 {
    (moon_lon(t) - sun_lon(t)).rem_euclid(360.0)
}

/// Tithi 1–30 (1–15 bright fortnight, 15 full moon, 30 new moon).
fn tithi(t: f64) -> u8 {
    (elongation(t) / 12.0) as u8 + 1
}

fn sidereal_sun(t: f64) -> f64 {
    (sun_lon(t) - ayanamsa(t)).rem_euclid(360.0)
}

/// The new moon before (dir -1) or after (dir +1) time `t` (in centuries).
fn new_moon(t: f64, dir: f64) -> f64 {
    let per_century = 36525.0;
    let e = elongation(t);
    let mut x = if dir < 0.0 {
        t - e / 12.19 / per_century
    } else {
        t + (360.0 - e) / 12.19 / per_century
    };
    for _ in 0..4 {
        let mut e = elongation(x);
        if e > 180.0 {
            e -= 360.0;
        }
        x -= e / 12.19 / per_century;
    }
    x
}

/// The amanta month (1 = Chaitra … 12 = Phalguna) of time `t`, and whether it
/// is an intercalary (adhika) month.
fn lunar_month(t: f64) -> (u8, bool) {
    let a = new_moon(t, -1.0);
    let b = new_moon(t, 1.0);
    let ra = (sidereal_sun(a) / 30.0) as u8;
    let rb = (sidereal_sun(b) / 30.0) as u8;
    ((ra + 1) % 12 + 1, ra == rb)
}

/// Time of day a festival's tithi is checked, as a UTC hour.
#[derive(Clone, Copy)]
pub enum Kala {
    Sunrise,
    Midday,
    Afternoon,
    Evening,
    Midnight,
}

impl Kala {
    fn hour_utc(self) -> f64 {
        match self {
            Kala::Sunrise => 0.5,
            Kala::Midday => 6.5,
            Kala::Afternoon => 9.0,
            Kala::Evening => 13.0,
            Kala::Midnight => 18.5,
        }
    }
}

/// The day of Gregorian year `y` on which tithi `tithi` of amanta month
/// `month` holds at `kala` (the first such day; when the tithi falls between
/// two checks, the day it runs through).
pub fn lunar_day(y: i32, month: u8, tithi_no: u8, kala: Kala) -> Option<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(y, 1, 1)?;
    let h = kala.hour_utc();
    let mut prev = tithi(centuries(d.pred_opt()?, h));
    while d.year() == y {
        let t = centuries(d, h);
        let ti = tithi(t);
        let hit = ti == tithi_no || (prev != tithi_no && passes(prev, ti, tithi_no));
        if hit {
            let (m, adhika) = lunar_month(t);
            if m == month && !adhika {
                return Some(if ti == tithi_no { d } else { d.pred_opt()? });
            }
        }
        prev = ti;
        d = d.succ_opt()?;
    }
    None
}

/// Whether going from tithi `a` to `b` (one day later) skipped over `x`.
fn passes(a: u8, b: u8, x: u8) -> bool {
    let step = |v: u8| (v as i32 - a as i32).rem_euclid(30);
    let (sb, sx) = (step(b), step(x));
    sx > 0 && sx < sb && sb < 5
}

/// The day in Gregorian year `y` on which the Sun enters sidereal sign
/// `sign` (0 = Aries … 9 = Capricorn), counted in India; an entry after
/// sunset counts for the next day.
pub fn sankranti(y: i32, sign: u8) -> Option<NaiveDate> {
    let target = sign as f64 * 30.0;
    let mut d = NaiveDate::from_ymd_opt(y, 1, 1)?;
    // evening check (18:00 IST = 12:30 UTC): the day whose evening first has the Sun past the sign's start
    let past = |d: NaiveDate| (sidereal_sun(centuries(d, 12.5)) - target).rem_euclid(360.0) < 180.0;
    let mut before = past(d.pred_opt()?);
    while d.year() == y {
        let now = past(d);
        if now && !before {
            return Some(d);
        }
        before = now;
        d = d.succ_opt()?;
    }
    None
}

/// Onam (Thiruvonam): in the solar month of Leo, the day the Moon is in the
/// Shravana asterism at sunrise.
pub fn onam(y: i32) -> Option<NaiveDate> {
    let start = sankranti(y, 4)?;
    let mut d = start;
    for _ in 0..32 {
        let t = centuries(d, 0.5);
        let moon = (moon_lon(t) - ayanamsa(t)).rem_euclid(360.0);
        let nak = (moon / (360.0 / 27.0)) as u8;
        if nak == 21 {
            return Some(d);
        }
        d = d.succ_opt()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        // Ugadi 2018 (Chaitra, bright 1st), Diwali 2019 (Ashvin new moon, evening)
        assert_eq!(lunar_day(2018, 1, 1, Kala::Sunrise), d("2018-03-18"));
        assert_eq!(lunar_day(2019, 7, 30, Kala::Evening), d("2019-10-27"));
        assert_eq!(sankranti(2019, 9), d("2019-01-15"));
    }
}
