// Synthetic citizens for scale tests and benchmarks (`darwaza synth`). The citizen at an index of
// a seed is always the same person, so a generator can name an applicant by index without
// remembering who it made; CNICs and emails are unique across the indexes of one seed.
#pragma once

#include <cstdint>
#include <string>

#include "identity/types.hpp"

namespace darwaza::identity {

// CNICs are a bijection of the index over the 7 x 10^12 thirteen-digit numbers that start 1-7.
constexpr std::int64_t kMaxSynthCitizens = 1'000'000'000;

// The id ("usr_" and 20 characters, like crypto::random_id) of citizen `index` of `seed`.
std::string synth_user_id(std::uint64_t seed, std::int64_t index);
// The CNIC (12345-1234567-1 form) of citizen `index` of `seed`.
std::string synth_cnic(std::uint64_t seed, std::int64_t index);
// The citizen (an index below `citizens`) who files synthetic application `application` of `seed`.
std::int64_t synth_applicant(std::uint64_t seed, std::int64_t application, std::int64_t citizens);
// Citizen `index` of `seed`: name, email, +92 mobile; every one shares `password_hash`.
User synth_citizen(std::uint64_t seed, std::int64_t index, const std::string& password_hash, UnixMs created_at);

}  // namespace darwaza::identity
