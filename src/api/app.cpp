#include "api/app.hpp"

namespace darwaza::api {

App::App(storage::Database& db_, const Clock& clock_, AppOptions options_)
    : db(db_),
      clock(clock_),
      options(std::move(options_)),
      hasher(options.password),
      accounts(db, clock, hasher),
      sessions(db, clock, hasher, options.sessions),
      agencies(db, clock),
      organisations(db, clock) {}

}  // namespace darwaza::api
