// Store interfaces for identity. Reads return std::nullopt when absent; a storage failure
// throws StorageError and fails the surrounding transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "identity/types.hpp"

namespace darwaza::storage {

class UserRepo {
 public:
  virtual ~UserRepo() = default;
  virtual void insert(const identity::User& u) = 0;
  virtual void update(const identity::User& u) = 0;
  virtual std::optional<identity::User> by_id(const std::string& id) = 0;
  virtual std::optional<identity::User> by_cnic(const std::string& cnic) = 0;
  virtual std::optional<identity::User> by_email(const std::string& email) = 0;
  virtual std::int64_t count() = 0;

  virtual std::vector<RoleGrant> roles_of(const std::string& user_id) = 0;
  virtual void grant_role(const std::string& user_id, const RoleGrant& g, const std::string& granted_by,
                          UnixMs at) = 0;
  // Returns the number of grants removed.
  virtual int revoke_role(const std::string& user_id, const RoleGrant& g) = 0;
  virtual int revoke_agency_roles(const std::string& user_id, const std::string& agency_id) = 0;
  virtual std::vector<identity::StaffMember> staff_of(const std::string& agency_id) = 0;
};

// A session with its person's roles (none for an API client's session), and with the person's
// record when asked for (without the password hash).
struct SessionAndRoles {
  identity::Session session;
  std::vector<RoleGrant> roles;
  std::optional<identity::User> person;
};

class SessionRepo {
 public:
  virtual ~SessionRepo() = default;
  virtual void insert(const identity::Session& s) = 0;
  virtual std::optional<identity::Session> by_hash(const std::string& token_hash) = 0;
  // by_hash and the roles of the person it signs in, in one statement (every authenticated
  // request asks; on a database server that is one round trip instead of two).
  virtual std::optional<SessionAndRoles> with_roles(const std::string& token_hash) = 0;
  // with_roles and the person's record, still one statement (routes that show the person their
  // own record: GET /v1/me).
  virtual std::optional<SessionAndRoles> with_roles_and_person(const std::string& token_hash) = 0;
  virtual void revoke(const std::string& token_hash, UnixMs at) = 0;
  virtual void revoke_all_of(const std::string& subject_id, UnixMs at) = 0;
  virtual std::int64_t delete_expired(UnixMs now) = 0;

  virtual std::optional<identity::Throttle> throttle(const std::string& key) = 0;
  virtual void put_throttle(const identity::Throttle& t) = 0;
  virtual void clear_throttle(const std::string& key) = 0;
};

class AgencyRepo {
 public:
  virtual ~AgencyRepo() = default;
  virtual void upsert(const identity::Agency& a, UnixMs at) = 0;
  virtual std::optional<identity::Agency> by_id(const std::string& id) = 0;
  virtual std::vector<identity::Agency> list() = 0;

  virtual void insert_client(const identity::ApiClient& c) = 0;
  virtual std::optional<identity::ApiClient> client(const std::string& client_id) = 0;
  virtual std::vector<identity::ApiClient> clients_of(const std::string& agency_id) = 0;
  virtual void revoke_client(const std::string& client_id, UnixMs at) = 0;
};

class OrganisationRepo {
 public:
  virtual ~OrganisationRepo() = default;
  virtual void insert(const identity::Organisation& o) = 0;
  virtual std::optional<identity::Organisation> by_id(const std::string& id) = 0;
  virtual std::optional<identity::Organisation> by_ntn(const std::string& ntn) = 0;
  virtual std::optional<identity::Organisation> by_secp(const std::string& secp) = 0;
  virtual std::vector<identity::Organisation> of_user(const std::string& user_id) = 0;

  virtual void add_member(const identity::Membership& m, const std::string& added_by) = 0;
  virtual std::optional<identity::Membership> membership(const std::string& org_id, const std::string& user_id) = 0;
  virtual std::vector<identity::Membership> members(const std::string& org_id) = 0;
  virtual int remove_member(const std::string& org_id, const std::string& user_id) = 0;
};

}  // namespace darwaza::storage
