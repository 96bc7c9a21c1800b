// Engine-neutral SQL implementation of the document store.
#pragma once

#include "storage/document_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlDocumentRepo final : public DocumentRepo {
 public:
  explicit SqlDocumentRepo(Connection& c) : c_(c) {}
  void insert(const documents::Document& d) override;
  std::optional<documents::Document> by_id(const std::string& id) override;
  documents::Usage usage(const std::string& owner_user_id) override;
  void link(const std::string& application_id, const std::string& document_id) override;
  void unlink_all(const std::string& application_id, UnixMs now) override;
  std::vector<documents::Document> unreferenced_before(UnixMs cutoff, int limit) override;
  bool linked(const std::string& document_id) override;
  void clear_unreferenced(const std::string& document_id) override;
  void remove(const std::string& document_id) override;
  bool content_named(const std::string& sha256) override;
  std::vector<std::string> content_with_prefix(const std::string& prefix) override;
  bool any() override;
  bool shared_with_member(const std::string& document_id, const std::string& user_id) override;
  std::vector<std::string> agencies_referencing(const std::string& document_id) override;

 private:
  Connection& c_;
};

}  // namespace darwaza::storage::sql
