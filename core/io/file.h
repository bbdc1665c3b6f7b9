// The only place the core touches the file system.
#pragma once

#include <string>

#include "core/util/status.h"

namespace mq {

// Reads a whole file. Refuses files larger than `max_bytes` with a message
// naming the file and its size.
StatusOr<std::string> read_file(const std::string& path, unsigned long long max_bytes = ~0ULL);

// Size of a file in bytes, or an error naming the file.
StatusOr<unsigned long long> file_size(const std::string& path);

// Writes `data` to `path` atomically: a temporary file in the same folder,
// fsync, then rename over the destination. On failure nothing is left behind
// and an existing destination is untouched.
Status write_file_atomic(const std::string& path, const std::string& data);

// True when both paths name the same existing file (same device and inode).
bool same_file(const std::string& a, const std::string& b);

}  // namespace mq
