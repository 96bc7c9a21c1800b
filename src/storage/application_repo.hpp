// Store interface for applications, their events, payments, idempotency keys and certificates.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "applications/types.hpp"

namespace darwaza::storage {

// An application with its whole timeline and its payments, read together.
struct FiledApplication {
  applications::Application application;
  std::vector<applications::Event> events;      // oldest first
  std::vector<applications::Payment> payments;  // oldest first
};

struct ApplicationPage {
  std::vector<applications::Application> items;
  std::int64_t total = 0;
  bool total_exact = true;  // false: more than total (an agency's queue counts up to QueueFilter::max_counted)
};

class ApplicationRepo {
 public:
  virtual ~ApplicationRepo() = default;
  // A plain INSERT (bulk loads send it as COPY on PostgreSQL): a taken id or tracking number is an error.
  virtual void insert(const applications::Application& a) = 0;
  // The same, but false (nothing written) when the tracking number is taken.
  virtual bool try_insert(const applications::Application& a) = 0;
  virtual void update(const applications::Application& a) = 0;
  virtual std::optional<applications::Application> by_id(const std::string& id) = 0;
  virtual std::optional<applications::Application> by_tracking(const std::string& tracking) = 0;
  // The same with the timeline and payments, in one statement (one round trip on PostgreSQL).
  virtual std::optional<FiledApplication> filed_by_id(const std::string& id) = 0;
  virtual std::optional<FiledApplication> filed_by_tracking(const std::string& tracking) = 0;
  // Every application, drafts included (operator checks such as `darwaza synth`'s summary).
  virtual std::int64_t count() = 0;
  // The person's own applications and (f.with_organisations) those of organisations they belong
  // to, newest first, each once; total counted up to f.max_counted.
  virtual ApplicationPage for_user(const applications::MineFilter& f) = 0;
  // An agency's queue, oldest submission first: the open applications (no state filter) or those
  // in f.state, of f.service if given, drafts never; with f.overdue_only, the open ones past their
  // SLA due time (f.now), longest overdue first. Total counted up to f.max_counted.
  virtual ApplicationPage queue(const applications::QueueFilter& f) = 0;

  virtual void add_event(const applications::Event& e) = 0;

  virtual void insert_payment(const applications::Payment& p) = 0;
  virtual std::optional<applications::Payment> payment_by_reference(const std::string& reference) = 0;

  virtual std::optional<applications::IdempotentResponse> idempotent(const std::string& principal,
                                                                      const std::string& key) = 0;
  virtual void put_idempotent(const std::string& principal, const std::string& key,
                              const applications::IdempotentResponse& r, UnixMs at) = 0;

  // Per service: applications submitted, decided, and each decision's time (decided - submitted).
  struct ServiceDecisions {
    std::string service_id;
    std::int64_t submitted = 0;
    std::vector<UnixMs> decision_ms;
  };
  virtual std::vector<ServiceDecisions> decisions_by_service() = 0;

  // Workflow moves made by officers and agency admins in [from_ms, to_ms), counted per service
  // version, state entered and day (whole days since 1970-01-01 at `day_offset_ms` from UTC).
  // Empty filter strings match everything.
  struct MoveFilter {
    UnixMs from_ms = 0, to_ms = 0, day_offset_ms = 0;
    std::string service_id, actor_user_id, actor_role;
  };
  struct MoveCount {
    std::string service_id;
    int service_version = 0;
    std::string to_state;
    std::int64_t day = 0;
    std::int64_t count = 0;
  };
  virtual std::vector<MoveCount> officer_moves(const MoveFilter& f) = 0;

  virtual void insert_certificate(const applications::CertificateRow& c) = 0;
  virtual std::optional<applications::CertificateRow> certificate(const std::string& id) = 0;
  virtual std::vector<applications::CertificateRow> certificates_of(const std::string& user_id) = 0;
};

}  // namespace darwaza::storage
