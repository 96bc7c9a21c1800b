// Engine-neutral SQL implementation of the application store.
#pragma once

#include "storage/application_repo.hpp"
#include "storage/sql/connection.hpp"

namespace darwaza::storage::sql {

class SqlApplicationRepo final : public ApplicationRepo {
 public:
  explicit SqlApplicationRepo(Connection& c) : c_(c) {}
  void insert(const applications::Application& a) override;
  bool try_insert(const applications::Application& a) override;
  void update(const applications::Application& a) override;
  std::optional<applications::Application> by_id(const std::string& id) override;
  std::optional<applications::Application> by_tracking(const std::string& tracking) override;
  std::optional<FiledApplication> filed_by_id(const std::string& id) override;
  std::optional<FiledApplication> filed_by_tracking(const std::string& tracking) override;
  std::int64_t count() override;
  ApplicationPage for_user(const applications::MineFilter& f) override;
  ApplicationPage queue(const applications::QueueFilter& f) override;
  void add_event(const applications::Event& e) override;
  void insert_payment(const applications::Payment& p) override;
  std::optional<applications::Payment> payment_by_reference(const std::string& reference) override;
  std::optional<applications::IdempotentResponse> idempotent(const std::string& principal, const std::string& key) override;
  void put_idempotent(const std::string& principal, const std::string& key, const applications::IdempotentResponse& r,
                      UnixMs at) override;
  std::vector<ServiceDecisions> decisions_by_service() override;
  std::vector<MoveCount> officer_moves(const MoveFilter& f) override;
  void insert_certificate(const applications::CertificateRow& c) override;
  std::optional<applications::CertificateRow> certificate(const std::string& id) override;
  std::vector<applications::CertificateRow> certificates_of(const std::string& user_id) override;

 private:
  std::optional<FiledApplication> filed(const char* sql, const std::string& key);
  Connection& c_;
};

}  // namespace darwaza::storage::sql
