#include "identity/organisations.hpp"
#include "audit/audit.hpp"

#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "identity/errors.hpp"
#include "identity/validate.hpp"

namespace darwaza::identity {
namespace {

constexpr std::size_t kMaxOrgNameChars = 200;

// A person who may join one more organisation (kMaxOrganisationsPerPerson).
Status may_join_another(storage::Tx& tx, const std::string& user_id) {
  if (tx.organisations().of_user(user_id).size() >= static_cast<std::size_t>(kMaxOrganisationsPerPerson))
    return error(Errc::too_many_organisations);
  return ok_status();
}

Status require_member(storage::Tx& tx, const std::string& user_id, const std::string& org_id, bool owner) {
  if (!tx.organisations().by_id(org_id)) return error(Errc::org_not_found);
  auto m = tx.organisations().membership(org_id, user_id);
  if (!m) return error(Errc::org_not_found);
  if (owner && m->role != OrgRole::owner) return error(Errc::not_org_owner);
  return ok_status();
}

}  // namespace

const char* to_string(OrgRole r) { return r == OrgRole::owner ? "owner" : "member"; }

Result<Organisation> Organisations::create(const Principal& who, const OrganisationInput& in, const std::string& lang) {
  const std::string& user_id = who.user_id;
  FieldErrors errs(lang);
  Organisation o;
  if (!in.name || trim(*in.name).empty()) errs.add("/name", "required");
  else if (utf8_length(trim(*in.name)) > kMaxOrgNameChars) errs.add("/name", "max_length", std::to_string(kMaxOrgNameChars));
  else o.name = trim(*in.name);
  if (in.ntn && !in.ntn->empty()) {
    if (valid_ntn(*in.ntn)) o.ntn = *in.ntn;
    else errs.add("/ntn", "ntn");
  }
  if (in.secp_number && !in.secp_number->empty()) {
    if (valid_secp(*in.secp_number)) o.secp_number = *in.secp_number;
    else errs.add("/secp_number", "secp");
  }
  if ((!in.ntn || in.ntn->empty()) && (!in.secp_number || in.secp_number->empty()))
    errs.add("/ntn", "at_least_one", "ntn, secp_number");
  if (!errs.empty()) return errs.to_error();
  o.id = crypto::random_id("org");
  o.created_by = user_id;
  o.created_at = clock_.now_ms();
  return storage::write_value<Organisation>(db_, [&](storage::Tx& tx) -> Result<Organisation> {
    if (!o.ntn.empty() && tx.organisations().by_ntn(o.ntn)) return error(Errc::duplicate_ntn);
    if (!o.secp_number.empty() && tx.organisations().by_secp(o.secp_number)) return error(Errc::duplicate_secp);
    if (Status s = may_join_another(tx, user_id); !s.ok()) return s.take_error();
    tx.organisations().insert(o);
    tx.organisations().add_member(Membership{o.id, user_id, "", OrgRole::owner, o.created_at}, user_id);
    audit::record_self(tx, who, user_id, o.created_at, {"organisation.create", "organisation", o.id, user_id, o.id, "", "ok"});
    return o;
  });
}

Result<std::vector<Organisation>> Organisations::of_user(const std::string& user_id) {
  return storage::read_value<std::vector<Organisation>>(
      db_, [&](storage::Tx& tx) -> Result<std::vector<Organisation>> { return tx.organisations().of_user(user_id); });
}

Result<Organisation> Organisations::get(const std::string& user_id, const std::string& org_id) {
  return storage::read_value<Organisation>(db_, [&](storage::Tx& tx) -> Result<Organisation> {
    if (Status s = require_member(tx, user_id, org_id, false); !s.ok()) return s.take_error();
    return *tx.organisations().by_id(org_id);
  });
}

Result<std::vector<Membership>> Organisations::members(const std::string& user_id, const std::string& org_id) {
  return storage::read_value<std::vector<Membership>>(db_, [&](storage::Tx& tx) -> Result<std::vector<Membership>> {
    if (Status s = require_member(tx, user_id, org_id, false); !s.ok()) return s.take_error();
    return tx.organisations().members(org_id);
  });
}

Result<Membership> Organisations::add_member(const Principal& who, const std::string& org_id,
                                             const std::string& person, const std::string& role,
                                             const std::string& lang) {
  const std::string& user_id = who.user_id;
  FieldErrors errs(lang);
  if (person.empty()) errs.add("/person", "required");
  if (role != "owner" && role != "member") errs.add("/role", "one_of", "owner, member");
  if (!errs.empty()) return errs.to_error();
  UnixMs now = clock_.now_ms();
  return storage::write_value<Membership>(db_, [&](storage::Tx& tx) -> Result<Membership> {
    if (Status s = require_member(tx, user_id, org_id, true); !s.ok()) return s.take_error();
    std::optional<User> u;
    if (valid_cnic(person)) u = tx.users().by_cnic(person);
    else if (auto e = normalise_email(person)) u = tx.users().by_email(*e);
    if (!u) return error(Errc::user_not_found);
    Membership m{org_id, u->id, u->name, role == "owner" ? OrgRole::owner : OrgRole::member, now};
    auto existing = tx.organisations().membership(org_id, u->id);
    if (!existing) {
      if (Status s = may_join_another(tx, u->id); !s.ok()) return s.take_error();
    }
    if (existing && existing->role == OrgRole::owner && m.role == OrgRole::member) {
      int owners = 0;
      for (const auto& x : tx.organisations().members(org_id)) owners += x.role == OrgRole::owner;
      if (owners <= 1) return error(Errc::last_owner);
    }
    tx.organisations().add_member(m, user_id);
    audit::record_self(tx, who, user_id, now, {"organisation.member.add", "organisation", org_id, m.user_id, org_id, "", "ok"});
    return m;
  });
}

Status Organisations::remove_member(const Principal& who, const std::string& org_id, const std::string& member_id) {
  const std::string& user_id = who.user_id;
  return db_.write([&](storage::Tx& tx) -> Status {
    // Anyone may leave; only owners may remove others.
    if (Status s = require_member(tx, user_id, org_id, member_id != user_id); !s.ok()) return s;
    auto m = tx.organisations().membership(org_id, member_id);
    if (!m) return error(Errc::user_not_found, "That person is not a member.");
    if (m->role == OrgRole::owner) {
      int owners = 0;
      for (const auto& x : tx.organisations().members(org_id)) owners += x.role == OrgRole::owner;
      if (owners <= 1) return error(Errc::last_owner);
    }
    tx.organisations().remove_member(org_id, member_id);
    audit::record_self(tx, who, user_id, clock_.now_ms(), {"organisation.member.remove", "organisation", org_id, member_id, org_id, "", "ok"});
    return ok_status();
  });
}

Result<bool> Organisations::is_member(const std::string& user_id, const std::string& org_id) {
  return storage::read_value<bool>(db_, [&](storage::Tx& tx) -> Result<bool> {
    return tx.organisations().membership(org_id, user_id).has_value();
  });
}

}  // namespace darwaza::identity
