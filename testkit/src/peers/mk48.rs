//! `mk48`: one game-state update per message, 20 to 40 contacts (each
//! with optional enum and scalar fields, fixed structs and small vectors)
//! and a few terrain updates, about 2.5 KiB, the many-small-tables case.
//!
//! Adapted to what the derive takes: the original's tuples
//! (`position: (f32, f32)`, `chunk_id: (i8, i8)`) are fixed structs, as
//! in its FlatBuffers schema.

use flatstream::flatbuffers::{
    FlatBufferBuilder, ForwardsUOffset, InvalidFlatbuffer, VOffsetT, Vector, Verifiable, Verifier,
    WIPOffset,
};
use flatstream::StreamSerialize;
use rkyv::Archived;

use super::planus_gen::mk48 as gen;
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
pub enum EntityType {
    ArleighBurke,
    Bismarck,
    Clemenceau,
    Fletcher,
    G5,
    Iowa,
    Kolkata,
    Osa,
    Yasen,
    Zubr,
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
pub struct Transform {
    pub altitude: i8,
    pub angle: u16,
    pub position: Vector2f,
    pub velocity: i16,
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
pub struct Guidance {
    pub angle: u16,
    pub submerge: bool,
    pub velocity: i16,
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
pub struct Contact {
    pub damage: u8,
    pub entity_id: u32,
    pub entity_type: Option<EntityType>,
    pub guidance: Guidance,
    pub player_id: Option<u16>,
    #[flatstream(required)]
    pub reloads: Vec<bool>,
    pub transform: Transform,
    #[flatstream(required)]
    pub turret_angles: Vec<u16>,
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
pub struct ChunkId {
    pub x: i8,
    pub y: i8,
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
pub struct TerrainUpdate {
    pub chunk_id: ChunkId,
    pub data: Vec<u8>,
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
pub struct Update {
    #[flatstream(required)]
    pub contacts: Vec<Contact>,
    pub score: u32,
    pub world_radius: f32,
    #[flatstream(required)]
    pub terrain_updates: Vec<TerrainUpdate>,
}

// ---------------------------------------------------------------------------
// Seeded records, shaped like the original's.

/// Each ship type with its relative frequency (in hundredths), turrets
/// and weapons.
const SHIPS: [(EntityType, u64, usize, usize); 10] = [
    (EntityType::ArleighBurke, 214, 1, 20),
    (EntityType::Bismarck, 52, 4, 10),
    (EntityType::Clemenceau, 97, 4, 16),
    (EntityType::Fletcher, 146, 4, 18),
    (EntityType::G5, 1316, 0, 2),
    (EntityType::Iowa, 155, 3, 28),
    (EntityType::Kolkata, 83, 1, 15),
    (EntityType::Osa, 725, 2, 6),
    (EntityType::Yasen, 406, 0, 14),
    (EntityType::Zubr, 1292, 3, 11),
];

/// A ship type drawn by frequency: (type, turrets, weapons).
fn ship(rng: &mut Seeded) -> (EntityType, usize, usize) {
    let total: u64 = SHIPS.iter().map(|ship| ship.1).sum();
    let mut draw = rng.below(total);
    for (entity_type, frequency, turrets, weapons) in SHIPS {
        if draw < frequency {
            return (entity_type, turrets, weapons);
        }
        draw -= frequency;
    }
    unreachable!("the draw is below the total")
}

fn velocity(rng: &mut Seeded) -> i16 {
    match rng.below(100) {
        0..=79 => rng.range(140, 900) as i16,
        80..=89 => 0,
        _ => rng.range(-225, -35) as i16,
    }
}

fn submerge(rng: &mut Seeded, entity_type: EntityType) -> bool {
    entity_type == EntityType::Yasen && rng.chance(0.9)
}

fn contact(rng: &mut Seeded, players: u64) -> Contact {
    let (entity_type, turrets, weapons) = ship(rng);
    let visible = rng.chance(0.7);
    Contact {
        damage: if visible && rng.chance(0.6) {
            0
        } else {
            rng.below(200) as u8
        },
        entity_id: rng.below(players * 20) as u32,
        entity_type: visible.then_some(entity_type),
        guidance: Guidance {
            angle: rng.next_u64() as u16,
            submerge: submerge(rng, entity_type),
            velocity: velocity(rng),
        },
        player_id: visible.then(|| rng.below(players) as u16),
        reloads: if visible {
            let p = rng.unit();
            (0..weapons).map(|_| rng.chance(p)).collect()
        } else {
            Vec::new()
        },
        transform: Transform {
            altitude: if submerge(rng, entity_type) {
                rng.range(-120, -35) as i8
            } else {
                0
            },
            angle: rng.next_u64() as u16,
            position: Vector2f {
                x: rng.range(-750, 750) as f32 + rng.unit() as f32,
                y: rng.range(-750, 750) as f32 + rng.unit() as f32,
            },
            velocity: velocity(rng),
        },
        turret_angles: if visible {
            let base = rng.next_u64() as u16;
            (0..turrets)
                .map(|_| {
                    if rng.chance(0.75) {
                        base.wrapping_add_signed(rng.range(-200, 200) as i16)
                    } else {
                        rng.next_u64() as u16
                    }
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

fn terrain_update(rng: &mut Seeded, radius: i64) -> TerrainUpdate {
    let len = if rng.chance(0.02) {
        rng.range(900, 1100)
    } else {
        rng.range(3, 9)
    };
    TerrainUpdate {
        chunk_id: ChunkId {
            x: rng.range(-radius, radius) as i8,
            y: rng.range(-radius, radius) as i8,
        },
        data: (0..len).map(|_| rng.next_u64() as u8).collect(),
    }
}

fn generate(rng: &mut Seeded) -> Update {
    let players = rng.range(200, 400) as u64;
    let world_radius = (players as f32 * 15000.0).sqrt() + rng.range(-50, 50) as f32;
    let terrain_radius = (world_radius / 1600.0).ceil() as i64;
    Update {
        contacts: (0..rng.range(20, 40))
            .map(|_| contact(rng, players))
            .collect(),
        score: (rng.unit().powi(4) * 5000.0) as u32 + rng.below(50) as u32,
        world_radius,
        terrain_updates: (0..rng.range(3, 10))
            .map(|_| terrain_update(rng, terrain_radius))
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// By hand, as flatc generates it for the schema the derive prints: the
// original's, with `EntityType : ubyte`, `entity_type: EntityType = null`
// and `player_id: ushort = null`.

fb_struct! {
    pub struct Vector2fFb([u8; 8], align 4) {
        x: f32 = 0,
        y: f32 = 4,
    }
}

fb_struct! {
    pub struct TransformFb([u8; 16], align 4) {
        altitude: i8 = 0,
        angle: u16 = 2,
        position: Vector2fFb = 4,
        velocity: i16 = 12,
    }
}

fb_struct! {
    pub struct GuidanceFb([u8; 6], align 2) {
        angle: u16 = 0,
        submerge: bool = 2,
        velocity: i16 = 4,
    }
}

fb_struct! {
    pub struct ChunkIdFb([u8; 2], align 1) {
        x: i8 = 0,
        y: i8 = 1,
    }
}

type Scalars<'a, T> = ForwardsUOffset<Vector<'a, T>>;
type Tables<'a, T> = ForwardsUOffset<Vector<'a, ForwardsUOffset<T>>>;

fb_table! {
    pub struct ContactFb;
}

impl<'a> ContactFb<'a> {
    const DAMAGE: VOffsetT = 4;
    const ENTITY_ID: VOffsetT = 6;
    const ENTITY_TYPE: VOffsetT = 8;
    const GUIDANCE: VOffsetT = 10;
    const PLAYER_ID: VOffsetT = 12;
    const RELOADS: VOffsetT = 14;
    const TRANSFORM: VOffsetT = 16;
    const TURRET_ANGLES: VOffsetT = 18;

    fn damage(&self) -> u8 {
        self.0.scalar(Self::DAMAGE, 0)
    }
    fn entity_id(&self) -> u32 {
        self.0.scalar(Self::ENTITY_ID, 0)
    }
    fn entity_type(&self) -> Option<u8> {
        self.0.get::<u8>(Self::ENTITY_TYPE)
    }
    fn guidance(&self) -> &'a GuidanceFb {
        self.0.required::<GuidanceFb>(Self::GUIDANCE)
    }
    fn player_id(&self) -> Option<u16> {
        self.0.get::<u16>(Self::PLAYER_ID)
    }
    fn reloads(&self) -> Vector<'a, bool> {
        self.0.required::<Scalars<'a, bool>>(Self::RELOADS)
    }
    fn transform(&self) -> &'a TransformFb {
        self.0.required::<TransformFb>(Self::TRANSFORM)
    }
    fn turret_angles(&self) -> Vector<'a, u16> {
        self.0.required::<Scalars<'a, u16>>(Self::TURRET_ANGLES)
    }
}

impl Verifiable for ContactFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<u8>("damage", Self::DAMAGE, false)?
            .visit_field::<u32>("entity_id", Self::ENTITY_ID, false)?
            .visit_field::<u8>("entity_type", Self::ENTITY_TYPE, false)?
            .visit_field::<GuidanceFb>("guidance", Self::GUIDANCE, true)?
            .visit_field::<u16>("player_id", Self::PLAYER_ID, false)?
            .visit_field::<Scalars<'_, bool>>("reloads", Self::RELOADS, true)?
            .visit_field::<TransformFb>("transform", Self::TRANSFORM, true)?
            .visit_field::<Scalars<'_, u16>>("turret_angles", Self::TURRET_ANGLES, true)?
            .finish();
        Ok(())
    }
}

/// Children first, then the fields largest first (wider than 4 bytes,
/// 4-byte, 2-byte, 1-byte, each in declaration order, as the derive
/// does), defaults omitted.
fn build_contact<'b>(builder: &mut FlatBufferBuilder<'b>, c: &Contact) -> WIPOffset<ContactFb<'b>> {
    let reloads = builder.create_vector(&c.reloads);
    let turret_angles = builder.create_vector(&c.turret_angles);
    let Guidance {
        angle,
        submerge,
        velocity,
    } = c.guidance;
    let guidance = GuidanceFb::new(angle, submerge, velocity);
    let t = &c.transform;
    let position = Vector2fFb::new(t.position.x, t.position.y);
    let transform = TransformFb::new(t.altitude, t.angle, position, t.velocity);

    let start = builder.start_table();
    builder.push_slot_always(ContactFb::GUIDANCE, guidance);
    builder.push_slot_always(ContactFb::TRANSFORM, transform);
    builder.push_slot::<u32>(ContactFb::ENTITY_ID, c.entity_id, 0);
    builder.push_slot_always(ContactFb::RELOADS, reloads);
    builder.push_slot_always(ContactFb::TURRET_ANGLES, turret_angles);
    if let Some(player_id) = c.player_id {
        builder.push_slot_always::<u16>(ContactFb::PLAYER_ID, player_id);
    }
    builder.push_slot::<u8>(ContactFb::DAMAGE, c.damage, 0);
    if let Some(entity_type) = c.entity_type {
        builder.push_slot_always::<u8>(ContactFb::ENTITY_TYPE, entity_type as u8);
    }
    let contact = builder.end_table(start);
    builder.required(contact, ContactFb::RELOADS, "reloads");
    builder.required(contact, ContactFb::TURRET_ANGLES, "turret_angles");
    WIPOffset::new(contact.value())
}

fb_table! {
    pub struct TerrainUpdateFb;
}

impl<'a> TerrainUpdateFb<'a> {
    const CHUNK_ID: VOffsetT = 4;
    const DATA: VOffsetT = 6;

    fn chunk_id(&self) -> &'a ChunkIdFb {
        self.0.required::<ChunkIdFb>(Self::CHUNK_ID)
    }
    fn data(&self) -> &'a [u8] {
        let data = self.0.get::<Scalars<'a, u8>>(Self::DATA);
        data.map_or(&[], |data| data.bytes())
    }
}

impl Verifiable for TerrainUpdateFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<ChunkIdFb>("chunk_id", Self::CHUNK_ID, true)?
            .visit_field::<Scalars<'_, u8>>("data", Self::DATA, false)?
            .finish();
        Ok(())
    }
}

fn build_terrain_update<'b>(
    builder: &mut FlatBufferBuilder<'b>,
    update: &TerrainUpdate,
) -> WIPOffset<TerrainUpdateFb<'b>> {
    let data = builder.create_vector(&update.data);
    let ChunkId { x, y } = update.chunk_id;
    let start = builder.start_table();
    builder.push_slot_always(TerrainUpdateFb::DATA, data);
    builder.push_slot_always(TerrainUpdateFb::CHUNK_ID, ChunkIdFb::new(x, y));
    WIPOffset::new(builder.end_table(start).value())
}

fb_table! {
    pub struct UpdateFb;
}

impl<'a> UpdateFb<'a> {
    const CONTACTS: VOffsetT = 4;
    const SCORE: VOffsetT = 6;
    const WORLD_RADIUS: VOffsetT = 8;
    const TERRAIN_UPDATES: VOffsetT = 10;

    fn contacts(&self) -> Vector<'a, ForwardsUOffset<ContactFb<'a>>> {
        self.0.required::<Tables<'a, ContactFb<'a>>>(Self::CONTACTS)
    }
    fn score(&self) -> u32 {
        self.0.scalar(Self::SCORE, 0)
    }
    fn world_radius(&self) -> f32 {
        self.0.scalar(Self::WORLD_RADIUS, 0.0)
    }
    fn terrain_updates(&self) -> Vector<'a, ForwardsUOffset<TerrainUpdateFb<'a>>> {
        self.0
            .required::<Tables<'a, TerrainUpdateFb<'a>>>(Self::TERRAIN_UPDATES)
    }
}

impl Verifiable for UpdateFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<Tables<'_, ContactFb<'_>>>("contacts", Self::CONTACTS, true)?
            .visit_field::<u32>("score", Self::SCORE, false)?
            .visit_field::<f32>("world_radius", Self::WORLD_RADIUS, false)?
            .visit_field::<Tables<'_, TerrainUpdateFb<'_>>>(
                "terrain_updates",
                Self::TERRAIN_UPDATES,
                true,
            )?
            .finish();
        Ok(())
    }
}

fn build(builder: &mut FlatBufferBuilder<'_>, update: &Update) {
    let contacts: Vec<_> = update
        .contacts
        .iter()
        .map(|contact| build_contact(builder, contact))
        .collect();
    let contacts = builder.create_vector(&contacts);
    let terrain_updates: Vec<_> = update
        .terrain_updates
        .iter()
        .map(|terrain_update| build_terrain_update(builder, terrain_update))
        .collect();
    let terrain_updates = builder.create_vector(&terrain_updates);

    let start = builder.start_table();
    builder.push_slot_always(UpdateFb::CONTACTS, contacts);
    builder.push_slot::<u32>(UpdateFb::SCORE, update.score, 0);
    builder.push_slot::<f32>(UpdateFb::WORLD_RADIUS, update.world_radius, 0.0);
    builder.push_slot_always(UpdateFb::TERRAIN_UPDATES, terrain_updates);
    let root = builder.end_table(start);
    builder.required(root, UpdateFb::CONTACTS, "contacts");
    builder.required(root, UpdateFb::TERRAIN_UPDATES, "terrain_updates");
    builder.finish(root, None);
}

// ---------------------------------------------------------------------------

/// The `mk48` dataset.
pub struct Updates;

impl Dataset for Updates {
    const NAME: &'static str = "mk48";
    const MESSAGES: usize = 100;
    type Record = Update;

    fn generate(rng: &mut Seeded) -> Update {
        generate(rng)
    }

    fn build_flatbuffers(builder: &mut FlatBufferBuilder<'_>, update: &Update) {
        build(builder, update);
    }

    fn read_flatbuffers(payload: &[u8], d: &mut Digest) -> Result<(), InvalidFlatbuffer> {
        let update = flatstream::flatbuffers::root::<UpdateFb<'_>>(payload)?;
        d.add(update.contacts().len());
        for c in update.contacts() {
            d.add(c.damage());
            d.add(c.entity_id());
            d.opt(c.entity_type());
            d.add(c.guidance().angle());
            d.opt(c.player_id());
            d.add(c.reloads().len());
            d.add(c.transform().position().x());
            c.turret_angles().iter().for_each(|angle| d.add(angle));
        }
        d.add(update.score());
        d.add(update.world_radius());
        d.add(update.terrain_updates().len());
        for t in update.terrain_updates() {
            d.add(t.chunk_id().x());
            d.add(t.data());
        }
        Ok(())
    }

    fn touch_view(update: UpdateView<'_>, d: &mut Digest) {
        d.add(update.contacts().len());
        for c in update.contacts() {
            d.add(c.damage());
            d.add(c.entity_id());
            d.opt(c.entity_type().map(|t| t as u8));
            d.add(c.guidance().angle);
            d.opt(c.player_id());
            d.add(c.reloads().len());
            d.add(c.transform().position.x);
            c.turret_angles().iter().for_each(|angle| d.add(angle));
        }
        d.add(update.score());
        d.add(update.world_radius());
        d.add(update.terrain_updates().len());
        for t in update.terrain_updates() {
            d.add(t.chunk_id().x);
            d.add(t.data());
        }
    }

    fn touch_rkyv(update: &Archived<Update>, d: &mut Digest) {
        d.add(update.contacts.len());
        for c in update.contacts.iter() {
            d.add(c.damage);
            d.add(c.entity_id);
            d.opt(c.entity_type.as_ref().map(|&t| t as u8));
            d.add(c.guidance.angle);
            d.opt(c.player_id.as_ref());
            d.add(c.reloads.len());
            d.add(c.transform.position.x);
            c.turret_angles.iter().for_each(|angle| d.add(angle));
        }
        d.add(update.score);
        d.add(update.world_radius);
        d.add(update.terrain_updates.len());
        for t in update.terrain_updates.iter() {
            d.add(t.chunk_id.x);
            d.add(t.data.as_slice());
        }
    }
}

/// The root table's own fields, read alike through the full view and the
/// shallow one (whose accessors for them return the same types).
macro_rules! touch_top {
    ($update:ident, $d:ident) => {{
        let (update, d) = ($update, $d);
        d.add(update.contacts().len());
        d.add(update.score());
        d.add(update.world_radius());
        d.add(update.terrain_updates().len());
    }};
}

impl super::PlanusDataset for Updates {
    const NAME: &'static str = <Self as Dataset>::NAME;
    const MESSAGES: usize = <Self as Dataset>::MESSAGES;
    const FBS: &'static str = include_str!("planus_gen/mk48.fbs");
    type Record = Update;
    type Owned = gen::Update;
    type Ref<'a> = gen::UpdateRef<'a>;

    fn generate(rng: &mut Seeded) -> Update {
        generate(rng)
    }

    fn touch_top(update: UpdateView<'_>, d: &mut Digest) {
        touch_top!(update, d);
    }

    fn touch_top_shallow(update: UpdateView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(update, d);
    }

    fn touch_full(update: UpdateView<'_>, d: &mut Digest) {
        <Self as Dataset>::touch_view(update, d);
    }

    fn planus_top(update: gen::UpdateRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(update.contacts()?.len());
        d.add(update.score()?);
        d.add(update.world_radius()?);
        d.add(update.terrain_updates()?.len());
        Ok(())
    }

    fn planus_full(update: gen::UpdateRef<'_>, d: &mut Digest) -> PlanusResult {
        let contacts = update.contacts()?;
        d.add(contacts.len());
        for c in contacts {
            let c = c?;
            d.add(c.damage()?);
            d.add(c.entity_id()?);
            d.opt(c.entity_type()?.map(|t| t as u8));
            d.add(c.guidance()?.angle());
            d.opt(c.player_id()?);
            d.add(c.reloads()?.len());
            d.add(c.transform()?.position().x());
            for angle in c.turret_angles()? {
                d.add(angle);
            }
        }
        d.add(update.score()?);
        d.add(update.world_radius()?);
        let terrain_updates = update.terrain_updates()?;
        d.add(terrain_updates.len());
        for t in terrain_updates {
            let t = t?;
            d.add(t.chunk_id()?.x());
            d.add(t.data()?.unwrap_or_default());
        }
        Ok(())
    }
}
