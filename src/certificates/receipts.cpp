#include "certificates/receipts.hpp"

#include <cstring>
#include <stdexcept>

#include <sodium.h>

#include "certificates/certificate.hpp"
#include "core/log.hpp"

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

std::string signed_receipt_text(std::string_view canonical_body, const json& signature) {
  std::string sig = signature.dump(-1, ' ', false, json::error_handler_t::strict);
  std::string out;
  out.reserve(canonical_body.size() + sig.size() + 28);
  out.append(R"({"receipt":)").append(canonical_body).append(R"(,"signature":)").append(sig).append("}");
  return out;
}

std::vector<Result<std::string>> sign_receipts(std::span<const json> bodies, const SigningKey& key) {
  std::vector<std::string> canonical(bodies.size());
  std::vector<std::size_t> signable;  // the bodies' positions that have a canonical form
  std::vector<Result<std::string>> out;
  out.reserve(bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    try {
      canonical[i] = canonical_json(bodies[i]);
      signable.push_back(i);
      out.emplace_back(std::string());
    } catch (const std::invalid_argument& e) {
      out.emplace_back(internal_error(std::string("receipt has no canonical form: ") + e.what()));
    }
  }
  if (signable.size() == 1) {
    const std::string& body = canonical[signable[0]];
    out[signable[0]] = signed_receipt_text(body, signature_block(key, key.sign(body)));
  } else if (signable.size() > 1) {
    std::vector<Digest> leaves;
    leaves.reserve(signable.size());
    for (std::size_t i : signable) leaves.push_back(receipt_leaf_hash(canonical[i]));
    const Tree tree = tree_of(leaves);
    const std::string value = key.sign(receipt_batch_statement(tree.root, leaves.size()));
    for (std::size_t n = 0; n < signable.size(); ++n) {
      json path = json::array();
      for (const Digest& d : tree.paths[n]) path.push_back(to_b64url(d.data(), d.size()));
      json block = signature_block(key, value);
      block["batch"] = {{"index", n}, {"size", leaves.size()}, {"path", std::move(path)}};
      out[signable[n]] = signed_receipt_text(canonical[signable[n]], block);
    }
  }
  return out;
}

ReceiptSigner::ReceiptSigner(const SigningKey& key, bool started) : key_(key) {
  if (started) start();
}

void ReceiptSigner::start() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
}

ReceiptSigner::~ReceiptSigner() { stop(); }

void ReceiptSigner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();  // the thread signs what is queued before it ends
  std::vector<std::pair<json, Done>> left;  // never started: what is queued is signed here
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  hand_over(left);
}

void ReceiptSigner::hand_over(std::vector<std::pair<nlohmann::json, Done>>& batch) const {
  std::vector<Result<std::string>> signed_receipts;
  std::vector<json> bodies;
  bodies.reserve(batch.size());
  for (auto& item : batch) bodies.push_back(std::move(item.first));
  try {
    signed_receipts = sign_receipts(bodies, key_);
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

void ReceiptSigner::sign_async(json body, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.emplace_back(std::move(body), std::move(done));
      cv_.notify_one();
      return;
    }
  }
  std::vector<std::pair<json, Done>> alone;  // shutting down: signed alone, here
  alone.emplace_back(std::move(body), std::move(done));
  hand_over(alone);
}

void ReceiptSigner::run() {
  std::vector<std::pair<json, Done>> batch;
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
