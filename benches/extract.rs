//! Throughput of the extraction engine over generated news-like text
//! (Arabic and English, written for this benchmark). Target: ≥ 5 MB/s per core.
//!
//! Run: `cargo bench --bench extract`.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tarikh::extract::{extract, Lang};

const AR: &[&str] = &[
    "أعلنت وزارة الخارجية في بيان، أمس الخميس، عن بدء جولة جديدة من المحادثات مع الوفد الزائر.",
    "وقبل أيام، نقلت صحيفة محلية عن مصادر مطلعة أن الحكومة تدرس خطة لإعادة الإعمار.",
    "ومطلع العام الجاري، أكد رئيس الوزراء أن البلاد لا تحتاج إلى قوات أجنبية.",
    "وفي نهاية كانون الأول/ديسمبر 2023، كشف مسؤول عسكري عن تعرض قاعدة لـ 12 هجوما خلال شهر.",
    "وتأسس المجلس في أيلول/سبتمبر 2014، ويضم 40 عضوا، ويوجد في المنطقة نحو 900 جندي.",
    "وقال المتحدث إن الاجتماع سيعقد في 15 آذار 2024 بحضور ممثلين عن الأمم المتحدة.",
    "وتواصلت الاشتباكات منذ 17 أكتوبر/تشرين الأول 2023 في عدة مدن، بحسب ناشطين.",
    "ودعا المجلس إلى تطبيق القرار 2254، مشيرا إلى أن الحل السياسي هو الطريق الوحيد.",
];

const EN: &[&str] = &[
    "The foreign ministry said on Thursday that a new round of talks would begin next week.",
    "Two years ago, the council adopted Resolution 2254, officials recalled.",
    "In early 2011 the movement spread to several cities, and by late December 2023 about 2,500 troops remained.",
    "The coalition was founded in September 2014 and has 85 members, according to its website.",
    "Prices rose 3 percent last month and are expected to fall in the first quarter of 2025.",
    "Since October 17, 2023, at least 61 attacks have been reported against the bases.",
    "The minister met his counterpart in Baghdad on January 25, 2024, the agency reported.",
    "Negotiators may meet again in May, a spokesman told reporters on Friday.",
];

fn corpus(lines: &[&str], bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 256);
    let mut i = 0usize;
    while s.len() < bytes {
        s.push_str(lines[i % lines.len()]);
        s.push(if i % 5 == 4 { '\n' } else { ' ' });
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let published = NaiveDate::from_ymd_opt(2024, 1, 26).unwrap();
    // articles of about 4 KB, as in news
    let ar: Vec<String> = (0..64).map(|_| corpus(AR, 4096)).collect();
    let en: Vec<String> = (0..64).map(|_| corpus(EN, 4096)).collect();
    let _ = tarikh::extract::gazetteer();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(ar.iter().map(|s| s.len() as u64).sum()));
    g.bench_function("arabic_news", |b| {
        b.iter(|| {
            for a in &ar {
                black_box(extract(black_box(a), published, Lang::Ar));
            }
        })
    });
    g.throughput(Throughput::Bytes(en.iter().map(|s| s.len() as u64).sum()));
    g.bench_function("english_news", |b| {
        b.iter(|| {
            for a in &en {
                black_box(extract(black_box(a), published, Lang::En));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
