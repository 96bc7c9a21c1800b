// Digital registries as data: a schema file per registry (data/registries/*.json) names its fields,
// which of them the public may see, its unique keys and owning agency; records are validated
// against it. Capacity (park floor space, cohort seats), record numbering and the IP index are
// declared in the schema too, so a new registry needs no new code. docs/registries.md documents it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/types.hpp"
#include "core/clock.hpp"

namespace darwaza::registries {

// Whose records a registry holds.
enum class Subject { citizen, organisation, both, none };  // none: reference data (parks, centres)
const char* to_string(Subject s);
bool parse_subject(const std::string& s, Subject& out);

struct SchemaField {
  catalog::FormField field;   // name, type, label, constraints: as in a service's form
  bool is_public = false;     // shown to anyone; never set on cnic, email or phone fields
};

// Records of this registry are capacity pools: `field` (an integer field) is each record's total.
struct Capacity {
  std::string field;
};

// Records of this registry consume capacity of a record they reference.
struct Allocation {
  std::string ref_field;              // registry_ref field naming the pool record
  std::string amount_field;           // integer field; empty: each record takes 1
  std::vector<std::string> per;       // fields splitting the pool (e.g. course, cohort); empty: one pool
};

struct Schema {
  std::string name;     // slug, e.g. "stp-tenancies"
  int version = 1;
  std::string agency;   // owning agency id
  catalog::I18n title;
  catalog::I18n description;
  Subject subject = Subject::both;
  std::string number_prefix;          // numbers read PREFIX-YYYY-NNNNNN; empty: records use their key
  int validity_days = 0;              // 0: records do not expire
  std::vector<SchemaField> fields;
  std::vector<std::vector<std::string>> unique;  // each a list of field names; among records not revoked
  std::optional<Capacity> capacity;
  std::optional<Allocation> allocates;
  std::string ip_index;               // ip_list field answered by address look-ups; empty: none
  bool refuse_revoked_subject = false;  // no new record for a subject whose record here was revoked
  std::string seed;                   // seed file, relative to the schema file; empty: none

  const SchemaField* field(const std::string& name) const;
  std::vector<catalog::FormField> form() const;  // the fields as a form, for validation
};

enum class RecordStatus { active, suspended, revoked };
const char* to_string(RecordStatus s);
bool parse_status(const std::string& s, RecordStatus& out);

struct Record {
  std::int64_t seq = 0;         // registration order, as the store numbers it (0: not stored yet)
  std::string id;               // "rec_" + random
  std::string registry;
  int registry_version = 1;
  std::string number;           // registration / licence number, or the seed key; unique
  std::string subject_user_id;  // citizen subject (or empty)
  std::string subject_org_id;   // organisation subject (or empty)
  std::string application_id;   // the approved application that created it (or empty: seeded)
  RecordStatus status = RecordStatus::active;
  std::string valid_from;       // YYYY-MM-DD (PKT)
  std::string valid_until;      // YYYY-MM-DD, or empty: no expiry
  std::string data;             // JSON object of field values (normalised)
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

// "expired" is not stored: a record past valid_until reads as expired.
std::string shown_status(const Record& r, const std::string& today);

struct RecordEvent {
  std::int64_t seq = 0;
  std::string record_id;
  UnixMs at = 0;
  std::string actor;            // user id, client id or "system"
  std::string action;           // created, renewed, updated, suspended, reinstated, revoked
  std::string from_status;
  std::string to_status;
  std::string reason;
  std::string application_id;   // for created / renewed
  std::vector<std::string> fields;  // for updated: the fields whose values changed (names only)
};

// A pool's use, per qualifier (e.g. "python|2026-03" for a course and cohort).
struct CapacityUse {
  std::string pool_record_id;
  std::string qualifier;
  std::int64_t total = 0;
  std::int64_t allocated = 0;
};

}  // namespace darwaza::registries
