// Registration BB tasks over the officers' work: a task is an application waiting in a workflow
// state that an officer of the owning agency can act on (applications/steps.hpp). Its id names
// the application and the step, <application id>.<state>.<ms the state was entered>, so a task
// completed (or moved on by someone else) is never completed twice. Completing a task is the
// portal's workflow transition (Applications::transition), audited the same way.
#include <algorithm>
#include <charconv>

#include "applications/errors.hpp"
#include "applications/steps.hpp"
#include "core/validation.hpp"
#include "govstack/handlers.hpp"
#include "govstack/registration.hpp"

namespace darwaza::govstack::handlers {
namespace {

using nlohmann::json;
using registration::int_param;
using registration::status_json;

constexpr int kDefaultMaxResult = 10;
constexpr int kMaxResult = applications::kMaxPageSize;
constexpr int kMaxFirstResult = 10000;                      // tasks GET /tasks may skip
constexpr int kQueuePage = applications::kMaxPageSize;      // queue page size while scanning

struct TaskRef {
  std::string application_id;
  applications::Step step;
};

std::string task_id(const applications::Application& a) {
  return a.id + "." + a.state + "." + std::to_string(a.state_entered_at);
}

std::optional<TaskRef> parse_task_id(const std::string& id) {
  auto last = id.rfind('.');
  if (last == std::string::npos || last == 0) return std::nullopt;
  auto mid = id.rfind('.', last - 1);
  if (mid == std::string::npos || mid == 0 || mid + 1 == last) return std::nullopt;
  TaskRef t{id.substr(0, mid), {id.substr(mid + 1, last - mid - 1), 0}};
  const char* b = id.data() + last + 1;
  const char* e = id.data() + id.size();
  auto [end, ec] = std::from_chars(b, e, t.step.entered_at);
  if (ec != std::errc() || end != e || b == e) return std::nullopt;
  return t;
}

Error task_not_found() {
  return make_error(ErrorKind::not_found, "task-not-found", "Task not found",
                    "No open task of your agency has that id; the application may have moved on.");
}

// "officer" when officers may take a way out of the step, else "agency_admin".
std::string role_of(const catalog::ServiceDefinition& def, const std::string& state) {
  for (const auto& t : def.workflow.transitions)
    if (std::find(t.from.begin(), t.from.end(), state) != t.from.end() &&
        std::find(t.roles.begin(), t.roles.end(), "officer") != t.roles.end())
      return "officer";
  return "agency_admin";
}

json task_json(Context& ctx, const applications::Application& a, const catalog::ServiceDefinition& def) {
  const catalog::State* st = def.workflow.state(a.state);
  return {{"taskId", task_id(a)},
          {"mainTaskId", a.id},
          {"name", st ? st->label.en : a.state},
          {"assigneeId", a.assigned_to},
          {"roleId", role_of(def, a.state)},
          {"created", format_rfc3339(a.state_entered_at)},
          {"description", a.tracking_number},
          {"serviceId", a.service_id},
          {"serviceName", def.title.en},
          {"fileId", a.id},
          {"eFormId", a.service_id},
          {"status", status_json(ctx, a)}};
}

// The agencies whose officers' work the caller sees: those they are staff of.
std::vector<std::string> agencies_of(const Principal& who) {
  std::vector<std::string> out;
  for (const auto& g : who.roles)
    if ((g.role == Role::officer || g.role == Role::agency_admin) && !g.agency_id.empty() &&
        std::find(out.begin(), out.end(), g.agency_id) == out.end())
      out.push_back(g.agency_id);
  return out;
}

}  // namespace

HandlerResult list_tasks(Context& ctx, Request& req) {
  auto first = int_param(req, "firstResult", 0, 0, kMaxFirstResult);
  if (!first.ok()) return first.take_error();
  auto max = int_param(req, "maxResult", kDefaultMaxResult, 1, kMaxResult);
  if (!max.ok()) return max.take_error();
  const auto main_task = req.query_param("mainTaskId"), file = req.query_param("fileId");
  const auto assignee = req.query_param("assigneeId");
  auto wanted = [&](const applications::Application& a) {
    return (!main_task || *main_task == a.id) && (!file || *file == a.id) && (!assignee || *assignee == a.assigned_to);
  };
  json out = json::array();
  int skipped = 0;
  // The agency queues, oldest submission first, keeping the steps officers act in.
  for (const auto& agency : agencies_of(req.principal)) {
    if (static_cast<int>(out.size()) >= *max) break;
    applications::QueueFilter f;
    f.agency = agency;
    f.max_counted = 0;  // tasks have no total: each page's count stops at the queue's first entry
    // Page after page by the queue's cursor: each at the cost of the first.
    for (std::string after;;) {
      auto p = ctx.app.applications.queue(req.principal, f, 1, kQueuePage, req.lang, after);
      if (!p.ok()) return p.take_error();
      for (const auto& a : p->page.items) {
        auto def = ctx.app.catalog.at_version(a.service_id, a.service_version);
        if (!def.ok() || !applications::officers_act_in(**def, a.state) || !wanted(a)) continue;
        if (skipped < *first) ++skipped;
        else if (static_cast<int>(out.size()) < *max) out.push_back(task_json(ctx, a, **def));
      }
      after = std::move(p->next_after);
      if (after.empty() || static_cast<int>(out.size()) >= *max) break;  // the queue's last page, or enough
    }
  }
  return http::Reply::json(200, out);
}

HandlerResult get_task(Context& ctx, Request& req) {
  auto ref = parse_task_id(req.param("taskId"));
  if (!ref) return task_not_found();
  // The portal's read of the application: the same visibility, audited as an officer's look.
  auto v = ctx.app.applications.get(req.principal, ref->application_id);
  if (!v.ok()) return v.error().kind == ErrorKind::not_found ? task_not_found() : v.take_error();
  const auto& a = v->application;
  const auto& def = *v->definition;
  if (!req.principal.is_staff_of(a.agency_id) || a.state != ref->step.state ||
      a.state_entered_at != ref->step.entered_at || !applications::officers_act_in(def, a.state))
    return task_not_found();
  json j = task_json(ctx, a, def);
  j.erase("mainTaskId");
  j["taskName"] = j["name"];
  j.erase("name");
  // What the caller may do to complete it: the transitions open to them, by id.
  json variables = json::object();
  for (const auto& id : v->allowed_transitions)
    if (const catalog::Transition* t = def.workflow.transition(id))
      variables[id] = {{"label", t->label.en}, {"to", t->to}, {"commentRequired", t->comment_required},
                       {"paymentRequired", t->requires_payment}};
  j["formVariables"] = std::move(variables);
  j["data"] = json::parse(a.data);
  return http::Reply::json(200, j);
}

HandlerResult complete_task(Context& ctx, Request& req) {
  auto ref = parse_task_id(req.param("taskId"));
  if (!ref) return task_not_found();
  auto body = http::json_body(req);
  if (!body.ok()) return body.take_error();
  // additionalData: {"data": {"transition": "<workflow transition id>", "comment": "..."}}.
  FieldErrors errs(req.lang);
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "data") errs.add(pointer_child("", it.key()), "unknown_field");
  const json data = body->contains("data") ? (*body)["data"] : json();
  applications::TransitionInput in;
  in.task = ref->step;
  if (!data.is_object()) {
    errs.add("/data", "required");
  } else {
    for (auto it = data.begin(); it != data.end(); ++it)
      if (it.key() != "transition" && it.key() != "comment") errs.add(pointer_child("/data", it.key()), "unknown_field");
    if (auto t = data.find("transition"); t == data.end() || !t->is_string() || t->get<std::string>().empty())
      errs.add("/data/transition", "required");
    else in.transition = t->get<std::string>();
    if (auto c = data.find("comment"); c != data.end() && !c->is_string()) errs.add("/data/comment", "type", "string");
    else if (c != data.end()) in.comment = c->get<std::string>();
  }
  if (!errs.empty()) return errs.to_error();

  auto done = ctx.app.applications.transition(req.principal, ref->application_id, in, req.lang);
  // An unclaimed task is claimed for the caller first, as an officer does in the portal.
  if (!done.ok() && done.error().type == applications::error(applications::Errc::not_claimed).type) {
    auto claimed = ctx.app.applications.claim(req.principal, ref->application_id);
    if (!claimed.ok()) return claimed.take_error();
    done = ctx.app.applications.transition(req.principal, ref->application_id, in, req.lang);
  }
  if (!done.ok()) return done.error().kind == ErrorKind::not_found ? task_not_found() : done.take_error();
  const auto& a = done->application;
  const bool next = applications::officers_act_in(*done->definition, a.state);
  return http::Reply::json(200, {{"taskId", req.param("taskId")},
                                 {"fileId", a.id},
                                 {"serviceId", a.service_id},
                                 {"status", status_json(ctx, a)},
                                 {"variables",
                                  {{"result",
                                    {{"data",
                                      {{"transition", in.transition},
                                       {"fromState", ref->step.state},
                                       {"toState", a.state},
                                       {"nextTaskId", next ? json(task_id(a)) : json(nullptr)}}}}}}}});
}

}  // namespace darwaza::govstack::handlers
