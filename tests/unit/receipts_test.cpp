// Receipts signed in batches (certificates/receipts.hpp): the Merkle tree's paths against its root
// for every size up to 33 and against RFC 9162's tree by hand; batch and plain signature blocks and
// what verify_receipt refuses of them; and the signer thread, whose queued receipts share one
// signature.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <sodium.h>

#include "certificates/certificate.hpp"
#include "certificates/receipts.hpp"
#include "core/crypto.hpp"

using namespace darwaza;
using namespace darwaza::certificates;
using nlohmann::json;

namespace {

Digest leaf(int i) { return receipt_leaf_hash("receipt " + std::to_string(i)); }

Digest node(const Digest& l, const Digest& r) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(l.begin(), l.end(), buf + 1);
  std::copy(r.begin(), r.end(), buf + 33);
  Digest out;
  crypto_hash_sha256(out.data(), buf, sizeof buf);
  return out;
}

json receipt(int i) {
  return {{"tracking_number", "DZ-AAAA-BBBB-CCCC-" + std::to_string(1000 + i)},
          {"application_id", "app_" + std::to_string(i)},
          {"service_id", "test-permit"},
          {"fee_pkr", "1500.00"},
          {"service_version", 1}};
}

json document(const json& body, const json& signature) { return {{"receipt", body}, {"signature", signature}}; }

// A signed receipt's text parsed; it must be what nlohmann writes for that document, byte for byte
// (the receipt's canonical form, then the signature: the API's answers have not changed shape).
json parsed(const std::string& text) {
  json doc = json::parse(text);
  EXPECT_EQ(doc.dump(), text);
  return doc;
}

json parsed(const Result<std::string>& text) { return text.ok() ? parsed(text.value()) : json("failed"); }

std::vector<std::string> canonical(const std::vector<json>& bodies) {
  std::vector<std::string> out;
  for (const auto& b : bodies) out.push_back(canonical_json(b));
  return out;
}

std::vector<json> signed_documents(int n, const SigningKey& key) {
  std::vector<json> bodies;
  for (int i = 0; i < n; ++i) bodies.push_back(receipt(i));
  auto signed_receipts = sign_receipts(canonical(bodies), key);
  std::vector<json> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(parsed(signed_receipts.at(i)));
    EXPECT_EQ(out.back()["receipt"], bodies[i]);
  }
  return out;
}

std::string problem_of(const Status& s) { return s.ok() ? "ok" : s.error().type; }

}  // namespace

TEST(ReceiptTree, EveryLeafsPathLeadsToTheRootAndNoOtherPlaceDoes) {
  crypto::init();
  for (int n = 1; n <= 33; ++n) {
    std::vector<Digest> leaves;
    for (int i = 0; i < n; ++i) leaves.push_back(leaf(i));
    const Digest root = merkle_root(leaves);
    const auto paths = merkle_paths(leaves);
    ASSERT_EQ(paths.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(root_from_path(leaves[i], i, n, paths[i]), root) << "leaf " << i << " of " << n;
      // The same path claims no other place, and no other leaf fits it.
      if (n > 1) {
        EXPECT_NE(root_from_path(leaves[i], (i + 1) % n, n, paths[i]), std::optional<Digest>(root)) << i << "/" << n;
        EXPECT_NE(root_from_path(leaves[(i + 1) % n], i, n, paths[i]), std::optional<Digest>(root)) << i << "/" << n;
      }
      EXPECT_EQ(root_from_path(leaves[i], n, n, paths[i]), std::nullopt);  // index past the tree
    }
  }
}

TEST(ReceiptTree, MatchesRfc9162ByHand) {
  crypto::init();
  std::vector<Digest> l = {leaf(0), leaf(1), leaf(2), leaf(3), leaf(4)};
  // Three leaves: ((0 1) 2). Five: (((0 1) (2 3)) 4).
  EXPECT_EQ(merkle_root(std::span(l.data(), 3)), node(node(l[0], l[1]), l[2]));
  const Digest four = node(node(l[0], l[1]), node(l[2], l[3]));
  EXPECT_EQ(merkle_root(l), node(four, l[4]));
  const auto paths = merkle_paths(l);
  EXPECT_EQ(paths[4], std::vector<Digest>{four});
  EXPECT_EQ(paths[2], (std::vector<Digest>{l[3], node(l[0], l[1]), l[4]}));
  EXPECT_EQ(merkle_root(std::span(l.data(), 1)), l[0]);
  EXPECT_TRUE(merkle_paths(std::span(l.data(), 1)).at(0).empty());
  // The leaf hash is SHA-256 of 0x00 and the bytes.
  Digest expected;
  const unsigned char bytes[] = {0x00, 'a', 'b'};
  crypto_hash_sha256(expected.data(), bytes, sizeof bytes);
  EXPECT_EQ(receipt_leaf_hash("ab"), expected);
}

TEST(ReceiptSignatures, ABatchSharesOneSignatureAndEachReceiptChecksAlone) {
  auto key = SigningKey::generate();
  auto docs = signed_documents(7, key);
  std::set<std::string> values;
  for (int i = 0; i < 7; ++i) {
    const json& sig = docs[i]["signature"];
    values.insert(sig["value"].get<std::string>());
    EXPECT_EQ(sig["batch"]["index"], i);
    EXPECT_EQ(sig["batch"]["size"], 7);
    EXPECT_EQ(sig["key_id"], key.key_id());
    EXPECT_TRUE(verify_receipt(docs[i], key.public_key_b64()).ok()) << docs[i];
  }
  EXPECT_EQ(values.size(), 1u);
  // One receipt alone: the plain signature of its canonical JSON, as before batches.
  auto one = signed_documents(1, key).at(0);
  EXPECT_FALSE(one["signature"].contains("batch"));
  EXPECT_TRUE(verify_signature(key.public_key_b64(), canonical_json(one["receipt"]), one["signature"]["value"].get<std::string>()));
  EXPECT_TRUE(verify_receipt(one, key.public_key_b64()).ok());
}

TEST(ReceiptSignatures, AlteredReceiptsPlacesPathsAndKeysAreRefused) {
  auto key = SigningKey::generate();
  const std::string pub = key.public_key_b64();
  const json good = signed_documents(6, key).at(4);
  ASSERT_TRUE(verify_receipt(good, pub).ok());
  auto altered = [&](auto change) {
    json d = good;
    change(d);
    return problem_of(verify_receipt(d, pub));
  };
  const std::string bad = "certificate-bad-signature", malformed = "receipt-malformed";
  EXPECT_EQ(altered([](json& d) { d["receipt"]["fee_pkr"] = "0.00"; }), bad);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["index"] = 3; }), bad);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["size"] = 7; }), bad);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["size"] = 4; }), malformed);  // index 4 of 4
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["path"].erase(0); }), bad);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["path"].push_back(d["signature"]["batch"]["path"][0]); }), bad);
  EXPECT_EQ(altered([](json& d) {
              auto& p = d["signature"]["batch"]["path"];
              std::swap(p[0], p[1]);
            }),
            bad);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["path"][0] = "AAAA"; }), malformed);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["index"] = -1; }), malformed);
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["extra"] = 1; }), malformed);
  EXPECT_EQ(altered([](json& d) { d["signature"].erase("batch"); }), bad);  // the batch's value over the receipt alone
  EXPECT_EQ(altered([](json& d) { d["note"] = "unsigned"; }), malformed);
  EXPECT_EQ(altered([](json& d) { d["receipt"].erase("tracking_number"); }), malformed);
  EXPECT_EQ(altered([](json& d) { d["receipt"]["amount"] = 1.5; }), malformed);
  EXPECT_EQ(problem_of(verify_receipt(good, SigningKey::generate().public_key_b64())), std::string("certificate-wrong-key"));
  EXPECT_EQ(problem_of(verify_receipt(good, "not a key")), std::string("invalid-public-key"));
  // Another batch's receipt with this one's path does not check.
  json other = signed_documents(6, key).at(4);
  other["receipt"]["application_id"] = "app_other";
  auto resigned = sign_receipts(canonical({other["receipt"], receipt(0)}), key);
  json mixed = document(other["receipt"], good["signature"]);
  EXPECT_EQ(problem_of(verify_receipt(mixed, pub)), bad);
  EXPECT_TRUE(verify_receipt(parsed(resigned.at(0)), pub).ok());
  // Sizes beyond what canonical JSON writes exactly are refused as malformed, not thrown.
  EXPECT_EQ(altered([](json& d) { d["signature"]["batch"]["size"] = std::uint64_t{1} << 53; }), malformed);
  // A batch's statement with the batch's signature, presented as a receipt signed alone: not a receipt.
  std::vector<Digest> leaves;
  for (int i = 0; i < 6; ++i) leaves.push_back(receipt_leaf_hash(canonical_json(receipt(i))));
  const json statement = json::parse(receipt_batch_statement(merkle_root(leaves), 6));
  json posing = good["signature"];
  posing.erase("batch");
  EXPECT_TRUE(verify_signature(pub, canonical_json(statement), posing["value"].get<std::string>()));
  EXPECT_EQ(problem_of(verify_receipt(document(statement, posing), pub)), malformed);
  // A certificate's signature may not carry a batch.
  json cert_sig = good["signature"];
  EXPECT_EQ(problem_of(verify_certificate(json{{"certificate", json::object()}, {"signature", cert_sig}}, pub)),
            std::string("certificate-malformed"));
}

TEST(ReceiptSigner, ReceiptsQueuedTogetherShareOneSignature) {
  auto key = SigningKey::generate();
  std::mutex mu;
  std::condition_variable cv;
  std::vector<json> docs(10);
  int answered = 0;
  {
    ReceiptSigner signer(key, false);
    for (int i = 0; i < 10; ++i)
      signer.sign_async(canonical_json(receipt(i)), [&, i](Result<std::string> signed_receipt) {
        std::lock_guard lock(mu);
        docs[i] = parsed(signed_receipt);
        EXPECT_EQ(docs[i]["receipt"], receipt(i)) << "each gets its own receipt back";
        ++answered;
        cv.notify_one();
      });
    signer.start();
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return answered == 10; }));
  }
  std::set<std::string> values;
  for (const auto& d : docs) {
    EXPECT_EQ(d["signature"]["batch"]["size"], 10) << d;
    values.insert(d["signature"]["value"].get<std::string>());
    EXPECT_TRUE(verify_receipt(d, key.public_key_b64()).ok()) << d;
  }
  EXPECT_EQ(values.size(), 1u);
}

TEST(ReceiptSigner, ADestroyedSignerSignsWhatIsQueued) {
  auto key = SigningKey::generate();
  std::vector<json> docs;
  {
    ReceiptSigner signer(key, false);  // never started
    for (int i = 0; i < 3; ++i)
      signer.sign_async(canonical_json(receipt(i)), [&](Result<std::string> signed_receipt) { docs.push_back(parsed(signed_receipt)); });
  }
  ASSERT_EQ(docs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(docs[i]["receipt"], receipt(i));
    EXPECT_TRUE(verify_receipt(docs[i], key.public_key_b64()).ok());
  }
}

// The signer's thread starts with its first receipt: a process that signs none (a CLI command
// building the application service) runs no idle thread for it.
TEST(ReceiptSigner, ItsThreadStartsWithTheFirstReceipt) {
  auto key = SigningKey::generate();
  auto threads = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/task"), std::filesystem::directory_iterator());
  };
  const auto before = threads();
  ReceiptSigner signer(key);
  EXPECT_EQ(threads(), before);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<json> doc;
  signer.sign_async(canonical_json(receipt(1)), [&](Result<std::string> signed_receipt) {
    std::lock_guard lock(mu);
    doc = parsed(signed_receipt);
    cv.notify_one();
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return doc.has_value(); }));
  }
  EXPECT_EQ(threads(), before + 1);
  EXPECT_TRUE(verify_receipt(*doc, key.public_key_b64()).ok()) << *doc;
  signer.stop();
  // A joined thread may stay listed a moment longer: its count is polled.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (threads() != before && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(threads(), before);
}

// A node holding the public key only cannot sign: each receipt gets an error, the signer lives on.
TEST(ReceiptSigner, AKeyThatCannotSignFailsEachReceiptAndKeepsRunning) {
  crypto::init();
  const std::string path = std::filesystem::temp_directory_path() / ("dz-receipt-" + crypto::random_hex(6));
  std::ofstream(path + ".pub") << SigningKey::generate().public_key_b64() << "\n";
  auto public_only = SigningKey::load_public(path);
  std::filesystem::remove(path + ".pub");
  ASSERT_TRUE(public_only.ok());
  std::mutex mu;
  std::condition_variable cv;
  int failed = 0;
  {
    ReceiptSigner signer(*public_only, false);
    for (int i = 0; i < 4; ++i)
      signer.sign_async(canonical_json(receipt(i)), [&](Result<std::string> signed_receipt) {
        std::lock_guard lock(mu);
        failed += !signed_receipt.ok();
        cv.notify_one();
      });
    signer.start();
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return failed == 4; }));
  }
  EXPECT_EQ(failed, 4);
}
