#include "engagements/engagements.hpp"
#include "audit/audit.hpp"

#include <algorithm>

#include "core/countries.hpp"
#include "core/crypto.hpp"
#include "core/validation.hpp"
#include "core/working_days.hpp"
#include "engagements/engagement_json.hpp"
#include "engagements/errors.hpp"

namespace darwaza::engagements {
namespace {

bool may_edit(const Principal& p) { return p.has_role(Role::platform_admin) || p.is_staff_of(kEditorAgency); }

Status check_filter(const ListFilter& f, const std::string& lang) {
  FieldErrors errs(lang);
  Stage s{};
  if (!f.country.empty() && !valid_country(f.country)) errs.add("/country", "country");
  if (!f.status.empty() && !parse_stage(f.status, s))
    errs.add("/status", "one_of", "announced, agreed, pilot, operational, stalled, dropped");
  if (!f.year.empty() && (f.year.size() != 4 || !valid_date(f.year, false))) errs.add("/year", "pattern");
  if (!errs.empty()) return errs.to_error();
  return ok_status();
}

bool matches(const Engagement& e, const ListFilter& f) {
  if (!f.country.empty() && e.country != f.country) return false;
  if (!f.year.empty() && !e.date.starts_with(f.year)) return false;
  if (!f.status.empty() &&
      std::none_of(e.commitments.begin(), e.commitments.end(), [&](const Commitment& c) { return f.status == to_string(c.status); }))
    return false;
  return true;
}

void stamp(std::vector<StageChange>& changes, const Principal& actor, UnixMs now) {
  for (auto& c : changes) {
    c.recorded_by = actor.actor();
    c.recorded_at = now;
  }
}

}  // namespace

Result<int> Engagements::seed(const std::vector<Engagement>& list) {
  UnixMs now = clock_.now_ms();
  return storage::write_value<int>(db_, [&](storage::Tx& tx) -> Result<int> {
    int added = 0;
    for (Engagement e : list) {
      if (tx.engagements().by_id(e.id)) continue;
      e.created_at = e.updated_at = now;
      for (auto& c : e.commitments)
        for (auto& h : c.history) h.recorded_at = now;
      tx.engagements().insert(e);
      audit::record(tx, audit::system_actor(), now, {"engagement.seed", "engagement", e.id, "", "", "", "ok"});
      ++added;
    }
    return added;
  });
}

Result<std::vector<Engagement>> Engagements::list(const ListFilter& filter, const std::string& lang) {
  if (Status s = check_filter(filter, lang); !s.ok()) return s.take_error();
  return storage::read_value<std::vector<Engagement>>(db_, [&](storage::Tx& tx) -> Result<std::vector<Engagement>> {
    // The record is small (tens to hundreds of engagements): filter in memory.
    auto all = tx.engagements().all();
    std::erase_if(all, [&](const Engagement& e) { return !matches(e, filter); });
    return all;
  });
}

Result<Engagement> Engagements::get(const std::string& id) {
  return storage::read_value<Engagement>(db_, [&](storage::Tx& tx) -> Result<Engagement> {
    auto e = tx.engagements().by_id(id);
    if (!e) return error(Errc::engagement_not_found);
    return std::move(*e);
  });
}

Result<FollowThrough> Engagements::summary(const ListFilter& filter, const std::string& lang) {
  auto l = list(filter, lang);
  if (!l.ok()) return l.take_error();
  return follow_through(*l);
}

Result<Engagement> Engagements::create(const Principal& actor, const nlohmann::json& body, const std::string& lang) {
  if (!may_edit(actor)) return error(Errc::edit_forbidden);
  UnixMs now = clock_.now_ms();
  std::string today = pkt_date(now);
  FieldErrors errs(lang);
  Engagement e;
  read_engagement_fields(body, e, false, errs);
  if (body.is_object() && body.contains("commitments")) {
    const auto& list = body["commitments"];
    if (!list.is_array()) errs.add("/commitments", "type", "an array");
    else if (list.size() > kMaxListItems) errs.add("/commitments", "max_items", std::to_string(kMaxListItems));
    for (std::size_t i = 0; list.is_array() && i < list.size() && i < kMaxListItems; ++i) {
      if (auto c = read_new_commitment(list[i], "/commitments/" + std::to_string(i), today, errs))
        e.commitments.push_back(std::move(*c));
    }
  }
  if (!errs.empty()) return errs.to_error();
  e.id = crypto::random_id("eng");
  e.created_by = actor.actor();
  e.created_at = e.updated_at = now;
  for (auto& c : e.commitments) {
    c.id = crypto::random_id("cmt");
    c.engagement_id = e.id;
    stamp(c.history, actor, now);
  }
  return storage::write_value<Engagement>(db_, [&](storage::Tx& tx) -> Result<Engagement> {
    tx.engagements().insert(e);
    audit::record(tx, actor, now, {"engagement.create", "engagement", e.id, "", "", "", "ok"});
    return e;
  });
}

Result<Engagement> Engagements::update(const Principal& actor, const std::string& id, const nlohmann::json& body,
                                       const std::string& lang) {
  if (!may_edit(actor)) return error(Errc::edit_forbidden);
  UnixMs now = clock_.now_ms();
  return storage::write_value<Engagement>(db_, [&](storage::Tx& tx) -> Result<Engagement> {
    auto e = tx.engagements().by_id(id);
    if (!e) return error(Errc::engagement_not_found);
    FieldErrors errs(lang);
    read_engagement_fields(body, *e, true, errs);
    if (e->date.empty() && e->date_note.empty()) errs.add("/date", "at_least_one", "date, date_note");
    if (!errs.empty()) return errs.to_error();
    e->updated_at = now;
    tx.engagements().update(*e);
    audit::record(tx, actor, now, {"engagement.update", "engagement", e->id, "", "", "", "ok"});
    return std::move(*e);
  });
}

Result<Commitment> Engagements::add_commitment(const Principal& actor, const std::string& engagement_id,
                                               const nlohmann::json& body, const std::string& lang) {
  if (!may_edit(actor)) return error(Errc::edit_forbidden);
  UnixMs now = clock_.now_ms();
  FieldErrors errs(lang);
  auto c = read_new_commitment(body, "", pkt_date(now), errs);
  if (!c) return errs.to_error();
  c->id = crypto::random_id("cmt");
  c->engagement_id = engagement_id;
  stamp(c->history, actor, now);
  return storage::write_value<Commitment>(db_, [&](storage::Tx& tx) -> Result<Commitment> {
    auto e = tx.engagements().by_id(engagement_id);
    if (!e) return error(Errc::engagement_not_found);
    tx.engagements().insert_commitment(*c, static_cast<int>(e->commitments.size()), now);
    audit::record(tx, actor, now, {"engagement.commitment.add", "commitment", c->id, "", "", "", "ok"});
    return *c;
  });
}

Result<Commitment> Engagements::change_stage(const Principal& actor, const std::string& engagement_id,
                                             const std::string& commitment_id, const nlohmann::json& body,
                                             const std::string& lang) {
  if (!may_edit(actor)) return error(Errc::edit_forbidden);
  FieldErrors errs(lang);
  StageMove move = read_stage_move(body, errs);
  if (!errs.empty()) return errs.to_error();
  UnixMs now = clock_.now_ms();
  return storage::write_value<Commitment>(db_, [&](storage::Tx& tx) -> Result<Commitment> {
    auto e = tx.engagements().by_id(engagement_id);
    if (!e) return error(Errc::engagement_not_found);
    auto c = std::find_if(e->commitments.begin(), e->commitments.end(),
                          [&](const Commitment& x) { return x.id == commitment_id; });
    if (c == e->commitments.end()) return error(Errc::commitment_not_found);
    auto plan = plan_stage_change(*c, move, pkt_date(now), lang);
    if (!plan.ok()) return plan.take_error();
    stamp(*plan, actor, now);
    tx.engagements().append_stages(c->id, *plan, now);
    c->history.insert(c->history.end(), plan->begin(), plan->end());
    c->status = c->history.back().stage;
    audit::record(tx, actor, now, {"engagement.commitment.stage", "commitment", c->id, "", "", "", "ok"});
    return *c;
  });
}

}  // namespace darwaza::engagements
