// Files compiled into the binary (migrations, Longnan's public data) so that one binary
// runs without the source tree. See cmake/embed.cmake.
#pragma once

#include <span>
#include <string_view>

namespace longnan::core {

struct EmbeddedFile {
  std::string_view name;  // base name, e.g. "0001_init.sql"
  std::string_view data;
};

// Returns the file named `name` or an empty view when absent.
inline std::string_view find_embedded(std::span<const EmbeddedFile> files, std::string_view name) {
  for (const auto& file : files)
    if (file.name == name) return file.data;
  return {};
}

}  // namespace longnan::core
