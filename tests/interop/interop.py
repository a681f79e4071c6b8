"""The Python side of flatstream's cross-language test.

Reads streams Rust wrote, field by field, through the classes `flatc --python`
generated from flatstream's exported schema; writes streams of the same
values through the generated builders for Rust to read back.

Usage: interop.py GENERATED_DIR MONSTERS_IN EVENTS_IN MONSTERS_OUT EVENTS_OUT COUNT
(COUNT monsters, COUNT + 1 events)

Streams use flatstream's frame format with CRC-32:
[u32 LE payload length][u32 LE crc32(payload)][payload].
The sample values mirror `testkit/src/interop.rs`.
"""

import math
import struct
import sys
import zlib

sys.path.insert(0, sys.argv[1])

import flatbuffers  # noqa: E402
from interop.v1 import Color, Equipment, Event  # noqa: E402
from interop.v1 import EventRoot as EventRootMod  # noqa: E402
from interop.v1 import Monster as MonsterMod  # noqa: E402
from interop.v1 import Pose as PoseMod  # noqa: E402
from interop.v1 import Stat as StatMod  # noqa: E402
from interop.v1 import Vec3 as Vec3Mod  # noqa: E402
from interop.v1 import Weapon as WeaponMod  # noqa: E402

RED, GREEN, BLUE = Color.Color.Red, Color.Color.Green, Color.Color.Blue
COLORS = [RED, GREEN, BLUE]
MOODS = [-1, 0, 1]
I64_MIN, U64_MAX, I32_MIN, U32_MAX = -(2**63), 2**64 - 1, -(2**31), 2**32 - 1


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def i16(x):
    return struct.unpack("<h", struct.pack("<H", x & 0xFFFF))[0]


# ---------------------------------------------------------------- samples


def sample_weapon(i, k):
    return {"name": "w%d-%d" % (i, k), "damage": i16(i * 10 - k)}


def sample_stat(i):
    return {"id": "s%d" % i, "val": -i * 1_000_000_007, "count": (i * 3) & 0xFFFF}


def sample_vec3(i, k):
    return (f32(i + 0.5), f32(k - 0.25), f32(i * k))


def sample_pose(i, k):
    return {
        "visible": (i + k) % 2 == 0,
        "pos": sample_vec3(i, k),
        "heading": i * 0.125 + k,
        "color": COLORS[(i + k) % 3],
        "corners": [i, -k],
    }


def sample_monster(i):
    odd = i % 2 == 1
    return {
        "pos": sample_vec3(i, 0),
        "mana": 150 + i % 2,
        "hp": 100 - i * 7,
        "name": "monster %d \u2713" % i,
        "inventory": bytes(range(i + 3)),
        "color": COLORS[i % 3],
        "weapons": [sample_weapon(i, k) for k in range(i)],
        "equipped": ("stat", sample_stat(i)) if odd else ("weapon", sample_weapon(i, 99)),
        "spare": ("weapon", sample_weapon(i, 7)) if odd else None,
        "path": [sample_vec3(i, k) for k in range(3)],
        "pose": None if odd else sample_pose(i, 1),
        "poses": [sample_pose(i, k) for k in range(2)],
        "tags": ["t%d" % k for k in range(i)],
        "scores": [i / 3.0, -1.5e300, sys.float_info.min],
        "flags": [True, odd, False],
        "colors": [BLUE, RED],
        "nickname": "nick%d" % i if odd else None,
        "level": i * 1000 if odd else None,
        "mood": MOODS[i % 3],
        "enemy": sample_monster(i - 1) if i > 0 else None,
        "small": -i,
        "tiny": 255 - i,
        "word": 65000 + i,
        "count": U32_MAX - i,
        "delta": I32_MIN + i,
        "big": U64_MAX - i,
        "offset": I64_MIN + i,
        "ratio": f32(1.0 / (i + 1.0)),
        "precise": math.pi * i,
        "alive": not odd,
        "deltas": [-i, i, 0],
    }


def sample_event(i):
    kind = i % 3
    if kind == 0:
        return ("monster", sample_monster(i % 4))
    if kind == 1:
        return ("weapon", sample_weapon(i, 1))
    return ("stat", sample_stat(i))


# ---------------------------------------------------------------- framing


def read_frames(path):
    data = open(path, "rb").read()
    at, frames = 0, []
    while at < len(data):
        length, crc = struct.unpack_from("<II", data, at)
        payload = data[at + 8 : at + 8 + length]
        assert len(payload) == length, "truncated frame at %d" % at
        assert zlib.crc32(payload) & 0xFFFFFFFF == crc, "checksum mismatch at %d" % at
        frames.append(payload)
        at += 8 + length
    return frames


def write_frames(path, payloads):
    with open(path, "wb") as out:
        for payload in payloads:
            out.write(struct.pack("<II", len(payload), zlib.crc32(payload) & 0xFFFFFFFF))
            out.write(payload)


# ---------------------------------------------------------------- reading


def check(what, got, expected):
    if got != expected:
        raise AssertionError("%s: got %r, expected %r" % (what, got, expected))


def check_vec3(what, v, expected):
    check(what, (v.X(), v.Y(), v.Z()), expected)


def check_pose(what, p, expected):
    check(what + ".visible", p.Visible(), expected["visible"])
    check_vec3(what + ".pos", p.Pos(Vec3Mod.Vec3()), expected["pos"])
    check(what + ".heading", p.Heading(), expected["heading"])
    check(what + ".color", p.Color(), expected["color"])
    check(what + ".corners", p.Corners(), expected["corners"])


def check_weapon(what, w, expected):
    check(what + ".name", w.Name().decode(), expected["name"])
    check(what + ".damage", w.Damage(), expected["damage"])


def check_stat(what, s, expected):
    check(what + ".id", s.Id().decode(), expected["id"])
    check(what + ".val", s.Val(), expected["val"])
    check(what + ".count", s.Count(), expected["count"])


def check_union(what, kind, table, expected):
    if expected is None:
        check(what + " type", kind, Equipment.Equipment.NONE)
        return
    name, value = expected
    if name == "weapon":
        check(what + " type", kind, Equipment.Equipment.Weapon)
        w = WeaponMod.Weapon()
        w.Init(table.Bytes, table.Pos)
        check_weapon(what, w, value)
    else:
        check(what + " type", kind, Equipment.Equipment.Stat)
        s = StatMod.Stat()
        s.Init(table.Bytes, table.Pos)
        check_stat(what, s, value)


def check_monster(what, m, e):
    check_vec3(what + ".pos", m.Pos(), e["pos"])
    for field in ["mana", "hp", "color", "mood", "small", "tiny", "word", "count",
                  "delta", "big", "offset", "ratio", "precise", "alive", "level"]:
        accessor = "".join(part.capitalize() for part in field.split("_"))
        check(what + "." + field, getattr(m, accessor)(), e[field])
    check(what + ".name", m.Name().decode(), e["name"])
    check(what + ".nickname", m.Nickname() and m.Nickname().decode(), e["nickname"])
    check(what + ".inventory", bytes(m.Inventory(j) for j in range(m.InventoryLength())), e["inventory"])
    check(what + ".weapons.len", m.WeaponsLength(), len(e["weapons"]))
    for j, w in enumerate(e["weapons"]):
        check_weapon("%s.weapons[%d]" % (what, j), m.Weapons(j), w)
    check_union(what + ".equipped", m.EquippedType(), m.Equipped(), e["equipped"])
    check_union(what + ".spare", m.SpareType(), m.Spare(), e["spare"])
    check(what + ".path.len", m.PathLength(), len(e["path"]))
    for j, v in enumerate(e["path"]):
        check_vec3("%s.path[%d]" % (what, j), m.Path(j), v)
    if e["pose"] is None:
        check(what + ".pose", m.Pose(), None)
    else:
        check_pose(what + ".pose", m.Pose(), e["pose"])
    check(what + ".poses.len", m.PosesLength(), len(e["poses"]))
    for j, p in enumerate(e["poses"]):
        check_pose("%s.poses[%d]" % (what, j), m.Poses(j), p)
    check(what + ".tags", [m.Tags(j).decode() for j in range(m.TagsLength())], e["tags"])
    check(what + ".scores", [m.Scores(j) for j in range(m.ScoresLength())], e["scores"])
    check(what + ".flags", [bool(m.Flags(j)) for j in range(m.FlagsLength())], e["flags"])
    check(what + ".colors", [m.Colors(j) for j in range(m.ColorsLength())], e["colors"])
    check(what + ".deltas", [m.Deltas(j) for j in range(m.DeltasLength())], e["deltas"])
    if e["enemy"] is None:
        check(what + ".enemy", m.Enemy(), None)
    else:
        check_monster(what + ".enemy", m.Enemy(), e["enemy"])


def read_monsters(path, count):
    frames = read_frames(path)
    check("monster frames", len(frames), count)
    for i, payload in enumerate(frames):
        check("monster %d file_identifier" % i, bytes(payload[4:8]), b"MONS")
        check_monster("monster[%d]" % i, MonsterMod.Monster.GetRootAs(payload, 0), sample_monster(i))


def read_events(path, count):
    frames = read_frames(path)
    check("event frames", len(frames), count)
    for i, payload in enumerate(frames):
        root = EventRootMod.EventRoot.GetRootAs(payload, 0)
        kind, value = sample_event(i)
        table = root.Event()
        what = "event[%d]" % i
        if kind == "monster":
            check(what + " type", root.EventType(), Event.Event.Monster)
            m = MonsterMod.Monster()
            m.Init(table.Bytes, table.Pos)
            check_monster(what, m, value)
        elif kind == "weapon":
            check(what + " type", root.EventType(), Event.Event.Weapon)
            w = WeaponMod.Weapon()
            w.Init(table.Bytes, table.Pos)
            check_weapon(what, w, value)
        else:
            check(what + " type", root.EventType(), Event.Event.Stat)
            s = StatMod.Stat()
            s.Init(table.Bytes, table.Pos)
            check_stat(what, s, value)


# ---------------------------------------------------------------- writing


def build_weapon(b, w):
    name = b.CreateString(w["name"])
    WeaponMod.Start(b)
    WeaponMod.AddName(b, name)
    WeaponMod.AddDamage(b, w["damage"])
    return WeaponMod.End(b)


def build_stat(b, s):
    ident = b.CreateString(s["id"])
    StatMod.Start(b)
    StatMod.AddId(b, ident)
    StatMod.AddVal(b, s["val"])
    StatMod.AddCount(b, s["count"])
    return StatMod.End(b)


def build_union(b, value):
    name, table = value
    if name == "weapon":
        return Equipment.Equipment.Weapon, build_weapon(b, table)
    return Equipment.Equipment.Stat, build_stat(b, table)


def create_pose(b, p):
    x, y, z = p["pos"]
    return PoseMod.CreatePose(b, p["visible"], x, y, z, p["heading"], p["color"], p["corners"])


def scalar_vector(b, start, prepend, items):
    start(b, len(items))
    for item in reversed(items):
        prepend(item)
    return b.EndVector()


def build_monster(b, m):
    name = b.CreateString(m["name"])
    nickname = b.CreateString(m["nickname"]) if m["nickname"] is not None else None
    inventory = b.CreateByteVector(m["inventory"])
    weapons = [build_weapon(b, w) for w in m["weapons"]]
    weapons = scalar_vector(b, MonsterMod.StartWeaponsVector, b.PrependUOffsetTRelative, weapons)
    equipped_type, equipped = build_union(b, m["equipped"])
    spare = build_union(b, m["spare"]) if m["spare"] is not None else None
    MonsterMod.StartPathVector(b, len(m["path"]))
    for x, y, z in reversed(m["path"]):
        Vec3Mod.CreateVec3(b, x, y, z)
    path = b.EndVector()
    MonsterMod.StartPosesVector(b, len(m["poses"]))
    for p in reversed(m["poses"]):
        create_pose(b, p)
    poses = b.EndVector()
    tags = [b.CreateString(t) for t in m["tags"]]
    tags = scalar_vector(b, MonsterMod.StartTagsVector, b.PrependUOffsetTRelative, tags)
    scores = scalar_vector(b, MonsterMod.StartScoresVector, b.PrependFloat64, m["scores"])
    flags = scalar_vector(b, MonsterMod.StartFlagsVector, b.PrependBool, m["flags"])
    colors = scalar_vector(b, MonsterMod.StartColorsVector, b.PrependUint8, m["colors"])
    deltas = scalar_vector(b, MonsterMod.StartDeltasVector, b.PrependInt32, m["deltas"])
    enemy = build_monster(b, m["enemy"]) if m["enemy"] is not None else None

    MonsterMod.Start(b)
    MonsterMod.AddPos(b, Vec3Mod.CreateVec3(b, *m["pos"]))
    MonsterMod.AddMana(b, m["mana"])
    MonsterMod.AddHp(b, m["hp"])
    MonsterMod.AddName(b, name)
    MonsterMod.AddInventory(b, inventory)
    MonsterMod.AddColor(b, m["color"])
    MonsterMod.AddWeapons(b, weapons)
    MonsterMod.AddEquippedType(b, equipped_type)
    MonsterMod.AddEquipped(b, equipped)
    if spare is not None:
        MonsterMod.AddSpareType(b, spare[0])
        MonsterMod.AddSpare(b, spare[1])
    MonsterMod.AddPath(b, path)
    if m["pose"] is not None:
        MonsterMod.AddPose(b, create_pose(b, m["pose"]))
    MonsterMod.AddPoses(b, poses)
    MonsterMod.AddTags(b, tags)
    MonsterMod.AddScores(b, scores)
    MonsterMod.AddFlags(b, flags)
    MonsterMod.AddColors(b, colors)
    if nickname is not None:
        MonsterMod.AddNickname(b, nickname)
    if m["level"] is not None:
        MonsterMod.AddLevel(b, m["level"])
    MonsterMod.AddMood(b, m["mood"])
    if enemy is not None:
        MonsterMod.AddEnemy(b, enemy)
    for field in ["small", "tiny", "word", "count", "delta", "big", "offset", "ratio",
                  "precise", "alive"]:
        getattr(MonsterMod, "Add" + field.capitalize())(b, m[field])
    MonsterMod.AddDeltas(b, deltas)
    return MonsterMod.End(b)


def write_monsters(path, count):
    payloads = []
    for i in range(count):
        b = flatbuffers.Builder(1024)
        b.Finish(build_monster(b, sample_monster(i)), file_identifier=b"MONS")
        payloads.append(bytes(b.Output()))
    write_frames(path, payloads)


def write_events(path, count):
    payloads = []
    for i in range(count):
        b = flatbuffers.Builder(1024)
        kind, value = sample_event(i)
        if kind == "monster":
            tag, table = Event.Event.Monster, build_monster(b, value)
        elif kind == "weapon":
            tag, table = Event.Event.Weapon, build_weapon(b, value)
        else:
            tag, table = Event.Event.Stat, build_stat(b, value)
        EventRootMod.Start(b)
        EventRootMod.AddEventType(b, tag)
        EventRootMod.AddEvent(b, table)
        b.Finish(EventRootMod.End(b))
        payloads.append(bytes(b.Output()))
    write_frames(path, payloads)


def main():
    _, _, monsters_in, events_in, monsters_out, events_out, count = sys.argv
    count = int(count)
    read_monsters(monsters_in, count)
    read_events(events_in, count + 1)
    write_monsters(monsters_out, count)
    write_events(events_out, count + 1)
    print("python: read %d monsters and %d events, wrote the same" % (count, count + 1))


if __name__ == "__main__":
    main()
