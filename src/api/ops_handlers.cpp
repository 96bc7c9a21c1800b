#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "api/identity_handlers.hpp"
#include "api/node_clock.hpp"

namespace darwaza::embedded {
std::string_view openapi_yaml();
}

namespace darwaza::api::handlers {

using nlohmann::json;

http::HandlerResult healthz(App&, http::Request&) { return http::Reply::json(200, {{"status", "ok"}}); }

// Ready: not draining, the database answers, this node's clock agrees with the database
// server's (api/node_clock.hpp), and on a read-only node the replica is not too far behind.
http::HandlerResult readyz(App& app, http::Request&) {
  if (app.draining && app.draining->load())
    return make_error(ErrorKind::unavailable, "draining", "Shutting down", "This node is draining.");
  json body = {{"status", "ready"}, {"engine", app.db.engine()}};
  auto clock_checked = [&](const std::optional<ClockOffset>& offset) -> Status {
    if (Status s = check_clock(offset, app.options.max_clock_skew_ms); !s.ok()) return s;
    if (offset) body["clock_offset_ms"] = std::round(offset->offset_ms);
    return ok_status();
  };
  if (!app.options.read_only) {
    // Where the database server has a clock (PostgreSQL), its read is the database's answer: one
    // round trip, and no second try at a database that did not answer. Elsewhere the ping says.
    auto offset = measure_clock_offset(app.db, app.clock);
    if (!offset && (app.db.has_server_clock() || !app.db.ready()))
      return make_error(ErrorKind::unavailable, "database-unavailable", "Database unavailable", "");
    if (Status s = clock_checked(offset); !s.ok()) return s.take_error();
    return http::Reply::json(200, body);
  }
  // A read-only node: the lag query is the database's round trip (nullopt also when it fails).
  auto lag = app.db.replica_lag_s();
  if (!lag)
    return make_error(ErrorKind::unavailable, "replica-disconnected", "Replica not streaming",
                      "This node's database replica does not answer, or receives nothing from its primary, so how "
                      "far behind it is cannot be known.");
  if (*lag > app.options.max_replica_lag_s) {
    Error e = make_error(ErrorKind::unavailable, "replica-lagging", "Replica behind",
                         fmt::format("This node's database replica is {:.1f} s behind its primary (at most {:.1f} s "
                                     "allowed: --max-replica-lag-s).",
                                     *lag, app.options.max_replica_lag_s));
    e.extensions["replica_lag_s"] = *lag;
    return e;
  }
  if (Status s = clock_checked(measure_clock_offset(app.db, app.clock)); !s.ok()) return s.take_error();
  body["read_only"] = true;
  body["replica_lag_s"] = *lag;
  return http::Reply::json(200, body);
}

http::HandlerResult metrics(App& app, http::Request&) {
  return http::Reply::text(200, "text/plain; version=0.0.4", app.metrics ? app.metrics->render() : std::string());
}

http::HandlerResult openapi(App&, http::Request&) {
  auto r = http::Reply::text(200, "application/yaml", std::string(embedded::openapi_yaml()));
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace darwaza::api::handlers
