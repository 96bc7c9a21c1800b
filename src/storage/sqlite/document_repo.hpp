// SQLite implementation of the document store.
#pragma once

#include "storage/document_repo.hpp"
#include "storage/sqlite/connection.hpp"

namespace darwaza::storage::sqlite {

class SqliteDocumentRepo final : public DocumentRepo {
 public:
  explicit SqliteDocumentRepo(Connection& c) : c_(c) {}
  void insert(const documents::Document& d) override;
  std::optional<documents::Document> by_id(const std::string& id) override;
  void link(const std::string& application_id, const std::string& document_id) override;
  std::vector<std::string> agencies_referencing(const std::string& document_id) override;

 private:
  Connection& c_;
};

}  // namespace darwaza::storage::sqlite
