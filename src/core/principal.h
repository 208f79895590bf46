// Who is calling, and what part of the data they may see (their data scope).
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace longnan::core {

enum class Role { kBuyer, kStoreKeeper, kSupplier, kCourier, kCountyAdmin, kCityAdmin, kAuditor };

// DO NOT CHANGE the strings: stored in users.role.
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Principal {
  int64_t user_id = 0;
  std::string name;
  std::string phone;
  Role role = Role::kBuyer;
  std::optional<int64_t> platform_id;   // the county; none for city admins, auditors of the city, buyers
  std::optional<int64_t> store_id;      // store keepers
  std::optional<int64_t> producer_id;   // suppliers
  std::optional<int64_t> household_id;  // suppliers that are households
  bool via_cookie = false;
  std::string csrf_token;

  bool is_city_wide() const { return role == Role::kCityAdmin || (role == Role::kAuditor && !platform_id); }
  // True when the caller may read rows of `platform`.
  bool sees_platform(int64_t platform) const { return is_city_wide() || platform_id == platform; }
};

}  // namespace longnan::core
