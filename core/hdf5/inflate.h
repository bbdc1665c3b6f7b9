// Decompression of deflate data (RFC 1951), raw or in a zlib wrapper
// (RFC 1950), and the two checksums that go with them. Our own code so the
// same decoder runs natively and in WebAssembly; every read is bounds-checked
// and damaged input gives a Status, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/status.h"

namespace mq::hdf5 {

// Decompresses a zlib stream (2-byte header, deflate data, Adler-32 trailer,
// which is verified). Fails with kResourceExhausted when the output would
// exceed `max_output` bytes; bytes after the trailer are ignored.
StatusOr<std::string> inflate_zlib(std::string_view input, size_t max_output);

// Decompresses raw deflate data (as stored in ZIP entries). `consumed`, when
// given, receives the number of input bytes the stream used.
StatusOr<std::string> inflate_raw(std::string_view input, size_t max_output, size_t* consumed = nullptr);

// Adler-32 of `data`, continuing from `adler` (start with 1).
uint32_t adler32(std::string_view data, uint32_t adler = 1);

// CRC-32 (the ZIP / gzip polynomial) of `data`, continuing from `crc` (start with 0).
uint32_t crc32(std::string_view data, uint32_t crc = 0);

}  // namespace mq::hdf5
