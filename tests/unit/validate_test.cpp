#include <gtest/gtest.h>

#include "identity/validate.hpp"

using namespace darwaza::identity;

TEST(Validate, Cnic) {
  EXPECT_TRUE(valid_cnic("35202-1234567-1"));
  EXPECT_FALSE(valid_cnic("3520212345671"));
  EXPECT_FALSE(valid_cnic("35202-123456-71"));
  EXPECT_FALSE(valid_cnic("35202-1234567-12"));
  EXPECT_FALSE(valid_cnic("a5202-1234567-1"));
}

TEST(Validate, EmailMobileNtnSecp) {
  EXPECT_EQ(normalise_email(" Ali@Example.PK "), "ali@example.pk");
  EXPECT_FALSE(normalise_email("ali@@example.pk"));
  EXPECT_FALSE(normalise_email("ali@example"));
  EXPECT_FALSE(normalise_email("a li@example.pk"));
  EXPECT_EQ(normalise_mobile("+92 300 1234567"), "+923001234567");
  EXPECT_EQ(normalise_mobile("0300-1234567"), "+923001234567");
  EXPECT_FALSE(normalise_mobile("+92 21 1234567"));
  EXPECT_FALSE(normalise_mobile("+923001234567x"));
  EXPECT_TRUE(valid_ntn("1234567-8"));
  EXPECT_TRUE(valid_ntn("1234567"));
  EXPECT_FALSE(valid_ntn("123456-78"));
  EXPECT_TRUE(valid_secp("0123456"));
  EXPECT_FALSE(valid_secp("012345"));
}

TEST(Validate, Passwords) {
  EXPECT_TRUE(acceptable_password("correct horse"));
  EXPECT_FALSE(acceptable_password("short"));
  EXPECT_FALSE(acceptable_password("aaaaaaaaaaaa"));
  EXPECT_FALSE(acceptable_password(std::string(300, 'x') + "y"));
  EXPECT_TRUE(acceptable_password("پاکستان زندہ باد"));  // 16 code points
}
