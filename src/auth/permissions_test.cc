#include "auth/permissions.h"

#include <gtest/gtest.h>

namespace mnad::auth {
namespace {

Principal SubUser(std::vector<std::string> grants) {
  Principal principal;
  principal.account_uin = "100";
  principal.sub_user_uin = "101";
  principal.allowed_actions = std::move(grants);
  return principal;
}

TEST(PermissionsTest, RootMayCallEverything) {
  Principal root;
  root.account_uin = "100";
  EXPECT_TRUE(ActionAllowed(root, "mna", "OrderPerLicense"));
}

TEST(PermissionsTest, SubUserNeedsAMatchingGrant) {
  EXPECT_TRUE(ActionAllowed(SubUser({"mna:*"}), "mna", "OrderPerLicense"));
  EXPECT_FALSE(ActionAllowed(SubUser({"mna:*"}), "billing", "DescribeAccountBalance"));
  EXPECT_TRUE(ActionAllowed(SubUser({"billing:DescribeAccountBalance"}), "billing",
                            "DescribeAccountBalance"));
  EXPECT_FALSE(
      ActionAllowed(SubUser({"billing:DescribeAccountBalance"}), "billing", "DescribeVoucherInfo"));
  EXPECT_TRUE(ActionAllowed(SubUser({"*"}), "billing", "DescribeVoucherInfo"));
  EXPECT_FALSE(ActionAllowed(SubUser({}), "mna", "GetDevice"));
  // A grant names a service exactly, not a prefix.
  EXPECT_FALSE(ActionAllowed(SubUser({"mn:*"}), "mna", "GetDevice"));
}

TEST(PermissionsTest, OnlyTheThreeGrantFormsAreValid) {
  EXPECT_TRUE(IsValidActionGrant("*"));
  EXPECT_TRUE(IsValidActionGrant("mna:*"));
  EXPECT_TRUE(IsValidActionGrant("mna:OrderPerLicense"));
  EXPECT_FALSE(IsValidActionGrant("mna"));
  EXPECT_FALSE(IsValidActionGrant("mna:"));
  EXPECT_FALSE(IsValidActionGrant(":OrderPerLicense"));
  EXPECT_FALSE(IsValidActionGrant("MNA:Order"));
  EXPECT_FALSE(IsValidActionGrant("mna:Order*"));
}

}  // namespace
}  // namespace mnad::auth
