#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/identity_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"
#include "core/crypto.hpp"
#include "http/client_address.hpp"
#include "identity/errors.hpp"

namespace darwaza::api::handlers {
using nlohmann::json;

namespace {

// Only the API reads the session: scoped to /v1, the cookie does not ride along with the
// shell and asset requests. Logout clears it under the same path.
constexpr std::string_view kSessionCookiePath = "/v1";

std::string session_cookie(const App& app, const std::string& value, long max_age_s) {
  return fmt::format("{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Strict{}", app.options.session_cookie, value,
                     kSessionCookiePath, max_age_s, app.options.cookie_secure ? "; Secure" : "");
}

// Basic client authentication (RFC 6749 §2.3.1): base64(client_id:client_secret).
bool basic_credentials(std::string_view header, std::string& id, std::string& secret) {
  if (header.size() < 7 || (header.substr(0, 6) != "Basic " && header.substr(0, 6) != "basic ")) return false;
  auto decoded = crypto::base64_decode(header.substr(6));
  if (!decoded) return false;
  const std::string& bin = *decoded;
  auto colon = bin.find(':');
  if (colon == std::string::npos) return false;
  std::string decoded_id, decoded_secret;
  http::url_decode(bin.substr(0, colon), decoded_id, true);
  http::url_decode(bin.substr(colon + 1), decoded_secret, true);
  id = decoded_id;
  secret = decoded_secret;
  return true;
}

}  // namespace

http::HandlerResult signup(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"cnic", "name", "email", "mobile", "password", "preferred_lang"});
  if (!in.ok()) return in.take_error();
  identity::SignupInput s{in->str("cnic"), in->str("name"), in->str("email"), in->str("mobile"), in->str("password"),
                          in->str("preferred_lang")};
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto user = app.accounts.signup(req.principal, s, req.lang);
  if (!user.ok()) return user.take_error();
  auto reply = http::Reply::json(201, to_json(*user));
  reply.headers.emplace_back("Location", "/v1/me");
  return reply;
}

namespace {

// Both logins take the same body and apply the same throttling.
Result<identity::LoginResult> log_in(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"login", "cnic", "email", "password"});
  if (!in.ok()) return in.take_error();
  auto login = in->str("login");
  auto cnic = in->str("cnic");
  auto email = in->str("email");
  auto password = in->str("password");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  FieldErrors errs(req.lang);
  std::string identifier = login ? *login : cnic ? *cnic : email ? *email : std::string();
  if (identifier.empty()) errs.add("/login", "required");
  if (!password || password->empty()) errs.add("/password", "required");
  if (!errs.empty()) return errs.to_error();
  return app.sessions.login(req.principal, identifier, *password, http::client_key(req.remote_ip));
}

}  // namespace

namespace {

// A login's answer: `body` plus the session cookie (HttpOnly: scripts cannot read it) and the
// CSRF token that state-changing requests made with the cookie must send.
http::Reply signed_in_reply(App& app, const identity::LoginResult& r, json body) {
  long max_age = static_cast<long>(app.sessions.config().session_ttl_ms / 1000);
  body["csrf_token"] = app.csrf.for_session(identity::Sessions::hash_token(r.token));
  body["expires_at"] = format_rfc3339(r.expires_at);
  body["user"] = to_json(r.user);
  auto reply = http::Reply::json(200, std::move(body));
  reply.headers.emplace_back("Set-Cookie", session_cookie(app, r.token, max_age));
  return reply;
}

}  // namespace

// The token in the body (API callers present it as a bearer token) and the cookie.
http::HandlerResult login(App& app, http::Request& req) {
  auto r = log_in(app, req);
  if (!r.ok()) return r.take_error();
  return signed_in_reply(app, *r, {{"token", r->token}, {"token_type", "Bearer"}});
}

// The browser's login: the session only in the cookie, never where a page's script could read it.
http::HandlerResult web_login(App& app, http::Request& req) {
  auto r = log_in(app, req);
  if (!r.ok()) return r.take_error();
  return signed_in_reply(app, *r, json::object());
}

namespace {

// The signed-in person: record and roles as read with the session (GET /v1/me and the browser's
// session call; their routes ask for the record with RouteOptions::with_person).
Result<json> profile_json(App& app, const http::Request& req) {
  auto u = app.accounts.user(req.principal);
  if (!u.ok()) return u.take_error();
  return to_json(identity::Profile{std::move(u).value(), req.principal.roles});
}

}  // namespace

http::HandlerResult web_session(App& app, http::Request& req) {
  auto profile = profile_json(app, req);
  if (!profile.ok()) return profile.take_error();
  return http::Reply::json(200, {{"user", std::move(profile).value()},
                                 {"csrf_token", req.via_cookie ? json(app.csrf.for_session(req.principal.session_id))
                                                               : json(nullptr)}});
}

http::HandlerResult logout(App& app, http::Request& req) {
  if (Status s = app.sessions.logout(req.principal); !s.ok()) return s.take_error();
  auto reply = http::Reply::no_content();
  reply.headers.emplace_back("Set-Cookie", session_cookie(app, "", 0));
  return reply;
}

http::HandlerResult get_me(App& app, http::Request& req) {
  auto profile = profile_json(app, req);
  if (!profile.ok()) return profile.take_error();
  return http::Reply::json(200, std::move(profile).value());
}

http::HandlerResult patch_me(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"name", "email", "mobile", "preferred_lang", "new_password", "current_password"});
  if (!in.ok()) return in.take_error();
  identity::ProfilePatch patch{in->str("name"),           in->str("email"),        in->str("mobile"),
                               in->str("preferred_lang"), in->str("new_password"), in->str("current_password")};
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto p = app.accounts.update_profile(req.principal, patch, req.lang);
  if (!p.ok()) return p.take_error();
  return http::Reply::json(200, to_json(*p));
}

http::HandlerResult oauth_token(App& app, http::Request& req) {
  std::string grant, id, secret;
  std::string_view ct = req.header(http::bhttp::field::content_type);
  if (ct.starts_with("application/x-www-form-urlencoded")) {
    std::unordered_map<std::string, std::string> form;
    http::parse_query(req.raw.body(), form);
    grant = form["grant_type"];
    id = form["client_id"];
    secret = form["client_secret"];
  } else {
    auto in = JsonInput::from(req, {"grant_type", "client_id", "client_secret", "scope"});
    if (!in.ok()) return in.take_error();
    grant = in->str_or_empty("grant_type");
    id = in->str_or_empty("client_id");
    secret = in->str_or_empty("client_secret");
    if (Status st = in->finish(); !st.ok()) return st.take_error();
  }
  basic_credentials(req.header(http::bhttp::field::authorization), id, secret);
  if (grant != "client_credentials") return identity::error(identity::Errc::unsupported_grant);
  if (id.empty() || secret.empty()) return identity::error(identity::Errc::invalid_client);
  auto t = app.sessions.client_token(req.principal, id, secret);
  if (!t.ok()) return t.take_error();
  return http::Reply::json(200, {{"access_token", t->token},
                                 {"token_type", "Bearer"},
                                 {"expires_in", t->expires_in_ms / 1000},
                                 {"agency", t->agency_id}});
}

}  // namespace darwaza::api::handlers
