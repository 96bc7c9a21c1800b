// The application's parts, wired once at start-up and handed to the route table.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/working_days.hpp"
#include "api/node_clock.hpp"
#include "core/clock.hpp"
#include "core/parallel.hpp"
#include "applications/applications.hpp"
#include "audit/audit.hpp"
#include "catalog/catalog.hpp"
#include "consent/consents.hpp"
#include "consent/exchange.hpp"
#include "certificates/signing.hpp"
#include "documents/documents.hpp"
#include "engagements/engagements.hpp"
#include "http/csrf.hpp"
#include "http/metrics.hpp"
#include "http/pipeline.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "identity/accounts.hpp"
#include "identity/agencies.hpp"
#include "identity/organisations.hpp"
#include "identity/sessions.hpp"
#include "registries/registries.hpp"
#include "indicators/indicators.hpp"
#include "notifications/notifications.hpp"
#include "storage/database.hpp"

namespace darwaza::api {

struct AppOptions {
  crypto::PasswordParams password;
  identity::SessionConfig sessions;
  bool cookie_secure = false;  // set Secure on cookies (serving behind TLS)
  std::string session_cookie = "darwaza_session";
  std::string public_url = "http://127.0.0.1:8080";  // base of links in certificates and QR codes
  std::string documents_dir = "./darwaza-data/documents";  // content-addressed uploads
  documents::Quota document_quota;
  Holidays holidays;  // public holidays (SLAs count working days)
  catalog::SearchEngine catalog_search = catalog::SearchEngine::memory;
  // A read-only node on a database replica (serve --read-only): /readyz reports the replica's lag
  // and answers 503 while it is over max_replica_lag_s.
  bool read_only = false;
  double max_replica_lag_s = 30;
  // /readyz answers 503 clock-skewed while this node's clock is further than this from the
  // database server's (PostgreSQL; api/node_clock.hpp); 0: not checked.
  double max_clock_skew_ms = kDefaultMaxClockSkewMs;
  // Where new tracking numbers come from (applications::Options; tests script clashes).
  std::function<std::string(UnixMs)> tracking_numbers = applications::new_tracking_number;
};

struct App {
  App(storage::Database& db, const Clock& clock, AppOptions options, certificates::SigningKey key);

  storage::Database& db;
  const Clock& clock;
  AppOptions options;
  identity::PasswordHasher hasher;
  // Helpers for the parts of one large request (address look-up batches): one per core beyond the first.
  PartPool parts;
  identity::Accounts accounts;
  identity::Sessions sessions;
  identity::Agencies agencies;
  identity::Organisations organisations;
  catalog::Catalog catalog;
  registries::Registries registries;
  certificates::SigningKey signing_key;
  applications::Applications applications;
  documents::Documents documents;
  audit::Audit audit;
  indicators::Indicators indicators;  // live figures: see indicators/live.hpp
  engagements::Engagements engagements;
  consent::Consents consents;  // legal bases: set at start-up (app/serve.cpp)
  consent::Exchange exchange;
  notifications::Notifications notifications;  // the inbox and the expiry scan; the outbox worker runs in serve
  http::CsrfTokens csrf;    // browser sessions' CSRF tokens (http/csrf.hpp)
  http::StaticFiles web;    // the web pages (--web-dir); empty: no pages served

  http::Metrics* metrics = nullptr;              // set once the route table is known
  const std::atomic<bool>* draining = nullptr;   // set by the server; /readyz reports it
};

// identity::Sessions as the HTTP layer's Authenticator.
class SessionAuthenticator final : public http::Authenticator {
 public:
  explicit SessionAuthenticator(identity::Sessions& s) : sessions_(s) {}
  Result<Principal> authenticate(std::string_view token, bool with_person) override {
    return sessions_.authenticate(token, with_person);
  }

 private:
  identity::Sessions& sessions_;
};

// THE route table (routes.cpp).
void register_routes(http::Router& router, App& app);

}  // namespace darwaza::api
