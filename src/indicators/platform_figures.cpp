#include "indicators/platform_figures.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "core/working_days.hpp"

namespace darwaza::indicators {
namespace {

using nlohmann::json;
constexpr int kScanPage = 1000;

// Calls fn with each record of a registry (one read transaction).
template <class F>
void each_record(storage::Tx& tx, const std::string& registry, F&& fn) {
  std::int64_t after = 0;
  for (;;) {
    std::int64_t last = tx.registries().scan(registry, after, kScanPage, fn);
    if (last == 0) break;
    after = last;
  }
}

bool current(const registries::Record& r, const std::string& today) {
  return registries::shown_status(r, today) == "active";
}

class ParkOccupancy final : public LiveSource {
 public:
  Result<LiveFigure> compute(storage::Tx& tx, UnixMs now) override {
    LiveFigure f{"park-occupancy", "Technology park floor space let to tenants", "percent", 0, {}, now};
    const std::string today = pkt_date(now);
    double total = 0, let = 0;
    each_record(tx, "stp-parks", [&](const registries::Record& park) {
      if (!current(park, today)) return;
      json d = json::parse(park.data);
      double size = d.value("total_sq_ft", 0.0), used = 0;
      for (const auto& u : tx.registries().pool_use(park.id)) used += static_cast<double>(u.allocated);
      f.breakdown.push_back({park.number, size > 0 ? 100.0 * used / size : 0});
      if (d.value("park_status", "") != "operational") return;  // the headline counts parks open today
      total += size;
      let += used;
    });
    f.value = total > 0 ? 100.0 * let / total : 0;
    return f;
  }
};

class ZoneFirmsByCountry final : public LiveSource {
 public:
  Result<LiveFigure> compute(storage::Tx& tx, UnixMs now) override {
    LiveFigure f{"zone-firms-by-country", "Licensed Special Technology Zone firms by country of origin", "firms", 0, {}, now};
    const std::string today = pkt_date(now);
    std::map<std::string, double> by_country;
    for (const char* registry : {"stza-zone-developers", "stza-zone-enterprises"}) {
      each_record(tx, registry, [&](const registries::Record& r) {
        if (!current(r, today)) return;
        json d = json::parse(r.data);
        f.value += 1;
        // Domestic and joint-venture firms count for Pakistan; foreign partners for their countries.
        if (d.value("ownership", "") != "foreign") by_country["PK"] += 1;
        for (const auto& c : d.value("partner_countries", json::array()))
          if (c.is_string() && c.get<std::string>() != "PK") by_country[c.get<std::string>()] += 1;
      });
    }
    f.breakdown.assign(by_country.begin(), by_country.end());
    return f;
  }
};

class RegisteredFreelancers final : public LiveSource {
 public:
  Result<LiveFigure> compute(storage::Tx& tx, UnixMs now) override {
    LiveFigure f{"registered-freelancers", "Freelancers with a valid PSEB registration", "freelancers", 0, {}, now};
    const std::string today = pkt_date(now);
    each_record(tx, "pseb-freelancers", [&](const registries::Record& r) { f.value += current(r, today) ? 1 : 0; });
    return f;
  }
};

// Breakdown: applications per service; the headline is the median decision time in days over
// all decided applications.
class ApplicationsByService final : public LiveSource {
 public:
  Result<LiveFigure> compute(storage::Tx& tx, UnixMs now) override {
    LiveFigure f{"applications-by-service", "Applications by service; headline: median days to a decision", "days", 0, {}, now};
    std::vector<UnixMs> all;
    for (auto& s : tx.applications().decisions_by_service()) {
      f.breakdown.push_back({s.service_id, static_cast<double>(s.submitted)});
      all.insert(all.end(), s.decision_ms.begin(), s.decision_ms.end());
    }
    if (!all.empty()) {
      std::sort(all.begin(), all.end());
      std::size_t n = all.size();
      double median_ms = n % 2 ? static_cast<double>(all[n / 2]) : (all[n / 2 - 1] + all[n / 2]) / 2.0;
      f.value = median_ms / 86'400'000.0;
    }
    return f;
  }
};

}  // namespace

std::vector<std::unique_ptr<LiveSource>> platform_figures() {
  std::vector<std::unique_ptr<LiveSource>> out;
  out.push_back(std::make_unique<ParkOccupancy>());
  out.push_back(std::make_unique<ZoneFirmsByCountry>());
  out.push_back(std::make_unique<RegisteredFreelancers>());
  out.push_back(std::make_unique<ApplicationsByService>());
  return out;
}

}  // namespace darwaza::indicators
