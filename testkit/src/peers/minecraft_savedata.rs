//! `minecraft_savedata`: one player per message, about 1.5 KiB of nested
//! tables, optional fields, vectors of tables and of strings, enums and
//! fixed structs, the rich-record case.
//!
//! Adapted to what the derive takes: the original's tuples
//! (`pos: (f64, f64, f64)`, `rotation: (f32, f32)`) are fixed structs, as
//! in its FlatBuffers schema; the uuid is a fixed struct holding
//! `[u32; 4]`; the vehicle `Option<([u32; 4], Entity)>` is an optional
//! table `Vehicle { uuid, entity }`.

use flatstream::flatbuffers::{
    FlatBufferBuilder, ForwardsUOffset, InvalidFlatbuffer, VOffsetT, Vector, Verifiable, Verifier,
    WIPOffset,
};
use flatstream::StreamSerialize;
use rkyv::Archived;

use super::planus_gen::minecraft_savedata as gen;
use super::{Dataset, Digest, PlanusResult, Seeded};

// Each type derives what every peer needs: the flatstream derive, serde
// (for bincode) and rkyv, and `PartialEq` to compare what they decode.
#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Copy,
    Eq,
)]
#[rkyv(derive(Clone, Copy))]
pub enum GameType {
    Survival,
    Creative,
    Adventure,
    Spectator,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Item {
    pub count: i8,
    pub slot: u8,
    /// One of a few dozen ids, repeated across the inventories: shared,
    /// as planus shares every string.
    #[flatstream(required, shared)]
    pub id: String,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Copy,
)]
#[flatstream(fixed)]
pub struct Abilities {
    pub walk_speed: f32,
    pub fly_speed: f32,
    pub may_fly: bool,
    pub flying: bool,
    pub invulnerable: bool,
    pub may_build: bool,
    pub instabuild: bool,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Copy,
)]
#[flatstream(fixed)]
pub struct Vector2f {
    pub x: f32,
    pub y: f32,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Copy,
)]
#[flatstream(fixed)]
pub struct Vector3d {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
    Copy,
)]
#[flatstream(fixed)]
pub struct Uuid {
    pub parts: [u32; 4],
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Entity {
    #[flatstream(required, shared)]
    pub id: String,
    pub pos: Vector3d,
    pub motion: Vector3d,
    pub rotation: Vector2f,
    pub fall_distance: f32,
    pub fire: u16,
    pub air: u16,
    pub on_ground: bool,
    pub no_gravity: bool,
    pub invulnerable: bool,
    pub portal_cooldown: i32,
    pub uuid: Uuid,
    pub custom_name: Option<String>,
    pub custom_name_visible: bool,
    pub silent: bool,
    pub glowing: bool,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct RecipeBook {
    /// Recipe names, the displayed ones among them: shared.
    #[flatstream(required, shared)]
    pub recipes: Vec<String>,
    #[flatstream(required, shared)]
    pub to_be_displayed: Vec<String>,
    pub is_filtering_craftable: bool,
    pub is_gui_open: bool,
    pub is_furnace_filtering_craftable: bool,
    pub is_furnace_gui_open: bool,
    pub is_blasting_furnace_filtering_craftable: bool,
    pub is_blasting_furnace_gui_open: bool,
    pub is_smoker_filtering_craftable: bool,
    pub is_smoker_gui_open: bool,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Vehicle {
    pub uuid: Uuid,
    pub entity: Entity,
}

#[derive(
    StreamSerialize,
    serde::Serialize,
    serde::Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
#[flatstream(shallow)]
pub struct Player {
    pub game_type: GameType,
    pub previous_game_type: GameType,
    pub score: i64,
    #[flatstream(required)]
    pub dimension: String,
    pub selected_item_slot: u32,
    pub selected_item: Item,
    pub spawn_dimension: Option<String>,
    pub spawn_x: i64,
    pub spawn_y: i64,
    pub spawn_z: i64,
    pub spawn_forced: Option<bool>,
    pub sleep_timer: u16,
    pub food_exhaustion_level: f32,
    pub food_saturation_level: f32,
    pub food_tick_timer: u32,
    pub xp_level: u32,
    pub xp_p: f32,
    pub xp_total: i32,
    pub xp_seed: i32,
    #[flatstream(required)]
    pub inventory: Vec<Item>,
    #[flatstream(required)]
    pub ender_items: Vec<Item>,
    pub abilities: Abilities,
    pub entered_nether_position: Option<Vector3d>,
    pub root_vehicle: Option<Vehicle>,
    pub shoulder_entity_left: Option<Entity>,
    pub shoulder_entity_right: Option<Entity>,
    pub seen_credits: bool,
    pub recipe_book: RecipeBook,
}

// ---------------------------------------------------------------------------
// Seeded records, shaped like the original's.

const GAME_TYPES: [GameType; 4] = [
    GameType::Survival,
    GameType::Creative,
    GameType::Adventure,
    GameType::Spectator,
];
const DIMENSIONS: [&str; 3] = ["overworld", "nether", "end"];
const ITEMS: [&str; 8] = [
    "dirt",
    "stone",
    "pickaxe",
    "sand",
    "gravel",
    "shovel",
    "chestplate",
    "steak",
];
const ENTITIES: [&str; 8] = [
    "cow", "sheep", "zombie", "skeleton", "spider", "creeper", "parrot", "bee",
];
const NAMES: [&str; 8] = [
    "rainbow", "princess", "steve", "johnny", "missy", "coward", "fairy", "howard",
];
const RECIPES: [&str; 8] = [
    "pickaxe",
    "torch",
    "bow",
    "crafting table",
    "furnace",
    "shears",
    "arrow",
    "tnt",
];

fn item(rng: &mut Seeded) -> Item {
    Item {
        count: rng.next_u64() as i8,
        slot: rng.next_u64() as u8,
        id: rng.pick(&ITEMS).to_string(),
    }
}

fn vector3d(rng: &mut Seeded) -> Vector3d {
    Vector3d {
        x: rng.unit(),
        y: rng.unit(),
        z: rng.unit(),
    }
}

fn uuid(rng: &mut Seeded) -> Uuid {
    Uuid {
        parts: std::array::from_fn(|_| rng.next_u64() as u32),
    }
}

fn entity(rng: &mut Seeded) -> Entity {
    Entity {
        id: rng.pick(&ENTITIES).to_string(),
        pos: vector3d(rng),
        motion: vector3d(rng),
        rotation: Vector2f {
            x: rng.unit() as f32,
            y: rng.unit() as f32,
        },
        fall_distance: rng.unit() as f32,
        fire: rng.next_u64() as u16,
        air: rng.next_u64() as u16,
        on_ground: rng.coin(),
        no_gravity: rng.coin(),
        invulnerable: rng.coin(),
        portal_cooldown: rng.next_u64() as i32,
        uuid: uuid(rng),
        custom_name: rng.maybe(|rng| rng.pick(&NAMES).to_string()),
        custom_name_visible: rng.coin(),
        silent: rng.coin(),
        glowing: rng.coin(),
    }
}

fn strings(rng: &mut Seeded, max: u64, from: &[&str]) -> Vec<String> {
    (0..rng.below(max))
        .map(|_| rng.pick(from).to_string())
        .collect()
}

fn generate(rng: &mut Seeded) -> Player {
    Player {
        game_type: *rng.pick(&GAME_TYPES),
        previous_game_type: *rng.pick(&GAME_TYPES),
        score: rng.next_u64() as i64,
        dimension: rng.pick(&DIMENSIONS).to_string(),
        selected_item_slot: rng.next_u64() as u32,
        selected_item: item(rng),
        spawn_dimension: rng.maybe(|rng| rng.pick(&DIMENSIONS).to_string()),
        spawn_x: rng.next_u64() as i64,
        spawn_y: rng.next_u64() as i64,
        spawn_z: rng.next_u64() as i64,
        spawn_forced: rng.maybe(Seeded::coin),
        sleep_timer: rng.next_u64() as u16,
        food_exhaustion_level: rng.unit() as f32,
        food_saturation_level: rng.unit() as f32,
        food_tick_timer: rng.next_u64() as u32,
        xp_level: rng.next_u64() as u32,
        xp_p: rng.unit() as f32,
        xp_total: rng.next_u64() as i32,
        xp_seed: rng.next_u64() as i32,
        inventory: (0..rng.below(40)).map(|_| item(rng)).collect(),
        ender_items: (0..rng.below(27)).map(|_| item(rng)).collect(),
        abilities: Abilities {
            walk_speed: rng.unit() as f32,
            fly_speed: rng.unit() as f32,
            may_fly: rng.coin(),
            flying: rng.coin(),
            invulnerable: rng.coin(),
            may_build: rng.coin(),
            instabuild: rng.coin(),
        },
        entered_nether_position: rng.maybe(vector3d),
        root_vehicle: rng.maybe(|rng| Vehicle {
            uuid: uuid(rng),
            entity: entity(rng),
        }),
        shoulder_entity_left: rng.maybe(entity),
        shoulder_entity_right: rng.maybe(entity),
        seen_credits: rng.coin(),
        recipe_book: RecipeBook {
            recipes: strings(rng, 30, &RECIPES),
            to_be_displayed: strings(rng, 10, &RECIPES),
            is_filtering_craftable: rng.coin(),
            is_gui_open: rng.coin(),
            is_furnace_filtering_craftable: rng.coin(),
            is_furnace_gui_open: rng.coin(),
            is_blasting_furnace_filtering_craftable: rng.coin(),
            is_blasting_furnace_gui_open: rng.coin(),
            is_smoker_filtering_craftable: rng.coin(),
            is_smoker_gui_open: rng.coin(),
        },
    }
}

// ---------------------------------------------------------------------------
// By hand, as flatc generates it for the schema the derive prints
// (`flatstream::schema::<Player>()`): the original's, with `GameType :
// ubyte`, the uuid as `struct Uuid { parts: [uint:4] }`, `Vehicle { uuid:
// Uuid; entity: Entity (required); }` and `spawn_forced: bool = null`.

fb_struct! {
    pub struct AbilitiesFb([u8; 16], align 4) {
        walk_speed: f32 = 0,
        fly_speed: f32 = 4,
        may_fly: bool = 8,
        flying: bool = 9,
        invulnerable: bool = 10,
        may_build: bool = 11,
        instabuild: bool = 12,
    }
}

fb_struct! {
    pub struct Vector2fFb([u8; 8], align 4) {
        x: f32 = 0,
        y: f32 = 4,
    }
}

fb_struct! {
    pub struct Vector3dFb([u8; 24], align 8) {
        x: f64 = 0,
        y: f64 = 8,
        z: f64 = 16,
    }
}

fb_struct! {
    pub struct UuidFb([u8; 16], align 4) {
        parts: [u32; 4] = 0,
    }
}

fn vector3d_fb(v: &Vector3d) -> Vector3dFb {
    Vector3dFb::new(v.x, v.y, v.z)
}

fn uuid_fb(uuid: &Uuid) -> UuidFb {
    UuidFb::new(uuid.parts)
}

type Str<'a> = ForwardsUOffset<&'a str>;
type Strings<'a> = ForwardsUOffset<Vector<'a, ForwardsUOffset<&'a str>>>;
type Table<T> = ForwardsUOffset<T>;
type Tables<'a, T> = ForwardsUOffset<Vector<'a, ForwardsUOffset<T>>>;

fb_table! {
    pub struct ItemFb;
}

impl<'a> ItemFb<'a> {
    const COUNT: VOffsetT = 4;
    const SLOT: VOffsetT = 6;
    const ID: VOffsetT = 8;

    fn count(&self) -> i8 {
        self.0.scalar(Self::COUNT, 0)
    }
    fn slot(&self) -> u8 {
        self.0.scalar(Self::SLOT, 0)
    }
    fn id(&self) -> &'a str {
        self.0.required::<Str<'a>>(Self::ID)
    }
}

impl Verifiable for ItemFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<i8>("count", Self::COUNT, false)?
            .visit_field::<u8>("slot", Self::SLOT, false)?
            .visit_field::<Str<'_>>("id", Self::ID, true)?
            .finish();
        Ok(())
    }
}

fn build_item<'b>(builder: &mut FlatBufferBuilder<'b>, item: &Item) -> WIPOffset<ItemFb<'b>> {
    let id = builder.create_shared_string(&item.id);
    let start = builder.start_table();
    builder.push_slot_always(ItemFb::ID, id);
    builder.push_slot::<i8>(ItemFb::COUNT, item.count, 0);
    builder.push_slot::<u8>(ItemFb::SLOT, item.slot, 0);
    let item = builder.end_table(start);
    builder.required(item, ItemFb::ID, "id");
    WIPOffset::new(item.value())
}

fn build_items<'b>(
    builder: &mut FlatBufferBuilder<'b>,
    items: &[Item],
) -> WIPOffset<Vector<'b, ForwardsUOffset<ItemFb<'b>>>> {
    let items: Vec<_> = items.iter().map(|item| build_item(builder, item)).collect();
    builder.create_vector(&items)
}

fn build_strings<'b>(
    builder: &mut FlatBufferBuilder<'b>,
    strings: &[String],
) -> WIPOffset<Vector<'b, ForwardsUOffset<&'b str>>> {
    let strings: Vec<_> = strings
        .iter()
        .map(|s| builder.create_shared_string(s))
        .collect();
    builder.create_vector(&strings)
}

fb_table! {
    pub struct EntityFb;
}

impl<'a> EntityFb<'a> {
    const ID: VOffsetT = 4;
    const POS: VOffsetT = 6;
    const MOTION: VOffsetT = 8;
    const ROTATION: VOffsetT = 10;
    const FALL_DISTANCE: VOffsetT = 12;
    const FIRE: VOffsetT = 14;
    const AIR: VOffsetT = 16;
    const ON_GROUND: VOffsetT = 18;
    const NO_GRAVITY: VOffsetT = 20;
    const INVULNERABLE: VOffsetT = 22;
    const PORTAL_COOLDOWN: VOffsetT = 24;
    const UUID: VOffsetT = 26;
    const CUSTOM_NAME: VOffsetT = 28;
    const CUSTOM_NAME_VISIBLE: VOffsetT = 30;
    const SILENT: VOffsetT = 32;
    const GLOWING: VOffsetT = 34;

    fn id(&self) -> &'a str {
        self.0.required::<Str<'a>>(Self::ID)
    }
    fn pos(&self) -> &'a Vector3dFb {
        self.0.required::<Vector3dFb>(Self::POS)
    }
    fn fire(&self) -> u16 {
        self.0.scalar(Self::FIRE, 0)
    }
    fn uuid(&self) -> &'a UuidFb {
        self.0.required::<UuidFb>(Self::UUID)
    }
    fn custom_name(&self) -> Option<&'a str> {
        self.0.get::<Str<'a>>(Self::CUSTOM_NAME)
    }
}

impl Verifiable for EntityFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<Str<'_>>("id", Self::ID, true)?
            .visit_field::<Vector3dFb>("pos", Self::POS, true)?
            .visit_field::<Vector3dFb>("motion", Self::MOTION, true)?
            .visit_field::<Vector2fFb>("rotation", Self::ROTATION, true)?
            .visit_field::<f32>("fall_distance", Self::FALL_DISTANCE, false)?
            .visit_field::<u16>("fire", Self::FIRE, false)?
            .visit_field::<u16>("air", Self::AIR, false)?
            .visit_field::<bool>("on_ground", Self::ON_GROUND, false)?
            .visit_field::<bool>("no_gravity", Self::NO_GRAVITY, false)?
            .visit_field::<bool>("invulnerable", Self::INVULNERABLE, false)?
            .visit_field::<i32>("portal_cooldown", Self::PORTAL_COOLDOWN, false)?
            .visit_field::<UuidFb>("uuid", Self::UUID, true)?
            .visit_field::<Str<'_>>("custom_name", Self::CUSTOM_NAME, false)?
            .visit_field::<bool>("custom_name_visible", Self::CUSTOM_NAME_VISIBLE, false)?
            .visit_field::<bool>("silent", Self::SILENT, false)?
            .visit_field::<bool>("glowing", Self::GLOWING, false)?
            .finish();
        Ok(())
    }
}

fn build_entity<'b>(builder: &mut FlatBufferBuilder<'b>, e: &Entity) -> WIPOffset<EntityFb<'b>> {
    let id = builder.create_shared_string(&e.id);
    let custom_name = e
        .custom_name
        .as_ref()
        .map(|name| builder.create_string(name));

    let start = builder.start_table();
    builder.push_slot_always(EntityFb::POS, vector3d_fb(&e.pos));
    builder.push_slot_always(EntityFb::MOTION, vector3d_fb(&e.motion));
    let rotation = Vector2fFb::new(e.rotation.x, e.rotation.y);
    builder.push_slot_always(EntityFb::ROTATION, rotation);
    builder.push_slot_always(EntityFb::UUID, uuid_fb(&e.uuid));
    builder.push_slot_always(EntityFb::ID, id);
    builder.push_slot::<f32>(EntityFb::FALL_DISTANCE, e.fall_distance, 0.0);
    builder.push_slot::<i32>(EntityFb::PORTAL_COOLDOWN, e.portal_cooldown, 0);
    if let Some(custom_name) = custom_name {
        builder.push_slot_always(EntityFb::CUSTOM_NAME, custom_name);
    }
    builder.push_slot::<u16>(EntityFb::FIRE, e.fire, 0);
    builder.push_slot::<u16>(EntityFb::AIR, e.air, 0);
    builder.push_slot::<bool>(EntityFb::ON_GROUND, e.on_ground, false);
    builder.push_slot::<bool>(EntityFb::NO_GRAVITY, e.no_gravity, false);
    builder.push_slot::<bool>(EntityFb::INVULNERABLE, e.invulnerable, false);
    let visible = e.custom_name_visible;
    builder.push_slot::<bool>(EntityFb::CUSTOM_NAME_VISIBLE, visible, false);
    builder.push_slot::<bool>(EntityFb::SILENT, e.silent, false);
    builder.push_slot::<bool>(EntityFb::GLOWING, e.glowing, false);
    let entity = builder.end_table(start);
    builder.required(entity, EntityFb::ID, "id");
    WIPOffset::new(entity.value())
}

fb_table! {
    pub struct RecipeBookFb;
}

impl<'a> RecipeBookFb<'a> {
    const RECIPES: VOffsetT = 4;
    const TO_BE_DISPLAYED: VOffsetT = 6;
    const FLAGS: [(&'static str, VOffsetT); 8] = [
        ("is_filtering_craftable", 8),
        ("is_gui_open", 10),
        ("is_furnace_filtering_craftable", 12),
        ("is_furnace_gui_open", 14),
        ("is_blasting_furnace_filtering_craftable", 16),
        ("is_blasting_furnace_gui_open", 18),
        ("is_smoker_filtering_craftable", 20),
        ("is_smoker_gui_open", 22),
    ];
    const IS_GUI_OPEN: VOffsetT = Self::FLAGS[1].1;

    fn recipes(&self) -> Vector<'a, ForwardsUOffset<&'a str>> {
        self.0.required::<Strings<'a>>(Self::RECIPES)
    }
    #[allow(clippy::wrong_self_convention)] // the field's name, as flatc names it
    fn to_be_displayed(&self) -> Vector<'a, ForwardsUOffset<&'a str>> {
        self.0.required::<Strings<'a>>(Self::TO_BE_DISPLAYED)
    }
    fn is_gui_open(&self) -> bool {
        self.0.scalar(Self::IS_GUI_OPEN, false)
    }
}

impl Verifiable for RecipeBookFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        let mut table = v
            .visit_table(pos)?
            .visit_field::<Strings<'_>>("recipes", Self::RECIPES, true)?
            .visit_field::<Strings<'_>>("to_be_displayed", Self::TO_BE_DISPLAYED, true)?;
        for (name, slot) in Self::FLAGS {
            table = table.visit_field::<bool>(name, slot, false)?;
        }
        table.finish();
        Ok(())
    }
}

fn build_recipe_book<'b>(
    builder: &mut FlatBufferBuilder<'b>,
    book: &RecipeBook,
) -> WIPOffset<RecipeBookFb<'b>> {
    let recipes = build_strings(builder, &book.recipes);
    let to_be_displayed = build_strings(builder, &book.to_be_displayed);
    let flags = [
        book.is_filtering_craftable,
        book.is_gui_open,
        book.is_furnace_filtering_craftable,
        book.is_furnace_gui_open,
        book.is_blasting_furnace_filtering_craftable,
        book.is_blasting_furnace_gui_open,
        book.is_smoker_filtering_craftable,
        book.is_smoker_gui_open,
    ];

    let start = builder.start_table();
    builder.push_slot_always(RecipeBookFb::RECIPES, recipes);
    builder.push_slot_always(RecipeBookFb::TO_BE_DISPLAYED, to_be_displayed);
    for ((_, slot), flag) in RecipeBookFb::FLAGS.into_iter().zip(flags) {
        builder.push_slot::<bool>(slot, flag, false);
    }
    let book = builder.end_table(start);
    builder.required(book, RecipeBookFb::RECIPES, "recipes");
    builder.required(book, RecipeBookFb::TO_BE_DISPLAYED, "to_be_displayed");
    WIPOffset::new(book.value())
}

fb_table! {
    pub struct VehicleFb;
}

impl<'a> VehicleFb<'a> {
    const UUID: VOffsetT = 4;
    const ENTITY: VOffsetT = 6;

    fn uuid(&self) -> &'a UuidFb {
        self.0.required::<UuidFb>(Self::UUID)
    }
    fn entity(&self) -> EntityFb<'a> {
        self.0.required::<Table<EntityFb<'a>>>(Self::ENTITY)
    }
}

impl Verifiable for VehicleFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<UuidFb>("uuid", Self::UUID, true)?
            .visit_field::<Table<EntityFb<'_>>>("entity", Self::ENTITY, true)?
            .finish();
        Ok(())
    }
}

fn build_vehicle<'b>(
    builder: &mut FlatBufferBuilder<'b>,
    vehicle: &Vehicle,
) -> WIPOffset<VehicleFb<'b>> {
    let entity = build_entity(builder, &vehicle.entity);
    let start = builder.start_table();
    builder.push_slot_always(VehicleFb::UUID, uuid_fb(&vehicle.uuid));
    builder.push_slot_always(VehicleFb::ENTITY, entity);
    let vehicle = builder.end_table(start);
    builder.required(vehicle, VehicleFb::ENTITY, "entity");
    WIPOffset::new(vehicle.value())
}

fb_table! {
    pub struct PlayerFb;
}

impl<'a> PlayerFb<'a> {
    const GAME_TYPE: VOffsetT = 4;
    const PREVIOUS_GAME_TYPE: VOffsetT = 6;
    const SCORE: VOffsetT = 8;
    const DIMENSION: VOffsetT = 10;
    const SELECTED_ITEM_SLOT: VOffsetT = 12;
    const SELECTED_ITEM: VOffsetT = 14;
    const SPAWN_DIMENSION: VOffsetT = 16;
    const SPAWN_X: VOffsetT = 18;
    const SPAWN_Y: VOffsetT = 20;
    const SPAWN_Z: VOffsetT = 22;
    const SPAWN_FORCED: VOffsetT = 24;
    const SLEEP_TIMER: VOffsetT = 26;
    const FOOD_EXHAUSTION_LEVEL: VOffsetT = 28;
    const FOOD_SATURATION_LEVEL: VOffsetT = 30;
    const FOOD_TICK_TIMER: VOffsetT = 32;
    const XP_LEVEL: VOffsetT = 34;
    const XP_P: VOffsetT = 36;
    const XP_TOTAL: VOffsetT = 38;
    const XP_SEED: VOffsetT = 40;
    const INVENTORY: VOffsetT = 42;
    const ENDER_ITEMS: VOffsetT = 44;
    const ABILITIES: VOffsetT = 46;
    const ENTERED_NETHER_POSITION: VOffsetT = 48;
    const ROOT_VEHICLE: VOffsetT = 50;
    const SHOULDER_ENTITY_LEFT: VOffsetT = 52;
    const SHOULDER_ENTITY_RIGHT: VOffsetT = 54;
    const SEEN_CREDITS: VOffsetT = 56;
    const RECIPE_BOOK: VOffsetT = 58;

    fn game_type(&self) -> u8 {
        self.0.scalar(Self::GAME_TYPE, 0)
    }
    fn previous_game_type(&self) -> u8 {
        self.0.scalar(Self::PREVIOUS_GAME_TYPE, 0)
    }
    fn score(&self) -> i64 {
        self.0.scalar(Self::SCORE, 0)
    }
    fn dimension(&self) -> &'a str {
        self.0.required::<Str<'a>>(Self::DIMENSION)
    }
    fn selected_item_slot(&self) -> u32 {
        self.0.scalar(Self::SELECTED_ITEM_SLOT, 0)
    }
    fn selected_item(&self) -> ItemFb<'a> {
        self.0.required::<Table<ItemFb<'a>>>(Self::SELECTED_ITEM)
    }
    fn spawn_dimension(&self) -> Option<&'a str> {
        self.0.get::<Str<'a>>(Self::SPAWN_DIMENSION)
    }
    fn spawn_x(&self) -> i64 {
        self.0.scalar(Self::SPAWN_X, 0)
    }
    fn spawn_y(&self) -> i64 {
        self.0.scalar(Self::SPAWN_Y, 0)
    }
    fn spawn_z(&self) -> i64 {
        self.0.scalar(Self::SPAWN_Z, 0)
    }
    fn spawn_forced(&self) -> Option<bool> {
        self.0.get::<bool>(Self::SPAWN_FORCED)
    }
    fn sleep_timer(&self) -> u16 {
        self.0.scalar(Self::SLEEP_TIMER, 0)
    }
    fn food_exhaustion_level(&self) -> f32 {
        self.0.scalar(Self::FOOD_EXHAUSTION_LEVEL, 0.0)
    }
    fn food_saturation_level(&self) -> f32 {
        self.0.scalar(Self::FOOD_SATURATION_LEVEL, 0.0)
    }
    fn food_tick_timer(&self) -> u32 {
        self.0.scalar(Self::FOOD_TICK_TIMER, 0)
    }
    fn xp_level(&self) -> u32 {
        self.0.scalar(Self::XP_LEVEL, 0)
    }
    fn xp_p(&self) -> f32 {
        self.0.scalar(Self::XP_P, 0.0)
    }
    fn xp_total(&self) -> i32 {
        self.0.scalar(Self::XP_TOTAL, 0)
    }
    fn xp_seed(&self) -> i32 {
        self.0.scalar(Self::XP_SEED, 0)
    }
    fn inventory(&self) -> Vector<'a, ForwardsUOffset<ItemFb<'a>>> {
        self.0.required::<Tables<'a, ItemFb<'a>>>(Self::INVENTORY)
    }
    fn ender_items(&self) -> Vector<'a, ForwardsUOffset<ItemFb<'a>>> {
        self.0.required::<Tables<'a, ItemFb<'a>>>(Self::ENDER_ITEMS)
    }
    fn abilities(&self) -> &'a AbilitiesFb {
        self.0.required::<AbilitiesFb>(Self::ABILITIES)
    }
    fn entered_nether_position(&self) -> Option<&'a Vector3dFb> {
        self.0.get::<Vector3dFb>(Self::ENTERED_NETHER_POSITION)
    }
    fn root_vehicle(&self) -> Option<VehicleFb<'a>> {
        self.0.get::<Table<VehicleFb<'a>>>(Self::ROOT_VEHICLE)
    }
    fn shoulder_entity_left(&self) -> Option<EntityFb<'a>> {
        self.0
            .get::<Table<EntityFb<'a>>>(Self::SHOULDER_ENTITY_LEFT)
    }
    fn shoulder_entity_right(&self) -> Option<EntityFb<'a>> {
        self.0
            .get::<Table<EntityFb<'a>>>(Self::SHOULDER_ENTITY_RIGHT)
    }
    fn seen_credits(&self) -> bool {
        self.0.scalar(Self::SEEN_CREDITS, false)
    }
    fn recipe_book(&self) -> RecipeBookFb<'a> {
        self.0
            .required::<Table<RecipeBookFb<'a>>>(Self::RECIPE_BOOK)
    }
}

impl Verifiable for PlayerFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<u8>("game_type", Self::GAME_TYPE, false)?
            .visit_field::<u8>("previous_game_type", Self::PREVIOUS_GAME_TYPE, false)?
            .visit_field::<i64>("score", Self::SCORE, false)?
            .visit_field::<Str<'_>>("dimension", Self::DIMENSION, true)?
            .visit_field::<u32>("selected_item_slot", Self::SELECTED_ITEM_SLOT, false)?
            .visit_field::<Table<ItemFb<'_>>>("selected_item", Self::SELECTED_ITEM, true)?
            .visit_field::<Str<'_>>("spawn_dimension", Self::SPAWN_DIMENSION, false)?
            .visit_field::<i64>("spawn_x", Self::SPAWN_X, false)?
            .visit_field::<i64>("spawn_y", Self::SPAWN_Y, false)?
            .visit_field::<i64>("spawn_z", Self::SPAWN_Z, false)?
            .visit_field::<bool>("spawn_forced", Self::SPAWN_FORCED, false)?
            .visit_field::<u16>("sleep_timer", Self::SLEEP_TIMER, false)?
            .visit_field::<f32>("food_exhaustion_level", Self::FOOD_EXHAUSTION_LEVEL, false)?
            .visit_field::<f32>("food_saturation_level", Self::FOOD_SATURATION_LEVEL, false)?
            .visit_field::<u32>("food_tick_timer", Self::FOOD_TICK_TIMER, false)?
            .visit_field::<u32>("xp_level", Self::XP_LEVEL, false)?
            .visit_field::<f32>("xp_p", Self::XP_P, false)?
            .visit_field::<i32>("xp_total", Self::XP_TOTAL, false)?
            .visit_field::<i32>("xp_seed", Self::XP_SEED, false)?
            .visit_field::<Tables<'_, ItemFb<'_>>>("inventory", Self::INVENTORY, true)?
            .visit_field::<Tables<'_, ItemFb<'_>>>("ender_items", Self::ENDER_ITEMS, true)?
            .visit_field::<AbilitiesFb>("abilities", Self::ABILITIES, true)?
            .visit_field::<Vector3dFb>(
                "entered_nether_position",
                Self::ENTERED_NETHER_POSITION,
                false,
            )?
            .visit_field::<Table<VehicleFb<'_>>>("root_vehicle", Self::ROOT_VEHICLE, false)?
            .visit_field::<Table<EntityFb<'_>>>(
                "shoulder_entity_left",
                Self::SHOULDER_ENTITY_LEFT,
                false,
            )?
            .visit_field::<Table<EntityFb<'_>>>(
                "shoulder_entity_right",
                Self::SHOULDER_ENTITY_RIGHT,
                false,
            )?
            .visit_field::<bool>("seen_credits", Self::SEEN_CREDITS, false)?
            .visit_field::<Table<RecipeBookFb<'_>>>("recipe_book", Self::RECIPE_BOOK, true)?
            .finish();
        Ok(())
    }
}

/// Children first, in declaration order; then the fields largest first
/// (8-byte and wider, 4-byte, 2-byte, 1-byte, each in declaration order,
/// as the derive does), defaults omitted.
fn build(builder: &mut FlatBufferBuilder<'_>, p: &Player) {
    let dimension = builder.create_string(&p.dimension);
    let selected_item = build_item(builder, &p.selected_item);
    let spawn_dimension = p.spawn_dimension.as_ref().map(|d| builder.create_string(d));
    let inventory = build_items(builder, &p.inventory);
    let ender_items = build_items(builder, &p.ender_items);
    let root_vehicle = p.root_vehicle.as_ref().map(|v| build_vehicle(builder, v));
    let left = p.shoulder_entity_left.as_ref();
    let left = left.map(|e| build_entity(builder, e));
    let right = p.shoulder_entity_right.as_ref();
    let right = right.map(|e| build_entity(builder, e));
    let recipe_book = build_recipe_book(builder, &p.recipe_book);

    let start = builder.start_table();
    builder.push_slot::<i64>(PlayerFb::SCORE, p.score, 0);
    builder.push_slot::<i64>(PlayerFb::SPAWN_X, p.spawn_x, 0);
    builder.push_slot::<i64>(PlayerFb::SPAWN_Y, p.spawn_y, 0);
    builder.push_slot::<i64>(PlayerFb::SPAWN_Z, p.spawn_z, 0);
    let a = &p.abilities;
    let abilities = AbilitiesFb::new(
        a.walk_speed,
        a.fly_speed,
        a.may_fly,
        a.flying,
        a.invulnerable,
        a.may_build,
        a.instabuild,
    );
    builder.push_slot_always(PlayerFb::ABILITIES, abilities);
    if let Some(position) = &p.entered_nether_position {
        builder.push_slot_always(PlayerFb::ENTERED_NETHER_POSITION, vector3d_fb(position));
    }
    builder.push_slot_always(PlayerFb::DIMENSION, dimension);
    builder.push_slot::<u32>(PlayerFb::SELECTED_ITEM_SLOT, p.selected_item_slot, 0);
    builder.push_slot_always(PlayerFb::SELECTED_ITEM, selected_item);
    if let Some(spawn_dimension) = spawn_dimension {
        builder.push_slot_always(PlayerFb::SPAWN_DIMENSION, spawn_dimension);
    }
    let exhaustion = p.food_exhaustion_level;
    builder.push_slot::<f32>(PlayerFb::FOOD_EXHAUSTION_LEVEL, exhaustion, 0.0);
    let saturation = p.food_saturation_level;
    builder.push_slot::<f32>(PlayerFb::FOOD_SATURATION_LEVEL, saturation, 0.0);
    builder.push_slot::<u32>(PlayerFb::FOOD_TICK_TIMER, p.food_tick_timer, 0);
    builder.push_slot::<u32>(PlayerFb::XP_LEVEL, p.xp_level, 0);
    builder.push_slot::<f32>(PlayerFb::XP_P, p.xp_p, 0.0);
    builder.push_slot::<i32>(PlayerFb::XP_TOTAL, p.xp_total, 0);
    builder.push_slot::<i32>(PlayerFb::XP_SEED, p.xp_seed, 0);
    builder.push_slot_always(PlayerFb::INVENTORY, inventory);
    builder.push_slot_always(PlayerFb::ENDER_ITEMS, ender_items);
    if let Some(vehicle) = root_vehicle {
        builder.push_slot_always(PlayerFb::ROOT_VEHICLE, vehicle);
    }
    if let Some(left) = left {
        builder.push_slot_always(PlayerFb::SHOULDER_ENTITY_LEFT, left);
    }
    if let Some(right) = right {
        builder.push_slot_always(PlayerFb::SHOULDER_ENTITY_RIGHT, right);
    }
    builder.push_slot_always(PlayerFb::RECIPE_BOOK, recipe_book);
    builder.push_slot::<u16>(PlayerFb::SLEEP_TIMER, p.sleep_timer, 0);
    builder.push_slot::<u8>(PlayerFb::GAME_TYPE, p.game_type as u8, 0);
    let previous = p.previous_game_type as u8;
    builder.push_slot::<u8>(PlayerFb::PREVIOUS_GAME_TYPE, previous, 0);
    if let Some(forced) = p.spawn_forced {
        builder.push_slot_always::<bool>(PlayerFb::SPAWN_FORCED, forced);
    }
    builder.push_slot::<bool>(PlayerFb::SEEN_CREDITS, p.seen_credits, false);
    let root = builder.end_table(start);
    builder.required(root, PlayerFb::DIMENSION, "dimension");
    builder.required(root, PlayerFb::SELECTED_ITEM, "selected_item");
    builder.required(root, PlayerFb::INVENTORY, "inventory");
    builder.required(root, PlayerFb::ENDER_ITEMS, "ender_items");
    builder.required(root, PlayerFb::RECIPE_BOOK, "recipe_book");
    builder.finish(root, None);
}

// ---------------------------------------------------------------------------
// What a read touches: every top-level field, and the top fields of
// nested tables and of each vector element, the same through each view.

fn touch_item_view(item: ItemView<'_>, d: &mut Digest) {
    d.add(item.count());
    d.add(item.slot());
    d.add(item.id());
}

fn touch_item_fb(item: ItemFb<'_>, d: &mut Digest) {
    d.add(item.count());
    d.add(item.slot());
    d.add(item.id());
}

fn touch_item_rkyv(item: &Archived<Item>, d: &mut Digest) {
    d.add(item.count);
    d.add(item.slot);
    d.add(&item.id);
}

fn touch_entity_view(entity: EntityView<'_>, d: &mut Digest) {
    d.add(entity.id());
    d.add(entity.pos().x);
    d.add(entity.fire());
    d.add(entity.uuid().parts[0]);
    d.opt(entity.custom_name());
}

fn touch_entity_fb(entity: EntityFb<'_>, d: &mut Digest) {
    d.add(entity.id());
    d.add(entity.pos().x());
    d.add(entity.fire());
    d.add(entity.uuid().parts()[0]);
    d.opt(entity.custom_name());
}

fn touch_entity_rkyv(entity: &Archived<Entity>, d: &mut Digest) {
    d.add(&entity.id);
    d.add(entity.pos.x);
    d.add(entity.fire);
    d.add(entity.uuid.parts[0]);
    d.opt(entity.custom_name.as_ref());
}

/// The `minecraft_savedata` dataset.
pub struct Players;

impl Dataset for Players {
    const NAME: &'static str = "minecraft_savedata";
    const MESSAGES: usize = 100;
    type Record = Player;

    fn generate(rng: &mut Seeded) -> Player {
        generate(rng)
    }

    fn build_flatbuffers(builder: &mut FlatBufferBuilder<'_>, player: &Player) {
        build(builder, player);
    }

    fn read_flatbuffers(payload: &[u8], d: &mut Digest) -> Result<(), InvalidFlatbuffer> {
        let p = flatstream::flatbuffers::root::<PlayerFb<'_>>(payload)?;
        d.add(p.game_type());
        d.add(p.previous_game_type());
        d.add(p.score());
        d.add(p.dimension());
        d.add(p.selected_item_slot());
        touch_item_fb(p.selected_item(), d);
        d.opt(p.spawn_dimension());
        d.add(p.spawn_x());
        d.add(p.spawn_y());
        d.add(p.spawn_z());
        d.opt(p.spawn_forced());
        d.add(p.sleep_timer());
        d.add(p.food_exhaustion_level());
        d.add(p.food_saturation_level());
        d.add(p.food_tick_timer());
        d.add(p.xp_level());
        d.add(p.xp_p());
        d.add(p.xp_total());
        d.add(p.xp_seed());
        for items in [p.inventory(), p.ender_items()] {
            d.add(items.len());
            items.iter().for_each(|item| touch_item_fb(item, d));
        }
        d.add(p.abilities().walk_speed());
        d.add(p.abilities().may_fly());
        d.opt(p.entered_nether_position().map(|position| position.x()));
        if let Some(vehicle) = p.root_vehicle() {
            d.add(vehicle.uuid().parts()[0]);
            touch_entity_fb(vehicle.entity(), d);
        }
        let shoulders = [p.shoulder_entity_left(), p.shoulder_entity_right()];
        for entity in shoulders.into_iter().flatten() {
            touch_entity_fb(entity, d);
        }
        d.add(p.seen_credits());
        let book = p.recipe_book();
        d.add(book.recipes().len());
        book.recipes().iter().for_each(|recipe| d.add(recipe));
        d.add(book.to_be_displayed().len());
        d.add(book.is_gui_open());
        Ok(())
    }

    fn touch_view(p: PlayerView<'_>, d: &mut Digest) {
        d.add(p.game_type() as u8);
        d.add(p.previous_game_type() as u8);
        d.add(p.score());
        d.add(p.dimension());
        d.add(p.selected_item_slot());
        touch_item_view(p.selected_item(), d);
        d.opt(p.spawn_dimension());
        d.add(p.spawn_x());
        d.add(p.spawn_y());
        d.add(p.spawn_z());
        d.opt(p.spawn_forced());
        d.add(p.sleep_timer());
        d.add(p.food_exhaustion_level());
        d.add(p.food_saturation_level());
        d.add(p.food_tick_timer());
        d.add(p.xp_level());
        d.add(p.xp_p());
        d.add(p.xp_total());
        d.add(p.xp_seed());
        for items in [p.inventory(), p.ender_items()] {
            d.add(items.len());
            items.iter().for_each(|item| touch_item_view(item, d));
        }
        d.add(p.abilities().walk_speed);
        d.add(p.abilities().may_fly);
        d.opt(p.entered_nether_position().map(|position| position.x));
        if let Some(vehicle) = p.root_vehicle() {
            d.add(vehicle.uuid().parts[0]);
            touch_entity_view(vehicle.entity(), d);
        }
        let shoulders = [p.shoulder_entity_left(), p.shoulder_entity_right()];
        for entity in shoulders.into_iter().flatten() {
            touch_entity_view(entity, d);
        }
        d.add(p.seen_credits());
        let book = p.recipe_book();
        d.add(book.recipes().len());
        book.recipes().iter().for_each(|recipe| d.add(recipe));
        d.add(book.to_be_displayed().len());
        d.add(book.is_gui_open());
    }

    fn touch_rkyv(p: &Archived<Player>, d: &mut Digest) {
        d.add(p.game_type as u8);
        d.add(p.previous_game_type as u8);
        d.add(p.score);
        d.add(&p.dimension);
        d.add(p.selected_item_slot);
        touch_item_rkyv(&p.selected_item, d);
        d.opt(p.spawn_dimension.as_ref());
        d.add(p.spawn_x);
        d.add(p.spawn_y);
        d.add(p.spawn_z);
        d.opt(p.spawn_forced.as_ref().copied());
        d.add(p.sleep_timer);
        d.add(p.food_exhaustion_level);
        d.add(p.food_saturation_level);
        d.add(p.food_tick_timer);
        d.add(p.xp_level);
        d.add(p.xp_p);
        d.add(p.xp_total);
        d.add(p.xp_seed);
        for items in [&p.inventory, &p.ender_items] {
            d.add(items.len());
            items.iter().for_each(|item| touch_item_rkyv(item, d));
        }
        d.add(p.abilities.walk_speed);
        d.add(p.abilities.may_fly);
        d.opt(
            p.entered_nether_position
                .as_ref()
                .map(|position| position.x),
        );
        if let Some(vehicle) = p.root_vehicle.as_ref() {
            d.add(vehicle.uuid.parts[0]);
            touch_entity_rkyv(&vehicle.entity, d);
        }
        let shoulders = [&p.shoulder_entity_left, &p.shoulder_entity_right];
        for entity in shoulders.into_iter().filter_map(|entity| entity.as_ref()) {
            touch_entity_rkyv(entity, d);
        }
        d.add(p.seen_credits);
        let book = &p.recipe_book;
        d.add(book.recipes.len());
        book.recipes.iter().for_each(|recipe| d.add(recipe));
        d.add(book.to_be_displayed.len());
        d.add(book.is_gui_open);
    }
}

fn touch_item_planus(item: gen::ItemRef<'_>, d: &mut Digest) -> PlanusResult {
    d.add(item.count()?);
    d.add(item.slot()?);
    d.add(item.id()?);
    Ok(())
}

fn touch_entity_planus(entity: gen::EntityRef<'_>, d: &mut Digest) -> PlanusResult {
    d.add(entity.id()?);
    d.add(entity.pos()?.x());
    d.add(entity.fire()?);
    d.add(entity.uuid()?.parts_0());
    d.opt(entity.custom_name()?);
    Ok(())
}

/// planus takes no `shared` attribute (it shares every string anyway):
/// `Item.id` and `Entity.id` are ordinary strings to it, the same bytes.
pub const ID_UNSHARED: (&str, &str) = (
    "  id: string (required, shared);\n",
    "  id: string (required);\n",
);

/// planus cannot read a fixed-size array in a struct: its schema spells
/// `Uuid`'s `parts: [uint:4]` as four `uint` fields, the same bytes.
pub const UUID_AS_FIELDS: (&str, &str) = (
    "  parts: [uint:4];\n",
    "  parts_0: uint;\n  parts_1: uint;\n  parts_2: uint;\n  parts_3: uint;\n",
);

/// The root table's own fields, read alike through the full view and the
/// shallow one (whose accessors for them return the same types).
macro_rules! touch_top {
    ($p:ident, $d:ident) => {{
        let (p, d) = ($p, $d);
        d.add(p.game_type() as u8);
        d.add(p.previous_game_type() as u8);
        d.add(p.score());
        d.add(p.dimension());
        d.add(p.selected_item_slot());
        d.opt(p.spawn_dimension());
        d.add(p.spawn_x());
        d.add(p.spawn_y());
        d.add(p.spawn_z());
        d.opt(p.spawn_forced());
        d.add(p.sleep_timer());
        d.add(p.food_exhaustion_level());
        d.add(p.food_saturation_level());
        d.add(p.food_tick_timer());
        d.add(p.xp_level());
        d.add(p.xp_p());
        d.add(p.xp_total());
        d.add(p.xp_seed());
        d.add(p.inventory().len());
        d.add(p.ender_items().len());
        d.add(p.abilities().walk_speed);
        d.add(p.abilities().may_fly);
        d.opt(p.entered_nether_position().map(|position| position.x));
        d.add(p.seen_credits());
    }};
}

impl super::PlanusDataset for Players {
    const NAME: &'static str = <Self as Dataset>::NAME;
    const MESSAGES: usize = <Self as Dataset>::MESSAGES;
    const FBS: &'static str = include_str!("planus_gen/minecraft_savedata.fbs");
    const FBS_EDITS: &'static [(&'static str, &'static str)] = &[UUID_AS_FIELDS, ID_UNSHARED];
    type Record = Player;
    type Owned = gen::Player;
    type Ref<'a> = gen::PlayerRef<'a>;

    fn generate(rng: &mut Seeded) -> Player {
        generate(rng)
    }

    fn touch_top(p: PlayerView<'_>, d: &mut Digest) {
        touch_top!(p, d);
    }

    fn touch_top_shallow(p: PlayerView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(p, d);
    }

    fn touch_full(p: PlayerView<'_>, d: &mut Digest) {
        <Self as Dataset>::touch_view(p, d);
    }

    fn planus_top(p: gen::PlayerRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(p.game_type()? as u8);
        d.add(p.previous_game_type()? as u8);
        d.add(p.score()?);
        d.add(p.dimension()?);
        d.add(p.selected_item_slot()?);
        d.opt(p.spawn_dimension()?);
        d.add(p.spawn_x()?);
        d.add(p.spawn_y()?);
        d.add(p.spawn_z()?);
        d.opt(p.spawn_forced()?);
        d.add(p.sleep_timer()?);
        d.add(p.food_exhaustion_level()?);
        d.add(p.food_saturation_level()?);
        d.add(p.food_tick_timer()?);
        d.add(p.xp_level()?);
        d.add(p.xp_p()?);
        d.add(p.xp_total()?);
        d.add(p.xp_seed()?);
        d.add(p.inventory()?.len());
        d.add(p.ender_items()?.len());
        d.add(p.abilities()?.walk_speed());
        d.add(p.abilities()?.may_fly());
        d.opt(p.entered_nether_position()?.map(|position| position.x()));
        d.add(p.seen_credits()?);
        Ok(())
    }

    /// What `touch_view` touches, in its order.
    fn planus_full(p: gen::PlayerRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(p.game_type()? as u8);
        d.add(p.previous_game_type()? as u8);
        d.add(p.score()?);
        d.add(p.dimension()?);
        d.add(p.selected_item_slot()?);
        touch_item_planus(p.selected_item()?, d)?;
        d.opt(p.spawn_dimension()?);
        d.add(p.spawn_x()?);
        d.add(p.spawn_y()?);
        d.add(p.spawn_z()?);
        d.opt(p.spawn_forced()?);
        d.add(p.sleep_timer()?);
        d.add(p.food_exhaustion_level()?);
        d.add(p.food_saturation_level()?);
        d.add(p.food_tick_timer()?);
        d.add(p.xp_level()?);
        d.add(p.xp_p()?);
        d.add(p.xp_total()?);
        d.add(p.xp_seed()?);
        for items in [p.inventory()?, p.ender_items()?] {
            d.add(items.len());
            for item in items {
                touch_item_planus(item?, d)?;
            }
        }
        d.add(p.abilities()?.walk_speed());
        d.add(p.abilities()?.may_fly());
        d.opt(p.entered_nether_position()?.map(|position| position.x()));
        if let Some(vehicle) = p.root_vehicle()? {
            d.add(vehicle.uuid()?.parts_0());
            touch_entity_planus(vehicle.entity()?, d)?;
        }
        let shoulders = [p.shoulder_entity_left()?, p.shoulder_entity_right()?];
        for entity in shoulders.into_iter().flatten() {
            touch_entity_planus(entity, d)?;
        }
        d.add(p.seen_credits()?);
        let book = p.recipe_book()?;
        d.add(book.recipes()?.len());
        for recipe in book.recipes()? {
            d.add(recipe?);
        }
        d.add(book.to_be_displayed()?.len());
        d.add(book.is_gui_open()?);
        Ok(())
    }
}
