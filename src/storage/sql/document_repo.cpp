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
constexpr const char* kUnlinkAll = "DELETE FROM application_documents WHERE application_id = ?";
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
}

std::optional<documents::Document> SqlDocumentRepo::by_id(const std::string& id) {
  auto q = c_.query(kDocumentById);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return documents::Document{q.text(0), q.text(1), q.text(2), q.integer(3), q.text(4), q.text(5), q.integer(6)};
}

documents::Usage SqlDocumentRepo::usage(const std::string& owner_user_id) {
  auto q = c_.query(kUsage);
  q.bind(1, owner_user_id);
  if (!q.step()) return {};
  return documents::Usage{q.integer(0), q.integer(1)};
}

void SqlDocumentRepo::link(const std::string& application_id, const std::string& document_id) {
  c_.query(kLinkDocument).bind_all(application_id, document_id).exec();
}

void SqlDocumentRepo::unlink_all(const std::string& application_id) {
  c_.query(kUnlinkAll).bind(1, application_id).exec();
}

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
