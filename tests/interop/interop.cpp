// The C++ side of flatstream's cross-language test: verifies every payload
// of Rust-written streams with the verifier flatc generated from the
// exported schema (required fields, alignment, unions, nested tables),
// checks a selection of fields, and writes a stream of events for Rust to
// read back.
//
// Usage: interop MONSTERS_IN EVENTS_IN EVENTS_OUT COUNT
// Frames: [u32 LE payload length][u32 LE crc32(payload)][payload].

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "event_generated.h"

using namespace interop::v1;

static uint32_t crc32(const uint8_t *data, size_t len) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; i++) {
    crc ^= data[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static uint32_t le32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

static std::vector<std::vector<uint8_t>> read_frames(const char *path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<uint8_t>> frames;
  size_t at = 0;
  while (at < data.size()) {
    if (at + 8 > data.size()) throw std::runtime_error("truncated header");
    uint32_t len = le32(&data[at]), crc = le32(&data[at + 4]);
    if (at + 8 + len > data.size()) throw std::runtime_error("truncated frame");
    std::vector<uint8_t> payload(data.begin() + at + 8, data.begin() + at + 8 + len);
    if (crc32(payload.data(), payload.size()) != crc) throw std::runtime_error("checksum mismatch");
    frames.push_back(std::move(payload));
    at += 8 + len;
  }
  return frames;
}

static void expect(bool ok, const std::string &what) {
  if (!ok) throw std::runtime_error("mismatch: " + what);
}

static void check_monster(const Monster *m, uint32_t i, const std::string &what) {
  bool odd = i % 2 == 1;
  expect(m->name()->str() == "monster " + std::to_string(i) + " \xE2\x9C\x93", what + ".name");
  expect(m->hp() == int16_t(100 - int(i) * 7), what + ".hp");
  expect(m->mana() == 150 + int(i % 2), what + ".mana");
  expect(m->pos()->x() == float(i) + 0.5f, what + ".pos.x");
  expect(m->inventory()->size() == i + 3, what + ".inventory");
  expect(m->weapons()->size() == i, what + ".weapons");
  expect(m->equipped_type() == (odd ? Equipment_Stat : Equipment_Weapon), what + ".equipped_type");
  if (odd) {
    expect(m->equipped_as_Stat()->id()->str() == "s" + std::to_string(i), what + ".equipped.id");
    expect(m->spare_as_Weapon()->damage() == int16_t(i * 10 - 7), what + ".spare.damage");
    expect(m->level().has_value() && *m->level() == i * 1000, what + ".level");
    expect(m->pose() == nullptr, what + ".pose");
  } else {
    expect(m->equipped_as_Weapon()->damage() == int16_t(int(i) * 10 - 99), what + ".equipped.damage");
    expect(m->spare_type() == Equipment_NONE, what + ".spare");
    expect(!m->level().has_value(), what + ".level");
    expect(m->pose()->heading() == i * 0.125 + 1.0, what + ".pose.heading");
    expect(m->pose()->pos().y() == 0.75f, what + ".pose.pos.y");
    expect(m->pose()->corners()->Get(0) == int16_t(i) && m->pose()->corners()->Get(1) == -1,
           what + ".pose.corners");
  }
  expect(m->path()->size() == 3 && m->path()->Get(2)->z() == float(i * 2), what + ".path");
  expect(m->poses()->size() == 2 && m->poses()->Get(1)->color() == Color((i + 1) % 3 == 2 ? 8 : (i + 1) % 3), what + ".poses");
  expect(m->scores()->Get(1) == -1.5e300, what + ".scores");
  expect(m->colors()->Get(0) == Color_Blue, what + ".colors");
  expect(m->mood() == Mood(int(i % 3) - 1), what + ".mood");
  expect(m->big() == UINT64_MAX - i && m->offset() == INT64_MIN + int64_t(i), what + ".big/offset");
  expect(m->delta() == INT32_MIN + int32_t(i) && m->count() == UINT32_MAX - i, what + ".delta/count");
  expect(m->small() == -int8_t(i) && m->tiny() == uint8_t(255 - i) && m->word() == 65000 + i, what + ".small");
  expect(m->precise() == M_PI * i && m->alive() == !odd, what + ".precise/alive");
  if (i > 0) {
    check_monster(m->enemy(), i - 1, what + ".enemy");
  } else {
    expect(m->enemy() == nullptr, what + ".enemy");
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: interop MONSTERS_IN EVENTS_IN EVENTS_OUT COUNT\n");
    return 2;
  }
  try {
    uint32_t count = uint32_t(std::stoul(argv[4]));
    auto monsters = read_frames(argv[1]);
    expect(monsters.size() == count, "monster count");
    for (uint32_t i = 0; i < count; i++) {
      auto &payload = monsters[i];
      flatbuffers::Verifier verifier(payload.data(), payload.size());
      expect(verifier.VerifyBuffer<Monster>("MONS"), "monster " + std::to_string(i) + " verifies");
      check_monster(flatbuffers::GetRoot<Monster>(payload.data()), i, "monster[" + std::to_string(i) + "]");
    }

    auto events = read_frames(argv[2]);
    expect(events.size() == count + 1, "event count");
    for (uint32_t i = 0; i < events.size(); i++) {
      auto &payload = events[i];
      flatbuffers::Verifier verifier(payload.data(), payload.size());
      expect(VerifyEventRootBuffer(verifier), "event " + std::to_string(i) + " verifies");
      auto root = GetEventRoot(payload.data());
      expect(root->event_type() == Event(i % 3 + 1), "event type");
      if (auto m = root->event_as_Monster()) check_monster(m, i % 4, "event.monster");
    }

    // Weapons and stats as in sample_event, then one monster.
    std::ofstream out(argv[3], std::ios::binary);
    for (uint32_t i = 0; i <= count; i++) {
      flatbuffers::FlatBufferBuilder b;
      flatbuffers::Offset<EventRoot> root;
      if (i % 3 == 2) {
        auto stat = CreateStatDirect(b, ("s" + std::to_string(i)).c_str(), -int64_t(i) * 1000000007, uint16_t(i * 3));
        root = CreateEventRoot(b, Event_Stat, stat.Union());
      } else if (i % 3 == 1) {
        auto name = "w" + std::to_string(i) + "-1";
        auto weapon = CreateWeaponDirect(b, name.c_str(), int16_t(i * 10 - 1));
        root = CreateEventRoot(b, Event_Weapon, weapon.Union());
      } else {
        auto weapon = CreateWeaponDirect(b, "club", 3);
        Vec3 pos(1.0f, 2.0f, 3.0f);
        std::vector<Vec3> path = {Vec3(0, 0, 0), Vec3(4, 5, 6)};
        auto monster = CreateMonsterDirect(b, &pos, 150, 100, "from c++", nullptr, Color_Blue, nullptr,
                                           Equipment_Weapon, weapon.Union(), Equipment_NONE, 0, &path,
                                           nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                           flatbuffers::Optional<uint32_t>(42));
        root = CreateEventRoot(b, Event_Monster, monster.Union());
      }
      b.Finish(root);
      uint32_t len = b.GetSize(), crc = crc32(b.GetBufferPointer(), len);
      uint8_t header[8] = {uint8_t(len), uint8_t(len >> 8), uint8_t(len >> 16), uint8_t(len >> 24),
                           uint8_t(crc), uint8_t(crc >> 8), uint8_t(crc >> 16), uint8_t(crc >> 24)};
      out.write(reinterpret_cast<const char *>(header), 8);
      out.write(reinterpret_cast<const char *>(b.GetBufferPointer()), len);
    }
    std::printf("c++: verified %u monsters and %u events, wrote %u events\n", count, count + 1, count + 1);
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "c++: %s\n", e.what());
    return 1;
  }
}
