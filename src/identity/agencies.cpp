#include "identity/agencies.hpp"
#include "audit/audit.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "identity/errors.hpp"
#include "identity/validate.hpp"

namespace darwaza::identity {
namespace {

constexpr std::size_t kMaxClientNameChars = 100;

std::optional<User> find_person(storage::Tx& tx, const std::string& person) {
  if (valid_cnic(person)) return tx.users().by_cnic(person);
  if (auto e = normalise_email(person)) return tx.users().by_email(*e);
  return std::nullopt;
}

bool may_manage(const Principal& actor, const std::string& agency_id) {
  return actor.has_role(Role::platform_admin) || actor.is_admin_of(agency_id);
}

}  // namespace

Status Agencies::seed(const std::vector<Agency>& agencies) {
  UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    for (const auto& a : agencies) tx.agencies().upsert(a, now);
    audit::record(tx, audit::system_actor(), now, {"agency.seed", "agency", "", "", "", "", "ok"});
    return ok_status();
  });
}

Result<std::vector<Agency>> Agencies::list() {
  return storage::read_value<std::vector<Agency>>(
      db_, [](storage::Tx& tx) -> Result<std::vector<Agency>> { return tx.agencies().list(); });
}

Result<Agency> Agencies::get(const std::string& id) {
  return storage::read_value<Agency>(db_, [&](storage::Tx& tx) -> Result<Agency> {
    auto a = tx.agencies().by_id(id);
    if (!a) return error(Errc::agency_not_found);
    return std::move(*a);
  });
}

Result<std::vector<StaffMember>> Agencies::staff(const std::string& agency_id) {
  return storage::read_value<std::vector<StaffMember>>(db_, [&](storage::Tx& tx) -> Result<std::vector<StaffMember>> {
    if (!tx.agencies().by_id(agency_id)) return error(Errc::agency_not_found);
    return tx.users().staff_of(agency_id);
  });
}

Result<StaffMember> Agencies::add_staff(const Principal& actor, const std::string& agency_id,
                                        const std::string& person, const std::string& role_name,
                                        const std::string& lang) {
  if (!may_manage(actor, agency_id)) return error(Errc::not_permitted);
  FieldErrors errs(lang);
  Role role{};
  if (!parse_role(role_name, role) || (role != Role::officer && role != Role::agency_admin))
    errs.add("/role", "one_of", "officer, agency_admin");
  if (person.empty()) errs.add("/person", "required");
  if (!errs.empty()) return errs.to_error();
  UnixMs now = clock_.now_ms();
  return storage::write_value<StaffMember>(db_, [&](storage::Tx& tx) -> Result<StaffMember> {
    if (!tx.agencies().by_id(agency_id)) return error(Errc::agency_not_found);
    auto u = find_person(tx, person);
    if (!u) return error(Errc::user_not_found);
    tx.users().grant_role(u->id, RoleGrant{role, agency_id}, actor.actor(), now);
    audit::record(tx, actor, now, {"agency.staff.add", "agency", agency_id, u->id, "", "", "ok"});
    return StaffMember{u->id, u->name, u->email, role, now};
  });
}

Status Agencies::remove_staff(const Principal& actor, const std::string& agency_id, const std::string& user_id) {
  if (!may_manage(actor, agency_id)) return error(Errc::not_permitted);
  return db_.write([&](storage::Tx& tx) -> Status {
    if (tx.users().revoke_agency_roles(user_id, agency_id) == 0) return error(Errc::user_not_found, "This person holds no role in this agency.");
    audit::record(tx, actor, clock_.now_ms(), {"agency.staff.remove", "agency", agency_id, user_id, "", "", "ok"});
    return ok_status();
  });
}

Status Agencies::grant_role(const Principal& actor, const std::string& person, const std::string& role_name,
                            const std::string& agency_id, const std::string& lang) {
  if (!actor.has_role(Role::platform_admin)) return error(Errc::not_permitted);
  FieldErrors errs(lang);
  Role role{};
  bool agency_role = false;
  if (!parse_role(role_name, role)) {
    errs.add("/role", "one_of", "officer, agency_admin, platform_admin, auditor");
  } else {
    agency_role = role == Role::officer || role == Role::agency_admin;
    if (agency_role && agency_id.empty()) errs.add("/agency", "required");
  }
  if (person.empty()) errs.add("/person", "required");
  if (!errs.empty()) return errs.to_error();
  UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    if (agency_role && !tx.agencies().by_id(agency_id)) return error(Errc::agency_not_found);
    auto u = find_person(tx, person);
    if (!u) return error(Errc::user_not_found);
    tx.users().grant_role(u->id, RoleGrant{role, agency_role ? agency_id : std::string()}, actor.actor(), now);
    audit::record(tx, actor, now, {"role.grant", "role", role_name, u->id, "", "", "ok"});
    return ok_status();
  });
}

Status Agencies::revoke_role(const Principal& actor, const std::string& user_id, const std::string& role_name,
                             const std::string& agency_id) {
  if (!actor.has_role(Role::platform_admin)) return error(Errc::not_permitted);
  Role role{};
  if (!parse_role(role_name, role)) return error(Errc::user_not_found, "No such role.");
  if (role == Role::platform_admin && user_id == actor.user_id)
    return make_error(ErrorKind::conflict, "self-demotion", "Cannot remove own platform role",
                      "A platform admin cannot remove their own platform_admin role.");
  return db_.write([&](storage::Tx& tx) -> Status {
    bool agency_role = role == Role::officer || role == Role::agency_admin;
    if (tx.users().revoke_role(user_id, RoleGrant{role, agency_role ? agency_id : std::string()}) == 0)
      return error(Errc::user_not_found, "This person does not hold that role.");
    audit::record(tx, actor, clock_.now_ms(), {"role.revoke", "role", role_name, user_id, "", "", "ok"});
    return ok_status();
  });
}

Result<NewClient> Agencies::create_client(const Principal& actor, const std::string& agency_id,
                                          const std::string& name, const std::string& lang) {
  if (!may_manage(actor, agency_id)) return error(Errc::not_permitted);
  FieldErrors errs(lang);
  std::string n = trim(name);
  if (n.empty()) errs.add("/name", "required");
  else if (utf8_length(n) > kMaxClientNameChars) errs.add("/name", "max_length", std::to_string(kMaxClientNameChars));
  if (!errs.empty()) return errs.to_error();
  NewClient out;
  out.secret = crypto::random_token(32);
  out.client = ApiClient{crypto::random_id("cli"), agency_id, n, crypto::sha256_hex(out.secret), actor.actor(),
                         clock_.now_ms(), std::nullopt};
  Status s = db_.write([&](storage::Tx& tx) -> Status {
    if (!tx.agencies().by_id(agency_id)) return error(Errc::agency_not_found);
    tx.agencies().insert_client(out.client);
    audit::record(tx, actor, out.client.created_at, {"agency.client.create", "api_client", out.client.client_id, "", "", "", "ok"});
    return ok_status();
  });
  if (!s.ok()) return s.take_error();
  return out;
}

Result<std::vector<ApiClient>> Agencies::clients(const std::string& agency_id) {
  return storage::read_value<std::vector<ApiClient>>(db_, [&](storage::Tx& tx) -> Result<std::vector<ApiClient>> {
    if (!tx.agencies().by_id(agency_id)) return error(Errc::agency_not_found);
    return tx.agencies().clients_of(agency_id);
  });
}

Status Agencies::revoke_client(const Principal& actor, const std::string& agency_id, const std::string& client_id) {
  if (!may_manage(actor, agency_id)) return error(Errc::not_permitted);
  UnixMs now = clock_.now_ms();
  return db_.write([&](storage::Tx& tx) -> Status {
    auto c = tx.agencies().client(client_id);
    if (!c || c->agency_id != agency_id) return error(Errc::client_not_found);
    tx.agencies().revoke_client(client_id, now);
    tx.sessions().revoke_all_of(client_id, now);
    audit::record(tx, actor, now, {"agency.client.revoke", "api_client", client_id, "", "", "", "ok"});
    return ok_status();
  });
}

Result<std::vector<Agency>> load_agencies_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::not_found, "file-not-found", "File not found", "Cannot read " + path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_array())
    return make_error(ErrorKind::invalid_request, "bad-agencies-file", "Bad agencies file", path + ": expected a JSON array");
  std::vector<Agency> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& a = j[i];
    auto str = [&](const char* k) { return a.contains(k) && a[k].is_string() ? a[k].get<std::string>() : std::string(); };
    Agency ag{str("id"), str("name_en"), str("name_ur"), str("kind"), str("parent_id"), str("website")};
    if (ag.id.empty() || ag.name_en.empty() || ag.name_ur.empty() || ag.kind.empty())
      return make_error(ErrorKind::invalid_request, "bad-agencies-file", "Bad agencies file",
                        path + ": entry " + std::to_string(i) + " needs id, name_en, name_ur and kind");
    out.push_back(std::move(ag));
  }
  return out;
}

}  // namespace darwaza::identity
