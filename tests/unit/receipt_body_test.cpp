// A receipt's content is written directly as canonical JSON (applications/internal.hpp's
// receipt_body): it must be exactly certificates::canonical_json of the same content, for a person
// and for an organisation, with titles holding quotes, backslashes, control characters and Urdu,
// since its bytes are what the signature covers and what a verifier recomputes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "applications/internal.hpp"
#include "certificates/signing.hpp"
#include "core/crypto.hpp"

using namespace darwaza;
using nlohmann::json;

namespace {

applications::Application filed(const std::string& org) {
  applications::Application a;
  a.id = "app_23nbaez79rk8bnezyk9cqfrr72";
  a.tracking_number = "DZ-YNCW-XDEW-BYQN-S68P";
  a.service_id = "stz-zone-enterprise";
  a.service_version = 12;
  a.agency_id = "sez-authority";
  a.applicant_user_id = "usr_ugmgk3wegxtgsvatuwmq";
  a.org_id = org;
  a.data = R"({"endpoints":["8.8.8.0/24"],"purpose":"Benchmark \"quoted\""})";
  a.fee_paisa = 1'234'567;
  a.created_at = 1'733'347'200'123;
  a.submitted_at = 1'733'347'200'456;
  return a;
}

catalog::ServiceDefinition service(std::string en, std::string ur) {
  catalog::ServiceDefinition d;
  d.id = "stz-zone-enterprise";
  d.title = {std::move(en), std::move(ur)};
  return d;
}

}  // namespace

TEST(ReceiptBody, IsCanonicalJsonOfItsContent) {
  crypto::init();
  const std::pair<std::string, std::string> titles[] = {
      {"Zone enterprise licence", "زون انٹرپرائز لائسنس"},
      {"A \"quoted\" \\ back\\slash\ttab\nline\x01", "ٹیسٹ \"اجازت\" نامہ\x1f"},
      {"", ""},
  };
  for (const std::string org : {"", "org_7k2m"}) {
    for (const auto& [en, ur] : titles) {
      const auto a = filed(org);
      const std::string text = applications::receipt_body(a, service(en, ur));
      const json parsed = json::parse(text);
      EXPECT_EQ(certificates::canonical_json(parsed), text) << text;
      EXPECT_EQ(parsed["applicant"], org.empty() ? a.applicant_user_id : org);
      EXPECT_EQ(parsed["service_title"]["en"], en);
      EXPECT_EQ(parsed["service_title"]["ur"], ur);
      EXPECT_EQ(parsed["service_version"], 12);
      EXPECT_EQ(parsed["fee_pkr"], "12345.67");
      EXPECT_EQ(parsed["submitted_at"], "2024-12-04T21:20:00.456Z");
      EXPECT_EQ(parsed["data_sha256"], crypto::sha256_hex(a.data));
      EXPECT_EQ(parsed.size(), 10u);
    }
  }
}

// Canonical JSON cannot hold text that is not UTF-8 (canonical_json refuses it): neither can a
// receipt's content, rather than sign a replacement character for the stored bytes.
TEST(ReceiptBody, RefusesTextThatIsNotUtf8) {
  EXPECT_THROW(applications::receipt_body(filed(""), service("broken \xE2\x82", "x")), std::invalid_argument);
}
