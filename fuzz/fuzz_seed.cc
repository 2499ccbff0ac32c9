// fuzz_seed: the seed parser (admin::ParseSeed) on seed text from memory.
//
// Invariants:
// - a refusal is InvalidParameterValue (what start-up reports);
// - an accepted seed obeys seed-format.md: valid printable text within its
//   bounds, ids unique per kind, amounts within 0..kFenMax, a voucher's
//   balance within its nominal value and its end not before its begin,
//   devices and hardware with their id prefixes, hardware only for vendors;
// - export, import, export gives the same document (admin::SeedJson is
//   what --export-seed and the admin API write, and they promise that
//   ParseSeed reads it back), and the pretty-printed export is the same
//   JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "admin/seed.h"
#include "core/error.h"
#include "core/random.h"
#include "fuzz_check.h"
#include "seed_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mnad;
  using namespace mnad::fuzz;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  SequenceRandom random(1);
  Result<store::SeedData> seed = admin::ParseSeed(text, random);
  if (!seed) {
    Check(seed.error().code == ErrorCode::kInvalidParameterValue,
          "a seed refused with an unexpected code", seed.error().message);
    return 0;
  }
  CheckSeedData(*seed);
  CheckSeedRoundTrip(*seed);
  return 0;
}
