// i18n.js — every interface string of the Tarikh web app, in English and Arabic,
// and the helpers that pick the current language's string (t, kindName, ...).

const en = {
  appName: 'Tarikh',
  tagline: 'Timeline of events, with their sources',
  langToggle: 'العربية',
  langToggleLabel: 'Switch the interface to Arabic',
  filters: 'Filters',
  actors: 'Actors',
  actorHint: 'Any name or alias, in Arabic or English',
  actorPlaceholder: 'e.g. Iraq, العراق, ISIS…',
  removeActor: 'Remove {name}',
  suggestions: 'Actor suggestions',
  noSuggestions: 'No actor with that name',
  addAsName: 'Search by the name “{name}”',
  match: 'Events with',
  matchAny: 'any of these actors',
  matchAll: 'all of these actors',
  kinds: 'Kinds',
  text: 'Words',
  textPlaceholder: 'words in the title or summary',
  from: 'From',
  to: 'To',
  dateHint: 'YYYY, YYYY-MM or YYYY-MM-DD',
  badDate: 'Not a date: {value}',
  clearFilters: 'Clear all filters',
  overview: 'Overview',
  histogram: 'Events over time',
  histogramLabel: 'Histogram of {count} events from {from} to {to}, by {bucket}. Drag across it to zoom into a period.',
  histogramEmpty: 'No events to chart',
  resetZoom: 'Reset zoom',
  bucket_DAY: 'day', bucket_WEEK: 'week', bucket_MONTH: 'month', bucket_YEAR: 'year',
  eventsHeading: 'Events',
  count: '{count} events',
  countOne: '1 event',
  shown: 'showing {shown}',
  window: '{from} – {to}',
  wholeRange: 'all dates',
  loadMore: 'Load more',
  loading: 'Loading…',
  noEvents: 'No events match this selection.',
  error: 'Could not load: {message}',
  retry: 'Try again',
  download: 'Download',
  downloadCsv: 'CSV',
  downloadNdjson: 'NDJSON',
  downloadCsvLabel: 'Download the selection as CSV',
  downloadNdjsonLabel: 'Download the selection as NDJSON',
  exportNote: 'Downloads apply the dates, actors (any of them) and kinds, not the words or “all of these actors”.',
  close: 'Close',
  closeDetail: 'Close the event details',
  detail: 'Event details',
  when: 'When',
  kind: 'Kind',
  status: 'Status',
  confidence: 'Confidence',
  amount: 'Amount',
  where: 'Where',
  sources: 'Sources',
  sourcesCount: '{count} sources',
  sourcesOne: '1 source',
  noSources: 'No source sentence is stored for this event.',
  openArticle: 'Open the article',
  untitled: 'Untitled article',
  unknownOutlet: 'Unknown outlet',
  published: 'Published {date}',
  highlightKey: 'Highlighted: the words that date it and the event’s words.',
  whenMark: 'date words',
  whatMark: 'event words',
  actorsHeading: 'Actors',
  noActors: 'No actor is recorded.',
  wikidata: 'Wikidata {id}',
  revisions: 'History',
  noRevisions: 'No recorded change.',
  by: 'by {who}',
  approximate: 'approximate',
  approximateTitle: 'The source hedged this date',
  precision: 'to the {p}',
  outsideBefore: 'starts before the window',
  outsideAfter: 'ends after the window',
  live: 'Live',
  liveOn: 'Live updates on',
  liveOff: 'Live updates off, reconnecting…',
  liveConnecting: 'Connecting to live updates…',
  liveNew: '{n} new',
  liveChanged: '{n} changed',
  liveRemoved: '{n} removed',
  liveArrived: 'Just arrived: {what}.',
  eventGone: 'This event was deleted.',
  eventMerged: 'This event was merged into another one.',
  notFound: 'No event has this id.',
  skip: 'Skip to the events',
  bce: '{y} BCE',
  openEvent: 'Open: {title}',
};

const ar = {
  appName: 'تاريخ',
  tagline: 'خط زمني للأحداث مع مصادرها',
  langToggle: 'English',
  langToggleLabel: 'تحويل الواجهة إلى الإنجليزية',
  filters: 'التصفية',
  actors: 'الأطراف',
  actorHint: 'أي اسم أو تسمية أخرى، بالعربية أو الإنجليزية',
  actorPlaceholder: 'مثلاً: العراق، Iraq، داعش…',
  removeActor: 'إزالة {name}',
  suggestions: 'اقتراحات الأطراف',
  noSuggestions: 'لا طرف بهذا الاسم',
  addAsName: 'البحث بالاسم «{name}»',
  match: 'الأحداث التي فيها',
  matchAny: 'أيٌّ من هذه الأطراف',
  matchAll: 'كل هذه الأطراف',
  kinds: 'الأنواع',
  text: 'كلمات',
  textPlaceholder: 'كلمات في العنوان أو الملخص',
  from: 'من',
  to: 'إلى',
  dateHint: 'سنة، أو سنة-شهر، أو سنة-شهر-يوم',
  badDate: 'ليس تاريخاً: {value}',
  clearFilters: 'مسح كل عوامل التصفية',
  overview: 'نظرة عامة',
  histogram: 'الأحداث عبر الزمن',
  histogramLabel: 'مخطط {count} حدثاً من {from} إلى {to}، لكل {bucket}. اسحب عبره لتكبير فترة.',
  histogramEmpty: 'لا أحداث لرسمها',
  resetZoom: 'إلغاء التكبير',
  bucket_DAY: 'يوم', bucket_WEEK: 'أسبوع', bucket_MONTH: 'شهر', bucket_YEAR: 'سنة',
  eventsHeading: 'الأحداث',
  count: 'عدد الأحداث: {count}',
  countOne: 'حدث واحد',
  shown: 'المعروض: {shown}',
  window: '{from} – {to}',
  wholeRange: 'كل التواريخ',
  loadMore: 'عرض المزيد',
  loading: 'جارٍ التحميل…',
  noEvents: 'لا أحداث تطابق هذا الاختيار.',
  error: 'تعذّر التحميل: {message}',
  retry: 'إعادة المحاولة',
  download: 'تنزيل',
  downloadCsv: 'CSV',
  downloadNdjson: 'NDJSON',
  downloadCsvLabel: 'تنزيل الاختيار بصيغة CSV',
  downloadNdjsonLabel: 'تنزيل الاختيار بصيغة NDJSON',
  exportNote: 'يطبّق التنزيل التواريخ والأطراف (أيّاً منها) والأنواع، لا الكلمات ولا «كل هذه الأطراف».',
  close: 'إغلاق',
  closeDetail: 'إغلاق تفاصيل الحدث',
  detail: 'تفاصيل الحدث',
  when: 'متى',
  kind: 'النوع',
  status: 'الحالة',
  confidence: 'الثقة',
  amount: 'العدد',
  where: 'المكان',
  sources: 'المصادر',
  sourcesCount: 'عدد المصادر: {count}',
  sourcesOne: 'مصدر واحد',
  noSources: 'لا توجد جملة مصدر محفوظة لهذا الحدث.',
  openArticle: 'فتح المقال',
  untitled: 'مقال بلا عنوان',
  unknownOutlet: 'وسيلة غير معروفة',
  published: 'نُشر في {date}',
  highlightKey: 'المظلَّل: الكلمات التي حدّدت التاريخ وكلمات الحدث.',
  whenMark: 'كلمات التاريخ',
  whatMark: 'كلمات الحدث',
  actorsHeading: 'الأطراف',
  noActors: 'لا طرف مسجّل.',
  wikidata: 'ويكي بيانات {id}',
  revisions: 'السجل',
  noRevisions: 'لا تعديل مسجّل.',
  by: 'بواسطة {who}',
  approximate: 'تقريبي',
  approximateTitle: 'المصدر لم يجزم بهذا التاريخ',
  precision: 'بدقة {p}',
  outsideBefore: 'يبدأ قبل الفترة المعروضة',
  outsideAfter: 'ينتهي بعد الفترة المعروضة',
  live: 'مباشر',
  liveOn: 'التحديث المباشر يعمل',
  liveOff: 'التحديث المباشر متوقف، جارٍ إعادة الاتصال…',
  liveConnecting: 'جارٍ الاتصال بالتحديث المباشر…',
  liveNew: 'جديدة: {n}',
  liveChanged: 'معدّلة: {n}',
  liveRemoved: 'محذوفة: {n}',
  liveArrived: 'وصل للتو: {what}.',
  eventGone: 'حُذف هذا الحدث.',
  eventMerged: 'دُمج هذا الحدث في حدث آخر.',
  notFound: 'لا حدث بهذا المعرّف.',
  skip: 'الانتقال إلى الأحداث',
  bce: '{y} ق.م',
  openEvent: 'فتح: {title}',
};

const KINDS = {
  STATEMENT: ['Statement', 'تصريح'], ATTACK: ['Attack', 'هجوم'], FOUNDING: ['Founding', 'تأسيس'],
  WITHDRAWAL: ['Withdrawal', 'انسحاب'], DEPLOYMENT: ['Deployment', 'انتشار'], AGREEMENT: ['Agreement', 'اتفاق'],
  NEGOTIATION: ['Negotiation', 'مفاوضات'], MEETING: ['Meeting', 'اجتماع'], ELECTION: ['Election', 'انتخابات'],
  DEATH: ['Death', 'وفاة'], ARREST: ['Arrest', 'اعتقال'], REPORT: ['Report', 'تقرير'], OTHER: ['Other', 'أخرى'],
};
const ROLES = { AGENT: ['did it', 'فاعل'], TARGET: ['target', 'مستهدَف'], MENTIONED: ['mentioned', 'مذكور'] };
const PLACE_ROLES = { WHERE: ['', ''], ORIGIN: ['from', 'من'], DESTINATION: ['to', 'إلى'] };
const PRECISIONS = {
  DAY: ['day', 'اليوم'], WEEK: ['week', 'الأسبوع'], MONTH: ['month', 'الشهر'], QUARTER: ['quarter', 'ربع السنة'],
  SEASON: ['season', 'الفصل'], YEAR: ['year', 'السنة'], DECADE: ['decade', 'العقد'], CENTURY: ['century', 'القرن'],
};
const STATUSES = { EXTRACTED: ['extracted, not reviewed', 'مستخرَج، لم يُراجَع'], CONFIRMED: ['confirmed', 'مؤكَّد'], REJECTED: ['rejected', 'مرفوض'] };
const QUALIFIERS = { AT_LEAST: ['at least', 'ما لا يقل عن'], MORE_THAN: ['more than', 'أكثر من'], ABOUT: ['about', 'نحو'], AT_MOST: ['up to', 'حتى'] };
const ACTIONS = {
  create: ['created', 'إنشاء'], update: ['updated', 'تعديل'], merge: ['merged', 'دمج'], split: ['split', 'فصل'],
  reextract: ['re-extracted', 'إعادة استخراج'], delete: ['deleted', 'حذف'],
};

export const KIND_NAMES = Object.keys(KINDS);
const DICT = { en, ar };
let current = 'en';

export function setLang(lang) { current = lang === 'ar' ? 'ar' : 'en'; }
export function getLang() { return current; }

/** The current language's string for `key`, with `{name}` placeholders filled. */
export function t(key, params = {}) {
  const s = DICT[current][key] ?? en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
}

const pick = (table, key) => (table[key] ? table[key][current === 'ar' ? 1 : 0] : String(key ?? '').toLowerCase());
export const kindName = (k) => pick(KINDS, k);
export const roleName = (r) => pick(ROLES, r);
export const placeRoleName = (r) => pick(PLACE_ROLES, r);
export const precisionName = (p) => pick(PRECISIONS, p);
export const statusName = (s) => pick(STATUSES, s);
export const actionName = (a) => pick(ACTIONS, a);
export const qualifierName = (q) => pick(QUALIFIERS, q);

/** An actor's name in the interface language, falling back to the other one. */
export function actorName(a) {
  if (!a) return '';
  return current === 'ar' ? (a.nameAr || a.name) : (a.name || a.nameAr || '');
}

/** A count phrase: "1 event" / "12 events". */
export function countPhrase(n, one, many) { return n === 1 ? t(one) : t(many, { count: n }); }

/** Locale for Intl formatting: Arabic with Latin digits, like the server's date labels. */
export function locale() { return current === 'ar' ? 'ar-u-nu-latn' : 'en-GB'; }
