#include "api/notification_handlers.hpp"
#include "api/json_input.hpp"
#include "api/render.hpp"

namespace darwaza::api::handlers {
namespace {

using nlohmann::json;

json notification_json(const notifications::Notification& n) {
  return {{"id", n.id},
          {"event", n.event},
          {"language", n.language},
          {"title", n.title},
          {"body", n.body},
          {"application_id", or_null(n.application_id)},
          {"tracking_number", or_null(n.tracking_number)},
          {"created_at", format_rfc3339(n.created_at)},
          {"read_at", n.read_at ? json(format_rfc3339(*n.read_at)) : json(nullptr)}};
}

}  // namespace

http::HandlerResult my_notifications(App& app, http::Request& req) {
  notifications::InboxQuery q;
  q.unread_only = req.query_param("unread").value_or("") == "true";
  q.limit = query_int(req, "limit", notifications::kDefaultPageSize);
  q.offset = query_int(req, "offset", 0);
  auto page = app.notifications.inbox(req.principal, q, req.lang);
  if (!page.ok()) return page.take_error();
  json items = json::array();
  for (const auto& n : page->items) items.push_back(notification_json(n));
  return http::Reply::json(200, {{"items", items}, {"total", page->total}, {"unread", page->unread}});
}

http::HandlerResult read_notification(App& app, http::Request& req) {
  if (Status s = app.notifications.mark_read(req.principal, req.param("id")); !s.ok()) return s.take_error();
  return http::Reply::no_content();
}

}  // namespace darwaza::api::handlers
