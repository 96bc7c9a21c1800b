#include "api/render.hpp"

namespace darwaza::api {

using nlohmann::json;

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json to_json(const identity::User& u) {
  return {{"id", u.id},         {"cnic", u.cnic},
          {"name", u.name},     {"email", u.email},
          {"mobile", u.mobile}, {"preferred_lang", u.preferred_lang},
          {"created_at", format_rfc3339(u.created_at)}, {"updated_at", format_rfc3339(u.updated_at)}};
}

json to_json(const RoleGrant& g) {
  json j = {{"role", to_string(g.role)}};
  if (!g.agency_id.empty()) j["agency"] = g.agency_id;
  return j;
}

json to_json(const identity::Profile& p) {
  json j = to_json(p.user);
  j["roles"] = json::array();
  for (const auto& g : p.roles) j["roles"].push_back(to_json(g));
  return j;
}

json to_json(const identity::Agency& a) {
  json j = {{"id", a.id}, {"name_en", a.name_en}, {"name_ur", a.name_ur}, {"kind", a.kind}};
  if (!a.parent_id.empty()) j["parent_id"] = a.parent_id;
  if (!a.website.empty()) j["website"] = a.website;
  return j;
}

json to_json(const identity::StaffMember& s) {
  return {{"user_id", s.user_id},
          {"name", s.name},
          {"email", s.email},
          {"role", to_string(s.role)},
          {"granted_at", format_rfc3339(s.granted_at)}};
}

json to_json(const identity::ApiClient& c) {
  json j = {{"client_id", c.client_id},
            {"agency", c.agency_id},
            {"name", c.name},
            {"created_at", format_rfc3339(c.created_at)},
            {"revoked", c.revoked_at.has_value()}};
  if (c.revoked_at) j["revoked_at"] = format_rfc3339(*c.revoked_at);
  return j;
}

json to_json(const identity::Organisation& o) {
  json j = {{"id", o.id}, {"name", o.name}, {"created_at", format_rfc3339(o.created_at)}};
  j["ntn"] = or_null(o.ntn);
  j["secp_number"] = or_null(o.secp_number);
  return j;
}

json to_json(const identity::Membership& m) {
  return {{"user_id", m.user_id},
          {"name", m.user_name},
          {"role", identity::to_string(m.role)},
          {"added_at", format_rfc3339(m.added_at)}};
}

}  // namespace darwaza::api
