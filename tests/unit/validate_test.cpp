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
