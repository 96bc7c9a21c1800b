#include "identity/synth.hpp"

#include <array>

namespace darwaza::identity {
namespace {

// splitmix64 finaliser: the same output for the same input on every platform.
std::uint64_t mix(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t mix2(std::uint64_t seed, std::uint64_t index, std::uint64_t salt) {
  return mix(mix(seed ^ salt) ^ index);
}

constexpr std::uint64_t kCnicSpace = 7'000'000'000'000ULL;  // 1000000000000 .. 7999999999999
constexpr std::uint64_t kCnicMultiplier = 3'555'777'941'757ULL;  // coprime to kCnicSpace (2, 5, 7)

constexpr std::array<const char*, 24> kFirstNames{
    "Muhammad", "Ahmed",  "Ali",    "Hassan", "Bilal",  "Usman",  "Imran",  "Kamran",
    "Zeeshan",  "Faisal", "Tariq",  "Asad",   "Ayesha", "Fatima", "Zainab", "Maryam",
    "Sana",     "Hina",   "Rabia",  "Sadia",  "Amna",   "Nida",   "Saima",  "Khadija"};
constexpr std::array<const char*, 20> kLastNames{
    "Khan",   "Ahmed",   "Hussain", "Malik",  "Qureshi", "Sheikh",  "Chaudhry", "Butt",    "Raza",   "Iqbal",
    "Siddiqui", "Baloch", "Shah",   "Mirza",  "Awan",    "Abbasi",  "Javed",    "Rehman",  "Aslam",  "Akhtar"};

}  // namespace

std::string synth_user_id(std::uint64_t seed, std::int64_t index) {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // crypto::random_id's
  std::uint64_t a = mix2(seed, static_cast<std::uint64_t>(index), 0x75737231);
  std::uint64_t b = mix2(seed, static_cast<std::uint64_t>(index), 0x75737232);
  std::string out = "usr_";
  for (int i = 0; i < 10; ++i) out.push_back(kAlphabet[(a >> (5 * i)) & 31u]);
  for (int i = 0; i < 10; ++i) out.push_back(kAlphabet[(b >> (5 * i)) & 31u]);
  return out;
}

std::string synth_cnic(std::uint64_t seed, std::int64_t index) {
  const std::uint64_t offset = mix(seed) % kCnicSpace;
  const std::uint64_t x = (static_cast<std::uint64_t>(index) + offset) % kCnicSpace;
  const auto permuted = static_cast<std::uint64_t>((static_cast<unsigned __int128>(x) * kCnicMultiplier) % kCnicSpace);
  const std::string d = std::to_string(1'000'000'000'000ULL + permuted);  // 13 digits, first 1-7
  return d.substr(0, 5) + "-" + d.substr(5, 7) + "-" + d.substr(12, 1);
}

std::int64_t synth_applicant(std::uint64_t seed, std::int64_t application, std::int64_t citizens) {
  if (citizens <= 0) return 0;
  return static_cast<std::int64_t>(mix2(seed, static_cast<std::uint64_t>(application), 0x61707031) %
                                   static_cast<std::uint64_t>(citizens));
}

User synth_citizen(std::uint64_t seed, std::int64_t index, const std::string& password_hash, UnixMs created_at) {
  const std::uint64_t h = mix2(seed, static_cast<std::uint64_t>(index), 0x6e616d65);
  User u;
  u.id = synth_user_id(seed, index);
  u.cnic = synth_cnic(seed, index);
  u.name = std::string(kFirstNames[h % kFirstNames.size()]) + " " + kLastNames[(h >> 8) % kLastNames.size()];
  u.email = "citizen" + std::to_string(index) + ".s" + std::to_string(seed) + "@synthetic.darwaza.pk";
  std::string digits = std::to_string(100'000'000 + (h >> 16) % 900'000'000);  // 9 digits
  u.mobile = "+923" + digits;
  u.password_hash = password_hash;
  u.preferred_lang = (h >> 60) % 4 == 0 ? "ur" : "en";
  u.created_at = u.updated_at = created_at;
  return u;
}

}  // namespace darwaza::identity
