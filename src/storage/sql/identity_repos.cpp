#include "storage/sql/identity_repos.hpp"

namespace darwaza::storage::sql {
namespace {

using namespace darwaza::identity;

// ---- users and roles
constexpr const char* kInsertUser =
    "INSERT INTO users (id, cnic, name, email, mobile, password_hash, preferred_lang, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateUser =
    "UPDATE users SET name = ?, email = ?, mobile = ?, password_hash = ?, preferred_lang = ?, updated_at = ? "
    "WHERE id = ?";
constexpr const char* kUserById = "SELECT id, cnic, name, email, mobile, password_hash, preferred_lang, created_at, updated_at FROM users WHERE id = ?";
constexpr const char* kUserByCnic = "SELECT id, cnic, name, email, mobile, password_hash, preferred_lang, created_at, updated_at FROM users WHERE cnic = ?";
constexpr const char* kUserByEmail = "SELECT id, cnic, name, email, mobile, password_hash, preferred_lang, created_at, updated_at FROM users WHERE email = ?";
constexpr const char* kCountUsers = "SELECT count(*) FROM users";
constexpr const char* kRolesOf = "SELECT role, agency_id FROM user_roles WHERE user_id = ? ORDER BY role, agency_id";
constexpr const char* kGrantRole =
    "INSERT INTO user_roles (user_id, role, agency_id, granted_by, granted_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (user_id, role, agency_id) DO NOTHING";
constexpr const char* kRevokeRole = "DELETE FROM user_roles WHERE user_id = ? AND role = ? AND agency_id = ?";
constexpr const char* kRevokeAgencyRoles = "DELETE FROM user_roles WHERE user_id = ? AND agency_id = ?";
constexpr const char* kStaffOf =
    "SELECT u.id, u.name, u.email, r.role, r.granted_at FROM user_roles r JOIN users u ON u.id = r.user_id "
    "WHERE r.agency_id = ? ORDER BY u.name, r.role";

// ---- sessions and throttling
constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, kind, subject_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kSessionByHash =
    "SELECT token_hash, kind, subject_id, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?";
// One row per role (a single row with NULL role when there are none, or for a client's session).
constexpr const char* kSessionWithRoles =
    "SELECT s.token_hash, s.kind, s.subject_id, s.created_at, s.expires_at, s.revoked_at, r.role, r.agency_id "
    "FROM sessions s LEFT JOIN user_roles r ON s.kind = 'user' AND r.user_id = s.subject_id "
    "WHERE s.token_hash = ? ORDER BY r.role, r.agency_id";
// The same with the person's record from column 8 on, as read_user reads it, with an empty
// password hash (u.id is NULL for a client's session).
constexpr const char* kSessionWithRolesAndPerson =
    "SELECT s.token_hash, s.kind, s.subject_id, s.created_at, s.expires_at, s.revoked_at, r.role, r.agency_id, "
    "u.id, u.cnic, u.name, u.email, u.mobile, '', u.preferred_lang, u.created_at, u.updated_at "
    "FROM sessions s LEFT JOIN user_roles r ON s.kind = 'user' AND r.user_id = s.subject_id "
    "LEFT JOIN users u ON s.kind = 'user' AND u.id = s.subject_id "
    "WHERE s.token_hash = ? ORDER BY r.role, r.agency_id";
constexpr const char* kRevokeSession = "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL";
constexpr const char* kRevokeSessionsOf =
    "UPDATE sessions SET revoked_at = ? WHERE subject_id = ? AND revoked_at IS NULL";
constexpr const char* kDeleteExpiredSessions = "DELETE FROM sessions WHERE expires_at < ?";
constexpr const char* kThrottleByKey = "SELECT key, failures, locked_until, last_failure FROM login_throttle WHERE key = ?";
constexpr const char* kPutThrottle =
    "INSERT INTO login_throttle (key, failures, locked_until, last_failure) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, "
    "last_failure = excluded.last_failure";
constexpr const char* kClearThrottle = "DELETE FROM login_throttle WHERE key = ?";

// ---- agencies and API clients
constexpr const char* kUpsertAgency =
    "INSERT INTO agencies (id, name_en, name_ur, kind, parent_id, website, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, name_ur = excluded.name_ur, kind = excluded.kind, "
    "parent_id = excluded.parent_id, website = excluded.website, updated_at = excluded.updated_at";
constexpr const char* kAgencyById =
    "SELECT id, name_en, name_ur, kind, coalesce(parent_id, ''), coalesce(website, '') FROM agencies WHERE id = ?";
constexpr const char* kListAgencies =
    "SELECT id, name_en, name_ur, kind, coalesce(parent_id, ''), coalesce(website, '') FROM agencies ORDER BY id";
constexpr const char* kInsertClient =
    "INSERT INTO api_clients (client_id, agency_id, name, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kClientById =
    "SELECT client_id, agency_id, name, secret_hash, coalesce(created_by, ''), created_at, revoked_at "
    "FROM api_clients WHERE client_id = ?";
constexpr const char* kClientsOf =
    "SELECT client_id, agency_id, name, secret_hash, coalesce(created_by, ''), created_at, revoked_at "
    "FROM api_clients WHERE agency_id = ? ORDER BY created_at";
constexpr const char* kRevokeClient = "UPDATE api_clients SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL";

// ---- organisations
constexpr const char* kInsertOrg =
    "INSERT INTO organisations (id, name, ntn, secp_number, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kOrgById =
    "SELECT id, name, coalesce(ntn, ''), coalesce(secp_number, ''), created_by, created_at FROM organisations WHERE id = ?";
constexpr const char* kOrgByNtn =
    "SELECT id, name, coalesce(ntn, ''), coalesce(secp_number, ''), created_by, created_at FROM organisations WHERE ntn = ?";
constexpr const char* kOrgBySecp =
    "SELECT id, name, coalesce(ntn, ''), coalesce(secp_number, ''), created_by, created_at FROM organisations "
    "WHERE secp_number = ?";
constexpr const char* kOrgsOfUser =
    "SELECT o.id, o.name, coalesce(o.ntn, ''), coalesce(o.secp_number, ''), o.created_by, o.created_at "
    "FROM organisations o JOIN org_members m ON m.org_id = o.id WHERE m.user_id = ? ORDER BY o.name";
constexpr const char* kAddMember =
    "INSERT INTO org_members (org_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role";
constexpr const char* kMembership =
    "SELECT m.org_id, m.user_id, u.name, m.role, m.added_at FROM org_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.org_id = ? AND m.user_id = ?";
constexpr const char* kMembers =
    "SELECT m.org_id, m.user_id, u.name, m.role, m.added_at FROM org_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.org_id = ? ORDER BY m.role DESC, u.name";
constexpr const char* kRemoveMember = "DELETE FROM org_members WHERE org_id = ? AND user_id = ?";

// The users columns of kUserById and the like, from column `at` on.
User read_user(Query& q, int at = 0) {
  return User{q.text(at),     q.text(at + 1), q.text(at + 2),    q.text(at + 3),   q.text(at + 4),
              q.text(at + 5), q.text(at + 6), q.integer(at + 7), q.integer(at + 8)};
}

Agency read_agency(Query& q) { return Agency{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)}; }

ApiClient read_client(Query& q) {
  return ApiClient{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5), q.opt_integer(6)};
}

Organisation read_org(Query& q) {
  return Organisation{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5)};
}

Membership read_membership(Query& q) {
  return Membership{q.text(0), q.text(1), q.text(2), q.text(3) == "owner" ? OrgRole::owner : OrgRole::member,
                    q.integer(4)};
}

Role role_from(const std::string& s) {
  Role r = Role::officer;
  parse_role(s, r);
  return r;
}

}  // namespace

void SqlUserRepo::insert(const User& u) {
  c_.query(kInsertUser)
      .bind_all(u.id, u.cnic, u.name, u.email, u.mobile, u.password_hash, u.preferred_lang, u.created_at, u.updated_at)
      .exec();
}

void SqlUserRepo::update(const User& u) {
  c_.query(kUpdateUser).bind_all(u.name, u.email, u.mobile, u.password_hash, u.preferred_lang, u.updated_at, u.id).exec();
}

std::optional<User> SqlUserRepo::one(const char* sql, const std::string& key) {
  auto q = c_.query(sql);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return read_user(q);
}

std::optional<User> SqlUserRepo::by_id(const std::string& id) { return one(kUserById, id); }
std::optional<User> SqlUserRepo::by_cnic(const std::string& cnic) { return one(kUserByCnic, cnic); }
std::optional<User> SqlUserRepo::by_email(const std::string& email) { return one(kUserByEmail, email); }

std::int64_t SqlUserRepo::count() {
  auto q = c_.query(kCountUsers);
  q.step();
  return q.integer(0);
}

std::vector<RoleGrant> SqlUserRepo::roles_of(const std::string& user_id) {
  std::vector<RoleGrant> out;
  auto q = c_.query(kRolesOf);
  q.bind(1, user_id);
  while (q.step()) out.push_back(RoleGrant{role_from(q.text(0)), q.text(1)});
  return out;
}

void SqlUserRepo::grant_role(const std::string& user_id, const RoleGrant& g, const std::string& granted_by,
                                UnixMs at) {
  c_.query(kGrantRole).bind_all(user_id, to_string(g.role), g.agency_id, granted_by, at).exec();
}

int SqlUserRepo::revoke_role(const std::string& user_id, const RoleGrant& g) {
  return c_.query(kRevokeRole).bind_all(user_id, to_string(g.role), g.agency_id).exec();
}

int SqlUserRepo::revoke_agency_roles(const std::string& user_id, const std::string& agency_id) {
  return c_.query(kRevokeAgencyRoles).bind_all(user_id, agency_id).exec();
}

std::vector<StaffMember> SqlUserRepo::staff_of(const std::string& agency_id) {
  std::vector<StaffMember> out;
  auto q = c_.query(kStaffOf);
  q.bind(1, agency_id);
  while (q.step()) out.push_back(StaffMember{q.text(0), q.text(1), q.text(2), role_from(q.text(3)), q.integer(4)});
  return out;
}

void SqlSessionRepo::insert(const Session& s) {
  c_.query(kInsertSession)
      .bind_all(s.token_hash, s.kind == SessionKind::user ? "user" : "client", s.subject_id, s.created_at, s.expires_at)
      .exec();
}

namespace {
// The session columns of kSessionByHash and kSessionWithRoles (the first six).
Session session_from(Query& q) {
  return Session{q.text(0), q.text(1) == "user" ? SessionKind::user : SessionKind::client, q.text(2), q.integer(3),
                 q.integer(4), q.opt_integer(5)};
}
}  // namespace

std::optional<Session> SqlSessionRepo::by_hash(const std::string& token_hash) {
  auto q = c_.query(kSessionByHash);
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  return session_from(q);
}

std::optional<SessionAndRoles> SqlSessionRepo::with_roles(const std::string& token_hash) {
  return session_rows(kSessionWithRoles, token_hash, false);
}

std::optional<SessionAndRoles> SqlSessionRepo::with_roles_and_person(const std::string& token_hash) {
  return session_rows(kSessionWithRolesAndPerson, token_hash, true);
}

std::optional<SessionAndRoles> SqlSessionRepo::session_rows(const char* sql, const std::string& token_hash,
                                                            bool person) {
  auto q = c_.query(sql);
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  SessionAndRoles out{session_from(q), {}, std::nullopt};
  if (person && !q.is_null(8)) out.person = read_user(q, 8);
  do {
    if (!q.is_null(6)) out.roles.push_back(RoleGrant{role_from(q.text(6)), q.text(7)});
  } while (q.step());
  return out;
}

void SqlSessionRepo::revoke(const std::string& token_hash, UnixMs at) {
  c_.query(kRevokeSession).bind_all(at, token_hash).exec();
}

void SqlSessionRepo::revoke_all_of(const std::string& subject_id, UnixMs at) {
  c_.query(kRevokeSessionsOf).bind_all(at, subject_id).exec();
}

std::int64_t SqlSessionRepo::delete_expired(UnixMs now) { return c_.query(kDeleteExpiredSessions).bind_all(now).exec(); }

std::optional<Throttle> SqlSessionRepo::throttle(const std::string& key) {
  auto q = c_.query(kThrottleByKey);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return Throttle{q.text(0), static_cast<int>(q.integer(1)), q.integer(2), q.integer(3)};
}

void SqlSessionRepo::put_throttle(const Throttle& t) {
  c_.query(kPutThrottle).bind_all(t.key, t.failures, t.locked_until, t.last_failure).exec();
}

void SqlSessionRepo::clear_throttle(const std::string& key) { c_.query(kClearThrottle).bind_all(key).exec(); }

void SqlAgencyRepo::upsert(const Agency& a, UnixMs at) {
  auto q = c_.query(kUpsertAgency);
  q.bind_all(a.id, a.name_en, a.name_ur, a.kind);
  q.bind_or_null(5, a.parent_id).bind_or_null(6, a.website).bind(7, at);
  q.exec();
}

std::optional<Agency> SqlAgencyRepo::by_id(const std::string& id) {
  auto q = c_.query(kAgencyById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_agency(q);
}

std::vector<Agency> SqlAgencyRepo::list() {
  std::vector<Agency> out;
  auto q = c_.query(kListAgencies);
  while (q.step()) out.push_back(read_agency(q));
  return out;
}

void SqlAgencyRepo::insert_client(const ApiClient& c) {
  c_.query(kInsertClient).bind_all(c.client_id, c.agency_id, c.name, c.secret_hash, c.created_by, c.created_at).exec();
}

std::optional<ApiClient> SqlAgencyRepo::client(const std::string& client_id) {
  auto q = c_.query(kClientById);
  q.bind(1, client_id);
  if (!q.step()) return std::nullopt;
  return read_client(q);
}

std::vector<ApiClient> SqlAgencyRepo::clients_of(const std::string& agency_id) {
  std::vector<ApiClient> out;
  auto q = c_.query(kClientsOf);
  q.bind(1, agency_id);
  while (q.step()) out.push_back(read_client(q));
  return out;
}

void SqlAgencyRepo::revoke_client(const std::string& client_id, UnixMs at) {
  c_.query(kRevokeClient).bind_all(at, client_id).exec();
}

void SqlOrganisationRepo::insert(const Organisation& o) {
  auto q = c_.query(kInsertOrg);
  q.bind_all(o.id, o.name);
  q.bind_or_null(3, o.ntn).bind_or_null(4, o.secp_number).bind(5, o.created_by).bind(6, o.created_at);
  q.exec();
}

std::optional<Organisation> SqlOrganisationRepo::one(const char* sql, const std::string& key) {
  auto q = c_.query(sql);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return read_org(q);
}

std::optional<Organisation> SqlOrganisationRepo::by_id(const std::string& id) { return one(kOrgById, id); }
std::optional<Organisation> SqlOrganisationRepo::by_ntn(const std::string& ntn) { return one(kOrgByNtn, ntn); }
std::optional<Organisation> SqlOrganisationRepo::by_secp(const std::string& s) { return one(kOrgBySecp, s); }

std::vector<Organisation> SqlOrganisationRepo::of_user(const std::string& user_id) {
  std::vector<Organisation> out;
  auto q = c_.query(kOrgsOfUser);
  q.bind(1, user_id);
  while (q.step()) out.push_back(read_org(q));
  return out;
}

void SqlOrganisationRepo::add_member(const Membership& m, const std::string& added_by) {
  c_.query(kAddMember).bind_all(m.org_id, m.user_id, to_string(m.role), added_by, m.added_at).exec();
}

std::optional<Membership> SqlOrganisationRepo::membership(const std::string& org_id, const std::string& user_id) {
  auto q = c_.query(kMembership);
  q.bind_all(org_id, user_id);
  if (!q.step()) return std::nullopt;
  return read_membership(q);
}

std::vector<Membership> SqlOrganisationRepo::members(const std::string& org_id) {
  std::vector<Membership> out;
  auto q = c_.query(kMembers);
  q.bind(1, org_id);
  while (q.step()) out.push_back(read_membership(q));
  return out;
}

int SqlOrganisationRepo::remove_member(const std::string& org_id, const std::string& user_id) {
  return c_.query(kRemoveMember).bind_all(org_id, user_id).exec();
}

}  // namespace darwaza::storage::sql
