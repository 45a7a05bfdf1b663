//! Places: the gazetteer shipped in `data/places.json` (built by
//! `tools/places/build.py` from GeoNames and CLDR, see `data/PLACES.md`),
//! the vocabulary of place kinds and roles, and the geometry of the
//! filters (distance, boxes). Pure: the file is compiled in.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::normalize::normalize_name;
use super::vocabulary;
use super::EventFilter;

vocabulary! {
    /// What kind of place.
    PlaceKind { Country => "country", Region => "region", City => "city", Site => "site" }
}

vocabulary! {
    /// The part a place plays in an event: where it happened, or where a
    /// movement (a withdrawal, a deployment, people fleeing) left from or went to.
    PlaceRole { Where => "where", Origin => "origin", Destination => "destination" }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Place {
    pub id: i64,
    pub kind: PlaceKind,
    pub name: String,
    pub name_ar: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub cc: String,
    /// The region or country that contains it.
    pub parent: Option<i64>,
    /// A representative point: the city itself, a region's seat, the
    /// population-weighted mean of a country's cities.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geonames: Option<i64>,
    pub wikidata: Option<String>,
    #[serde(default)]
    pub population: i64,
    #[serde(default)]
    pub aliases_en: Vec<String>,
    #[serde(default)]
    pub aliases_ar: Vec<String>,
    /// False when the name is also a word or another place's name: the
    /// name is shown but never matched in text.
    #[serde(default = "yes")]
    pub match_name: bool,
    #[serde(default = "yes")]
    pub match_name_ar: bool,
}

fn yes() -> bool {
    true
}

const DATA: &str = include_str!("../../data/places.json");

/// The compiled gazetteer: places in file order, by id and by name.
pub struct Places {
    places: Vec<Place>,
    /// Per place, the keys of its names ([`place_key`]).
    keys: Vec<Vec<String>>,
    by_id: HashMap<i64, u32>,
    by_name: HashMap<String, Vec<u32>>,
    /// The places directly inside each place.
    children: HashMap<i64, Vec<u32>>,
    /// Problems met while loading; empty when all is well.
    pub problems: Vec<String>,
}

impl Places {
    /// Builds the gazetteer from the JSON text of `data/places.json`.
    pub fn from_json(json: &str) -> Places {
        let mut problems = vec![];
        let places: Vec<Place> = serde_json::from_str(json).unwrap_or_else(|e| {
            problems.push(format!("places.json: {e}"));
            vec![]
        });
        let mut by_id = HashMap::with_capacity(places.len());
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
        let mut keys = Vec::with_capacity(places.len());
        for (i, p) in places.iter().enumerate() {
            if by_id.insert(p.id, i as u32).is_some() {
                problems.push(format!("place id {} twice", p.id));
            }
            let mut ks: Vec<String> = p.names().map(place_key).collect();
            ks.sort();
            ks.dedup();
            for k in &ks {
                by_name.entry(k.clone()).or_default().push(i as u32);
            }
            keys.push(ks);
        }
        let mut children: HashMap<i64, Vec<u32>> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if let Some(parent) = p.parent {
                if !by_id.contains_key(&parent) {
                    problems.push(format!("{}: no parent {parent}", p.name));
                }
                children.entry(parent).or_default().push(i as u32);
            }
        }
        Places {
            places,
            keys,
            by_id,
            by_name,
            children,
            problems,
        }
    }

    pub fn all(&self) -> &[Place] {
        &self.places
    }

    pub fn get(&self, id: i64) -> Option<&Place> {
        self.by_id.get(&id).map(|&i| &self.places[i as usize])
    }

    /// The places a name designates in any language, the most important
    /// first (countries, regions, then cities by population).
    pub fn lookup(&self, name: &str) -> Vec<&Place> {
        let mut v: Vec<&Place> = self
            .by_name
            .get(&place_key(name))
            .into_iter()
            .flatten()
            .map(|&i| &self.places[i as usize])
            .collect();
        v.sort_by_key(|p| (p.kind, -p.population, p.id));
        v
    }

    /// `id` and its parents, innermost first (bounded by the depth of the file).
    pub fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = vec![];
        let mut cur = Some(id);
        while let Some(c) = cur {
            if out.contains(&c) || out.len() > 8 {
                break;
            }
            out.push(c);
            cur = self.get(c).and_then(|p| p.parent);
        }
        out
    }

    /// The ids of `ids` and of every place inside one of them, sorted: a
    /// walk down the parent links, in time proportional to the answer.
    pub fn with_descendants(&self, ids: &[i64]) -> Vec<i64> {
        let mut out: Vec<i64> = ids.to_vec();
        let mut todo: Vec<i64> = ids.to_vec();
        let mut seen: std::collections::HashSet<i64> = ids.iter().copied().collect();
        while let Some(id) = todo.pop() {
            for &c in self.children.get(&id).into_iter().flatten() {
                let c = self.places[c as usize].id;
                if seen.insert(c) {
                    out.push(c);
                    todo.push(c);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// The places whose point `keep` accepts, sorted by id.
    pub fn ids_where(&self, keep: impl Fn(f64, f64) -> bool) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .places
            .iter()
            .filter(|p| matches!((p.lat, p.lon), (Some(a), Some(o)) if keep(a, o)))
            .map(|p| p.id)
            .collect();
        out.sort_unstable();
        out
    }

    /// Places with a name or alias a word of which starts with `prefix`
    /// (normalized, with or without the Arabic article), exact names
    /// first, then the most important; at most `limit`.
    pub fn search(&self, prefix: &str, limit: usize) -> Vec<&Place> {
        let key = place_key(prefix);
        if key.is_empty() {
            return vec![];
        }
        let bare = key.strip_prefix("ال").unwrap_or(&key);
        let word_hit = |k: &String| {
            k.starts_with(&key)
                || k.split([' ', '-']).any(|w| {
                    w.starts_with(&key) || w.strip_prefix("ال").is_some_and(|w| w.starts_with(bare))
                })
        };
        let mut hits: Vec<(bool, &Place)> = self
            .places
            .iter()
            .zip(&self.keys)
            .filter(|(_, ks)| ks.iter().any(word_hit))
            .map(|(p, ks)| (ks.contains(&key), p))
            .collect();
        hits.sort_by_key(|(exact, p)| (!exact, p.kind, -p.population, p.id));
        hits.into_iter().take(limit).map(|(_, p)| p).collect()
    }

    /// Whether `inner` lies inside `outer` (or is it).
    pub fn within(&self, inner: i64, outer: i64) -> bool {
        self.ancestors(inner).contains(&outer)
    }
}

impl Place {
    /// Every name and alias, English then Arabic.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.name_ar.as_deref())
            .chain(self.aliases_en.iter().map(String::as_str))
            .chain(self.aliases_ar.iter().map(String::as_str))
    }
}

/// The lookup key of a place name: [`normalize_name`] without Latin
/// accents ("Tikrīt" is "tikrit").
pub fn place_key(name: &str) -> String {
    normalize_name(name)
        .nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
        .collect()
}

/// A digest of the shipped gazetteer (FNV-1a of the file): the store
/// refills its copy when it changes.
pub fn digest() -> String {
    let h = DATA.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}-{}", DATA.len())
}

/// The gazetteer of `data/places.json`, compiled once.
pub fn places() -> &'static Places {
    static P: OnceLock<Places> = OnceLock::new();
    P.get_or_init(|| Places::from_json(DATA))
}

/// The place ids a filter accepts: those it names and everything inside
/// them, intersected with those in its box and its circle; `None` when it
/// says nothing of places.
pub fn filter_ids(f: &EventFilter) -> Result<Option<Vec<i64>>, String> {
    if f.places.is_empty() && f.near.is_none() && f.bbox.is_none() {
        return Ok(None);
    }
    let g = places();
    let mut set: Option<Vec<i64>> = None;
    if !f.places.is_empty() {
        let mut named = vec![];
        for n in &f.places {
            let by_id = n.trim().parse::<i64>().ok().and_then(|i| g.get(i));
            let found: Vec<i64> = match by_id {
                Some(p) => vec![p.id],
                None => g.lookup(n).iter().map(|p| p.id).collect(),
            };
            if found.is_empty() {
                return Err(format!(
                    "no place is named {n:?}: places(search: …) lists the places Tarikh knows"
                ));
            }
            named.extend(found);
        }
        set = Some(g.with_descendants(&named));
    }
    let keep = |ids: Vec<i64>, set: Option<Vec<i64>>| match set {
        None => ids,
        Some(s) => ids
            .into_iter()
            .filter(|i| s.binary_search(i).is_ok())
            .collect(),
    };
    if let Some(b) = f.bbox {
        set = Some(keep(g.ids_where(|lat, lon| b.contains(lat, lon)), set));
    }
    if let Some(n) = f.near {
        set = Some(keep(g.ids_where(|lat, lon| n.contains(lat, lon)), set));
    }
    Ok(set)
}

/// Mean Earth radius in kilometres.
const EARTH_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres (haversine).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_KM * a.sqrt().min(1.0).asin()
}

/// A box on the map, in degrees; `west > east` crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BBox {
    /// Checks the bounds: latitudes in [-90, 90] with south ≤ north,
    /// longitudes in [-180, 180].
    pub fn new(south: f64, west: f64, north: f64, east: f64) -> Result<BBox, String> {
        let lat = |x: f64| x.is_finite() && (-90.0..=90.0).contains(&x);
        let lon = |x: f64| x.is_finite() && (-180.0..=180.0).contains(&x);
        if !(lat(south) && lat(north) && lon(west) && lon(east)) {
            return Err("a box needs latitudes in [-90, 90] and longitudes in [-180, 180]".into());
        }
        if south > north {
            return Err(format!("south ({south}) is north of north ({north})"));
        }
        Ok(BBox {
            south,
            west,
            north,
            east,
        })
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let in_lon = if self.west <= self.east {
            (self.west..=self.east).contains(&lon)
        } else {
            lon >= self.west || lon <= self.east
        };
        (self.south..=self.north).contains(&lat) && in_lon
    }
}

/// A circle on the map: `radius_km` around a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

/// The widest circle a filter may draw: half the Earth's circumference.
pub const MAX_RADIUS_KM: f64 = 20_016.0;

impl Near {
    pub fn new(lat: f64, lon: f64, radius_km: f64) -> Result<Near, String> {
        let lat_ok = lat.is_finite() && (-90.0..=90.0).contains(&lat);
        let lon_ok = lon.is_finite() && (-180.0..=180.0).contains(&lon);
        if !(lat_ok && lon_ok) {
            return Err("near needs a latitude in [-90, 90] and a longitude in [-180, 180]".into());
        }
        if !(radius_km.is_finite() && radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
            return Err(format!(
                "radiusKm must be above 0 and at most {MAX_RADIUS_KM}"
            ));
        }
        Ok(Near {
            lat,
            lon,
            radius_km,
        })
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        distance_km(self.lat, self.lon, lat, lon) <= self.radius_km
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_gazetteer_loads_whole() {
        let p = places();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.all().len() > 1000);
        let syria = p.lookup("سوريا");
        assert_eq!(syria[0].cc, "SY");
        assert_eq!(syria[0].kind, PlaceKind::Country);
        let deir = p.lookup("Deir al-Zour");
        assert_eq!(deir[0].kind, PlaceKind::City);
        assert!(p.within(deir[0].id, syria[0].id));
        assert!(!p.within(syria[0].id, deir[0].id));
        assert_eq!(p.lookup("دير الزور")[0].id, deir[0].id);
        // a country and everything inside it
        let inside = p.with_descendants(&[syria[0].id]);
        assert!(inside.contains(&deir[0].id) && inside.contains(&syria[0].id));
        assert!(!inside.contains(&p.lookup("Baghdad")[0].id));
        // word prefixes, with or without the article, exact names first
        assert_eq!(p.search("Deir", 5)[0].cc, "SY");
        assert!(p.search("موصل", 5).iter().any(|x| x.name == "Mosul"));
        assert_eq!(p.search("Syria", 3)[0].id, syria[0].id);
        assert!(p.search("  ", 3).is_empty());
    }

    #[test]
    fn distances_and_boxes() {
        // Baghdad to Damascus is about 760 km.
        let d = distance_km(33.34, 44.40, 33.51, 36.29);
        assert!((740.0..780.0).contains(&d), "{d}");
        assert_eq!(distance_km(10.0, 20.0, 10.0, 20.0), 0.0);
        let b = BBox::new(29.0, 38.0, 38.0, 49.0).unwrap();
        assert!(b.contains(33.34, 44.40));
        assert!(!b.contains(33.51, 36.29));
        // across the antimeridian
        let fiji = BBox::new(-20.0, 170.0, -10.0, -170.0).unwrap();
        assert!(fiji.contains(-18.0, 178.0) && fiji.contains(-18.0, -179.0));
        assert!(!fiji.contains(-18.0, 0.0));
        assert!(BBox::new(40.0, 0.0, 30.0, 10.0).is_err());
        assert!(BBox::new(f64::NAN, 0.0, 30.0, 10.0).is_err());
        assert!(Near::new(0.0, 0.0, 0.0).is_err());
        assert!(Near::new(0.0, 181.0, 10.0).is_err());
        assert!(Near::new(33.34, 44.40, 800.0)
            .unwrap()
            .contains(33.51, 36.29));
    }
}
