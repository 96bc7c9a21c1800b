// CSRF tokens (http/csrf.hpp) and static-file content types (http/static_files.hpp).
#include <gtest/gtest.h>

#include "http/csrf.hpp"
#include "http/static_files.hpp"

namespace darwaza::http {
namespace {

TEST(CsrfTokens, OneTokenPerSessionThatOnlyThatSessionAccepts) {
  CsrfTokens csrf;
  std::string a = csrf.for_session("session-a");
  EXPECT_EQ(a, csrf.for_session("session-a"));
  EXPECT_NE(a, csrf.for_session("session-b"));
  EXPECT_TRUE(csrf.matches("session-a", a));
  EXPECT_FALSE(csrf.matches("session-b", a));
  EXPECT_FALSE(csrf.matches("session-a", ""));
  EXPECT_FALSE(csrf.matches("session-a", a.substr(1)));
  EXPECT_FALSE(csrf.matches("session-a", a + "x"));
  // The token reveals nothing usable as the session token itself.
  EXPECT_EQ(a.find("session-a"), std::string::npos);
}

TEST(CsrfTokens, KeyedPerProcess) {
  CsrfTokens one, two;
  EXPECT_NE(one.for_session("same session"), two.for_session("same session"));
  EXPECT_FALSE(two.matches("same session", one.for_session("same session")));
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("pages/apply.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("i18n/ur.json"), "application/json; charset=utf-8");
  EXPECT_EQ(content_type_for("vendor/font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("notes"), "application/octet-stream");
}

TEST(StaticFiles, MissingFolderIsAnError) {
  EXPECT_FALSE(StaticFiles::load("/nonexistent/darwaza/web").ok());
  StaticFiles none;
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace darwaza::http
