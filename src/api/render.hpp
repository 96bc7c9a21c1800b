// JSON shapes of identity objects in API responses, and small helpers the handlers share.
#pragma once

#include <nlohmann/json.hpp>

#include "identity/accounts.hpp"
#include "identity/agencies.hpp"
#include "identity/types.hpp"

namespace darwaza::api {

// JSON null for an empty string (an optional field that is not set), the string otherwise.
nlohmann::json or_null(const std::string& s);

nlohmann::json to_json(const identity::User& u);  // never includes the password hash
nlohmann::json to_json(const identity::Profile& p);
nlohmann::json to_json(const RoleGrant& g);
nlohmann::json to_json(const identity::Agency& a);
nlohmann::json to_json(const identity::StaffMember& s);
nlohmann::json to_json(const identity::ApiClient& c);  // never includes the secret hash
nlohmann::json to_json(const identity::Organisation& o);
nlohmann::json to_json(const identity::Membership& m);

template <class T>
nlohmann::json items_json(const std::vector<T>& v) {
  auto arr = nlohmann::json::array();
  for (const auto& x : v) arr.push_back(to_json(x));
  return {{"items", std::move(arr)}};
}

}  // namespace darwaza::api
