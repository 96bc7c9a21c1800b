// Engine-neutral SQL implementation of the identity store interfaces.
#pragma once

#include "storage/identity_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlUserRepo final : public UserRepo {
 public:
  explicit SqlUserRepo(Connection& c) : c_(c) {}
  void insert(const identity::User& u) override;
  void update(const identity::User& u) override;
  std::optional<identity::User> by_id(const std::string& id) override;
  std::optional<identity::User> by_cnic(const std::string& cnic) override;
  std::optional<identity::User> by_email(const std::string& email) override;
  std::int64_t count() override;
  std::vector<RoleGrant> roles_of(const std::string& user_id) override;
  void grant_role(const std::string& user_id, const RoleGrant& g, const std::string& granted_by, UnixMs at) override;
  int revoke_role(const std::string& user_id, const RoleGrant& g) override;
  int revoke_agency_roles(const std::string& user_id, const std::string& agency_id) override;
  std::vector<identity::StaffMember> staff_of(const std::string& agency_id) override;

 private:
  std::optional<identity::User> one(const char* sql, const std::string& key);
  Connection& c_;
};

class SqlSessionRepo final : public SessionRepo {
 public:
  explicit SqlSessionRepo(Connection& c) : c_(c) {}
  void insert(const identity::Session& s) override;
  std::optional<identity::Session> by_hash(const std::string& token_hash) override;
  std::optional<SessionAndRoles> with_roles(const std::string& token_hash) override;
  std::optional<SessionAndRoles> with_roles_and_person(const std::string& token_hash) override;
  void revoke(const std::string& token_hash, UnixMs at) override;
  void revoke_all_of(const std::string& subject_id, UnixMs at) override;
  std::int64_t delete_expired(UnixMs now) override;
  std::optional<identity::Throttle> throttle(const std::string& key) override;
  void put_throttle(const identity::Throttle& t) override;
  void clear_throttle(const std::string& key) override;

 private:
  // The rows of kSessionWithRoles or kSessionWithRolesAndPerson (`person`: the latter).
  std::optional<SessionAndRoles> session_rows(const char* sql, const std::string& token_hash, bool person);
  Connection& c_;
};

class SqlAgencyRepo final : public AgencyRepo {
 public:
  explicit SqlAgencyRepo(Connection& c) : c_(c) {}
  void upsert(const identity::Agency& a, UnixMs at) override;
  std::optional<identity::Agency> by_id(const std::string& id) override;
  std::vector<identity::Agency> list() override;
  void insert_client(const identity::ApiClient& c) override;
  std::optional<identity::ApiClient> client(const std::string& client_id) override;
  std::vector<identity::ApiClient> clients_of(const std::string& agency_id) override;
  void revoke_client(const std::string& client_id, UnixMs at) override;

 private:
  Connection& c_;
};

class SqlOrganisationRepo final : public OrganisationRepo {
 public:
  explicit SqlOrganisationRepo(Connection& c) : c_(c) {}
  void insert(const identity::Organisation& o) override;
  std::optional<identity::Organisation> by_id(const std::string& id) override;
  std::optional<identity::Organisation> by_ntn(const std::string& ntn) override;
  std::optional<identity::Organisation> by_secp(const std::string& secp) override;
  std::vector<identity::Organisation> of_user(const std::string& user_id) override;
  void add_member(const identity::Membership& m, const std::string& added_by) override;
  std::optional<identity::Membership> membership(const std::string& org_id, const std::string& user_id) override;
  std::vector<identity::Membership> members(const std::string& org_id) override;
  int remove_member(const std::string& org_id, const std::string& user_id) override;

 private:
  std::optional<identity::Organisation> one(const char* sql, const std::string& key);
  Connection& c_;
};

}  // namespace darwaza::storage::sql
