//! `log`: one HTTP access-log record per message, about 100 bytes of
//! payload, the small-record case.

use flatstream::flatbuffers::{
    FlatBufferBuilder, ForwardsUOffset, InvalidFlatbuffer, VOffsetT, Verifiable, Verifier,
};
use flatstream::StreamSerialize;
use rkyv::Archived;

use super::planus_gen::log as gen;
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
)]
#[flatstream(fixed)]
pub struct Address {
    pub x0: u8,
    pub x1: u8,
    pub x2: u8,
    pub x3: u8,
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
pub struct Log {
    pub address: Address,
    #[flatstream(required)]
    pub identity: String,
    #[flatstream(required)]
    pub userid: String,
    #[flatstream(required)]
    pub date: String,
    #[flatstream(required)]
    pub request: String,
    pub code: u16,
    pub size: u64,
}

const USERIDS: [&str; 9] = [
    "-", "alice", "bob", "carmen", "david", "eric", "frank", "george", "harry",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const CODES: [u16; 14] = [
    200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 429, 500, 502, 503,
];
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "UPDATE", "DELETE"];
const ROUTES: [&str; 7] = [
    "/favicon.ico",
    "/css/index.css",
    "/css/font-awsome.min.css",
    "/img/logo-full.svg",
    "/img/splash.jpg",
    "/api/login",
    "/api/logout",
];
const PROTOCOLS: [&str; 4] = ["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"];

fn generate(rng: &mut Seeded) -> Log {
    let byte = |rng: &mut Seeded| rng.below(256) as u8;
    let timezone = rng.range(-12, 13) * 100;
    Log {
        address: Address {
            x0: byte(rng),
            x1: byte(rng),
            x2: byte(rng),
            x3: byte(rng),
        },
        identity: "-".into(),
        userid: rng.pick(&USERIDS).to_string(),
        date: format!(
            "{}/{}/{}:{:02}:{:02}:{:02} {timezone:+05}",
            rng.range(1, 29),
            rng.pick(&MONTHS),
            rng.range(1970, 2022),
            rng.below(24),
            rng.below(60),
            rng.below(60),
        ),
        request: format!(
            "{} {} {}",
            rng.pick(&METHODS),
            rng.pick(&ROUTES),
            rng.pick(&PROTOCOLS),
        ),
        code: *rng.pick(&CODES),
        size: rng.below(100_000_000),
    }
}

// ---------------------------------------------------------------------------
// By hand, as flatc generates it for
// `struct Address { x0..x3: ubyte } table Log { address: Address;
// identity, userid, date, request: string (required); code: ushort;
// size: ulong; }`.

fb_struct! {
    pub struct AddressFb([u8; 4], align 1) {
        x0: u8 = 0,
        x1: u8 = 1,
        x2: u8 = 2,
        x3: u8 = 3,
    }
}

fb_table! {
    pub struct LogFb;
}

impl LogFb<'_> {
    const ADDRESS: VOffsetT = 4;
    const IDENTITY: VOffsetT = 6;
    const USERID: VOffsetT = 8;
    const DATE: VOffsetT = 10;
    const REQUEST: VOffsetT = 12;
    const CODE: VOffsetT = 14;
    const SIZE: VOffsetT = 16;
}

impl<'a> LogFb<'a> {
    fn address(&self) -> &'a AddressFb {
        self.0.required::<AddressFb>(Self::ADDRESS)
    }
    fn identity(&self) -> &'a str {
        self.0.required::<ForwardsUOffset<&str>>(Self::IDENTITY)
    }
    fn userid(&self) -> &'a str {
        self.0.required::<ForwardsUOffset<&str>>(Self::USERID)
    }
    fn date(&self) -> &'a str {
        self.0.required::<ForwardsUOffset<&str>>(Self::DATE)
    }
    fn request(&self) -> &'a str {
        self.0.required::<ForwardsUOffset<&str>>(Self::REQUEST)
    }
    fn code(&self) -> u16 {
        self.0.scalar(Self::CODE, 0)
    }
    fn size(&self) -> u64 {
        self.0.scalar(Self::SIZE, 0)
    }
}

impl Verifiable for LogFb<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
        v.visit_table(pos)?
            .visit_field::<AddressFb>("address", Self::ADDRESS, true)?
            .visit_field::<ForwardsUOffset<&str>>("identity", Self::IDENTITY, true)?
            .visit_field::<ForwardsUOffset<&str>>("userid", Self::USERID, true)?
            .visit_field::<ForwardsUOffset<&str>>("date", Self::DATE, true)?
            .visit_field::<ForwardsUOffset<&str>>("request", Self::REQUEST, true)?
            .visit_field::<u16>("code", Self::CODE, false)?
            .visit_field::<u64>("size", Self::SIZE, false)?
            .finish();
        Ok(())
    }
}

/// Children first, then the table's fields largest first (8-byte, 4-byte,
/// 2-byte, 1-byte, each in declaration order, as the derive does), defaults
/// omitted.
fn build(builder: &mut FlatBufferBuilder<'_>, log: &Log) {
    let identity = builder.create_string(&log.identity);
    let userid = builder.create_string(&log.userid);
    let date = builder.create_string(&log.date);
    let request = builder.create_string(&log.request);
    let Address { x0, x1, x2, x3 } = log.address;

    let start = builder.start_table();
    builder.push_slot::<u64>(LogFb::SIZE, log.size, 0);
    builder.push_slot_always(LogFb::ADDRESS, AddressFb::new(x0, x1, x2, x3));
    builder.push_slot_always(LogFb::IDENTITY, identity);
    builder.push_slot_always(LogFb::USERID, userid);
    builder.push_slot_always(LogFb::DATE, date);
    builder.push_slot_always(LogFb::REQUEST, request);
    builder.push_slot::<u16>(LogFb::CODE, log.code, 0);
    let root = builder.end_table(start);
    builder.required(root, LogFb::IDENTITY, "identity");
    builder.required(root, LogFb::USERID, "userid");
    builder.required(root, LogFb::DATE, "date");
    builder.required(root, LogFb::REQUEST, "request");
    builder.finish(root, None);
}

// ---------------------------------------------------------------------------

/// The `log` dataset.
pub struct Logs;

/// The root table's own fields, read alike through the full view, the
/// shallow one (whose accessors for them return the same types) and the
/// hand-written `flatbuffers` accessors.
macro_rules! touch_top {
    ($log:ident, $d:ident) => {{
        let (log, d) = ($log, $d);
        d.add(log.identity());
        d.add(log.userid());
        d.add(log.date());
        d.add(log.request());
        d.add(log.code());
        d.add(log.size());
    }};
}

impl Dataset for Logs {
    const NAME: &'static str = "log";
    const MESSAGES: usize = 1000;
    type Record = Log;

    fn generate(rng: &mut Seeded) -> Log {
        generate(rng)
    }

    fn build_flatbuffers(builder: &mut FlatBufferBuilder<'_>, log: &Log) {
        build(builder, log);
    }

    fn read_flatbuffers(payload: &[u8], d: &mut Digest) -> Result<(), InvalidFlatbuffer> {
        let log = flatstream::flatbuffers::root::<LogFb<'_>>(payload)?;
        let address = log.address();
        d.add(address.x0());
        d.add(address.x3());
        touch_top!(log, d);
        Ok(())
    }

    fn touch_view(log: LogView<'_>, d: &mut Digest) {
        let address = log.address();
        d.add(address.x0);
        d.add(address.x3);
        touch_top!(log, d);
    }

    fn touch_rkyv(log: &Archived<Log>, d: &mut Digest) {
        d.add(log.address.x0);
        d.add(log.address.x3);
        d.add(&log.identity);
        d.add(&log.userid);
        d.add(&log.date);
        d.add(&log.request);
        d.add(log.code);
        d.add(log.size);
    }
}

impl super::PlanusDataset for Logs {
    const NAME: &'static str = <Self as Dataset>::NAME;
    const MESSAGES: usize = <Self as Dataset>::MESSAGES;
    const FBS: &'static str = include_str!("planus_gen/log.fbs");
    type Record = Log;
    type Owned = gen::Log;
    type Ref<'a> = gen::LogRef<'a>;

    fn generate(rng: &mut Seeded) -> Log {
        generate(rng)
    }

    fn touch_top(log: LogView<'_>, d: &mut Digest) {
        touch_top!(log, d);
    }

    fn touch_top_shallow(log: LogView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(log, d);
    }

    fn touch_full(log: LogView<'_>, d: &mut Digest) {
        <Self as Dataset>::touch_view(log, d);
    }

    fn planus_top(log: gen::LogRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(log.identity()?);
        d.add(log.userid()?);
        d.add(log.date()?);
        d.add(log.request()?);
        d.add(log.code()?);
        d.add(log.size()?);
        Ok(())
    }

    fn planus_full(log: gen::LogRef<'_>, d: &mut Digest) -> PlanusResult {
        let address = log.address()?;
        d.add(address.x0());
        d.add(address.x3());
        Self::planus_top(log, d)
    }
}
