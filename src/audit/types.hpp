// The audit log: append-only and hash-chained. Each entry stores the hash of the one before it,
// and its own hash over a canonical encoding of its fields, so an edited, deleted, reordered or
// inserted entry breaks the chain; signed checkpoints of the chain head pin it down.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace darwaza::audit {

struct Entry {
  std::int64_t seq = 0;       // 1, 2, 3, ... without gaps
  UnixMs at = 0;
  std::string actor;          // user id, API client id, or "system" / "cli"
  std::string actor_role;     // citizen, officer, agency_admin, platform_admin, auditor, api_client, system
  std::string actor_agency;   // the actor's agency (staff and API clients), or empty
  std::string action;         // e.g. "application.submit", "registry.record.read"
  std::string subject_user;   // the citizen whose data it is, or empty
  std::string subject_org;    // the organisation whose data it is, or empty
  std::string object_type;    // application, registry_record, user, organisation, ...
  std::string object_id;
  std::string purpose;        // the purpose or legal basis given, if any
  std::string outcome;        // "ok" or "denied"
  std::string request_id;
  std::string prev_hash;      // hash of entry seq-1 ("" for the first)
  std::string hash;           // BLAKE2b-256 (hex) of the canonical encoding, prev_hash included
};

// An entry's fields as read from a row, without copies: the views live as long as the row.
struct EntryView {
  std::int64_t seq = 0;
  UnixMs at = 0;
  // Entry's text fields in its order: actor, actor_role, actor_agency, action, subject_user,
  // subject_org, object_type, object_id, purpose, outcome, request_id, prev_hash, hash.
  std::array<std::string_view, 13> texts;
  std::string_view prev_hash() const { return texts[11]; }
  std::string_view hash() const { return texts[12]; }
};
EntryView view_of(const Entry& e);
Entry to_entry(const EntryView& v);

// Length-prefixed "len:value" of every field but `hash`, in a fixed order: unambiguous, so no
// two different entries encode alike.
std::string canonical(const Entry& e);
// The same into `out` (replacing its content; its capacity is reused).
void canonical_into(std::string& out, const EntryView& e);
std::string compute_hash(const Entry& e);
// Whether the entry's stored hash is the hash of its canonical encoding; `scratch` is reused.
bool hash_matches(const EntryView& e, std::string& scratch);

struct Checkpoint {
  std::int64_t seq = 0;        // the chain head it signs
  std::string hash;            // that entry's hash
  UnixMs at = 0;
  std::string key_id;
  std::string signature;       // Ed25519 over checkpoint_payload(), base64url
};

std::string checkpoint_payload(const Checkpoint& c);

}  // namespace darwaza::audit
