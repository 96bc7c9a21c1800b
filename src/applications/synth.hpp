// Synthetic applications for scale tests and benchmarks (`darwaza synth`): the rows an applicant
// and the officers would have left behind (the application, its timeline events and its
// payment), in the shapes the applications service writes and through the same store functions.
// Not written per row: notifications, certificates, registry records, audit entries.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "applications/types.hpp"
#include "catalog/catalog.hpp"
#include "storage/database.hpp"

namespace darwaza::applications {

struct SynthApplication {
  Application application;
  std::vector<Event> events;
  std::optional<Payment> payment;
};

class ApplicationSynth {
 public:
  // `services`: the current definitions applications may be filed under; only those a citizen
  // may apply for on their own are used. `now`: no synthetic moment is later than this.
  ApplicationSynth(const std::vector<catalog::DefinitionPtr>& services, std::uint64_t seed, UnixMs now);
  ~ApplicationSynth();

  // How many of the services citizens may apply for (0: make() must not be called).
  std::size_t usable_services() const;
  // Application `index` of the seed, filed by `applicant_user_id`: a service (a few popular
  // ones take most applications), a state in realistic proportions, and the timeline that
  // reaches it. Ids and tracking numbers are random, like the service's own.
  SynthApplication make(std::int64_t index, const std::string& applicant_user_id) const;

 private:
  struct Service;
  std::vector<Service> services_;
  std::uint64_t seed_;
  UnixMs now_;
};

// Writes one synthetic application with the store's insert functions.
void write_synth(storage::Tx& tx, const SynthApplication& s);

}  // namespace darwaza::applications
