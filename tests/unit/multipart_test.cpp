#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "http/multipart.hpp"

using namespace darwaza;
using namespace darwaza::http;

TEST(Multipart, ReadsPartsNamesFilesAndTypes) {
  const std::string body =
      "preamble\r\n--b0und\r\ncontent-disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
      "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b.pdf\"\r\nContent-Type: application/pdf\r\n"
      "Content-Transfer-Encoding: BASE64\r\n\r\n%PDF\r\n--b0un\r\n--b0und--\r\nepilogue";
  auto parts = parse_form_data("multipart/form-data; boundary=\"b0und\"", body);
  ASSERT_TRUE(parts.ok()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].body, "hello");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a;b.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].transfer_encoding, "base64");
  EXPECT_EQ((*parts)[1].body, "%PDF\r\n--b0un");  // a near-boundary inside the content stays content
}

TEST(Multipart, RefusesWhatIsNotWellFormed) {
  const std::string ct = "multipart/form-data; boundary=x";
  for (const auto& [type, body] : std::vector<std::pair<std::string, std::string>>{
           {"application/pdf", "--x\r\n\r\n"},
           {"multipart/form-data", "--x\r\n"},
           {ct, "no delimiter"},
           {ct, "--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated"},
           {ct, "--x\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--x--"},
           {ct, "--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--"},
           {ct, "--x\r\nno colon here\r\n\r\nv\r\n--x--"},
           {ct, "--xjunk"}}) {
    auto r = parse_form_data(type, body);
    ASSERT_FALSE(r.ok()) << type << " " << body;
    EXPECT_EQ(r.error().type, "invalid-multipart");
  }
  std::string many;
  for (std::size_t i = 0; i <= kMaxFormParts; ++i) many += "--x\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  EXPECT_FALSE(parse_form_data(ct, many + "--x--").ok());
  EXPECT_TRUE(parse_form_data(ct, "--x--").ok());  // no parts at all is well formed
}

TEST(Base64, DecodesStandardBase64AndRefusesOtherText) {
  EXPECT_EQ(crypto::base64_decode("JVBERi0xLjcK\r\nYjY0Cg=="), std::optional<std::string>("%PDF-1.7\nb64\n"));
  EXPECT_EQ(crypto::base64_decode(""), std::optional<std::string>(""));
  EXPECT_FALSE(crypto::base64_decode("!!not base64!!"));
  EXPECT_FALSE(crypto::base64_decode("JVBERi0x_-"));  // the URL-safe alphabet is another encoding
}
