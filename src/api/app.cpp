#include "api/app.hpp"
#include "core/crypto.hpp"
#include "indicators/platform_figures.hpp"

#include <algorithm>
#include <thread>

namespace darwaza::api {

App::App(storage::Database& db_, const Clock& clock_, AppOptions options_, certificates::SigningKey key)
    : db(db_),
      clock(clock_),
      options(std::move(options_)),
      hasher(options.password),
      parts(std::max(1u, std::thread::hardware_concurrency()) - 1),
      accounts(db, clock, hasher),
      sessions(db, clock, hasher, options.sessions),
      agencies(db, clock),
      organisations(db, clock),
      catalog(db, clock, options.catalog_search),
      registries(db, clock, true, &parts),
      signing_key(std::move(key)),
      applications(db, clock, catalog, registries, signing_key, notifications::Templates::builtin(),
                   applications::Options{options.public_url, options.holidays, options.tracking_numbers}),
      documents(db, clock, options.documents_dir, options.document_quota),
      audit(db, clock, signing_key),
      indicators(db, clock),
      engagements(db, clock),
      consents(db, clock, registries),
      exchange(db, clock, registries, consents),
      notifications(db, clock, catalog, notifications::Templates::builtin()),
      // A node holding the public key only (serve --read-only) has no cookie sessions to protect:
      // its CSRF key is random, matching no other node's.
      csrf(signing_key.can_sign() ? signing_key.derive_secret(http::kCsrfKeyContext) : crypto::random_hex(32)) {
  for (auto& source : indicators::platform_figures()) indicators.add_live_source(std::move(source));
}

}  // namespace darwaza::api
