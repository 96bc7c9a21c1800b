// Application receipts signed in batches. Signing is the largest single cost of a submission
// off the writer (an Ed25519 signature, about 15 us on a 2-CPU machine, for every receipt), so
// receipts that are ready at the same moment share one signature: over the root of a Merkle tree
// (RFC 9162 section 2.1, SHA-256) whose leaves are the receipts, each receipt carrying its place
// in the tree and the path from its leaf to the root. A receipt signed alone (a quiet moment, or
// a synchronous caller: a draft submitted, a GovStack filing) carries the plain signature of
// certificate.hpp instead. A plain signature has no type tag: a verifier tells a receipt from a
// batch statement by the receipt's members (tracking_number, application_id, service_id).
//
//   {"receipt": {...},
//    "signature": {"alg": "Ed25519", "key_id": "...", "value": "...",
//                  "batch": {"index": 3, "size": 16, "path": ["<32 bytes, base64url>", ...]}}}
//
// To check one: leaf = SHA-256(0x00 || canonical_json(receipt)); fold the path into the root as
// RFC 9162 section 2.1.3.2 verifies an inclusion proof (interior nodes SHA-256(0x01 || left ||
// right)); then check `value` as an Ed25519 signature of canonical_json of
//   {"root": "<root, base64url>", "size": <size>, "type": "darwaza.receipt-batch.v1"}
// with the platform's key. Without `batch`, `value` signs canonical_json(receipt) itself.
// The type member keeps the batch statement from reading as any other signed document.
// certificate.hpp's verify_receipt checks either kind.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "certificates/signing.hpp"
#include "core/result.hpp"

namespace darwaza::certificates {

inline constexpr std::string_view kReceiptBatchType = "darwaza.receipt-batch.v1";
// The most receipts one signature covers: a path of at most 8 hashes.
inline constexpr std::size_t kMaxReceiptBatch = 256;

using Digest = std::array<unsigned char, 32>;

// RFC 9162's leaf and tree hashes, the audit path of one leaf, and the root an audit path leads to
// (nullopt if index, size and path do not fit together).
Digest receipt_leaf_hash(std::string_view canonical_receipt);
Digest merkle_root(std::span<const Digest> leaves);
std::vector<std::vector<Digest>> merkle_paths(std::span<const Digest> leaves);
std::optional<Digest> root_from_path(const Digest& leaf, std::uint64_t index, std::uint64_t size,
                                     std::span<const Digest> path);
// The bytes a batch's signature covers.
std::string receipt_batch_statement(const Digest& root, std::uint64_t size);

// One signed receipt per body, in order, as JSON text {"receipt": <body>, "signature": <block>}
// (the body's bytes as given, the block as nlohmann's dump() would write it): a plain signature for a single
// body, a shared one over the tree of the bodies for several. Each body is the receipt's
// canonical JSON text (canonical_json, or a writer that keeps its rules: members in order, no
// floats); the bytes signed and hashed are these.
std::vector<std::string> sign_receipts(std::span<const std::string> canonical_bodies, const SigningKey& key);

// Signs receipts on a thread of its own, as group commit writes: the receipts that arrive while it
// signs one batch form the next, so the signatures per receipt fall as submissions rise. Receipts
// handed over inside a WakeBatch (core/wake_batch.hpp: the database hands a flushed batch's
// results over in one) wake the thread once, after the last, so they are signed together. `done`
// runs on that thread (post it on to where it belongs). Destroying the signer signs what is queued.
class ReceiptSigner {
 public:
  // Gets the signed receipt (as sign_receipts writes it), or the error.
  using Done = std::function<void(Result<std::string> signed_receipt)>;
  // The thread starts with the first receipt, so a process that signs none (a CLI command) has
  // none. `started` false: nothing is signed until start() (tests that need a batch of a known size).
  explicit ReceiptSigner(const SigningKey& key, bool started = true);
  ~ReceiptSigner();
  ReceiptSigner(const ReceiptSigner&) = delete;
  ReceiptSigner& operator=(const ReceiptSigner&) = delete;

  void sign_async(std::string canonical_body, Done done);
  void start();
  // Signs what is queued and ends the thread; later receipts are signed alone by their caller.
  // For a server, before the threads its `done`s post to are gone.
  void stop();

 private:
  void run();
  // Starts the thread unless it runs or the signer is stopping; true when it runs. Under mu_.
  bool start_locked();
  // Signs `batch` (one signature for all) and hands each its signed receipt; empties it. A failure to sign
  // becomes each receipt's error; a `done` that throws is logged.
  void hand_over(std::vector<std::pair<std::string, Done>>& batch) const;

  const SigningKey& key_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, Done>> queue_;
  bool stopping_ = false;
  bool start_on_first_ = true;  // sign_async starts the thread (the constructor's `started`)
  std::thread thread_;
};

}  // namespace darwaza::certificates
