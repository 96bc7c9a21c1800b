#include "api/identity_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"

namespace darwaza::api::handlers {

http::HandlerResult list_agencies(App& app, http::Request&) {
  auto r = app.agencies.list();
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, items_json(*r));
}

http::HandlerResult get_agency(App& app, http::Request& req) {
  auto r = app.agencies.get(req.param("agency"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, to_json(*r));
}

http::HandlerResult list_staff(App& app, http::Request& req) {
  auto r = app.agencies.staff(req.param("agency"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, items_json(*r));
}

http::HandlerResult add_staff(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"person", "role"});
  if (!in.ok()) return in.take_error();
  std::string person = in->str_or_empty("person"), role = in->str_or_empty("role");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.agencies.add_staff(req.principal, req.param("agency"), person, role, req.lang);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(201, to_json(*r));
}

http::HandlerResult remove_staff(App& app, http::Request& req) {
  if (Status s = app.agencies.remove_staff(req.principal, req.param("agency"), req.param("user")); !s.ok())
    return s.take_error();
  return http::Reply::no_content();
}

http::HandlerResult list_clients(App& app, http::Request& req) {
  auto r = app.agencies.clients(req.param("agency"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, items_json(*r));
}

http::HandlerResult create_client(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"name"});
  if (!in.ok()) return in.take_error();
  std::string name = in->str_or_empty("name");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.agencies.create_client(req.principal, req.param("agency"), name, req.lang);
  if (!r.ok()) return r.take_error();
  auto j = to_json(r->client);
  j["client_secret"] = r->secret;  // shown once
  return http::Reply::json(201, j);
}

http::HandlerResult revoke_client(App& app, http::Request& req) {
  if (Status s = app.agencies.revoke_client(req.principal, req.param("agency"), req.param("client")); !s.ok())
    return s.take_error();
  return http::Reply::no_content();
}

http::HandlerResult grant_role(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"person", "role", "agency"});
  if (!in.ok()) return in.take_error();
  std::string person = in->str_or_empty("person"), role = in->str_or_empty("role"), agency = in->str_or_empty("agency");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  if (Status s = app.agencies.grant_role(req.principal, person, role, agency, req.lang); !s.ok()) return s.take_error();
  auto who = app.accounts.find(person);
  if (!who.ok()) return who.take_error();
  auto profile = app.accounts.profile(who->id);
  if (!profile.ok()) return profile.take_error();
  return http::Reply::json(200, to_json(*profile));
}

http::HandlerResult revoke_role(App& app, http::Request& req) {
  std::string agency = req.query_param("agency").value_or("");
  if (Status s = app.agencies.revoke_role(req.principal, req.param("user"), req.param("role"), agency); !s.ok())
    return s.take_error();
  return http::Reply::no_content();
}

}  // namespace darwaza::api::handlers
