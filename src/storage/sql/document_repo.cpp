#include "storage/sql/document_repo.hpp"

namespace darwaza::storage::sql {
namespace {
constexpr const char* kInsertDocument =
    "INSERT INTO documents (id, sha256, media_type, size, filename, owner_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kDocumentById =
    "SELECT id, sha256, media_type, size, coalesce(filename, ''), owner_user_id, created_at FROM documents WHERE id = ?";
constexpr const char* kUsage = "SELECT count(*), coalesce(sum(size), 0) FROM documents WHERE owner_user_id = ?";
constexpr const char* kLinkDocument =
    "INSERT INTO application_documents (application_id, document_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
constexpr const char* kMarkUnreferenced =
    "INSERT INTO unreferenced_documents (document_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING";
constexpr const char* kMarkLinksUnreferenced =
    "INSERT INTO unreferenced_documents (document_id, since) SELECT document_id, ?2 FROM application_documents "
    "WHERE application_id = ?1 ON CONFLICT (document_id) DO UPDATE SET since = excluded.since";
constexpr const char* kClearUnreferenced = "DELETE FROM unreferenced_documents WHERE document_id = ?";
constexpr const char* kUnlinkAll = "DELETE FROM application_documents WHERE application_id = ?";
constexpr const char* kUnreferencedBefore =
    "SELECT d.id, d.sha256, d.media_type, d.size, coalesce(d.filename, ''), d.owner_user_id, d.created_at "
    "FROM unreferenced_documents u JOIN documents d ON d.id = u.document_id WHERE u.since <= ? "
    "ORDER BY u.since, u.document_id LIMIT ?";
constexpr const char* kLinked = "SELECT 1 FROM application_documents WHERE document_id = ? LIMIT 1";
constexpr const char* kDeleteDocument = "DELETE FROM documents WHERE id = ?";
constexpr const char* kContentNamed = "SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1";
// SHA-256s are lower-case hex, so every one starting with PREFIX sorts in [PREFIX, PREFIX || 'g').
constexpr const char* kContentWithPrefix =
    "SELECT DISTINCT sha256 FROM documents WHERE sha256 >= ?1 AND sha256 < ?1 || 'g' ORDER BY sha256";
constexpr const char* kAnyDocument = "SELECT 1 FROM documents LIMIT 1";
constexpr const char* kSharedWithMember =
    "SELECT 1 FROM application_documents d JOIN applications a ON a.id = d.application_id "
    "JOIN org_members m ON m.org_id = a.org_id WHERE d.document_id = ? AND m.user_id = ? LIMIT 1";
constexpr const char* kAgenciesReferencing =
    "SELECT DISTINCT a.agency_id FROM application_documents d JOIN applications a ON a.id = d.application_id "
    "WHERE d.document_id = ? AND a.state <> 'draft'";
}  // namespace

void SqlDocumentRepo::insert(const documents::Document& d) {
  auto q = c_.query(kInsertDocument);
  q.bind_all(d.id, d.sha256, d.media_type, d.size);
  q.bind_or_null(5, d.filename).bind(6, d.owner_user_id).bind(7, d.created_at);
  q.exec();
  c_.query(kMarkUnreferenced).bind_all(d.id, d.created_at).exec();
}

namespace {
documents::Document document_at(Query& q) {
  return documents::Document{q.text(0), q.text(1), q.text(2), q.integer(3), q.text(4), q.text(5), q.integer(6)};
}
}  // namespace

std::optional<documents::Document> SqlDocumentRepo::by_id(const std::string& id) {
  auto q = c_.query(kDocumentById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return document_at(q);
}

documents::Usage SqlDocumentRepo::usage(const std::string& owner_user_id) {
  auto q = c_.query(kUsage);
  q.bind(1, owner_user_id);
  if (!q.step()) return {};
  return documents::Usage{q.integer(0), q.integer(1)};
}

void SqlDocumentRepo::link(const std::string& application_id, const std::string& document_id) {
  c_.query(kLinkDocument).bind_all(application_id, document_id).exec();
  clear_unreferenced(document_id);
}

void SqlDocumentRepo::unlink_all(const std::string& application_id, UnixMs now) {
  c_.query(kMarkLinksUnreferenced).bind_all(application_id, now).exec();
  c_.query(kUnlinkAll).bind(1, application_id).exec();
}

std::vector<documents::Document> SqlDocumentRepo::unreferenced_before(UnixMs cutoff, int limit) {
  std::vector<documents::Document> out;
  auto q = c_.query(kUnreferencedBefore);
  q.bind_all(cutoff, limit);
  while (q.step()) out.push_back(document_at(q));
  return out;
}

bool SqlDocumentRepo::linked(const std::string& document_id) {
  auto q = c_.query(kLinked);
  q.bind(1, document_id);
  return q.step();
}

void SqlDocumentRepo::clear_unreferenced(const std::string& document_id) {
  c_.query(kClearUnreferenced).bind(1, document_id).exec();
}

void SqlDocumentRepo::remove(const std::string& document_id) {
  clear_unreferenced(document_id);
  c_.query(kDeleteDocument).bind(1, document_id).exec();
}

bool SqlDocumentRepo::content_named(const std::string& sha256) {
  auto q = c_.query(kContentNamed);
  q.bind(1, sha256);
  return q.step();
}

std::vector<std::string> SqlDocumentRepo::content_with_prefix(const std::string& prefix) {
  auto q = c_.query(kContentWithPrefix);
  q.bind(1, prefix);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

bool SqlDocumentRepo::any() { return c_.query(kAnyDocument).step(); }

bool SqlDocumentRepo::shared_with_member(const std::string& document_id, const std::string& user_id) {
  auto q = c_.query(kSharedWithMember);
  q.bind_all(document_id, user_id);
  return q.step();
}

std::vector<std::string> SqlDocumentRepo::agencies_referencing(const std::string& document_id) {
  std::vector<std::string> out;
  auto q = c_.query(kAgenciesReferencing);
  q.bind(1, document_id);
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace darwaza::storage::sql
