// libFuzzer entry for longnan::fuzz::json (see targets.h). Built by the fuzz preset.
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  longnan::fuzz::json(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
