// A person's own "who used my data" for one registry (the GovStack Data API's
// MyPersonalDataUsage): the audit entries about that person's records there, made by others. The
// audit log is the record of every read and change; nothing else is stored for it.
#include <map>

#include "audit/audit.hpp"
#include "registries/errors.hpp"
#include "registries/registries.hpp"

namespace darwaza::registries {

Result<std::vector<RecordUse>> Registries::data_usage(const Principal& who, const std::string& name,
                                                      std::int64_t before_seq) {
  auto s = schema(name);
  if (!s.ok()) return s.take_error();
  if (!who.is_user()) return error(Errc::not_allowed, "Only a signed-in person may see the use of their own data.");
  return storage::read_value<std::vector<RecordUse>>(db_, [&](storage::Tx& tx) -> Result<std::vector<RecordUse>> {
    std::vector<RecordUse> out;
    std::map<std::string, std::string> numbers;  // the person's records here: id → number
    for (const auto& r : tx.registries().of_subject(who.user_id, "", name)) numbers[r.id] = r.number;
    if (numbers.empty()) return out;
    std::map<std::string, std::string> agency_names, client_names;
    storage::AuditQuery q;
    q.subject_user = who.user_id;
    q.others_only = true;
    q.object_type = "registry_record";
    q.before_seq = before_seq;
    q.limit = kMaxUsageEntries;
    // Entries about the person's records in other registries are skipped: page on until the
    // answer is full or the person's entries run out.
    for (;;) {
      auto page = tx.audit().query(q);
      for (const auto& e : page) {
        auto rec = numbers.find(e.object_id);
        if (rec == numbers.end() || e.outcome != "ok") continue;  // a refused act used nothing
        RecordUse u{e.seq, e.at, e.action, e.actor_role, e.actor_agency, "", "", rec->second, e.purpose};
        if (!e.actor_agency.empty()) {
          auto [it, added] = agency_names.try_emplace(e.actor_agency);
          if (added)
            if (auto a = tx.agencies().by_id(e.actor_agency)) it->second = a->name_en;
          u.reader_agency_name = it->second;
        }
        if (e.actor_role == "api_client") {
          auto [it, added] = client_names.try_emplace(e.actor);
          if (added)
            if (auto c = tx.agencies().client(e.actor)) it->second = c->name;
          u.reader_application = it->second;
        }
        out.push_back(std::move(u));
        if (static_cast<int>(out.size()) == kMaxUsageEntries) return out;
      }
      if (static_cast<int>(page.size()) < q.limit) return out;
      q.before_seq = page.back().seq;
    }
  });
}

}  // namespace darwaza::registries
