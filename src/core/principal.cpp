#include "core/principal.h"

#include <array>
#include <utility>

namespace longnan::core {
namespace {
constexpr std::array<std::pair<Role, std::string_view>, 7> kRoles{{
    {Role::kBuyer, "buyer"},
    {Role::kStoreKeeper, "store_keeper"},
    {Role::kSupplier, "supplier"},
    {Role::kCourier, "courier"},
    {Role::kCountyAdmin, "county_admin"},
    {Role::kCityAdmin, "city_admin"},
    {Role::kAuditor, "auditor"},
}};
}  // namespace

std::string_view role_name(Role role) {
  for (const auto& [value, name] : kRoles)
    if (value == role) return name;
  return "buyer";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const auto& [value, text] : kRoles)
    if (text == name) return value;
  return std::nullopt;
}

}  // namespace longnan::core
