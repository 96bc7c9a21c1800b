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
  // Also marks it unreferenced since its upload (no application names it yet).
  virtual void insert(const documents::Document& d) = 0;
  virtual std::optional<documents::Document> by_id(const std::string& id) = 0;
  // How many documents `owner_user_id` has uploaded, and their bytes.
  virtual documents::Usage usage(const std::string& owner_user_id) = 0;
  // Links the document to the application; it is no longer unreferenced.
  virtual void link(const std::string& application_id, const std::string& document_id) = 0;
  // Removes every link of the application (a draft's, before its current documents are linked),
  // marking each document unreferenced since `now` (linking it again takes the mark off; a mark
  // it had already, from another draft's edit, moves to `now`, when its last link may have gone).
  virtual void unlink_all(const std::string& application_id, UnixMs now) = 0;
  // Documents marked unreferenced since `cutoff` or before, oldest first, at most `limit`.
  virtual std::vector<documents::Document> unreferenced_before(UnixMs cutoff, int limit) = 0;
  // Whether any application links the document.
  virtual bool linked(const std::string& document_id) = 0;
  // Takes the unreferenced mark off (a marked document that is linked after all).
  virtual void clear_unreferenced(const std::string& document_id) = 0;
  // Deletes the document's row (and its mark); it must have no links.
  virtual void remove(const std::string& document_id) = 0;
  // Whether any document names this content.
  virtual bool content_named(const std::string& sha256) = 0;
  // The distinct content (SHA-256s) documents name whose hex starts with `prefix`, in order.
  virtual std::vector<std::string> content_with_prefix(const std::string& prefix) = 0;
  // Whether the database holds any document at all.
  virtual bool any() = 0;
  // Whether the document is referenced by an application filed for an organisation `user_id`
  // belongs to (the firm's members share its application's documents).
  virtual bool shared_with_member(const std::string& document_id, const std::string& user_id) = 0;
  // Agencies owning an application that references the document.
  virtual std::vector<std::string> agencies_referencing(const std::string& document_id) = 0;
};

}  // namespace darwaza::storage
