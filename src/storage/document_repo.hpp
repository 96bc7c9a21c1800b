// Store interface for document metadata and their links to applications.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "documents/types.hpp"

namespace darwaza::storage {

class DocumentRepo {
 public:
  virtual ~DocumentRepo() = default;
  virtual void insert(const documents::Document& d) = 0;
  virtual std::optional<documents::Document> by_id(const std::string& id) = 0;
  // How many documents `owner_user_id` has uploaded, and their bytes.
  virtual documents::Usage usage(const std::string& owner_user_id) = 0;
  virtual void link(const std::string& application_id, const std::string& document_id) = 0;
  // Removes every link of the application (a draft's, before its current documents are linked).
  virtual void unlink_all(const std::string& application_id) = 0;
  // Whether the document is referenced by an application filed for an organisation `user_id`
  // belongs to (the firm's members share its application's documents).
  virtual bool shared_with_member(const std::string& document_id, const std::string& user_id) = 0;
  // Agencies owning an application that references the document.
  virtual std::vector<std::string> agencies_referencing(const std::string& document_id) = 0;
};

}  // namespace darwaza::storage
