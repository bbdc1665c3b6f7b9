// The only place the core touches the file system.
#pragma once

#include <functional>
#include <string>

#include "core/util/status.h"

namespace google::protobuf::io {
class ZeroCopyInputStream;
class ZeroCopyOutputStream;
}  // namespace google::protobuf::io

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

// The first `max_bytes` bytes of a file (fewer if the file is shorter).
StatusOr<std::string> read_file_head(const std::string& path, size_t max_bytes);

// Hands `consume` a zero-copy stream over the file, so large files are parsed
// without holding their bytes in memory.
Status read_file_stream(const std::string& path,
                        const std::function<Status(google::protobuf::io::ZeroCopyInputStream&)>& consume);

// Like write_file_atomic, with the bytes produced into a zero-copy stream.
Status write_file_atomic_stream(const std::string& path,
                                const std::function<Status(google::protobuf::io::ZeroCopyOutputStream&)>& produce);

// True when both paths name the same existing file (same device and inode).
bool same_file(const std::string& a, const std::string& b);

}  // namespace mq
