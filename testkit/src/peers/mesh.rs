//! `mesh`: one chunk of 64 triangles per message, about 3 KiB of fixed
//! structs, the bulk-numbers case.

use flatstream::flatbuffers::{
    FlatBufferBuilder, ForwardsUOffset, InvalidFlatbuffer, VOffsetT, Vector, Verifiable, Verifier,
};
use flatstream::StreamSerialize;
use rkyv::Archived;

use super::planus_gen::mesh as gen;
use super::{Dataset, Digest, PlanusResult, Seeded};

/// Triangles per message.
const TRIANGLES: usize = 64;

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
)]
#[flatstream(fixed)]
pub struct Vector3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
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
pub struct Triangle {
    pub v0: Vector3,
    pub v1: Vector3,
    pub v2: Vector3,
    pub normal: Vector3,
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
pub struct Mesh {
    #[flatstream(required)]
    pub triangles: Vec<Triangle>,
}

fn generate(rng: &mut Seeded) -> Mesh {
    let mut vector = || Vector3 {
        x: rng.unit() as f32,
        y: rng.unit() as f32,
        z: rng.unit() as f32,
    };
    Mesh {
        triangles: (0..TRIANGLES)
            .map(|_| Triangle {
                v0: vector(),
                v1: vector(),
                v2: vector(),
                normal: vector(),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// By hand, as flatc generates it for `struct Vector3 { x, y, z: float }
// struct Triangle { v0, v1, v2, normal: Vector3 }
// table Mesh { triangles: [Triangle] (required); }`.

fb_struct! {
    pub struct Vector3Fb([u8; 12], align 4) {
        x: f32 = 0,
        y: f32 = 4,
        z: f32 = 8,
    }
}

fb_struct! {
    pub struct TriangleFb([u8; 48], align 4) {
        v0: Vector3Fb = 0,
        v1: Vector3Fb = 12,
        v2: Vector3Fb = 24,
        normal: Vector3Fb = 36,
    }
}

fb_table! {
    pub struct MeshFb;
}

impl MeshFb<'_> {
    const TRIANGLES: VOffsetT = 4;
}

impl<'a> MeshFb<'a> {
    fn triangles(&self) -> Vector<'a, TriangleFb> {
        self.0
            .required::<ForwardsUOffset<Vector<'a, TriangleFb>>>(Self::TRIANGLES)
    }
}

impl Verifiable for MeshFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<ForwardsUOffset<Vector<'_, TriangleFb>>>(
                "triangles",
                Self::TRIANGLES,
                true,
            )?
            .finish();
        Ok(())
    }
}

fn vector_fb(Vector3 { x, y, z }: Vector3) -> Vector3Fb {
    Vector3Fb::new(x, y, z)
}

fn triangle_fb(triangle: &Triangle) -> TriangleFb {
    TriangleFb::new(
        vector_fb(triangle.v0),
        vector_fb(triangle.v1),
        vector_fb(triangle.v2),
        vector_fb(triangle.normal),
    )
}

fn build(builder: &mut FlatBufferBuilder<'_>, mesh: &Mesh) {
    let triangles = builder.create_vector_from_iter(mesh.triangles.iter().map(triangle_fb));
    let start = builder.start_table();
    builder.push_slot_always(MeshFb::TRIANGLES, triangles);
    let root = builder.end_table(start);
    builder.required(root, MeshFb::TRIANGLES, "triangles");
    builder.finish(root, None);
}

// ---------------------------------------------------------------------------

/// The `mesh` dataset.
pub struct Meshes;

impl Dataset for Meshes {
    const NAME: &'static str = "mesh";
    const MESSAGES: usize = 300;
    type Record = Mesh;

    fn generate(rng: &mut Seeded) -> Mesh {
        generate(rng)
    }

    fn build_flatbuffers(builder: &mut FlatBufferBuilder<'_>, mesh: &Mesh) {
        build(builder, mesh);
    }

    fn read_flatbuffers(payload: &[u8], d: &mut Digest) -> Result<(), InvalidFlatbuffer> {
        let mesh = flatstream::flatbuffers::root::<MeshFb<'_>>(payload)?;
        let triangles = mesh.triangles();
        d.add(triangles.len());
        for t in triangles {
            for v in [t.v0(), t.v1(), t.v2(), t.normal()] {
                d.add(v.x());
                d.add(v.y());
                d.add(v.z());
            }
        }
        Ok(())
    }

    fn touch_view(mesh: MeshView<'_>, d: &mut Digest) {
        let triangles = mesh.triangles();
        d.add(triangles.len());
        for t in triangles {
            for v in [t.v0, t.v1, t.v2, t.normal] {
                d.add(v.x);
                d.add(v.y);
                d.add(v.z);
            }
        }
    }

    fn touch_rkyv(mesh: &Archived<Mesh>, d: &mut Digest) {
        d.add(mesh.triangles.len());
        for t in mesh.triangles.iter() {
            for v in [&t.v0, &t.v1, &t.v2, &t.normal] {
                d.add(v.x);
                d.add(v.y);
                d.add(v.z);
            }
        }
    }
}

/// The root table's own fields, read alike through the full view and the
/// shallow one (whose accessors for them return the same types).
macro_rules! touch_top {
    ($mesh:ident, $d:ident) => {{
        let (mesh, d) = ($mesh, $d);
        d.add(mesh.triangles().len());
    }};
}

impl super::PlanusDataset for Meshes {
    const NAME: &'static str = <Self as Dataset>::NAME;
    const MESSAGES: usize = <Self as Dataset>::MESSAGES;
    const FBS: &'static str = include_str!("planus_gen/mesh.fbs");
    type Record = Mesh;
    type Owned = gen::Mesh;
    type Ref<'a> = gen::MeshRef<'a>;

    fn generate(rng: &mut Seeded) -> Mesh {
        generate(rng)
    }

    /// The one top-level field is the vector: its length.
    fn touch_top(mesh: MeshView<'_>, d: &mut Digest) {
        touch_top!(mesh, d);
    }

    fn touch_top_shallow(mesh: MeshView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(mesh, d);
    }

    fn touch_full(mesh: MeshView<'_>, d: &mut Digest) {
        <Self as Dataset>::touch_view(mesh, d);
    }

    fn planus_top(mesh: gen::MeshRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(mesh.triangles()?.len());
        Ok(())
    }

    fn planus_full(mesh: gen::MeshRef<'_>, d: &mut Digest) -> PlanusResult {
        let triangles = mesh.triangles()?;
        d.add(triangles.len());
        for t in triangles {
            for v in [t.v0(), t.v1(), t.v2(), t.normal()] {
                d.add(v.x());
                d.add(v.y());
                d.add(v.z());
            }
        }
        Ok(())
    }
}
