// Feeds arbitrary bytes to the deflate decoder, with and without the zlib wrapper.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/hdf5/inflate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)mq::hdf5::inflate_zlib(bytes, 1 << 20);
  size_t consumed = 0;
  auto raw = mq::hdf5::inflate_raw(bytes, 1 << 20, &consumed);
  if (raw.is_ok() && consumed > size) __builtin_trap();
  return 0;
}
