//! Places in the schema: the gazetteer's places (answered from memory:
//! the gazetteer ships with the binary), an event's places with their
//! roles, and the inputs of the place filters and of curated places.

use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};

use super::errors::bad_input;
use super::loaders::Loaders;
use super::types::mirror_enum;
use crate::domain::place::{places, Place as GazPlace};
use crate::domain::{self, EventId, PlaceId};

mirror_enum! {
    /// What kind of place.
    PlaceKind {
        /// A country (or a territory with its own ISO code).
        Country,
        /// A first-level region: a governorate, a province, a state.
        Region,
        /// A city or town.
        City,
        /// A site, a sea or a strait: a base, a crossing, a mountain range.
        Site,
    }
}

mirror_enum! {
    /// The part a place plays in an event.
    PlaceRole {
        /// Where it happened.
        Where,
        /// Where a movement (a withdrawal, a deployment) left from.
        Origin,
        /// Where a movement went to.
        Destination,
    }
}

/// A gazetteer place as the schema shows it.
#[derive(Clone)]
pub struct Place(pub &'static GazPlace);

/// A place of the gazetteer (`data/places.json`: GeoNames, CC BY 4.0, and
/// CLDR, with hand-written regions and sites).
#[Object]
impl Place {
    /// The GeoNames id, or a Tarikh id (100000001 and up) for a
    /// hand-written region or site.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// English name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Arabic name.
    async fn name_ar(&self) -> Option<&str> {
        self.0.name_ar.as_deref()
    }
    /// The name in `lang` (AR or EN), falling back on the English one.
    async fn label(&self, #[graphql(default = "en")] lang: String) -> &str {
        match (lang.eq_ignore_ascii_case("ar"), &self.0.name_ar) {
            (true, Some(a)) => a,
            _ => &self.0.name,
        }
    }
    /// Country, region, city or site.
    async fn kind(&self) -> PlaceKind {
        self.0.kind.into()
    }
    /// ISO 3166-1 alpha-2 code of its country (empty for seas).
    async fn country_code(&self) -> &str {
        &self.0.cc
    }
    /// Latitude of its representative point: the city, a region's seat,
    /// the population-weighted mean of a country's cities, a site's
    /// approximate centre.
    async fn lat(&self) -> Option<f64> {
        self.0.lat
    }
    /// Longitude of its representative point.
    async fn lon(&self) -> Option<f64> {
        self.0.lon
    }
    /// GeoNames id, when it comes from GeoNames.
    async fn geonames(&self) -> Option<String> {
        self.0.geonames.map(|g| g.to_string())
    }
    /// Wikidata id, where known.
    async fn wikidata(&self) -> Option<&str> {
        self.0.wikidata.as_deref()
    }
    /// The region or country that contains it.
    async fn parent(&self) -> Option<Place> {
        self.0.parent.and_then(|p| places().get(p)).map(Place)
    }
    /// Other names and spellings, English then Arabic.
    async fn aliases(&self) -> Vec<&str> {
        self.0
            .aliases_en
            .iter()
            .chain(&self.0.aliases_ar)
            .map(String::as_str)
            .collect()
    }
}

/// A place of an event, and its role.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EventPlace {
    /// Where it happened, or whence or whither a movement went.
    pub role: PlaceRole,
    #[graphql(skip)]
    pub id: PlaceId,
}

#[ComplexObject]
impl EventPlace {
    /// The place (null only if the gazetteer no longer has it).
    async fn place(&self) -> Option<Place> {
        places().get(self.id.0).map(Place)
    }
}

/// The places of an event.
pub async fn event_places(
    ctx: &Context<'_>,
    id: EventId,
) -> async_graphql::Result<Vec<EventPlace>> {
    let loaders = ctx.data::<Loaders>()?;
    Ok(loaders
        .event_places(id)
        .await?
        .into_iter()
        .map(|(id, role)| EventPlace {
            role: role.into(),
            id,
        })
        .collect())
}

/// Most places one `places` query returns.
pub const MAX_PLACES: i32 = 100;

/// Places whose name or alias (any language) has a word starting with
/// `search`, exact names first, then countries, regions, cities by size.
pub fn search_places(
    search: &str,
    kind: Option<PlaceKind>,
    country: Option<&str>,
    first: i32,
) -> async_graphql::Result<Vec<Place>> {
    domain::check_search(search).map_err(bad_input)?;
    if !(1..=MAX_PLACES).contains(&first) {
        return Err(bad_input(format!(
            "first must be between 1 and {MAX_PLACES}"
        )));
    }
    let kind = kind.map(domain::PlaceKind::from);
    let country = country.map(str::trim);
    if country.is_some_and(|c| c.len() > 3) {
        return Err(bad_input(
            "country is an ISO 3166-1 alpha-2 code, such as SY",
        ));
    }
    Ok(places()
        .search(search, usize::MAX)
        .into_iter()
        .filter(|p| kind.is_none_or(|k| p.kind == k))
        .filter(|p| country.is_none_or(|c| p.cc.eq_ignore_ascii_case(c)))
        .take(first as usize)
        .map(Place)
        .collect())
}

/// A circle on the map.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct NearInput {
    /// Latitude of the centre, -90 to 90.
    pub lat: f64,
    /// Longitude of the centre, -180 to 180.
    pub lon: f64,
    /// Radius in kilometres, above 0 and at most 20,016 (half the Earth).
    pub radius_km: f64,
}

impl NearInput {
    pub fn to_domain(self) -> async_graphql::Result<domain::Near> {
        domain::Near::new(self.lat, self.lon, self.radius_km).map_err(bad_input)
    }
}

/// A box on the map, in degrees; `west` greater than `east` crosses the
/// antimeridian.
#[derive(InputObject, Clone, Copy, Debug)]
#[graphql(name = "BBoxInput")]
pub struct BBoxInput {
    /// Southern edge (latitude, -90 to 90).
    pub south: f64,
    /// Western edge (longitude, -180 to 180).
    pub west: f64,
    /// Northern edge (latitude, at least `south`).
    pub north: f64,
    /// Eastern edge (longitude, -180 to 180).
    pub east: f64,
}

impl BBoxInput {
    pub fn to_domain(self) -> async_graphql::Result<domain::BBox> {
        domain::BBox::new(self.south, self.west, self.north, self.east).map_err(bad_input)
    }
}

/// A place given to an event by hand.
#[derive(InputObject)]
pub struct EventPlaceInput {
    /// The place's id, or a name or alias in any language that names one
    /// place only.
    pub place: String,
    /// Its role (default WHERE).
    #[graphql(default_with = "PlaceRole::Where")]
    pub role: PlaceRole,
}

/// Most places given to one event.
pub const MAX_EVENT_PLACES: usize = 20;

/// The gazetteer ids of places given by hand.
pub fn place_links(
    list: &[EventPlaceInput],
) -> async_graphql::Result<Vec<(PlaceId, domain::PlaceRole)>> {
    if list.len() > MAX_EVENT_PLACES {
        return Err(bad_input(format!(
            "an event has at most {MAX_EVENT_PLACES} places, got {}",
            list.len()
        )));
    }
    list.iter()
        .map(|p| Ok((PlaceId(resolve(&p.place)?), p.role.into())))
        .collect()
}

/// One place by id or by an unambiguous name.
fn resolve(s: &str) -> async_graphql::Result<i64> {
    let g = places();
    if let Some(p) = s.trim().parse::<i64>().ok().and_then(|i| g.get(i)) {
        return Ok(p.id);
    }
    domain::check_search(s).map_err(bad_input)?;
    match g.lookup(s).as_slice() {
        [] => Err(bad_input(format!(
            "no place is named {s:?}: places(search: …) lists the places Tarikh knows"
        ))),
        [one] => Ok(one.id),
        many => Err(bad_input(format!(
            "{s:?} names {} places ({}): give the id",
            many.len(),
            many.iter()
                .take(5)
                .map(|p| format!("{} {} {}", p.id, p.name, p.cc))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
