//! `SchemaDoc::to_json` against `flatc --json --strict-json --raw-binary`:
//! the same schema and payload give the same JSON, value for value, for
//! the committed interop schemas, for generated values of every field kind
//! written by derived types, and for payloads flatc itself builds from JSON
//! (absent keys, deprecated fields, unknown enum values, bit flags, forced
//! alignment, explicit union tags). Hostile bytes give errors, never
//! panics.
//!
//! Needs `flatc` (Debian: `flatbuffers-compiler`); without it the flatc
//! comparisons are skipped locally and fail when `CI=true`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use flatstream::schema::SchemaDoc;
use flatstream::{Error, StreamSerialize, VerifyErrorKind};
use flatstream_testkit::interop as types;
use flatstream_testkit::streams::payload_of;
use flatstream_testkit::tools::{self, run};
use proptest::prelude::*;

// ---------------------------------------------------------------- flatc

fn flatc_available() -> bool {
    tools::flatc_available("the flatc comparison")
}

/// flatc's JSON of each payload, in one run.
fn flatc_json(schema: &str, payloads: &[Vec<u8>]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let fbs = dir.path().join("schema.fbs");
    std::fs::write(&fbs, schema).unwrap();
    let mut command = Command::new("flatc");
    command
        .args(["--json", "--strict-json", "--raw-binary", "-o"])
        .arg(dir.path().join("out"))
        .arg(&fbs)
        .arg("--");
    for (i, payload) in payloads.iter().enumerate() {
        let path = dir.path().join(format!("p{i}.bin"));
        std::fs::write(&path, payload).unwrap();
        command.arg(path);
    }
    run(&mut command);
    (0..payloads.len())
        .map(|i| std::fs::read_to_string(dir.path().join(format!("out/p{i}.json"))).unwrap())
        .collect()
}

/// The payload flatc builds from `json` with `schema`.
fn flatc_binary(schema: &str, json: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.fbs"), schema).unwrap();
    std::fs::write(dir.path().join("data.json"), json).unwrap();
    run(Command::new("flatc")
        .arg("-b")
        .arg("-o")
        .arg(dir.path())
        .arg(dir.path().join("schema.fbs"))
        .arg(dir.path().join("data.json")));
    std::fs::read(dir.path().join("data.bin")).unwrap()
}

fn ours(doc: &SchemaDoc, payload: &[u8]) -> String {
    let mut out = String::new();
    doc.to_json(None, payload, &mut out)
        .unwrap_or_else(|e| panic!("to_json: {e}"));
    assert!(!out.contains('\n'), "one line: {out}");
    out
}

/// Compares our JSON of every payload with flatc's.
fn compare_with_flatc(schema: &str, payloads: &[Vec<u8>]) {
    let doc = SchemaDoc::parse(schema).unwrap();
    let theirs = flatc_json(schema, payloads);
    for (i, (payload, theirs)) in payloads.iter().zip(&theirs).enumerate() {
        let ours = ours(&doc, payload);
        let a = Json::parse(&ours).unwrap_or_else(|e| panic!("ours is not JSON ({e}): {ours}"));
        // Our output is standard JSON, so serde_json reads it too: the
        // reader below must see in it what serde_json sees.
        let reference: serde_json::Value = serde_json::from_str(&ours)
            .unwrap_or_else(|e| panic!("serde_json cannot read ours ({e}): {ours}"));
        if let Err(at) = a.agrees_with(&reference, "$") {
            panic!("the test's JSON reader misread payload {i} at {at}: {ours}");
        }
        let b = Json::parse(theirs).unwrap_or_else(|e| panic!("flatc's ({e}): {theirs}"));
        if let Err(at) = a.same_as(&b, "$") {
            panic!("payload {i} differs at {at}\n ours: {ours}\nflatc: {theirs}");
        }
    }
}

// ----------------------------------------------- a small JSON reader

/// JSON as read for comparison: numbers kept as their text; flatc's bare
/// `nan`/`inf`/`-inf` read as numbers.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn parse(text: &str) -> Result<Json, String> {
        let mut reader = JsonReader {
            chars: text.chars().collect(),
            pos: 0,
        };
        let value = reader.value()?;
        reader.space();
        if reader.pos != reader.chars.len() {
            return Err(format!("trailing text at {}", reader.pos));
        }
        Ok(value)
    }

    /// `Ok` when equal; floats within what flatc's 6 (`float`) or 12
    /// (`double`) decimals keep.
    fn same_as(&self, other: &Json, at: &str) -> Result<(), String> {
        let differs = || Err(format!("{at}: {self:?} vs {other:?}"));
        match (self, other) {
            (Json::Null, Json::Null) => Ok(()),
            (Json::Bool(a), Json::Bool(b)) if a == b => Ok(()),
            (Json::Str(a), Json::Str(b)) if a == b => Ok(()),
            // We print non-finite floats as strings; flatc bare.
            (Json::Str(a), Json::Num(b)) if a == b => Ok(()),
            (Json::Num(a), Json::Num(b)) => {
                if same_number(a, b) {
                    Ok(())
                } else {
                    differs()
                }
            }
            (Json::Arr(a), Json::Arr(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    x.same_as(y, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            (Json::Obj(a), Json::Obj(b)) => {
                let keys =
                    |o: &[(String, Json)]| o.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
                if keys(a) != keys(b) {
                    return Err(format!("{at}: keys {:?} vs {:?}", keys(a), keys(b)));
                }
                for ((key, x), (_, y)) in a.iter().zip(b) {
                    x.same_as(y, &format!("{at}.{key}"))?;
                }
                Ok(())
            }
            _ => differs(),
        }
    }
}

impl Json {
    /// `Ok` when `reference`, the same text read by serde_json, holds the
    /// same values, items and keys (serde_json orders an object's keys).
    fn agrees_with(&self, reference: &serde_json::Value, at: &str) -> Result<(), String> {
        use serde_json::Value;
        let agrees = match (self, reference) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Str(a), Value::String(b)) => a == b,
            (Json::Num(a), Value::Number(b)) => match (b.as_i64(), b.as_u64()) {
                (Some(b), _) => a.parse::<i64>() == Ok(b),
                (None, Some(b)) => a.parse::<u64>() == Ok(b),
                (None, None) => a.parse::<f64>().ok() == b.as_f64(),
            },
            (Json::Arr(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    x.agrees_with(y, &format!("{at}[{i}]"))?;
                }
                true
            }
            (Json::Obj(a), Value::Object(b)) if a.len() == b.len() => {
                for (key, x) in a {
                    let y = b.get(key).ok_or_else(|| format!("{at}: no key {key:?}"))?;
                    x.agrees_with(y, &format!("{at}.{key}"))?;
                }
                true
            }
            _ => false,
        };
        if agrees {
            Ok(())
        } else {
            Err(format!("{at}: {self:?} vs {reference}"))
        }
    }
}

fn is_float_text(text: &str) -> bool {
    text.contains(['.', 'e', 'E']) || text.contains("nan") || text.contains("inf")
}

fn same_number(ours: &str, theirs: &str) -> bool {
    if ours == theirs {
        return true;
    }
    if is_float_text(ours) != is_float_text(theirs) {
        return false;
    }
    if !is_float_text(ours) {
        return ours.parse::<i128>().ok() == theirs.parse::<i128>().ok();
    }
    let (Ok(a), Ok(b)) = (ours.parse::<f64>(), theirs.parse::<f64>()) else {
        return false;
    };
    // flatc prints a float with 6 decimals and a double with 12, in fixed
    // notation: a rounded value, or (for large numbers) the exact one.
    a == b || (a as f32) == (b as f32) || (a - b).abs() <= 5.01e-7
}

struct JsonReader {
    chars: Vec<char>,
    pos: usize,
}

impl JsonReader {
    fn space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.space();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_alphanumeric() || "+-.".contains(*c))
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// The `,`-separated items up to `close`, each read by `item`, after
    /// the opening bracket.
    fn list<T>(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(close) {
                return Ok(items);
            }
            if !self.eat(',') {
                return Err(format!("`,` expected at {}", self.pos));
            }
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.space();
        match self.chars.get(self.pos) {
            Some('{') => {
                self.pos += 1;
                let members = self.list('}', |reader| {
                    reader.space();
                    let Json::Str(key) = reader.value()? else {
                        return Err(format!("key expected at {}", reader.pos));
                    };
                    if !reader.eat(':') {
                        return Err(format!("`:` expected at {}", reader.pos));
                    }
                    Ok((key, reader.value()?))
                })?;
                Ok(Json::Obj(members))
            }
            Some('[') => {
                self.pos += 1;
                Ok(Json::Arr(self.list(']', Self::value)?))
            }
            Some('"') => {
                self.pos += 1;
                let mut text = String::new();
                let mut units: Vec<u16> = Vec::new();
                loop {
                    let c = *self.chars.get(self.pos).ok_or("unterminated string")?;
                    self.pos += 1;
                    if c != '\\' || self.chars.get(self.pos) != Some(&'u') {
                        text.push_str(&String::from_utf16(&units).map_err(|e| e.to_string())?);
                        units.clear();
                    }
                    match c {
                        '"' => return Ok(Json::Str(text)),
                        '\\' => {
                            let e = *self.chars.get(self.pos).ok_or("bad escape")?;
                            self.pos += 1;
                            match e {
                                'n' => text.push('\n'),
                                't' => text.push('\t'),
                                'r' => text.push('\r'),
                                'b' => text.push('\u{8}'),
                                'f' => text.push('\u{c}'),
                                'u' => {
                                    let hex: String =
                                        self.chars[self.pos..self.pos + 4].iter().collect();
                                    self.pos += 4;
                                    units.push(
                                        u16::from_str_radix(&hex, 16).map_err(|e| e.to_string())?,
                                    );
                                }
                                other => text.push(other),
                            }
                        }
                        c if u32::from(c) < 0x20 => return Err("raw control character".into()),
                        c => text.push(c),
                    }
                }
            }
            Some(_) => match self.word().as_str() {
                "null" => Ok(Json::Null),
                "true" => Ok(Json::Bool(true)),
                "false" => Ok(Json::Bool(false)),
                "" => Err(format!("value expected at {}", self.pos)),
                number => Ok(Json::Num(number.to_owned())),
            },
            None => Err("unexpected end".into()),
        }
    }
}

fn committed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

// ------------------------------------------- the committed schemas

#[test]
fn interop_schemas_match_flatc() {
    if !flatc_available() {
        return;
    }
    let monsters: Vec<Vec<u8>> = (0..8)
        .map(|i| payload_of(&types::sample_monster(i)))
        .collect();
    compare_with_flatc(&committed("monster.fbs"), &monsters);

    let events: Vec<Vec<u8>> = (0..9)
        .map(|i| payload_of(&types::sample_event(i)))
        .collect();
    compare_with_flatc(&committed("event.fbs"), &events);

    // The telemetry event of the API, with its exported schema.
    use flatstream_testkit::telemetry::{self, Event};
    let telemetry: Vec<Vec<u8>> = telemetry::events(24).iter().map(payload_of).collect();
    compare_with_flatc(&flatstream::schema::<Event>(), &telemetry);
}

// ---------------------------------- generated values of every kind

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[flatstream(namespace = "gen.kinds")]
#[repr(u16)]
pub enum Shade {
    Light = 1,
    Dark = 7,
    Pitch = 300,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[flatstream(namespace = "gen.kinds")]
#[repr(i8)]
pub enum Sign {
    Minus = -1,
    Zero = 0,
    Plus = 1,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed, namespace = "gen.kinds")]
pub struct Inner {
    pub flag: bool,
    pub wide: u64,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed, namespace = "gen.kinds")]
pub struct Outer {
    pub tiny: i8,
    pub inner: Inner,
    pub half: f32,
    pub sign: Sign,
    pub grid: [u16; 3],
    pub pair: [Inner; 2],
    pub signs: [Sign; 2],
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "gen.kinds")]
pub struct Leaf {
    pub label: String,
    pub weight: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "gen.kinds")]
pub struct Node {
    pub leaf: Option<Leaf>,
    pub children: Vec<Leaf>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "gen.kinds")]
pub enum Payload {
    Leaf(Leaf),
    Node(Node),
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "gen.kinds", file_identifier = "KIND")]
pub struct Kinds {
    pub b: bool,
    pub i8_: i8,
    pub u8_: u8,
    pub i16_: i16,
    pub u16_: u16,
    pub i32_: i32,
    pub u32_: u32,
    pub i64_: i64,
    pub u64_: u64,
    pub f32_: f32,
    pub f64_: f64,
    #[flatstream(default = 42)]
    pub with_default: i32,
    pub maybe: Option<i64>,
    pub maybe_float: Option<f32>,
    pub text: String,
    pub maybe_text: Option<String>,
    pub bytes: Vec<u8>,
    pub shorts: Vec<i16>,
    pub longs: Vec<u64>,
    pub doubles: Vec<f64>,
    pub floats: Vec<f32>,
    pub bools: Vec<bool>,
    pub strings: Vec<String>,
    pub leaves: Vec<Leaf>,
    pub outers: Vec<Outer>,
    pub shades: Vec<Shade>,
    pub shade: Shade,
    pub sign: Sign,
    pub outer: Outer,
    pub maybe_outer: Option<Outer>,
    pub node: Option<Node>,
    pub payload: Payload,
    pub maybe_payload: Option<Payload>,
    /// Written once per message each: flatc must read the shared offsets.
    #[flatstream(shared)]
    pub tag: String,
    #[flatstream(shared)]
    pub tags: Vec<String>,
    #[flatstream(shared)]
    pub maybe_tags: Option<Vec<String>>,
}

/// Deterministic values with the edges of every type.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        flatstream_testkit::splitmix64(&mut self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Mostly random bits, sometimes 0, MIN or MAX.
    fn bits(&mut self) -> u64 {
        match self.below(8) {
            0 => 0,
            1 => u64::MAX,
            2 => 1 << 63,
            3 => self.below(256),
            _ => self.next(),
        }
    }

    fn f64(&mut self) -> f64 {
        match self.below(10) {
            0 => 0.0,
            1 => -0.0,
            2 => f64::MAX,
            3 => f64::MIN_POSITIVE,
            4 => 5e-324,
            5 => f64::INFINITY,
            6 => (self.below(2_000_000) as f64 - 1e6) / 64.0,
            _ => {
                let value = f64::from_bits(self.next());
                if value.is_nan() {
                    f64::NEG_INFINITY
                } else {
                    value
                }
            }
        }
    }

    fn f32(&mut self) -> f32 {
        match self.below(10) {
            0 => 0.0,
            1 => -0.0,
            2 => f32::MAX,
            3 => f32::MIN_POSITIVE,
            4 => 1e-45,
            5 => f32::NAN,
            6 => (self.below(2_000_000) as f32 - 1e6) / 64.0,
            _ => {
                let value = f32::from_bits(self.next() as u32);
                if value.is_nan() {
                    f32::INFINITY
                } else {
                    value
                }
            }
        }
    }

    fn string(&mut self) -> String {
        const PALETTE: &[&str] = &[
            "a",
            "Z",
            "0",
            " ",
            "\"",
            "\\",
            "/",
            "\n",
            "\t",
            "\r",
            "\u{8}",
            "\u{c}",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "é",
            "✓",
            "😀",
            "\u{ffff}",
            "\u{10ffff}",
            "<",
            "'",
        ];
        let len = self.below(12);
        (0..len)
            .map(|_| PALETTE[self.below(PALETTE.len() as u64) as usize])
            .collect()
    }

    fn vec<T>(&mut self, max: u64, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let len = self.below(max + 1);
        (0..len).map(|_| item(self)).collect()
    }

    fn sign(&mut self) -> Sign {
        [Sign::Minus, Sign::Zero, Sign::Plus][self.below(3) as usize]
    }

    fn shade(&mut self) -> Shade {
        [Shade::Light, Shade::Dark, Shade::Pitch][self.below(3) as usize]
    }

    fn inner(&mut self) -> Inner {
        Inner {
            flag: self.below(2) == 1,
            wide: self.bits(),
        }
    }

    fn outer(&mut self) -> Outer {
        Outer {
            tiny: self.bits() as i8,
            inner: self.inner(),
            half: self.f32(),
            sign: self.sign(),
            grid: [self.bits() as u16, self.bits() as u16, self.bits() as u16],
            pair: [self.inner(), self.inner()],
            signs: [self.sign(), self.sign()],
        }
    }

    fn leaf(&mut self) -> Leaf {
        Leaf {
            label: self.string(),
            weight: self.f64(),
        }
    }

    fn payload(&mut self) -> Payload {
        if self.below(2) == 0 {
            Payload::Leaf(self.leaf())
        } else {
            Payload::Node(Node {
                leaf: (self.below(2) == 0).then(|| self.leaf()),
                children: self.vec(3, Self::leaf),
            })
        }
    }

    /// One of three strings, so that shared fields repeat.
    fn tag(&mut self) -> String {
        ["north", "south", "ünïcode"][self.below(3) as usize].into()
    }

    fn kinds(&mut self) -> Kinds {
        Kinds {
            b: self.below(2) == 1,
            i8_: self.bits() as i8,
            u8_: self.bits() as u8,
            i16_: self.bits() as i16,
            u16_: self.bits() as u16,
            i32_: self.bits() as i32,
            u32_: self.bits() as u32,
            i64_: self.bits() as i64,
            u64_: self.bits(),
            f32_: self.f32(),
            f64_: self.f64(),
            with_default: [42, 0, -1][self.below(3) as usize],
            maybe: (self.below(2) == 0).then(|| self.bits() as i64),
            maybe_float: (self.below(2) == 0).then(|| self.f32()),
            text: self.string(),
            maybe_text: (self.below(2) == 0).then(|| self.string()),
            bytes: self.vec(8, |g| g.bits() as u8),
            shorts: self.vec(5, |g| g.bits() as i16),
            longs: self.vec(4, Self::bits),
            doubles: self.vec(4, Self::f64),
            floats: self.vec(4, Self::f32),
            bools: self.vec(4, |g| g.below(2) == 1),
            strings: self.vec(4, Self::string),
            leaves: self.vec(3, Self::leaf),
            outers: self.vec(2, Self::outer),
            shades: self.vec(4, Self::shade),
            shade: self.shade(),
            sign: self.sign(),
            outer: self.outer(),
            maybe_outer: (self.below(2) == 0).then(|| self.outer()),
            node: (self.below(2) == 0).then(|| Node {
                leaf: (self.below(2) == 0).then(|| self.leaf()),
                children: self.vec(3, Self::leaf),
            }),
            payload: self.payload(),
            maybe_payload: (self.below(2) == 0).then(|| self.payload()),
            tag: self.tag(),
            tags: self.vec(6, Self::tag),
            maybe_tags: (self.below(2) == 0).then(|| self.vec(3, Self::tag)),
        }
    }
}

/// `count` values `make` draws from a generator seeded with `seed`,
/// compared with flatc under `T`'s schema.
fn generated_match_flatc<T: StreamSerialize + flatstream::schema::Schema>(
    seed: u64,
    count: usize,
    make: fn(&mut Gen) -> T,
) {
    if !flatc_available() {
        return;
    }
    let mut gen = Gen(seed);
    let payloads: Vec<Vec<u8>> = (0..count).map(|_| payload_of(&make(&mut gen))).collect();
    compare_with_flatc(&flatstream::schema::<T>(), &payloads);
}

#[test]
fn generated_values_of_every_kind_match_flatc() {
    generated_match_flatc(0x5eed, 300, Gen::kinds);
}

#[test]
fn generated_union_messages_match_flatc() {
    generated_match_flatc(7, 100, Gen::payload);
}

#[test]
fn floats_read_back_to_the_values_written() {
    let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
    let mut gen = Gen(99);
    for _ in 0..200 {
        let kinds = gen.kinds();
        let json = ours(&doc, &payload_of(&kinds));
        // Absent when equal to the default, 0 (or -0).
        let field = |name: &str| -> Option<String> {
            let start = json.find(&format!("\"{name}\":"))?;
            let text = json[start + name.len() + 3..].split([',', '}']).next()?;
            Some(text.trim_matches('"').to_owned())
        };
        match field("f32_") {
            None => assert_eq!(kinds.f32_, 0.0),
            Some(text) if kinds.f32_.is_finite() => {
                assert_eq!(text.parse::<f32>().unwrap().to_bits(), kinds.f32_.to_bits())
            }
            Some(text) => assert!(["nan", "inf", "-inf"].contains(&text.as_str()), "{text}"),
        }
        match field("f64_") {
            None => assert_eq!(kinds.f64_, 0.0),
            Some(text) if kinds.f64_.is_finite() => {
                assert_eq!(text.parse::<f64>().unwrap().to_bits(), kinds.f64_.to_bits())
            }
            Some(text) => assert!(["inf", "-inf"].contains(&text.as_str()), "{text}"),
        }
    }
}

// -------------------------- payloads flatc builds, schemas it accepts

const FLATC_SCHEMA: &str = r#"
namespace x.y;
enum E : byte { Z = 0, A = 1, B = 2, Later = 9 }
enum F : ubyte (bit_flags) { X, Y, Zed }
struct In { a: short; }
struct Out (force_align: 16) { b: byte; i: In; l: long; e: E; }
table Sub { k: int = 5 (key); v: string; }
table Named { name: string (key); n: short; }
table A { x: int; }
table B { y: string; }
union U { A, B = 5 }
table T {
  old: int;
  e: E = A;
  f: F;
  o: Out;
  subs: [Sub];
  named: [Named];
  u: U;
  id8: ubyte = null;
  nums: [float];
  big: ulong;
  es: [E];
}
root_type T;
"#;

#[test]
fn payloads_built_by_flatc_match_flatc() {
    if !flatc_available() {
        return;
    }
    let documents = [
        r#"{ "old": 7, "e": "Later", "f": "X Zed", "o": {"b": 1, "i": {"a": -2}, "l": 9, "e": "B"},
             "subs": [{"v": "x"}, {"k": 3, "v": "y\n\"é😀"}], "named": [{"name": "n1", "n": 1}],
             "u_type": "B", "u": {"y": "z"}, "id8": 0, "nums": [1e-10, 1e30, 123456.789, "nan"],
             "big": 18446744073709551615, "es": ["Z", "Later", "A"] }"#,
        r#"{ "u_type": "A", "u": {"x": -1}, "f": 0, "e": "Z" }"#,
        r#"{ "u_type": "A", "subs": [{}] }"#,
        r#"{}"#,
    ];
    let payloads: Vec<Vec<u8>> = documents
        .iter()
        .map(|json| flatc_binary(FLATC_SCHEMA, json))
        .collect();
    compare_with_flatc(FLATC_SCHEMA, &payloads);

    // Read with a newer schema: an enum value it no longer names, a
    // deprecated field, a flag it lacks.
    let newer = FLATC_SCHEMA
        .replace("old: int;", "old: int (deprecated);")
        .replace(", Later = 9", "")
        .replace(
            "F : ubyte (bit_flags) { X, Y, Zed }",
            "F : ubyte (bit_flags) { X, Y }",
        );
    compare_with_flatc(&newer, &payloads);
}

#[test]
fn explicit_ids_and_namespaces_match_flatc() {
    if !flatc_available() {
        return;
    }
    let schema = r#"
        namespace p;
        table Item { w: double (id: 1); name: string (id: 0); }
        namespace q;
        union Thing { p.Item, Other: p.Item }
        table Root { b: Thing (id: 3); a: int (id: 0); c: [p.Item] (id: 1); }
        root_type Root;
    "#;
    let payloads = [
        r#"{ "a": 3, "b_type": "p_Item", "b": {"name": "i", "w": 0.5}, "c": [{"w": 2.0}] }"#,
        r#"{ "b_type": "Other", "b": {} }"#,
    ]
    .map(|json| flatc_binary(schema, json));
    compare_with_flatc(schema, &payloads);
}

// ------------------------------------------------------ hostile bytes

fn to_json(doc: &SchemaDoc, bytes: &[u8]) -> Result<String, Error> {
    let mut out = String::new();
    doc.to_json(None, bytes, &mut out).map(|()| out)
}

#[test]
fn unknown_union_tags_and_missing_tags_are_typed_errors() {
    let doc = SchemaDoc::parse(&flatstream::schema::<Payload>()).unwrap();
    let mut bytes = payload_of(&Payload::Leaf(Leaf {
        label: "l".into(),
        weight: 1.0,
    }));
    // The tag is the only byte equal to 1 in the root table's fields.
    let json = to_json(&doc, &bytes).unwrap();
    assert!(
        json.starts_with(r#"{"payload_type":"Leaf","payload":{"#),
        "{json}"
    );
    let root = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
    let vtable = (root as i64
        - i32::from_le_bytes(bytes[root..root + 4].try_into().unwrap()) as i64)
        as usize;
    let tag_at =
        root + u16::from_le_bytes(bytes[vtable + 4..vtable + 6].try_into().unwrap()) as usize;
    assert_eq!(bytes[tag_at], 1);
    bytes[tag_at] = 9;
    let Err(Error::Verification(err)) = to_json(&doc, &bytes) else {
        panic!("an unknown tag is refused")
    };
    assert_eq!(err.path(), "PayloadRoot.payload");
    assert_eq!(err.offset(), tag_at);
    assert!(matches!(
        err.kind(),
        VerifyErrorKind::UnknownUnionTag {
            union_name: "Payload",
            tag: 9
        }
    ));
    bytes[tag_at] = 0;
    let Err(Error::Verification(err)) = to_json(&doc, &bytes) else {
        panic!("a value without a tag is refused")
    };
    assert!(
        matches!(err.kind(), VerifyErrorKind::InconsistentUnion { .. }),
        "{err}"
    );
}

#[test]
fn damage_deep_inside_names_the_field() {
    let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
    let mut gen = Gen(3);
    let mut kinds = gen.kinds();
    kinds.leaves = vec![gen.leaf(), gen.leaf()];
    kinds.leaves[1].label = "MARKER-LABEL".into();
    let mut bytes = payload_of(&kinds);
    let at = bytes
        .windows(12)
        .position(|w| w == b"MARKER-LABEL")
        .unwrap();
    bytes[at + 12] = b'!'; // the NUL after it
    let Err(Error::Verification(err)) = to_json(&doc, &bytes) else {
        panic!("damage is refused")
    };
    assert_eq!(err.path(), "Kinds.leaves[1].label");
    assert_eq!(err.kind(), &VerifyErrorKind::NotNulTerminated);
    assert_eq!(err.offset(), at - 4);
}

#[test]
fn unknown_root_type_is_a_schema_error() {
    let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
    let mut out = String::from("kept");
    let err = doc
        .to_json(
            Some("Nope"),
            &payload_of(&Leaf {
                label: String::new(),
                weight: 0.0,
            }),
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Schema(_)), "{err}");
    assert!(!err.is_corruption());
    assert_eq!(out, "kept");
    // Another table of the schema as the root.
    doc.to_json(
        Some("Leaf"),
        &payload_of(&Leaf {
            label: "x".into(),
            weight: 0.5,
        }),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, r#"kept{"label":"x","weight":0.5}"#);
}

#[test]
fn limits_of_the_verifier_apply() {
    let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
    let bytes = payload_of(&Gen(5).kinds());
    let options = flatstream::VerifierOptions {
        max_tables: 1,
        ..Default::default()
    };
    let mut out = String::new();
    let result = doc.to_json_with(None, &bytes, &options, &mut out);
    // Every generated value has its union's table besides the root.
    let Err(Error::Verification(err)) = result else {
        panic!("{result:?}")
    };
    assert!(
        matches!(err.kind(), VerifyErrorKind::TooManyTables { max_tables: 1 }),
        "{err}"
    );
    assert!(out.is_empty());
}

fn within_a_second(doc: &SchemaDoc, bytes: &[u8]) {
    let started = Instant::now();
    let _ = to_json(doc, bytes);
    assert!(started.elapsed() < Duration::from_secs(1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
        within_a_second(&doc, &bytes);
    }

    #[test]
    fn truncated_and_flipped_payloads_never_panic(
        seed in any::<u64>(),
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 0..4),
    ) {
        let doc = SchemaDoc::parse(&flatstream::schema::<Kinds>()).unwrap();
        let bytes = payload_of(&Gen(seed).kinds());
        let truncated = &bytes[..cut.index(bytes.len())];
        // Only unreferenced padding can go without an error.
        if let Ok(json) = to_json(&doc, truncated) {
            prop_assert_eq!(json, to_json(&doc, &bytes).unwrap());
        }
        within_a_second(&doc, truncated);
        let mut flipped = bytes.clone();
        for (at, mask) in flips {
            let at = at.index(flipped.len());
            flipped[at] ^= mask;
        }
        within_a_second(&doc, &flipped);
    }
}
