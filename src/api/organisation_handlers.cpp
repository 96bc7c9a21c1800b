#include "api/identity_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"

namespace darwaza::api::handlers {

http::HandlerResult create_organisation(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"name", "ntn", "secp_number"});
  if (!in.ok()) return in.take_error();
  identity::OrganisationInput o{in->str("name"), in->str("ntn"), in->str("secp_number")};
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.organisations.create(req.principal, o, req.lang);
  if (!r.ok()) return r.take_error();
  auto reply = http::Reply::json(201, to_json(*r));
  reply.headers.emplace_back("Location", "/v1/organisations/" + r->id);
  return reply;
}

http::HandlerResult my_organisations(App& app, http::Request& req) {
  auto r = app.organisations.of_user(req.principal.user_id);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, items_json(*r));
}

http::HandlerResult get_organisation(App& app, http::Request& req) {
  auto r = app.organisations.get(req.principal.user_id, req.param("org"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, to_json(*r));
}

http::HandlerResult list_members(App& app, http::Request& req) {
  auto r = app.organisations.members(req.principal.user_id, req.param("org"));
  if (!r.ok()) return r.take_error();
  return http::Reply::json(200, items_json(*r));
}

http::HandlerResult add_member(App& app, http::Request& req) {
  auto in = JsonInput::from(req, {"person", "role"});
  if (!in.ok()) return in.take_error();
  std::string person = in->str_or_empty("person");
  std::string role = in->str("role").value_or("member");
  if (Status st = in->finish(); !st.ok()) return st.take_error();
  auto r = app.organisations.add_member(req.principal, req.param("org"), person, role, req.lang);
  if (!r.ok()) return r.take_error();
  return http::Reply::json(201, to_json(*r));
}

http::HandlerResult remove_member(App& app, http::Request& req) {
  if (Status s = app.organisations.remove_member(req.principal, req.param("org"), req.param("user")); !s.ok())
    return s.take_error();
  return http::Reply::no_content();
}

}  // namespace darwaza::api::handlers
