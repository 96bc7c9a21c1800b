#include "api/web_handlers.hpp"

namespace darwaza::api::handlers {

// The one HTML shell; the page shown is chosen by the URL fragment (#/services, #/verify/ID).
constexpr const char* kShell = "index.html";

http::HandlerResult web_index(App& app, http::Request& req) { return app.web.serve(req, kShell); }

http::HandlerResult web_asset(App& app, http::Request& req) {
  if (req.param("file") == kShell) return app.web.serve(req, "");  // only at /
  return app.web.serve(req, req.param("file"));
}

http::HandlerResult web_nested_asset(App& app, http::Request& req) {
  return app.web.serve(req, req.param("dir") + "/" + req.param("file"));
}

}  // namespace darwaza::api::handlers
