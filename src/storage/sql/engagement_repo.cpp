#include "storage/sql/engagement_repo.hpp"

#include <map>

#include <nlohmann/json.hpp>

namespace darwaza::storage::sql {
namespace {

using namespace darwaza::engagements;
using nlohmann::json;

constexpr const char* kAll =
    "SELECT id, date, date_note, country, organisation, pakistani_side, kind, title, summary, topics, sources, "
    "created_by, created_at, updated_at FROM engagements ORDER BY date IS NULL, date DESC, id";
constexpr const char* kById =
    "SELECT id, date, date_note, country, organisation, pakistani_side, kind, title, summary, topics, sources, "
    "created_by, created_at, updated_at FROM engagements WHERE id = ?";
constexpr const char* kCommitments =
    "SELECT id, engagement_id, description, status FROM engagement_commitments "
    "WHERE (?1 = '' OR engagement_id = ?1) ORDER BY engagement_id, position";
constexpr const char* kStages =
    "SELECT s.commitment_id, s.stage, s.date, s.date_note, s.source, s.source_url, s.note, s.recorded_by, "
    "s.recorded_at FROM commitment_stages s JOIN engagement_commitments c ON c.id = s.commitment_id "
    "WHERE (?1 = '' OR c.engagement_id = ?1) ORDER BY s.commitment_id, s.id";
// Insert and update bind the descriptive columns at the same positions, 2 to 11 (bind_description).
constexpr const char* kInsert =
    "INSERT INTO engagements (id, date, date_note, country, organisation, pakistani_side, kind, title, summary, "
    "topics, sources, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdate =
    "UPDATE engagements SET date = ?2, date_note = ?3, country = ?4, organisation = ?5, pakistani_side = ?6, "
    "kind = ?7, title = ?8, summary = ?9, topics = ?10, sources = ?11, updated_at = ?12 WHERE id = ?1";
constexpr const char* kInsertCommitment =
    "INSERT INTO engagement_commitments (id, engagement_id, position, description, status, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertStage =
    "INSERT INTO commitment_stages (commitment_id, stage, date, date_note, source, source_url, note, recorded_by, "
    "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kSetStatus = "UPDATE engagement_commitments SET status = ?2, updated_at = ?3 WHERE id = ?1";

std::string topics_json(const Engagement& e) { return json(e.topics).dump(); }

std::string sources_json(const Engagement& e) {
  json arr = json::array();
  for (const auto& s : e.sources) arr.push_back({{"name", s.name}, {"url", s.url}});
  return arr.dump();
}

void bind_description(Query& q, const Engagement& e) {
  q.bind_or_null(2, e.date);
  q.bind(3, e.date_note);
  q.bind_or_null(4, e.country);
  q.bind(5, e.organisation).bind(6, e.pakistani_side).bind(7, to_string(e.kind)).bind(8, e.title);
  q.bind(9, e.summary).bind(10, topics_json(e)).bind(11, sources_json(e));
}

Engagement read_engagement(Query& q) {
  Engagement e;
  e.id = q.text(0);
  e.date = q.is_null(1) ? "" : q.text(1);
  e.date_note = q.text(2);
  e.country = q.is_null(3) ? "" : q.text(3);
  e.organisation = q.text(4);
  e.pakistani_side = q.text(5);
  parse_kind(q.text(6), e.kind);
  e.title = q.text(7);
  e.summary = q.text(8);
  e.topics = json::parse(q.text(9)).get<std::vector<std::string>>();
  for (const auto& s : json::parse(q.text(10))) e.sources.push_back({s.value("name", ""), s.value("url", "")});
  e.created_by = q.text(11);
  e.created_at = q.integer(12);
  e.updated_at = q.integer(13);
  return e;
}

}  // namespace

void SqlEngagementRepo::attach_commitments(std::vector<Engagement>& list, const std::string& only) {
  std::map<std::string, Engagement*> by_id;
  for (auto& e : list) by_id[e.id] = &e;
  std::map<std::string, Commitment*> commitments;
  {
    auto q = c_.query(kCommitments);
    q.bind(1, only);
    while (q.step()) {
      auto e = by_id.find(q.text(1));
      if (e == by_id.end()) continue;
      Commitment c{q.text(0), q.text(1), q.text(2), {}, {}};
      parse_stage(q.text(3), c.status);
      e->second->commitments.push_back(std::move(c));
    }
  }
  for (auto& e : list)
    for (auto& c : e.commitments) commitments[c.id] = &c;
  auto q = c_.query(kStages);
  q.bind(1, only);
  while (q.step()) {
    auto c = commitments.find(q.text(0));
    if (c == commitments.end()) continue;
    StageChange h;
    parse_stage(q.text(1), h.stage);
    h.date = q.is_null(2) ? "" : q.text(2);
    h.date_note = q.text(3);
    h.source = q.text(4);
    h.source_url = q.text(5);
    h.note = q.text(6);
    h.recorded_by = q.text(7);
    h.recorded_at = q.integer(8);
    c->second->history.push_back(std::move(h));
  }
}

std::vector<Engagement> SqlEngagementRepo::all() {
  std::vector<Engagement> out;
  {
    auto q = c_.query(kAll);
    while (q.step()) out.push_back(read_engagement(q));
  }
  attach_commitments(out, "");
  return out;
}

std::optional<Engagement> SqlEngagementRepo::by_id(const std::string& id) {
  std::vector<Engagement> out;
  {
    auto q = c_.query(kById);
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    out.push_back(read_engagement(q));
  }
  attach_commitments(out, id);
  return std::move(out.front());
}

void SqlEngagementRepo::insert(const Engagement& e) {
  auto q = c_.query(kInsert);
  q.bind(1, e.id);
  bind_description(q, e);
  q.bind(12, e.created_by).bind(13, e.created_at).bind(14, e.updated_at);
  q.exec();
  for (std::size_t i = 0; i < e.commitments.size(); ++i)
    insert_commitment(e.commitments[i], static_cast<int>(i), e.created_at);
}

void SqlEngagementRepo::update(const Engagement& e) {
  auto q = c_.query(kUpdate);
  q.bind(1, e.id);
  bind_description(q, e);
  q.bind(12, e.updated_at);
  q.exec();
}

void SqlEngagementRepo::insert_commitment(const Commitment& c, int position, UnixMs at) {
  c_.query(kInsertCommitment)
      .bind_all(c.id, c.engagement_id, position, c.description, to_string(c.status), at, at)
      .exec();
  append_stages(c.id, c.history, at);
}

void SqlEngagementRepo::append_stages(const std::string& commitment_id, const std::vector<StageChange>& changes,
                                         UnixMs at) {
  for (const auto& h : changes) {
    auto q = c_.query(kInsertStage);
    q.bind(1, commitment_id).bind(2, to_string(h.stage));
    q.bind_or_null(3, h.date);
    q.bind(4, h.date_note).bind(5, h.source).bind(6, h.source_url).bind(7, h.note).bind(8, h.recorded_by);
    q.bind(9, h.recorded_at ? h.recorded_at : at);
    q.exec();
  }
  if (!changes.empty()) c_.query(kSetStatus).bind_all(commitment_id, to_string(changes.back().stage), at).exec();
}

}  // namespace darwaza::storage::sql
