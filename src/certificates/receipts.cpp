#include "certificates/receipts.hpp"

#include <cstring>
#include <stdexcept>
#include <system_error>

#include <sodium.h>

#include "certificates/certificate.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/wake_batch.hpp"

namespace darwaza::certificates {
namespace {

using nlohmann::json;

constexpr unsigned char kLeafPrefix = 0x00;
constexpr unsigned char kNodePrefix = 0x01;

Digest hash_node(const Digest& left, const Digest& right) {
  unsigned char buf[1 + 2 * sizeof(Digest)];
  buf[0] = kNodePrefix;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  Digest out;
  crypto_hash_sha256(out.data(), buf, sizeof buf);
  return out;
}

// RFC 9162's split: the largest power of two smaller than n (n >= 2).
std::size_t split_of(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// The hash of the tree over leaves[lo, lo + n); the hash of each half joins the audit path of every
// leaf in the other half, deeper levels first, as RFC 9162's PATH lists them.
Digest build(std::span<const Digest> leaves, std::size_t lo, std::size_t n, std::vector<std::vector<Digest>>& paths) {
  if (n == 1) return leaves[lo];
  const std::size_t k = split_of(n);
  const Digest left = build(leaves, lo, k, paths);
  const Digest right = build(leaves, lo + k, n - k, paths);
  for (std::size_t i = lo; i < lo + k; ++i) paths[i].push_back(right);
  for (std::size_t i = lo + k; i < lo + n; ++i) paths[i].push_back(left);
  return hash_node(left, right);
}

struct Tree {
  Digest root;
  std::vector<std::vector<Digest>> paths;
};

Tree tree_of(std::span<const Digest> leaves) {
  if (leaves.empty()) throw std::invalid_argument("a Merkle tree needs a leaf");
  Tree t{{}, std::vector<std::vector<Digest>>(leaves.size())};
  t.root = build(leaves, 0, leaves.size(), t.paths);
  return t;
}

// A receipt's place in its batch's tree.
struct Place {
  std::size_t index;
  std::size_t size;
  const std::vector<Digest>& path;
};

// The signed receipt {"receipt": <body>, "signature": <block>} as JSON text: the body's canonical
// text as it was signed, then certificate.hpp's signature block of `value`, with the receipt's
// place in its batch when it has one (`batch`), members in the order nlohmann writes them.
std::string signed_receipt_text(std::string_view canonical_body, const SigningKey& key, const std::string& value,
                                const Place* place) {
  JsonWriter w(canonical_body.size() + 192 + (place ? 48 * place->path.size() : 0));
  w.begin_object().key("receipt").raw(canonical_body);
  w.key("signature").begin_object().member("alg", kSignatureAlg);
  if (place) {
    w.key("batch").begin_object().member("index", static_cast<std::int64_t>(place->index)).key("path").begin_array();
    for (const Digest& d : place->path) w.value(to_b64url(d.data(), d.size()));
    w.end_array().member("size", static_cast<std::int64_t>(place->size)).end_object();
  }
  w.member("key_id", key.key_id()).member("value", value).end_object();
  return w.end_object().take();
}

}  // namespace

Digest receipt_leaf_hash(std::string_view canonical_receipt) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, &kLeafPrefix, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(canonical_receipt.data()),
                            canonical_receipt.size());
  Digest out;
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

Digest merkle_root(std::span<const Digest> leaves) { return tree_of(leaves).root; }

std::vector<std::vector<Digest>> merkle_paths(std::span<const Digest> leaves) { return tree_of(leaves).paths; }

std::optional<Digest> root_from_path(const Digest& leaf, std::uint64_t index, std::uint64_t size,
                                     std::span<const Digest> path) {
  // RFC 9162 section 2.1.3.2.
  if (index >= size) return std::nullopt;
  std::uint64_t fn = index, sn = size - 1;
  Digest r = leaf;
  for (const Digest& p : path) {
    if (sn == 0) return std::nullopt;
    if ((fn & 1) || fn == sn) {
      r = hash_node(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = hash_node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return std::nullopt;
  return r;
}

std::string receipt_batch_statement(const Digest& root, std::uint64_t size) {
  return canonical_json(json{{"root", to_b64url(root.data(), root.size())}, {"size", size}, {"type", kReceiptBatchType}});
}

std::vector<std::string> sign_receipts(std::span<const std::string> canonical_bodies, const SigningKey& key) {
  std::vector<std::string> out;
  out.reserve(canonical_bodies.size());
  if (canonical_bodies.size() == 1) {
    out.push_back(signed_receipt_text(canonical_bodies[0], key, key.sign(canonical_bodies[0]), nullptr));
    return out;
  }
  if (canonical_bodies.empty()) return out;
  std::vector<Digest> leaves;
  leaves.reserve(canonical_bodies.size());
  for (const std::string& body : canonical_bodies) leaves.push_back(receipt_leaf_hash(body));
  const Tree tree = tree_of(leaves);
  const std::string value = key.sign(receipt_batch_statement(tree.root, leaves.size()));
  for (std::size_t n = 0; n < leaves.size(); ++n) {
    const Place place{n, leaves.size(), tree.paths[n]};
    out.push_back(signed_receipt_text(canonical_bodies[n], key, value, &place));
  }
  return out;
}

ReceiptSigner::ReceiptSigner(const SigningKey& key, bool started) : key_(key), start_on_first_(started) {}

void ReceiptSigner::start() {
  std::lock_guard lock(mu_);
  start_locked();
}

bool ReceiptSigner::start_locked() {
  if (!thread_.joinable() && !stopping_) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error& e) {
      logging::app().error("starting the receipt signer failed: {}", e.what());
    }
  }
  return thread_.joinable();
}

ReceiptSigner::~ReceiptSigner() { stop(); }

void ReceiptSigner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();  // the thread signs what is queued before it ends
  std::vector<std::pair<std::string, Done>> left;  // never started: what is queued is signed here
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  hand_over(left);
}

void ReceiptSigner::hand_over(std::vector<std::pair<std::string, Done>>& batch) const {
  std::vector<Result<std::string>> signed_receipts;
  signed_receipts.reserve(batch.size());
  try {
    std::vector<std::string> bodies;
    bodies.reserve(batch.size());
    for (auto& item : batch) bodies.push_back(std::move(item.first));
    for (auto& text : sign_receipts(bodies, key_)) signed_receipts.emplace_back(std::move(text));
  } catch (const std::exception& e) {  // a key that cannot sign, memory: every receipt of it fails
    signed_receipts.assign(batch.size(),
                           Result<std::string>(internal_error(std::string("signing receipts failed: ") + e.what())));
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].second(std::move(signed_receipts[i]));
    } catch (const std::exception& e) {
      logging::app().error("handing over a signed receipt failed: {}", e.what());
    } catch (...) {
      logging::app().error("handing over a signed receipt failed");
    }
  }
  batch.clear();
}

void ReceiptSigner::sign_async(std::string canonical_body, Done done) {
  {
    std::lock_guard lock(mu_);
    // Queued for the thread (started here with the first receipt), or held until start().
    if (!stopping_ && (!start_on_first_ || start_locked())) {
      queue_.emplace_back(std::move(canonical_body), std::move(done));
      notify_once(cv_);  // when receipts come in a batch: once, after the batch's last
      return;
    }
  }
  std::vector<std::pair<std::string, Done>> alone;  // shutting down (or no thread): signed alone, here
  alone.emplace_back(std::move(canonical_body), std::move(done));
  hand_over(alone);
}

void ReceiptSigner::run() {
  std::vector<std::pair<std::string, Done>> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      const std::size_t n = std::min(queue_.size(), kMaxReceiptBatch);
      std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    hand_over(batch);
  }
}

}  // namespace darwaza::certificates
