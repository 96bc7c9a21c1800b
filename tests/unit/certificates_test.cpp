// Signed certificates: the signing key file's permissions, Ed25519 signatures, canonical JSON,
// certificate verification against tampering and wrong keys, validity dates, and QR codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include "certificates/certificate.hpp"
#include "certificates/qr.hpp"
#include "certificates/signing.hpp"
#include "core/crypto.hpp"

using namespace darwaza;
using namespace darwaza::certificates;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    crypto::init();
    path_ = fs::temp_directory_path() / ("dz-cert-" + crypto::random_hex(6));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

// ---------------------------------------------------------------- the signing key file

TEST(SigningKeyTest, CreatedOwnerOnlyAndReloadedWithSameKeyId) {
  TempDir dir;
  const std::string path = dir.file("keys/signing.key");  // the folder does not exist yet
  auto created = SigningKey::load_or_create(path);
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir.file("keys")), 0700u);
  EXPECT_EQ(created->key_id().size(), kKeyIdHexChars);
  EXPECT_EQ(key_id_for_public_key(created->public_key_b64()), created->key_id());

  const json stored = json::parse(read_text(path));
  EXPECT_EQ(stored["alg"], "Ed25519");
  EXPECT_EQ(stored["public_key"], created->public_key_b64());
  EXPECT_EQ(stored["key_id"], created->key_id());
  EXPECT_TRUE(stored["secret_seed"].is_string());

  EXPECT_EQ(read_text(path + ".pub"), created->public_key_b64() + "\n");
  EXPECT_EQ(mode_of(path + ".pub"), 0644u);

  auto reloaded = SigningKey::load_or_create(path);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().detail;
  EXPECT_EQ(reloaded->key_id(), created->key_id());
  EXPECT_EQ(reloaded->public_key_b64(), created->public_key_b64());
  // The reloaded secret signs what the original public key verifies.
  EXPECT_TRUE(verify_signature(created->public_key_b64(), "hello", reloaded->sign("hello")));
  // Secrets derived from the key (the CSRF key) are the same wherever the file is loaded.
  EXPECT_EQ(reloaded->derive_secret("ctx"), created->derive_secret("ctx"));
  EXPECT_EQ(created->derive_secret("ctx").size(), 32u);
  EXPECT_NE(created->derive_secret("ctx"), created->derive_secret("other ctx"));
  EXPECT_NE(SigningKey::generate().derive_secret("ctx"), created->derive_secret("ctx"));
}

// What a read-only node loads: the public key beside the key file, which checks what the key
// signed and can sign nothing itself.
TEST(SigningKeyTest, APublicKeyOnlyChecksSignaturesAndCannotSign) {
  TempDir dir;
  const std::string path = dir.file("signing.key");
  EXPECT_FALSE(SigningKey::load_public(path).ok()) << "no .pub yet";
  auto full = SigningKey::load_or_create(path);
  ASSERT_TRUE(full.ok()) << full.error().detail;
  auto pub = SigningKey::load_public(path);
  ASSERT_TRUE(pub.ok()) << pub.error().detail;
  EXPECT_TRUE(full->can_sign());
  EXPECT_FALSE(pub->can_sign());
  EXPECT_EQ(pub->key_id(), full->key_id());
  EXPECT_EQ(pub->public_key_b64(), full->public_key_b64());
  EXPECT_TRUE(verify_signature(pub->public_key_b64(), "hello", full->sign("hello")));
  EXPECT_THROW(pub->sign("hello"), std::logic_error);
  EXPECT_THROW(pub->derive_secret("ctx"), std::logic_error);
  std::ofstream(path + ".pub") << "not a key\n";
  EXPECT_FALSE(SigningKey::load_public(path).ok());
}

TEST(SigningKeyTest, KeyFileIsOwnerOnlyEvenUnderAPermissiveUmask) {
  TempDir dir;
  const mode_t old = ::umask(0);
  auto key = SigningKey::load_or_create(dir.file("signing.key"));
  ::umask(old);
  ASSERT_TRUE(key.ok()) << key.error().detail;
  EXPECT_EQ(mode_of(dir.file("signing.key")), 0600u);
}

TEST(SigningKeyTest, GroupOrWorldReadableKeyIsRefused) {
  TempDir dir;
  const std::string path = dir.file("signing.key");
  ASSERT_TRUE(SigningKey::load_or_create(path).ok());
  for (mode_t mode : {0640, 0604, 0660, 0644}) {
    ::chmod(path.c_str(), mode);
    auto key = SigningKey::load_or_create(path);
    ASSERT_FALSE(key.ok()) << std::oct << mode;
    EXPECT_EQ(key.error().type, "signing-key-insecure");
    EXPECT_NE(key.error().detail.find("group or others can read it"), std::string::npos) << key.error().detail;
  }
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(SigningKey::load_or_create(path).ok());
}

TEST(SigningKeyTest, MalformedKeyFileIsRefused) {
  TempDir dir;
  const std::string path = dir.file("signing.key");
  write_text(path, "not json", 0600);
  auto key = SigningKey::load_or_create(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().type, "signing-key-malformed");

  // A public key that does not belong to the seed: someone edited the file.
  ASSERT_TRUE(SigningKey::load_or_create(dir.file("real.key")).ok());
  json j = json::parse(read_text(dir.file("real.key")));
  j["public_key"] = SigningKey::generate().public_key_b64();
  write_text(path, j.dump(), 0600);
  key = SigningKey::load_or_create(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().type, "signing-key-malformed");
}

TEST(SigningKeyTest, MissingOrStalePublicFileIsRewritten) {
  TempDir dir;
  const std::string path = dir.file("signing.key");
  auto key = SigningKey::load_or_create(path);
  ASSERT_TRUE(key.ok());
  fs::remove(path + ".pub");
  ASSERT_TRUE(SigningKey::load_or_create(path).ok());
  EXPECT_EQ(read_text(path + ".pub"), key->public_key_b64() + "\n");
  write_text(path + ".pub", SigningKey::generate().public_key_b64() + "\n", 0644);
  ASSERT_TRUE(SigningKey::load_or_create(path).ok());
  EXPECT_EQ(read_text(path + ".pub"), key->public_key_b64() + "\n");
}

TEST(SigningKeyTest, ConcurrentFirstUseAgreesOnOneKey) {
  TempDir dir;
  const std::string path = dir.file("signing.key");
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto key = SigningKey::load_or_create(path);
      ids[i] = key.ok() ? key->key_id() : "error: " + key.error().detail;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u) << ids[0];
  EXPECT_EQ(ids[0].size(), kKeyIdHexChars) << ids[0];
  for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "left behind: " << entry.path();
  }
}

// ---------------------------------------------------------------- signatures

TEST(SignatureTest, SignVerifyRoundTrip) {
  crypto::init();
  SigningKey key = SigningKey::generate();
  const std::string sig = key.sign("message");
  EXPECT_EQ(sig.size(), 86u);  // 64 bytes, base64url without padding
  EXPECT_EQ(sig.find_first_of("+/="), std::string::npos);
  EXPECT_TRUE(verify_signature(key.public_key_b64(), "message", sig));
  EXPECT_FALSE(verify_signature(key.public_key_b64(), "messagE", sig));
  EXPECT_FALSE(verify_signature(SigningKey::generate().public_key_b64(), "message", sig));
  std::string flipped = sig;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_signature(key.public_key_b64(), "message", flipped));
}

TEST(SignatureTest, GarbageIsNeverValid) {
  crypto::init();
  SigningKey key = SigningKey::generate();
  const std::string sig = key.sign("m");
  EXPECT_FALSE(verify_signature("", "m", sig));
  EXPECT_FALSE(verify_signature("not base64!", "m", sig));
  EXPECT_FALSE(verify_signature(key.public_key_b64() + "AA", "m", sig));
  EXPECT_FALSE(verify_signature(key.public_key_b64(), "m", ""));
  EXPECT_FALSE(verify_signature(key.public_key_b64(), "m", sig.substr(1)));
  EXPECT_FALSE(verify_signature(key.public_key_b64(), "m", sig + "="));
}

TEST(SignatureTest, PublicKeyAcceptedInStandardBase64Too) {
  crypto::init();
  SigningKey key = SigningKey::generate();
  std::string standard = key.public_key_b64();
  for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  standard += "=";  // 32 bytes = 43 chars + one pad
  EXPECT_TRUE(verify_signature(standard, "m", key.sign("m")));
  EXPECT_EQ(key_id_for_public_key(standard), key.key_id());
}

// ---------------------------------------------------------------- canonical JSON

TEST(SigningCanonicalJsonTest, SortedCompactAndUtf8AsIs) {
  const json j = json::parse(R"({"b": 1, "a": [1, {"d": true, "c": null}], "name": "عائشہ خان"})");
  EXPECT_EQ(canonical_json(j), R"({"a":[1,{"c":null,"d":true}],"b":1,"name":"عائشہ خان"})");
  EXPECT_EQ(canonical_json(json{{"s", "line\nbreak\x01 \"q\" \\ /"}}), R"({"s":"line\nbreak\u0001 \"q\" \\ /"})");
}

TEST(SigningCanonicalJsonTest, FloatsAreRefusedWhereverTheyAre) {
  EXPECT_THROW(canonical_json(json(1.5)), std::invalid_argument);
  EXPECT_THROW(canonical_json(json::parse(R"({"fee": 1.0})")), std::invalid_argument);
  try {
    canonical_json(json::parse(R"({"data": {"amounts": [100, 250.75]}})"));
    FAIL() << "float accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/data/amounts/1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(canonical_json(json::parse(R"({"fee": "250.75"})")), R"({"fee":"250.75"})");
}

TEST(SigningCanonicalJsonTest, IntegersBeyondJavaScriptPrecisionAreRefused) {
  constexpr std::int64_t kMax = (std::int64_t{1} << 53) - 1;
  EXPECT_EQ(canonical_json(json(kMax)), "9007199254740991");
  EXPECT_EQ(canonical_json(json(-kMax)), "-9007199254740991");
  EXPECT_THROW(canonical_json(json(kMax + 1)), std::invalid_argument);
  EXPECT_THROW(canonical_json(json(-kMax - 1)), std::invalid_argument);
  EXPECT_THROW(canonical_json(json(std::uint64_t{1} << 63)), std::invalid_argument);
}

TEST(SigningCanonicalJsonTest, InvalidUtf8IsRefused) {
  EXPECT_THROW(canonical_json(json(std::string("\xff\xfe"))), std::invalid_argument);
  EXPECT_THROW(canonical_json(json{{std::string("k\xc3"), 1}}), std::invalid_argument);
}

// ---------------------------------------------------------------- certificates

json sample_body() {
  return json::parse(R"({
    "id": "crt_k3jx9q2m7vbn4c8dfh5t",
    "type": "trade_licence",
    "service_id": "lhr-trade-licence",
    "service_version": 3,
    "application_id": "app_abcdefghijkmnpqrstu",
    "tracking_number": "DZ-2025-000123",
    "holder": {"kind": "citizen", "id": "usr_abcdefghijkmnpqrstu", "name": "عائشہ Khan", "cnic_last4": "4567"},
    "agency": "Lahore Development Authority",
    "issued_at": "2025-03-14T09:30:00.000Z",
    "valid_from": "2025-03-14",
    "valid_until": "2026-03-13",
    "data": {"shop_name": "Khan General Store", "fee_paid": "5000.00", "floors": 2, "address": {"city": "Lahore"}},
    "verify_url": "https://darwaza.gov.pk/verify/crt_k3jx9q2m7vbn4c8dfh5t"
  })");
}

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override { crypto::init(); }
  SigningKey key_ = SigningKey::generate();
};

TEST_F(CertificateTest, SignAndVerifyRoundTrip) {
  const json doc = sign_certificate(sample_body(), key_);
  EXPECT_EQ(doc["certificate"], sample_body());
  EXPECT_EQ(doc["signature"]["alg"], "Ed25519");
  EXPECT_EQ(doc["signature"]["key_id"], key_.key_id());
  Status s = verify_certificate(doc, key_.public_key_b64());
  EXPECT_TRUE(s.ok()) << s.error().detail;
  // Survives transport: pretty-printed text with keys in another order still verifies.
  std::string text = doc.dump(2);
  EXPECT_TRUE(verify_certificate(json::parse(text), key_.public_key_b64()).ok());
  // The signature is over canonical_json of the certificate member, as documented.
  EXPECT_TRUE(verify_signature(key_.public_key_b64(), canonical_json(sample_body()),
                               doc["signature"]["value"].get<std::string>()));
}

TEST_F(CertificateTest, OrganisationHolderAndNoExpiry) {
  json body = sample_body();
  body["holder"] = {{"kind", "organisation"}, {"id", "org_abcdefghijkmnpqrstu"}, {"name", "Khan Traders (Pvt) Ltd"}, {"ntn", "1234567-8"}};
  body["valid_until"] = nullptr;
  const json doc = sign_certificate(body, key_);
  EXPECT_TRUE(verify_certificate(doc, key_.public_key_b64()).ok());
  EXPECT_FALSE(expired(doc, "2999-12-31"));
}

// Every leaf of the certificate, changed in turn, must break verification.
TEST_F(CertificateTest, TamperingWithAnyFieldIsDetected) {
  const json doc = sign_certificate(sample_body(), key_);
  const json flat = doc["certificate"].flatten();
  ASSERT_GT(flat.size(), 15u);
  for (const auto& [pointer, value] : flat.items()) {
    json tampered = doc;
    json& leaf = tampered["certificate"][json::json_pointer(pointer)];
    if (value.is_string()) leaf = value.get<std::string>() + "1";
    else if (value.is_number_integer()) leaf = value.get<std::int64_t>() + 1;
    else if (value.is_null()) leaf = "2099-12-31";
    else FAIL() << "unexpected leaf type at " << pointer;
    Status s = verify_certificate(tampered, key_.public_key_b64());
    ASSERT_FALSE(s.ok()) << "tampering with " << pointer << " went unnoticed";
    EXPECT_TRUE(s.error().type == "certificate-bad-signature" || s.error().type == "certificate-malformed")
        << pointer << ": " << s.error().type;
  }
  for (const char* pointer : {"/holder/name", "/valid_until", "/data/fee_paid", "/agency"}) {
    json tampered = doc;
    tampered["certificate"][json::json_pointer(pointer)] = "2030-01-01";
    EXPECT_EQ(verify_certificate(tampered, key_.public_key_b64()).error().type, "certificate-bad-signature") << pointer;
  }
}

TEST_F(CertificateTest, AddingOrRemovingMembersIsDetected) {
  const json doc = sign_certificate(sample_body(), key_);
  json added = doc;
  added["certificate"]["data"]["extra"] = "x";
  EXPECT_EQ(verify_certificate(added, key_.public_key_b64()).error().type, "certificate-bad-signature");
  json removed = doc;
  removed["certificate"]["data"].erase("floors");
  EXPECT_EQ(verify_certificate(removed, key_.public_key_b64()).error().type, "certificate-bad-signature");
  json float_added = doc;
  float_added["certificate"]["data"]["fee_paid"] = 5000.0;
  EXPECT_EQ(verify_certificate(float_added, key_.public_key_b64()).error().type, "certificate-malformed");
  json unsigned_extra = doc;
  unsigned_extra["note"] = "valid, trust me";
  EXPECT_EQ(verify_certificate(unsigned_extra, key_.public_key_b64()).error().type, "certificate-malformed");
}

TEST_F(CertificateTest, TamperedSignatureBlockIsDetected) {
  const json doc = sign_certificate(sample_body(), key_);
  json bad_value = doc;
  std::string v = doc["signature"]["value"];
  v[5] = v[5] == 'A' ? 'B' : 'A';
  bad_value["signature"]["value"] = v;
  EXPECT_EQ(verify_certificate(bad_value, key_.public_key_b64()).error().type, "certificate-bad-signature");

  json other_alg = doc;
  other_alg["signature"]["alg"] = "none";
  EXPECT_EQ(verify_certificate(other_alg, key_.public_key_b64()).error().type, "certificate-malformed");

  json other_key_id = doc;
  other_key_id["signature"]["key_id"] = "0123456789abcdef";
  EXPECT_EQ(verify_certificate(other_key_id, key_.public_key_b64()).error().type, "certificate-wrong-key");
}

TEST_F(CertificateTest, WrongPublicKeyIsRefused) {
  const json doc = sign_certificate(sample_body(), key_);
  SigningKey other = SigningKey::generate();
  Status s = verify_certificate(doc, other.public_key_b64());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().type, "certificate-wrong-key");
  EXPECT_NE(s.error().detail.find(key_.key_id()), std::string::npos) << s.error().detail;

  // A forger signs with their own key but claims the platform's key id.
  json forged = sign_certificate(sample_body(), other);
  forged["signature"]["key_id"] = key_.key_id();
  EXPECT_EQ(verify_certificate(forged, key_.public_key_b64()).error().type, "certificate-bad-signature");

  EXPECT_EQ(verify_certificate(doc, "not a key").error().type, "invalid-public-key");
}

TEST_F(CertificateTest, MalformedDocumentsAreRefused) {
  const json doc = sign_certificate(sample_body(), key_);
  for (const json& bad : {json(nullptr), json::array(), json("x"), json{{"certificate", doc["certificate"]}},
                          json{{"signature", doc["signature"]}}}) {
    Status s = verify_certificate(bad, key_.public_key_b64());
    ASSERT_FALSE(s.ok()) << bad.dump();
    EXPECT_EQ(s.error().type, "certificate-malformed") << bad.dump();
  }
}

TEST_F(CertificateTest, SigningRefusesBadBodies) {
  auto with = [](const char* pointer, json value) {
    json body = sample_body();
    body[json::json_pointer(pointer)] = std::move(value);
    return body;
  };
  EXPECT_THROW(sign_certificate(with("/data/fee_paid", 5000.0), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/holder/cnic", "35202-1234567-1"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/holder/cnic_last4", "45678"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/holder/kind", "robot"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/id", "app_123"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/service_version", "3"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/issued_at", "14 March 2025"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/valid_from", "2025-02-30"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/valid_until", "2025-03-13"), key_), std::invalid_argument);
  EXPECT_THROW(sign_certificate(with("/data", json::array()), key_), std::invalid_argument);
  json no_until = sample_body();
  no_until.erase("valid_until");
  EXPECT_THROW(sign_certificate(no_until, key_), std::invalid_argument);
  EXPECT_NO_THROW(sign_certificate(with("/issued_at", "2025-03-14T14:30:00+05:00"), key_));
}

TEST_F(CertificateTest, ValidityDates) {
  const json doc = sign_certificate(sample_body(), key_);  // 2025-03-14 .. 2026-03-13
  EXPECT_FALSE(expired(doc, "2026-03-13"));  // the last valid day
  EXPECT_TRUE(expired(doc, "2026-03-14"));
  EXPECT_FALSE(expired(doc, "2025-03-14"));
  EXPECT_TRUE(not_yet_valid(doc, "2025-03-13"));
  EXPECT_FALSE(not_yet_valid(doc, "2025-03-14"));
  EXPECT_FALSE(expired(json::object(), "2026-03-14"));
}

TEST_F(CertificateTest, ErrorsHaveDistinctTypes) {
  std::set<std::string> types;
  for (Errc e : {Errc::malformed_certificate, Errc::invalid_public_key, Errc::wrong_key, Errc::bad_signature,
                 Errc::expired, Errc::not_yet_valid, Errc::key_file_insecure, Errc::key_file_malformed,
                 Errc::key_file_unreadable, Errc::key_file_unwritable}) {
    types.insert(error(e).type);
  }
  EXPECT_EQ(types.size(), 10u);
}

// ---------------------------------------------------------------- QR codes

// Tags balance and every attribute value is quoted: enough to catch a broken template.
void expect_well_formed_xml(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string::npos) {
    std::size_t end = xml.find('>', pos);
    ASSERT_NE(end, std::string::npos) << "unterminated tag";
    std::string tag = xml.substr(pos + 1, end - pos - 1);
    ASSERT_FALSE(tag.empty());
    ASSERT_EQ(std::count(tag.begin(), tag.end(), '"') % 2, 0) << tag;
    if (tag[0] == '/') {
      ASSERT_FALSE(open.empty()) << tag;
      EXPECT_EQ(open.back(), tag.substr(1));
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    pos = end + 1;
  }
  EXPECT_TRUE(open.empty());
}

// The module grid drawn by the SVG's path, quiet zone included.
struct Grid {
  int size = 0;
  std::vector<std::vector<bool>> dark;
};

Grid grid_of(const std::string& svg) {
  Grid g;
  std::size_t vb = svg.find("viewBox=\"0 0 ");
  EXPECT_NE(vb, std::string::npos);
  g.size = std::stoi(svg.substr(vb + 13));
  g.dark.assign(g.size, std::vector<bool>(g.size, false));
  std::size_t d = svg.find(" d=\"");
  std::size_t end = svg.find('"', d + 4);
  std::string path = svg.substr(d + 4, end - d - 4);
  int x, y, run, back, consumed;
  const char* p = path.c_str();
  while (std::sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &consumed) == 4) {
    EXPECT_EQ(run, back);
    for (int i = 0; i < run; ++i) g.dark.at(y).at(x + i) = true;
    p += consumed;
  }
  EXPECT_EQ(*p, '\0') << "unparsed path: " << p;
  return g;
}

TEST(QrTest, WellFormedAccessibleSvgWithOnePath) {
  const std::string svg = qr_svg("https://darwaza.gov.pk/verify/crt_k3jx9q2m7vbn4c8dfh5t");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  expect_well_formed_xml(svg);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("aria-label=\"QR code for verifying this certificate\""), std::string::npos);
  EXPECT_NE(svg.find("<title>QR code for verifying this certificate</title>"), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  std::size_t first = svg.find("<path");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(svg.find("<path", first + 1), std::string::npos);
}

TEST(QrTest, ModuleGridHasQuietZoneAndFinderPatterns) {
  const Grid g = grid_of(qr_svg("https://darwaza.gov.pk/verify/crt_k3jx9q2m7vbn4c8dfh5t"));
  const int q = kQrQuietZoneModules;
  const int width = g.size - 2 * q;
  ASSERT_EQ((width - 17) % 4, 0) << "not a QR symbol size: " << width;
  const int version = (width - 17) / 4;
  EXPECT_GE(version, 1);
  EXPECT_LE(version, 5);  // a ~55-byte URL at level M fits in version 4
  for (int i = 0; i < g.size; ++i) {
    for (int k = 0; k < q; ++k) {
      EXPECT_FALSE(g.dark[i][k] || g.dark[k][i] || g.dark[i][g.size - 1 - k] || g.dark[g.size - 1 - k][i]);
    }
  }
  // The 7×7 finder patterns in three corners: dark ring, light ring, dark 3×3 centre.
  for (auto [ox, oy] : {std::pair{q, q}, std::pair{q + width - 7, q}, std::pair{q, q + width - 7}}) {
    for (int y = 0; y < 7; ++y) {
      for (int x = 0; x < 7; ++x) {
        bool ring = x == 0 || x == 6 || y == 0 || y == 6;
        bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        EXPECT_EQ(g.dark[oy + y][ox + x], ring || centre) << "finder at " << ox << "," << oy << " (" << x << "," << y << ")";
      }
    }
  }
}

TEST(QrTest, DifferentTextsGiveDifferentCodes) {
  EXPECT_NE(qr_svg("https://darwaza.gov.pk/verify/crt_aaaa"), qr_svg("https://darwaza.gov.pk/verify/crt_aaab"));
  EXPECT_EQ(qr_svg("same"), qr_svg("same"));
}

TEST(QrTest, LengthLimitAndLabelEscaping) {
  const Grid largest = grid_of(qr_svg(std::string(kMaxQrTextBytes, 'x')));
  EXPECT_EQ(largest.size - 2 * kQrQuietZoneModules, 17 + 4 * 26);  // version 26: smallest that fits at level M
  EXPECT_THROW(qr_svg(std::string(kMaxQrTextBytes + 1, 'x')), std::length_error);
  EXPECT_THROW(qr_svg(std::string("a\0b", 3)), std::invalid_argument);
  const std::string svg = qr_svg("x", "<script>&\"");
  EXPECT_NE(svg.find("aria-label=\"&lt;script&gt;&amp;&quot;\""), std::string::npos);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  expect_well_formed_xml(svg);
}

}  // namespace
